//! The central node end to end through the real binary: offices A (0901) and B (0902) wrap
//! their records to the central key (`init --central`), a hub process trusts the three
//! rosters, the scanner and camera simulators run on pseudo-terminals. A person enrolled and
//! approved at A becomes `registrado` at A after `central run` and a sync (the verdict is
//! verified at A against the central roster); the same fingers enrolled as another person at
//! B open a duplicate case at the central node, whose supervisor decides it, and the
//! decision reaches B with its next sync.

mod common;
#[cfg(feature = "postgres")]
#[path = "common/pg.rs"]
mod pgdb;
mod support;

use std::path::{Path, PathBuf};

use common::{huella, ok, s, spawn};

/// A station home with its admin (`admin`), an officer (`ana`) and a supervisor (`sup`).
struct Office {
    home: PathBuf,
    pass: PathBuf,
}

impl Office {
    fn who<'a>(&'a self, user: &'a str) -> [&'a str; 4] {
        ["--as", user, "--passphrase-file", s(&self.pass)]
    }

    fn run(&self, user: &str, args: &[&str]) -> String {
        let mut all = args.to_vec();
        all.extend(self.who(user));
        ok(&huella(&self.home, &all))
    }
}

fn station(dir: &Path, office: &str, name: &str, central: Option<&str>) -> Office {
    let home = dir.join(name);
    let pass = dir.join("pass");
    std::fs::write(&pass, "clave-de-prueba-central\n").expect("pass");
    let mut args = vec![
        "init",
        "--office",
        office,
        "--station",
        name,
        "--admin",
        "admin",
        "--passphrase-file",
        s(&pass),
    ];
    if let Some(k) = central {
        args.extend(["--central", k]);
    }
    ok(&huella(&home, &args));
    let o = Office { home, pass };
    for (user, role) in [("ana", "officer"), ("sup", "supervisor")] {
        o.run(
            "admin",
            &[
                "officer",
                "add",
                user,
                "--role",
                role,
                "--new-passphrase-file",
                s(&o.pass),
            ],
        );
    }
    o.run(
        "admin",
        &["policy", "set", "--approval-without-finger", "true"],
    );
    o
}

/// Imports 2 people with `seed`, enrolls the first with the synthetic fingers of subject 42
/// and has the supervisor approve it; returns its CURP.
fn enroll_and_approve(o: &Office, dir: &Path, seed: &str) -> String {
    enroll_and_approve_as(o, dir, seed, "42")
}

/// [`enroll_and_approve`] with the synthetic fingers of `subject`.
fn enroll_and_approve_as(o: &Office, dir: &Path, seed: &str, subject: &str) -> String {
    let csv = dir.join(format!("people-{seed}.csv"));
    ok(&huella(
        &o.home,
        &[
            "sample",
            "csv",
            "--people",
            "2",
            "--seed",
            seed,
            "--out",
            s(&csv),
        ],
    ));
    o.run("admin", &["import", s(&csv)]);
    let text = std::fs::read_to_string(&csv).expect("csv");
    let curp = text
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').next())
        .expect("curp")
        .to_owned();
    capture(o, &curp, subject, false);
    approve(o);
    curp
}

/// Enrolls `curp` (a new round of a rejected person with `reopen`) with the synthetic
/// fingers of `subject`, through the scanner and camera simulators.
fn capture(o: &Office, curp: &str, subject: &str, reopen: bool) {
    let scanner = spawn(
        &o.home,
        &["sim", "scanner", "--synthetic", subject, "--unpaced"],
    );
    let camera = spawn(&o.home, &["sim", "camera", "--unpaced"]);
    let mut args = vec![
        "enroll",
        "--curp",
        curp,
        "--consent",
        "--scanner",
        scanner.pty(),
        "--camera",
        camera.pty(),
    ];
    if reopen {
        args.push("--reopen");
    }
    let out = o.run("ana", &args);
    assert!(out.contains("enviado a aprobación"), "{out}");
}

/// The supervisor approves the first record of the review queue.
fn approve(o: &Office) {
    let out = decide_first(o, &["approve"]);
    assert!(out.contains("aprobar"), "{out}");
}

