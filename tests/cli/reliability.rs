//! Nothing acknowledged is lost, through the real binary: a lost acknowledgement is made
//! again, output files never replace a device, a full disk is told in Spanish and the store
//! opens once space is freed, a damaged store is moved aside (never wiped), and passphrase
//! files that are devices or FIFOs are refused instead of read forever.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::util::{Station, assert_success, sample_csv, stderr, stdout};

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
