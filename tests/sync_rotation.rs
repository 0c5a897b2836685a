//! Office key rotation through the real binary: an office of three stations joined by
//! invite and a hub process; revoking C rotates the office key; a person imported on A
//! afterwards reaches B through the hub, while C is refused by the hub and, given A's
//! records on a USB bundle, still cannot open them; older people stay readable everywhere.

mod common;

use std::path::{Path, PathBuf};

use common::{admin, found, huella, import, ok, s, start_hub};

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
