//! Retention through the real binary: after a baja the person's file says when their
//! biometrics will be erased; `retention run` is for administrators, erases only what is
//! due (`retención: N personas depuradas`), keeps identity and movements, and a second run
//! finds nothing. The opposition to employer reports is honoured by `report employer`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{huella, ok, s, spawn};

fn as_user(home: &Path, user: &str, pass: &Path, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--as", user, "--passphrase-file", s(pass)]);
    huella(home, &all)
}

fn refused(o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "expected a refusal: {err}");
    assert!(err.contains(needle), "«{needle}» not in: {err}");
}

/// A station with `admin` and a supervisor `sup`, two imported people; returns the home,
/// the passphrase files and the CURPs.
fn station(dir: &Path) -> (PathBuf, PathBuf, PathBuf, Vec<String>) {
    let home = dir.join("st");
    let admin = dir.join("admin.pass");
    std::fs::write(&admin, "clave-del-admin-ret\n").expect("pass");
    ok(&huella(
        &home,
        &[
            "init",
            "--office",
            "0901",
            "--station",
            "R",
            "--admin",
            "admin",
            "--passphrase-file",
            s(&admin),
        ],
    ));
    let sup = dir.join("sup.pass");
    std::fs::write(&sup, "clave-del-sup-ret\n").expect("pass");
    ok(&as_user(
        &home,
        "admin",
        &admin,
        &[
            "officer",
            "add",
            "sup",
            "--role",
            "supervisor",
            "--new-passphrase-file",
            s(&sup),
        ],
    ));
    let csv = dir.join("people.csv");
    ok(&huella(
        &home,
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
    ok(&as_user(&home, "admin", &admin, &["import", s(&csv)]));
    let curps = std::fs::read_to_string(&csv)
        .expect("csv")
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().expect("curp").to_owned())
        .collect();
    (home, admin, sup, curps)
}

fn find(home: &Path, admin: &Path, curp: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(&ok(&as_user(
        home,
        "admin",
        admin,
        &["find", "--curp", curp, "--json"],
    )))
    .expect("json");
    v[0].clone()
}

#[test]
fn retention_erases_biometrics_after_a_baja_and_only_then() {
    let dir = tempfile::tempdir().expect("tmp");
    let (home, admin, sup, curps) = station(dir.path());
    {
        let scanner = spawn(&home, &["sim", "scanner", "--synthetic", "7", "--unpaced"]);
        let camera = spawn(&home, &["sim", "camera", "--unpaced"]);
        for curp in &curps {
            ok(&as_user(
                &home,
                "admin",
                &admin,
                &[
                    "enroll",
                    "--curp",
                    curp,
                    "--scanner",
                    scanner.pty(),
                    "--camera",
                    camera.pty(),
                    "--consent",
                ],
            ));
        }
    }
    let (gone, stays) = (&curps[0], &curps[1]);
    let today = &huella_sync::time::now_utc()[..10];
    ok(&as_user(
        &home,
        "admin",
        &admin,
        &[
            "movement", "baja", "--curp", gone, "--date", today, "--reason", "renuncia",
        ],
    ));
    // Default five years: the file says when.
    let year: i32 = today[..4].parse().expect("year");
    let expected = format!("{}{}", year + 5, &today[4..]);
    assert_eq!(
        find(&home, &admin, gone)["biometria_se_borra_el"],
        expected.as_str()
    );
    assert!(find(&home, &admin, stays)["biometria_se_borra_el"].is_null());
    let o = ok(&as_user(&home, "admin", &admin, &["retention", "run"]));
    assert_eq!(o.trim(), "retención: 0 personas depuradas");

    // Only an administrator sets or runs retention.
    refused(
        &as_user(&home, "sup", &sup, &["retention", "run"]),
        "administrador",
    );
    refused(
        &as_user(&home, "sup", &sup, &["retention", "set", "--years", "0"]),
        "administrador",
    );
    ok(&as_user(
        &home,
        "admin",
        &admin,
        &["retention", "set", "--years", "0"],
    ));
    assert_eq!(find(&home, &admin, gone)["biometria_se_borra_el"], today);
    let o = ok(&as_user(&home, "admin", &admin, &["retention", "run"]));
    assert_eq!(o.trim(), "retención: 1 personas depuradas");
    let o = ok(&as_user(&home, "admin", &admin, &["retention", "run"]));
    assert_eq!(o.trim(), "retención: 0 personas depuradas");

    // The purged person keeps identity and movements, without biometrics; the other keeps all.
    let access = |curp: &str, out: &str| -> serde_json::Value {
        let folder = dir.path().join(out);
        ok(&as_user(
            &home,
            "admin",
            &admin,
            &[
                "arco",
                "access",
                "--curp",
                curp,
                "--out",
                s(&folder),
                "--identification",
                "INE 42",
            ],
        ));
        serde_json::from_slice(&std::fs::read(folder.join(format!("{curp}.json"))).expect("json"))
            .expect("json")
    };
    let purged = access(gone, "a");
    assert_eq!(purged["biometria"]["huellas"], serde_json::json!([]));
    assert!(purged["biometria"]["foto_capturada_en"].is_null());
    assert!(purged["biometria"]["se_borra_el"].is_null());
    assert!(
        purged["movimientos"]
            .as_array()
            .expect("movements")
            .iter()
            .any(|m| m["tipo"] == "baja"),
        "{purged}"
    );
    assert_eq!(
        purged["biometria"]["registros_anteriores"][0]["motivo"],
        "retención vencida"
    );
    let kept = access(stays, "b");
    assert_eq!(
        kept["biometria"]["huellas"].as_array().map(Vec::len),
        Some(10)
    );
    ok(&huella(&home, &["audit", "verify"]));
}

#[test]
fn an_opposition_keeps_the_person_out_of_the_employer_report() {
    let dir = tempfile::tempdir().expect("tmp");
    let (home, admin, _sup, curps) = station(dir.path());
    let curp = &curps[0];
    let employer = find(&home, &admin, curp)["registro_patronal"]
        .as_str()
        .expect("employer")
        .to_owned();
    let report = |name: &str| -> String {
        let csv = dir.path().join(name);
        ok(&as_user(
            &home,
            "admin",
            &admin,
            &[
                "report",
                "employer",
                "--registro-patronal",
                &employer,
                "--csv",
                s(&csv),
            ],
        ));
        std::fs::read_to_string(csv).expect("csv")
    };
    assert!(report("before.csv").contains(curp.as_str()));
    ok(&as_user(
        &home,
        "admin",
        &admin,
        &[
            "arco",
            "oppose",
            "--curp",
            curp,
            "--use",
            "employer_report",
            "--identification",
            "INE 7",
        ],
    ));
    let after = report("after.csv");
    assert!(!after.contains(curp.as_str()), "{after}");
    assert!(after.starts_with("curp,"), "{after}");
}
