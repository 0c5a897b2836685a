//! Sync figures on real sled stores, real sealing and age, and a real HTTP hub on loopback:
//! a week-long outage (10,000 records: 20 % edited five times, 1,000 new, 1 % edited
//! elsewhere meanwhile), the nothing-changed reconnect, and a regional merge of 50 station
//! bundles × 400 records from 10 field offices of a region. Run:
//! `cargo bench -p huella-sync --bench sync` (add `--profile dev` for the CI profile).
//! `HUELLA_BENCH_RECORDS` scales the outage case,
//! `HUELLA_BENCH_CASE=outage|regional` runs one case, `HUELLA_BENCH_PHASES=1` prints phases.
//! `HUELLA_BENCH_CASE=hubstore` (with `--features postgres` and `HUELLA_PG_URL`) pushes the same
//! records through a sled hub and a PostgreSQL hub (docs/benchmarks.md).
#![allow(missing_docs, clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use common::*;
use huella_keys::{OfficerKey, Recipient, Role};
use huella_sync::bundle;
use huella_sync::hub::{HttpTransport, HubHome};
use huella_sync::node::StationSide;
use huella_sync::protocol::{self, Client};
use huella_sync::store::OpenRecord;
use huella_sync::{Identity, PersonRecord, RecordId};

fn bulk_create(n: &Node, count: usize, tag: &str) -> Vec<RecordId> {
    let keys = n.keys();
    let idx = TestIndexer(&n.secrets);
    let mut ids = Vec::new();
    for chunk in 0..count.div_ceil(500) {
        let mut b = n.store().batch();
        for i in chunk * 500..((chunk + 1) * 500).min(count) {
            let id = RecordId::generate();
            let ident = Identity {
                curp: format!("{tag}{i:06}HDFRRN09"),
                nss: format!("{i:011}"),
                rfc: format!("RFC{i:07}"),
                nombre: format!("Nombre{i}"),
                primer_apellido: "Pérez".into(),
                segundo_apellido: "López".into(),
                fecha_nacimiento: "1990-01-01".into(),
                sexo: "H".into(),
                entidad: "DF".into(),
            };
            let rec = PersonRecord::create(id, &ident, "ana", "2026-01-01T00:00:00Z").unwrap();
            let mut open = OpenRecord::new(rec);
            let tags = huella_sync::Indexer::tags(&idx, &open.record);
            b.save_record(&keys, &mut open, tags).unwrap();
            ids.push(id);
        }
        n.store().commit(b, &n.officer, "t").unwrap();
    }
    ids
}

fn bulk_edit(n: &Node, ids: &[RecordId], edits: usize) {
    let keys = n.keys();
    let idx = TestIndexer(&n.secrets);
    for chunk in ids.chunks(500) {
        let mut b = n.store().batch();
        for id in chunk {
            let mut open = n.store().open_record(&keys, *id).unwrap();
            for e in 0..edits {
                let mut i = open.record.identity().unwrap();
                i.rfc = format!("EDIT{e}{}", &id.to_hex()[..6]);
                open.record.set_identity(&i).unwrap();
                open.record.doc_mut().commit();
            }
            let tags = huella_sync::Indexer::tags(&idx, &open.record);
            b.save_record(&keys, &mut open, tags).unwrap();
        }
        n.store().commit(b, &n.officer, "t").unwrap();
    }
}

struct Run {
    bytes: u64,
    trips: u32,
    secs: f64,
}

fn sync_http(n: &Node, url: &str) -> Run {
    let t = Instant::now();
    let idx = TestIndexer(&n.secrets);
    let side = StationSide::new(n.store(), n.keys(), &n.officer, &idx);
    side.prepare().unwrap();
    let prepared = t.elapsed().as_secs_f64();
    let mut http = HttpTransport::new(url);
    let mut c = Client::new(url, None, None);
    let o = protocol::run(
        &mut c,
        &side,
        &n.secrets,
        &mut |m| http.call(m),
        &mut |_| {},
    )
    .unwrap();
    assert!(o.converged);
    if std::env::var_os("HUELLA_BENCH_PHASES").is_some() {
        println!(
            "  phases: prepare {prepared:.2} s, protocol {:.2} s",
            t.elapsed().as_secs_f64() - prepared
        );
    }
    Run {
        bytes: http.bytes,
        trips: o.round_trips,
        secs: t.elapsed().as_secs_f64(),
    }
}

