//! Device-independent API: the `FingerprintScanner` and `Camera` traits, the images they
//! return, deadlines and cancellation. Must not know any wire protocol.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error::DeviceError;

/// A point in time after which a blocking operation gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline(pub Instant);

impl Deadline {
    /// A deadline `d` from now.
    pub fn after(d: Duration) -> Self {
        Self(Instant::now() + d)
    }

    /// Time left (zero once passed).
    pub fn remaining(&self) -> Duration {
        self.0.saturating_duration_since(Instant::now())
    }

    /// True once the deadline has passed.
    pub fn passed(&self) -> bool {
        Instant::now() >= self.0
    }

    /// The earlier of this deadline and `d` from now.
    pub fn min_after(&self, d: Duration) -> Self {
        Self(self.0.min(Instant::now() + d))
    }
}

/// Shared cancellation flag, checked by drivers between polls and packets.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A fresh, not-cancelled flag.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests cancellation.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Clears the flag for the next operation.
    pub fn reset(&self) {
        self.0.store(false, Ordering::SeqCst);
    }

    /// True once cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(Cancelled)` if cancellation was requested.
    pub fn check(&self) -> Result<(), DeviceError> {
        if self.is_cancelled() {
            Err(DeviceError::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// Transfer progress in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes received so far.
    pub done: usize,
    /// Bytes expected in total.
    pub total: usize,
}

/// Something a driver tells its caller while a capture runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureStep {
    /// A finger was detected on the glass.
    FingerDetected,
    /// Bytes of the image have arrived.
    Progress(Progress),
}

/// An 8-bit grayscale fingerprint image, rows top to bottom, ridges dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FingerImage {
    /// Width in pixels.
    pub width: u16,
    /// Height in pixels.
    pub height: u16,
    /// Nominal resolution in dots per inch.
    pub dpi: u16,
    /// `width * height` pixels.
    pub pixels: Vec<u8>,
}

/// A still photo as the camera delivered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// MIME type, e.g. `image/jpeg`.
    pub mime: &'static str,
    /// Width in pixels as configured on the device.
    pub width: u16,
    /// Height in pixels as configured on the device.
    pub height: u16,
    /// Encoded bytes.
    pub bytes: Vec<u8>,
}

/// Identification of a connected device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Port path.
    pub port: String,
    /// Model or protocol family, e.g. `ZFM-20` or `VC0706 1.00`.
    pub model: String,
    /// Library capacity for scanners with on-device storage (0 otherwise).
    pub capacity: u16,
    /// Bytes per data packet (scanners) or read chunk (cameras).
    pub packet_size: usize,
}

/// A fingerprint scanner that can detect a finger and deliver an image.
pub trait FingerprintScanner: Send {
    /// Identification and parameters read at connection time.
    fn info(&self) -> DeviceInfo;

    /// Polls the sensor once: true if a finger is on the glass.
    fn finger_present(&mut self) -> Result<bool, DeviceError>;

    /// Waits until a finger is placed, then uploads its image.
    fn capture(
        &mut self,
        deadline: Deadline,
        cancel: &Cancel,
        on_step: &mut dyn FnMut(CaptureStep),
    ) -> Result<FingerImage, DeviceError>;

    /// Waits until the finger is lifted from the glass.
    fn wait_removed(&mut self, deadline: Deadline, cancel: &Cancel) -> Result<(), DeviceError>;
}

/// A still camera.
pub trait Camera: Send {
    /// Identification read at connection time.
    fn info(&self) -> DeviceInfo;

    /// Freezes a frame and downloads it.
    fn capture_still(
        &mut self,
        deadline: Deadline,
        cancel: &Cancel,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<Photo, DeviceError>;
}
