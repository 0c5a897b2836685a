//! Shift-start self-test of the capture devices: one fingerprint image from the scanner and
//! one photo from the camera, each judged, and the outcome recorded in the station home
//! (`autoprueba.json`, one entry per device kind) for `huella status` and for the console's
//! "is a test due?" question at login. Owns that file; must not open the store, and holds no
//! user-facing text (the CLI and the console word the typed results).

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use huella_devices::capture::{CaptureReport, capture_once};
use huella_devices::{
    Camera, Cancel, Deadline, DeviceError, Photo, Vc0706Camera, Vc0706Config, ZfmConfig,
};
use serde::{Deserialize, Serialize};

use crate::home::Home;
use crate::workflows::activity::{self, DeviceSeen};
use crate::workflows::enroll::{decode_gray, detect_faces};

/// How long a shift lasts: a self-test older than this is due again at the next login.
pub const SHIFT: Duration = Duration::from_secs(8 * 3600);
/// Scanner image: least contrast and share of ridge area for a clean glass.
const MIN_FINGER_CONTRAST: f32 = 0.3;
const MIN_FINGER_FOREGROUND: f32 = 0.2;
/// Camera frame: acceptable mean grey (lens not covered, not blinded) and least spread
/// (not a blank frame).
const PHOTO_MEAN: std::ops::RangeInclusive<f32> = 40.0..=220.0;
const MIN_PHOTO_STD: f32 = 8.0;

/// Which device a test is about (the JSON names are the Spanish ones `status` prints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    /// The fingerprint scanner.
    Escaner,
    /// The photo camera.
    Camara,
}

impl DeviceKind {
    /// The name used in the station files (`escaner`, `camara`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Escaner => "escaner",
            Self::Camara => "camara",
        }
    }
}

/// A ZFM-class scanner to test.
#[derive(Debug, Clone)]
pub struct ScannerTarget {
    /// Serial port path.
    pub port: String,
    /// Connection settings.
    pub config: ZfmConfig,
    /// How long to wait for the officer's finger.
    pub timeout: Duration,
}

/// A VC0706 camera to test.
#[derive(Debug, Clone)]
pub struct CameraTarget {
    /// Serial port path.
    pub port: String,
    /// Connection settings.
    pub config: Vc0706Config,
    /// How long the photo may take.
    pub timeout: Duration,
}

/// Why a device failed its self-test.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SelfTestFailure {
    /// The device could not be opened or did not complete the capture.
    #[error("device: {0}")]
    Device(#[from] DeviceError),
    /// The fingerprint image is too faint or too small: dirty or damaged glass.
    #[error("poor fingerprint image (contrast {contrast:.2}, foreground {foreground:.2})")]
    PoorFingerImage {
        /// Measured contrast 0–1.
        contrast: f32,
        /// Share of the image covered by ridges 0–1.
        foreground: f32,
    },
    /// The camera sent bytes that are not a readable JPEG.
    #[error("unreadable photo")]
    UnreadablePhoto,
    /// The frame is black, blinded or blank (lens covered, lamp in the lens, broken sensor).
    #[error("photo exposure (mean {mean:.0}, spread {spread:.1})")]
    PhotoExposure {
        /// Mean grey 0–255.
        mean: f32,
        /// Grey standard deviation.
        spread: f32,
    },
}

impl SelfTestFailure {
    /// A stable machine code for the station file (`autoprueba.json` `motivo`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Device(e) => match e.kind() {
                huella_devices::ErrorKind::Timeout => "sin-respuesta",
                huella_devices::ErrorKind::NotFound => "no-encontrado",
                huella_devices::ErrorKind::Busy => "ocupado",
                huella_devices::ErrorKind::Disconnected => "desconectado",
                huella_devices::ErrorKind::NoFinger => "sin-dedo",
                huella_devices::ErrorKind::WrongPassword => "contrasena",
                huella_devices::ErrorKind::Framing => "ruido",
                _ => "falla-dispositivo",
            },
            Self::PoorFingerImage { .. } => "imagen-deficiente",
            Self::UnreadablePhoto => "foto-ilegible",
            Self::PhotoExposure { .. } => "foto-exposicion",
        }
    }
}

/// What a passing test measured.
#[derive(Debug, Clone, PartialEq)]
pub enum Measured {
    /// Scanner: image size, link speed and quality.
    Finger {
        /// Image width × height.
        size: (u16, u16),
        /// Wire bytes per second during the upload.
        bytes_per_second: f64,
        /// Contrast 0–1.
        contrast: f32,
        /// Ridge area share 0–1.
        foreground: f32,
    },
    /// Camera: photo size, bytes, mean grey and faces seen (informative: nobody need sit
    /// in front of the camera for the test).
    Photo {
        /// Width × height.
        size: (usize, usize),
        /// JPEG bytes.
        bytes: usize,
        /// Mean grey 0–255.
        mean: f32,
        /// Faces the detector found.
        faces: usize,
    },
}

