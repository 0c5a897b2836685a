//! Wire-faithful device simulators on pseudo-terminals, for tests, demos and `huella sim`.
//! Each simulator is a state machine (`zfm`, `vc0706`) bound to a pty master by `runner`;
//! the host side opens the printed slave path like any serial port.
//! Must not be used by drivers (drivers never know they talk to a simulator).

pub mod fault;
pub mod glass;
pub mod images;
pub mod runner;
pub mod vc0706;
pub mod zfm;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serialport::{SerialPort, TTYPort};

pub use fault::Fault;
pub use glass::{Glass, OnGlass};
pub use images::ImageSource;

use runner::SimDevice;

/// Why a simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The pseudo-terminal pair could not be created.
    #[error("no se pudo crear la pseudo-terminal")]
    Pty(#[source] serialport::Error),
    /// The worker thread could not be spawned.
    #[error("no se pudo iniciar el hilo del simulador")]
    Thread(#[source] std::io::Error),
    /// The image folder could not be read.
    #[error("no se pudieron leer las imágenes")]
    Images(#[source] crate::formats::png::ImageFileError),
    /// The fault does not apply to this device.
    #[error("el fallo «{0}» no aplica a la cámara")]
    FaultNotApplicable(Fault),
}

/// Settings shared by both simulators.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    /// Configured baud rate.
    pub baud: u32,
    /// Pace output at `baud` (10 bits per byte); false = as fast as the pty goes.
    pub paced: bool,
}

impl Line {
    /// Paced at `baud`.
    pub fn paced(baud: u32) -> Self {
        Self { baud, paced: true }
    }

    /// Unpaced (fast tests); `baud` is still reported by the device.
    pub fn unpaced(baud: u32) -> Self {
        Self { baud, paced: false }
    }
}

/// Configuration of a simulated fingerprint scanner.
#[derive(Debug)]
pub struct ScannerSimConfig {
    /// Line speed and pacing.
    pub line: Line,
    /// Image source.
    pub source: ImageSource,
    /// What is on the glass (share a clone to change it later).
    pub glass: Glass,
    /// Injected fault, if any.
    pub fault: Option<Fault>,
}

impl ScannerSimConfig {
    /// Synthetic images, empty glass, no fault.
    pub fn synthetic(line: Line) -> Self {
        Self {
            line,
            source: ImageSource::synthetic(),
            glass: Glass::new(),
            fault: None,
        }
    }
}

/// A running simulator; stops (and closes its pty) when dropped.
#[derive(Debug)]
pub struct SimHandle {
    path: String,
    glass: Glass,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// Path of the pty slave to open as the device's serial port.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The glass of a scanner simulator (unused for cameras).
    pub fn glass(&self) -> &Glass {
        &self.glass
    }

    /// False once the simulator has stopped (e.g. after an `unplug` fault).
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Blocks until the simulator stops by itself (unplug) — `huella sim` runs this.
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Stops the simulator and closes the pty.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `TTYPort::pair` is not thread-safe across concurrent callers (upstream FIXME).
static PTY_LOCK: Mutex<()> = Mutex::new(());

fn spawn(
    device: impl SimDevice + 'static,
    line: Line,
    glass: Glass,
    name: &str,
) -> Result<SimHandle, SimError> {
    let (master, slave) = {
        let _guard = PTY_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        TTYPort::pair().map_err(SimError::Pty)?
    };
    let path = slave
        .name()
        .unwrap_or_else(|| PathBuf::from("/dev/pts/?").display().to_string());
    let stop = Arc::new(AtomicBool::new(false));
    let baud = line.paced.then_some(line.baud);
    let thread = std::thread::Builder::new()
        .name(name.to_string())
        .spawn({
            let stop = stop.clone();
            move || runner::serve(master, slave, device, baud, stop)
        })
        .map_err(SimError::Thread)?;
    Ok(SimHandle {
        path,
        glass,
        stop,
        thread: Some(thread),
    })
}

/// Starts a simulated ZFM-20 scanner on a new pty; returns its path and control handle.
pub fn start_scanner(mut config: ScannerSimConfig) -> Result<SimHandle, SimError> {
    // Build the master pattern of the finger already on the glass before serving.
    if let Some(who) = config.glass.current() {
        let _ = config.source.image(who, 0);
    }
    let device = zfm::ZfmSim::new(
        config.source,
        config.glass.clone(),
        config.fault,
        config.line.baud,
    );
    spawn(device, config.line, config.glass, "sim-lector")
}

/// Starts a simulated VC0706 camera showing the synthetic face for `seed`.
pub fn start_camera(line: Line, seed: u64, fault: Option<Fault>) -> Result<SimHandle, SimError> {
    if let Some(f) = fault.filter(|f| !f.applies_to_camera()) {
        return Err(SimError::FaultNotApplicable(f));
    }
    let device = vc0706::Vc0706Sim::new(seed, fault, line.baud);
    spawn(device, line, Glass::new(), "sim-camara")
}
