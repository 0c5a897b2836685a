//! `huella movement …` and `huella report employer` end to end through the binary: every
//! movement, every refusal of issue #16 (one line, exit 1, nothing written: the audit chain
//! and the person's movements are unchanged), folios, the history in `find --json`, and the
//! employer report's CSV.

mod common;

use std::path::Path;
use std::process::Output;

use common::{admin, huella, ok, s};

/// A station with an officer `ana` and 4 imported people; their CSV lines (header first).
fn station(
    dir: &Path,
) -> (
    std::path::PathBuf,
    std::path::PathBuf,
    std::path::PathBuf,
    Vec<String>,
) {
    let home = dir.join("home");
    let pass = dir.join("admin.pass");
    std::fs::write(&pass, "clave-de-prueba-admin\n").expect("pass");
    ok(&huella(
        &home,
        &[
            "init",
            "--office",
            "0901",
            "--station",
            "MOV-1",
            "--admin",
            "admin",
            "--passphrase-file",
            s(&pass),
        ],
    ));
    let ana = dir.join("ana.pass");
    std::fs::write(&ana, "clave-de-ana-2026\n").expect("pass");
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
            s(&ana),
        ],
    ));
    let csv = dir.join("people.csv");
    ok(&huella(
        &home,
        &[
            "sample",
            "csv",
            "--people",
            "4",
            "--seed",
            "16",
            "--out",
            s(&csv),
        ],
    ));
    ok(&admin(&home, &pass, &["import", s(&csv)]));
    let lines = std::fs::read_to_string(&csv)
        .expect("csv")
        .lines()
        .map(str::to_owned)
        .collect();
    (home, pass, ana, lines)
}

fn field(line: &str, i: usize) -> String {
    line.split(',').nth(i).expect("field").to_owned()
}

fn as_user(home: &Path, user: &str, pass: &Path, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--as", user, "--passphrase-file", s(pass)]);
    huella(home, &all)
}

/// Entries in the audit chain (read without writing one).
fn audit_entries(home: &Path) -> u64 {
    let out = ok(&huella(home, &["audit", "verify"]));
    out.trim()
        .trim_start_matches("auditoría íntegra: ")
        .trim_end_matches(" entradas")
        .parse()
        .expect("count")
}

