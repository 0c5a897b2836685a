//! Hubs sharing one PostgreSQL (feature `postgres`; needs `HUELLA_PG_URL`, e.g. the primary
//! `.ci/postgres start` runs): two stations of two offices sync through two hub processes on
//! one database; one hub is killed (SIGKILL) while a push goes through it and the push is
//! finished through the other; a new station of the first office then receives every record;
//! a request captured on its way to the first hub is refused by the second (shared replay
//! cache); a `pg_dump` holds no plaintext CURP, NSS, RFC or name; the streaming replica has
//! the records. Each test works in its own database, dropped at the end.
#![cfg(feature = "postgres")]

mod common;
#[path = "common/pg.rs"]
mod pg;

use std::io::{BufRead, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use common::{huella, ok, s};
use pg::{Database, psql};

/// The same database on the streaming replica (port + 1, or `HUELLA_PG_REPLICA_URL`).
fn on_replica(db: &Database) -> String {
    let admin = std::env::var("HUELLA_PG_REPLICA_URL")
        .unwrap_or_else(|_| db.admin.replace(":55432", ":55433"));
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    format!("{base}/{}", db.name)
}

/// A hub process on the shared database; killed (SIGKILL) when dropped.
struct Hub {
    child: Child,
    url: String,
}

impl Hub {
    fn start(home: &Path, store: &str, rosters: &[&Path]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_huella"));
        cmd.arg("--home").arg(home);
        cmd.args(["hub", "--listen", "127.0.0.1:0", "--store", store]);
        for r in rosters {
            cmd.arg("--trust").arg(r);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn hub");
        let out = child.stdout.take().expect("stdout");
        let mut hub = Hub {
            child,
            url: String::new(),
        };
        for line in std::io::BufReader::new(out).lines() {
            let line = line.expect("line");
            if let Some(rest) = line.split("escuchando en ").nth(1) {
                hub.url = rest.split_whitespace().next().expect("url").to_owned();
                return hub;
            }
        }
        panic!("the hub did not say where it listens");
    }

    fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_owned()
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP relay in front of a hub that keeps what clients sent on each connection, so a test
/// can replay a captured request byte for byte.
fn recording_relay(target: String) -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let sent: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let log = sent.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(&target) else {
                continue;
            };
            let slot = {
                let mut l = log.lock().expect("log");
                l.push(Vec::new());
                l.len() - 1
            };
            let (mut c_read, mut s_write) = (
                client.try_clone().expect("clone"),
                server.try_clone().expect("clone"),
            );
            let (mut s_read, mut c_write) = (server, client);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s_read, &mut c_write);
                let _ = c_write.shutdown(std::net::Shutdown::Both);
            });
            let log = log.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 16 * 1024];
                while let Ok(n) = c_read.read(&mut buf) {
                    if n == 0 || s_write.write_all(&buf[..n]).is_err() {
                        break;
                    }
                    log.lock().expect("log")[slot].extend_from_slice(&buf[..n]);
                }
                let _ = s_write.shutdown(std::net::Shutdown::Both);
            });
        }
    });
    (url, sent)
}

/// The first whole HTTP request in `bytes` (head and a body of its Content-Length).
fn first_request(bytes: &[u8]) -> Option<Vec<u8>> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))?
        .trim()
        .parse()
        .ok()?;
    bytes.get(..end + length).map(<[u8]>::to_vec)
}

/// Sends raw request bytes to `addr`; returns the answer's head and body as text (read to
/// its Content-Length, since a kept-alive connection stays open).
fn send_raw(addr: &str, request: &[u8]) -> String {
    let mut tcp = TcpStream::connect(addr).expect("connect");
    tcp.write_all(request).expect("send");
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if answer.len() >= end + 4 + length {
                break;
            }
        }
        match tcp.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

/// One station home with its administrator's passphrase file.
struct Station {
    home: PathBuf,
    pass: PathBuf,
}

impl Station {
    fn admin(&self, args: &[&str]) -> std::process::Output {
        let mut all = args.to_vec();
        all.extend(["--as", "admin", "--passphrase-file", s(&self.pass)]);
        huella(&self.home, &all)
    }

