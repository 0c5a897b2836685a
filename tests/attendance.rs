//! Staff attendance through the real binary, with the scanner simulator serving real images
//! (FVC2002 DB1, ../shared/data/fingerprints): staff enrolled with one impression are
//! identified with another; an unknown finger records nothing; justifications are decided by
//! another supervisor; the month CSV; purpose limitation against the enrollment duplicate
//! search; and attendance reaching another station of the office after a sync.

mod common;
mod support;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{Running, admin, huella, join_station, ok, s, spawn};

const PASS: &str = "clave-de-prueba-asistencia";

fn images() -> Option<PathBuf> {
    let d =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/fingerprints/FVC2002_DB1_B/png");
    let d = if d.is_dir() {
        d
    } else {
        PathBuf::from("/work/shared/data/fingerprints/FVC2002_DB1_B/png")
    };
    d.is_dir().then_some(d)
}

/// A folder holding copies of `names` from the development images.
fn folder(root: &Path, name: &str, names: &[&str]) -> PathBuf {
    let src = images().expect("the fingerprint development images");
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("dir");
    for n in names {
        std::fs::copy(src.join(n), dir.join(n)).expect("copy image");
    }
    dir
}

/// A running `huella sim scanner --images DIR`; killed when dropped.
fn scanner(home: &Path, dir: &Path) -> Running {
    sim(home, &["sim", "scanner", "--images", s(dir), "--unpaced"])
}

fn sim(home: &Path, args: &[&str]) -> Running {
    spawn(home, args)
}

/// Runs `args` as `user` (passphrase file `<dir>/<user>.pass`).
fn as_user(home: &Path, dir: &Path, user: &str, args: &[&str]) -> Output {
    let pass = dir.join(format!("{user}.pass"));
    let mut all = args.to_vec();
    all.extend(["--as", user, "--passphrase-file", s(&pass)]);
    huella(home, &all)
}

fn err(o: &Output) -> String {
    assert!(!o.status.success(), "expected a failure: {}", text(o));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A station at `home` with the admin and `users` (name, role); passphrases in `dir`.
fn station(home: &Path, dir: &Path, users: &[(&str, &str)]) {
    let admin_pass = dir.join("admin.pass");
    std::fs::write(&admin_pass, format!("{PASS}-admin\n")).expect("pass");
    ok(&huella(
        home,
        &[
            "init",
            "--office",
            "0901",
            "--station",
            "A",
            "--admin",
            "admin",
            "--passphrase-file",
            s(&admin_pass),
        ],
    ));
    add_users(home, dir, users);
}

fn add_users(home: &Path, dir: &Path, users: &[(&str, &str)]) {
    for (user, role) in users {
        let p = dir.join(format!("{user}.pass"));
        std::fs::write(&p, format!("{PASS}-{user}\n")).expect("pass");
        ok(&admin(
            home,
            &dir.join("admin.pass"),
            &[
                "officer",
                "add",
                user,
                "--role",
                role,
                "--new-passphrase-file",
                s(&p),
            ],
        ));
    }
}

fn enroll_staff(home: &Path, dir: &Path, by: &str, user: &str, images: &Path) -> Output {
    let sc = scanner(home, images);
    as_user(
        home,
        dir,
        by,
        &[
            "attendance",
            "enroll",
            user,
            "--name",
            user,
            "--fingers",
            "2",
            "--acknowledged",
            "--scanner",
            sc.pty(),
        ],
    )
}

fn clock(home: &Path, dir: &Path, images: &Path) -> String {
    let sc = scanner(home, images);
    let out = ok(&as_user(
        home,
        dir,
        "kiosco",
        &["attendance", "clock", "--scanner", sc.pty()],
    ));
    out.lines().last().unwrap_or_default().to_owned()
}

fn this_month() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    huella_sync::time::format_utc(now)[..7].to_owned()
}

