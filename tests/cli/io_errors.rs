//! An I/O error at any write leaves the store consistent and the officer told, in Spanish.
//! The error layer is the kernel boundary: `strace --inject` makes one chosen syscall (sled's
//! `pwrite64` to its log, an `fsync` of the database file or folder, the `rename` of the
//! confirmation mark or of an acknowledgement) fail with EIO, at fixed points of an import, an
//! enrollment and a hub's bundle import, on the real binary. After each: the command either
//! succeeded (and then everything it reported is there) or said in Spanish that nothing was
//! saved half-way; the store opens, the audit chain verifies, and running the same operation
//! again completes it without duplicates.

use std::path::Path;
use std::process::{Command, Output};

use super::util::{Station, TEST_KDF, assert_success, sample_csv, stderr, stdout};

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8")
}

/// One injected failure: `syscall` on `path` fails with EIO the `when`-th time a thread makes
/// it (strace counts per thread).
struct Fault<'a> {
    syscall: &'a str,
    path: &'a Path,
    when: u64,
}

impl Fault<'_> {
    fn describe(&self) -> String {
        format!("{} #{} en {}", self.syscall, self.when, self.path.display())
    }
}

/// Runs `args` on `home` with `fault` injected; `None` when strace is missing.
fn with_fault(home: &Path, args: &[&str], fault: &Fault<'_>) -> Option<Output> {
    Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-P"])
        .arg(fault.path)
        .arg(format!("-etrace={}", fault.syscall))
        .arg(format!(
            "-einject={}:error=EIO:when={}",
            fault.syscall, fault.when
        ))
        .arg(env!("CARGO_BIN_EXE_huella"))
        .env("HUELLA_KDF_LOG_N", TEST_KDF)
        .env_remove("HUELLA_HOME")
        .arg("--home")
        .arg(home)
        .args(args)
        .output()
        .ok()
}

