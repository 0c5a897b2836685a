//! Input limits through the real binary: CSV rows whose names carry terminal escapes, BEL,
//! NUL or direction marks, or are absurdly long, whose birth date is 9999-12-31 or whose wage
//! has 41 digits are rejected line by line while good rows import; `--lang xx` is a usage
//! error; `sync erase` of an id the station does not hold is an error.

mod common;

use common::{admin, huella, ok, s};

#[test]
fn hostile_fields_are_rejected_and_good_rows_import() {
    let d = tempfile::tempdir().expect("tmp");
    let (home, pass) = (d.path().join("a"), d.path().join("p"));
    std::fs::write(&pass, "clave-del-administrador\n").expect("pass");
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
    let sample = d.path().join("sample.csv");
    ok(&huella(
        &home,
        &[
            "sample",
            "csv",
            "--people",
            "2",
            "--seed",
            "5",
            "--out",
            s(&sample),
        ],
    ));
    let text = std::fs::read_to_string(&sample).expect("csv");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    let good: Vec<&str> = lines.take(2).collect();
    let with = |field: usize, value: &str| {
        let mut f: Vec<String> = good[0].split(',').map(str::to_owned).collect();
        f[field] = value.to_owned();
        f.join(",")
    };
    let long = "A".repeat(100_000);
    let bad = [
        with(3, "Ana\u{1b}[2J\u{1b}[31mROJO"),
        with(3, "Ana\u{7}"),
        with(4, "Pérez\u{0}"),
        with(4, "\u{202E}zeréP"),
        with(3, &long),
        with(6, "9999-12-31"),
        with(10, &"9".repeat(41)),
    ];
    let csv = d.path().join("hostil.csv");
    let mut body = vec![header.to_owned()];
    body.extend(bad.iter().cloned());
    body.push(good[1].to_owned());
    std::fs::write(&csv, body.join("\n") + "\n").expect("csv");

    let out = ok(&admin(&home, &pass, &["import", s(&csv)]));
    for line in 2..=8 {
        assert!(
            out.contains(&format!("línea {line}:")),
            "line {line} not rejected:\n{out}"
        );
    }
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{7}'),
        "raw control bytes echoed"
    );
    assert!(out.contains("importados: 1,"), "{out}");
    assert!(!out.contains(&long[..1000]), "the long name was echoed");

    // A language that does not exist is a usage error.
    let o = huella(&home, &["--lang", "xx", "status"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    ok(&huella(&home, &["--lang", "en", "status"]));

    // Erasing an id the station does not hold is an error, not a silent success.
    let o = admin(
        &home,
        &pass,
        &["sync", "erase", "0123456789abcdef0123456789abcdef"],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no existe el registro"));
}