#[test]
fn staff_clock_in_and_out_justify_and_report() {
    if images().is_none() {
        eprintln!("skipped: no development fingerprint images");
        return;
    }
    let d = tempfile::tempdir().expect("tmp");
    let (dir, home) = (d.path(), d.path().join("home"));
    station(
        &home,
        dir,
        &[
            ("sup", "supervisor"),
            ("sup2", "supervisor"),
            ("luz", "officer"),
            ("kiosco", "officer"),
        ],
    );
    let luz_enrol = folder(dir, "luz-enrol", &["101_1.png", "102_1.png"]);
    let luz_live = folder(dir, "luz-live", &["101_3.png"]);
    let sup_enrol = folder(dir, "sup-enrol", &["103_1.png", "104_1.png"]);
    let stranger = folder(dir, "stranger", &["106_2.png"]);

    // Nothing is taken without the acknowledged purpose notice, nor by an officer.
    let sc = scanner(&home, &luz_enrol);
    let o = as_user(
        &home,
        dir,
        "sup",
        &["attendance", "enroll", "luz", "--scanner", sc.pty()],
    );
    assert!(err(&o).contains("aviso de finalidad"), "{}", text(&o));
    drop(sc);
    let o = enroll_staff(&home, dir, "luz", "luz", &luz_enrol);
    assert!(err(&o).contains("supervisor"), "{}", text(&o));

    let out = ok(&enroll_staff(&home, dir, "sup", "luz", &luz_enrol));
    assert!(out.contains("personal inscrito: luz (2 dedos)"), "{out}");
    ok(&enroll_staff(&home, dir, "sup2", "sup", &sup_enrol));

    // Any finger counts from 00:00 as late by its minute of the day: the expected lateness
    // then follows from the printed time.
    ok(&as_user(
        &home,
        dir,
        "sup",
        &[
            "attendance",
            "config",
            "--start",
            "00:00",
            "--tolerance",
            "0",
        ],
    ));

    let first = clock(&home, dir, &luz_live);
    let entry = first
        .strip_prefix("entrada registrada: luz ")
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    let second = clock(&home, dir, &luz_live);
    assert!(second.starts_with("salida registrada: luz "), "{second}");
    // An unknown finger: "no identificado", and no mark (the next one of luz is an entry
    // again, the third of the day, not a fourth).
    assert_eq!(clock(&home, dir, &stranger), "no identificado");
    let third = clock(&home, dir, &luz_live);
    assert!(third.starts_with("entrada registrada: luz "), "{third}");

    // Justifications: an exit pass needs its times; a supervisor never decides their own.
    let today = huella_sync::time::now_utc()[..10].to_owned();
    let o = as_user(
        &home,
        dir,
        "luz",
        &[
            "attendance",
            "justify",
            "--kind",
            "pase",
            "--date",
            &today,
            "--reason",
            "cita",
        ],
    );
    assert!(err(&o).contains("--from"), "{}", text(&o));
    let luz_folio = ok(&as_user(
        &home,
        dir,
        "luz",
        &[
            "attendance",
            "justify",
            "--kind",
            "pase",
            "--date",
            &today,
            "--from",
            "12:00",
            "--to",
            "13:30",
            "--reason",
            "cita médica",
        ],
    ));
    let luz_folio = luz_folio
        .trim()
        .strip_prefix("justificación registrada: ")
        .expect("folio")
        .to_owned();
    let sup_folio = ok(&as_user(
        &home,
        dir,
        "sup",
        &[
            "attendance",
            "justify",
            "--kind",
            "falta",
            "--date",
            &today,
            "--reason",
            "trámite personal",
        ],
    ));
    let sup_folio = sup_folio
        .trim()
        .strip_prefix("justificación registrada: ")
        .expect("folio")
        .to_owned();
    let queue = ok(&as_user(&home, dir, "sup", &["attendance", "queue"]));
    assert!(
        queue.contains(&luz_folio) && queue.contains(&sup_folio),
        "{queue}"
    );
    let o = as_user(
        &home,
        dir,
        "luz",
        &["attendance", "decide", &luz_folio, "--approve"],
    );
    assert!(err(&o).contains("supervisor"), "{}", text(&o));
    let o = as_user(
        &home,
        dir,
        "sup",
        &["attendance", "decide", &sup_folio, "--approve"],
    );
    assert!(err(&o).contains("propia justificación"), "{}", text(&o));
    let out = ok(&as_user(
        &home,
        dir,
        "sup2",
        &["attendance", "decide", &sup_folio, "--reject"],
    ));
    assert_eq!(out.trim(), format!("justificación rechazada: {sup_folio}"));
    let out = ok(&as_user(
        &home,
        dir,
        "sup",
        &["attendance", "decide", &luz_folio, "--approve"],
    ));
    assert_eq!(out.trim(), format!("justificación aprobada: {luz_folio}"));
    let o = as_user(
        &home,
        dir,
        "sup2",
        &["attendance", "decide", &luz_folio, "--reject"],
    );
    assert!(err(&o).contains("ya fue decidida"), "{}", text(&o));

    // The month report as CSV.
    let csv = dir.join("asistencia.csv");
    let month = this_month();
    ok(&as_user(
        &home,
        dir,
        "sup",
        &["attendance", "report", "--month", &month, "--csv", s(&csv)],
    ));
    let body = std::fs::read_to_string(&csv).expect("csv");
    let mut lines = body.lines();
    assert_eq!(
        lines.next(),
        Some(
            "usuario,nombre,dias,retardos,minutos_retardo,retardos_justificados,faltas,faltas_justificadas,pases"
        )
    );
    let (h, m) = entry.split_once(':').expect("HH:MM");
    let late: u32 = h.parse::<u32>().expect("h") * 60 + m.parse::<u32>().expect("m");
    let (n, minutes) = if late > 0 { (1, late) } else { (0, 0) };
    assert_eq!(
        lines.next(),
        Some(format!("luz,luz,1,{n},{minutes},0,0,0,1").as_str())
    );
    assert_eq!(lines.next(), Some("sup,sup,0,0,0,0,0,0,0"));
    assert_eq!(lines.next(), None);

    // Every operation left its audit entry and the chain is sound.
    let verify = ok(&huella(&home, &["audit", "verify"]));
    assert!(verify.starts_with("auditoría íntegra: "), "{verify}");
    let log = std::fs::read_to_string(home.join("huella.log")).unwrap_or_default();
    assert!(!log.contains("101_"), "no file names of prints in the log");
}