    fn init(dir: &Path, office: &str, name: &str) -> Self {
        let st = Station {
            home: dir.join(name),
            pass: dir.join("pass"),
        };
        std::fs::create_dir_all(dir).expect("dir");
        std::fs::write(&st.pass, "clave-de-prueba-pg\n").expect("pass");
        ok(&huella(
            &st.home,
            &[
                "init",
                "--office",
                office,
                "--station",
                name,
                "--admin",
                "admin",
                "--passphrase-file",
                s(&st.pass),
            ],
        ));
        st
    }

    /// Imports `people` synthetic people made with `seed`; returns the CSV text.
    fn import(&self, dir: &Path, people: &str, seed: &str) -> String {
        let csv = dir.join(format!("people-{seed}.csv"));
        ok(&huella(
            &self.home,
            &[
                "sample",
                "csv",
                "--people",
                people,
                "--seed",
                seed,
                "--out",
                s(&csv),
            ],
        ));
        ok(&self.admin(&["import", s(&csv)]));
        std::fs::read_to_string(&csv).expect("csv")
    }

    fn roster(&self, dir: &Path) -> PathBuf {
        let out = dir.join(format!(
            "{}.lista",
            self.home
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("x")
        ));
        ok(&self.admin(&["sync", "roster", "export", "--out", s(&out)]));
        out
    }

    fn sync(&self, hub: &str) -> String {
        ok(&self.admin(&["sync", "--hub", hub]))
    }
}

/// Identifying values of the people in a sample CSV (CURP, NSS, RFC, names of 6+ letters).
fn personal_values(csv: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        for (i, v) in f.iter().enumerate().take(6) {
            if i < 3 || v.len() >= 6 {
                out.push((*v).to_owned());
            }
        }
    }
    out.retain(|v| !v.is_empty());
    out
}

