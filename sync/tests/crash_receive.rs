//! A station killed (SIGKILL) while it receives records never ends up claiming records it
//! has not merged: after any kill point, one more ordinary round leaves every person present,
//! readable and indexed at the receiving station, and its audit chain verifies.
//!
//! Three receive paths, each at seeded random kill points over the time an uncut run takes:
//! an HTTP pull from a hub, the import of an acknowledgement bundle, and a LAN peer merge
//! (`sync serve`). The receiving station runs in a child process (this test binary
//! re-executed in child mode) so the kill is a real `kill -9`: no destructors, no flush.
//! Seeds: `HUELLA_CRASH_SEED` (default fixed), kill points per path: `HUELLA_CRASH_POINTS`.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use huella_keys::{
    Credential, KdfCost, OfficerKey, Passphrase, Recipient, RecipientSet, Role, StationSecrets,
};
use huella_sync::bundle;
use huella_sync::hub::{HttpTransport, HubHome};
use huella_sync::node::StationSide;
use huella_sync::peer::TcpTransport;
use huella_sync::protocol::{self, Client, NonceCache, Server, SyncError};
use huella_sync::roster::Trust;
use huella_sync::{RecordId, Station, Store, StoreKeys};
use rand::{Rng, SeedableRng, rngs::StdRng};

const CHILD: &str = "HUELLA_TEST_CRASH_CHILD";
const PEOPLE: usize = 200;
const PASS: &str = "clave de prueba larga";

/// The receiving station as a child process opens it: its store and its unlocked credential.
struct Receiver {
    store: Store,
    secrets: StationSecrets,
    officer: OfficerKey,
}

impl Receiver {
    fn open(dir: &Path) -> Receiver {
        let sealed = std::fs::read(dir.join("credencial")).unwrap();
        let c = Credential::open(&sealed, &Passphrase::new(PASS), "ana", "credencial").unwrap();
        Receiver {
            store: Store::open(&dir.join("db")).unwrap(),
            secrets: c.station,
            officer: c.officer,
        }
    }

    fn keys(&self) -> StoreKeys<'_> {
        let p = self.secrets.public();
        let mut set = RecipientSet::new();
        set.push(Recipient::parse("estacion", &p.recipient).unwrap());
        set.push(Recipient::parse("oficina", &p.office_recipient).unwrap());
        let ring = Trust::new(self.store.replica())
            .roster(self.secrets.office())
            .unwrap()
            .map(|(r, _)| r.keyring_for(&self.secrets))
            .unwrap_or_default();
        StoreKeys::new(&self.secrets, set, ring)
    }

    fn with_side<T>(&self, f: impl FnOnce(&StationSide<'_>) -> T) -> T {
        let idx = TestIndexer(&self.secrets);
        let side = StationSide::new(&self.store, self.keys(), &self.officer, &idx);
        side.prepare().unwrap();
        f(&side)
    }

    fn pull(&self, url: &str) -> Result<protocol::Outcome, SyncError> {
        self.with_side(|side| {
            let mut http = HttpTransport::new(url);
            let mut client = Client::new(url, None, None);
            protocol::run(
                &mut client,
                side,
                &self.secrets,
                &mut |m| http.call(m),
                &mut |_| {},
            )
        })
    }

    fn import(&self, ack: &[u8]) -> Result<bundle::Imported, SyncError> {
        self.with_side(|side| bundle::import(side, ack, "hub", None))
    }

    fn serve(&self) {
        self.with_side(|side| {
            let nonces = NonceCache::new(self.store.replica());
            let server = Server {
                local: side,
                key: &self.secrets,
                nonces: &nonces,
            };
            let mut admit = |h: &huella_sync::hub::RequestHead| server.check_head(h);
            huella_sync::peer::serve(
                "127.0.0.1:0",
                |addr| println!("ADDR {addr}"),
                &mut admit,
                &mut |req| {
                    server
                        .handle_bytes(req)
                        .and_then(|a| self.store.flush().map(|()| a).map_err(Into::into))
                },
            )
            .unwrap();
        });
    }
}

