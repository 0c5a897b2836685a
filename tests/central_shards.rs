//! The sharded national search through the real binary (feature `postgres`; needs
//! `HUELLA_PG_URL`, e.g. the primary `.ci/postgres start` runs): a central node's home opens
//! the gallery key; two `huella central worker` processes split the 256 shards; an identify
//! with a real FVC2002 DB1_B impression answers with the mate (another impression of the same
//! finger); a worker stopped mid-identify and then killed (SIGKILL) has its shards taken over
//! by the other after its lease expires and the identify still answers with the mate; a
//! worker started again for that range gets it handed back; an
//! identify submitted right after an insert finds it; a `pg_dump` holds no template bytes.
//! Each test works in its own database, dropped at the end.
#![cfg(feature = "postgres")]

mod common;
#[path = "common/pg.rs"]
mod pg;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use common::{huella, ok, s};
use huella::matching::Template;
use huella::matching::minutiae::Kind;
use huella::matching::template::StoredMinutia;
use huella::workflows::central::shards::ShardError;
use huella::workflows::central::shards::coordinator::{self, IdentifyOptions};
use huella::workflows::central::shards::requests::{self, InsertRequest};
use huella::workflows::central::shards::seal::GalleryKey;
use huella::workflows::central::shards::{lease, new_request_id, tables};
use pg::Database;
use rand::{Rng, SeedableRng, rngs::StdRng};

/// A `central worker` process; killed when dropped. Its stdout lines arrive on `lines`.
struct Worker {
    child: Child,
    name: String,
    lines: Receiver<String>,
}

impl Worker {
    fn start(home: &Path, pass: &Path, store: &str, shards: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_huella"))
            .arg("--home")
            .arg(home)
            .args(["central", "worker", "--store", store, "--shards", shards])
            .args(["--lease-secs", "3", "--threads", "1", "--as", "admin"])
            .arg("--passphrase-file")
            .arg(pass)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn worker");
        let out = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut w = Worker {
            child,
            name: String::new(),
            lines,
        };
        let first = w.next_line();
        w.name = first
            .strip_prefix("trabajador ")
            .expect("first line names the worker")
            .to_owned();
        w
    }

