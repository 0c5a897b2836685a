//! Console benchmarks: time to the first frame with a large store, and frame times while a
//! capture (simulated scanner on a pty), a real sync round with a hub process on loopback
//! and store reads run in the background.
//!
//! `cargo bench --bench console` (people: `HUELLA_BENCH_PEOPLE`, default 100 000).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use huella::console::msg::{DeskCmd, DeviceCmd, DeviceEvent, SyncStatus, WorkerEvent};
use huella::console::state::{EnrollState, EnrollStep, Phase, Screen, Slot};
use huella::console::workers::{desk, devices};
use huella::console::{App, Keymap, Lang, update, view};
use huella::home::Home;
use huella::identifiers::{csv_header, synthetic_person};
use huella::workflows::session::Session;
use huella::workflows::station::{self, InitParams};
use huella_devices::sim::{self, Line, ScannerSimConfig};
use huella_keys::{KdfCost, Passphrase, Role};
use huella_sync::{FingerPosition, RecordId};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() -> anyhow::Result<()> {
    let people: u64 = std::env::var("HUELLA_BENCH_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let home = Home::new(dir.path().join("estacion"));
    let pass = Passphrase::new("bench-admin-2026");
    let cost = KdfCost::new(12);
    station::init(
        &home,
        &InitParams {
            office: "0901",
            station: "BENCH",
            admin: "admin",
            passphrase: &pass,
            regional: None,
            central: None,
            cost,
        },
    )?;
    let session = Session::open_with(&home, "admin", &pass)?;
    station::add_officer(
        &home,
        &session,
        "oficial",
        Role::Officer,
        &Passphrase::new("bench-oficial-2026"),
        cost,
    )?;
    let csv = dir.path().join("p.csv");
    let mut text = String::from(csv_header());
    text.push('\n');
    for i in 0..people {
        text.push_str(&synthetic_person(2026, i).csv_row());
        text.push('\n');
    }
    std::fs::write(&csv, text)?;
    let t = Instant::now();
    let report = huella::workflows::import::import_file(&session, &csv, |_| {})?;
    println!(
        "store: {} ({:.1} s)",
        report.summary_line(),
        t.elapsed().as_secs_f64()
    );
    let ids: Vec<RecordId> = session
        .store
        .ids_with_status(huella_sync::BiometricStatus::Pendiente)?;
    drop(session);

    // A real hub process on loopback that trusts this office, named in consola.toml.
    let pass_file = dir.path().join("pass");
    std::fs::write(&pass_file, "bench-admin-2026\n")?;
    let roster = dir.path().join("roster");
    let exported = std::process::Command::new(env!("CARGO_BIN_EXE_huella"))
        .arg("--home")
        .arg(home.dir())
        .args(["sync", "roster", "export", "--as", "admin", "--out"])
        .arg(&roster)
        .arg("--passphrase-file")
        .arg(&pass_file)
        .output()?;
    anyhow::ensure!(exported.status.success(), "roster export failed");
    let (_hub, hub_url) = start_hub(&dir.path().join("hub"), &roster)?;
    std::fs::write(
        home.dir().join("consola.toml"),
        format!("[sincronizacion]\nconcentrador = \"{hub_url}\"\nintentos = 1\n"),
    )?;

    // 1. Time to first frame: start the console's workers on the 100k store and draw.
    let start = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<WorkerEvent>(256);
    let desk_tx = desk::spawn(home.clone(), tx.clone())?;
    let mut app = App::new(Lang::Es, Keymap::default(), Instant::now());
    let mut term = Terminal::new(TestBackend::new(120, 40))?;
    term.draw(|f| view::render(&app, f))?;
    let first = start.elapsed();
    println!(
        "first frame (login screen, {people} people): {:.1} ms",
        first.as_secs_f64() * 1e3
    );
    desk_tx.send(DeskCmd::Login {
        user: "oficial".into(),
        pass: Passphrase::new("bench-oficial-2026"),
    })?;
    let login_start = Instant::now();
    let mut home_ms = None;
    while home_ms.is_none() {
        let Some(ev) = rx.blocking_recv() else { break };
        let fx = update::on_event(&mut app, ev);
        for f in fx {
            if let huella::console::Effect::Desk(c) = f {
                desk_tx.send(c)?;
            }
        }
        if app.home.is_some() {
            term.draw(|f| view::render(&app, f))?;
            home_ms = Some(login_start.elapsed());
        }
    }
    if let Some(h) = home_ms {
        println!(
            "home frame with counts after login (incl. passphrase unlock): {:.1} ms",
            h.as_secs_f64() * 1e3
        );
    }

    // 2. Frame times while a capture and store traffic run in the background.
    let scanner = sim::start_scanner(ScannerSimConfig::synthetic(Line::paced(57_600)))?;
    let dev_tx = devices::spawn(
        devices::DeviceConfig {
            scanner: Some(scanner.path().to_owned()),
            camera: None,
            glass: Some(scanner.glass().clone()),
        },
        home.clone(),
        tx.clone(),
    )?;
    let stop = Arc::new(AtomicBool::new(false));
    let traffic = {
        let stop = stop.clone();
        let ids = ids.clone();
        let desk_tx = desk_tx.clone();
        std::thread::spawn(move || -> usize {
            // Sync-like store traffic through the desk worker: open and summarise records.
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                if let Some(id) = ids.get(n % ids.len().max(1))
                    && desk_tx.try_send(DeskCmd::Person(*id)).is_ok()
                {
                    n += 1;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            n
        })
    };
    app.enroll = Some(EnrollState {
        id: ids.first().copied().unwrap_or(RecordId([0; 16])),
        name: "Persona de prueba".into(),
        curp: "RUVP650109MMSZRT34".into(),
        nss: "49186509623".into(),
        birth: "1965-01-09".into(),
        step: EnrollStep::Fingers,
        fingers: [Slot::default(); 10],
        current: 0,
        phase: Phase::Waiting,
        last_image: None,
        last_quality: None,
        exception: None,
        face: None,
        photo: None,
        face_saved: false,
        duplicates: None,
        folio: None,
    });
    app.screen = Screen::Enroll;
    dev_tx.send(DeviceCmd::Finger {
        position: FingerPosition::RightThumb,
        subject: 1,
    })?;
    desk_tx.send(DeskCmd::SyncRound)?;
    let (mut sync_events, mut rounds_ended) = (0usize, 0usize);
    let (ftx, frx) = mpsc::channel::<Duration>();
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut frames = Vec::new();
    let mut images = 0;
    while Instant::now() < deadline {
        while let Ok(ev) = rx.try_recv() {
            if let WorkerEvent::Sync(st) = &ev {
                sync_events += 1;
                if matches!(st, SyncStatus::Ended(_)) {
                    rounds_ended += 1;
                    desk_tx.send(DeskCmd::SyncRound)?;
                }
            }
            if let WorkerEvent::Device(DeviceEvent::Image(_)) = &ev {
                images += 1;
                dev_tx.send(DeviceCmd::Finger {
                    position: FingerPosition::RightThumb,
                    subject: 1,
                })?;
            }
            let _ = update::on_event(&mut app, ev);
            if let Some(e) = app.enroll.as_mut() {
                e.step = EnrollStep::Fingers;
            }
        }
        update::tick(&mut app, Instant::now());
        let t = Instant::now();
        term.draw(|f| view::render(&app, f))?;
        let _ = ftx.send(t.elapsed());
        std::thread::sleep(Duration::from_millis(4));
    }
    stop.store(true, Ordering::SeqCst);
    let reads = traffic.join().unwrap_or(0);
    drop(ftx);
    frames.extend(frx.iter());
    frames.sort();
    let pct = |p: f64| {
        frames
            .get(((frames.len() as f64 * p) as usize).min(frames.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "frames: {} over 15 s with {images} scanner images (57 600 Bd paced), a sync round with a hub process ({sync_events} progress events, {rounds_ended} rounds ended) and {reads} background record opens; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        frames.len(),
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        frames.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    Ok(())
}

/// Kills the hub process when the bench ends.
struct Hub(std::process::Child);

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `huella hub` on a free loopback port trusting `roster`; returns it and its URL.
fn start_hub(home: &std::path::Path, roster: &std::path::Path) -> anyhow::Result<(Hub, String)> {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_huella"))
        .arg("--home")
        .arg(home)
        .args(["hub", "--listen", "127.0.0.1:0", "--trust"])
        .arg(roster)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let out = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let hub = Hub(child);
    for line in std::io::BufReader::new(out).lines() {
        if let Some(rest) = line?.split("escuchando en ").nth(1)
            && let Some(url) = rest.split_whitespace().next()
        {
            return Ok((hub, url.to_owned()));
        }
    }
    anyhow::bail!("the hub did not say where it listens")
}