fn movements_of(home: &Path, pass: &Path, curp: &str) -> serde_json::Value {
    let out = ok(&admin(home, pass, &["find", "--curp", curp, "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v[0]["movimientos"].clone()
}

/// A movement that must be refused: exit 1 and one line naming `why` on stderr (the callers
/// check that nothing was written).
fn refused(o: Output, why: &str) {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains(why), "wanted {why:?} in {err}");
}

fn folio_of(out: &str, kind: &str) -> String {
    let line = out.trim();
    let prefix = format!("movimiento registrado: {kind}, folio ");
    line.strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned()
}

#[test]
fn every_movement_and_every_refusal() {
    let dir = tempfile::tempdir().expect("tmp");
    let (home, pass, ana, lines) = station(dir.path());
    let (curp, employer, alta) = (
        field(&lines[1], 0),
        field(&lines[1], 9),
        field(&lines[1], 11),
    );
    let other_employer = field(&lines[2], 9);
    let mv = |args: &[&str]| as_user(&home, "ana", &ana, args);
    let other = dir.path().join("other.csv");
    ok(&huella(
        &home,
        &[
            "sample",
            "csv",
            "--people",
            "1",
            "--seed",
            "99",
            "--out",
            s(&other),
        ],
    ));
    let stranger = std::fs::read_to_string(&other).expect("csv");
    let stranger = field(stranger.lines().nth(1).expect("row"), 0);

    // Refusals, each with nothing written.
    let before = movements_of(&home, &pass, &curp);
    let audit_before = audit_entries(&home);
    let check = |o: Output, why: &str| {
        refused(o, why);
        assert_eq!(audit_entries(&home), audit_before, "{why}: audit written");
    };
    check(
        mv(&[
            "movement",
            "alta",
            "--curp",
            &curp,
            "--registro-patronal",
            &employer,
            "--salary",
            "400",
            "--date",
            "2026-11-01",
            "--regime",
            "permanente",
        ]),
        "ya tiene un alta activa con el registro patronal",
    );
    check(
        mv(&[
            "movement",
            "salario",
            "--curp",
            &curp,
            "--salary",
            "0",
            "--date",
            "2026-11-01",
        ]),
        "mayor que cero",
    );
    check(
        mv(&[
            "movement",
            "salario",
            "--curp",
            &curp,
            "--salary",
            "250.00",
            "--date",
            "2026-11-01",
        ]),
        "menor que el salario mínimo general vigente el 2026-11-01: 315.04",
    );
    // The minimum in force on the date asked (the table is dated): the alta's own date.
    check(
        mv(&[
            "movement", "salario", "--curp", &curp, "--salary", "100.00", "--date", &alta,
        ]),
        &format!("vigente el {alta}"),
    );
    let day_before_alta = {
        let (y, rest) = alta.split_at(4);
        format!("{}{rest}", y.parse::<u32>().expect("year") - 1)
    };
    check(
        mv(&[
            "movement",
            "baja",
            "--curp",
            &curp,
            "--date",
            &day_before_alta,
            "--reason",
            "renuncia",
        ]),
        "es anterior al alta activa",
    );
    check(
        mv(&[
            "movement",
            "regimen",
            "--curp",
            &stranger,
            "--regime",
            "eventual",
            "--date",
            "2026-11-01",
        ]),
        "no hay una persona registrada con la CURP",
    );
    check(
        mv(&[
            "movement",
            "defuncion",
            "--curp",
            &curp,
            "--date",
            "2026-11-01",
        ]),
        "solo un supervisor o un administrador",
    );
    let o = huella(
        &home,
        &[
            "--lang",
            "en",
            "movement",
            "salario",
            "--curp",
            &curp,
            "--salary",
            "0",
            "--date",
            "2026-11-01",
            "--as",
            "ana",
            "--passphrase-file",
            s(&ana),
        ],
    );
    check(o, "the salary must be above zero");
    assert_eq!(audit_entries(&home), audit_before);
    assert_eq!(movements_of(&home, &pass, &curp), before);

    // Each movement, with its folio.
    let f1 = folio_of(
        &ok(&mv(&[
            "movement",
            "salario",
            "--curp",
            &curp,
            "--salary",
            "400",
            "--date",
            "2026-11-01",
        ])),
        "modificacion_salario",
    );
    let f2 = folio_of(
        &ok(&mv(&[
            "movement",
            "regimen",
            "--curp",
            &curp,
            "--regime",
            "eventual",
            "--date",
            "2026-11-02",
        ])),
        "cambio_regimen",
    );
    let f3 = folio_of(
        &ok(&mv(&[
            "movement",
            "alta",
            "--curp",
            &curp,
            "--registro-patronal",
            &other_employer,
            "--salary",
            "350.5",
            "--date",
            "2026-11-03",
            "--regime",
            "construccion",
        ])),
        "alta",
    );
    // Two altas active: a baja must name its employer.
    let o = mv(&[
        "movement",
        "baja",
        "--curp",
        &curp,
        "--date",
        "2026-11-04",
        "--reason",
        "fin de obra",
    ]);
    refused(o, "indique --registro-patronal");
    let f4 = folio_of(
        &ok(&mv(&[
            "movement",
            "baja",
            "--curp",
            &curp,
            "--date",
            "2026-11-04",
            "--reason",
            "fin de obra",
            "--registro-patronal",
            &other_employer,
        ])),
        "baja",
    );
    assert!(f1.starts_with("0901-MOV-1-"), "{f1}");
    let mut all = vec![f1.clone(), f2.clone(), f3.clone(), f4.clone()];
    all.dedup();
    assert_eq!(all.len(), 4, "{all:?}");

    let h = movements_of(&home, &pass, &curp);
    let h = h.as_array().expect("array");
    assert_eq!(h.len(), 5, "{h:?}");
    assert_eq!(h[0]["origen"], "importacion");
    assert_eq!(h[0]["tipo"], "alta");
    assert_eq!(h[1]["folio"], f1.as_str());
    assert_eq!(h[1]["antes"], field(&lines[1], 10).as_str());
    assert_eq!(h[1]["despues"], "400.00");
    assert_eq!(h[1]["oficial"], "ana");
    assert_eq!(h[2]["antes"], field(&lines[1], 12).as_str());
    assert_eq!(h[2]["despues"], "eventual");
    assert_eq!(h[3]["salario_diario"], "350.50");
    assert_eq!(h[4]["motivo"], "fin de obra");
    assert_eq!(h[4]["antes"], "350.50 construccion");

    // Baja of the first employer; then no alta is active.
    ok(&mv(&[
        "movement",
        "baja",
        "--curp",
        &curp,
        "--date",
        "2026-11-05",
        "--reason",
        "renuncia",
    ]));
    let o = mv(&[
        "movement",
        "salario",
        "--curp",
        &curp,
        "--salary",
        "500",
        "--date",
        "2026-11-06",
    ]);
    refused(o, "no tiene un alta activa");
    let o = mv(&[
        "movement",
        "regimen",
        "--curp",
        &curp,
        "--regime",
        "permanente",
        "--date",
        "2026-11-06",
    ]);
    refused(o, "no tiene un alta activa");

    // A defunción (administrator) ends everything.
    let second = field(&lines[2], 0);
    let out = ok(&admin(
        &home,
        &pass,
        &[
            "movement",
            "defuncion",
            "--curp",
            &second,
            "--date",
            "2026-11-10",
        ],
    ));
    folio_of(&out, "defuncion");
    let o = mv(&[
        "movement",
        "alta",
        "--curp",
        &second,
        "--registro-patronal",
        &employer,
        "--salary",
        "400",
        "--date",
        "2026-11-11",
        "--regime",
        "permanente",
    ]);
    refused(o, "defunción de la persona está registrada");
    let h = movements_of(&home, &pass, &second);
    assert_eq!(h[1]["tipo"], "defuncion");
    assert_eq!(h[1]["antes"], field(&lines[2], 9).as_str());
}

#[test]
fn employer_report_lists_the_active_workers_with_status_and_days_left() {
    let dir = tempfile::tempdir().expect("tmp");
    let (home, _, ana, lines) = station(dir.path());
    let employer = field(&lines[1], 9);
    let (first, second, third) = (
        field(&lines[1], 0),
        field(&lines[2], 0),
        field(&lines[3], 0),
    );
    let mv = |args: &[&str]| ok(&as_user(&home, "ana", &ana, args));
    mv(&[
        "movement",
        "alta",
        "--curp",
        &second,
        "--registro-patronal",
        &employer,
        "--salary",
        "400",
        "--date",
        "2026-11-01",
        "--regime",
        "eventual",
    ]);
    mv(&[
        "movement",
        "alta",
        "--curp",
        &third,
        "--registro-patronal",
        &employer,
        "--salary",
        "400",
        "--date",
        "2026-11-01",
        "--regime",
        "eventual",
    ]);
    mv(&[
        "movement",
        "baja",
        "--curp",
        &third,
        "--date",
        "2026-11-20",
        "--reason",
        "renuncia",
        "--registro-patronal",
        &employer,
    ]);
    // The second worker was notified today: 30 days left.
    let today = ok(&huella(&home, &["status", "--json"]));
    let today: serde_json::Value = serde_json::from_str(&today).expect("json");
    let today = today["creada"].as_str().expect("creada")[..10].to_owned();
    mv(&["restriction", "notify", "--curp", &second, "--date", &today]);

    let csv = dir.path().join("patron.csv");
    let out = mv(&[
        "report",
        "employer",
        "--registro-patronal",
        &employer,
        "--csv",
        s(&csv),
    ]);
    assert!(
        out.contains(&format!("registro patronal {employer}: 2 trabajadores")),
        "{out}"
    );
    let text = std::fs::read_to_string(&csv).expect("csv");
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0], "curp,nss,nombre,fecha_alta,estado_biometrico,dias_restantes",
        "{text}"
    );
    assert_eq!(rows.len(), 3, "{text}");
    // Most urgent first: the notified worker, then the one never notified.
    assert!(rows[1].starts_with(&format!("{second},")), "{text}");
    assert!(rows[1].ends_with(",2026-11-01,pendiente,30"), "{text}");
    assert!(rows[2].starts_with(&format!("{first},")), "{text}");
    assert!(rows[2].ends_with(",pendiente,"), "{text}");
    assert!(!text.contains(&third), "ended alta listed: {text}");
}
