//! The device worker: opens the scanner and camera (real serial ports or simulators on
//! pseudo-terminals), runs their actors and turns their events into UI events.

use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::time::Duration;

use huella_devices::sim::Glass;
use huella_devices::{
    CameraActor, CameraCommand, CameraEvent, ScannerActor, ScannerCommand, ScannerEvent,
    Vc0706Camera, Vc0706Config, ZfmConfig,
};
use tokio::sync::mpsc::Sender;

use super::emit;
use super::self_test::ShiftTest;
use crate::console::msg::{DeviceCmd, DeviceEvent, DeviceProblem, WorkerEvent};
use crate::home::Home;
use crate::workflows::activity::DeviceSeen;
use crate::workflows::self_test::DeviceKind;

/// How long a capture waits for the finger.
pub(super) const FINGER_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a photo may take.
pub(super) const PHOTO_TIMEOUT: Duration = Duration::from_secs(20);

/// Where the devices are.
#[derive(Debug, Clone, Default)]
pub struct DeviceConfig {
    /// Scanner serial port.
    pub scanner: Option<String>,
    /// Camera serial port.
    pub camera: Option<String>,
    /// Demo only: the simulated glass, so the person being enrolled "places" their finger.
    pub glass: Option<Glass>,
}

/// Starts the device worker; what it finds at connection is noted in `home` for
/// `huella status`.
pub fn spawn(
    config: DeviceConfig,
    home: Home,
    events: Sender<WorkerEvent>,
) -> std::io::Result<SyncSender<DeviceCmd>> {
    let (tx, rx) = sync_channel::<DeviceCmd>(8);
    std::thread::Builder::new()
        .name("dispositivos".into())
        .spawn(move || run(config, &home, rx, events))?;
    Ok(tx)
}

/// Notes each configured device's state at connection (a failure to write is only logged).
fn note_devices(home: &Home, found: &[(&str, &str, Result<String, String>)]) {
    let visto = huella_sync::time::now_utc();
    let seen: Vec<DeviceSeen> = found
        .iter()
        .map(|(tipo, puerto, r)| DeviceSeen {
            tipo: (*tipo).to_owned(),
            puerto: (*puerto).to_owned(),
            modelo: r.as_ref().ok().cloned(),
            estado: match r {
                Ok(_) => "conectado".to_owned(),
                Err(e) => e.clone(),
            },
            visto: visto.clone(),
        })
        .collect();
    if !seen.is_empty()
        && let Err(e) = crate::workflows::activity::record_devices(home, &seen)
    {
        tracing::warn!("could not note the devices: {e}");
    }
}

/// Why a device did not open: its kind for the console, its text for `huella status`.
type OpenFailure = (huella_devices::ErrorKind, String);

fn open_scanner(path: &str) -> Result<ScannerActor, OpenFailure> {
    // A serial port, or `libfprint[:DRIVER]` for a USB reader in builds with that feature.
    let s = huella_devices::capture::open_scanner(path, ZfmConfig::default())
        .map_err(|e| (e.kind(), e.mensaje().to_owned()))?;
    huella_devices::spawn_scanner(s, 64).map_err(|e| (huella_devices::ErrorKind::Io, e.to_string()))
}

fn open_camera(path: &str) -> Result<CameraActor, OpenFailure> {
    let c = Vc0706Camera::open(path, Vc0706Config::default())
        .map_err(|e| (e.kind(), e.mensaje().to_owned()))?;
    huella_devices::spawn_camera(Box::new(c), 64)
        .map_err(|e| (huella_devices::ErrorKind::Io, e.to_string()))
}

/// Opens the device configured at `path`, if any, and notes the outcome for `huella status`.
fn open_noted<'p, A>(
    kind: &'static str,
    path: Option<&'p str>,
    open: fn(&str) -> Result<A, OpenFailure>,
    model: fn(&A) -> String,
    found: &mut Vec<(&'static str, &'p str, Result<String, String>)>,
    problems: &mut Vec<DeviceProblem>,
) -> Option<A> {
    let path = path?;
    let opened = open(path);
    found.push((
        kind,
        path,
        opened.as_ref().map(model).map_err(|(_, text)| text.clone()),
    ));
    opened
        .map_err(|(k, _)| problems.push(DeviceProblem::Device(k)))
        .ok()
}

/// True when `cmd` needs a device the running self-test still holds.
fn waits_for_test(test: Option<&ShiftTest>, cmd: &DeviceCmd) -> bool {
    test.is_some_and(|t| match cmd {
        DeviceCmd::Finger { .. } => t.holds_scanner(),
        DeviceCmd::Photo { .. } => t.holds_camera(),
        DeviceCmd::Cancel | DeviceCmd::SelfTest => false,
    })
}

