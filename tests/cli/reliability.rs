//! Nothing acknowledged is lost, through the real binary: a lost acknowledgement is made
//! again, output files never replace a device, a full disk is told in Spanish and the store
//! opens once space is freed, a damaged store is moved aside (never wiped), and passphrase
//! files that are devices or FIFOs are refused instead of read forever.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::util::{Station, assert_success, sample_csv, stderr, stdout};
use crate::tmpfs::Tmpfs;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8")
}

/// Runs `cmd` and kills it if it has not ended after `limit` (a hang, not a speed check: the
/// limit is far above what the command needs); returns its output, `None` when it hung.
fn run_bounded(mut cmd: Command, limit: Duration) -> Option<Output> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            return Some(child.wait_with_output().expect("output"));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn people(st: &Station) -> u64 {
    let out = st.run(&["status", "--json"]);
    assert_success(&out);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    v["personas"].as_u64().expect("personas")
}

#[test]
fn a_lost_acknowledgement_is_made_again_and_never_written_over_a_device() {
    let st = Station::init();
    let csv = st.path("people.csv");
    sample_csv(&st, &csv, 12, 18);
    assert_success(&st.run_as_admin(&["import", s(&csv)]));
    let roster = st.path("roster");
    assert_success(&st.run_as_admin(&["sync", "roster", "export", "--out", s(&roster)]));
    let bundle = st.path("E.paquete");
    assert_success(&st.run_as_admin(&["bundle", "export", "--out", s(&bundle)]));
    let hub = st.path("hub");
    let answer = |ack: &Path| {
        Command::new(env!("CARGO_BIN_EXE_huella"))
            .env_remove("HUELLA_HOME")
            .arg("--home")
            .arg(&hub)
            .args(["hub", "--trust", s(&roster), "--import-bundle", s(&bundle)])
            .arg("--ack-out")
            .arg(ack)
            .output()
            .expect("run hub")
    };
    // The stick was pulled: the folder for the acknowledgement is gone.
    let out = answer(&st.path("retirada").join("E.acuse"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Never over something that is not a regular file.
    let out = answer(Path::new("/dev/null"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no es un archivo regular"),
        "{}",
        stderr(&out)
    );
    {
        use std::os::unix::fs::FileTypeExt as _;
        let m = std::fs::metadata("/dev/null").expect("dev null");
        assert!(m.file_type().is_char_device());
    }
    // The retry is answered (not refused as a replay) and written whole.
    let ack = st.path("E.acuse");
    let out = answer(&ack);
    assert_success(&out);
    // Once the acknowledgement is durable, the same bundle is a replay.
    let out = answer(&st.path("E2.acuse"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("repetido"), "{}", stderr(&out));
    let names: Vec<String> = std::fs::read_dir(st.dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(names.is_empty(), "temporary files left: {names:?}");
    let out = st.run_as_admin(&["bundle", "import", s(&ack)]);
    assert_success(&out);
    assert!(
        stdout(&out).contains("sincronizado: enviados 12, recibidos 0"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn passphrase_files_that_are_devices_or_fifos_are_refused_not_read_forever() {
    let st = Station::init();
    let fifo = st.path("tubo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let csv = st.path("p.csv");
    sample_csv(&st, &csv, 3, 1);
    for pass in [Path::new("/dev/zero"), fifo.as_path()] {
        let cmd = st.cmd(&[
            "import",
            s(&csv),
            "--as",
            "admin",
            "--passphrase-file",
            s(pass),
        ]);
        let out = run_bounded(cmd, Duration::from_secs(60))
            .unwrap_or_else(|| panic!("reading {} as a passphrase hung", pass.display()));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("no es un archivo regular"),
            "{}",
            stderr(&out)
        );
    }
    // A CSV that is a FIFO or a device: refused too.
    for data in [Path::new("/dev/zero"), fifo.as_path()] {
        let mut cmd = st.cmd(&["import", s(data), "--as", "admin", "--passphrase-file"]);
        cmd.arg(&st.admin_pass);
        let out = run_bounded(cmd, Duration::from_secs(60))
            .unwrap_or_else(|| panic!("importing {} hung", data.display()));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("no es un archivo regular"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(people(&st), 0);
}

/// Output streams carry no raw OS error text and no English I/O message.
fn assert_no_raw_io_text(o: &Output) {
    let all = format!("{}{}", stdout(o), stderr(o));
    for raw in ["os error", "Os {", "IO error", "No space left"] {
        assert!(!all.contains(raw), "raw I/O text {raw:?} in: {all}");
    }
}

#[test]
fn a_full_disk_is_told_in_spanish_and_the_store_opens_once_space_is_freed() {
    let dir = tempfile::tempdir().expect("tmp");
    let Some(disk) = Tmpfs::mount(&dir.path().join("m"), "12m") else {
        eprintln!("mount -t tmpfs refused (not root?): full-disk test not run");
        return;
    };
    let admin_pass = dir.path().join("admin.pass");
    std::fs::write(&admin_pass, "clave-de-prueba-admin\n").expect("pass");
    let st = Station {
        home: disk.0.join("home"),
        dir,
        admin_pass,
    };
    assert_success(&st.run(&[
        "init",
        "--office",
        "0901",
        "--station",
        "LLENA",
        "--admin",
        "admin",
        "--passphrase-file",
        s(&st.admin_pass),
    ]));
    // ~5 KB of store per person here: 4,000 people do not fit in 12 MB.
    let total: u64 = 4000;
    let csv = st.path("big.csv");
    sample_csv(&st, &csv, total, 28);
    let out = st.run_as_admin(&["import", s(&csv)]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("no queda espacio en el disco"),
        "{}",
        stderr(&out)
    );
    assert_no_raw_io_text(&out);
    // Reading while the disk is still full: it works, or it says so in Spanish.
    let out = st.run(&["status"]);
    assert_no_raw_io_text(&out);
    // What sled can leave after a full disk: a zero-byte unfinished snapshot, newer than
    // every finished one (sled would read it and report corrupt data forever).
    let store = st.home.join("almacen");
    let leftover = store.join("snap.FFFFFFFFFFFFFFFF.generating");
    std::fs::write(&leftover, b"").expect("leftover");
    disk.resize("48m");
    let stored = people(&st);
    assert!(
        !leftover.exists(),
        "the unfinished snapshot was not set aside"
    );
    assert!(stored > 0 && stored < total, "{stored}");
    assert_eq!(
        stored % huella::workflows::import::BATCH_ROWS as u64,
        0,
        "a partial batch was stored: {stored}"
    );
    assert_success(&st.run(&["audit", "verify"]));
    let out = st.run_as_admin(&["import", s(&csv)]);
    assert_success(&out);
    assert!(
        stdout(&out).contains(&format!(
            "importados: {}, rechazados: 0, ya existentes: {stored}",
            total - stored
        )),
        "{}",
        stdout(&out)
    );
    assert_eq!(people(&st), total);
    assert_success(&st.run(&["audit", "verify"]));
}

#[test]
fn a_damaged_store_is_moved_aside_and_never_opened_short() {
    let st = Station::init();
    let csv = st.path("people.csv");
    sample_csv(&st, &csv, 300, 7);
    assert_success(&st.run_as_admin(&["import", s(&csv)]));
    let store = st.home.join("almacen");
    let pristine = st.path("pristine");
    std::fs::rename(&store, &pristine).expect("keep a pristine copy");
    let len = std::fs::metadata(pristine.join("db")).expect("db").len();
    let mut moved = 0;
    // Four bytes flipped near the start, and at a quarter, half and three quarters in.
    for at in [100, len / 4, len / 2, len * 3 / 4] {
        let _ = std::fs::remove_dir_all(&store);
        let copied = Command::new("cp")
            .args(["-a", s(&pristine), s(&store)])
            .status()
            .expect("cp");
        assert!(copied.success());
        let db = store.join("db");
        let mut bytes = std::fs::read(&db).expect("db");
        for b in &mut bytes[at as usize..at as usize + 4] {
            *b ^= 0x55;
        }
        std::fs::write(&db, &bytes).expect("flip");
        let out = run_bounded(st.cmd(&["status", "--json"]), Duration::from_secs(120))
            .unwrap_or_else(|| panic!("status spun on a store flipped at {at}"));
        if out.status.success() {
            // Opened: then it must hold everyone (never silently cut short).
            let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
            assert_eq!(v["personas"].as_u64(), Some(300), "flipped at {at}");
            continue;
        }
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("dañado"), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("se apartó sin borrar nada"),
            "{}",
            stderr(&out)
        );
        assert_no_raw_io_text(&out);
        assert!(!store.exists(), "the damaged store was left in place");
        let aside: Vec<_> = std::fs::read_dir(&st.home)
            .expect("home")
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("almacen.dañado-")
            })
            .collect();
        assert_eq!(aside.len(), moved + 1, "flipped at {at}");
        moved += 1;
        // Nothing was wiped: the files are all still there.
        for e in aside {
            assert!(e.path().join("db").exists());
            assert!(e.path().join("conf").exists());
        }
        // The station then says there is no store, rather than starting an empty one.
        let out = st.run(&["status"]);
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    }
    assert!(moved > 0, "no flip was detected");
}

/// Runs `args` under `strace -f -y` (every fd shown with its path) and returns the trace of
/// writes, fsyncs and renames; `None` when strace is missing (`.ci/run` installs it).
fn traced(st: &Station, args: &[&str]) -> Option<(Output, Vec<String>)> {
    let trace = st.path(&format!("strace-{}.txt", args[0]));
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-y", "-qq", "-o", s(&trace)])
        .args([
            "-e",
            "trace=pwrite64,write,fsync,fdatasync,rename,renameat,renameat2",
        ])
        .arg(env!("CARGO_BIN_EXE_huella"))
        .env("HUELLA_KDF_LOG_N", super::util::TEST_KDF)
        .env_remove("HUELLA_HOME")
        .arg("--home")
        .arg(&st.home)
        .args(args);
    let out = cmd.output().ok()?;
    if !trace.exists() {
        return None;
    }
    let lines = std::fs::read_to_string(&trace)
        .expect("trace")
        .lines()
        .map(str::to_owned)
        .collect();
    Some((out, lines))
}

/// In `lines`, before the first line matching `promise`: after the last write to
/// `<dir>/db`, both the database file and `dir` itself were fsynced.
fn assert_durable_before(lines: &[String], dir: &Path, promise: &str) {
    let db = format!("{}/db>", dir.display());
    // `<dir>` and not `<dir>)`: under load strace splits a syscall that another thread
    // interrupts (`fsync(5</dir> <unfinished ...>`).
    let dir_fd = format!("<{}>", dir.display());
    let told = lines
        .iter()
        .position(|l| l.contains(promise))
        .unwrap_or_else(|| panic!("{promise:?} not in the trace"));
    let last_write = lines[..told]
        .iter()
        .rposition(|l| l.contains("pwrite64(") && l.contains(&db))
        .unwrap_or_else(|| panic!("no write to {db} before {promise:?}"));
    let after = &lines[last_write..told];
    assert!(
        after
            .iter()
            .any(|l| l.contains("fsync(") && l.contains(&db)),
        "{db} not fsynced between its last write and {promise:?}:\n{}",
        after.join("\n")
    );
    assert!(
        after
            .iter()
            .any(|l| l.contains("fsync(") && l.contains(&dir_fd)),
        "{} not fsynced before {promise:?}:\n{}",
        dir.display(),
        after.join("\n")
    );
}

#[test]
fn everything_told_saved_was_fsynced_first() {
    let st = Station::init();
    let csv = st.path("people.csv");
    sample_csv(&st, &csv, 600, 11);
    let pass = s(&st.admin_pass).to_owned();
    let who = ["--as", "admin", "--passphrase-file", pass.as_str()];
    let mut args = vec!["import", s(&csv)];
    args.extend(who);
    let Some((out, lines)) = traced(&st, &args) else {
        eprintln!("strace missing: syscall-order test not run");
        return;
    };
    assert_success(&out);
    assert_durable_before(&lines, &st.home.join("almacen"), "write(1<");
    // The hub answering a bundle: its store is durable before the acknowledgement exists,
    // and the acknowledgement is fsynced before it is renamed into place.
    let roster = st.path("roster");
    let mut args = vec!["sync", "roster", "export", "--out", s(&roster)];
    args.extend(who);
    assert_success(&st.run(&args));
    let bundle = st.path("E.paquete");
    let mut args = vec!["bundle", "export", "--out", s(&bundle)];
    args.extend(who);
    assert_success(&st.run(&args));
    let hub = Station {
        dir: tempfile::tempdir().expect("tmp"),
        home: st.path("hub"),
        admin_pass: st.admin_pass.clone(),
    };
    let ack = st.path("E.acuse");
    let (out, lines) = traced(
        &hub,
        &[
            "hub",
            "--trust",
            s(&roster),
            "--import-bundle",
            s(&bundle),
            "--ack-out",
            s(&ack),
        ],
    )
    .expect("strace ran above");
    assert_success(&out);
    let renamed = format!("\"{}\"", ack.display());
    assert_durable_before(&lines, &hub.home.join("hub"), &renamed);
    let rename = lines
        .iter()
        .position(|l| l.contains("rename") && l.contains(&renamed))
        .expect("rename");
    assert!(
        lines[..rename]
            .iter()
            .rev()
            .take_while(|l| !l.contains("pwrite64(") && !l.contains("write("))
            .any(|l| l.contains("fsync(") && l.contains("E.acuse.")),
        "the acknowledgement was not fsynced before its rename"
    );
    assert!(
        lines[rename..]
            .iter()
            .any(|l| l.contains("fsync(") && l.contains(&format!("{}>)", st.dir.path().display()))),
        "the acknowledgement's folder was not fsynced after the rename"
    );
}

#[test]
fn a_backup_restores_on_a_fresh_home_with_the_same_people_and_audit() {
    let st = Station::init();
    let csv = st.path("people.csv");
    let lines = sample_csv(&st, &csv, 12, 31);
    assert_success(&st.run_as_admin(&["import", s(&csv)]));
    // The console's pointer to an officer's open draft (a record id) travels too.
    let drafts = st.home.join("borradores");
    std::fs::create_dir_all(&drafts).expect("drafts");
    std::fs::write(drafts.join("admin"), "00112233445566778899aabbccddeeff").expect("draft");
    let file = st.path("estacion.respaldo");
    let out = st.run_as_admin(&["backup", "--out", s(&file)]);
    assert_success(&out);
    assert!(stdout(&out).contains("12 personas"), "{}", stdout(&out));
    let out = st.run_as_admin(&["backup", "--out", "/dev/null"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // No personal data in the clear in the backup.
    let curp = lines[1].split(',').next().expect("curp").to_owned();
    let bytes = std::fs::read(&file).expect("backup");
    assert!(!bytes.windows(curp.len()).any(|w| w == curp.as_bytes()));

    let other = Station {
        dir: tempfile::tempdir().expect("tmp"),
        home: st.path("otra-maquina"),
        admin_pass: st.admin_pass.clone(),
    };
    // A damaged backup restores nothing.
    let mut bad = bytes.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 1;
    let damaged = st.path("danado.respaldo");
    std::fs::write(&damaged, &bad).expect("write");
    let out = other.run_as_admin(&["restore", s(&damaged)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("dañado"), "{}", stderr(&out));
    assert!(!other.home.join("almacen").exists());

    let out = other.run_as_admin(&["restore", s(&file)]);
    assert_success(&out);
    assert!(stdout(&out).contains("12 personas"), "{}", stdout(&out));
    assert_eq!(people(&other), 12);
    assert_eq!(
        std::fs::read_to_string(other.home.join("borradores").join("admin")).expect("draft"),
        "00112233445566778899aabbccddeeff"
    );
    let out = other.run(&["audit", "verify"]);
    assert_success(&out);
    let before = st.run(&["audit", "verify"]);
    assert_eq!(stdout(&out), stdout(&before), "same audit chain");
    let out = other.run_as_admin(&["find", "--curp", &curp, "--json"]);
    assert_success(&out);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    // Never over an existing station.
    let out = other.run_as_admin(&["restore", s(&file)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_dead_stations_unsynced_records_are_recovered_into_a_live_one() {
    let a = Station::init();
    let inv_pass = a.path("inv.pass");
    std::fs::write(&inv_pass, "clave-de-la-invitacion\n").expect("pass");
    let invite = a.path("b.invitacion");
    assert_success(&a.run_as_admin(&[
        "sync",
        "invite",
        "--station",
        "B",
        "--out",
        s(&invite),
        "--invite-passphrase-file",
        s(&inv_pass),
    ]));
    let b = Station {
        dir: tempfile::tempdir().expect("tmp"),
        home: a.path("b"),
        admin_pass: a.admin_pass.clone(),
    };
    assert_success(&b.run(&[
        "init",
        "--join",
        s(&invite),
        "--invite-passphrase-file",
        s(&inv_pass),
        "--admin",
        "admin",
        "--passphrase-file",
        s(&b.admin_pass),
    ]));
    // A enrols offline, makes a backup, and dies before any sync.
    let csv = a.path("people.csv");
    let lines = sample_csv(&a, &csv, 12, 41);
    assert_success(&a.run_as_admin(&["import", s(&csv)]));
    let file = a.path("a.respaldo");
    assert_success(&a.run_as_admin(&["backup", "--out", s(&file)]));
    let before = super::util::all_files(&a.home);
    let out = b.run_as_admin(&["recover", "--from", s(&a.home)]);
    assert_success(&out);
    assert!(
        stdout(&out).contains("12 registros (12 nuevos, 0 combinados)"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        super::util::all_files(&a.home),
        before,
        "the dead station was written"
    );
    assert_eq!(people(&b), 12);
    let curp = lines[5].split(',').next().expect("curp");
    let out = b.run_as_admin(&["find", "--curp", curp, "--json"]);
    assert_success(&out);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    assert_success(&b.run(&["audit", "verify"]));
    // The backup brings the same records: nothing new the second time.
    let out = b.run_as_admin(&["recover", "--from", s(&file)]);
    assert_success(&out);
    assert!(
        stdout(&out).contains("12 registros (0 nuevos, 0 combinados)"),
        "{}",
        stdout(&out)
    );
    assert_eq!(people(&b), 12);
    // A station with another office key (a different office 0901 made by its own init)
    // cannot open them: refused, nothing merged.
    let other = Station::init();
    let out = other.run_as_admin(&["recover", "--from", s(&a.home)]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
}

#[test]
fn init_over_a_home_an_interrupted_init_left_sets_its_store_aside_and_starts_again() {
    let dir = tempfile::tempdir().expect("tmp");
    let home = dir.path().join("home");
    // What a power cut before the administrator's credential leaves: the folders and a store.
    std::fs::create_dir_all(home.join("credenciales")).expect("folder");
    std::fs::create_dir_all(home.join("almacen")).expect("folder");
    std::fs::write(home.join("almacen").join("db"), b"a medias").expect("db");
    let pass = dir.path().join("admin.pass");
    std::fs::write(&pass, "clave-de-prueba-admin\n").expect("pass");
    let st = Station {
        dir,
        home: home.clone(),
        admin_pass: pass,
    };
    let init = |st: &Station| {
        st.run(&[
            "init",
            "--office",
            "0901",
            "--station",
            "PRUEBA-1",
            "--admin",
            "admin",
            "--passphrase-file",
            s(&st.admin_pass),
        ])
    };
    assert_success(&init(&st));
    let aside: Vec<String> = std::fs::read_dir(&home)
        .expect("home")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("almacen.incompleto-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        std::fs::read(home.join(&aside[0]).join("db")).expect("kept"),
        b"a medias"
    );
    assert_eq!(people(&st), 0);
    assert_success(&st.run(&["audit", "verify"]));
    // A finished station is never set aside.
    let again = init(&st);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(stderr(&again).contains("ya existe"), "{}", stderr(&again));
}
