//! Office key rotation through the real binary: an office of three stations joined by
//! invite and a hub process; revoking C rotates the office key; a person imported on A
//! afterwards reaches B through the hub, while C is refused by the hub and, given A's
//! records on a USB bundle, still cannot open them; older people stay readable everywhere.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn huella(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_huella"))
        .env("HUELLA_KDF_LOG_N", "12")
        .env_remove("HUELLA_HOME")
        .arg("--home")
        .arg(home)
        .args(args)
        .output()
        .expect("run huella")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\n{}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8")
}

/// Runs `args` as the station's administrator.
fn admin(home: &Path, pass: &Path, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--as", "admin", "--passphrase-file", s(pass)]);
    huella(home, &all)
}

struct Hub(Child);

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_hub(home: &Path, roster: &Path) -> (Hub, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_huella"))
        .arg("--home")
        .arg(home)
        .args(["hub", "--listen", "127.0.0.1:0", "--trust", s(roster)])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn hub");
    let out = child.stdout.take().expect("stdout");
    let hub = Hub(child);
    for line in std::io::BufReader::new(out).lines() {
        let line = line.expect("line");
        if let Some(rest) = line.split("escuchando en ").nth(1) {
            let url = rest.split_whitespace().next().expect("url").to_owned();
            return (hub, url);
        }
    }
    panic!("the hub did not say where it listens");
}

/// Imports 6 synthetic people with `seed` at `home`; returns one of their CURPs.
fn import(home: &Path, dir: &Path, seed: &str, pass: &Path) -> String {
    let csv = dir.join(format!("people-{seed}.csv"));
    ok(&huella(
        home,
        &[
            "sample",
            "csv",
            "--people",
            "6",
            "--seed",
            seed,
            "--out",
            s(&csv),
        ],
    ));
    ok(&admin(home, pass, &["import", s(&csv)]));
    let text = std::fs::read_to_string(&csv).expect("csv");
    text.lines()
        .nth(3)
        .and_then(|l| l.split(',').next())
        .expect("curp")
        .to_owned()
}

fn found(home: &Path, curp: &str, pass: &Path) -> usize {
    let out = ok(&admin(home, pass, &["find", "--curp", curp, "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v.as_array().map_or(0, Vec::len)
}

fn join(dir: &Path, a: &Path, home: &Path, station: &str, pass: &Path, inv_pass: &Path) {
    let invite = dir.join(format!("{station}.invite"));
    ok(&admin(
        a,
        pass,
        &[
            "sync",
            "invite",
            "--station",
            station,
            "--out",
            s(&invite),
            "--invite-passphrase-file",
            s(inv_pass),
        ],
    ));
    ok(&huella(
        home,
        &[
            "init",
            "--join",
            s(&invite),
            "--invite-passphrase-file",
            s(inv_pass),
            "--admin",
            "admin",
            "--passphrase-file",
            s(pass),
        ],
    ));
}

#[test]
fn a_revoked_station_cannot_open_what_is_written_after_its_revocation() {
    let d = tempfile::tempdir().expect("tmp");
    let dir = d.path();
    let (a, b, c, hub_home): (PathBuf, PathBuf, PathBuf, PathBuf) =
        (dir.join("a"), dir.join("b"), dir.join("c"), dir.join("hub"));
    let pass = dir.join("pass");
    std::fs::write(&pass, "clave-de-prueba-rotacion\n").expect("pass");
    let inv_pass = dir.join("inv.pass");
    std::fs::write(&inv_pass, "clave-de-la-invitacion\n").expect("pass");
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
            s(&pass),
        ],
    ));
    join(dir, &a, &b, "B", &pass, &inv_pass);
    join(dir, &a, &c, "C", &pass, &inv_pass);
    let roster = dir.join("0901.lista");
    ok(&admin(
        &a,
        &pass,
        &["sync", "roster", "export", "--out", s(&roster)],
    ));
    let (_hub, url) = start_hub(&hub_home, &roster);
    let sync = |home: &Path| admin(home, &pass, &["sync", "--hub", &url, "--attempts", "1"]);

    let before = import(&a, dir, "3", &pass);
    for home in [&a, &b, &c] {
        ok(&sync(home));
    }
    assert_eq!(found(&c, &before, &pass), 1);

    // Revoking C rotates the office key.
    let out = ok(&admin(&a, &pass, &["sync", "roster", "revoke", "C"]));
    assert!(
        out.contains("nueva llave de oficina: generación 1"),
        "{out}"
    );
    let shown = ok(&admin(&a, &pass, &["sync", "roster", "show"]));
    assert!(shown.contains("llave de oficina generación 1"), "{shown}");
    assert!(shown.contains("B\tactiva\tgeneraciones: 0,1"), "{shown}");
    assert!(shown.contains("C\trevocada\tgeneraciones: 0\n"), "{shown}");
    assert!(
        shown.contains("esta estación tiene la generación 1"),
        "{shown}"
    );

    let after = import(&a, dir, "5", &pass);
    ok(&sync(&a));
    ok(&sync(&b));
    assert_eq!(found(&b, &after, &pass), 1);
    assert_eq!(found(&b, &before, &pass), 1);
    let shown = ok(&admin(&b, &pass, &["sync", "roster", "show"]));
    assert!(
        shown.contains("esta estación tiene la generación 1"),
        "{shown}"
    );

    // The hub refuses C.
    let refused = sync(&c);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("revocada"), "{err}");

    // A's records on a USB bundle reach C anyway: it keeps them as copies it cannot open.
    let bundle = dir.join("a.paquete");
    ok(&admin(
        &a,
        &pass,
        &["bundle", "export", "--out", s(&bundle), "--peer", "C"],
    ));
    let ack = dir.join("a.acuse");
    let out = ok(&admin(
        &c,
        &pass,
        &[
            "bundle",
            "import",
            s(&bundle),
            "--out",
            s(&ack),
            "--peer",
            "A",
        ],
    ));
    assert!(
        out.contains("registros recibidos que esta estación no puede abrir (no es destinataria de su llave): 6"),
        "{out}"
    );
    assert_eq!(found(&c, &after, &pass), 0);
    assert_eq!(found(&c, &before, &pass), 1);
    for home in [&a, &b, &c] {
        ok(&huella(home, &["audit", "verify"]));
    }
}
