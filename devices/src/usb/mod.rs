//! USB capture devices behind cargo features: fingerprint readers through the system
//! libfprint-2 (`libfprint`). Each backend implements the same traits as the serial drivers;
//! this module only groups them and must not hold protocol code of its own.

#[cfg(feature = "libfprint")]
pub mod libfprint;
