//! The ZFM driver against the ZFM simulator over a real pseudo-terminal: every command,
//! every injected fault, the actor, and the atomic PNG capture.

use std::time::{Duration, Instant};

use huella_devices::capture::{CaptureError, capture_to_png};
use huella_devices::proto::zfm::Command;
use huella_devices::sim::{self, Fault, Line, ScannerSimConfig, SimHandle};
use huella_devices::{
    Cancel, CaptureStep, Deadline, DeviceError, ErrorKind, FingerprintScanner, ScannerCommand,
    ScannerEvent, SimFinger, ZfmConfig, ZfmScanner, spawn_scanner,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const FAST: u32 = 921_600;

fn finger(n: u8) -> SimFinger {
    SimFinger::new(n).unwrap_or_else(|| panic!("finger {n}"))
}

fn start(fault: Option<Fault>, on_glass: Option<(u64, u8)>) -> Result<SimHandle, sim::SimError> {
    let mut cfg = ScannerSimConfig::synthetic(Line::unpaced(FAST));
    cfg.fault = fault;
    let h = sim::start_scanner(cfg)?;
    if let Some((p, f)) = on_glass {
        h.glass().place(p, finger(f));
    }
    Ok(h)
}

fn config() -> ZfmConfig {
    ZfmConfig {
        baud: FAST,
        reply_timeout: Duration::from_millis(300),
        ..ZfmConfig::default()
    }
}

fn capture(s: &mut ZfmScanner, secs: f32) -> Result<huella_devices::FingerImage, DeviceError> {
    s.capture(
        Deadline::after(Duration::from_secs_f32(secs)),
        &Cancel::new(),
        &mut |_| {},
    )
}

#[test]
fn handshake_parameters_and_library_commands() -> TestResult {
    let sim = start(None, Some((1, 1)))?;
    let mut s = ZfmScanner::open(sim.path(), config())?;
    let p = s.params();
    assert_eq!(
        (p.packet_size(), p.capacity, p.security_level),
        (128, 162, 3)
    );
    assert_eq!(s.info().model, "ZFM-20");
    assert_eq!(s.template_count()?, 0);
    assert!(s.gen_img()?);
    s.command(&Command::Img2Tz { buffer: 1 })?;
    assert!(s.gen_img()?);
    s.command(&Command::Img2Tz { buffer: 2 })?;
    s.command(&Command::RegModel)?;
    s.command(&Command::Store { buffer: 1, page: 3 })?;
    assert_eq!(s.template_count()?, 1);
    assert!(matches!(
        s.command(&Command::Store {
            buffer: 1,
            page: 999
        }),
        Err(DeviceError::Rejected { code: 0x0B })
    ));
    // Different fingers in the two buffers: merge fails.
    sim.glass().place(1, finger(2));
    assert!(s.gen_img()?);
    s.command(&Command::Img2Tz { buffer: 2 })?;
    assert!(matches!(
        s.command(&Command::RegModel),
        Err(DeviceError::EnrollMismatch)
    ));
    s.command(&Command::Empty)?;
    assert_eq!(s.template_count()?, 0);
    Ok(())
}

#[test]
fn capture_reassembles_a_256x288_fingerprint_and_reports_steps() -> TestResult {
    let sim = start(None, Some((7, 2)))?;
    let mut s = ZfmScanner::open(sim.path(), config())?;
    let mut detected = false;
    let mut last = 0;
    let img = s.capture(
        Deadline::after(Duration::from_secs(5)),
        &Cancel::new(),
        &mut |st| match st {
            CaptureStep::FingerDetected => detected = true,
            CaptureStep::Progress(p) => {
                assert!(p.done > last && p.total == 36_864);
                last = p.done;
            }
        },
    )?;
    assert!(detected);
    assert_eq!(last, 36_864);
    assert_eq!(
        (img.width, img.height, img.pixels.len()),
        (256, 288, 256 * 288)
    );
    // 4-bit data expanded ×17: every pixel is a multiple of 17.
    assert!(img.pixels.iter().all(|p| p % 17 == 0));
    let q = huella_devices::quality::assess(&img.pixels, 256, 288);
    assert!(q.contrast > 0.5 && q.foreground > 0.4, "{q:?}");
    Ok(())
}

#[test]
fn glass_is_scriptable_and_lift_is_detected() -> TestResult {
    let sim = start(None, None)?;
    let mut s = ZfmScanner::open(sim.path(), config())?;
    assert!(!s.finger_present()?);
    assert!(matches!(capture(&mut s, 0.2), Err(DeviceError::NoFinger)));
    sim.glass().place(11, finger(3));
    let a = capture(&mut s, 2.0)?;
    let b = capture(&mut s, 2.0)?;
    sim.glass().place(12, finger(3));
    let c = capture(&mut s, 2.0)?;
    assert_ne!(a.pixels, b.pixels, "each impression varies");
    assert_ne!(a.pixels, c.pixels);
    sim.glass().lift();
    s.wait_removed(Deadline::after(Duration::from_secs(1)), &Cancel::new())?;
    Ok(())
}

fn expect_capture_error(fault: Fault, kind: ErrorKind) -> TestResult {
    let sim = start(Some(fault), Some((3, 1)))?;
    let mut s = ZfmScanner::open(sim.path(), config())?;
    let err = capture(&mut s, 1.0).err().ok_or("capture should fail")?;
    assert_eq!(err.kind(), kind, "{fault}: {err}");
    assert!(!err.mensaje().is_empty());
    Ok(())
}

#[test]
fn fault_checksum_gives_framing_error() -> TestResult {
    expect_capture_error(Fault::Checksum, ErrorKind::Framing)
}

#[test]
fn fault_dropped_bytes_gives_framing_error() -> TestResult {
    expect_capture_error(Fault::DropBytes, ErrorKind::Framing)
}

#[test]
fn fault_no_finger_gives_no_finger() -> TestResult {
    expect_capture_error(Fault::NoFinger, ErrorKind::NoFinger)
}

#[test]
fn fault_timeout_gives_timeout() -> TestResult {
    expect_capture_error(Fault::Timeout, ErrorKind::Timeout)
}

#[test]
fn fault_poor_image_gives_poor_image() -> TestResult {
    expect_capture_error(Fault::PoorImage, ErrorKind::PoorImage)
}

#[test]
fn fault_unplug_gives_disconnected() -> TestResult {
    expect_capture_error(Fault::Unplug, ErrorKind::Disconnected)
}

#[test]
fn fault_wrong_password_fails_the_handshake() -> TestResult {
    let sim = start(Some(Fault::WrongPassword), Some((3, 1)))?;
    let err = ZfmScanner::open(sim.path(), config())
        .err()
        .ok_or("open should fail")?;
    assert_eq!(err.kind(), ErrorKind::WrongPassword);
    // The right password opens it.
    let ok = ZfmScanner::open(
        sim.path(),
        ZfmConfig {
            password: sim::zfm::FAULT_PASSWORD,
            ..config()
        },
    );
    assert!(ok.is_ok());
    Ok(())
}

#[test]
fn fault_slow_device_still_captures() -> TestResult {
    let sim = start(Some(Fault::Slow), Some((3, 1)))?;
    // A real ZFM-20 takes up to 1 s per GenImg: use the driver's default reply timeout.
    let mut s = ZfmScanner::open(
        sim.path(),
        ZfmConfig {
            baud: FAST,
            ..ZfmConfig::default()
        },
    )?;
    let t = Instant::now();
    let img = capture(&mut s, 3.0)?;
    assert_eq!(img.pixels.len(), 256 * 288);
    assert!(t.elapsed() >= Duration::from_millis(600), "GenImg is slow");
    Ok(())
}

#[test]
fn second_open_of_the_same_port_is_busy() -> TestResult {
    let sim = start(None, None)?;
    let _first = ZfmScanner::open(sim.path(), config())?;
    let err = ZfmScanner::open(sim.path(), config())
        .err()
        .ok_or("second open should fail")?;
    assert_eq!(err.kind(), ErrorKind::Busy);
    Ok(())
}

#[test]
fn missing_port_is_not_found() {
    let err = ZfmScanner::open("/dev/no-such-scanner", config()).err();
    assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::NotFound));
}

