//! A PostgreSQL database of its own for one test (the server `.ci/postgres start` runs, named by
//! `HUELLA_PG_URL`), dropped with its connections at the end; and `psql` for one statement.
//! It must not hold any test's assertions about hubs or the search.

#![allow(dead_code)]

use std::io::Read;
use std::process::Command;

/// The server's URL for administration (`CREATE DATABASE`).
pub fn admin_url() -> String {
    std::env::var("HUELLA_PG_URL")
        .expect("HUELLA_PG_URL (run `.ci/postgres start`; see docs/central.md)")
}

/// Runs one SQL statement with `psql` at `url`; returns its unaligned output.
pub fn psql(url: &str, sql: &str) -> String {
    let o = Command::new("psql")
        .args([
            "-X",
            "-A",
            "-t",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            url,
            "-c",
            sql,
        ])
        .output()
        .expect("run psql");
    assert!(
        o.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// A database of its own for one test, dropped (with its connections) at the end.
pub struct Database {
    /// The administration URL it was created from.
    pub admin: String,
    /// Its name (`t_<random>`).
    pub name: String,
    /// Its URL.
    pub url: String,
}

impl Database {
    /// Creates it on the server of `HUELLA_PG_URL`.
    pub fn create() -> Self {
        let admin = admin_url();
        let mut b = [0u8; 8];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut b))
            .expect("urandom");
        let name = format!("t_{:016x}", u64::from_le_bytes(b));
        psql(&admin, &format!("CREATE DATABASE {name}"));
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        Database { admin, name, url }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args(["-X", "-q", &self.admin, "-c"])
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .output();
    }
}
