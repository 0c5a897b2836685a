//! Device actors: each device runs on its own worker thread doing blocking I/O; commands go
//! in on a bounded channel, events come out on another. Must not know the UI or protocols.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::api::{
    Camera, Cancel, CaptureStep, Deadline, DeviceInfo, FingerImage, FingerprintScanner, Photo,
    Progress,
};
use crate::error::DeviceError;

/// Commands accepted by a scanner actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScannerCommand {
    /// Wait up to `timeout` for a finger, then upload its image.
    Capture {
        /// How long to wait for a finger.
        timeout: Duration,
    },
    /// Wait up to `timeout` for the finger to be lifted.
    WaitRemoved {
        /// How long to wait.
        timeout: Duration,
    },
    /// Stop the worker.
    Stop,
}

/// Events emitted by a scanner actor.
#[derive(Debug)]
pub enum ScannerEvent {
    /// A finger is on the glass; the upload starts.
    FingerDetected,
    /// Image bytes received so far (dropped if the event queue is full).
    Progress(Progress),
    /// A capture completed.
    ImageReady(FingerImage),
    /// The finger was lifted.
    FingerLifted,
    /// A command failed.
    Failed(DeviceError),
    /// The worker stopped.
    Stopped,
}

/// Commands accepted by a camera actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraCommand {
    /// Take and download a still within `timeout`.
    Capture {
        /// Overall time limit.
        timeout: Duration,
    },
    /// Stop the worker.
    Stop,
}

/// Events emitted by a camera actor.
#[derive(Debug)]
pub enum CameraEvent {
    /// Photo bytes received so far (dropped if the event queue is full).
    Progress(Progress),
    /// A photo was downloaded.
    PhotoReady(Photo),
    /// A command failed.
    Failed(DeviceError),
    /// The worker stopped.
    Stopped,
}

/// The command queue is full (the worker is busy) or the worker has stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Too many pending commands.
    #[error("el dispositivo está ocupado")]
    Full,
    /// The worker thread ended.
    #[error("el dispositivo ya no está activo")]
    Stopped,
}

/// Depth of the command queue.
const COMMANDS: usize = 4;

/// Handle to a device worker: send commands, read events; dropping it stops the worker.
#[derive(Debug)]
pub struct Actor<C: Copy, E> {
    commands: SyncSender<C>,
    events: Receiver<E>,
    cancel: Cancel,
    info: DeviceInfo,
    stop: C,
    closed: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// A scanner worker.
pub type ScannerActor = Actor<ScannerCommand, ScannerEvent>;
/// A camera worker.
pub type CameraActor = Actor<CameraCommand, CameraEvent>;

impl<C: Copy, E> Actor<C, E> {
    /// Queues a command without blocking.
    pub fn send(&self, cmd: C) -> Result<(), SendError> {
        self.commands.try_send(cmd).map_err(|e| match e {
            TrySendError::Full(_) => SendError::Full,
            TrySendError::Disconnected(_) => SendError::Stopped,
        })
    }

    /// Cancels the command in progress (the worker reports `Failed(Cancelled)`).
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// The event stream.
    pub fn events(&self) -> &Receiver<E> {
        &self.events
    }

