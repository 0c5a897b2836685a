//! The sync commands through the real binary: an office of two stations joined by invite, a
//! hub process on loopback, import on one station, sync both, find on the other; then the
//! same records carried by a USB bundle to a hub that answers with an acknowledgement.

mod common;

use std::path::PathBuf;

use common::{huella, ok, start_hub};

struct Dir(tempfile::TempDir);

impl Dir {
    fn p(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

#[test]
fn two_stations_of_an_office_reconcile_through_a_hub_process() {
    let d = Dir(tempfile::tempdir().expect("tmp"));
    let (a, b, hub_home) = (d.p("a"), d.p("b"), d.p("hub"));
    let pass = d.p("pass");
    std::fs::write(&pass, "clave-de-prueba-sync\n").expect("pass");
    let inv_pass = d.p("inv.pass");
    std::fs::write(&inv_pass, "clave-de-la-invitacion\n").expect("pass");
    let p = pass.to_str().expect("utf8");
    let who = ["--as", "admin", "--passphrase-file", p];
    ok(&huella(
        &a,
        &[
            "init",
            "--office",
            "0901",
            "--station",
            "A",
            "--admin",
            "admin",
            "--passphrase-file",
            p,
        ],
    ));
    let invite = d.p("b.invite");
    let mut args = vec!["sync", "invite", "--station", "B", "--out"];
    args.push(invite.to_str().expect("utf8"));
    args.extend(["--invite-passphrase-file", inv_pass.to_str().expect("utf8")]);
    args.extend(who);
    ok(&huella(&a, &args));
    ok(&huella(
        &b,
        &[
            "init",
            "--join",
            invite.to_str().expect("utf8"),
            "--invite-passphrase-file",
            inv_pass.to_str().expect("utf8"),
            "--admin",
            "admin",
            "--passphrase-file",
            p,
        ],
    ));
    let roster = d.p("roster");
    let mut args = vec![
        "sync",
        "roster",
        "export",
        "--out",
        roster.to_str().expect("utf8"),
    ];
    args.extend(who);
    ok(&huella(&a, &args));

    let csv = d.p("people.csv");
    ok(&huella(
        &a,
        &[
            "sample",
            "csv",
            "--people",
            "40",
            "--seed",
            "3",
            "--out",
            csv.to_str().expect("utf8"),
        ],
    ));
    let mut args = vec!["import", csv.to_str().expect("utf8")];
    args.extend(who);
    ok(&huella(&a, &args));

    let (hub, url) = start_hub(&hub_home, &roster);
    let mut sync = vec!["sync", "--hub", url.as_str()];
    sync.extend(who);
    let out = ok(&huella(&a, &sync));
    assert!(
        out.trim_end()
            .ends_with("sincronizado: enviados 40, recibidos 0, conflictos 0"),
        "{out}"
    );
    let out = ok(&huella(&b, &sync));
    assert!(
        out.trim_end()
            .ends_with("sincronizado: enviados 0, recibidos 40, conflictos 0"),
        "{out}"
    );
    let again = ok(&huella(&b, &sync));
    assert!(again.contains("enviados 0, recibidos 0"), "{again}");
    let status: serde_json::Value =
        serde_json::from_str(&ok(&huella(&b, &["status", "--json"]))).expect("json");
    assert!(
        status["ultima_sincronizacion"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{status}"
    );
    drop(hub);

    let lines = std::fs::read_to_string(&csv).expect("csv");
    let curp = lines
        .lines()
        .nth(17)
        .and_then(|l| l.split(',').next())
        .expect("curp");
    let mut args = vec!["find", "--curp", curp, "--json"];
    args.extend(who);
    let found: serde_json::Value = serde_json::from_str(&ok(&huella(&b, &args))).expect("json");
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    assert_eq!(found[0]["curp"], curp);
    ok(&huella(&b, &["audit", "verify"]));

    // The hub's files hold no plaintext identifiers.
    let mut needles: Vec<String> = Vec::new();
    for l in lines.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        needles.extend([f[0].to_owned(), f[1].to_owned()]);
    }
    let finder = aho_corasick::AhoCorasick::new(&needles).expect("automaton");
    let mut stack = vec![hub_home.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("dir").flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                assert!(
                    finder.find(&bytes).is_none(),
                    "plaintext in {}",
                    path.display()
                );
            }
        }
    }

    // USB stick: A exports a bundle, a hub imports it and answers with an acknowledgement,
    // A imports the acknowledgement, and its next bundle carries nothing.
    let bundle = d.p("a.paquete");
    let ack = d.p("a.acuse");
    let mut args = vec!["bundle", "export", "--out", bundle.to_str().expect("utf8")];
    args.extend(who);
    let out = ok(&huella(&a, &args));
    assert!(out.contains("40 registros"), "{out}");
    ok(&huella(
        &d.p("hub2"),
        &[
            "hub",
            "--import-bundle",
            bundle.to_str().expect("utf8"),
            "--ack-out",
            ack.to_str().expect("utf8"),
            "--trust",
            roster.to_str().expect("utf8"),
        ],
    ));
    let mut args = vec!["bundle", "import", ack.to_str().expect("utf8")];
    args.extend(who);
    ok(&huella(&a, &args));
    let second = d.p("a2.paquete");
    let mut args = vec!["bundle", "export", "--out", second.to_str().expect("utf8")];
    args.extend(who);
    let out = ok(&huella(&a, &args));
    assert!(out.contains(": 0 registros"), "{out}");
    // A forged bundle (one flipped byte) is refused and changes nothing.
    let mut bytes = std::fs::read(&bundle).expect("bundle");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    let forged = d.p("forged.paquete");
    std::fs::write(&forged, bytes).expect("write");
    let mut args = vec!["bundle", "import", forged.to_str().expect("utf8")];
    args.extend(who);
    let out = huella(&b, &args);
    assert_eq!(out.status.code(), Some(1));
}
