//! A throwaway station home and a way to run the real binary against it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The scrypt cost tests use for credential files (cheap; production uses 2^17).
pub const TEST_KDF: &str = "12";

/// A station home in a temp dir, with an admin created by `huella init`.
pub struct Station {
    pub dir: tempfile::TempDir,
    pub home: PathBuf,
    pub admin_pass: PathBuf,
}

impl Station {
    /// Runs `huella init` in a fresh temp dir.
    pub fn init() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().join("home");
        let admin_pass = dir.path().join("admin.pass");
        std::fs::write(&admin_pass, "clave-de-prueba-admin\n").expect("write pass");
        let st = Station {
            dir,
            home,
            admin_pass,
        };
        let out = st.run(&[
            "init",
            "--office",
            "0901",
            "--station",
            "PRUEBA-1",
            "--admin",
            "admin",
            "--passphrase-file",
            st.admin_pass.to_str().expect("utf8"),
        ]);
        assert_success(&out);
        st
    }

    /// A command for the binary with `--home` set.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_huella"));
        c.env("HUELLA_KDF_LOG_N", TEST_KDF)
            .env_remove("HUELLA_HOME")
            .arg("--home")
            .arg(&self.home)
            .args(args);
        c
    }

    /// Runs the binary to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run huella")
    }

    /// Runs a command as the admin (`--as admin --passphrase-file …`).
    pub fn run_as_admin(&self, args: &[&str]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--as", "admin", "--passphrase-file"]);
        all.push(self.admin_pass.to_str().expect("utf8"));
        self.run(&all)
    }

    /// A path inside the temp dir.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Panics with both streams unless the command succeeded.
pub fn assert_success(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
}

/// Writes a CSV of `n` synthetic people (seed, start) with the binary itself; returns lines.
pub fn sample_csv(st: &Station, path: &Path, n: u64, seed: u64) -> Vec<String> {
    let out = st.run(&[
        "sample",
        "csv",
        "--people",
        &n.to_string(),
        "--seed",
        &seed.to_string(),
        "--out",
        path.to_str().expect("utf8"),
    ]);
    assert_success(&out);
    std::fs::read_to_string(path)
        .expect("read csv")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Every byte of every file under `dir`, file by file.
pub fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push((p, bytes));
            }
        }
    }
    out
}

/// Panics unless the command failed as a user error (exit 1) whose stderr contains `text`.
pub fn assert_user_error(o: &Output, text: &str) {
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(o));
    assert!(
        stderr(o).contains(text),
        "expected {text:?} in: {}",
        stderr(o)
    );
}