    fn next_line(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(120))
            .expect("a line from the worker")
    }

    /// Waits for a `cargados N fragmentos` line; returns N.
    fn loaded(&self) -> usize {
        loop {
            let l = self.next_line();
            if let Some(rest) = l.strip_prefix("cargados ") {
                return rest
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("count");
            }
        }
    }

    fn signal(&self, sig: &str) {
        let o = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .output()
            .expect("kill");
        assert!(o.status.success());
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The central node's home (office CENTRAL, station C1, admin `admin`) and its pass file.
fn central_home(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let home = dir.join("central");
    let pass = dir.join("pass");
    std::fs::write(&pass, "clave-de-prueba-central\n").expect("pass");
    ok(&huella(
        &home,
        &[
            "init",
            "--office",
            "CENTRAL",
            "--station",
            "C1",
            "--admin",
            "admin",
            "--passphrase-file",
            s(&pass),
        ],
    ));
    (home, pass)
}

/// One test's search database, its central node's home and pass file, and the gallery key
/// created for that node (wrapped to `recipient`).
struct Setup {
    _dir: tempfile::TempDir,
    db: Database,
    home: std::path::PathBuf,
    pass: std::path::PathBuf,
    client: postgres::Client,
    key: GalleryKey,
    recipient: String,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Database::create();
    let (home, pass) = central_home(dir.path());
    let recipient = ok(&huella(&home, &["central", "key"])).trim().to_owned();
    let mut client = tables::connect(&db.url, "test").expect("connect");
    let key = GalleryKey::create(&mut client, &recipient).expect("gallery key");
    Setup {
        _dir: dir,
        db,
        home,
        pass,
        client,
        key,
        recipient,
    }
}

/// Inserts `n` synthetic filler people (references `reference(from..from + n)`), in one
/// batch; returns their references.
fn fillers(client: &mut postgres::Client, key: &GalleryKey, from: u64, n: u64) -> Vec<String> {
    let refs: Vec<String> = (from..from + n).map(reference).collect();
    let templates: Vec<[(u8, Template); 1]> =
        (from..from + n).map(|k| [(1, synthetic(k))]).collect();
    let batch: Vec<InsertRequest<'_>> = refs
        .iter()
        .zip(&templates)
        .map(|(r, t)| InsertRequest {
            request_id: r,
            reference_id: r,
            fingers: t,
        })
        .collect();
    requests::insert_many(client, key, &batch).expect("fillers");
    refs
}

/// The template of impression `i` of finger `f` (101–110) of FVC2002 DB1_B (500 ppi).
fn fvc(f: u32, i: u32) -> Template {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/fingerprints/FVC2002_DB1_B/png")
        .join(format!("{f}_{i}.png"));
    let png = std::fs::read(&path).expect("FVC image");
    huella::matching::extract(&png, 500)
        .expect("extract")
        .template
}

/// A plausible random template (filler people of the gallery).
fn synthetic(seed: u64) -> Template {
    let mut rng = StdRng::seed_from_u64(seed);
    let minutiae = (0..40)
        .map(|_| StoredMinutia {
            x: rng.gen_range(40..360),
            y: rng.gen_range(40..360),
            angle: rng.r#gen(),
            kind: if rng.gen_bool(0.5) {
                Kind::Ending
            } else {
                Kind::Bifurcation
            },
            reliability: rng.gen_range(30..100),
        })
        .collect();
    let ridge_counts: Vec<_> = (0..40)
        .map(|_| [0u8; huella::matching::ridge_count::LINKS].map(|_| rng.gen_range(0..16)))
        .collect();
    Template {
        width: 400,
        height: 400,
        quality: 60,
        minutiae,
        flow: Default::default(),
        // Ridge counts, so that the sealed rows carry version 3 templates.
        ridge_counts,
        texture: Default::default(),
        second_view: None,
    }
}

/// A reference id shaped like a record id (32 hex digits).
fn reference(n: u64) -> String {
    format!("{:016x}{:016x}", n.wrapping_mul(0x9e37_79b9_7f4a_7c15), n)
}

fn insert(client: &mut postgres::Client, key: &GalleryKey, refid: &str, t: &Template) -> i64 {
    requests::insert(
        client,
        key,
        &InsertRequest {
            request_id: &new_request_id(),
            reference_id: refid,
            fingers: &[(1, t.clone())],
        },
    )
    .expect("insert")
}

/// (shard, worker) of each answer to `request`.
fn answers(client: &mut postgres::Client, request: &str) -> Vec<(i16, String)> {
    client
        .query(
            "SELECT shard, worker FROM identify_results WHERE request_id = $1 ORDER BY shard",
            &[&request],
        )
        .expect("results")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn two_workers_answer_with_the_mate_and_a_killed_workers_shards_are_taken_over() {
    let Setup {
        _dir,
        db,
        home,
        pass,
        mut client,
        key,
        recipient,
    } = setup();
    assert!(matches!(
        GalleryKey::create(&mut client, &recipient),
        Err(huella::workflows::central::shards::ShardError::GalleryKeyExists)
    ));
    // The gallery: impression 1 of FVC fingers 101–109 as nine people, plus 300 filler
    // people; finger 110 is inserted later (the ordering check).
    let mut real = Vec::new();
    for f in 101..=109u32 {
        let t = fvc(f, 1);
        let r = reference(u64::from(f));
        insert(&mut client, &key, &r, &t);
        real.push((f, r, t));
    }
    fillers(&mut client, &key, 10_000, 300);
    assert!(matches!(
        requests::insert(
            &mut client,
            &key,
            &InsertRequest {
                request_id: "another-request",
                reference_id: &real[0].1,
                fingers: &[(1, real[0].2.clone())],
            }
        ),
        Err(huella::workflows::central::shards::ShardError::ReferenceExists(_))
    ));

    // Before any worker: every shard is without one, said in the operator's language.
    let leases = |lang: &str| {
        ok(&huella(
            &home,
            &["--lang", lang, "central", "leases", "--store", &db.url],
        ))
    };
    assert_eq!(
        leases("en").trim(),
        "256 shards without a live worker (0-255): searches wait until a worker takes them"
    );
    assert!(leases("es").starts_with("256 fragmentos sin trabajador vigente (0-255)"));

    let a = Worker::start(&home, &pass, &db.url, "0-127");
    let b = Worker::start(&home, &pass, &db.url, "128-255");
    assert_eq!(a.loaded(), 128);
    assert_eq!(b.loaded(), 128);
    let listed = leases("es");
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    for (worker, range) in [(&a.name, "0-127"), (&b.name, "128-255")] {
        let line = format!("{worker}\t128\t{range}\tvigente\t");
        assert!(lines.iter().any(|l| l.starts_with(&line)), "{listed}");
    }

    // An identify with another impression of finger 103 answers with 103's first.
    let opts = IdentifyOptions {
        timeout: Duration::from_secs(90),
        max_results: 5,
    };
    let answer = coordinator::identify(&mut client, &key, "probe-1", &[(1, fvc(103, 2))], &opts)
        .expect("identify");
    assert_eq!(
        answer.candidates.first().map(|c| c.person.as_str()),
        Some(real[2].1.as_str()),
        "{:?}",
        answer.candidates
    );
    assert_eq!(answer.people, 309);
    let by = answers(&mut client, &answer.request_id);
    assert_eq!(by.len(), 256);
    for (shard, worker) in &by {
        let expected = if *shard < 128 { &a.name } else { &b.name };
        assert_eq!(worker, expected, "shard {shard}");
    }

    // Worker B stops (SIGSTOP) before the next identify is submitted and is killed
    // (SIGKILL) while it waits: A takes over B's shards once their leases expire, and the
    // identify still answers with the mate of finger 107.
    b.signal("-STOP");
    let b_pid = b.child.id().to_string();
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        Command::new("kill")
            .args(["-KILL", &b_pid])
            .status()
            .expect("kill")
    });
    let answer = coordinator::identify(&mut client, &key, "probe-2", &[(1, fvc(107, 3))], &opts)
        .expect("identify after the takeover");
    assert!(killer.join().expect("killer").success());
    assert_eq!(
        answer.candidates.first().map(|c| c.person.as_str()),
        Some(real[6].1.as_str()),
        "{:?}",
        answer.candidates
    );
    assert_eq!(answer.people, 309);
    let by = answers(&mut client, &answer.request_id);
    assert_eq!(by.len(), 256);
    assert!(
        by.iter().all(|(_, w)| *w == a.name),
        "every shard answered by A"
    );
    let rows = lease::list(&mut client).expect("leases");
    assert!(rows.iter().all(|l| l.worker == a.name && l.live));
    let listed: serde_json::Value = serde_json::from_str(&ok(&huella(
        &home,
        &["central", "leases", "--store", &db.url, "--json"],
    )))
    .expect("json");
    assert_eq!(listed["trabajadores"][0]["trabajador"], a.name.as_str());
    assert_eq!(
        listed["trabajadores"][0]["fragmentos"]
            .as_array()
            .map(Vec::len),
        Some(256)
    );
    assert_eq!(listed["sin_trabajador"], serde_json::json!([]));

    // B's range comes back to it: a new worker for 128-255 asks, A hands those shards back
    // (they are not A's own range) and keeps its own, and the identify is split again.
    let b = Worker::start(&home, &pass, &db.url, "128-255");
    let mut back = 0;
    while back < 128 {
        back += b.loaded();
    }
    assert_eq!(back, 128);
    let a_lines: Vec<String> =
        std::iter::from_fn(|| a.lines.recv_timeout(Duration::from_secs(1)).ok()).collect();
    assert!(
        a_lines.iter().any(|l| l == "devueltos 128 fragmentos"),
        "{a_lines:?}"
    );
    let answer = coordinator::identify(&mut client, &key, "probe-2b", &[(1, fvc(105, 2))], &opts)
        .expect("identify after the hand-back");
    assert_eq!(
        answer.candidates.first().map(|c| c.person.as_str()),
        Some(real[4].1.as_str())
    );
    assert_eq!(answer.people, 309);
    for (shard, worker) in answers(&mut client, &answer.request_id) {
        let expected = if shard < 128 { &a.name } else { &b.name };
        assert_eq!(&worker, expected, "shard {shard}");
    }

    // Ordering: an identify submitted right after an insert sees it.
    let late = reference(110);
    let seq = insert(&mut client, &key, &late, &fvc(110, 1));
    let answer = coordinator::identify(&mut client, &key, "probe-3", &[(1, fvc(110, 4))], &opts)
        .expect("identify after insert");
    assert!(answer.gallery_seq >= seq);
    assert_eq!(
        answer.candidates.first().map(|c| c.person.as_str()),
        Some(late.as_str()),
        "{:?}",
        answer.candidates
    );
    assert_eq!(answer.people, 310);

    // A deleted person is no longer found.
    requests::delete(&mut client, "delete-1", &late).expect("delete");
    let answer = coordinator::identify(&mut client, &key, "probe-4", &[(1, fvc(110, 4))], &opts)
        .expect("identify after delete");
    assert!(answer.candidates.iter().all(|c| c.person != late));
    assert_eq!(answer.people, 309);

    // No template in the clear anywhere in the database (raw or as bytea hex), and the
    // probes were erased once answered.
    let dump = Command::new("pg_dump")
        .args(["--no-owner", &db.url])
        .output()
        .expect("pg_dump");
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let text = String::from_utf8_lossy(&dump.stdout).to_lowercase();
    assert!(
        text.contains("gallery_fingers"),
        "the dump holds the tables"
    );
    for (_, _, t) in &real {
        let bytes = t.encode();
        let window = &bytes[10..42];
        assert!(
            !text.contains(&hex::encode(window)),
            "template bytes as hex"
        );
        assert!(
            !dump.stdout.windows(window.len()).any(|w| w == window),
            "template bytes raw"
        );
    }
    let open_probes: i64 = client
        .query_one(
            "SELECT count(*) FROM abis_requests WHERE probe IS NOT NULL",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(open_probes, 0);
}

#[test]
fn a_bad_shard_range_and_a_foreign_gallery_key_are_worded_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Database::create();
    let (home, pass) = central_home(dir.path());
    let worker = |lang: &str, shards: &str| {
        huella(
            &home,
            &[
                "--lang",
                lang,
                "central",
                "worker",
                "--store",
                &db.url,
                "--shards",
                shards,
                "--as",
                "admin",
                "--passphrase-file",
                s(&pass),
            ],
        )
    };
    let es = worker("es", "200-100");
    assert!(!es.status.success());
    let text = String::from_utf8_lossy(&es.stderr);
    assert!(text.contains("se espera un rango A-B"), "{text}");
    let en = worker("en", "0-256");
    assert!(!en.status.success());
    let text = String::from_utf8_lossy(&en.stderr);
    assert!(text.contains("expected a range A-B"), "{text}");
    // A gallery key wrapped to another central node does not open with this one's identity.
    let mut client = tables::connect(&db.url, "test").expect("connect");
    let other = huella_keys::StationSecrets::generate("C9", "OTRA");
    GalleryKey::create(&mut client, &other.public().office_recipient).expect("key");
    let en = worker("en", "0-255");
    assert!(!en.status.success());
    let text = String::from_utf8_lossy(&en.stderr);
    assert!(
        text.contains("the gallery key does not open with this station's identity"),
        "{text}"
    );
}

