//! Keys at the CLI edge: wrong passphrase, damaged credential file, roles, and refusing to
//! re-initialise a station. Each leaves the station unchanged.

use super::util::{Station, assert_success, assert_user_error, stderr, stdout};

#[test]
fn wrong_passphrase_and_damaged_key_file_are_explained_and_change_nothing() {
    let st = Station::init();
    let before = stdout(&st.run(&["status", "--json"]));
    let wrong = st.path("wrong.pass");
    std::fs::write(&wrong, "no-es-la-clave\n").expect("write");
    let out = st.run(&[
        "find",
        "--nss",
        "12345678903",
        "--as",
        "admin",
        "--passphrase-file",
        wrong.to_str().expect("utf8"),
    ]);
    assert_user_error(&out, "contraseña incorrecta para el usuario admin");

    let cred = st.home.join("credenciales").join("admin.age");
    let original = std::fs::read(&cred).expect("read");
    std::fs::write(&cred, &original[..original.len() / 2]).expect("truncate");
    let out = st.run_as_admin(&["find", "--nss", "12345678903"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("incompleto") || err.contains("dañado"),
        "{err}"
    );
    std::fs::write(&cred, &original).expect("restore");

    let out = st.run_as_admin(&["find", "--nss", "12345678903"]);
    assert_success(&out);
    assert_eq!(stdout(&out).trim(), "sin resultados");

    let out = st.run(&[
        "init",
        "--office",
        "0901",
        "--station",
        "OTRA",
        "--admin",
        "admin",
        "--passphrase-file",
        st.admin_pass.to_str().expect("utf8"),
    ]);
    assert_user_error(&out, "ya existe una estación");
    let after = stdout(&st.run(&["status", "--json"]));
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("almacen_bytes"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&before), strip(&after));
}

#[test]
fn officers_are_added_by_admins_only_and_sign_the_audit_chain() {
    let st = Station::init();
    let p = st.path("ana.pass");
    std::fs::write(&p, "clave-de-ana-2026\n").expect("write");
    let out = st.run_as_admin(&[
        "officer",
        "add",
        "ana",
        "--role",
        "officer",
        "--new-passphrase-file",
        p.to_str().expect("utf8"),
    ]);
    assert_success(&out);
    // Ana is not an administrator.
    let q = st.path("luis.pass");
    std::fs::write(&q, "clave-de-luis-2026\n").expect("write");
    let out = st.run(&[
        "officer",
        "add",
        "luis",
        "--role",
        "supervisor",
        "--new-passphrase-file",
        q.to_str().expect("utf8"),
        "--as",
        "ana",
        "--passphrase-file",
        p.to_str().expect("utf8"),
    ]);
    assert_user_error(&out, "solo un administrador");
    // A short passphrase is refused with the rule.
    std::fs::write(&q, "corta\n").expect("write");
    let out = st.run_as_admin(&[
        "officer",
        "add",
        "luis",
        "--role",
        "supervisor",
        "--new-passphrase-file",
        q.to_str().expect("utf8"),
    ]);
    assert_user_error(&out, "al menos 8");
    // Ana's lookups are audited under her name.
    let out = st.run(&[
        "find",
        "--name",
        "nadie",
        "--as",
        "ana",
        "--passphrase-file",
        p.to_str().expect("utf8"),
    ]);
    assert_success(&out);
    let out = st.run(&["audit", "verify"]);
    assert_success(&out);
    assert_eq!(stdout(&out).trim(), "auditoría íntegra: 3 entradas");
    let out = st.run(&["officer", "list"]);
    assert!(stdout(&out).contains("ana\tofficer"));
    // Usage errors exit 2.
    let out = st.run(&["find"]);
    assert_eq!(out.status.code(), Some(2));
}
