//! Biometric capture devices for the huella console: a ZFM-20 / R30x / AS608 fingerprint
//! scanner and a VC0706 serial JPEG camera, spoken to over real serial ports.
//!
//! Layers (each module's doc says what it must not do):
//! - [`proto`]: sans-IO wire codecs shared by drivers and simulators;
//! - [`transport`] + [`driver`]: blocking drivers with deadlines, behind the
//!   [`FingerprintScanner`] and [`Camera`] traits;
//! - [`actor`]: a worker thread per device, commands in / events out on bounded channels;
//! - [`sim`]: wire-faithful simulators on pseudo-terminals, with fault injection and a
//!   scriptable [`sim::Glass`] ("who is on the glass");
//! - [`synthetic`]: seed-stable synthetic fingerprints and faces;
//! - [`quality`], [`formats`], [`probe`]: host-side measures, PNG files and discovery.
//!
//! ```no_run
//! use huella_devices::{sim, SimFinger, ZfmScanner, ZfmConfig, FingerprintScanner, Deadline, Cancel};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let handle = sim::start_scanner(sim::ScannerSimConfig::synthetic(sim::Line::unpaced(57_600)))?;
//! handle.glass().place(42, SimFinger::new(2).ok_or("dedo")?);
//! let mut scanner = ZfmScanner::open(handle.path(), ZfmConfig::default())?;
//! let image = scanner.capture(Deadline::after(std::time::Duration::from_secs(5)), &Cancel::new(), &mut |_| {})?;
//! assert_eq!((image.width, image.height), (256, 288));
//! # Ok(()) }
//! ```

pub mod actor;
pub mod api;
pub mod capture;
pub mod driver;
pub mod error;
pub mod formats;
pub mod probe;
pub mod proto;
pub mod quality;
pub mod sim;
pub mod synthetic;
pub mod transport;
pub mod usb;

pub use actor::{
    CameraActor, CameraCommand, CameraEvent, ScannerActor, ScannerCommand, ScannerEvent,
    spawn_camera, spawn_scanner,
};
pub use api::{
    Camera, Cancel, CaptureStep, Deadline, DeviceInfo, FingerImage, FingerprintScanner, Photo,
    Progress,
};
pub use driver::{Vc0706Camera, Vc0706Config, ZfmConfig, ZfmScanner};
pub use error::{DeviceError, ErrorKind, FramingError, QualityIssue, Retry};
pub use synthetic::SimFinger;