/// A worker whose database connection is cut again and again — while it loads and once it
/// has loaded — stays up, reconnects, and answers every identify with the whole gallery: no
/// shard is left half-loaded (the cut loads are given back and loaded again) and no row is
/// counted twice.
#[test]
fn a_worker_whose_connection_is_cut_reconnects_and_answers_with_the_whole_gallery() {
    let Setup {
        _dir,
        db,
        home,
        pass,
        mut client,
        key,
        ..
    } = setup();
    let mate = reference(103);
    insert(&mut client, &key, &mate, &fvc(103, 1));
    // Enough filler people that the first load takes a while (it is cut several times).
    const FILLERS: u64 = 3000;
    fillers(&mut client, &key, 20_000, FILLERS);
    let people = FILLERS as usize + 1;

    let cut = |client: &mut postgres::Client| -> u64 {
        client
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() \
                   AND application_name = 'huella-central-worker'",
                &[],
            )
            .expect("terminate")
            .len() as u64
    };
    let w = Worker::start(&home, &pass, &db.url, "0-255");
    // Cut the worker's connection every 150 ms for 3 s while it loads.
    let mut cuts = 0;
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(150));
        cuts += cut(&mut client);
    }
    assert!(cuts > 0, "the worker's connection was cut");
    let opts = IdentifyOptions {
        timeout: Duration::from_secs(120),
        max_results: 5,
    };
    let answer = coordinator::identify(&mut client, &key, "after-cuts", &[(1, fvc(103, 2))], &opts)
        .expect("identify after the cuts");
    assert_eq!(
        answer.candidates.first().map(|c| c.person.as_str()),
        Some(mate.as_str()),
        "{:?}",
        answer.candidates
    );
    assert_eq!(answer.people, people, "every person loaded exactly once");
    assert!(
        answers(&mut client, &answer.request_id)
            .iter()
            .all(|(_, worker)| *worker == w.name),
        "the same worker process answered every shard"
    );

    // Loaded, then cut once more: it reconnects without reloading what it had.
    let mut reconnected = false;
    while let Ok(line) = w.lines.try_recv() {
        reconnected |= line.starts_with("reconectado");
    }
    assert!(reconnected, "the worker said it reconnected");
    assert!(cut(&mut client) > 0);
    let late = reference(110);
    insert(&mut client, &key, &late, &fvc(110, 1));
    let answer = coordinator::identify(
        &mut client,
        &key,
        "after-one-cut",
        &[(1, fvc(110, 3))],
        &opts,
    )
    .expect("identify after one more cut");
    assert_eq!(
        answer.candidates.first().map(|c| c.person.as_str()),
        Some(late.as_str())
    );
    assert_eq!(answer.people, people + 1);
    let mut lines = Vec::new();
    while let Ok(line) = w.lines.try_recv() {
        lines.push(line);
    }
    assert!(
        lines
            .iter()
            .any(|l| l == "reconectado, 0 fragmentos por recargar"),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.starts_with("cargados")),
        "nothing reloaded after a cut once loaded: {lines:?}"
    );
    let mut w = w;
    assert!(
        w.child.try_wait().expect("wait").is_none(),
        "the worker is still running"
    );
}

