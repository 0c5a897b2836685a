//! Sans-IO wire codecs shared by drivers and simulators. Must not open ports or sleep.

pub mod vc0706;
pub mod zfm;