/// The supervisor takes `decision` (`approve`, `recapture --reason R`, …) on the first
/// record of the review queue; returns the output.
fn decide_first(o: &Office, decision: &[&str]) -> String {
    let queue: serde_json::Value =
        serde_json::from_str(&o.run("sup", &["review", "list", "--json"])).expect("json");
    let id = queue[0]["id"].as_str().expect("id").to_owned();
    // Decisions are timestamped to the second; a supervisor never decides in the same second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut args = vec!["review"];
    args.extend_from_slice(&decision[..1]);
    args.push(&id);
    args.extend_from_slice(&decision[1..]);
    o.run("sup", &args)
}

fn status(o: &Office, curp: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_str(&o.run("sup", &["find", "--curp", curp, "--json"])).expect("json");
    v[0]["estado_biometrico"]
        .as_str()
        .expect("status")
        .to_owned()
}

fn verdict(o: &Office, curp: &str) -> serde_json::Value {
    serde_json::from_str(&o.run("sup", &["central", "show", "--curp", curp, "--json"]))
        .expect("json")
}

/// Runs one central pass at `c` that must examine one record and open one case (else fails
/// with `why`, where `{out}` stands for the pass's output); returns the open cases as JSON.
fn one_new_case(c: &Office, run: &[&str], why: &str) -> Vec<serde_json::Value> {
    let out = c.run("admin", run);
    assert!(
        out.trim_end()
            .ends_with("central: examinados 1, registrados 0, casos 1"),
        "{}",
        why.replace("{out}", &out)
    );
    let cases: serde_json::Value =
        serde_json::from_str(&c.run("sup", &["central", "cases", "--json"])).expect("json");
    cases.as_array().expect("array").clone()
}

fn roster(o: &Office, out: &Path) -> PathBuf {
    o.run("admin", &["sync", "roster", "export", "--out", s(out)]);
    out.to_path_buf()
}

#[test]
fn a_person_becomes_registrado_and_a_national_duplicate_is_decided_centrally() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let c = station(d, "CENTRAL", "C1", None);
    scenario(d, &c, &["central", "run"]);
}

