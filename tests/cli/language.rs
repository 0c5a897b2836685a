//! `--lang en`: failing commands explain themselves in English, each cause once; the lines
//! scripts parse stay as documented; an unknown language is refused as a usage error.

use super::util::{Station, assert_success, assert_user_error, stderr, stdout};

/// Spanish words none of the English messages below may contain.
const SPANISH: [&str; 8] = [
    "contraseña",
    "usuario",
    "estación",
    "no se pudo",
    "indique",
    "lista",
    "archivo",
    "solo un",
];

fn assert_english(o: &std::process::Output, text: &str) {
    assert_user_error(o, text);
    let err = stderr(o);
    for word in SPANISH {
        assert!(!err.contains(word), "Spanish {word:?} in: {err}");
    }
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

#[test]
fn failing_commands_speak_english_with_lang_en() {
    let st = Station::init();
    let wrong = st.path("wrong.pass");
    std::fs::write(&wrong, "otra-clave-distinta\n").expect("write");
    let w = wrong.to_str().expect("utf8");
    let missing = st.path("no-such.pass");
    let m = missing.to_str().expect("utf8");

    let o = st.run(&[
        "--lang",
        "en",
        "find",
        "--name",
        "x",
        "--as",
        "admin",
        "--passphrase-file",
        w,
    ]);
    assert_english(&o, "wrong passphrase for user admin");

    let o = st.run(&[
        "--lang",
        "en",
        "find",
        "--name",
        "x",
        "--as",
        "nadie",
        "--passphrase-file",
        w,
    ]);
    assert_english(&o, "there is no user nadie at this station");

    // The OS error is printed once, not once per layer that wraps it.
    let o = st.run(&[
        "--lang",
        "en",
        "find",
        "--name",
        "x",
        "--as",
        "admin",
        "--passphrase-file",
        m,
    ]);
    assert_english(&o, "could not read or write");
    assert_eq!(
        stderr(&o).matches("No such file or directory").count(),
        1,
        "{}",
        stderr(&o)
    );

    let o = st.run(&[
        "--lang",
        "en",
        "find",
        "--as",
        "admin",
        "--passphrase-file",
        w,
    ]);
    assert_english(&o, "give exactly one of --curp, --nss or --name");

    let o = st.run(&[
        "--lang",
        "en",
        "sync",
        "--as",
        "admin",
        "--passphrase-file",
        w,
    ]);
    assert_english(&o, "give --hub URL or at least one --peer ADDRESS");

    let officer_pass = st.path("ana.pass");
    std::fs::write(&officer_pass, "clave-de-ana-2026\n").expect("write");
    let a = officer_pass.to_str().expect("utf8");
    assert_success(&st.run_as_admin(&[
        "officer",
        "add",
        "ana",
        "--role",
        "officer",
        "--new-passphrase-file",
        a,
    ]));
    let o = st.run(&[
        "--lang",
        "en",
        "sync",
        "roster",
        "revoke",
        "X",
        "--as",
        "ana",
        "--passphrase-file",
        a,
    ]);
    assert_english(&o, "only an administrator may sign the station roster");
    let admin = st.admin_pass.to_str().expect("utf8");
    let o = st.run(&[
        "--lang",
        "en",
        "sync",
        "roster",
        "revoke",
        "PRUEBA-1",
        "--as",
        "admin",
        "--passphrase-file",
        admin,
    ]);
    assert_english(&o, "a station cannot revoke itself");

    let empty = tempfile::tempdir().expect("tmp");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_huella"))
        .env_remove("HUELLA_HOME")
        .arg("--home")
        .arg(empty.path().join("nada"))
        .args(["--lang", "en", "status"])
        .output()
        .expect("run");
    assert_english(&o, "there is no station in");
}

#[test]
fn station_and_session_errors_speak_english_with_lang_en() {
    let st = Station::init();
    let admin = st.admin_pass.to_str().expect("utf8");
    let new_pass = st.path("nuevo.pass");
    std::fs::write(&new_pass, "clave-del-nuevo-2026\n").expect("write");
    let n = new_pass.to_str().expect("utf8");
    let add = |name: &str, who: &str, pass: &str| {
        st.run(&[
            "--lang",
            "en",
            "officer",
            "add",
            name,
            "--role",
            "officer",
            "--new-passphrase-file",
            n,
            "--as",
            who,
            "--passphrase-file",
            pass,
        ])
    };

    // Station errors: a wrong user name, a user that exists, a non-administrator adding.
    assert_english(
        &add("mal nombre", "admin", admin),
        "invalid user name: use letters",
    );
    assert_english(&add("admin", "admin", admin), "user admin already exists");
    assert_success(&add("ana", "admin", admin));
    assert_english(
        &add("beto", "ana", n),
        "only an administrator may add officers (ana is officer)",
    );

    // Session errors: a user name no credential file can have.
    assert_english(
        &add("beto", "mal/nombre", admin),
        "invalid user name: mal/nombre",
    );

    // `init` on a home that already holds a station.
    let o = st.run(&[
        "--lang",
        "en",
        "init",
        "--office",
        "0901",
        "--station",
        "PRUEBA-2",
        "--admin",
        "admin",
        "--passphrase-file",
        admin,
    ]);
    assert_english(&o, "a station already exists in");
}

#[test]
fn lookup_and_device_lines_speak_english_with_lang_en() {
    let st = Station::init();
    let admin = st.admin_pass.to_str().expect("utf8");
    let o = st.run(&[
        "--lang",
        "en",
        "find",
        "--name=.",
        "--as",
        "admin",
        "--passphrase-file",
        admin,
    ]);
    assert_english(&o, "write at least one name or surname to search");

    let missing = st.path("no-such-port");
    let o = st.run(&[
        "--lang",
        "en",
        "devices",
        "list",
        "--port",
        missing.to_str().expect("utf8"),
    ]);
    assert_success(&o);
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "{}\tno device recognised: the port {} does not exist",
            missing.display(),
            missing.display()
        )),
        "{out}"
    );
    assert!(!out.contains("sin dispositivo"), "{out}");

    // A disk error: a backup onto a device file.
    let o = st.run(&[
        "--lang",
        "en",
        "backup",
        "--out",
        "/dev/null",
        "--as",
        "admin",
        "--passphrase-file",
        admin,
    ]);
    assert_english(
        &o,
        "/dev/null is not a regular file; nothing was written (choose another path)",
    );

    // Backup refusals: a file that is no backup, a user the backup has no credential of.
    let fresh = st.path("fresh");
    let restore = |file: &std::path::Path, user: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_huella"))
            .env_remove("HUELLA_HOME")
            .arg("--home")
            .arg(&fresh)
            .args(["--lang", "en", "restore"])
            .arg(file)
            .args(["--as", user, "--passphrase-file", admin])
            .output()
            .expect("run")
    };
    assert_english(&restore(&st.admin_pass, "admin"), "is not a huella backup");
    let copy = st.path("copy.huella");
    assert_success(&st.run_as_admin(&["backup", "--out", copy.to_str().expect("utf8")]));
    assert_english(
        &st.run(&[
            "--lang",
            "en",
            "sync",
            "--hub",
            "http://127.0.0.1:1",
            "--hub-key",
            "zz",
            "--as",
            "admin",
            "--passphrase-file",
            admin,
        ]),
        "--hub-key must be 64 hexadecimal characters",
    );

    // Recovery refusals: a folder with no store, and this very station.
    let empty = st.path("vacia");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let recover = |from: &std::path::Path| {
        st.run(&[
            "--lang",
            "en",
            "recover",
            "--from",
            from.to_str().expect("utf8"),
            "--as",
            "admin",
            "--passphrase-file",
            admin,
        ])
    };
    assert_english(&recover(&empty), "holds no station store");
    assert_english(&recover(&st.home), "is this very station");

    let csv = st.path("otro.csv");
    std::fs::write(&csv, "a,b,c\n1,2,3\n").expect("write");
    assert_english(
        &st.run(&[
            "--lang",
            "en",
            "import",
            csv.to_str().expect("utf8"),
            "--as",
            "admin",
            "--passphrase-file",
            admin,
        ]),
        "the header is not the expected one; it must be:",
    );
    assert_english(
        &restore(&copy, "nadie"),
        "the backup holds no credential of nadie",
    );
}

