//! A real hub process (this test binary re-executed in hub mode) on 127.0.0.1, three stations
//! (two of office 0101, one of 0202) syncing over HTTP with ureq, offline edits, several
//! orders, the hub killed and restarted mid-sync. All end with identical replicas, readable
//! records identical everywhere they are readable, and no plaintext on the hub's disk.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::*;
use huella_keys::{OfficerKey, Recipient, Role};
use huella_sync::hub::{HttpTransport, HubHome};
use huella_sync::node::StationSide;
use huella_sync::protocol::{self, Client, SyncError};
use huella_sync::roster::SignedRoster;

const CHILD_DIR: &str = "HUELLA_TEST_HUB_DIR";

/// In hub mode (env set by the parent), serve until killed; otherwise do nothing.
#[test]
fn hub_child() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let listen = std::env::var("HUELLA_TEST_HUB_LISTEN").unwrap();
    let hub = HubHome::open(Path::new(&dir)).unwrap();
    for f in std::env::var("HUELLA_TEST_HUB_TRUST")
        .unwrap()
        .split(',')
        .filter(|f| !f.is_empty())
    {
        let r = SignedRoster::from_file_bytes(&std::fs::read(f).unwrap()).unwrap();
        hub.trust_roster(&r).unwrap();
    }
    huella_sync::hub::serve(hub, &listen, |addr| println!("ADDR {addr}")).unwrap();
}

struct HubProc {
    child: Child,
    addr: String,
}