/// The same scenario with `central run --search postgres://…` and one `central worker`
/// process holding every shard (feature `postgres`, needs `HUELLA_PG_URL`); the search
/// database then holds no CURP.
#[cfg(feature = "postgres")]
#[test]
fn the_same_verdicts_come_from_the_sharded_search() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let c = station(d, "CENTRAL", "C1", None);
    let db = pg::Database::create();
    let _worker = pg::Worker::start(&c.home, &c.pass, &db.url);
    let run = ["central", "run", "--search", db.url.as_str()];
    let (first, second, third) = scenario(d, &c, &run);
    // The passes went through the search database.
    let count = |sql: &str| pg::psql(&db.url, sql);
    // A's person, B's (under a case), B's re-captured set and the third person (under a
    // case) were inserted; A's cancellation and B's rejection as a duplicate deleted the
    // first two (DELETE requests).
    assert_eq!(
        count("SELECT count(*) FROM abis_requests WHERE operation = 'INSERT'"),
        "4"
    );
    assert_eq!(
        count("SELECT count(*) FROM gallery_deletions"),
        "2",
        "an erased and a rejected person leave the national gallery"
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM abis_requests WHERE operation = 'IDENTIFY' AND answered_at IS NOT NULL"
        ),
        "4"
    );
    // B's person: the first capture set deleted, the new one in, under another reference
    // of the same record (same shard).
    let id_of = |curp: &str| -> String {
        let v: serde_json::Value =
            serde_json::from_str(&c.run("sup", &["find", "--curp", curp, "--json"])).expect("json");
        v[0]["id"].as_str().expect("id").to_owned()
    };
    let (b_id, third_id) = (id_of(&second), id_of(&third));
    let b_live = count(&format!(
        "SELECT DISTINCT reference_id FROM gallery_fingers WHERE reference_id LIKE '{b_id}.%'"
    ));
    let b_gone = count(&format!(
        "SELECT reference_id FROM gallery_deletions WHERE reference_id LIKE '{b_id}%'"
    ));
    assert_eq!(b_live.len(), 32 + 1 + 8, "one current set: {b_live}");
    assert_eq!(b_gone.len(), 32 + 1 + 8, "one deleted set: {b_gone}");
    assert_ne!(b_live, b_gone, "the re-capture is a new reference");
    assert_eq!(
        count(&format!(
            "SELECT count(DISTINCT shard) FROM (SELECT shard FROM gallery_fingers WHERE reference_id LIKE '{b_id}%' \
             UNION ALL SELECT shard FROM gallery_deletions WHERE reference_id LIKE '{b_id}%') s"
        )),
        "1"
    );
    assert_eq!(
        count("SELECT count(DISTINCT reference_id) FROM gallery_fingers"),
        "2",
        "B's current set and the third person"
    );
    // A pass killed after the third person's verdict and before its insert: the next pass,
    // with nobody new to judge, inserts it.
    let third_ref = count(&format!(
        "SELECT DISTINCT reference_id FROM gallery_fingers WHERE reference_id LIKE '{third_id}.%'"
    ));
    assert!(!third_ref.is_empty());
    count(&format!(
        "DELETE FROM gallery_fingers WHERE reference_id = '{third_ref}'; \
         DELETE FROM abis_requests WHERE operation = 'INSERT' AND reference_id = '{third_ref}'"
    ));
    let out = c.run("admin", &run);
    assert!(out.contains("examinados 0"), "{out}");
    assert_eq!(
        count(&format!(
            "SELECT count(*) FROM gallery_fingers WHERE reference_id = '{third_ref}'"
        )),
        "10",
        "the next pass finished the insert"
    );
    assert_eq!(
        count("SELECT count(*) FROM abis_requests WHERE operation = 'INSERT'"),
        "4"
    );
    let dump = std::process::Command::new("pg_dump")
        .args(["--no-owner", &db.url])
        .output()
        .expect("pg_dump");
    assert!(dump.status.success());
    let text = String::from_utf8_lossy(&dump.stdout);
    assert!(text.contains("gallery_fingers"));
    for curp in [&first, &second, &third] {
        assert!(!text.contains(curp.as_str()), "CURP in the search database");
        assert!(
            !text.contains(&hex::encode(curp.as_bytes())),
            "CURP as bytea hex"
        );
    }
}

