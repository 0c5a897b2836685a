//! The VC0706 driver against the camera simulator over a real pseudo-terminal: every
//! command, the actor, and every fault that applies to a camera.

use std::time::Duration;

use huella_devices::sim::{self, Fault, Line, SimHandle};
use huella_devices::{
    Camera, CameraCommand, CameraEvent, Cancel, Deadline, ErrorKind, Photo, Vc0706Camera,
    Vc0706Config, spawn_camera,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const FAST: u32 = 921_600;

fn start(fault: Option<Fault>) -> Result<SimHandle, sim::SimError> {
    sim::start_camera(Line::unpaced(FAST), 1, fault)
}

fn config() -> Vc0706Config {
    Vc0706Config {
        baud: FAST,
        reply_timeout: Duration::from_millis(300),
        chunk: 4096,
        ..Vc0706Config::default()
    }
}

fn still(cam: &mut Vc0706Camera) -> Result<Photo, huella_devices::DeviceError> {
    cam.capture_still(
        Deadline::after(Duration::from_secs(10)),
        &Cancel::new(),
        &mut |_| {},
    )
}

#[test]
fn version_size_reset_and_still() -> TestResult {
    let sim = start(None)?;
    let mut cam = Vc0706Camera::open(sim.path(), config())?;
    assert_eq!(cam.info().model, "VC0706 1.00");
    assert_eq!(cam.image_size()?, (640, 480));
    cam.reset()?;
    let mut last = 0;
    let photo = cam.capture_still(
        Deadline::after(Duration::from_secs(10)),
        &Cancel::new(),
        &mut |p| {
            assert!(p.done > last);
            last = p.done;
        },
    )?;
    assert_eq!(last, photo.bytes.len());
    assert_eq!(
        (photo.mime, photo.width, photo.height),
        ("image/jpeg", 640, 480)
    );
    assert!(photo.bytes.starts_with(&[0xFF, 0xD8]));
    assert!(photo.bytes.ends_with(&[0xFF, 0xD9]));
    assert!(
        photo.bytes.len() > 2000,
        "a real JPEG, {} bytes",
        photo.bytes.len()
    );
    // Explicit protocol steps.
    cam.freeze()?;
    let len = cam.frame_len()?;
    assert_eq!(len as usize, photo.bytes.len());
    let head = cam.read_chunk(0, 64, &Cancel::new())?;
    assert_eq!(head.as_slice(), photo.bytes.get(..64).ok_or("short")?);
    cam.resume()?;
    Ok(())
}

#[test]
fn actor_delivers_a_photo() -> TestResult {
    let sim = start(None)?;
    let cam = Vc0706Camera::open(sim.path(), config())?;
    let actor = spawn_camera(Box::new(cam), 8)?;
    actor.send(CameraCommand::Capture {
        timeout: Duration::from_secs(10),
    })?;
    loop {
        match actor.events().recv_timeout(Duration::from_secs(10))? {
            CameraEvent::Progress(_) => {}
            CameraEvent::PhotoReady(p) => {
                assert!(p.bytes.starts_with(&[0xFF, 0xD8]));
                break;
            }
            other => return Err(format!("unexpected {other:?}").into()),
        }
    }
    Ok(())
}

fn expect_error(fault: Fault, kind: ErrorKind) -> TestResult {
    let sim = start(Some(fault))?;
    let mut cam = Vc0706Camera::open(sim.path(), config())?;
    let err = still(&mut cam).err().ok_or("capture should fail")?;
    assert_eq!(err.kind(), kind, "{fault}: {err}");
    Ok(())
}

#[test]
fn fault_corrupt_reply_gives_framing_error() -> TestResult {
    expect_error(Fault::Checksum, ErrorKind::Framing)
}

#[test]
fn fault_dropped_bytes_gives_framing_error() -> TestResult {
    expect_error(Fault::DropBytes, ErrorKind::Framing)
}

#[test]
fn fault_timeout_gives_timeout() -> TestResult {
    expect_error(Fault::Timeout, ErrorKind::Timeout)
}

#[test]
fn fault_unplug_gives_disconnected() -> TestResult {
    expect_error(Fault::Unplug, ErrorKind::Disconnected)
}

#[test]
fn fault_slow_camera_still_delivers() -> TestResult {
    let sim = start(Some(Fault::Slow))?;
    let mut cam = Vc0706Camera::open(sim.path(), config())?;
    assert!(still(&mut cam)?.bytes.starts_with(&[0xFF, 0xD8]));
    Ok(())
}

#[test]
fn scanner_only_faults_are_refused() {
    assert!(matches!(
        sim::start_camera(Line::unpaced(FAST), 1, Some(Fault::NoFinger)),
        Err(sim::SimError::FaultNotApplicable(Fault::NoFinger))
    ));
}