impl HubProc {
    fn spawn(dir: &Path, listen: &str, trust: &str) -> HubProc {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "hub_child", "--nocapture", "--test-threads=1"])
            .env(CHILD_DIR, dir)
            .env("HUELLA_TEST_HUB_LISTEN", listen)
            .env("HUELLA_TEST_HUB_TRUST", trust)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let mut lines = BufReader::new(out).lines();
        let addr = loop {
            let line = lines.next().unwrap().unwrap();
            if let Some(a) = line.split("ADDR ").nth(1) {
                break a.trim().to_owned();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        HubProc { child, addr }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for HubProc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Syncs over HTTP; `after` is called after each round trip (to kill the hub mid-sync).
fn sync_http(
    node: &Node,
    url: &str,
    after: &mut dyn FnMut(u32),
) -> Result<protocol::Outcome, SyncError> {
    let idx = TestIndexer(&node.secrets);
    let side = StationSide::new(node.store(), node.keys(), &node.officer, &idx);
    side.prepare()?;
    let mut http = HttpTransport::new(url);
    let mut n = 0;
    let mut client = Client::new(url, None, None);
    protocol::run(
        &mut client,
        &side,
        &node.secrets,
        &mut |m| {
            let r = http.call(m);
            n += 1;
            after(n);
            r
        },
        &mut |_| {},
    )
}

fn grep_dir(dir: &Path, needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for e in walk(dir) {
        let bytes = std::fs::read(&e).unwrap_or_default();
        for n in needles {
            if bytes.windows(n.len()).any(|w| w == n.as_bytes()) {
                found.push(format!("{n} in {}", e.display()));
            }
        }
    }
    found
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn hub_and_three_stations_converge_through_restarts() {
    if std::env::var(CHILD_DIR).is_ok() {
        return;
    }
    let regional = huella_keys::StationSecrets::generate("R", "REG");
    let reg = regional.public().recipient;
    let mut a = Node::new("A", "0101", std::slice::from_ref(&reg));
    let mut b = Node::new("B", "0101", std::slice::from_ref(&reg));
    let c = Node::new("C", "0202", &[reg]);
    // A and B share their office: each wraps new records to the other.
    a.recipients
        .push(Recipient::parse("b", &b.secrets.public().recipient).unwrap());
    b.recipients
        .push(Recipient::parse("a", &a.secrets.public().recipient).unwrap());
    let admin1 = OfficerKey::generate("admin1", Role::Admin);
    let admin2 = OfficerKey::generate("admin2", Role::Admin);
    let r1 = roster_for("0101", &[&a, &b], &admin1);
    let mut r2 = roster_for("0202", &[&c], &admin2);
    // Office 0202's roster is a distinct office.
    let mut rr = r2.roster().unwrap();
    rr.office = "0202".into();
    r2 = SignedRoster::sign(&rr, &admin2);
    a.trust().anchor(&r1).unwrap();
    b.trust().anchor(&r1).unwrap();
    c.trust().anchor(&r2).unwrap();

    let hub_dir = tempfile::tempdir().unwrap();
    let f1 = hub_dir.path().join("r1.json");
    let f2 = hub_dir.path().join("r2.json");
    std::fs::write(&f1, r1.to_file_bytes()).unwrap();
    std::fs::write(&f2, r2.to_file_bytes()).unwrap();
    let trust = format!("{},{}", f1.display(), f2.display());
    let store_dir = hub_dir.path().join("home");
    let mut hub = HubProc::spawn(&store_dir, "127.0.0.1:0", &trust);
    let url = format!("http://{}", hub.addr);

    // Offline work.
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(a.create(&format!("AAAA{i:02}0101HDFRRN09")));
        ids.push(b.create(&format!("BBBB{i:02}0101HDFRRN09")));
        c.create(&format!("CCCC{i:02}0101HDFRRN09"));
    }
    sync_http(&a, &url, &mut |_| {}).unwrap();
    // B syncs; the hub dies after the Offer round trip, then comes back on the same port.
    let listen = hub.addr.clone();
    let mut killed = false;
    let err = sync_http(&b, &url, &mut |n| {
        if n == 2 && !killed {
            hub.kill();
            killed = true;
        }
    });
    assert!(matches!(err, Err(SyncError::Transport { .. })), "{err:?}");
    hub = HubProc::spawn(&store_dir, &listen, &trust);
    sync_http(&b, &url, &mut |_| {}).unwrap();
    sync_http(&c, &url, &mut |_| {}).unwrap();
    sync_http(&a, &url, &mut |_| {}).unwrap();

    // More offline edits on both sides of office 0101, then syncs in another order.
    a.edit_name(ids[1], "Editado en A");
    b.set_status(ids[1], huella_sync::BiometricStatus::Capturado);
    b.edit_name(ids[0], "Editado en B");
    a.restart();
    for n in [&c, &b, &a, &c, &b] {
        sync_http(n, &url, &mut |_| {}).unwrap();
    }
    let o = sync_http(&a, &url, &mut |_| {}).unwrap();
    assert!(o.converged && o.round_trips == 1, "{o:?}");

    let roots: Vec<_> = [&a, &b, &c]
        .iter()
        .map(|n| n.store().replica().summary().unwrap().root)
        .collect();
    assert!(roots.iter().all(|r| *r == roots[0]));
    assert_eq!(a.store().replica().summary().unwrap().records, 60);
    for id in &ids {
        assert_eq!(a.heads(*id), b.heads(*id));
        assert!(a.heads(*id).is_some());
        assert!(c.heads(*id).is_none(), "office 0202 cannot read 0101");
    }
    assert_eq!(a.name_of(ids[1]).as_deref(), Some("Editado en A"));
    assert_eq!(b.name_of(ids[0]).as_deref(), Some("Editado en B"));
    drop(hub);
    let leaks = grep_dir(
        &store_dir,
        &["AAAA00", "BBBB01", "CCCC02", "Nombre", "nss-", "Editado"],
    );
    assert!(leaks.is_empty(), "{leaks:?}");
}

#[test]
fn unknown_and_revoked_stations_are_refused() {
    if std::env::var(CHILD_DIR).is_ok() {
        return;
    }
    let a = Node::new("A", "0101", &[]);
    let stranger = Node::new("X", "0101", &[]);
    let admin = OfficerKey::generate("admin", Role::Admin);
    let r1 = roster_for("0101", &[&a], &admin);
    a.trust().anchor(&r1).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let f1 = dir.path().join("r1.json");
    std::fs::write(&f1, r1.to_file_bytes()).unwrap();
    let hub = HubProc::spawn(
        &dir.path().join("home"),
        "127.0.0.1:0",
        &f1.display().to_string(),
    );
    let url = format!("http://{}", hub.addr);
    stranger.create("XXXX");
    let e = sync_http(&stranger, &url, &mut |_| {}).unwrap_err();
    assert!(e.to_string().contains("desconocida"), "{e}");
    a.create("AAAA");
    sync_http(&a, &url, &mut |_| {}).unwrap();
    // The admin revokes A; the new roster reaches the hub with A's next sync, then A is out.
    let mut r = r1.roster().unwrap();
    r.version = 2;
    r.stations[0].revoked = true;
    a.trust().anchor(&SignedRoster::sign(&r, &admin)).unwrap();
    let idx = TestIndexer(&a.secrets);
    let side = StationSide::new(a.store(), a.keys(), &a.officer, &idx);
    let signed = a.trust().roster("0101").unwrap().unwrap().1;
    let mut http = HttpTransport::new(&url);
    let mut client = Client::new(&url, None, Some(signed));
    let _ = protocol::run(
        &mut client,
        &side,
        &a.secrets,
        &mut |m| http.call(m),
        &mut |_| {},
    );
    let e = sync_http(&a, &url, &mut |_| {}).unwrap_err();
    assert!(e.to_string().contains("revocada"), "{e}");
}
