//! One module per screen; each draws its part of the body from the [`App`](super::state::App).

pub mod arco;
pub mod central;
pub mod enroll;
pub mod home;
pub mod login;
pub mod lookup;
pub mod movement;
pub mod person;
pub mod queue;
pub mod review;
pub mod sync;