#[test]
fn capture_to_png_writes_only_complete_images() -> TestResult {
    let dir = tempfile::tempdir()?;
    let sim = start(None, Some((5, 6)))?;
    let out = dir.path().join("huella.png");
    let report = capture_to_png(sim.path(), config(), Duration::from_secs(3), &out)?;
    assert_eq!(report.upload_bytes, 36_864);
    let (w, h, _) = huella_devices::formats::png::read_gray_png(&out)?;
    assert_eq!((w, h), (256, 288));
    drop(sim);

    for fault in [Fault::Unplug, Fault::Checksum, Fault::NoFinger] {
        let sim = start(Some(fault), Some((5, 6)))?;
        let out = dir.path().join(format!("{fault}.png"));
        let r = capture_to_png(sim.path(), config(), Duration::from_millis(500), &out);
        assert!(matches!(r, Err(CaptureError::Device(_))), "{fault}");
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())?
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("huella.png")],
        "no partial files"
    );
    Ok(())
}

#[test]
fn actor_reports_events_and_can_be_cancelled() -> TestResult {
    let sim = start(None, Some((9, 9)))?;
    let scanner = ZfmScanner::open(sim.path(), config())?;
    let actor = spawn_scanner(Box::new(scanner), 16)?;
    assert_eq!(actor.info().packet_size, 128);
    actor.send(ScannerCommand::Capture {
        timeout: Duration::from_secs(5),
    })?;
    let mut saw_detect = false;
    loop {
        match actor.events().recv_timeout(Duration::from_secs(10))? {
            ScannerEvent::FingerDetected => saw_detect = true,
            ScannerEvent::Progress(_) => {}
            ScannerEvent::ImageReady(img) => {
                assert_eq!(img.pixels.len(), 256 * 288);
                break;
            }
            other => return Err(format!("unexpected {other:?}").into()),
        }
    }
    assert!(saw_detect);

    sim.glass().lift();
    actor.send(ScannerCommand::Capture {
        timeout: Duration::from_secs(30),
    })?;
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    actor.cancel();
    match actor.events().recv_timeout(Duration::from_secs(5))? {
        ScannerEvent::Failed(DeviceError::Cancelled) => {}
        other => return Err(format!("unexpected {other:?}").into()),
    }
    assert!(t.elapsed() < Duration::from_secs(1));

    sim.glass().place(9, finger(9));
    actor.send(ScannerCommand::WaitRemoved {
        timeout: Duration::from_secs(5),
    })?;
    std::thread::sleep(Duration::from_millis(150));
    sim.glass().lift();
    match actor.events().recv_timeout(Duration::from_secs(5))? {
        ScannerEvent::FingerLifted => {}
        other => return Err(format!("unexpected {other:?}").into()),
    }
    Ok(())
}

