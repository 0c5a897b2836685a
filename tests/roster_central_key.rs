//! `huella sync roster central-key age1…`: an office administrator names the central office's
//! key in an existing roster (until now only `init --central` did), as a new signed roster
//! version with its audit entry; a plain officer and a malformed key are refused, in both
//! languages, and nothing is written.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::{add_officer, admin, huella, init_station, ok, s};
use huella_sync::roster::SignedRoster;
use huella_sync::{AuditAction, Store};

fn roster_of(home: &std::path::Path, pass: &std::path::Path) -> huella_sync::roster::Roster {
    let out = home.join("..").join("roster.json");
    ok(&admin(
        home,
        pass,
        &["sync", "roster", "export", "--out", s(&out)],
    ));
    let signed = SignedRoster::from_file_bytes(&std::fs::read(&out).unwrap()).unwrap();
    signed.roster().unwrap()
}

fn changes_in_audit(home: &std::path::Path) -> usize {
    let store = Store::open(&home.join("almacen")).unwrap();
    store
        .audit_entries()
        .filter_map(Result::ok)
        .filter(|e| e.action == AuditAction::ListaOficinaModificada.as_str())
        .count()
}

#[test]
fn an_administrator_names_the_central_key_and_an_officer_or_a_bad_key_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path().join("a");
    let pass = d.path().join("admin.pass");
    std::fs::write(&pass, "clave-de-prueba-admin\n").unwrap();
    init_station(&home, "0901", "A", &pass);
    let oscar = d.path().join("oscar.pass");
    std::fs::write(&oscar, "clave-de-oscar-2026\n").unwrap();
    add_officer(&home, &pass, "oscar", "officer", &oscar);
    let before = roster_of(&home, &pass);
    assert!(before.central_key.is_empty());
    let central = huella_keys::StationSecrets::generate("CENTRAL-1", "0000")
        .public()
        .office_recipient;

    let o = huella(
        &home,
        &[
            "sync",
            "roster",
            "central-key",
            &central,
            "--as",
            "oscar",
            "--passphrase-file",
            s(&oscar),
        ],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("solo un administrador"));
    let o = admin(&home, &pass, &["sync", "roster", "central-key", "age1nada"]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("la llave central no es una llave pública age")
    );
    let o = admin(
        &home,
        &pass,
        &["--lang", "en", "sync", "roster", "central-key", "age1nada"],
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("the central key is not an age public key")
    );
    assert_eq!(roster_of(&home, &pass).version, before.version);
    assert_eq!(changes_in_audit(&home), 0);

    let out = ok(&admin(
        &home,
        &pass,
        &["sync", "roster", "central-key", &central],
    ));
    let after = roster_of(&home, &pass);
    assert_eq!(after.central_key, central);
    assert_eq!(after.version, before.version + 1);
    assert!(
        out.contains(&format!(
            "llave central nombrada (lista versión {})",
            after.version
        )),
        "{out}"
    );
    assert_eq!(changes_in_audit(&home), 1);
    ok(&huella(&home, &["audit", "verify"]));
}