    /// Device identification read when the device was opened.
    pub fn info(&self) -> &DeviceInfo {
        &self.info
    }
}

impl<C: Copy, E> Drop for Actor<C, E> {
    fn drop(&mut self) {
        self.closed.store(true, Ordering::SeqCst);
        self.cancel.cancel();
        let _ = self.commands.try_send(self.stop);
        if let Some(t) = self.thread.take() {
            // Keep draining so a worker blocked on a full event queue can finish.
            while !t.is_finished() {
                let _ = self.events.recv_timeout(Duration::from_millis(10));
            }
            let _ = t.join();
        }
    }
}

fn emit<E>(tx: &SyncSender<E>, event: E) -> bool {
    tx.send(event).is_ok()
}

/// Starts a worker thread for `scanner`; `capacity` bounds the event queue.
pub fn spawn_scanner(
    mut scanner: Box<dyn FingerprintScanner>,
    capacity: usize,
) -> std::io::Result<ScannerActor> {
    let (cmd_tx, cmd_rx) = sync_channel::<ScannerCommand>(COMMANDS);
    let (ev_tx, ev_rx) = sync_channel::<ScannerEvent>(capacity.max(2));
    let cancel = Cancel::new();
    let info = scanner.info();
    let worker_cancel = cancel.clone();
    let closed = Arc::new(AtomicBool::new(false));
    let worker_closed = closed.clone();
    let thread = std::thread::Builder::new()
        .name("lector".into())
        .spawn(move || {
            while let Ok(cmd) = cmd_rx.recv() {
                worker_cancel.reset();
                if worker_closed.load(Ordering::SeqCst) {
                    break;
                }
                let ok = match cmd {
                    ScannerCommand::Stop => break,
                    ScannerCommand::Capture { timeout } => {
                        let mut on_step = |step| match step {
                            CaptureStep::FingerDetected => {
                                let _ = ev_tx.send(ScannerEvent::FingerDetected);
                            }
                            CaptureStep::Progress(p) => {
                                let _ = ev_tx.try_send(ScannerEvent::Progress(p));
                            }
                        };
                        match scanner.capture(
                            Deadline::after(timeout),
                            &worker_cancel,
                            &mut on_step,
                        ) {
                            Ok(img) => emit(&ev_tx, ScannerEvent::ImageReady(img)),
                            Err(e) => emit(&ev_tx, ScannerEvent::Failed(e)),
                        }
                    }
                    ScannerCommand::WaitRemoved { timeout } => {
                        match scanner.wait_removed(Deadline::after(timeout), &worker_cancel) {
                            Ok(()) => emit(&ev_tx, ScannerEvent::FingerLifted),
                            Err(e) => emit(&ev_tx, ScannerEvent::Failed(e)),
                        }
                    }
                };
                if !ok {
                    return;
                }
            }
            let _ = ev_tx.try_send(ScannerEvent::Stopped);
        })?;
    Ok(Actor {
        commands: cmd_tx,
        events: ev_rx,
        cancel,
        info,
        stop: ScannerCommand::Stop,
        closed,
        thread: Some(thread),
    })
}

/// Starts a worker thread for `camera`; `capacity` bounds the event queue.
pub fn spawn_camera(mut camera: Box<dyn Camera>, capacity: usize) -> std::io::Result<CameraActor> {
    let (cmd_tx, cmd_rx) = sync_channel::<CameraCommand>(COMMANDS);
    let (ev_tx, ev_rx) = sync_channel::<CameraEvent>(capacity.max(2));
    let cancel = Cancel::new();
    let info = camera.info();
    let worker_cancel = cancel.clone();
    let closed = Arc::new(AtomicBool::new(false));
    let worker_closed = closed.clone();
    let thread = std::thread::Builder::new()
        .name("camara".into())
        .spawn(move || {
            while let Ok(cmd) = cmd_rx.recv() {
                worker_cancel.reset();
                if worker_closed.load(Ordering::SeqCst) {
                    break;
                }
                let ok = match cmd {
                    CameraCommand::Stop => break,
                    CameraCommand::Capture { timeout } => {
                        let mut on_progress = |p| {
                            let _ = ev_tx.try_send(CameraEvent::Progress(p));
                        };
                        match camera.capture_still(
                            Deadline::after(timeout),
                            &worker_cancel,
                            &mut on_progress,
                        ) {
                            Ok(photo) => emit(&ev_tx, CameraEvent::PhotoReady(photo)),
                            Err(e) => emit(&ev_tx, CameraEvent::Failed(e)),
                        }
                    }
                };
                if !ok {
                    return;
                }
            }
            let _ = ev_tx.try_send(CameraEvent::Stopped);
        })?;
    Ok(Actor {
        commands: cmd_tx,
        events: ev_rx,
        cancel,
        info,
        stop: CameraCommand::Stop,
        closed,
        thread: Some(thread),
    })
}