/// In child mode (env set by the parent) receive once and exit; otherwise do nothing.
#[test]
fn crash_child() {
    let Ok(mode) = std::env::var(CHILD) else {
        return;
    };
    let dir = PathBuf::from(std::env::var("HUELLA_TEST_CRASH_DIR").unwrap());
    let target = std::env::var("HUELLA_TEST_CRASH_TARGET").unwrap();
    let r = Receiver::open(&dir);
    match mode.as_str() {
        "pull" => {
            r.pull(&target).unwrap();
        }
        "bundle" => {
            r.import(&std::fs::read(&target).unwrap()).unwrap();
        }
        "serve" => r.serve(),
        other => panic!("modo {other}"),
    }
    println!("HECHO");
}

fn spawn_child(mode: &str, dir: &Path, target: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env(CHILD, mode)
        .env("HUELLA_TEST_CRASH_DIR", dir)
        .env("HUELLA_TEST_CRASH_TARGET", target)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The sending station A with `PEOPLE` people, and a template of the receiving station B of
/// the same office (empty store, roster anchored, sealed credential) to copy per kill point.
struct World {
    a: Node,
    ids: Vec<RecordId>,
    template: tempfile::TempDir,
    roster: huella_sync::roster::SignedRoster,
}

fn world() -> World {
    let office = StationSecrets::generate("A", "0101");
    let b_secrets = office.new_station_in_office("B");
    let a = Node::with_secrets(office, OfficerKey::generate("ana", Role::Admin));
    let b_officer = OfficerKey::generate("ana", Role::Admin);
    let template = tempfile::tempdir().unwrap();
    let p = b_secrets.public();
    let store = Store::create(
        &template.path().join("db"),
        &Station {
            office: p.office.clone(),
            station: p.station.clone(),
            created_at: "t".into(),
            station_key: p.key.to_hex(),
            recipients: vec![],
        },
    )
    .unwrap();
    store.put_officer(&b_officer.public()).unwrap();
    let b_entry = huella_sync::roster::RosterStation {
        name: "B".into(),
        key: p.key.to_hex(),
        recipient: p.recipient.clone(),
        revoked: false,
        revoked_at: String::new(),
    };
    let admin = OfficerKey::generate("admin", Role::Admin);
    let mut r = roster_for("0101", &[&a], &admin).roster().unwrap();
    r.stations.push(b_entry);
    let roster = huella_sync::roster::SignedRoster::sign(&r, &admin);
    a.trust().anchor(&roster).unwrap();
    Trust::new(store.replica()).anchor(&roster).unwrap();
    store.flush().unwrap();
    drop(store);
    let sealed = Credential::seal(
        &b_officer,
        &b_secrets,
        &Passphrase::new(PASS),
        KdfCost::new(KdfCost::MIN),
    )
    .unwrap();
    std::fs::write(template.path().join("credencial"), sealed).unwrap();
    let ids = (0..PEOPLE)
        .map(|i| a.create(&format!("CRSH{i:04}0101HDFRRN09")))
        .collect();
    World {
        a,
        ids,
        template,
        roster,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// A fresh copy of the receiving station's template.
fn fresh_receiver(w: &World, root: &Path, n: usize) -> PathBuf {
    let dir = root.join(format!("b{n}"));
    copy_dir(w.template.path(), &dir);
    dir
}

/// Every person A created is present, readable and found by CURP at B; its audit verifies.
fn assert_all_present(w: &World, b: &Receiver, what: &str) {
    let keys = b.keys();
    let idx = b.secrets.index_key();
    let mut missing = 0;
    for (i, id) in w.ids.iter().enumerate() {
        let curp = format!("CRSH{i:04}0101HDFRRN09");
        let readable = b.store.open_record(&keys, *id).is_ok();
        let found = b.store.find(&idx.tag("curp", &curp)).unwrap() == vec![*id];
        if !(readable && found) {
            missing += 1;
        }
    }
    assert_eq!(missing, 0, "{what}: {missing} of {PEOPLE} people missing");
    b.store.verify_audit().unwrap();
}

fn seed() -> u64 {
    std::env::var("HUELLA_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_0018)
}

fn points() -> usize {
    std::env::var("HUELLA_CRASH_POINTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(18)
}

/// Kills `child` after `delay` (or lets it finish first); returns whether it was killed.
fn kill_after(mut child: Child, delay: Duration) -> bool {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if start.elapsed() >= delay {
            let _ = child.kill();
            let _ = child.wait();
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Runs `child` to the end and returns how long it took.
fn time_child(mut child: Child) -> Duration {
    let start = Instant::now();
    let status = child.wait().unwrap();
    assert!(status.success());
    start.elapsed()
}

#[test]
fn killed_http_pull_then_one_more_round_has_everyone() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let w = world();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = HubHome::open(&hub_dir.path().join("hub")).unwrap();
    hub.trust_roster(&w.roster).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = huella_sync::hub::serve(hub, "127.0.0.1:0", |a| tx.send(a).unwrap());
    });
    let url = format!("http://{}", rx.recv().unwrap());
    {
        let idx = TestIndexer(&w.a.secrets);
        let side = StationSide::new(w.a.store(), w.a.keys(), &w.a.officer, &idx);
        side.prepare().unwrap();
        let mut http = HttpTransport::new(&url);
        let mut client = Client::new(&url, None, None);
        protocol::run(
            &mut client,
            &side,
            &w.a.secrets,
            &mut |m| http.call(m),
            &mut |_| {},
        )
        .unwrap();
    }
    let root = tempfile::tempdir().unwrap();
    let whole = time_child(spawn_child(
        "pull",
        &fresh_receiver(&w, root.path(), 0),
        &url,
    ));
    let mut rng = StdRng::seed_from_u64(seed());
    let mut killed = 0;
    for n in 1..=points() {
        let dir = fresh_receiver(&w, root.path(), n);
        let delay = whole.mul_f64(rng.gen_range(0.0..1.0));
        killed += usize::from(kill_after(spawn_child("pull", &dir, &url), delay));
        let b = Receiver::open(&dir);
        b.pull(&url).unwrap();
        assert_all_present(&w, &b, &format!("pull, kill point {n} at {delay:?}"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
    assert!(killed > 0, "no run was killed (whole run: {whole:?})");
}

#[test]
fn killed_bundle_import_then_one_more_round_has_everyone() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let w = world();
    let hub = Hub::new();
    hub.trust().anchor(&w.roster).unwrap();
    // A's records reach the hub by bundle; B's export is answered with everything of its office.
    let a_export = {
        let idx = TestIndexer(&w.a.secrets);
        let side = StationSide::new(w.a.store(), w.a.keys(), &w.a.officer, &idx);
        side.prepare().unwrap();
        bundle::export(&side, &w.a.secrets, "hub", Some(w.roster.clone()))
            .unwrap()
            .0
    };
    bundle::answer(&hub.side, &hub.key, &a_export).unwrap();
    let root = tempfile::tempdir().unwrap();
    let ack_for = |dir: &Path| -> Vec<u8> {
        let b = Receiver::open(dir);
        let export = b.with_side(|side| bundle::export(side, &b.secrets, "hub", None).unwrap().0);
        bundle::answer(&hub.side, &hub.key, &export).unwrap()
    };
    let ack_file = root.path().join("b.acuse");
    {
        let dir = fresh_receiver(&w, root.path(), 0);
        std::fs::write(&ack_file, ack_for(&dir)).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
    let target = ack_file.display().to_string();
    let whole = time_child(spawn_child(
        "bundle",
        &fresh_receiver(&w, root.path(), 1000),
        &target,
    ));
    let mut rng = StdRng::seed_from_u64(seed() ^ 1);
    let mut killed = 0;
    for n in 1..=points() {
        let dir = fresh_receiver(&w, root.path(), n);
        let delay = whole.mul_f64(rng.gen_range(0.0..1.0));
        killed += usize::from(kill_after(spawn_child("bundle", &dir, &target), delay));
        // One more round: the same acknowledgement again, or (if it counted as imported) a
        // new export answered by the hub.
        let b = Receiver::open(&dir);
        match b.import(&std::fs::read(&ack_file).unwrap()) {
            Ok(_) => {}
            Err(SyncError::Replayed) => {
                let export =
                    b.with_side(|side| bundle::export(side, &b.secrets, "hub", None).unwrap().0);
                let ack = bundle::answer(&hub.side, &hub.key, &export).unwrap();
                b.import(&ack).unwrap();
            }
            Err(e) => panic!("{e}"),
        }
        assert_all_present(&w, &b, &format!("bundle, kill point {n} at {delay:?}"));
        drop(b);
        std::fs::remove_dir_all(&dir).unwrap();
    }
    assert!(killed > 0, "no run was killed (whole run: {whole:?})");
}

#[test]
fn killed_peer_merge_then_one_more_round_has_everyone() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let w = world();
    let root = tempfile::tempdir().unwrap();
    // A pushes to B's `sync serve`; B is killed while it merges.
    // With `kill`, a thread sends SIGKILL to the child that long after it is listening.
    let push = |child: &mut Child,
                kill: Option<Duration>|
     -> (
        Result<protocol::Outcome, SyncError>,
        Duration,
        Option<std::thread::JoinHandle<()>>,
    ) {
        let out = child.stdout.take().unwrap();
        let mut lines = BufReader::new(out).lines();
        let addr = loop {
            let line = lines.next().unwrap().unwrap();
            if let Some(a) = line.split("ADDR ").nth(1) {
                break a.trim().to_owned();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        let start = Instant::now();
        let killer = kill.map(|delay| {
            let pid = child.id().to_string();
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                let _ = Command::new("kill").args(["-9", &pid]).status();
            })
        });
        let idx = TestIndexer(&w.a.secrets);
        let side = StationSide::new(w.a.store(), w.a.keys(), &w.a.officer, &idx);
        side.prepare().unwrap();
        let mut tcp = TcpTransport::new(&addr);
        let mut client = Client::new("par", None, None);
        let r = protocol::run(
            &mut client,
            &side,
            &w.a.secrets,
            &mut |m| tcp.call(m),
            &mut |_| {},
        );
        (r, start.elapsed(), killer)
    };
    let mut first = spawn_child("serve", &fresh_receiver(&w, root.path(), 0), "");
    let (r, whole, _) = push(&mut first, None);
    r.unwrap();
    let _ = first.kill();
    let _ = first.wait();
    let mut rng = StdRng::seed_from_u64(seed() ^ 2);
    for n in 1..=points() {
        let dir = fresh_receiver(&w, root.path(), n);
        let delay = whole.mul_f64(rng.gen_range(0.0..1.0));
        let mut child = spawn_child("serve", &dir, "");
        let (_, _, killer) = push(&mut child, Some(delay));
        // The child was killed, or answered everything and still serves: stop it either way
        // (after the killer thread is done, so its pid cannot have been reused).
        if let Some(k) = killer {
            k.join().unwrap();
        }
        let _ = child.kill();
        let _ = child.wait();
        let b = Receiver::open(&dir);
        b.with_side(|sb| {
            let idx = TestIndexer(&w.a.secrets);
            let sa = StationSide::new(w.a.store(), w.a.keys(), &w.a.officer, &idx);
            sa.prepare().unwrap();
            let nonces = NonceCache::new(b.store.replica());
            let mut client = Client::new("par", None, None);
            protocol::run(
                &mut client,
                &sa,
                &w.a.secrets,
                &mut |m| {
                    Server {
                        local: sb,
                        key: &b.secrets,
                        nonces: &nonces,
                    }
                    .handle_bytes(&m)
                },
                &mut |_| {},
            )
            .unwrap();
        });
        assert_all_present(&w, &b, &format!("peer, kill point {n} at {delay:?}"));
        drop(b);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
