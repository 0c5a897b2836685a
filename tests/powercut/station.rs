//! A station home on the power-cut layer and the checks every scenario makes after a cut:
//! the store opens, the audit chain verifies, a person is findable. It owns how the binary is
//! invoked on the mount; it must not cut (that is `mount.rs`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The passphrase file content of every officer of these tests.
pub const PASS: &str = "clave-de-prueba-corte\n";

/// A station home on the mount and the passphrase file (off the mount) of its `admin`.
pub struct Home {
    /// The home folder (on the mount).
    pub home: PathBuf,
    /// The administrator's passphrase file (on an ordinary disk).
    pub pass: PathBuf,
}

impl Home {
    /// The binary with `--home` on this home and `args`.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_huella"));
        c.env("HUELLA_KDF_LOG_N", "12")
            .env_remove("HUELLA_HOME")
            .arg("--home")
            .arg(&self.home)
            .args(args);
        c
    }

    /// The same, as the administrator.
    pub fn admin_cmd(&self, args: &[&str]) -> Command {
        let mut c = self.cmd(args);
        c.args(["--as", "admin", "--passphrase-file"])
            .arg(&self.pass);
        c
    }

    /// Runs `args` to its end (no cut armed).
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run huella")
    }

    /// Runs `args` as the administrator to its end.
    pub fn admin(&self, args: &[&str]) -> Output {
        self.admin_cmd(args).output().expect("run huella")
    }

    /// The store opens: `status` succeeds; returns how many people it holds.
    pub fn people(&self, case: &str) -> u64 {
        let out = self.run(&["status", "--json"]);
        assert!(
            out.status.success(),
            "{case}: the store does not open: {}",
            text(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("json");
        v["personas"].as_u64().expect("personas")
    }

    /// The audit chain verifies.
    pub fn audit_verifies(&self, case: &str) {
        let out = self.run(&["audit", "verify"]);
        assert!(
            out.status.success(),
            "{case}: audit verify: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }

    /// The records `find --curp` returns (as the administrator); `case` names the cut point
    /// when it fails.
    pub fn find(&self, curp: &str, case: &str) -> Vec<serde_json::Value> {
        let out = self.admin(&["find", "--curp", curp, "--json"]);
        assert!(
            out.status.success(),
            "{case}: find --curp {curp}: {}",
            text(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("json");
        v.as_array().cloned().unwrap_or_default()
    }
}

/// Bytes as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Writes `PASS` to `dir/admin.pass` and returns its path.
pub fn pass_file(dir: &Path) -> PathBuf {
    let p = dir.join("admin.pass");
    std::fs::write(&p, PASS).expect("pass");
    p
}

/// The CURPs of a sample CSV (its first column, header skipped).
pub fn curps(csv: &Path) -> Vec<String> {
    std::fs::read_to_string(csv)
        .expect("csv")
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next().map(str::to_owned))
        .collect()
}

/// The `N` of `prefix N` in `out` (e.g. `importados: N`), if the line was printed.
pub fn count_after(out: &str, prefix: &str) -> Option<u64> {
    let rest = out.split(prefix).nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}
