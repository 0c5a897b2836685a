//! The shift-start self-test run through the devices the console already holds open: at
//! login, when the last passing test of a held device is older than the shift, one finger
//! image and one photo are taken through the scanner and camera actors, judged by the
//! workflow ([`crate::workflows::self_test`]) and recorded for `huella status`. Owns only the
//! bookkeeping of one running test; must not open ports (the device worker holds them) nor
//! word anything (the console's language layer does).

use std::time::Instant;

use huella_devices::capture::CaptureReport;
use huella_devices::sim::Glass;
use huella_devices::{
    CameraActor, CameraCommand, DeviceError, FingerImage, Photo, ScannerActor, ScannerCommand,
};

use crate::console::msg::{SelfTestFault, SelfTestOutcome};
use crate::home::Home;
use crate::workflows::self_test::{
    self, DeviceKind, DeviceTest, SelfTestFailure, judge_finger, judge_photo,
};

/// Demo only: the synthetic subject whose finger the simulated glass shows for the test.
const GLASS_SUBJECT: u64 = 0x5e1f_7e57;

/// The finger half of a running test: when the upload began and how many bytes came.
#[derive(Debug, Default)]
struct FingerRun {
    started: Option<Instant>,
    bytes: usize,
}

/// One running self-test.
#[derive(Debug, Default)]
pub struct ShiftTest {
    finger: Option<FingerRun>,
    photo: bool,
    done: Vec<DeviceTest>,
}

impl ShiftTest {
    /// Starts a test of the held devices when one is due; `None` when none is due or held.
    pub fn start(
        home: &Home,
        glass: Option<&Glass>,
        scanner: Option<&ScannerActor>,
        camera: Option<&CameraActor>,
    ) -> Option<Self> {
        let mut kinds = Vec::new();
        if scanner.is_some() {
            kinds.push(DeviceKind::Escaner);
        }
        if camera.is_some() {
            kinds.push(DeviceKind::Camara);
        }
        if kinds.is_empty() || !self_test::due_now(home, &kinds) {
            return None;
        }
        let mut test = Self::default();
        if let Some(s) = scanner {
            if let (Some(g), Some(f)) = (glass, huella_devices::SimFinger::new(2)) {
                g.place(GLASS_SUBJECT, f);
            }
            s.cancel();
            if s.send(ScannerCommand::Capture {
                timeout: super::devices::FINGER_TIMEOUT,
            })
            .is_ok()
            {
                test.finger = Some(FingerRun::default());
            }
        }
        if let Some(c) = camera
            && c.send(CameraCommand::Capture {
                timeout: super::devices::PHOTO_TIMEOUT,
            })
            .is_ok()
        {
            test.photo = true;
        }
        (test.finger.is_some() || test.photo).then_some(test)
    }

    /// True while the test waits for the scanner (its events are the test's).
    pub fn holds_scanner(&self) -> bool {
        self.finger.is_some()
    }

    /// True while the test waits for the camera.
    pub fn holds_camera(&self) -> bool {
        self.photo
    }

    /// A finger was detected: the upload starts now.
    pub fn finger_detected(&mut self) {
        if let Some(f) = &mut self.finger {
            f.started = Some(Instant::now());
        }
    }

    /// Image bytes received so far.
    pub fn finger_progress(&mut self, done: usize) {
        if let Some(f) = &mut self.finger {
            f.bytes = done;
        }
    }

    /// The test's finger image arrived: judged like `huella devices test` judges it.
    pub fn finger_image(&mut self, scanner: &ScannerActor, image: FingerImage) {
        let Some(run) = self.finger.take() else {
            return;
        };
        let device = scanner.info().clone();
        let quality = huella_devices::quality::assess(
            &image.pixels,
            usize::from(image.width),
            usize::from(image.height),
        );
        let report = CaptureReport {
            packet_size: device.packet_size,
            upload: run.started.map(|t| t.elapsed()).unwrap_or_default(),
            upload_bytes: run.bytes,
            image,
            quality,
            device,
        };
        self.done.push(DeviceTest {
            kind: DeviceKind::Escaner,
            port: report.device.port.clone(),
            model: Some(report.device.model.clone()),
            result: judge_finger(&report),
            at: huella_sync::time::now_utc(),
        });
    }

    /// The test's photo arrived.
    pub fn photo(&mut self, camera: &CameraActor, photo: &Photo) {
        if !std::mem::take(&mut self.photo) {
            return;
        }
        let info = camera.info();
        self.done.push(DeviceTest {
            kind: DeviceKind::Camara,
            port: info.port.clone(),
            model: Some(info.model.clone()),
            result: judge_photo(photo),
            at: huella_sync::time::now_utc(),
        });
    }

    /// A device failed during the test (a cancel drops that half unrecorded).
    pub fn failed(&mut self, kind: DeviceKind, info: &huella_devices::DeviceInfo, e: DeviceError) {
        let held = match kind {
            DeviceKind::Escaner => self.finger.take().is_some(),
            DeviceKind::Camara => std::mem::take(&mut self.photo),
        };
        if !held || e.kind() == huella_devices::ErrorKind::Cancelled {
            return;
        }
        self.done.push(DeviceTest {
            kind,
            port: info.port.clone(),
            model: Some(info.model.clone()),
            result: Err(SelfTestFailure::Device(e)),
            at: huella_sync::time::now_utc(),
        });
    }

    /// True once neither device is awaited.
    pub fn finished(&self) -> bool {
        self.finger.is_none() && !self.photo
    }

    /// Records the outcomes in the station (a failure to write is only logged) and returns
    /// them as the home screen shows them.
    pub fn finish(self, home: &Home) -> Vec<SelfTestOutcome> {
        if let Err(e) = self_test::record(home, &self.done) {
            tracing::warn!("could not record the self-test: {e}");
        }
        self.done.iter().map(outcome).collect()
    }
}

fn outcome(t: &DeviceTest) -> SelfTestOutcome {
    SelfTestOutcome {
        kind: t.kind,
        fault: t.result.as_ref().err().map(|e| match e {
            SelfTestFailure::Device(d) => SelfTestFault::Device(d.kind()),
            SelfTestFailure::PoorFingerImage { .. } => SelfTestFault::PoorImage,
            SelfTestFailure::UnreadablePhoto => SelfTestFault::UnreadablePhoto,
            SelfTestFailure::PhotoExposure { .. } => SelfTestFault::Exposure,
        }),
    }
}