#[test]
fn two_hubs_on_one_postgres_lose_nothing_when_one_dies_and_share_their_replay_cache() {
    let db = Database::create();
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let a = Station::init(dir, "0901", "A");
    let b = Station::init(&dir.join("b"), "0902", "B");
    let (roster_a, roster_b) = (a.roster(dir), b.roster(dir));
    let csv_a = a.import(dir, "40", "11");
    let csv_b = b.import(dir, "6", "12");

    let hub1 = Hub::start(&dir.join("hub1"), &db.url, &[&roster_a, &roster_b]);
    let hub2 = Hub::start(&dir.join("hub2"), &db.url, &[&roster_a, &roster_b]);
    let key = |h: &Hub| {
        let answer = send_raw(
            &h.addr(),
            b"GET /v1/key HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n",
        );
        answer
            .split("\r\n\r\n")
            .nth(1)
            .unwrap_or_default()
            .to_owned()
    };
    let (key1, key2) = (key(&hub1), key(&hub2));
    assert_eq!(key1.len(), 64, "{key1}");
    assert_eq!(key1, key2, "hubs on one database answer with one key");

    // A pushes through a relay in front of hub 1; hub 1 is killed once part of the push is
    // committed (or the push ended, whichever comes first).
    let (relay, sent) = recording_relay(hub1.addr());
    let mut push = Command::new(env!("CARGO_BIN_EXE_huella"))
        .env("HUELLA_KDF_LOG_N", "12")
        .arg("--home")
        .arg(&a.home)
        .args(["sync", "--hub", &relay, "--attempts", "1", "--as", "admin"])
        .arg("--passphrase-file")
        .arg(&a.pass)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sync");
    loop {
        let committed: u64 = psql(&db.url, "SELECT count(*) FROM wrapped_keys")
            .parse()
            .expect("count");
        if committed > 0 || push.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut hub1 = hub1;
    hub1.child.kill().expect("kill -9 hub 1");
    eprintln!(
        "hub 1 killed with {} of 40 records of A committed",
        psql(&db.url, "SELECT count(*) FROM wrapped_keys")
    );
    let _ = hub1.child.wait();
    let _ = push.wait();

    // The push finishes through hub 2, and B pushes its office's records there too.
    let out = a.sync(&hub2.url);
    assert!(out.contains("sincronizado:"), "{out}");
    let again = a.sync(&hub2.url);
    assert!(again.contains("enviados 0, recibidos 0"), "{again}");
    let out = b.sync(&hub2.url);
    assert!(out.contains("enviados 6,"), "{out}");
    let per_office = psql(
        &db.url,
        "SELECT convert_from(v, 'UTF8') || '=' || count(*) FROM origins GROUP BY v ORDER BY 1",
    );
    assert_eq!(
        per_office, "0901=40\n0902=6",
        "records per office in the hub"
    );

    // Nothing lost: a new station of office 0901 receives all 40 of A's people from hub 2.
    let inv_pass = dir.join("inv.pass");
    std::fs::write(&inv_pass, "clave-de-la-invitacion\n").expect("pass");
    let invite = dir.join("a2.invite");
    ok(&a.admin(&[
        "sync",
        "invite",
        "--station",
        "A2",
        "--out",
        s(&invite),
        "--invite-passphrase-file",
        s(&inv_pass),
    ]));
    // The roster listing A2 reaches the hubs with A's next sync.
    a.sync(&hub2.url);
    let a2 = Station {
        home: dir.join("A2"),
        pass: a.pass.clone(),
    };
    ok(&huella(
        &a2.home,
        &[
            "init",
            "--join",
            s(&invite),
            "--invite-passphrase-file",
            s(&inv_pass),
            "--admin",
            "admin",
            "--passphrase-file",
            s(&a2.pass),
        ],
    ));
    a2.sync(&hub2.url);
    let status: serde_json::Value =
        serde_json::from_str(&ok(&huella(&a2.home, &["status", "--json"]))).expect("json");
    assert_eq!(status["personas"], 40, "{status}");
    let curp = csv_a
        .lines()
        .nth(40)
        .and_then(|l| l.split(',').next())
        .expect("curp");
    let found: serde_json::Value =
        serde_json::from_str(&ok(&a2.admin(&["find", "--curp", curp, "--json"]))).expect("json");
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");

    // A request captured on its way to hub 1 is refused by hub 2: one replay cache.
    let captured = sent
        .lock()
        .expect("log")
        .first()
        .cloned()
        .unwrap_or_default();
    let request = first_request(&captured).expect("a whole request went through the relay");
    let answer = send_raw(&hub2.addr(), &request);
    assert!(answer.starts_with("HTTP/1.1 409"), "{answer}");
    assert!(answer.contains("mensaje repetido"), "{answer}");

    // No plaintext identifier anywhere in the database, as text or as bytea hex.
    let dump = Command::new("pg_dump")
        .args(["--data-only", &db.url])
        .output()
        .expect("pg_dump");
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    assert!(dump.stdout.len() > 10_000, "the dump holds the records");
    let mut needles = personal_values(&csv_a);
    needles.extend(personal_values(&csv_b));
    let hexes: Vec<String> = needles.iter().map(hex::encode).collect();
    needles.extend(hexes);
    let finder = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&needles)
        .expect("automaton");
    if let Some(m) = finder.find(&dump.stdout) {
        panic!("plaintext in pg_dump: {}", needles[m.pattern().as_usize()]);
    }

    // The streaming replica has the records once it replayed the primary's WAL this far.
    let lsn = psql(&db.url, "SELECT pg_current_wal_lsn()");
    let replica = on_replica(&db);
    let mut caught_up = false;
    for _ in 0..600 {
        let ok = Command::new("psql")
            .args(["-X", "-A", "-t", "-q", &replica, "-c"])
            .arg(format!("SELECT pg_last_wal_replay_lsn() >= '{lsn}'"))
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "t");
        if ok {
            caught_up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(caught_up, "the replica did not replay the primary's WAL");
    assert_eq!(psql(&replica, "SELECT pg_is_in_recovery()"), "t");
    assert_eq!(
        psql(&replica, "SELECT count(*) FROM origins"),
        "46",
        "records on the replica"
    );
    drop(hub2);
}
