//! What the tests that drive the real binary share: running `huella` on a station home,
//! checking its exit, a hub process on loopback, and importing / finding a few synthetic
//! people as the station's administrator. It must not hold any test's assertions about sync.

// Each test binary compiles this module and uses a part of it.
#![allow(dead_code)]

use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// Runs the binary on `home` (credentials sealed at scrypt 2^12 to keep tests quick).
pub fn huella(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_huella"))
        .env("HUELLA_KDF_LOG_N", "12")
        .env_remove("HUELLA_HOME")
        .arg("--home")
        .arg(home)
        .args(args)
        .output()
        .expect("run huella")
}

/// Stdout of a run that must have succeeded (the failure shows both streams).
pub fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\n{}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A path as the `&str` a command line wants.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf8")
}

/// Runs `args` as the station's administrator `admin`.
pub fn admin(home: &Path, pass: &Path, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--as", "admin", "--passphrase-file", s(pass)]);
    huella(home, &all)
}

/// A running `huella hub`; killed when dropped.
pub struct Hub(Child);

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Hub {
    /// The hub process id (to read its memory use).
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

/// Starts a hub on a free loopback port trusting `roster`; returns it and its URL.
pub fn start_hub(home: &Path, roster: &Path) -> (Hub, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_huella"))
        .arg("--home")
        .arg(home)
        .args(["hub", "--listen", "127.0.0.1:0", "--trust"])
        .arg(roster)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn hub");
    let out = child.stdout.take().expect("stdout");
    let hub = Hub(child);
    for line in std::io::BufReader::new(out).lines() {
        let line = line.expect("line");
        if let Some(rest) = line.split("escuchando en ").nth(1) {
            let url = rest.split_whitespace().next().expect("url").to_owned();
            return (hub, url);
        }
    }
    panic!("the hub did not say where it listens");
}

/// Imports 6 synthetic people with `seed` at `home` as `admin`; returns one of their CURPs.
pub fn import(home: &Path, dir: &Path, seed: &str, pass: &Path) -> String {
    let csv = dir.join(format!("people-{seed}.csv"));
    ok(&huella(
        home,
        &[
            "sample",
            "csv",
            "--people",
            "6",
            "--seed",
            seed,
            "--out",
            s(&csv),
        ],
    ));
    ok(&admin(home, pass, &["import", s(&csv)]));
    let text = std::fs::read_to_string(&csv).expect("csv");
    text.lines()
        .nth(3)
        .and_then(|l| l.split(',').next())
        .expect("curp")
        .to_owned()
}

/// How many records `find --curp` returns at `home`.
pub fn found(home: &Path, curp: &str, pass: &Path) -> usize {
    let out = ok(&admin(home, pass, &["find", "--curp", curp, "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v.as_array().map_or(0, Vec::len)
}

/// Starts a hub on a free loopback port trusting every roster in `rosters`; returns it and
/// its URL.
pub fn start_hub_with(home: &Path, rosters: &[std::path::PathBuf]) -> (Hub, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_huella"));
    cmd.arg("--home")
        .arg(home)
        .args(["hub", "--listen", "127.0.0.1:0"]);
    for r in rosters {
        cmd.arg("--trust").arg(r);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn hub");
    let out = child.stdout.take().expect("stdout");
    let hub = Hub(child);
    for line in std::io::BufReader::new(out).lines() {
        let line = line.expect("line");
        if let Some(rest) = line.split("escuchando en ").nth(1) {
            let url = rest.split_whitespace().next().expect("url").to_owned();
            return (hub, url);
        }
    }
    panic!("the hub did not say where it listens");
}

/// A child process of the binary (a simulator or a peer server) and its first output line;
/// killed when dropped.
pub struct Running {
    child: Child,
    /// The first line it printed (`PTY /dev/pts/N`, `escuchando en ADDR`).
    pub first: String,
}

impl Running {
    /// The pty a simulator announced on its first line.
    pub fn pty(&self) -> &str {
        self.first.strip_prefix("PTY ").expect("PTY line")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary on `home` with `args` and waits for its first line.
pub fn spawn(home: &Path, args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_huella"))
        .env("HUELLA_KDF_LOG_N", "12")
        .env_remove("HUELLA_HOME")
        .arg("--home")
        .arg(home)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn huella");
    let out = child.stdout.take().expect("stdout");
    let first = std::io::BufReader::new(out)
        .lines()
        .next()
        .and_then(Result::ok)
        .expect("the first line");
    Running { child, first }
}

/// Creates station `station` of office `office` at `home`, its administrator `admin`.
pub fn init_station(home: &Path, office: &str, station: &str, pass: &Path) {
    ok(&huella(
        home,
        &[
            "init",
            "--office",
            office,
            "--station",
            station,
            "--admin",
            "admin",
            "--passphrase-file",
            s(pass),
        ],
    ));
}

/// Joins a new station `station` at `home` to the office of `from` by invite (made by
/// `from`'s `admin`); its first administrator is `new_admin`, with the same passphrase file.
pub fn join_station(
    dir: &Path,
    from: &Path,
    home: &Path,
    station: &str,
    pass: &Path,
    new_admin: &str,
) {
    let inv_pass = dir.join(format!("{station}.invite.pass"));
    std::fs::write(&inv_pass, "clave-de-la-invitacion\n").expect("invite passphrase");
    let invite = dir.join(format!("{station}.invite"));
    ok(&admin(
        from,
        pass,
        &[
            "sync",
            "invite",
            "--station",
            station,
            "--out",
            s(&invite),
            "--invite-passphrase-file",
            s(&inv_pass),
        ],
    ));
    ok(&huella(
        home,
        &[
            "init",
            "--join",
            s(&invite),
            "--invite-passphrase-file",
            s(&inv_pass),
            "--admin",
            new_admin,
            "--passphrase-file",
            s(pass),
        ],
    ));
}

/// Adds officer `user` with `role` at `home` as its `admin`, sealing their credential with the
/// passphrase in `new_pass`.
pub fn add_officer(home: &Path, pass: &Path, user: &str, role: &str, new_pass: &Path) {
    ok(&admin(
        home,
        pass,
        &[
            "officer",
            "add",
            user,
            "--role",
            role,
            "--new-passphrase-file",
            s(new_pass),
        ],
    ));
}
