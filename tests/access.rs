//! Who may act at a station, through the real binary: the role comes from the station's
//! signed officer list, not from the credential file the officer holds. An officer who opens
//! their own credential with their passphrase (standard age), writes `admin` into it and
//! re-seals it is refused before anything is written; a credential copied from another
//! station or office is refused; an administrator of a station that joined by invite can
//! revoke the first station (the office keeps more than one roster signer).

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use common::{add_officer, admin, huella, import, init_station, join_station, ok, s};

struct Dir(tempfile::TempDir);

impl Dir {
    fn p(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write");
}

/// What an officer can do to their own credential with the age tool: open it with their
/// passphrase, replace the role field (a length-prefixed `officer`) by `admin`, re-seal it.
fn escalate(credential: &Path, passphrase: &str) {
    let sealed = std::fs::read(credential).expect("credential");
    let decryptor = age::Decryptor::new(&sealed[..]).expect("age file");
    let identity = age::scrypt::Identity::new(passphrase.to_owned().into());
    let mut plain = Vec::new();
    decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .expect("own passphrase opens it")
        .read_to_end(&mut plain)
        .expect("read");
    let from = [&[0u8, 7][..], b"officer"].concat();
    let to = [&[0u8, 5][..], b"admin"].concat();
    let at = plain
        .windows(from.len())
        .position(|w| w == from.as_slice())
        .expect("role field");
    plain.splice(at..at + from.len(), to);
    let mut recipient = age::scrypt::Recipient::new(passphrase.to_owned().into());
    recipient.set_work_factor(12);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as _)).expect("encryptor");
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).expect("wrap");
    w.write_all(&plain).expect("write");
    w.finish().expect("finish");
    std::fs::write(credential, out).expect("re-seal");
}

fn audit_count(home: &Path) -> String {
    ok(&huella(home, &["audit", "verify"]))
}

fn first_id(home: &Path, pass: &Path, curp: &str) -> String {
    let out = ok(&admin(home, pass, &["find", "--curp", curp, "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v[0]["id"].as_str().expect("id").to_owned()
}

#[test]
fn an_officer_who_edits_their_own_credential_to_admin_is_refused() {
    let d = Dir(tempfile::tempdir().expect("tmp"));
    let (home, pass, ana_pass) = (d.p("a"), d.p("pass"), d.p("ana.pass"));
    write(&pass, "clave-del-administrador\n");
    write(&ana_pass, "clave-de-ana-oficial\n");
    init_station(&home, "0901", "A", &pass);
    add_officer(&home, &pass, "ana", "officer", &ana_pass);
    let curp = import(&home, d.0.path(), "7", &pass);
    let id = first_id(&home, &pass, &curp);
    let before = audit_count(&home);

    escalate(
        &home.join("credenciales").join("ana.age"),
        "clave-de-ana-oficial",
    );
    let as_ana = ["--as", "ana", "--passphrase-file", s(&ana_pass)];

    let mut args = vec!["officer", "add", "mallory", "--role", "admin"];
    args.extend(["--new-passphrase-file", s(&ana_pass)]);
    args.extend(as_ana);
    let o = huella(&home, &args);
    assert!(!o.status.success(), "escalated officer add accepted");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("lista firmada de oficiales"), "{err}");
    assert!(!home.join("credenciales").join("mallory.age").exists());

    let mut args = vec!["sync", "erase", &id];
    args.extend(as_ana);
    let o = huella(&home, &args);
    assert!(!o.status.success(), "escalated erase accepted");

    // Nothing was written: the audit chain has the same entries and still verifies.
    assert_eq!(audit_count(&home), before);
    assert_eq!(
        common::found(&home, &curp, &pass),
        1,
        "the person is still there"
    );
    let listed = ok(&huella(&home, &["officer", "list"]));
    assert!(!listed.contains("mallory"), "{listed}");
}

#[test]
fn a_credential_copied_from_another_station_or_office_is_refused() {
    let d = Dir(tempfile::tempdir().expect("tmp"));
    let (a, b, c, pass) = (d.p("a"), d.p("b"), d.p("c"), d.p("pass"));
    write(&pass, "clave-del-administrador\n");
    init_station(&a, "0901", "A", &pass);
    init_station(&c, "0902", "C", &pass);
    join_station(d.0.path(), &a, &b, "B", &pass, "jefe");
    let before = audit_count(&a);
    for (from, user) in [(&b, "jefe"), (&c, "admin")] {
        // The intruder's credential is copied in under a name the station does not know
        // and under the name of the station's own administrator.
        for name in ["jefe", "admin"] {
            let src = from.join("credenciales").join(format!("{user}.age"));
            let dst = a.join("credenciales").join(format!("{name}.age"));
            let saved = std::fs::read(&dst).ok();
            std::fs::copy(&src, &dst).expect("copy");
            let csv = d.p("one.csv");
            ok(&huella(
                &a,
                &[
                    "sample",
                    "csv",
                    "--people",
                    "1",
                    "--seed",
                    "3",
                    "--out",
                    s(&csv),
                ],
            ));
            let o = huella(
                &a,
                &[
                    "import",
                    s(&csv),
                    "--as",
                    name,
                    "--passphrase-file",
                    s(&pass),
                ],
            );
            assert!(!o.status.success(), "foreign credential accepted");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("otra estación u oficina"), "{err}");
            match saved {
                Some(b) => std::fs::write(&dst, b).expect("restore"),
                None => std::fs::remove_file(&dst).expect("remove"),
            }
        }
    }
    assert_eq!(audit_count(&a), before, "nothing was written at A");
}

#[test]
fn an_administrator_of_an_invited_station_revokes_the_first_station() {
    let d = Dir(tempfile::tempdir().expect("tmp"));
    let (a, b, hub_home, pass) = (d.p("a"), d.p("b"), d.p("hub"), d.p("pass"));
    write(&pass, "clave-del-administrador\n");
    init_station(&a, "0901", "A", &pass);
    join_station(d.0.path(), &a, &b, "B", &pass, "admin");
    let roster = d.p("roster");
    ok(&admin(
        &a,
        &pass,
        &["sync", "roster", "export", "--out", s(&roster)],
    ));
    let (_hub, url) = common::start_hub(&hub_home, &roster);

    // Station A is stolen: B's administrator revokes it and the hub learns it from B.
    let out = ok(&admin(&b, &pass, &["sync", "roster", "revoke", "A"]));
    assert!(out.contains("estación A revocada"), "{out}");
    ok(&admin(&b, &pass, &["sync", "--hub", &url]));
    let o = admin(&a, &pass, &["sync", "--hub", &url]);
    assert!(!o.status.success(), "the revoked station still syncs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("revocada"), "{err}");

    // The thief's administrator key left the roster with its station: a roster it signs
    // is no longer accepted, so it cannot re-admit A.
    let shown = ok(&admin(&b, &pass, &["sync", "roster", "show"]));
    assert!(shown.contains("A\trevocada"), "{shown}");
}
