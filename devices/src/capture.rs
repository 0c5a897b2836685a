//! One-shot capture from a scanner port to a PNG file, as used by `huella devices capture`
//! and `huella devices test`: the file is written (atomically) only if the capture completed.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::api::{Cancel, CaptureStep, Deadline, DeviceInfo, FingerImage, FingerprintScanner};
use crate::driver::{ZfmConfig, ZfmScanner};
use crate::error::DeviceError;
use crate::formats::png::{ImageFileError, write_png_atomic};
use crate::quality::{Quality, assess};

/// A completed capture and how it went.
#[derive(Debug, Clone)]
pub struct CaptureReport {
    /// The scanner as identified when it was opened.
    pub device: DeviceInfo,
    /// The image.
    pub image: FingerImage,
    /// Wall time of the image upload (after the finger was detected).
    pub upload: Duration,
    /// Image bytes received during the upload.
    pub upload_bytes: usize,
    /// Data packet content size the scanner used.
    pub packet_size: usize,
    /// Simple image quality indicators.
    pub quality: Quality,
}

impl CaptureReport {
    /// Bytes on the wire during the upload: UpImage ack plus data packets with framing.
    pub fn wire_bytes(&self) -> usize {
        let p = self.packet_size.max(1);
        12 + self.upload_bytes.div_ceil(p) * (p + crate::proto::zfm::packet::OVERHEAD)
    }

    /// Link speed during the upload in wire bytes per second.
    pub fn bytes_per_second(&self) -> f64 {
        self.wire_bytes() as f64 / self.upload.as_secs_f64().max(1e-9)
    }

    /// Link speed as a share of the line rate `baud / 10` bytes per second.
    pub fn line_share(&self, baud: u32) -> f64 {
        self.bytes_per_second() / (f64::from(baud) / 10.0)
    }
}

/// Why a capture to file failed.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The device failed.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// The file could not be written.
    #[error("no se pudo escribir la imagen")]
    File(#[from] ImageFileError),
}

/// The port name that selects a libfprint reader instead of a serial port: `libfprint`
/// (the first reader that gives images) or `libfprint:DRIVER` (e.g. `libfprint:uru4000`).
pub const LIBFPRINT_PORT: &str = "libfprint";

/// Opens the scanner named by `port`: a serial ZFM-class module, or with the `libfprint`
/// feature a USB reader named [`LIBFPRINT_PORT`]`[:DRIVER]`.
pub fn open_scanner(
    port: &str,
    config: ZfmConfig,
) -> Result<Box<dyn FingerprintScanner>, DeviceError> {
    #[cfg(feature = "libfprint")]
    if let Some(rest) = port.strip_prefix(LIBFPRINT_PORT) {
        let driver = rest.strip_prefix(':').filter(|d| !d.is_empty());
        if rest.is_empty() || driver.is_some() {
            let choice = crate::usb::libfprint::ReaderChoice {
                driver: driver.map(str::to_owned),
            };
            return Ok(Box::new(crate::usb::libfprint::LibfprintScanner::open(
                &choice,
            )?));
        }
    }
    Ok(Box::new(ZfmScanner::open(port, config)?))
}

/// Opens the scanner at `port` ([`open_scanner`]), waits up to `timeout` for a finger and
/// uploads one image.
pub fn capture_once(
    port: &str,
    config: ZfmConfig,
    timeout: Duration,
) -> Result<CaptureReport, DeviceError> {
    let mut scanner = open_scanner(port, config)?;
    capture_from(scanner.as_mut(), timeout)
}

/// Waits up to `timeout` for a finger on an opened scanner and uploads one image.
pub fn capture_from(
    scanner: &mut dyn FingerprintScanner,
    timeout: Duration,
) -> Result<CaptureReport, DeviceError> {
    let device = scanner.info();
    let packet_size = device.packet_size;
    let mut upload_start = None;
    let mut upload_bytes = 0;
    let image = scanner.capture(
        Deadline::after(timeout),
        &Cancel::new(),
        &mut |step| match step {
            CaptureStep::FingerDetected => upload_start = Some(Instant::now()),
            CaptureStep::Progress(p) => upload_bytes = p.done,
        },
    )?;
    let upload = upload_start.map(|t| t.elapsed()).unwrap_or_default();
    let quality = assess(
        &image.pixels,
        usize::from(image.width),
        usize::from(image.height),
    );
    Ok(CaptureReport {
        device,
        image,
        upload,
        upload_bytes,
        packet_size,
        quality,
    })
}

/// [`capture_once`], then writes the PNG to `out` via a temp file and rename.
pub fn capture_to_png(
    port: &str,
    config: ZfmConfig,
    timeout: Duration,
    out: &Path,
) -> Result<CaptureReport, CaptureError> {
    let report = capture_once(port, config, timeout)?;
    write_png_atomic(out, &report.image)?;
    Ok(report)
}