/// The outcome of one device's test.
#[derive(Debug)]
pub struct DeviceTest {
    /// Which device.
    pub kind: DeviceKind,
    /// Port tested.
    pub port: String,
    /// Model the device reported, if it answered.
    pub model: Option<String>,
    /// What was measured, or why it failed.
    pub result: Result<Measured, SelfTestFailure>,
    /// When the test ended (UTC).
    pub at: String,
}

/// One recorded test as `autoprueba.json` and `huella status` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfTestRecord {
    /// `escaner` or `camara`.
    pub tipo: String,
    /// Port tested.
    pub puerto: String,
    /// Model reported, if the device answered.
    pub modelo: Option<String>,
    /// `correcto` or `fallido`.
    pub resultado: String,
    /// Machine code of the failure (`SelfTestFailure::code`), `null` when it passed.
    pub motivo: Option<String>,
    /// When (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub cuando: String,
}

impl DeviceTest {
    /// True when the device passed.
    pub fn passed(&self) -> bool {
        self.result.is_ok()
    }

    /// The record kept in the station.
    pub fn record(&self) -> SelfTestRecord {
        SelfTestRecord {
            tipo: self.kind.as_str().to_owned(),
            puerto: self.port.clone(),
            modelo: self.model.clone(),
            resultado: if self.passed() { "correcto" } else { "fallido" }.to_owned(),
            motivo: self.result.as_ref().err().map(|e| e.code().to_owned()),
            cuando: self.at.clone(),
        }
    }
}

/// Judges a fingerprint capture made by whoever holds the scanner (this module's
/// [`test_scanner`], or the console through its device worker).
pub fn judge_finger(report: &CaptureReport) -> Result<Measured, SelfTestFailure> {
    let q = report.quality;
    if q.contrast < MIN_FINGER_CONTRAST || q.foreground < MIN_FINGER_FOREGROUND {
        return Err(SelfTestFailure::PoorFingerImage {
            contrast: q.contrast,
            foreground: q.foreground,
        });
    }
    Ok(Measured::Finger {
        size: (report.image.width, report.image.height),
        bytes_per_second: report.bytes_per_second(),
        contrast: q.contrast,
        foreground: q.foreground,
    })
}

/// Judges a photo's exposure (a face is counted, not required), whoever took it.
pub fn judge_photo(photo: &Photo) -> Result<Measured, SelfTestFailure> {
    let (w, h, px) = decode_gray(&photo.bytes).ok_or(SelfTestFailure::UnreadablePhoto)?;
    let n = px.len().max(1) as f32;
    let mean = px.iter().map(|&v| f32::from(v)).sum::<f32>() / n;
    let spread = (px
        .iter()
        .map(|&v| (f32::from(v) - mean).powi(2))
        .sum::<f32>()
        / n)
        .sqrt();
    if !PHOTO_MEAN.contains(&mean) || spread < MIN_PHOTO_STD {
        return Err(SelfTestFailure::PhotoExposure { mean, spread });
    }
    Ok(Measured::Photo {
        size: (w, h),
        bytes: photo.bytes.len(),
        mean,
        faces: detect_faces(&px, w, h).len(),
    })
}

/// Opens the scanner, captures one fingerprint image and judges it.
pub fn test_scanner(target: &ScannerTarget) -> DeviceTest {
    let (model, result) = match capture_once(&target.port, target.config, target.timeout) {
        Ok(r) => (Some(r.device.model.clone()), judge_finger(&r)),
        Err(e) => (None, Err(SelfTestFailure::Device(e))),
    };
    DeviceTest {
        kind: DeviceKind::Escaner,
        port: target.port.clone(),
        model,
        result,
        at: huella_sync::time::now_utc(),
    }
}

/// Opens the camera, takes one photo and judges it.
pub fn test_camera(target: &CameraTarget) -> DeviceTest {
    let mut model = None;
    let result = (|| {
        let mut camera = Vc0706Camera::open(&target.port, target.config)?;
        model = Some(camera.info().model);
        let photo =
            camera.capture_still(Deadline::after(target.timeout), &Cancel::new(), &mut |_| {})?;
        judge_photo(&photo)
    })();
    DeviceTest {
        kind: DeviceKind::Camara,
        port: target.port.clone(),
        model,
        result,
        at: huella_sync::time::now_utc(),
    }
}

/// Runs the tests of the devices given, records every outcome (and each device as seen, for
/// `status`), and returns them. A failure to write the station file is returned after the
/// tests ran; the outcomes are then only in the return value.
pub fn run_and_record(
    home: &Home,
    scanner: Option<&ScannerTarget>,
    camera: Option<&CameraTarget>,
) -> (Vec<DeviceTest>, io::Result<()>) {
    let mut tests = Vec::new();
    if let Some(s) = scanner {
        tests.push(test_scanner(s));
    }
    if let Some(c) = camera {
        tests.push(test_camera(c));
    }
    let written = record(home, &tests);
    (tests, written)
}

