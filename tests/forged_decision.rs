//! Issue #19 through the real binary: stations A and B of office 0901 joined by invite and a
//! hub process. A plain officer of A, with a modified binary (here: the library, with their
//! own credential), writes an approval signed with their own key and the status `aprobado`
//! into a captured person's record; a supervisor approves another person with `huella review
//! approve`. After both stations sync, neither shows the first person approved (`find`,
//! `status`, the approval queue), `huella person` marks the forged decision "firma no
//! válida", and the genuine approval approves on both.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{add_officer, admin, huella, init_station, join_station, ok, s, start_hub};
use huella::home::Home;
use huella::workflows::session::Session;
use huella_keys::Passphrase;
use huella_sync::{Approval, AuditAction, BiometricStatus, Decision, RecordId, StatusChange};

fn as_user(home: &Path, user: &str, pass: &Path, args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.extend(["--as", user, "--passphrase-file", s(pass)]);
    ok(&huella(home, &all))
}

fn status_of(home: &Path, pass: &Path, curp: &str) -> String {
    let out = ok(&admin(home, pass, &["find", "--curp", curp, "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v[0]["estado_biometrico"].as_str().unwrap().to_owned()
}

/// The id of `curp` at `home`, as `user`.
fn id_of(home: &Path, user: &str, pass: &str, curp: &str) -> RecordId {
    let session =
        Session::open_with(&Home::new(home.to_path_buf()), user, &Passphrase::new(pass)).unwrap();
    huella::workflows::lookup::find_ids(
        &session,
        &huella::workflows::lookup::Query::Curp(curp.to_owned()),
    )
    .unwrap()[0]
}

/// Writes into `curp`'s record at `home`, as `user`, the submission by `admin` and then,
/// when `forge` is set, an approval signed with `user`'s own key and the status `aprobado`.
fn write(home: &Path, user: &str, pass: &str, curp: &str, forge: bool) {
    let session =
        Session::open_with(&Home::new(home.to_path_buf()), user, &Passphrase::new(pass)).unwrap();
    let id = huella::workflows::lookup::find_ids(
        &session,
        &huella::workflows::lookup::Query::Curp(curp.to_owned()),
    )
    .unwrap()[0];
    let mut open = session.store.open_record(&session.keys(), id).unwrap();
    open.record
        .set_status(&StatusChange {
            status: BiometricStatus::Capturado,
            at: huella_sync::time::now_utc(),
            by: "admin".into(),
            reason: "captura completa".into(),
        })
        .unwrap();
    if forge {
        let me = &session.credential.officer;
        let mut a = Approval {
            id: RecordId::generate().to_hex(),
            decision: Decision::Aprobar,
            reason: String::new(),
            supervisor: me.user().into(),
            signed_at: huella_sync::time::now_utc(),
            capture_digest: open.record.capture_digest().unwrap(),
            signature: String::new(),
            signer: huella::workflows::review::signer_of(&session).unwrap(),
        };
        a.signature = me.sign(&a.signed_message(&id)).to_hex();
        open.record.add_approval(&a).unwrap();
        open.record
            .set_status(&StatusChange {
                status: BiometricStatus::Aprobado,
                at: a.signed_at.clone(),
                by: me.user().into(),
                reason: "aprobado".into(),
            })
            .unwrap();
    }
    let tags = huella::workflows::indexing::record_tags(
        session.credential.station.index_key(),
        &open.record,
    );
    let keys = session.keys();
    let mut b = session.store.batch();
    b.save_record(&keys, &mut open, tags).unwrap();
    b.audit(AuditAction::Aprobacion, &[id], "prueba");
    session
        .store
        .commit(b, &session.credential.officer, "t")
        .unwrap();
}

#[test]
fn a_plain_officers_approval_is_ignored_at_both_stations_and_a_supervisors_counts() {
    let d = tempfile::tempdir().unwrap();
    let p = |n: &str| -> PathBuf { d.path().join(n) };
    let (a, b) = (p("a"), p("b"));
    let pass = p("admin.pass");
    std::fs::write(&pass, "clave-de-prueba-admin\n").unwrap();
    init_station(&a, "0901", "A", &pass);
    let mut staff = Vec::new();
    for (user, role) in [("oscar", "officer"), ("sofia", "supervisor")] {
        let f = p(&format!("{user}.pass"));
        std::fs::write(&f, format!("clave-de-{user}-2026\n")).unwrap();
        add_officer(&a, &pass, user, role, &f);
        staff.push(f);
    }
    let sofia = &staff[1];
    join_station(d.path(), &a, &b, "B", &pass, "admin");
    let roster = p("roster");
    ok(&admin(
        &a,
        &pass,
        &["sync", "roster", "export", "--out", s(&roster)],
    ));
    let csv = p("people.csv");
    ok(&huella(
        &a,
        &[
            "sample",
            "csv",
            "--people",
            "3",
            "--seed",
            "19",
            "--out",
            s(&csv),
        ],
    ));
    ok(&admin(&a, &pass, &["import", s(&csv)]));
    let text = std::fs::read_to_string(&csv).unwrap();
    let curps: Vec<String> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next().map(str::to_owned))
        .collect();
    let (forged, genuine) = (&curps[0], &curps[1]);

    // Capturing takes minutes: the submission is not in the import's second (entries of one
    // second are in no particular order).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // Oscar's modified binary: the forged approval.
    write(&a, "oscar", "clave-de-oscar-2026", forged, true);
    // Sofia's real one, through `huella review approve`.
    write(&a, "admin", "clave-de-prueba-admin", genuine, false);
    ok(&admin(
        &a,
        &pass,
        &["policy", "set", "--approval-without-finger", "true"],
    ));
    let id = id_of(&a, "sofia", "clave-de-sofia-2026", genuine).to_hex();
    as_user(&a, "sofia", sofia, &["review", "approve", &id]);

    let (_hub, url) = start_hub(&p("hub"), &roster);
    for home in [&a, &b, &a] {
        ok(&admin(home, &pass, &["sync", "--hub", &url]));
    }
    for home in [&a, &b] {
        assert_eq!(
            status_of(home, &pass, forged),
            "capturado",
            "{}",
            home.display()
        );
        assert_eq!(
            status_of(home, &pass, genuine),
            "aprobado",
            "{}",
            home.display()
        );
        let st: serde_json::Value =
            serde_json::from_str(&ok(&huella(home, &["status", "--json"]))).unwrap();
        assert_eq!(st["por_estado"]["aprobado"], 1, "{st}");
        assert_eq!(st["pendientes_aprobacion"], 1, "{st}");
        let queue = as_user(home, "admin", &pass, &["review", "list"]);
        assert!(queue.contains(forged.as_str()), "{queue}");
        let file = as_user(home, "admin", &pass, &["person", "--curp", forged]);
        assert!(file.contains("FIRMA NO VÁLIDA"), "{file}");
        assert!(file.contains("[firma no válida: no cuenta]"), "{file}");
        let file = as_user(
            home,
            "admin",
            &pass,
            &["--lang", "en", "person", "--curp", forged],
        );
        assert!(file.contains("INVALID SIGNATURE"), "{file}");
        let file = as_user(home, "admin", &pass, &["person", "--curp", genuine]);
        assert!(!file.contains("FIRMA NO VÁLIDA"), "{file}");
    }
}
