//! The ARCO rights through the real binary: a request filed with its folio and deadline and
//! listed most urgent first; access written as JSON with the recorded accesses; rectification
//! with history, refused to an officer for a CURP and refused to another person's CURP, the
//! old CURP still finding the person; opposition honoured by proof of life; cancellation
//! refused to an officer and, by a supervisor, erasing the biometrics on another station and
//! at the hub after a sync, and in a bundle made before the cancellation.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{huella, join_station, ok, s, spawn, start_hub};

struct Dir(tempfile::TempDir);

impl Dir {
    fn p(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

/// Stderr of a run that must have failed with a user error.
fn refused(o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(1),
        "expected a refusal\n{}\n{err}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(err.contains(needle), "«{needle}» not in: {err}");
}

/// Runs `args` as `user` with `pass`.
fn as_user(home: &Path, user: &str, pass: &Path, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--as", user, "--passphrase-file", s(pass)]);
    huella(home, &all)
}

/// A station with an administrator, an officer `ana` and a supervisor `sup`; returns the
/// passphrase files (admin, ana, sup).
fn station(d: &Dir, home: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let admin = d.p("admin.pass");
    std::fs::write(&admin, "clave-del-admin-arco\n").expect("pass");
    ok(&huella(
        home,
        &[
            "init",
            "--office",
            "0901",
            "--station",
            "A",
            "--admin",
            "admin",
            "--passphrase-file",
            s(&admin),
        ],
    ));
    let mut files = Vec::new();
    for (user, role) in [("ana", "officer"), ("sup", "supervisor")] {
        let f = d.p(&format!("{user}.pass"));
        std::fs::write(&f, format!("clave-de-{user}-arco\n")).expect("pass");
        ok(&as_user(
            home,
            "admin",
            &admin,
            &[
                "officer",
                "add",
                user,
                "--role",
                role,
                "--new-passphrase-file",
                s(&f),
            ],
        ));
        files.push(f);
    }
    let sup = files.pop().expect("sup");
    let ana = files.pop().expect("ana");
    (admin, ana, sup)
}

/// Writes `n` synthetic people and imports the first `import` of them; returns their CURPs.
fn people(home: &Path, d: &Dir, admin: &Path, n: usize, import: usize) -> Vec<String> {
    let csv = d.p("all.csv");
    let count = n.to_string();
    ok(&huella(
        home,
        &[
            "sample",
            "csv",
            "--people",
            &count,
            "--seed",
            "17",
            "--out",
            s(&csv),
        ],
    ));
    let text = std::fs::read_to_string(&csv).expect("csv");
    let lines: Vec<&str> = text.lines().collect();
    let part = d.p("part.csv");
    std::fs::write(&part, lines[..=import].join("\n") + "\n").expect("csv");
    ok(&as_user(home, "admin", admin, &["import", s(&part)]));
    lines[1..]
        .iter()
        .map(|l| l.split(',').next().expect("curp").to_owned())
        .collect()
}

fn find_json(home: &Path, pass: &Path, curp: &str) -> serde_json::Value {
    serde_json::from_str(&ok(&as_user(
        home,
        "admin",
        pass,
        &["find", "--curp", curp, "--json"],
    )))
    .expect("json")
}

/// `arco access` for `curp` at `home` into `dir`; returns the JSON written.
fn access(home: &Path, pass: &Path, curp: &str, dir: &Path) -> serde_json::Value {
    let out = ok(&as_user(
        home,
        "admin",
        pass,
        &[
            "arco",
            "access",
            "--curp",
            curp,
            "--out",
            s(dir),
            "--identification",
            "INE 0000000001",
        ],
    ));
    assert!(out.contains("solicitud atendida: ARCO-"), "{out}");
    let file = dir.join(format!("{curp}.json"));
    assert!(
        out.contains(&format!("archivo: {}", file.display())),
        "{out}"
    );
    let pdf = dir.join(format!("{curp}.pdf"));
    assert!(
        out.contains(&format!("archivo: {}", pdf.display())),
        "{out}"
    );
    let bytes = std::fs::read(&pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    serde_json::from_slice(&std::fs::read(file).expect("json file")).expect("json")
}

#[test]
fn each_right_with_its_refusals() {
    let d = Dir(tempfile::tempdir().expect("tmp"));
    let home = d.p("a");
    let (admin, ana, sup) = station(&d, &home);
    let curps = people(&home, &d, &admin, 4, 3);
    let (first, second, unused) = (&curps[0], &curps[1], &curps[3]);

    // An officer files a cancellation request: folio and deadline; the list shows it.
    let o = ok(&as_user(
        &home,
        "ana",
        &ana,
        &[
            "arco",
            "file",
            "--curp",
            first,
            "--right",
            "cancelacion",
            "--identification",
            "INE 1234567890",
        ],
    ));
    let line = o.lines().next().expect("line");
    assert!(line.starts_with("solicitud registrada: ARCO-"), "{o}");
    let folio = line
        .trim_start_matches("solicitud registrada: ")
        .split('\t')
        .next()
        .expect("folio")
        .to_owned();
    let list = ok(&as_user(&home, "ana", &ana, &["arco", "list"]));
    assert!(
        list.starts_with(&format!("{folio}\tcancelacion\t{first}\tvence ")),
        "{list}"
    );
    assert!(list.trim_end().ends_with("días hábiles 20"), "{list}");
    let json: serde_json::Value = serde_json::from_str(&ok(&as_user(
        &home,
        "ana",
        &ana,
        &["arco", "list", "--json"],
    )))
    .expect("json");
    assert_eq!(json[0]["dias_habiles_restantes"], 20);
    assert_eq!(json[0]["solicitante"], "titular");

    // A right needs the requester's identification or a filed folio; a folio answers only
    // its own right.
    let dir = d.p("acceso");
    let args = ["arco", "access", "--curp", first, "--out", s(&dir)];
    refused(&as_user(&home, "ana", &ana, &args), "identificación");
    let mut with_folio = args.to_vec();
    with_folio.extend(["--folio", &folio]);
    refused(
        &as_user(&home, "ana", &ana, &with_folio),
        "es de cancelacion",
    );

    // Rectification: history kept; an identifier needs a supervisor, another person's CURP
    // is refused, and the old CURP still finds the person.
    ok(&as_user(
        &home,
        "ana",
        &ana,
        &[
            "arco",
            "rectify",
            "--curp",
            first,
            "--field",
            "nombre",
            "--value",
            "María José",
            "--reason",
            "acta de nacimiento",
            "--identification",
            "INE 1234567890",
        ],
    ));
    let rectify_curp = |who: &str, pass: &Path, to: &str| {
        as_user(
            &home,
            who,
            pass,
            &[
                "arco",
                "rectify",
                "--curp",
                first,
                "--field",
                "curp",
                "--value",
                to,
                "--reason",
                "corrección de RENAPO",
                "--identification",
                "INE 1234567890",
            ],
        )
    };
    refused(&rectify_curp("ana", &ana, unused), "supervisor");
    refused(
        &rectify_curp("sup", &sup, second),
        "pertenece a otra persona",
    );
    let o = huella(
        &home,
        &[
            "--lang",
            "en",
            "arco",
            "rectify",
            "--curp",
            first,
            "--field",
            "curp",
            "--value",
            second,
            "--reason",
            "x",
            "--identification",
            "INE",
            "--as",
            "sup",
            "--passphrase-file",
            s(&sup),
        ],
    );
    refused(&o, "belongs to another person");
    let o = ok(&rectify_curp("sup", &sup, unused));
    assert!(
        o.contains(&format!("rectificado: curp\t{first} -> {unused}")),
        "{o}"
    );
    let by_old = find_json(&home, &admin, first);
    let by_new = find_json(&home, &admin, unused);
    assert_eq!(by_old.as_array().map(Vec::len), Some(1), "{by_old}");
    assert_eq!(by_old, by_new);
    assert_eq!(by_new[0]["curp"], unused.as_str());
    assert_eq!(by_new[0]["nombre"], "MARIA JOSE");

    // Access: the JSON holds identity, the rectification history, the requests and the
    // recorded accesses (who, when, why).
    let report = access(&home, &admin, unused, &dir);
    assert_eq!(report["identidad"]["curp"], unused.as_str());
    let rect = report["rectificaciones"].as_array().expect("history");
    assert_eq!(rect.len(), 2, "{report}");
    assert_eq!(rect[1]["campo"], "curp");
    assert_eq!(rect[1]["anterior"], first.as_str());
    assert_eq!(rect[1]["por"], "sup");
    assert_eq!(report["identificadores_anteriores"][0][1], first.as_str());
    let accesses = report["accesos"].as_array().expect("accesses");
    assert!(
        accesses
            .iter()
            .any(|a| a["accion"] == "consulta" && a["oficial"] == "admin"),
        "{report}"
    );
    assert_eq!(
        accesses.last().map(|a| a["accion"].clone()),
        Some("exportacion".into())
    );
    assert_eq!(
        report["solicitudes_arco"]
            .as_array()
            .map(|r| r.iter().filter(|q| q["atendida_en"] == "").count()),
        Some(1),
        "only the cancellation is still open: {report}"
    );

    // Opposition to proof of life by fingerprint: refused before the scanner is touched,
    // in both languages.
    refused(
        &as_user(
            &home,
            "ana",
            &ana,
            &[
                "arco",
                "oppose",
                "--curp",
                second,
                "--use",
                "horoscope",
                "--identification",
                "INE",
            ],
        ),
        "uso desconocido",
    );
    let o = ok(&as_user(
        &home,
        "ana",
        &ana,
        &[
            "arco",
            "oppose",
            "--curp",
            second,
            "--use",
            "fingerprint_proof_of_life",
            "--identification",
            "INE 99",
        ],
    ));
    assert!(
        o.contains("oposición registrada: fingerprint_proof_of_life"),
        "{o}"
    );
    let proof = [
        "proof-of-life",
        "--curp",
        second,
        "--scanner",
        "/nonexistent",
    ];
    refused(&as_user(&home, "ana", &ana, &proof), "se opuso");
    let mut en = vec!["--lang", "en"];
    en.extend(proof);
    refused(&as_user(&home, "ana", &ana, &en), "opposed");

    // Cancellation: not by an officer; by the supervisor, answering the filed folio.
    let cancel = |who: &str, pass: &Path| {
        as_user(
            &home,
            who,
            pass,
            &[
                "arco",
                "cancel",
                "--curp",
                unused,
                "--reason",
                "retira consentimiento",
                "--folio",
                &folio,
            ],
        )
    };
    refused(&cancel("ana", &ana), "supervisor");
    let o = ok(&cancel("sup", &sup));
    assert!(o.contains(&format!("solicitud atendida: {folio}")), "{o}");
    assert!(o.contains("biometría borrada: huellas 0, foto 0"), "{o}");
    assert!(o.contains("identidad, movimientos"), "{o}");
    refused(&cancel("sup", &sup), "ya fue atendida");
    let after = find_json(&home, &admin, unused);
    assert_eq!(after[0]["estado_biometrico"], "restringido");
    let list = ok(&as_user(&home, "ana", &ana, &["arco", "list"]));
    assert!(list.contains("no hay solicitudes ARCO abiertas"), "{list}");
    ok(&huella(&home, &["audit", "verify"]));
}

#[test]
fn cancellation_erases_biometrics_at_another_station_the_hub_and_an_old_bundle() {
    let d = Dir(tempfile::tempdir().expect("tmp"));
    let (a, b, hub_home) = (d.p("a"), d.p("b"), d.p("hub"));
    let (admin, _ana, sup) = station(&d, &a);
    join_station(d.0.path(), &a, &b, "B", &admin, "admin");
    let roster = d.p("roster");
    ok(&as_user(
        &a,
        "admin",
        &admin,
        &["sync", "roster", "export", "--out", s(&roster)],
    ));
    let curps = people(&a, &d, &admin, 2, 2);
    let curp = &curps[0];

    // Enrolled at A: ten fingers and the photo.
    {
        let scanner = spawn(&a, &["sim", "scanner", "--synthetic", "42", "--unpaced"]);
        let camera = spawn(&a, &["sim", "camera", "--unpaced"]);
        ok(&as_user(
            &a,
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
    let old = find_json(&a, &admin, curp)[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let (hub, url) = start_hub(&hub_home, &roster);
    let sync = ["sync", "--hub", url.as_str()];
    ok(&as_user(&a, "admin", &admin, &sync));
    ok(&as_user(&b, "admin", &admin, &sync));
    let at_b = access(&b, &admin, curp, &d.p("b-before"));
    assert_eq!(
        at_b["biometria"]["huellas"].as_array().map(Vec::len),
        Some(10)
    );
    assert!(at_b["biometria"]["foto_capturada_en"].is_string(), "{at_b}");

    // A bundle made before the cancellation still holds the old record.
    let bundle = d.p("antes.paquete");
    ok(&as_user(
        &a,
        "admin",
        &admin,
        &["bundle", "export", "--out", s(&bundle)],
    ));

    let o = ok(&as_user(
        &a,
        "sup",
        &sup,
        &[
            "arco",
            "cancel",
            "--curp",
            curp,
            "--reason",
            "retira consentimiento",
            "--identification",
            "INE 555",
        ],
    ));
    assert!(o.contains("biometría borrada: huellas 10, foto 1"), "{o}");
    ok(&as_user(&a, "admin", &admin, &sync));
    ok(&as_user(&b, "admin", &admin, &sync));
    drop(hub);

    // At B: one record, no biometrics, the old one named as replaced; procedures restricted.
    let check_b = |label: &str| {
        let found = find_json(&b, &admin, curp);
        assert_eq!(found.as_array().map(Vec::len), Some(1), "{label}: {found}");
        assert_ne!(found[0]["id"], old.as_str(), "{label}");
        assert_eq!(found[0]["estado_biometrico"], "restringido", "{label}");
        let report = access(&b, &admin, curp, &d.p(label));
        assert_eq!(
            report["biometria"]["huellas"],
            serde_json::json!([]),
            "{label}"
        );
        assert!(
            report["biometria"]["foto_capturada_en"].is_null(),
            "{label}"
        );
        assert_eq!(
            report["biometria"]["registros_anteriores"][0]["id"],
            old.as_str(),
            "{label}"
        );
        assert!(
            report["identidad"]["registro_patronal"].is_string(),
            "{label}: the employer pre-registration is kept: {report}"
        );
    };
    check_b("b-after");

    // At the hub: the old record's key, chunks and blobs are gone, its erasure order kept.
    let id = huella_sync::RecordId::parse(&old).expect("id");
    let hub_store = huella_sync::hub::HubHome::open(&hub_home).expect("hub store");
    let replica = hub_store.replica();
    assert!(replica.erasure(&id).expect("read").is_some());
    assert!(replica.wrapped_key(&id).expect("read").is_none());
    assert!(replica.chunks(&id).expect("read").is_empty());
    assert!(replica.blob_hashes(&id).expect("read").is_empty());
    drop(hub_store);

    // The bundle made before the cancellation brings nothing back.
    let _ = as_user(&b, "admin", &admin, &["bundle", "import", s(&bundle)]);
    check_b("b-bundle");
}