/// Offices A and B, the hub, and the whole scenario with `run` as the central pass;
/// returns the three CURPs (A's person, B's duplicate re-captured, A's third person with
/// B's new fingers).
fn scenario(d: &Path, c: &Office, run: &[&str]) -> (String, String, String) {
    let key = ok(&huella(&c.home, &["central", "key"])).trim().to_owned();
    assert!(key.starts_with("age1"), "{key}");
    let a = station(d, "0901", "A", Some(&key));
    let b = station(d, "0902", "B", Some(&key));
    let rosters = [
        roster(&a, &d.join("a.lista")),
        roster(&b, &d.join("b.lista")),
        roster(c, &d.join("c.lista")),
    ];
    let (_hub, url) = start_hub_trusting(&d.join("hub"), &rosters);
    let sync = |o: &Office| o.run("admin", &["sync", "--hub", &url]);

    // Office A: enrolled, approved, synced; the central node registers the person.
    let first = enroll_and_approve(&a, d, "11");
    assert_eq!(status(&a, &first), "aprobado");
    assert!(verdict(&a, &first).is_null());
    sync(&a);
    sync(c);
    let out = c.run("admin", run);
    assert!(
        out.trim_end()
            .ends_with("central: examinados 1, registrados 1, casos 0"),
        "{out}"
    );
    // A second pass has nothing new to judge.
    let out = c.run("admin", run);
    assert!(out.contains("examinados 0"), "{out}");
    sync(c);
    sync(&a);
    assert_eq!(status(&a, &first), "registrado");
    let v = verdict(&a, &first);
    assert_eq!(v["resultado"], "registrado", "{v}");
    assert_eq!(v["verificado"], true, "{v}");
    assert_eq!(v["oficina"], "CENTRAL", "{v}");
    let text = a.run("sup", &["central", "show", "--curp", &first]);
    assert!(
        text.contains("dictamen central: registrado verificado"),
        "{text}"
    );
    assert!(text.contains("Biométrico registrado"), "{text}");

    // Office B: the same fingers under another CURP. The central pass opens a case.
    let second = enroll_and_approve(&b, d, "12");
    assert_ne!(first, second);
    sync(&b);
    sync(c);
    let cases = one_new_case(c, run, "{out}");
    let case = &cases[0];
    assert_eq!(case["persona"]["curp"], second.as_str(), "{case}");
    assert_eq!(case["persona"]["oficina"], "0902", "{case}");
    assert_eq!(case["coincidencias"][0]["curp"], first.as_str(), "{case}");
    assert_eq!(case["coincidencias"][0]["oficina"], "0901", "{case}");
    assert!(
        case["coincidencias"][0]["dedos"].as_u64().unwrap_or(0) >= 5,
        "{case}"
    );
    let case_id = case["caso"].as_str().expect("case id").to_owned();
    // B sees the open case (verified), status still aprobado.
    sync(c);
    sync(&b);
    let v = verdict(&b, &second);
    assert_eq!(v["resultado"], "en_revision", "{v}");
    assert_eq!(v["verificado"], true, "{v}");
    assert_eq!(status(&b, &second), "aprobado");

    // Only a supervisor decides, with a reason; the decision reaches B.
    let refused = huella(
        &c.home,
        &[
            "central",
            "decide",
            &case_id,
            "--duplicate",
            "--reason",
            "misma persona",
            "--as",
            "ana",
            "--passphrase-file",
            s(&c.pass),
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    // The central supervisor decides in the console (the real binary in tmux, English at
    // 80×24): the case list, the match's strength, the prompt with the passphrase again.
    let t = support::Tmux::start(&support::console_command(&c.home, "en"));
    t.run(&["resize-window", "-t", "c", "-x", "80", "-y", "24"]);
    t.wait_for("Log in");
    t.text("sup");
    t.keys(&["Enter"]);
    t.text("clave-de-prueba-central");
    t.keys(&["Enter"]);
    t.wait_for("Today's work");
    t.keys(&["F11"]);
    let screen = t.wait_for("National duplicate cases (1)");
    assert!(screen.contains(&second), "{screen}");
    assert!(screen.contains(&first), "the match is shown: {screen}");
    assert!(
        screen.contains("duplicate"),
        "a readable strength: {screen}"
    );
    t.keys(&["r"]);
    t.wait_for("Same person: reject as a duplicate");
    t.text("misma persona, dos CURP");
    t.keys(&["Tab"]);
    t.text("clave-de-prueba-central");
    t.keys(&["Enter"]);
    t.wait_for("Case decided: rejected as a national duplicate");
    t.wait_for("No open cases");
    t.keys(&["C-q"]);
    support::wait_exit(&t);
    drop(t);
    // The same case from the command line: already decided.
    let again = huella(
        &c.home,
        &[
            "central",
            "decide",
            &case_id,
            "--distinct",
            "--reason",
            "otra vez",
            "--as",
            "sup",
            "--passphrase-file",
            s(&c.pass),
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("no hay un caso de duplicado abierto"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let none = c.run("sup", &["central", "cases"]);
    assert!(none.contains("no hay casos"), "{none}");
    sync(c);
    sync(&b);
    assert_eq!(status(&b, &second), "rechazado");
    let v = verdict(&b, &second);
    assert_eq!(v["resultado"], "duplicado", "{v}");
    assert_eq!(v["verificado"], true, "{v}");
    assert_eq!(v["supervisor"], "sup", "{v}");
    // A's person is untouched by B's case.
    assert_eq!(status(&a, &first), "registrado");

    // A's person exercises cancellation (ARCO) at A: the erasure order reaches the central
    // node, which held the record readable, and erases it there too (its fingers leave the
    // national gallery); the identity stays, restricted.
    let find = |o: &Office, curp: &str| -> serde_json::Value {
        serde_json::from_str(&o.run("sup", &["find", "--curp", curp, "--json"])).expect("json")
    };
    let old = find(c, &first)[0]["id"].as_str().expect("id").to_owned();
    let out = a.run(
        "sup",
        &[
            "arco",
            "cancel",
            "--curp",
            &first,
            "--reason",
            "retira consentimiento",
            "--identification",
            "INE 555",
        ],
    );
    assert!(out.contains("biometría borrada"), "{out}");
    sync(&a);
    sync(c);
    let at_c = find(c, &first);
    assert_eq!(at_c.as_array().map(Vec::len), Some(1), "{at_c}");
    assert_ne!(
        at_c[0]["id"],
        old.as_str(),
        "the old record is erased at the central node"
    );
    assert_eq!(at_c[0]["estado_biometrico"], "restringido", "{at_c}");
    // The next central pass has nobody new to judge (and, on the sharded search, deletes the
    // people no longer registered or under a case from the search database).
    let out = c.run("admin", run);
    assert!(out.contains("examinados 0"), "{out}");

    // B's rejected person is re-captured with other fingers and approved: B reopens the
    // person (the new round starts from the captures rejected), B's supervisor asks for every
    // finger again, they are taken and approved. The central pass registers the new capture
    // set, and it is that set that is searched from then on: a third person with the same
    // new fingers, at A, opens a case against B's person. (On the sharded search the first
    // set's reference was deleted with the rejection; a reference is inserted once, so the
    // new set needs its own.)
    assert_eq!(status(&b, &second), "rechazado");
    capture(&b, &second, "42", true);
    let out = decide_first(&b, &["recapture", "--reason", "huellas de otra persona"]);
    assert!(out.contains("recapturar"), "{out}");
    capture(&b, &second, "43", false);
    approve(&b);
    sync(&b);
    sync(c);
    let out = c.run("admin", run);
    assert!(
        out.trim_end()
            .ends_with("central: examinados 1, registrados 1, casos 0"),
        "{out}"
    );
    let third = enroll_and_approve_as(&a, d, "13", "43");
    sync(&a);
    sync(c);
    let cases = one_new_case(
        c,
        run,
        "the re-captured fingers are in the national gallery: {out}",
    );
    let case = &cases[0];
    assert_eq!(case["persona"]["curp"], third.as_str(), "{case}");
    assert_eq!(case["coincidencias"][0]["curp"], second.as_str(), "{case}");
    ok(&huella(&b.home, &["audit", "verify"]));
    ok(&huella(&c.home, &["audit", "verify"]));
    (first, second, third)
}

/// A database and a worker process for the sharded search.
#[cfg(feature = "postgres")]
mod pg {
    use std::io::{BufRead, BufReader};
    use std::path::Path;
    use std::process::{Child, Command, Stdio};

    pub use crate::pgdb::{Database, psql};

    /// A `central worker` holding every shard; killed when dropped.
    pub struct Worker(Child);

    impl Worker {
        /// Starts it and waits until it has loaded its shards.
        pub fn start(home: &Path, pass: &Path, url: &str) -> Self {
            let mut child = Command::new(env!("CARGO_BIN_EXE_huella"))
                .arg("--home")
                .arg(home)
                .args(["central", "worker", "--store", url, "--shards", "0-255"])
                .args(["--lease-secs", "5", "--threads", "1", "--as", "admin"])
                .arg("--passphrase-file")
                .arg(pass)
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn worker");
            let out = child.stdout.take().expect("stdout");
            let mut lines = BufReader::new(out).lines();
            let loaded = lines
                .by_ref()
                .map_while(Result::ok)
                .any(|l| l.starts_with("cargados 256 fragmentos"));
            assert!(loaded, "the worker did not load its shards");
            // Keep draining its output so it never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
            Worker(child)
        }
    }

    impl Drop for Worker {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// A hub on loopback trusting every roster in `rosters`.
fn start_hub_trusting(home: &Path, rosters: &[PathBuf]) -> (common::Hub, String) {
    common::start_hub_with(home, rosters)
}
