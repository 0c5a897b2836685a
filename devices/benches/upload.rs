//! Benchmark: image upload throughput over a paced simulator on a real pseudo-terminal, as a
//! share of the line rate (baud / 10 bytes per second). Scanner at 57 600 and 115 200 Bd,
//! camera (VC0706, 1 KiB chunks) at 115 200 Bd.
//! Run: `cargo bench -p huella-devices --bench upload`.

use std::time::{Duration, Instant};

use huella_devices::proto::zfm::packet::OVERHEAD;
use huella_devices::sim::{self, Line, ScannerSimConfig};
use huella_devices::{
    Camera, Cancel, CaptureStep, Deadline, FingerprintScanner, SimFinger, Vc0706Camera,
    Vc0706Config, ZfmConfig, ZfmScanner,
};

fn scanner(baud: u32, runs: usize) -> Result<(), Box<dyn std::error::Error>> {
    let cfg = ScannerSimConfig::synthetic(Line::paced(baud));
    cfg.glass.place(7, SimFinger::new(1).ok_or("dedo")?);
    let sim = sim::start_scanner(cfg)?;
    let mut s = ZfmScanner::open(
        sim.path(),
        ZfmConfig {
            baud,
            ..ZfmConfig::default()
        },
    )?;
    let p = s.params().packet_size();
    for run in 1..=runs {
        let mut start = None;
        let mut bytes = 0;
        s.capture(
            Deadline::after(Duration::from_secs(60)),
            &Cancel::new(),
            &mut |st| match st {
                CaptureStep::FingerDetected => start = Some(Instant::now()),
                CaptureStep::Progress(pr) => bytes = pr.done,
            },
        )?;
        let secs = start.map(|t| t.elapsed().as_secs_f64()).unwrap_or(f64::NAN);
        // Wire bytes received: UpImage ack (12) + data packets with framing.
        let wire = 12 + bytes.div_ceil(p) * (p + OVERHEAD);
        let rate = wire as f64 / secs;
        println!(
            "lector {baud:>6} Bd, intento {run}: {wire} B en {secs:.3} s = {rate:.0} B/s = {:.1} % de la línea ({} B/s); imagen útil {:.0} B/s",
            rate / (f64::from(baud) / 10.0) * 100.0,
            baud / 10,
            bytes as f64 / secs
        );
    }
    Ok(())
}

fn camera(baud: u32) -> Result<(), Box<dyn std::error::Error>> {
    let sim = sim::start_camera(Line::paced(baud), 1, None)?;
    let mut cam = Vc0706Camera::open(
        sim.path(),
        Vc0706Config {
            baud,
            ..Vc0706Config::default()
        },
    )?;
    let t = Instant::now();
    let photo = cam.capture_still(
        Deadline::after(Duration::from_secs(60)),
        &Cancel::new(),
        &mut |_| {},
    )?;
    let secs = t.elapsed().as_secs_f64();
    let rate = photo.bytes.len() as f64 / secs;
    println!(
        "cámara {baud:>6} Bd: JPEG {}×{} de {} B en {secs:.3} s = {rate:.0} B/s = {:.1} % de la línea (incluye congelar, longitud, fragmentos de 1 KiB y reanudar)",
        photo.width,
        photo.height,
        photo.bytes.len(),
        rate / (f64::from(baud) / 10.0) * 100.0
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    scanner(57_600, 2)?;
    scanner(115_200, 2)?;
    camera(115_200)?;
    Ok(())
}
