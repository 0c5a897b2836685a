//! Station files are owner-only through the real binary: the home, store and credentials
//! folders 0700, credentials, invites, bundles and the log 0600, whatever the caller's umask;
//! and a station whose files were loosened is warned about at start.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::{admin, huella, ok, s};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn station_files_are_owner_only_and_loosened_ones_are_reported() {
    let d = tempfile::tempdir().expect("tmp");
    let home = d.path().join("a");
    let pass = d.path().join("pass");
    std::fs::write(&pass, "clave-del-administrador\n").expect("pass");
    let inv_pass = d.path().join("inv.pass");
    std::fs::write(&inv_pass, "clave-de-la-invitacion\n").expect("pass");
    ok(&huella(
        &home,
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
    ok(&admin(
        &home,
        &pass,
        &[
            "officer",
            "add",
            "ana",
            "--role",
            "officer",
            "--new-passphrase-file",
            s(&pass),
        ],
    ));
    let out = d.path().join("salida");
    std::fs::create_dir(&out).expect("out dir");
    let (invite, bundle) = (out.join("b.invite"), out.join("e.paquete"));
    ok(&admin(
        &home,
        &pass,
        &[
            "sync",
            "invite",
            "--station",
            "B",
            "--out",
            s(&invite),
            "--invite-passphrase-file",
            s(&inv_pass),
        ],
    ));
    ok(&admin(
        &home,
        &pass,
        &["bundle", "export", "--out", s(&bundle)],
    ));

    let creds = home.join("credenciales");
    for dir in [&home, &home.join("almacen"), &creds] {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
    }
    for file in [
        &creds.join("admin.age"),
        &creds.join("ana.age"),
        &invite,
        &bundle,
        &home.join("huella.log"),
    ] {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }

    // Someone loosens the credentials: every command warns, and still runs.
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(
        creds.join("ana.age"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    let o = huella(&home, &["status"]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("aviso") && err.contains("ana.age"), "{err}");
    assert!(err.contains("credenciales tiene permisos 755"), "{err}");
    assert!(!err.contains("admin.age"), "{err}");
}