/// The gallery's references (with fingers) and tombstones, sorted.
fn references(url: &str) -> (Vec<String>, Vec<String>) {
    let list = |sql: &str| -> Vec<String> {
        let text = pg::psql(url, sql);
        text.lines()
            .map(str::to_owned)
            .filter(|l| !l.is_empty())
            .collect()
    };
    (
        list("SELECT DISTINCT reference_id FROM gallery_fingers ORDER BY 1"),
        list("SELECT reference_id FROM gallery_deletions ORDER BY 1"),
    )
}

/// The central pass's bookkeeping (`ShardedGallery`): a re-captured person's new capture set
/// is inserted under a new reference and the old one deleted; a plain record-id reference (an
/// older gallery) counts as an older set; a pass killed after inserting the new set and
/// before deleting the old is finished by the next; nothing is fetched or written for people
/// already current; the new finger is found, the old one no longer, and every reference of
/// the probe's own record is left out.
#[test]
fn a_recaptured_persons_new_capture_set_replaces_the_old_one_in_the_sharded_gallery() {
    use huella::workflows::central::gallery::capture_reference;
    use huella::workflows::central::shards::national::{PutReport, ShardedGallery};
    use huella_sync::RecordId;

    let Setup {
        _dir,
        db,
        home,
        pass,
        mut client,
        key: _,
        ..
    } = setup();
    // Three openings of the key with the central node's identity (two passes and the test).
    let (key, k1, k2) = {
        let session = huella::workflows::session::Session::open_with(
            &huella::home::Home::new(home.clone()),
            "admin",
            &huella_keys::Passphrase::new("clave-de-prueba-central"),
        )
        .expect("session");
        let station = &session.credential.station;
        (
            GalleryKey::open(&mut client, station).expect("key"),
            GalleryKey::open(&mut client, station).expect("key"),
            GalleryKey::open(&mut client, station).expect("key"),
        )
    };
    let timeout = Duration::from_secs(90);
    let (ra, rb, rc, rd) = (
        RecordId::generate(),
        RecordId::generate(),
        RecordId::generate(),
        RecordId::generate(),
    );
    let one = |t: Template| -> Result<Vec<(u8, Template)>, ShardError> { Ok(vec![(1, t)]) };
    // An older gallery: rb under its plain record id.
    insert(&mut client, &key, &rb.to_hex(), &fvc(104, 1));

    // Pass 1: ra and rc inserted; rb's plain reference replaced by its current set.
    let mut g1 = ShardedGallery::with(
        tables::connect(&db.url, "pass-1").expect("connect"),
        k1,
        timeout,
    )
    .expect("gallery");
    assert_eq!(g1.references(rb), [rb.to_hex()]);
    let put = g1
        .put_all(
            &[
                (ra, "aaaaaaaa".into()),
                (rb, "bbbbbbbb".into()),
                (rc, "cccccccc".into()),
            ],
            |id| {
                one(if id == ra {
                    fvc(101, 1)
                } else if id == rb {
                    fvc(104, 1)
                } else {
                    fvc(106, 1)
                })
            },
        )
        .expect("put");
    assert_eq!(
        put,
        PutReport {
            inserted: 3,
            replaced: 1
        }
    );
    // ra is re-captured: the new set goes in, the old one out.
    let put = g1
        .put_all(&[(ra, "a2a2a2a2".into())], |_| one(fvc(102, 1)))
        .expect("put");
    assert_eq!(
        put,
        PutReport {
            inserted: 1,
            replaced: 1
        }
    );
    assert_eq!(g1.references(ra), [capture_reference(ra, "a2a2a2a2")]);
    drop(g1);

    // A pass killed after inserting rc's new set and before deleting its old one.
    insert(
        &mut client,
        &key,
        &capture_reference(rc, "c2c2c2c2"),
        &fvc(107, 1),
    );
    // The next pass: only rc's old set is deleted and rd (a verdict written by a pass killed
    // before its insert) inserted; the people already current cost nothing.
    let mut g2 = ShardedGallery::with(
        tables::connect(&db.url, "pass-2").expect("connect"),
        k2,
        timeout,
    )
    .expect("gallery");
    assert_eq!(g2.references(rc).len(), 2);
    let mut fetched = Vec::new();
    let put = g2
        .put_all(
            &[
                (ra, "a2a2a2a2".into()),
                (rb, "bbbbbbbb".into()),
                (rc, "c2c2c2c2".into()),
                (rd, "dddddddd".into()),
            ],
            |id| {
                fetched.push(id);
                one(fvc(108, 1))
            },
        )
        .expect("put");
    assert_eq!(
        put,
        PutReport {
            inserted: 1,
            replaced: 1
        }
    );
    assert_eq!(fetched, [rd], "templates are read only for a missing set");
    let (live, gone) = references(&db.url);
    let mut want_live = vec![
        capture_reference(ra, "a2a2a2a2"),
        capture_reference(rb, "bbbbbbbb"),
        capture_reference(rc, "c2c2c2c2"),
        capture_reference(rd, "dddddddd"),
    ];
    want_live.sort();
    assert_eq!(live, want_live);
    let mut want_gone = vec![
        capture_reference(ra, "aaaaaaaa"),
        rb.to_hex(),
        capture_reference(rc, "cccccccc"),
    ];
    want_gone.sort();
    assert_eq!(gone, want_gone);
    // Every set of a person was in the person's one shard.
    assert_eq!(
        pg::psql(
            &db.url,
            "SELECT count(*) FROM (SELECT split_part(reference_id, '.', 1) FROM \
             (SELECT reference_id, shard FROM gallery_fingers UNION ALL \
              SELECT reference_id, shard FROM gallery_deletions) u \
             GROUP BY 1 HAVING count(DISTINCT shard) > 1) x"
        ),
        "0"
    );

    // A set deleted before is never reused: re-capturing ra back to its first set gets a
    // fresh reference under that set.
    let put = g2
        .put_all(&[(ra, "aaaaaaaa".into())], |_| one(fvc(101, 1)))
        .expect("put");
    assert_eq!(put.inserted, 1);
    let again = g2.references(ra).to_vec();
    assert_eq!(again.len(), 1);
    assert!(
        again[0].starts_with(&format!("{}.", capture_reference(ra, "aaaaaaaa"))),
        "{again:?}"
    );
    // Back to the second set for the searches below.
    g2.put_all(&[(ra, "a2a2a2a2".into())], |_| one(fvc(102, 1)))
        .expect("put");

    // The searches: ra's new finger is found as ra, its old one no longer.
    let w = Worker::start(&home, &pass, &db.url, "0-255");
    assert_eq!(w.loaded(), 256);
    let probe = RecordId::generate();
    let hits = g2.search(probe, &[(1, fvc(102, 3))]).expect("search");
    assert_eq!(hits.first().map(|h| h.id), Some(ra), "{hits:?}");
    let hits = g2.search(probe, &[(1, fvc(101, 3))]).expect("search");
    assert!(hits.iter().all(|h| h.id != ra), "{hits:?}");
    // ra searching with its own new finger finds nobody (all its references are itself).
    let hits = g2.search(ra, &[(1, fvc(102, 3))]).expect("search");
    assert!(hits.is_empty(), "{hits:?}");

    // The per-pass deletion: everyone but rb leaves, in one batch.
    let removed = g2.drop_unless(|id| id == rb).expect("drop");
    assert_eq!(removed, 3);
    let (live, _) = references(&db.url);
    assert_eq!(live, [capture_reference(rb, "bbbbbbbb")]);
}

