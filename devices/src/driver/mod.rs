//! Drivers that speak a device protocol over a serial port and implement the device traits.
//! Must not know about simulators or the UI.

pub mod vc0706;
pub mod zfm;

pub use vc0706::{Vc0706Camera, Vc0706Config};
pub use zfm::{ZfmConfig, ZfmScanner};
