//! Workflows: one API per operation an officer, supervisor or administrator performs.
//!
//! The console (`crate::console`) and the command line (`crate::commands`) are faces over these
//! modules: they parse, call one workflow and show its result. Workflows own the store session,
//! the audit entries and the policy; they print nothing and hold no user-facing text.

pub mod activity;
pub mod approve;
pub mod enroll;
pub mod import;
pub mod indexing;
pub mod lookup;
pub mod session;
pub mod station;
pub mod sync_round;