/// A long run of inserts and deletes (beyond the worker's `bulk_follow`) is followed shard by
/// shard; after a cut connection the worker reconnects and follows the next run; every person
/// is held once, the deleted ones not at all, and the mate of a run is found.
#[test]
fn a_worker_follows_a_bulk_run_shard_by_shard_and_holds_everyone_once() {
    use huella::workflows::central::shards::ShardRange;
    use huella::workflows::central::shards::worker::{Worker as Searcher, WorkerOptions};
    use std::sync::atomic::{AtomicBool, Ordering};

    let db = Database::create();
    let central = huella_keys::StationSecrets::generate("C1", "CENTRAL");
    let mut client = tables::connect(&db.url, "test").expect("connect");
    let key = GalleryKey::create(&mut client, &central.public().office_recipient).expect("key");
    fillers(&mut client, &key, 30_000, 10);
    let mut worker = Searcher::connect(
        &db.url,
        GalleryKey::open(&mut client, &central).expect("key"),
        WorkerOptions {
            range: ShardRange {
                first: 0,
                last: 255,
            },
            lease: Duration::from_secs(30),
            threads: 1,
            name: "bulk".into(),
            bulk_follow: 50,
        },
    )
    .expect("worker");
    let mut quiet = |_| {};
    worker.step(&mut quiet).expect("claim and load");
    assert_eq!(worker.fingers(), 10);

    // A run of 201 inserts and 5 deletes (206 sequence numbers > 50).
    let run = fillers(&mut client, &key, 31_000, 200);
    let mate = reference(104);
    insert(&mut client, &key, &mate, &fvc(104, 1));
    for r in &run[..5] {
        requests::delete(&mut client, &new_request_id(), r).expect("delete");
    }
    worker.step(&mut quiet).expect("follow the run");
    assert_eq!(worker.fingers(), 10 + 200 + 1 - 5);

    // The connection is cut; the next run is followed after the reconnection.
    client
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name = 'huella-central-worker'",
            &[],
        )
        .expect("terminate");
    fillers(&mut client, &key, 32_000, 100);
    assert!(worker.step(&mut quiet).is_err(), "the cut is seen");
    worker.recover(&mut quiet).expect("reconnect");
    worker.step(&mut quiet).expect("follow the second run");
    assert_eq!(worker.fingers(), 10 + 200 + 1 - 5 + 100);

    // The worker answers: the mate of the first run first.
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                if !worker.step(&mut |_| {}).expect("step") {
                    worker.wait_for_work().expect("wait");
                }
            }
        });
        let answer = coordinator::identify(
            &mut client,
            &key,
            "bulk-probe",
            &[(1, fvc(104, 2))],
            &IdentifyOptions {
                timeout: Duration::from_secs(60),
                max_results: 3,
            },
        );
        stop.store(true, Ordering::Relaxed);
        let answer = answer.expect("identify");
        assert_eq!(
            answer.candidates.first().map(|c| c.person.as_str()),
            Some(mate.as_str())
        );
        assert_eq!(answer.people, 10 + 200 + 1 - 5 + 100);
    });
}