fn outage(records: usize) {
    let mut a = Node::new("A", "0101", &[]);
    let mut b = Node::new("B", "0101", &[]);
    a.recipients
        .push(Recipient::parse("b", &b.secrets.public().recipient).unwrap());
    b.recipients
        .push(Recipient::parse("a", &a.secrets.public().recipient).unwrap());
    let admin = OfficerKey::generate("admin", Role::Admin);
    let roster = roster_for("0101", &[&a, &b], &admin);
    a.trust().anchor(&roster).unwrap();
    b.trust().anchor(&roster).unwrap();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = HubHome::open(hub_dir.path()).unwrap();
    hub.trust_roster(&roster).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        huella_sync::hub::serve(hub, "127.0.0.1:0", |addr| tx.send(addr).unwrap()).unwrap();
    });
    let url = format!("http://{}", rx.recv().unwrap());

    let t = Instant::now();
    let ids = bulk_create(&a, records, "AAAA");
    println!(
        "setup: {records} records created in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let first = sync_http(&a, &url);
    println!(
        "initial upload of {records} records: {:.1} MB, {} round trips, {:.2} s",
        first.bytes as f64 / 1e6,
        first.trips,
        first.secs
    );
    let pull = sync_http(&b, &url);
    println!(
        "second station pulls and opens {records} records: {:.1} MB, {:.2} s",
        pull.bytes as f64 / 1e6,
        pull.secs
    );
    // The outage: A edits 20 % (5 edits each) and creates 10 % new; B edits 1 % meanwhile.
    bulk_edit(&a, &ids[..records / 5], 5);
    bulk_create(&a, records / 10, "NUEV");
    bulk_edit(&b, &ids[records - records / 100..], 1);
    sync_http(&b, &url);
    if std::env::var_os("HUELLA_BENCH_PHASES").is_some() {
        use std::io::Write as _;
        println!("outage reconcile starts");
        std::io::stdout().flush().unwrap();
    }
    let week = sync_http(&a, &url);
    println!(
        "OUTAGE reconcile ({} edited, {} new, {} edited elsewhere): {:.2} MB on the wire, {} round trips, {:.2} s wall",
        records / 5,
        records / 10,
        records / 100,
        week.bytes as f64 / 1e6,
        week.trips,
        week.secs
    );
    let idle = sync_http(&a, &url);
    println!(
        "NOTHING CHANGED: {} bytes on the wire, {} round trips, {:.3} s",
        idle.bytes, idle.trips, idle.secs
    );
}

