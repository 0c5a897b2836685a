//! A [`FingerprintScanner`] over libfprint-2 (feature `libfprint`): U.are.U 4000/4500
//! (`uru4000`) and the other image readers libfprint drives, plus its `virtual_image` test
//! device. libfprint objects must stay on one thread, so each scanner owns a worker thread
//! that holds the context and the opened reader; the caller's thread only sends requests and
//! cancels through a thread-safe GIO cancellable. Must not interpret images (that is the
//! matcher's job) nor word errors for officers (`DeviceError::mensaje` does).

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::Duration;

use huella_libfprint_ffi::{Cancellable, Context, FpError, Image};

use crate::api::{
    Cancel, CaptureStep, Deadline, DeviceInfo, FingerImage, FingerprintScanner, Progress,
};
use crate::error::{DeviceError, FramingError, QualityIssue};

/// Nominal resolution reported for libfprint images (the drivers do not say; U.are.U and
/// FVC-class optical readers are ≈ 500 dpi).
const DPI: u16 = 500;
/// How often the caller's thread checks its cancel flag and deadline while a capture runs.
const POLL: Duration = Duration::from_millis(50);
/// How long a cancelled capture may take to wind down before the reader counts as gone.
const WIND_DOWN: Duration = Duration::from_secs(5);

/// A reader as `huella devices list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    /// libfprint's device name.
    pub name: String,
    /// Driver id (`uru4000`, `virtual_image`, …).
    pub driver: String,
    /// Device id (bus path or socket).
    pub device_id: String,
    /// `None` if the reader delivers images; otherwise why huella cannot use it.
    pub unusable: Option<Unusable>,
}

/// Why a reader libfprint knows cannot serve huella.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unusable {
    /// It matches on the chip and hands out no image (huella matches and deduplicates on
    /// images, and must store them).
    NoImages,
}

/// The readers libfprint sees now. Runs libfprint on a short-lived thread of its own.
pub fn readers() -> Vec<Reader> {
    std::thread::Builder::new()
        .name("libfprint-lista".into())
        .spawn(|| {
            let Some(ctx) = Context::new() else {
                return Vec::new();
            };
            ctx.devices()
                .iter()
                .map(|d| {
                    let i = d.info();
                    Reader {
                        name: i.name,
                        driver: i.driver,
                        device_id: i.device_id,
                        unusable: (!i.can_capture).then_some(Unusable::NoImages),
                    }
                })
                .collect()
        })
        .ok()
        .and_then(|h| h.join().ok())
        .unwrap_or_default()
}

/// Maps a libfprint error to the crate's taxonomy.
pub fn device_error(e: FpError, device_id: &str) -> DeviceError {
    match e {
        FpError::Retry { code, .. } => DeviceError::PoorImage(match code {
            1 | 2 => QualityIssue::TooFewFeatures,
            _ => QualityIssue::CaptureFailed,
        }),
        FpError::Device { code: 1, .. } => DeviceError::Unsupported { code: 1 },
        FpError::Device { code: 4, .. } => DeviceError::Busy {
            port: PathBuf::from(device_id),
        },
        FpError::Device { code: 5, .. } => DeviceError::Framing(FramingError::Unexpected),
        FpError::Device { code: 0x100, .. } => DeviceError::Disconnected,
        FpError::Device { code, .. } => DeviceError::Hardware {
            code: u8::try_from(code).unwrap_or(u8::MAX),
        },
        FpError::Cancelled => DeviceError::Cancelled,
        other => DeviceError::Io(std::io::Error::other(other.to_string())),
    }
}

enum Request {
    Capture(Cancellable),
}

type Reply = Result<Image, FpError>;

/// An opened libfprint reader, driven from its own worker thread.
#[derive(Debug)]
pub struct LibfprintScanner {
    info: DeviceInfo,
    requests: Option<SyncSender<Request>>,
    replies: Receiver<Reply>,
    worker: Option<JoinHandle<()>>,
}

/// Which reader to open.
#[derive(Debug, Clone, Default)]
pub struct ReaderChoice {
    /// Only readers of this driver (e.g. `uru4000`); any if `None`.
    pub driver: Option<String>,
}

impl LibfprintScanner {
    /// Opens the first reader that delivers images (and matches `choice`).
    pub fn open(choice: &ReaderChoice) -> Result<Self, DeviceError> {
        let (req_tx, req_rx) = sync_channel::<Request>(1);
        let (rep_tx, rep_rx) = sync_channel::<Reply>(1);
        let (init_tx, init_rx) = sync_channel::<Result<DeviceInfo, DeviceError>>(1);
        let choice = choice.clone();
        let worker = std::thread::Builder::new()
            .name("libfprint".into())
            .spawn(move || serve(&choice, &init_tx, &req_rx, &rep_tx))
            .map_err(DeviceError::Io)?;
        let info = init_rx.recv().map_err(|_| DeviceError::Disconnected)??;
        Ok(Self {
            info,
            requests: Some(req_tx),
            replies: rep_rx,
            worker: Some(worker),
        })
    }
}

