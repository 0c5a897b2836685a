//! The libfprint backend against libfprint's own `virtual_image` reader (feature `libfprint`,
//! system libfprint-2 1.94): FVC2004 DB2_B images written into the reader's socket come out of
//! `FingerprintScanner::capture` bit-exact; a retry, a device error and a capture that times
//! out come out as the crate's errors, and the reader keeps working after each.
//!
//! Protocol of the virtual reader (libfprint `drivers/virtual-image.c`): a client connects to
//! the Unix socket named by `FP_VIRTUAL_IMAGE` and writes `i32 width, i32 height` (native
//! endian) then `width × height` grey bytes; `(-1, code)` makes the reader ask for a retry,
//! `(-2, code)` report a device error.
#![cfg(feature = "libfprint")]

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use huella_devices::capture::{capture_from, open_scanner};
use huella_devices::usb::libfprint::{LibfprintScanner, ReaderChoice, readers};
use huella_devices::{Cancel, Deadline, DeviceError, FingerprintScanner, QualityIssue, ZfmConfig};

const CHILD: &str = "HUELLA_LIBFPRINT_CHILD";
const TEST: &str = "virtual_reader_delivers_fvc_images_bit_exact_with_retries_and_errors";

fn fvc_dir() -> PathBuf {
    std::env::var_os("HUELLA_FVC2004_DB2_B").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/data/fingerprints/FVC2004_DB2_B/tif")
        },
        PathBuf::from,
    )
}

/// A message for the virtual reader, sent from a thread over a fresh connection (a new
/// client is read only while a capture runs, so nothing is consumed between captures).
fn send(socket: &Path, message: Vec<u8>) -> JoinHandle<UnixStream> {
    let socket = socket.to_path_buf();
    std::thread::spawn(move || {
        let started = Instant::now();
        let mut stream = loop {
            match UnixStream::connect(&socket) {
                Ok(s) => break s,
                Err(e) if started.elapsed() < Duration::from_secs(10) => {
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => panic!("connect {}: {e}", socket.display()),
            }
        };
        stream
            .write_all(&message)
            .expect("write to the virtual reader");
        // Kept open until the capture returned: closing early is fine for the reader, but
        // the caller drops it only after checking the result.
        stream
    })
}

fn header(a: i32, b: i32) -> Vec<u8> {
    [a.to_ne_bytes(), b.to_ne_bytes()].concat()
}

fn capture(s: &mut LibfprintScanner, within: Duration) -> Result<(u16, u16, Vec<u8>), DeviceError> {
    let img = s.capture(Deadline::after(within), &Cancel::new(), &mut |_| {})?;
    Ok((img.width, img.height, img.pixels))
}

#[test]
fn virtual_reader_delivers_fvc_images_bit_exact_with_retries_and_errors() {
    if std::env::var_os(CHILD).is_none() {
        // libfprint reads FP_VIRTUAL_IMAGE when its context enumerates readers. Changing this
        // (multi-threaded) process's environment is unsafe, so the test runs itself again as
        // a child process with the variables set.
        let dir = tempfile::tempdir().expect("tmp");
        let out = Command::new(std::env::current_exe().expect("exe"))
            .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .env("FP_VIRTUAL_IMAGE", dir.path().join("lector.sock"))
            .env("FP_DRIVERS_WHITELIST", "virtual_image")
            .env("FP_DEVICE_EMULATION", "1")
            .output()
            .expect("run child");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{text}");
        assert!(text.contains("1 passed"), "{text}");
        return;
    }
    let socket = PathBuf::from(std::env::var_os("FP_VIRTUAL_IMAGE").expect("socket"));

    let listed = readers();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].driver, "virtual_image");
    assert_eq!(listed[0].unusable, None);

    let mut scanner = LibfprintScanner::open(&ReaderChoice {
        driver: Some("virtual_image".into()),
    })
    .expect("open the virtual reader");
    assert_eq!(scanner.info().port, "libfprint:virtual_image");

    let dir = fvc_dir();
    assert!(dir.is_dir(), "missing data set {}", dir.display());
    let patterns = ["101_1", "101_2", "102_1"];
    for name in patterns {
        let img = image::open(dir.join(format!("{name}.tif")))
            .expect("FVC image")
            .to_luma8();
        let (w, h) = img.dimensions();
        let mut msg = header(w as i32, h as i32);
        msg.extend_from_slice(img.as_raw());
        let writer = send(&socket, msg);
        let got = capture(&mut scanner, Duration::from_secs(20)).expect("capture");
        drop(writer.join().expect("writer"));
        assert_eq!((u32::from(got.0), u32::from(got.1)), (w, h), "{name}");
        assert!(got.2 == *img.as_raw(), "{name}: pixels differ");
    }

    // "Centre your finger": a retry, reported as a poor image; the next capture works.
    let writer = send(&socket, header(-1, 2));
    let err = capture(&mut scanner, Duration::from_secs(20)).expect_err("retry");
    drop(writer.join().expect("writer"));
    assert!(
        matches!(err, DeviceError::PoorImage(QualityIssue::TooFewFeatures)),
        "{err:?}"
    );

    // Nobody touches the reader: the deadline passes, the capture is cancelled inside
    // libfprint and reported as "no finger".
    let err = capture(&mut scanner, Duration::from_millis(300)).expect_err("no finger");
    assert!(matches!(err, DeviceError::NoFinger), "{err:?}");

    // A protocol error from the device.
    let writer = send(&socket, header(-2, 5));
    let err = capture(&mut scanner, Duration::from_secs(20)).expect_err("device error");
    drop(writer.join().expect("writer"));
    assert!(matches!(err, DeviceError::Framing(_)), "{err:?}");

    // Still usable after all that.
    let img = image::open(dir.join("103_1.tif"))
        .expect("FVC image")
        .to_luma8();
    let mut msg = header(img.width() as i32, img.height() as i32);
    msg.extend_from_slice(img.as_raw());
    let writer = send(&socket, msg);
    let got = capture(&mut scanner, Duration::from_secs(20)).expect("capture after errors");
    drop(writer.join().expect("writer"));
    assert!(got.2 == *img.as_raw());

    drop(scanner);

    // The same reader through the port name the CLI takes (`devices test/capture --port`).
    let mut by_name =
        open_scanner("libfprint:virtual_image", ZfmConfig::default()).expect("open by port name");
    let writer = send(&socket, msg_for(&dir, "104_1"));
    let report = capture_from(by_name.as_mut(), Duration::from_secs(20)).expect("capture");
    drop(writer.join().expect("writer"));
    assert_eq!(report.device.port, "libfprint:virtual_image");
    let want = image::open(dir.join("104_1.tif")).expect("FVC").to_luma8();
    assert!(report.image.pixels == *want.as_raw());
    assert!(report.quality.contrast > 0.0);
}

fn msg_for(dir: &Path, name: &str) -> Vec<u8> {
    let img = image::open(dir.join(format!("{name}.tif")))
        .expect("FVC image")
        .to_luma8();
    let mut msg = header(img.width() as i32, img.height() as i32);
    msg.extend_from_slice(img.as_raw());
    msg
}