/// Records outcomes (and each device as seen) in the station: what [`run_and_record`] does
/// after its own tests, and what the console calls after testing through its open devices.
pub fn record(home: &Home, tests: &[DeviceTest]) -> io::Result<()> {
    if tests.is_empty() {
        return Ok(());
    }
    let seen: Vec<DeviceSeen> = tests
        .iter()
        .map(|t| DeviceSeen {
            tipo: t.kind.as_str().to_owned(),
            puerto: t.port.clone(),
            modelo: t.model.clone(),
            estado: match &t.result {
                Err(SelfTestFailure::Device(_)) => t.record().motivo.unwrap_or_default(),
                _ => "conectado".to_owned(),
            },
            visto: t.at.clone(),
        })
        .collect();
    activity::record_devices(home, &seen)?;
    let mut all = records(home);
    all.retain(|r| !tests.iter().any(|t| t.kind.as_str() == r.tipo));
    all.extend(tests.iter().map(DeviceTest::record));
    let json = serde_json::to_vec_pretty(&all).map_err(io::Error::other)?;
    let path = home.dir().join(FILE);
    // Owner-only like the rest of the home, whole and durable.
    huella_sync::disk::write_atomic(&path, &json).map_err(io::Error::other)
}

/// The station file of the last self-test per device kind.
const FILE: &str = "autoprueba.json";

/// The last self-test of each device kind; an absent or damaged file reads as none.
pub fn records(home: &Home) -> Vec<SelfTestRecord> {
    std::fs::read(home.dir().join(FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// True when any of `kinds` has no passing self-test within the last [`SHIFT`] before `now`
/// (seconds since the Unix epoch): what the console asks at login.
pub fn due(home: &Home, kinds: &[DeviceKind], now: u64) -> bool {
    let since = huella_sync::time::format_utc(now.saturating_sub(SHIFT.as_secs()));
    let all = records(home);
    kinds.iter().any(|k| {
        !all.iter().any(|r| {
            r.tipo == k.as_str() && r.resultado == "correcto" && r.cuando.as_str() >= since.as_str()
        })
    })
}

/// [`due`] at the current time.
pub fn due_now(home: &Home, kinds: &[DeviceKind]) -> bool {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    due(home, kinds, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(tipo: &str, resultado: &str, cuando: &str) -> SelfTestRecord {
        SelfTestRecord {
            tipo: tipo.into(),
            puerto: "/dev/ttyUSB0".into(),
            modelo: None,
            resultado: resultado.into(),
            motivo: None,
            cuando: cuando.into(),
        }
    }

    #[test]
    fn a_test_is_due_when_missing_failed_or_older_than_the_shift() {
        let dir = tempfile::tempdir().expect("tmp");
        let home = Home::new(dir.path().to_path_buf());
        // 2026-11-22T12:00:00Z
        let noon = 1_795_348_800;
        assert_eq!(huella_sync::time::format_utc(noon), "2026-11-22T12:00:00Z");
        let both = [DeviceKind::Escaner, DeviceKind::Camara];
        assert!(due(&home, &both, noon));
        let write = |r: &[SelfTestRecord]| {
            std::fs::write(dir.path().join(FILE), serde_json::to_vec(r).expect("json"))
                .expect("write")
        };
        write(&[
            rec("escaner", "correcto", "2026-11-22T06:00:00Z"),
            rec("camara", "fallido", "2026-11-22T11:00:00Z"),
        ]);
        assert!(!due(&home, &[DeviceKind::Escaner], noon));
        assert!(due(&home, &[DeviceKind::Camara], noon));
        assert!(due(&home, &[DeviceKind::Escaner], noon + 3 * 3600));
        std::fs::write(dir.path().join(FILE), b"[{roto").expect("damage");
        assert!(records(&home).is_empty());
        assert!(due(&home, &[DeviceKind::Escaner], noon));
    }

    #[test]
    fn a_black_frame_fails_and_the_demo_face_passes_the_photo_judge() {
        use huella_devices::usb::frames::{Rgb, rgb_to_jpeg};
        let photo = |bytes: Vec<u8>| Photo {
            mime: "image/jpeg",
            width: 320,
            height: 240,
            bytes,
        };
        let black = Rgb {
            width: 320,
            height: 240,
            pixels: vec![0; 320 * 240 * 3],
        };
        let r = judge_photo(&photo(rgb_to_jpeg(&black).expect("jpeg")));
        assert!(
            matches!(r, Err(SelfTestFailure::PhotoExposure { mean, .. }) if mean < 1.0),
            "{r:?}"
        );
        assert!(matches!(
            judge_photo(&photo(b"no es jpeg".to_vec())),
            Err(SelfTestFailure::UnreadablePhoto)
        ));
        let face = huella_devices::synthetic::face_jpeg(320, 240, 2).expect("jpeg");
        match judge_photo(&photo(face)) {
            Ok(Measured::Photo { size, faces, .. }) => assert_eq!((size, faces), ((320, 240), 1)),
            other => panic!("{other:?}"),
        }
    }
}
