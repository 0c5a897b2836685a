//! Every file the station writes outside sled is written whole and durably: credential files
//! (an officer added) and the station policy each go to a unique temporary name beside the
//! target, are fsynced, renamed, and their folder fsynced. Checked on the real binary's
//! syscalls with `strace -f -y`.

use std::path::Path;
use std::process::{Command, Output};

use super::util::{Station, TEST_KDF, assert_success};

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8")
}

/// Runs `args` under strace; `None` when strace is missing (`.ci/run` installs it).
fn traced(st: &Station, name: &str, args: &[&str]) -> Option<(Output, Vec<String>)> {
    let trace = st.path(&format!("strace-{name}.txt"));
    let out = Command::new("strace")
        .args(["-f", "-y", "-qq", "-o", s(&trace)])
        .args([
            "-e",
            "trace=openat,write,fsync,fdatasync,rename,renameat,renameat2",
        ])
        .arg(env!("CARGO_BIN_EXE_huella"))
        .env("HUELLA_KDF_LOG_N", TEST_KDF)
        .env_remove("HUELLA_HOME")
        .arg("--home")
        .arg(&st.home)
        .args(args)
        .output()
        .ok()?;
    let text = std::fs::read_to_string(&trace).ok()?;
    Some((out, text.lines().map(str::to_owned).collect()))
}

/// `target` was renamed into place from a hidden temporary beside it that was fsynced first,
/// and its folder was fsynced after the rename.
fn assert_written_durably(lines: &[String], target: &Path) {
    let name = target.file_name().expect("name").to_string_lossy();
    let dir = target.parent().expect("folder");
    let into = format!("\"{}\"", target.display());
    let rename = lines
        .iter()
        .rposition(|l| l.contains("rename") && l.contains(&into))
        .unwrap_or_else(|| panic!("{} was not renamed into place", target.display()));
    let temporary = format!("{}/.{name}.", dir.display());
    assert!(
        lines[rename].contains(&temporary),
        "not from a unique hidden temporary beside it: {}",
        lines[rename]
    );
    assert!(
        lines[..rename]
            .iter()
            .any(|l| l.starts_with(|c: char| c.is_ascii_digit())
                && l.contains("fsync(")
                && l.contains(&temporary)),
        "{} not fsynced before its rename",
        target.display()
    );
    // `<dir>` and not `<dir>)`: under load strace splits a syscall that another thread
    // interrupts (`fsync(5</dir> <unfinished ...>`).
    let dir_fd = format!("<{}>", dir.display());
    assert!(
        lines[rename..]
            .iter()
            .any(|l| l.contains("fsync(") && l.contains(&dir_fd)),
        "{}'s folder not fsynced after the rename",
        target.display()
    );
}

fn no_old_style_temporaries(dir: &Path) {
    for e in std::fs::read_dir(dir).expect("folder").flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        assert!(!n.ends_with(".tmp"), "temporary left behind: {n}");
    }
}

#[test]
fn credentials_and_policy_are_written_whole_and_fsynced() {
    let st = Station::init();
    let new_pass = st.path("ana.pass");
    std::fs::write(&new_pass, "clave-de-ana-123\n").expect("pass");
    let admin = s(&st.admin_pass).to_owned();
    let Some((out, lines)) = traced(
        &st,
        "officer",
        &[
            "officer",
            "add",
            "ana",
            "--role",
            "officer",
            "--new-passphrase-file",
            s(&new_pass),
            "--as",
            "admin",
            "--passphrase-file",
            &admin,
        ],
    ) else {
        eprintln!("strace missing: durable-write test not run");
        return;
    };
    assert_success(&out);
    let cred = st.home.join("credenciales").join("ana.age");
    assert_written_durably(&lines, &cred);
    no_old_style_temporaries(&st.home.join("credenciales"));
    // The new credential opens.
    assert_success(&st.run(&[
        "sync",
        "roster",
        "show",
        "--as",
        "ana",
        "--passphrase-file",
        s(&new_pass),
    ]));

    let (out, lines) = traced(
        &st,
        "policy",
        &[
            "policy",
            "set",
            "--approval-without-finger",
            "true",
            "--as",
            "admin",
            "--passphrase-file",
            &admin,
        ],
    )
    .expect("strace ran above");
    assert_success(&out);
    assert_written_durably(&lines, &st.home.join("politica.json"));

    no_old_style_temporaries(&st.home);
}