/// A regional office imports one bundle from each of `stations` stations of its region
/// (`per_office` stations per field office, `per` new records each) and answers each with
/// an acknowledgement; then one station imports its acknowledgement (two-way check).
fn regional(stations: usize, per_office: usize, per: usize) {
    let admin = OfficerKey::generate("admin", Role::Admin);
    let office_of = |i: usize| format!("{:04}", 101 + i / per_office);
    let nodes: Vec<Node> = (0..stations)
        .map(|i| Node::new(&format!("E{i}"), &office_of(i), &[]))
        .collect();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = HubHome::open(hub_dir.path()).unwrap();
    for group in nodes.chunks(per_office) {
        let refs: Vec<&Node> = group.iter().collect();
        let roster = roster_for(&group[0].store().station().unwrap().office, &refs, &admin);
        hub.trust_roster(&roster).unwrap();
        for n in group {
            n.trust().anchor(&roster).unwrap();
        }
    }
    let mut bundles = Vec::new();
    for n in &nodes {
        bulk_create(n, per, "REGN");
        let idx = TestIndexer(&n.secrets);
        let side = StationSide::new(n.store(), n.keys(), &n.officer, &idx);
        side.prepare().unwrap();
        bundles.push(bundle::export(&side, &n.secrets, "hub", None).unwrap().0);
    }
    let total: usize = bundles.iter().map(Vec::len).sum();
    let t = Instant::now();
    let mut acks = Vec::new();
    for b in &bundles {
        acks.push(hub.import_bundle(b).unwrap());
    }
    let secs = t.elapsed().as_secs_f64();
    let ack_bytes: usize = acks.iter().map(Vec::len).sum();
    println!(
        "REGIONAL MERGE: {stations} bundles × {per} records ({:.1} MB) from {} offices imported with acknowledgements ({:.1} MB) in {secs:.2} s; hub holds {} records",
        total as f64 / 1e6,
        stations.div_ceil(per_office),
        ack_bytes as f64 / 1e6,
        hub.replica().summary().unwrap().records
    );
    // Two-way: the last station of the first office learns its office's records.
    let last = per_office.min(stations) - 1;
    let n = &nodes[last];
    let idx = TestIndexer(&n.secrets);
    let side = StationSide::new(n.store(), n.keys(), &n.officer, &idx);
    bundle::import(&side, &acks[last], "hub", None).unwrap();
    assert_eq!(
        n.store().replica().summary().unwrap().records,
        (per * (last + 1)) as u64
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let records = std::env::var("HUELLA_BENCH_RECORDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let case = std::env::var("HUELLA_BENCH_CASE").unwrap_or_default();
    if case.is_empty() || case == "outage" {
        outage(records);
    }
    if case.is_empty() || case == "regional" {
        regional(50, 5, 400);
    }
    if case == "hubstore" {
        hub_store(records);
    }
}

/// One station pushes `records` new records to a hub kept in sled, then to a hub kept in
/// PostgreSQL (a fresh database on `HUELLA_PG_URL`'s server, dropped afterwards).
fn hub_store(records: usize) {
    let a = Node::new("A", "0101", &[]);
    let admin = OfficerKey::generate("admin", Role::Admin);
    let roster = roster_for("0101", &[&a], &admin);
    a.trust().anchor(&roster).unwrap();
    bulk_create(&a, records, "AAAA");
    let serve = |hub: HubHome| {
        hub.trust_roster(&roster).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            huella_sync::hub::serve(hub, "127.0.0.1:0", |addr| tx.send(addr).unwrap()).unwrap();
        });
        format!("http://{}", rx.recv().unwrap())
    };
    let hub_dir = tempfile::tempdir().unwrap();
    let url = serve(HubHome::open(hub_dir.path()).unwrap());
    let r = sync_http(&a, &url);
    println!(
        "HUB STORE sled: {records} records pushed, {:.1} MB, {} round trips, {:.2} s ({:.0} records/s)",
        r.bytes as f64 / 1e6,
        r.trips,
        r.secs,
        records as f64 / r.secs
    );
    #[cfg(feature = "postgres")]
    {
        let admin_url = std::env::var("HUELLA_PG_URL").expect("HUELLA_PG_URL");
        let name = format!("bench_{}", std::process::id());
        let mut pg = postgres::Client::connect(&admin_url, postgres::NoTls).unwrap();
        pg.batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let base = admin_url.rsplit_once('/').unwrap().0;
        let url = serve(HubHome::open_postgres(&format!("{base}/{name}")).unwrap());
        // The station pins keys per hub URL; the second hub is a new URL.
        let r = sync_http(&a, &url);
        println!(
            "HUB STORE postgres: {records} records pushed, {:.1} MB, {} round trips, {:.2} s ({:.0} records/s)",
            r.bytes as f64 / 1e6,
            r.trips,
            r.secs,
            records as f64 / r.secs
        );
        let _ = pg.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"));
    }
}