/// The one paced test: at 115 200 Bd an image upload takes about as long as its bytes need.
#[test]
fn paced_upload_at_115200_takes_line_time() -> TestResult {
    let cfg = ScannerSimConfig::synthetic(Line::paced(115_200));
    cfg.glass.place(7, finger(1));
    let sim = sim::start_scanner(cfg)?;
    let report = huella_devices::capture::capture_once(
        sim.path(),
        ZfmConfig {
            baud: 115_200,
            ..ZfmConfig::default()
        },
        Duration::from_secs(5),
    )?;
    let ideal = report.wire_bytes() as f64 / 11_520.0;
    let secs = report.upload.as_secs_f64();
    assert!(
        secs >= ideal * 0.97 && secs <= ideal * 1.25,
        "upload {secs:.2} s, ideal {ideal:.2} s"
    );
    assert!(report.line_share(115_200) >= 0.8);
    Ok(())
}

#[test]
fn control_file_drives_the_glass_and_stopping_unplugs() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ctl = dir.path().join("glass");
    std::fs::write(&ctl, "-\n")?;
    let mut cfg = ScannerSimConfig::synthetic(Line::unpaced(FAST));
    cfg.glass = sim::Glass::from_control_file(&ctl);
    let sim = sim::start_scanner(cfg)?;
    let mut s = ZfmScanner::open(sim.path(), config())?;
    assert!(!s.finger_present()?);
    std::fs::write(&ctl, "42 7\n")?;
    assert!(s.finger_present()?);
    assert_eq!(sim.glass().current().map(|g| g.person), Some(42));
    assert!(sim.is_running());
    sim.stop();
    let err = s.finger_present().err().ok_or("port should be gone")?;
    assert_eq!(err.kind(), ErrorKind::Disconnected);
    Ok(())
}