#[test]
fn the_same_failure_reads_spanish_by_default() {
    let st = Station::init();
    let wrong = st.path("wrong.pass");
    std::fs::write(&wrong, "otra-clave-distinta\n").expect("write");
    let o = st.run(&[
        "find",
        "--name",
        "x",
        "--as",
        "admin",
        "--passphrase-file",
        wrong.to_str().expect("utf8"),
    ]);
    assert_user_error(&o, "contraseña incorrecta para el usuario admin");
}

#[test]
fn contract_lines_stay_as_documented_in_english() {
    let st = Station::init();
    let o = st.run(&["--lang", "en", "audit", "verify"]);
    assert_success(&o);
    assert!(
        stdout(&o).starts_with("auditoría íntegra: "),
        "{}",
        stdout(&o)
    );
    let o = st.run(&["--lang", "en", "status"]);
    assert_success(&o);
    assert!(stdout(&o).contains("people: 0"), "{}", stdout(&o));
    assert!(stdout(&o).contains("last sync: never"), "{}", stdout(&o));
}

#[test]
fn an_unknown_language_is_a_usage_error() {
    let st = Station::init();
    let o = st.run(&["--lang", "xx", "status"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("'xx'"), "{}", stderr(&o));
    assert!(stderr(&o).contains("es, en"), "{}", stderr(&o));
}

#[test]
fn capture_eval_and_sync_retry_speak_english_with_lang_en() {
    let st = Station::init();
    // `devices capture` on a port that does not exist: the advice and the cause in English.
    let missing = st.path("no-such-port");
    let png = st.path("f.png");
    let o = st.run(&[
        "--lang",
        "en",
        "devices",
        "capture",
        "--port",
        missing.to_str().expect("utf8"),
        "--out",
        png.to_str().expect("utf8"),
    ]);
    assert_english(&o, "does not exist");
    assert!(stderr(&o).contains("Check that it is connected") || stderr(&o).contains("connected"));
    assert!(!stderr(&o).contains("dispositivo"), "{}", stderr(&o));

    // The evaluation table on a tiny set (two fingers, two impressions each).
    let set = st.path("set");
    std::fs::create_dir_all(&set).expect("mkdir");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/fingerprints/FVC2002_DB1_B/tif");
    for name in ["101_1.tif", "101_2.tif", "102_1.tif", "102_2.tif"] {
        std::fs::copy(src.join(name), set.join(name)).expect("copy");
    }
    let s = set.to_str().expect("utf8");
    let o = st.run(&["--lang", "en", "eval", "fingerprints", s]);
    assert_success(&o);
    let out = stdout(&o);
    for word in [
        "images:",
        "extended",
        "rank 1:",
        "extraction:",
        "per second",
    ] {
        assert!(out.contains(word), "{word:?} missing in: {out}");
    }
    for word in [
        "imágenes",
        "extendida",
        "rango",
        "extracción",
        "por segundo",
    ] {
        assert!(!out.contains(word), "Spanish {word:?} in: {out}");
    }
    let o = st.run(&["--lang", "en", "eval", "fingerprints", s, s]);
    assert_success(&o);
    let out = stdout(&o);
    assert!(out.starts_with("set %"), "{out}");
    assert!(
        out.lines().last().is_some_and(|l| l.starts_with("mean")),
        "{out}"
    );

    // A sync whose peer refuses the connection: the retry line and the failure in English.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    drop(listener);
    let admin = st.admin_pass.to_str().expect("utf8");
    let o = st.run(&[
        "--lang",
        "en",
        "sync",
        "--peer",
        &addr,
        "--attempts",
        "2",
        "--as",
        "admin",
        "--passphrase-file",
        admin,
    ]);
    let out = stdout(&o);
    assert!(
        out.contains(&format!("{addr}: connection dropped (")) && out.contains("retrying (1/2)"),
        "{out}"
    );
    for word in SPANISH {
        assert!(!out.contains(word), "Spanish {word:?} in: {out}");
    }
    assert_english(&o, &addr);
}
