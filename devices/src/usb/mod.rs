//! USB capture devices behind cargo features: fingerprint readers through the system
//! libfprint-2 (`libfprint`), UVC webcams through V4L2 (`v4l2`), and the webcam frame
//! conversions (always built, so they are tested everywhere). Each backend implements the
//! same traits as the serial drivers; this module only groups them.

pub mod frames;

#[cfg(feature = "libfprint")]
pub mod libfprint;
#[cfg(feature = "v4l2")]
pub mod v4l2;
