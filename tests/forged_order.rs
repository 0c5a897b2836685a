//! Issue #19 through the real binary, for orders that are not decisions: stations A and B of
//! office 0901 joined by invite and a hub process. A plain officer of A, with a modified
//! binary (here: the library, with their own credential), records a `defuncion` signed with
//! their own key into a person's record; a supervisor records another person's death with
//! `huella movement defuncion`. After both stations sync, neither counts the first death
//! (`find --json`: no `defuncion` among the movements the history replays), `huella person`
//! marks it "firma no válida" / "invalid signature", and the genuine one counts on both. The
//! same for a `restringido` the officer writes, against the one a cancellation
//! (`huella arco cancel`) leaves.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{add_officer, admin, huella, init_station, join_station, ok, s, start_hub};
use huella::home::Home;
use huella::workflows::session::Session;
use huella_keys::Passphrase;
use huella_sync::{AuditAction, Movement, MovementKind, Seal};

fn as_user(home: &Path, user: &str, pass: &Path, args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.extend(["--as", user, "--passphrase-file", s(pass)]);
    ok(&huella(home, &all))
}

/// `curp`'s entry of `find --json` at `home`.
fn found(home: &Path, pass: &Path, curp: &str) -> serde_json::Value {
    let out = ok(&admin(home, pass, &["find", "--curp", curp, "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v[0].clone()
}

fn has_death(person: &serde_json::Value) -> bool {
    person["movimientos"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["tipo"] == "defuncion")
}

/// Oscar's modified binary: a `defuncion` of `curp` signed with his own key, carrying his
/// station's officer list, written into the record at `home`.
fn forge_death(home: &Path, user: &str, pass: &str, curp: &str, date: &str) {
    let session =
        Session::open_with(&Home::new(home.to_path_buf()), user, &Passphrase::new(pass)).unwrap();
    let id = huella::workflows::movements::person_by_curp(&session, curp).unwrap();
    let mut open = session.store.open_record(&session.keys(), id).unwrap();
    let me = &session.credential.officer;
    let m = Movement {
        id: "MOV-FORJADO-1".into(),
        kind: MovementKind::Defuncion,
        fecha: date.into(),
        registro_patronal: String::new(),
        salario_diario: None,
        regimen: None,
        motivo: None,
        oficial: me.user().into(),
        registrado_en: huella_sync::time::now_utc(),
    };
    let seal = Seal {
        signature: me.sign(&m.signed_message(&id)).to_hex(),
        signer: huella::workflows::review::signer_of(&session).unwrap(),
    };
    open.record.add_signed_movement(&m, &seal).unwrap();
    let tags = huella::workflows::indexing::record_tags(
        session.credential.station.index_key(),
        &open.record,
    );
    let keys = session.keys();
    let mut b = session.store.batch();
    b.save_record(&keys, &mut open, tags).unwrap();
    b.audit(AuditAction::RegistroModificado, &[id], "prueba");
    session.store.commit(b, me, "t").unwrap();
}

#[test]
fn a_plain_officers_defuncion_counts_nowhere_and_a_supervisors_counts_everywhere() {
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
            "2",
            "--seed",
            "23",
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
    let today: String = huella_sync::time::now_utc().chars().take(10).collect();

    forge_death(&a, "oscar", "clave-de-oscar-2026", forged, &today);
    as_user(
        &a,
        "sofia",
        sofia,
        &["movement", "defuncion", "--curp", genuine, "--date", &today],
    );

    let (_hub, url) = start_hub(&p("hub"), &roster);
    for home in [&a, &b, &a] {
        ok(&admin(home, &pass, &["sync", "--hub", &url]));
    }
    for home in [&a, &b] {
        let f = found(home, &pass, forged);
        assert!(!has_death(&f), "{}: {f}", home.display());
        let g = found(home, &pass, genuine);
        assert!(has_death(&g), "{}: {g}", home.display());

        let file = as_user(home, "admin", &pass, &["person", "--curp", forged]);
        let line = file.lines().find(|l| l.contains("defuncion")).unwrap();
        assert!(line.contains("[firma no válida: no cuenta]"), "{file}");
        let file = as_user(
            home,
            "admin",
            &pass,
            &["--lang", "en", "person", "--curp", forged],
        );
        assert!(
            file.contains("[invalid signature: does not count]"),
            "{file}"
        );
        let file = as_user(home, "admin", &pass, &["person", "--curp", genuine]);
        let line = file.lines().find(|l| l.contains("defuncion")).unwrap();
        assert!(!line.contains("firma no válida"), "{file}");
    }
}

/// Oscar's modified binary: `restringido` written into `curp`'s record, signed with his own
/// key.
fn forge_restriction(home: &Path, user: &str, pass: &str, curp: &str) {
    let session =
        Session::open_with(&Home::new(home.to_path_buf()), user, &Passphrase::new(pass)).unwrap();
    let id = huella::workflows::movements::person_by_curp(&session, curp).unwrap();
    let mut open = session.store.open_record(&session.keys(), id).unwrap();
    let me = &session.credential.officer;
    let change = huella_sync::StatusChange {
        status: huella_sync::BiometricStatus::Restringido,
        at: huella_sync::time::now_utc(),
        by: me.user().into(),
        reason: "sin biometría: trámites por la vía alterna supervisada".into(),
    };
    let seal = Seal {
        signature: me.sign(&change.signed_message(&id)).to_hex(),
        signer: huella::workflows::review::signer_of(&session).unwrap(),
    };
    open.record.set_signed_status(&change, &seal).unwrap();
    let tags = huella::workflows::indexing::record_tags(
        session.credential.station.index_key(),
        &open.record,
    );
    let keys = session.keys();
    let mut b = session.store.batch();
    b.save_record(&keys, &mut open, tags).unwrap();
    b.audit(AuditAction::RegistroModificado, &[id], "prueba");
    session.store.commit(b, me, "t").unwrap();
}

#[test]
fn a_plain_officers_restringido_counts_nowhere_and_a_cancellations_counts_everywhere() {
    let d = tempfile::tempdir().unwrap();
    let p = |n: &str| -> PathBuf { d.path().join(n) };
    let (a, b) = (p("a"), p("b"));
    let pass = p("admin.pass");
    std::fs::write(&pass, "clave-de-prueba-admin\n").unwrap();
    init_station(&a, "0901", "A", &pass);
    let oscar = p("oscar.pass");
    std::fs::write(&oscar, "clave-de-oscar-2026\n").unwrap();
    add_officer(&a, &pass, "oscar", "officer", &oscar);
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
            "2",
            "--seed",
            "29",
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
    std::thread::sleep(std::time::Duration::from_millis(1100));
    forge_restriction(&a, "oscar", "clave-de-oscar-2026", forged);
    ok(&admin(
        &a,
        &pass,
        &[
            "arco",
            "cancel",
            "--curp",
            genuine,
            "--reason",
            "retira consentimiento",
            "--identification",
            "INE 555",
        ],
    ));
    let (_hub, url) = start_hub(&p("hub"), &roster);
    for home in [&a, &b, &a] {
        ok(&admin(home, &pass, &["sync", "--hub", &url]));
    }
    for home in [&a, &b] {
        let f = found(home, &pass, forged);
        assert_eq!(
            f["estado_biometrico"],
            "pendiente",
            "{}: {f}",
            home.display()
        );
        let g = found(home, &pass, genuine);
        assert_eq!(
            g["estado_biometrico"],
            "restringido",
            "{}: {g}",
            home.display()
        );
        let file = as_user(home, "admin", &pass, &["person", "--curp", forged]);
        let line = file
            .lines()
            .find(|l| l.contains("\trestringido\t"))
            .unwrap();
        assert!(line.contains("[firma no válida: no cuenta]"), "{file}");
    }
}