fn run(config: DeviceConfig, home: &Home, rx: Receiver<DeviceCmd>, tx: Sender<WorkerEvent>) {
    let mut problems = Vec::new();
    let mut found = Vec::new();
    let scanner = open_noted(
        "escaner",
        config.scanner.as_deref(),
        open_scanner,
        |a: &ScannerActor| a.info().model.clone(),
        &mut found,
        &mut problems,
    );
    let camera = open_noted(
        "camara",
        config.camera.as_deref(),
        open_camera,
        |a: &CameraActor| a.info().model.clone(),
        &mut found,
        &mut problems,
    );
    note_devices(home, &found);
    let describe = |i: &huella_devices::DeviceInfo| format!("{} ({})", i.model, i.port);
    let status = DeviceEvent::Status {
        scanner: scanner.as_ref().map(|a| describe(a.info())),
        camera: camera.as_ref().map(|a| describe(a.info())),
    };
    if !emit(&tx, WorkerEvent::Device(status)) {
        return;
    }
    for p in problems {
        if !emit(&tx, WorkerEvent::Device(DeviceEvent::Failed(p))) {
            return;
        }
    }
    let send = |ev| emit(&tx, WorkerEvent::Device(ev));
    let mut test: Option<ShiftTest> = None;
    // A capture asked for while the self-test holds its device waits for the test's image,
    // so no image of the test reaches the officer's work (the latest request wins).
    let mut deferred: Option<DeviceCmd> = None;
    loop {
        let next = match deferred.take_if(|c| !waits_for_test(test.as_ref(), c)) {
            Some(cmd) => Ok(cmd),
            None => rx.recv_timeout(Duration::from_millis(10)),
        };
        match next {
            Ok(cmd) if waits_for_test(test.as_ref(), &cmd) => deferred = Some(cmd),
            Ok(cmd) => {
                let r = match cmd {
                    DeviceCmd::Finger { position, subject } => match &scanner {
                        Some(s) => {
                            if let (Some(g), Some(f)) = (
                                &config.glass,
                                huella_devices::SimFinger::new(position.code()),
                            ) {
                                g.place(subject, f);
                            }
                            s.cancel();
                            s.send(ScannerCommand::Capture {
                                timeout: FINGER_TIMEOUT,
                            })
                            .map_err(|_| DeviceProblem::Busy)
                        }
                        None => Err(DeviceProblem::NoScanner),
                    },
                    DeviceCmd::Photo { .. } => match &camera {
                        Some(c) => c
                            .send(CameraCommand::Capture {
                                timeout: PHOTO_TIMEOUT,
                            })
                            .map_err(|_| DeviceProblem::Busy),
                        None => Err(DeviceProblem::NoCamera),
                    },
                    DeviceCmd::Cancel => {
                        // A running self-test keeps its device; what waited for it is dropped.
                        deferred = None;
                        let held = test.as_ref();
                        if let Some(s) = &scanner
                            && !held.is_some_and(ShiftTest::holds_scanner)
                        {
                            s.cancel();
                        }
                        if let Some(c) = &camera
                            && !held.is_some_and(ShiftTest::holds_camera)
                        {
                            c.cancel();
                        }
                        Ok(())
                    }
                    DeviceCmd::SelfTest => {
                        if test.is_none() {
                            test = ShiftTest::start(
                                home,
                                config.glass.as_ref(),
                                scanner.as_ref(),
                                camera.as_ref(),
                            );
                            if test.is_some() && !send(DeviceEvent::SelfTestStarted) {
                                return;
                            }
                        }
                        Ok(())
                    }
                };
                if let Err(e) = r
                    && !send(DeviceEvent::Failed(e))
                {
                    return;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if let Some(s) = &scanner {
            while let Ok(ev) = s.events().try_recv() {
                if let Some(t) = test.as_mut().filter(|t| t.holds_scanner()) {
                    match ev {
                        ScannerEvent::FingerDetected => t.finger_detected(),
                        ScannerEvent::Progress(p) => t.finger_progress(p.done),
                        ScannerEvent::ImageReady(img) => {
                            if let Some(g) = &config.glass {
                                g.lift();
                            }
                            t.finger_image(s, img);
                        }
                        ScannerEvent::Failed(e) => t.failed(DeviceKind::Escaner, s.info(), e),
                        ScannerEvent::FingerLifted | ScannerEvent::Stopped => {}
                    }
                    continue;
                }
                let out = match ev {
                    ScannerEvent::FingerDetected => Some(DeviceEvent::FingerDetected),
                    ScannerEvent::Progress(p) => Some(DeviceEvent::Progress(p.done, p.total)),
                    ScannerEvent::ImageReady(img) => {
                        if let Some(g) = &config.glass {
                            g.lift();
                        }
                        Some(DeviceEvent::Image(img))
                    }
                    ScannerEvent::Failed(e) if e.kind() == huella_devices::ErrorKind::Cancelled => {
                        None
                    }
                    ScannerEvent::Failed(e) => {
                        Some(DeviceEvent::Failed(DeviceProblem::Device(e.kind())))
                    }
                    ScannerEvent::FingerLifted | ScannerEvent::Stopped => None,
                };
                if let Some(ev) = out
                    && !send(ev)
                {
                    return;
                }
            }
        }
        if let Some(c) = &camera {
            while let Ok(ev) = c.events().try_recv() {
                if let Some(t) = test.as_mut().filter(|t| t.holds_camera()) {
                    match ev {
                        CameraEvent::PhotoReady(photo) => t.photo(c, &photo),
                        CameraEvent::Failed(e) => t.failed(DeviceKind::Camara, c.info(), e),
                        CameraEvent::Progress(_) | CameraEvent::Stopped => {}
                    }
                    continue;
                }
                let out = match ev {
                    CameraEvent::Progress(p) => Some(DeviceEvent::Progress(p.done, p.total)),
                    CameraEvent::PhotoReady(photo) => Some(DeviceEvent::Photo(photo.bytes)),
                    CameraEvent::Failed(e) if e.kind() == huella_devices::ErrorKind::Cancelled => {
                        None
                    }
                    CameraEvent::Failed(e) => {
                        Some(DeviceEvent::Failed(DeviceProblem::Device(e.kind())))
                    }
                    CameraEvent::Stopped => None,
                };
                if let Some(ev) = out
                    && !send(ev)
                {
                    return;
                }
            }
        }
        if test.as_ref().is_some_and(ShiftTest::finished)
            && let Some(t) = test.take()
            && !send(DeviceEvent::SelfTested(t.finish(home)))
        {
            return;
        }
    }
}