/// The worker: opens the reader, then serves captures until the scanner is dropped.
fn serve(
    choice: &ReaderChoice,
    init: &SyncSender<Result<DeviceInfo, DeviceError>>,
    requests: &Receiver<Request>,
    replies: &SyncSender<Reply>,
) {
    let not_found = || DeviceError::NotFound {
        port: PathBuf::from("libfprint"),
    };
    let Some(ctx) = Context::new() else {
        let _ = init.send(Err(not_found()));
        return;
    };
    let mut devices = ctx.devices();
    let pick = devices.iter().position(|d| {
        let i = d.info();
        i.can_capture && choice.driver.as_deref().is_none_or(|want| i.driver == want)
    });
    let Some(index) = pick else {
        let _ = init.send(Err(not_found()));
        return;
    };
    let mut device = devices.swap_remove(index);
    drop(devices);
    let i = device.info();
    if let Err(e) = device.open(&Cancellable::new()) {
        let _ = init.send(Err(device_error(e, &i.device_id)));
        return;
    }
    let info = DeviceInfo {
        port: format!("libfprint:{}", i.driver),
        model: i.name,
        capacity: 0,
        packet_size: 0,
    };
    if init.send(Ok(info)).is_err() {
        return;
    }
    while let Ok(Request::Capture(cancel)) = requests.recv() {
        if replies.send(device.capture(true, &cancel)).is_err() {
            break;
        }
    }
    // `device` closes on drop, on this thread.
}

impl FingerprintScanner for LibfprintScanner {
    fn info(&self) -> DeviceInfo {
        self.info.clone()
    }

    /// libfprint has no cheap "is a finger on the glass" poll: the reader waits for the
    /// finger inside a capture. Always `false`.
    fn finger_present(&mut self) -> Result<bool, DeviceError> {
        Ok(false)
    }

    fn capture(
        &mut self,
        deadline: Deadline,
        cancel: &Cancel,
        on_step: &mut dyn FnMut(CaptureStep),
    ) -> Result<FingerImage, DeviceError> {
        let requests = self.requests.as_ref().ok_or(DeviceError::Disconnected)?;
        let fp_cancel = Cancellable::new();
        requests
            .send(Request::Capture(fp_cancel.clone()))
            .map_err(|_| DeviceError::Disconnected)?;
        let mut stopped: Option<DeviceError> = None;
        let mut wind_down = Deadline::after(WIND_DOWN);
        let reply = loop {
            match self.replies.recv_timeout(POLL) {
                Ok(r) => break r,
                Err(RecvTimeoutError::Disconnected) => return Err(DeviceError::Disconnected),
                Err(RecvTimeoutError::Timeout) => {}
            }
            if stopped.is_none() && (cancel.is_cancelled() || deadline.passed()) {
                stopped = Some(if cancel.is_cancelled() {
                    DeviceError::Cancelled
                } else {
                    DeviceError::NoFinger
                });
                fp_cancel.cancel();
                wind_down = Deadline::after(WIND_DOWN);
            }
            if stopped.is_some() && wind_down.passed() {
                // The worker is stuck in the library: give up on this reader, and detach the
                // thread rather than wait for it on drop.
                self.requests = None;
                self.worker = None;
                return Err(DeviceError::Disconnected);
            }
        };
        match (reply, stopped) {
            (Ok(img), _) => {
                on_step(CaptureStep::FingerDetected);
                let total = img.pixels.len();
                on_step(CaptureStep::Progress(Progress { done: total, total }));
                Ok(FingerImage {
                    width: u16::try_from(img.width).map_err(|_| FramingError::BadImage)?,
                    height: u16::try_from(img.height).map_err(|_| FramingError::BadImage)?,
                    dpi: DPI,
                    pixels: img.pixels,
                })
            }
            (Err(FpError::Cancelled), Some(why)) => Err(why),
            (Err(e), _) => Err(device_error(e, &self.info.port)),
        }
    }

    /// libfprint does not report the finger lifting outside a capture (each capture waits for
    /// a fresh finger itself): returns at once.
    fn wait_removed(&mut self, _deadline: Deadline, _cancel: &Cancel) -> Result<(), DeviceError> {
        Ok(())
    }
}

impl Drop for LibfprintScanner {
    fn drop(&mut self) {
        // Closing the request channel ends the worker's loop; it closes the reader itself.
        self.requests = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}
