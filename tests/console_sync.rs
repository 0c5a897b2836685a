//! The console's sync worker against a real hub process on loopback: the desk worker (as the
//! console runs it) logs in, reads the hub from `consola.toml`, runs a round on the sync
//! worker and streams progress; the screen shows the contract line. Then the hub goes away
//! and the next round fails with a Spanish message, without blocking anything.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use huella::console::msg::{DeskCmd, DeskEvent, SyncStatus, WorkerEvent};
use huella::console::state::{PeerPhase, Screen};
use huella::console::{App, Keymap, Lang, update, view};
use huella::home::Home;
use huella::workflows::sync_round::RoundEvent;
use huella_keys::Passphrase;
use huella_sync::events::SyncEvent;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

const PASS: &str = "clave-de-prueba-consola";

/// Runs the binary and fails the test if it fails.
fn huella(home: &Path, args: &[&str]) -> Output {
    let o = common::huella(home, args);
    common::ok(&o);
    o
}

/// Next event, failing the test after a generous deadline instead of hanging.
fn next(rx: &mut mpsc::Receiver<WorkerEvent>) -> WorkerEvent {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match rx.try_recv() {
            Ok(ev) => return ev,
            Err(mpsc::error::TryRecvError::Empty) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("no event from the workers: {e:?}"),
        }
    }
}

/// Runs one round through the desk and returns every sync event, feeding them to `app`.
fn round(
    desk: &std::sync::mpsc::SyncSender<DeskCmd>,
    rx: &mut mpsc::Receiver<WorkerEvent>,
    app: &mut App,
) -> Vec<SyncStatus> {
    let fx = update::on_key(
        app,
        crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        ),
    );
    assert_eq!(fx.len(), 1, "Enter on the sync screen starts one round");
    desk.send(DeskCmd::SyncRound).expect("send");
    let mut seen = Vec::new();
    loop {
        if let WorkerEvent::Sync(s) = next(rx) {
            let _ = update::on_event(app, WorkerEvent::Sync(s.clone()));
            let end = matches!(s, SyncStatus::Ended(_));
            seen.push(s);
            if end {
                return seen;
            }
        }
    }
}

fn draw(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(110, 30)).expect("terminal");
    t.draw(|f| view::render(app, f)).expect("draw");
    t.backend().to_string()
}

#[test]
fn console_sync_worker_completes_a_round_with_a_real_hub_then_reports_its_absence() {
    let d = tempfile::tempdir().expect("tmp");
    let (a, hub_home) = (d.path().join("a"), d.path().join("hub"));
    let p: PathBuf = d.path().join("pass");
    std::fs::write(&p, format!("{PASS}\n")).expect("pass");
    let p = p.to_str().expect("utf8");
    let who = ["--as", "admin", "--passphrase-file", p];
    huella(
        &a,
        &[
            "init",
            "--office",
            "0901",
            "--station",
            "A",
            "--admin",
            "admin",
            "--passphrase-file",
            p,
        ],
    );
    let roster = d.path().join("roster");
    let mut args = vec![
        "sync",
        "roster",
        "export",
        "--out",
        roster.to_str().expect("utf8"),
    ];
    args.extend(who);
    huella(&a, &args);
    let csv = d.path().join("people.csv");
    let csv_s = csv.to_str().expect("utf8");
    huella(
        &a,
        &[
            "sample", "csv", "--people", "12", "--seed", "5", "--out", csv_s,
        ],
    );
    let mut args = vec!["import", csv_s];
    args.extend(who);
    huella(&a, &args);

    let (hub, url) = common::start_hub(&hub_home, &roster);
    std::fs::write(
        a.join("consola.toml"),
        format!("idioma = \"es\"\n[sincronizacion]\nconcentrador = \"{url}\"\nintentos = 1\n"),
    )
    .expect("config");

    let (tx, mut rx) = mpsc::channel(256);
    let desk = huella::console::workers::desk::spawn(Home::new(a.clone()), tx).expect("desk");
    let mut app = App::new(Lang::Es, Keymap::default(), Instant::now());
    desk.send(DeskCmd::Login {
        user: "admin".into(),
        pass: Passphrase::new(PASS),
    })
    .expect("send");
    loop {
        let ev = next(&mut rx);
        let logged = matches!(&ev, WorkerEvent::Desk(d) if matches!(**d, DeskEvent::LoggedIn(_)));
        let _ = update::on_event(&mut app, ev);
        if logged {
            break;
        }
    }
    app.screen = Screen::Sync;
    desk.send(DeskCmd::SyncOverview).expect("send");
    loop {
        if let WorkerEvent::Desk(d) = next(&mut rx)
            && let DeskEvent::SyncOverview(o) = *d
        {
            assert_eq!(o.hub.as_deref(), Some(url.as_str()));
            assert!(o.config_error.is_none());
            assert!(o.last.is_none(), "never synced yet");
            let _ = update::on_event(
                &mut app,
                WorkerEvent::Desk(Box::new(DeskEvent::SyncOverview(o))),
            );
            break;
        }
    }

    let seen = round(&desk, &mut rx, &mut app);
    assert!(matches!(&seen[0], SyncStatus::Started(t) if t.len() == 1 && t[0] == url));
    let records: Vec<(usize, usize)> = seen
        .iter()
        .filter_map(|s| match s {
            SyncStatus::Round(RoundEvent::Sync(SyncEvent::Records { done, total, .. })) => {
                Some((*done, *total))
            }
            _ => None,
        })
        .collect();
    assert!(!records.is_empty(), "progress arrives while the round runs");
    assert!(records.windows(2).all(|w| w[0].0 <= w[1].0));
    match seen.last() {
        Some(SyncStatus::Ended(Ok((sum, conflicts)))) => {
            assert_eq!((sum.sent, sum.received, sum.conflicts), (12, 0, 0));
            assert!(conflicts.is_empty());
        }
        other => panic!("round did not complete: {other:?}"),
    }
    assert_eq!(app.sync.rounds.len(), 1);
    assert_eq!(app.sync.rounds[0].phase, PeerPhase::Done(true));
    let screen = draw(&app);
    assert!(
        screen.contains("sincronizado: enviados 12, recibidos 0, conflictos 0"),
        "{screen}"
    );
    assert!(screen.contains("al día"), "{screen}");
    assert!(!app.sync.running);
    assert!(a.join("ultima-sincronizacion").exists());

    // Same state on both ends: the next round moves nothing.
    let again = round(&desk, &mut rx, &mut app);
    assert!(matches!(
        again.last(),
        Some(SyncStatus::Ended(Ok((s, _)))) if (s.sent, s.received) == (0, 0)
    ));

    // The hub goes away: the round fails with a Spanish reason and the console stays usable.
    drop(hub);
    let failed = round(&desk, &mut rx, &mut app);
    match failed.last() {
        Some(SyncStatus::Ended(Err(e))) => {
            assert!(e.contains("no se pudo comunicar"), "{e}");
        }
        other => panic!("expected a failure: {other:?}"),
    }
    assert!(!app.sync.running);
    let screen = draw(&app);
    assert!(screen.contains("La sincronización falló"), "{screen}");
}