fn strace_works() -> bool {
    Command::new("strace")
        .args(["-qq", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// A failed command told the officer in Spanish, with no English OS or sled text.
fn assert_told_in_spanish(out: &Output, case: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{case}: {err}");
    assert!(err.contains("no se"), "{case}: {err}");
    for english in ["os error", "Input/output", "Io(", "Custom {", "panicked"] {
        assert!(!err.contains(english), "{case}: {err}");
    }
}

fn people(st: &Station) -> u64 {
    let out = st.run(&["status", "--json"]);
    assert_success(&out);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    v["personas"].as_u64().expect("personas")
}

/// The `A` of `importados: A, rechazados: R, ya existentes: E`.
fn imported(out: &Output) -> u64 {
    let text = stdout(out);
    let line = text
        .lines()
        .find(|l| l.starts_with("importados: "))
        .unwrap_or_else(|| panic!("no count line: {text}"));
    line["importados: ".len()..]
        .split(',')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .expect("count")
}

#[test]
fn an_io_error_at_any_write_of_an_import_leaves_the_store_whole() {
    if !strace_works() {
        eprintln!("strace missing: I/O error injection not run");
        return;
    }
    let st = Station::init();
    let store = st.home.join("almacen");
    let (db, mark) = (store.join("db"), store.join("huella-confirmado"));
    let faults = [
        Fault {
            syscall: "pwrite64",
            path: &db,
            when: 1,
        },
        Fault {
            syscall: "pwrite64",
            path: &db,
            when: 3,
        },
        Fault {
            syscall: "pwrite64",
            path: &db,
            when: 7,
        },
        Fault {
            syscall: "fsync",
            path: &db,
            when: 1,
        },
        Fault {
            syscall: "fsync",
            path: &db,
            when: 2,
        },
        Fault {
            syscall: "fsync",
            path: &store,
            when: 1,
        },
        Fault {
            syscall: "fsync",
            path: &store,
            when: 2,
        },
        Fault {
            syscall: "rename",
            path: &mark,
            when: 1,
        },
        Fault {
            syscall: "rename",
            path: &mark,
            when: 2,
        },
    ];
    let pass = s(&st.admin_pass).to_owned();
    let mut total = 0;
    let mut failed = 0;
    for (i, fault) in faults.iter().enumerate() {
        let case = fault.describe();
        // 700 rows: two committed batches (500 + 200).
        let csv = st.path(&format!("lote-{i}.csv"));
        sample_csv(&st, &csv, 700, 100 + i as u64);
        let args = [
            "import",
            s(&csv),
            "--as",
            "admin",
            "--passphrase-file",
            &pass,
        ];
        let out = with_fault(&st.home, &args, fault).expect("strace ran");
        let before = total;
        if out.status.success() {
            // Everything it reported is there.
            let told = imported(&out);
            assert!(people(&st) >= before + told, "{case}: reported {told}");
        } else {
            failed += 1;
            assert_told_in_spanish(&out, &case);
        }
        // The store opens, its audit verifies, and importing again completes the file once.
        let held = people(&st);
        assert!(held >= before && held <= before + 700, "{case}: {held}");
        assert_success(&st.run(&["audit", "verify"]));
        let again = st.run_as_admin(&["import", s(&csv)]);
        assert_success(&again);
        total += 700;
        assert_eq!(people(&st), total, "{case}");
        assert_eq!(imported(&again), total - held, "{case}");
    }
    assert!(failed > 0, "no injected error reached the import");
    assert_success(&st.run(&["audit", "verify"]));
}

#[test]
fn an_io_error_while_a_hub_imports_a_bundle_never_loses_its_acknowledgement() {
    if !strace_works() {
        eprintln!("strace missing: I/O error injection not run");
        return;
    }
    let st = Station::init();
    let roster = st.path("roster");
    assert_success(&st.run_as_admin(&["sync", "roster", "export", "--out", s(&roster)]));
    let bundle = st.path("E.paquete");
    let hub_home = st.path("hub");
    let hub_store = hub_home.join("hub");
    let hub_db = hub_store.join("db");
    let ack = st.path("E.acuse");
    let args = [
        "hub",
        "--trust",
        s(&roster),
        "--import-bundle",
        s(&bundle),
        "--ack-out",
        s(&ack),
    ];
    // The first two faults hit the acknowledgement; the first run also creates the hub's
    // store, so the later faults hit its files.
    let faults = [
        Fault {
            syscall: "rename",
            path: &ack,
            when: 1,
        },
        Fault {
            syscall: "fsync",
            path: st.dir.path(),
            when: 1,
        },
        Fault {
            syscall: "pwrite64",
            path: &hub_db,
            when: 1,
        },
        Fault {
            syscall: "fsync",
            path: &hub_db,
            when: 1,
        },
        Fault {
            syscall: "fsync",
            path: &hub_store,
            when: 1,
        },
    ];
    let hub = Station {
        dir: tempfile::tempdir().expect("tmp"),
        home: hub_home.clone(),
        admin_pass: st.admin_pass.clone(),
    };
    let mut failed = 0;
    for (i, fault) in faults.iter().enumerate() {
        let case = fault.describe();
        // Each round: new people, a new bundle (an answered one is a replay).
        let csv = st.path(&format!("lote-{i}.csv"));
        sample_csv(&st, &csv, 40, 21 + i as u64);
        assert_success(&st.run_as_admin(&["import", s(&csv)]));
        assert_success(&st.run_as_admin(&["bundle", "export", "--out", s(&bundle)]));
        let _ = std::fs::remove_file(&ack);
        let out = with_fault(&hub.home, &args, fault).expect("strace ran");
        if out.status.success() {
            assert!(ack.is_file(), "{case}: success without an acknowledgement");
        } else {
            failed += 1;
            assert_told_in_spanish(&out, &case);
            // The lost acknowledgement is made again on the next run, never refused as a replay.
            let again = hub.cmd(&args).output().expect("hub");
            assert_success(&again);
            assert!(ack.is_file(), "{case}: the retry wrote no acknowledgement");
        }
        // The station accepts the acknowledgement: the hub answered for what it holds.
        assert_success(&st.run_as_admin(&["bundle", "import", s(&ack)]));
    }
    assert!(failed > 0, "no injected error reached the bundle import");
}

/// A running simulator on a pseudo-terminal; killed when dropped.
struct Sim(std::process::Child, String);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_sim(st: &Station, args: &[&str]) -> Sim {
    use std::io::BufRead as _;
    let mut child = st
        .cmd(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn sim");
    let out = child.stdout.take().expect("stdout");
    let line = std::io::BufReader::new(out)
        .lines()
        .next()
        .and_then(Result::ok)
        .expect("the simulator's first line");
    let pty = line.strip_prefix("PTY ").expect("PTY line").to_owned();
    Sim(child, pty)
}

#[test]
fn an_io_error_while_an_enrollment_is_saved_leaves_it_whole_or_to_redo() {
    if !strace_works() {
        eprintln!("strace missing: I/O error injection not run");
        return;
    }
    let st = Station::init();
    let ana = st.path("ana.pass");
    std::fs::write(&ana, "clave-de-ana-2026\n").expect("pass");
    assert_success(&st.run_as_admin(&[
        "officer",
        "add",
        "ana",
        "--role",
        "officer",
        "--new-passphrase-file",
        s(&ana),
    ]));
    let csv = st.path("people.csv");
    let lines = sample_csv(&st, &csv, 3, 41);
    assert_success(&st.run_as_admin(&["import", s(&csv)]));
    let scanner = start_sim(&st, &["sim", "scanner", "--synthetic", "7", "--unpaced"]);
    let camera = start_sim(&st, &["sim", "camera", "--unpaced"]);
    let store = st.home.join("almacen");
    let (db, mark) = (store.join("db"), store.join("huella-confirmado"));
    let faults = [
        Fault {
            syscall: "fsync",
            path: &db,
            when: 2,
        },
        Fault {
            syscall: "pwrite64",
            path: &db,
            when: 2,
        },
        Fault {
            syscall: "rename",
            path: &mark,
            when: 2,
        },
    ];
    let status = |curp: &str| {
        let o = st.run_as_admin(&["find", "--curp", curp, "--json"]);
        assert_success(&o);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
        v[0]["estado_biometrico"]
            .as_str()
            .expect("status")
            .to_owned()
    };
    let mut failed = 0;
    for (i, fault) in faults.iter().enumerate() {
        let case = fault.describe();
        let curp = lines[i + 1].split(',').next().expect("curp").to_owned();
        let args = [
            "enroll",
            "--curp",
            curp.as_str(),
            "--scanner",
            scanner.1.as_str(),
            "--camera",
            camera.1.as_str(),
            "--consent",
            "--as",
            "ana",
            "--passphrase-file",
            s(&ana),
        ];
        let out = with_fault(&st.home, &args, fault).expect("strace ran");
        if out.status.success() {
            assert_eq!(status(&curp), "capturado", "{case}: told saved");
        } else {
            failed += 1;
            assert_told_in_spanish(&out, &case);
            // Saved whole, or still to capture: the same enrollment again completes it.
            if status(&curp) != "capturado" {
                assert_success(&st.run(&args));
                assert_eq!(status(&curp), "capturado", "{case}");
            }
        }
        assert_success(&st.run(&["audit", "verify"]));
    }
    assert!(failed > 0, "no injected error reached the enrollment");
}
