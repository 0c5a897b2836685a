//! Reading the station's devices for the commands that capture (`enroll`, `review … --scanner`,
//! `officer finger`): one fingerprint as a workflow [`Attempt`], one still photo as JPEG
//! bytes. Device I/O only; what the captures mean is the workflows' business.

use std::time::Duration;

use huella_devices::capture::capture_once;
use huella_devices::{
    Camera, Cancel, Deadline, DeviceError, Vc0706Camera, Vc0706Config, ZfmConfig,
};
use huella_sync::FingerPosition;

use crate::workflows::enroll::Attempt;

/// A scanner's serial port and line speed.
#[derive(Debug, Clone, clap::Args)]
pub struct ScannerPort {
    /// Fingerprint scanner serial port (e.g. /dev/ttyUSB0 or a `huella sim scanner` PTY).
    #[arg(long, value_name = "PUERTO")]
    pub scanner: Option<String>,
    /// Scanner line speed.
    #[arg(long, default_value_t = 57_600)]
    pub baud: u32,
}

/// Waits up to `timeout` for a finger on the scanner at `port` and reads it as `position`.
pub fn finger(
    port: &str,
    baud: u32,
    position: FingerPosition,
    timeout: Duration,
) -> Result<Attempt, DeviceError> {
    let config = ZfmConfig {
        baud,
        ..ZfmConfig::default()
    };
    let image = capture_once(port, config, timeout)?.image;
    Ok(Attempt {
        position,
        pixels: image.pixels,
        width: image.width,
        height: image.height,
        dpi: image.dpi,
    })
}

/// Takes one still photo with the camera at `port` (JPEG bytes).
pub fn photo(port: &str, baud: u32, timeout: Duration) -> Result<Vec<u8>, DeviceError> {
    let mut camera = Vc0706Camera::open(
        port,
        Vc0706Config {
            baud,
            ..Vc0706Config::default()
        },
    )?;
    let photo = camera.capture_still(Deadline::after(timeout), &Cancel::new(), &mut |_| {})?;
    Ok(photo.bytes)
}
