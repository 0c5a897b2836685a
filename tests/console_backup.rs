//! The console's scheduled backup, through the workers as the console runs them: with a
//! `[respaldo]` table in `consola.toml`, the first tick after login asks the desk, the backup
//! worker writes an encrypted backup into the folder, the sync screen says so (es and en at
//! 80×24), the next checks write nothing until it is due again, only the newest `conservar`
//! files of the station are kept, a missing folder (the stick left out) is said once and
//! retried, and the file written restores onto a fresh home with the binary.

mod common;
mod support;
#[path = "common/tmpfs.rs"]
mod tmpfs;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use huella::console::msg::{BackupStatus, DeskCmd, DeskEvent, Effect, WorkerEvent};
use huella::console::state::{Screen, Tone};
use huella::console::{App, Keymap, Lang, update, view};
use huella::home::Home;
use huella::workflows::backup_schedule::ScheduledBackup;
use huella_keys::Passphrase;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

const PASS: &str = "clave-de-prueba-respaldo";

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

/// Sends what a tick asked for to the desk; returns whether it asked for a backup check.
fn tick(app: &mut App, desk: &std::sync::mpsc::SyncSender<DeskCmd>, at: Instant) -> bool {
    let mut asked = false;
    for fx in update::tick(app, at) {
        if let Effect::Desk(DeskCmd::BackupIfDue) = fx {
            desk.send(DeskCmd::BackupIfDue).expect("send");
            asked = true;
        }
    }
    asked
}

/// Feeds backup events to `app` until one ends the attempt: the backup written, or the
/// failure's debug text.
fn backup_result(
    rx: &mut mpsc::Receiver<WorkerEvent>,
    app: &mut App,
) -> Result<ScheduledBackup, String> {
    loop {
        if let WorkerEvent::Backup(b) = next(rx) {
            let end = match &b {
                BackupStatus::Started => None,
                BackupStatus::Done(d) => Some(Ok(d.clone())),
                BackupStatus::Failed(f) => Some(Err(format!("{f:?}"))),
            };
            let _ = update::on_event(app, WorkerEvent::Backup(b));
            if let Some(end) = end {
                return end;
            }
        }
    }
}

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| view::render(app, f)).expect("draw");
    t.backend().to_string()
}

fn ours(folder: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".respaldo"))
        .collect();
    v.sort();
    v
}

/// A station of office 0901 with six people, and an empty folder standing for a USB stick.
struct Station {
    d: tempfile::TempDir,
    a: PathBuf,
    usb: PathBuf,
    p: PathBuf,
    curp: String,
}

fn station(seed: &str) -> Station {
    let d = tempfile::tempdir().expect("tmp");
    let a = d.path().join("a");
    let usb = d.path().join("usb");
    std::fs::create_dir(&usb).expect("usb");
    let p = d.path().join("pass");
    std::fs::write(&p, format!("{PASS}\n")).expect("pass");
    common::init_station(&a, "0901", "A", &p);
    let curp = common::import(&a, d.path(), seed, &p);
    Station { d, a, usb, p, curp }
}