#[test]
fn a_staff_finger_is_never_found_by_an_enrollment_duplicate_search() {
    if images().is_none() {
        eprintln!("skipped: no development fingerprint images");
        return;
    }
    let d = tempfile::tempdir().expect("tmp");
    let (dir, home) = (d.path(), d.path().join("home"));
    station(&home, dir, &[("sup", "supervisor"), ("ana", "officer")]);
    let same = folder(dir, "same", &["105_1.png"]);
    ok(&enroll_staff(&home, dir, "sup", "luz", &same));

    let csv = dir.join("people.csv");
    ok(&huella(
        &home,
        &[
            "sample",
            "csv",
            "--people",
            "2",
            "--seed",
            "17",
            "--out",
            s(&csv),
        ],
    ));
    ok(&admin(&home, &dir.join("admin.pass"), &["import", s(&csv)]));
    let body = std::fs::read_to_string(&csv).expect("csv");
    let curps: Vec<&str> = body
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    let camera = sim(&home, &["sim", "camera", "--unpaced"]);
    let enroll = |curp: &str| {
        let sc = scanner(&home, &same);
        let mut args = vec![
            "enroll",
            "--curp",
            curp,
            "--scanner",
            sc.pty(),
            "--camera",
            camera.pty(),
            "--consent",
        ];
        let exceptions: Vec<String> = (1..=10)
            .filter(|n| *n != 2)
            .map(|n| format!("{n}:amputado:prueba"))
            .collect();
        for e in &exceptions {
            args.extend(["--exception", e.as_str()]);
        }
        ok(&as_user(&home, dir, "ana", &args))
    };
    // The staff member's very image under a person: the enrollment search does not see staff.
    let out = enroll(curps[0]);
    assert!(out.contains("posibles duplicados 0"), "{out}");
    // The same image under a second person is found (the search works on these images).
    let out = enroll(curps[1]);
    assert!(out.contains("posibles duplicados 1"), "{out}");
    // And the reverse: the people enrolled with that finger are never identified as staff
    // other than luz, whose finger it is.
    let live = folder(dir, "live", &["105_1.png"]);
    let sc = scanner(&home, &live);
    let add = &[("kiosco", "officer")];
    add_users(&home, dir, add);
    let out = ok(&as_user(
        &home,
        dir,
        "kiosco",
        &["attendance", "clock", "--scanner", sc.pty()],
    ));
    assert!(out.contains("entrada registrada: luz "), "{out}");
    // Staff documents are not people of the registry.
    let status = ok(&huella(&home, &["status", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&status).expect("json");
    assert_eq!(v["personas"], 2, "{status}");
}

#[test]
fn attendance_reaches_another_station_of_the_office_after_a_sync() {
    if images().is_none() {
        eprintln!("skipped: no development fingerprint images");
        return;
    }
    let d = tempfile::tempdir().expect("tmp");
    let dir = d.path();
    let (a, b) = (dir.join("a"), dir.join("b"));
    station(&a, dir, &[("sup", "supervisor"), ("kiosco", "officer")]);
    let admin_pass = dir.join("admin.pass");
    join_station(dir, &a, &b, "B", &admin_pass, "admin");
    let enrol = folder(dir, "enrol", &["107_1.png", "108_1.png"]);
    let live = folder(dir, "live", &["107_4.png"]);
    ok(&enroll_staff(&a, dir, "sup", "luz", &enrol));
    let entry = clock(&a, dir, &live);
    assert!(entry.starts_with("entrada registrada: luz "), "{entry}");

    // B serves, A reconciles with it.
    let mut serve = Command::new(env!("CARGO_BIN_EXE_huella"))
        .env("HUELLA_KDF_LOG_N", "12")
        .arg("--home")
        .arg(&b)
        .args(["sync", "serve", "--listen", "127.0.0.1:0", "--as", "admin"])
        .args(["--passphrase-file", s(&admin_pass)])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let first = std::io::BufReader::new(serve.stdout.take().expect("stdout"))
        .lines()
        .next()
        .and_then(Result::ok)
        .expect("first line");
    let addr = first
        .strip_prefix("escuchando en ")
        .expect("listening")
        .to_owned();
    let synced = admin(
        &a,
        &admin_pass,
        &["sync", "--peer", &addr, "--attempts", "1"],
    );
    let _ = serve.kill();
    let _ = serve.wait();
    ok(&synced);

    // At B: the month report has luz's day, and luz clocks out there (the staff gallery
    // opened the synced, sealed templates).
    let month = this_month();
    let report = ok(&admin(
        &b,
        &admin_pass,
        &["attendance", "report", "--month", &month],
    ));
    assert!(report.contains("luz\tdías 1\t"), "{report}");
    add_users(&b, dir, &[("kiosco", "officer")]);
    let out = clock(&b, dir, &live);
    assert!(out.starts_with("salida registrada: luz "), "{out}");
}

#[test]
fn the_kiosk_only_clocks_in_and_out_one_touch_one_mark() {
    if images().is_none()
        || std::process::Command::new("tmux")
            .arg("-V")
            .output()
            .is_err()
    {
        eprintln!("skipped: no development fingerprint images or no tmux");
        return;
    }
    let d = tempfile::tempdir().expect("tmp");
    let (dir, home) = (d.path(), d.path().join("home"));
    station(&home, dir, &[("sup", "supervisor"), ("kiosco", "officer")]);
    let enrol = folder(dir, "enrol", &["109_1.png", "110_1.png"]);
    let live = folder(dir, "live", &["109_2.png"]);
    ok(&enroll_staff(&home, dir, "sup", "luz", &enrol));

    // The finger is placed and lifted through the simulator's glass file.
    let glass = dir.join("vidrio");
    std::fs::write(&glass, "-\n").expect("glass");
    let sc = sim(
        &home,
        &[
            "sim",
            "scanner",
            "--images",
            s(&live),
            "--glass",
            s(&glass),
            "--unpaced",
        ],
    );
    let t = support::Tmux::start(&format!(
        "exec env HUELLA_KDF_LOG_N=12 {} --home {} console --kiosk --scanner {} --user kiosco",
        env!("CARGO_BIN_EXE_huella"),
        home.display(),
        sc.pty()
    ));
    t.wait_for("Contraseña:");
    t.text(&format!("{PASS}-kiosco"));
    t.keys(&["Enter"]);
    t.wait_for("Coloque su dedo en el lector");
    std::fs::write(&glass, "1 2\n").expect("glass");
    let screen = t.wait_for("entrada registrada: luz ");
    assert!(screen.contains("Retire el dedo"), "{screen}");
    // While the finger stays, nothing more is recorded.
    std::fs::write(&glass, "-\n").expect("glass");
    t.wait_for("Coloque su dedo en el lector");
    std::fs::write(&glass, "1 2\n").expect("glass");
    t.wait_for("salida registrada: luz ");
    std::fs::write(&glass, "-\n").expect("glass");
    t.wait_for("Coloque su dedo en el lector");
    t.keys(&["C-q"]);
    support::wait_exit(&t);
    drop(sc);

    let month = this_month();
    let report = ok(&as_user(
        &home,
        dir,
        "sup",
        &["attendance", "report", "--month", &month],
    ));
    assert!(report.contains("luz\tdías 1\t"), "{report}");
    let audit = support::audit(&home);
    let marks = audit
        .iter()
        .filter(|(_, detail)| {
            detail.starts_with("asistencia: entrada de luz")
                || detail.starts_with("asistencia: salida de luz")
        })
        .count();
    assert_eq!(marks, 2, "{audit:?}");
}

#[test]
fn the_justification_queue_screen_decides_and_refuses_ones_own() {
    if images().is_none()
        || std::process::Command::new("tmux")
            .arg("-V")
            .output()
            .is_err()
    {
        eprintln!("skipped: no development fingerprint images or no tmux");
        return;
    }
    let d = tempfile::tempdir().expect("tmp");
    let (dir, home) = (d.path(), d.path().join("home"));
    station(
        &home,
        dir,
        &[
            ("sup", "supervisor"),
            ("sup2", "supervisor"),
            ("luz", "officer"),
        ],
    );
    ok(&enroll_staff(
        &home,
        dir,
        "sup",
        "luz",
        &folder(dir, "a", &["101_1.png"]),
    ));
    ok(&enroll_staff(
        &home,
        dir,
        "sup2",
        "sup",
        &folder(dir, "b", &["102_1.png"]),
    ));
    let file = |user: &str, kind: &str, reason: &str| {
        let out = ok(&as_user(
            &home,
            dir,
            user,
            &[
                "attendance",
                "justify",
                "--kind",
                kind,
                "--date",
                "2026-12-01",
                "--reason",
                reason,
            ],
        ));
        out.trim()
            .strip_prefix("justificación registrada: ")
            .expect("folio")
            .to_owned()
    };
    let own = file("sup", "falta", "consulta médica");
    let luz = file("luz", "retardo", "tráfico");

    let t = support::Tmux::start(&format!(
        "exec env HUELLA_KDF_LOG_N=12 {} --home {} console --justifications --user sup",
        env!("CARGO_BIN_EXE_huella"),
        home.display()
    ));
    t.wait_for("Contraseña:");
    t.text(&format!("{PASS}-sup"));
    t.keys(&["Enter"]);
    let screen = t.wait_for(&format!("{own}  sup  falta  2026-12-01  consulta médica"));
    assert!(screen.contains(&format!("{luz}  luz  retardo")), "{screen}");
    // Both are listed (same second: the folio orders them); choose with the arrows.
    let choose = |folio: &str| {
        t.keys(&["Up", "Up"]);
        // Once the arrows took effect the first row is marked; the folio is there or next.
        let first_row = |s: &str| {
            s.lines()
                .find(|l| l.contains(&own) || l.contains(&luz))
                .map(str::to_owned)
                .unwrap_or_default()
        };
        let mut first = first_row(&t.screen());
        for _ in 0..1800 {
            if first.trim_start().starts_with('>') {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            first = first_row(&t.screen());
        }
        assert!(first.trim_start().starts_with('>'), "{}", t.screen());
        if !first.contains(folio) {
            t.keys(&["Down"]);
        }
        t.wait_for(&format!("> {folio}"));
    };
    // Their own: refused on the screen, still pending.
    choose(&own);
    t.keys(&["a"]);
    t.wait_for("nadie decide su propia justificación");
    choose(&luz);
    t.keys(&["r"]);
    t.wait_for("Motivo del rechazo:");
    t.text("sin comprobante");
    t.keys(&["Enter"]);
    let screen = t.wait_for(&format!("justificación rechazada: {luz} (luz)"));
    assert!(
        !screen.contains(&format!("{luz}  luz  retardo")),
        "{screen}"
    );
    t.keys(&["C-q"]);
    support::wait_exit(&t);

    let queue = ok(&as_user(&home, dir, "sup2", &["attendance", "queue"]));
    assert!(queue.contains(&own) && !queue.contains(&luz), "{queue}");
}