#[test]
fn the_console_backs_up_on_schedule_keeps_the_newest_and_says_when_the_stick_is_missing() {
    let Station { d, a, usb, p, curp } = station("21");
    std::fs::write(
        a.join("consola.toml"),
        format!(
            "idioma = \"es\"\n[respaldo]\ncarpeta = \"{}\"\ncada_horas = 1\nconservar = 2\n",
            usb.display()
        ),
    )
    .expect("config");

    let (tx, mut rx) = mpsc::channel(256);
    let desk = huella::console::workers::desk::spawn(Home::new(a.clone()), Default::default(), tx)
        .expect("desk");
    let t0 = Instant::now();
    let mut app = App::new(Lang::Es, Keymap::default(), t0);
    assert!(!tick(&mut app, &desk, t0), "nobody logged in: no backup");
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

    // The first tick after login: never backed up, so one is written.
    assert!(tick(&mut app, &desk, t0), "the first tick asks");
    let first = backup_result(&mut rx, &mut app).expect("the first backup");
    assert_eq!(first.people, 6);
    assert_eq!(ours(&usb), vec![first.file.clone()]);
    let name = first.file.file_name().expect("name").to_string_lossy();
    assert!(
        name.starts_with("huella-0901-A-") && name.ends_with("Z.respaldo"),
        "{name}"
    );
    assert_eq!(app.toast.as_ref().map(|t| t.0), Some(Tone::Ok));
    app.screen = Screen::Sync;
    desk.send(DeskCmd::SyncOverview).expect("send");
    loop {
        if let WorkerEvent::Desk(ev) = next(&mut rx)
            && let DeskEvent::SyncOverview(o) = *ev
        {
            assert_eq!(o.backup.folder.as_deref(), Some(usb.as_path()));
            assert_eq!(o.backup.every_hours, 1);
            assert_eq!(o.backup.last.as_deref(), Some(first.at.as_str()));
            let _ = update::on_event(
                &mut app,
                WorkerEvent::Desk(Box::new(DeskEvent::SyncOverview(o))),
            );
            break;
        }
    }
    let es = draw(&app, 80, 24);
    assert!(es.contains("Respaldo guardado"), "{es}");
    assert!(es.contains("cada 1 h"), "{es}");
    app.lang = Lang::En;
    let en = draw(&app, 80, 24);
    assert!(en.contains("every 1 h"), "{en}");
    app.lang = Lang::Es;

    // Checks before the next is due write nothing: a tick within five minutes does not even
    // ask, and one after five minutes asks and is told nothing is due.
    assert!(!tick(&mut app, &desk, t0 + Duration::from_secs(60)));
    assert!(tick(&mut app, &desk, t0 + Duration::from_secs(301)));
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        !matches!(rx.try_recv(), Ok(WorkerEvent::Backup(_))),
        "no backup before it is due"
    );
    assert_eq!(ours(&usb).len(), 1);

    // Two more due backups (the marker aged by hand): the folder keeps the newest two.
    let mut later = Vec::new();
    for round in 0..2u64 {
        std::thread::sleep(Duration::from_millis(1100)); // names carry the second
        std::fs::write(a.join("ultimo-respaldo"), "2020-01-01T00:00:00Z").expect("age marker");
        assert!(tick(
            &mut app,
            &desk,
            t0 + Duration::from_secs(700 + 400 * round)
        ));
        later.push(backup_result(&mut rx, &mut app).expect("a due backup"));
    }
    let last = later.pop().expect("two backups");
    let kept = ours(&usb);
    assert_eq!(kept.len(), 2, "conservar = 2: {kept:?}");
    assert!(!kept.contains(&first.file), "the oldest went");
    assert!(kept.contains(&last.file));

    // The stick is pulled out: said once, in the officer's language, and nothing written.
    std::fs::rename(&usb, d.path().join("usb-fuera")).expect("pull the stick");
    std::fs::write(a.join("ultimo-respaldo"), "2020-01-01T00:00:00Z").expect("age marker");
    app.toast = None;
    assert!(tick(&mut app, &desk, t0 + Duration::from_secs(2000)));
    let failed = backup_result(&mut rx, &mut app).expect_err("no folder");
    assert!(failed.contains("FolderMissing"), "{failed}");
    let (tone, why) = app.backup.result.clone().expect("a result");
    assert_eq!(tone, Tone::Error);
    assert!(why.contains("no existe") && why.contains("USB"), "{why}");
    assert!(app.toast.is_some(), "said the first time");
    app.toast = None;
    assert!(tick(&mut app, &desk, t0 + Duration::from_secs(2400)));
    backup_result(&mut rx, &mut app).expect_err("still no folder");
    assert!(app.toast.is_none(), "the same failure is not said again");
    app.lang = Lang::En;
    app.backup.result = None;
    assert!(tick(&mut app, &desk, t0 + Duration::from_secs(2800)));
    backup_result(&mut rx, &mut app).expect_err("still no folder");
    let en = draw(&app, 80, 24);
    assert!(en.contains("Backup not made"), "{en}");
    std::fs::rename(d.path().join("usb-fuera"), &usb).expect("plug it back");

    // The newest file restores onto a fresh home with the binary: same people.
    drop(desk);
    let fresh = d.path().join("restaurada");
    let out = common::ok(&common::huella(
        &fresh,
        &[
            "restore",
            common::s(&last.file),
            "--as",
            "admin",
            "--passphrase-file",
            common::s(&p),
        ],
    ));
    assert!(out.contains("6 personas"), "{out}");
    assert_eq!(common::found(&fresh, &curp, &p), 1);
    common::ok(&common::huella(&fresh, &["audit", "verify"]));
}

/// The real binary in tmux: an officer logs in and, without doing anything else, the
/// scheduled backup lands in the folder and the console says so.
#[test]
fn the_console_binary_writes_the_scheduled_backup_after_login() {
    let Station { d: _d, a, usb, .. } = station("22");
    std::fs::write(
        a.join("consola.toml"),
        format!("[respaldo]\ncarpeta = \"{}\"\n", usb.display()),
    )
    .expect("config");
    let t = support::Tmux::start(&support::console_command(&a, "es"));
    support::login(&t, "admin", PASS);
    let start = Instant::now();
    while ours(&usb).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no backup in {}:\n{}",
            usb.display(),
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    t.wait_for("Respaldo guardado");
    let log = std::fs::read_to_string(a.join("huella.log")).unwrap_or_default();
    assert!(!log.contains(PASS), "the passphrase never reaches the log");
}

/// A stick that is too small: the backup is refused as a full disk, in the officer's words,
/// nothing (not even a temporary) is left on it, and the next due check after space is freed
/// writes the backup.
#[test]
fn a_full_stick_is_reported_leaves_nothing_and_the_backup_follows_once_there_is_room() {
    let Station {
        d,
        a,
        usb,
        p: _,
        curp: _,
    } = station("23");
    let Some(stick) = tmpfs::Tmpfs::mount(&usb, "8k") else {
        eprintln!("mount -t tmpfs refused (not root?): full-stick test not run");
        return;
    };
    std::fs::write(
        a.join("consola.toml"),
        format!("[respaldo]\ncarpeta = \"{}\"\n", usb.display()),
    )
    .expect("config");
    let (tx, mut rx) = mpsc::channel(256);
    let desk = huella::console::workers::desk::spawn(Home::new(a.clone()), Default::default(), tx)
        .expect("desk");
    let t0 = Instant::now();
    let mut app = App::new(Lang::En, Keymap::default(), t0);
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
    assert!(tick(&mut app, &desk, t0));
    let failed = backup_result(&mut rx, &mut app).expect_err("the stick is full");
    assert!(failed.contains("Full"), "{failed}");
    let (_, why) = app.backup.result.clone().expect("a result");
    assert!(why.contains("no space left"), "{why}");
    let left: Vec<_> = std::fs::read_dir(&usb)
        .expect("stick")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        left.is_empty(),
        "nothing half-written on the stick: {left:?}"
    );
    assert!(
        !a.join("ultimo-respaldo").exists(),
        "a failed backup does not count as made"
    );

    stick.resize("16m");
    assert!(tick(&mut app, &desk, t0 + Duration::from_secs(301)));
    let done = backup_result(&mut rx, &mut app).expect("room now");
    assert_eq!(done.people, 6);
    assert_eq!(ours(&usb), vec![done.file.clone()]);
    drop(desk);
    drop(stick);
    drop(d);
}
