//! Restriction for missing biometrics end to end through the binary: a notice from the
//! import's `fecha_aviso` column or from `restriction notify`, 30 calendar days, then
//! `restringido` (in `restriction list`, `find --json` and `status --json`) until a supervisor
//! approves the person's biometrics (enrolled with the scanner and camera simulators), which
//! lifts it by itself.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use common::{admin, huella, ok, s};

/// A running simulator; killed when dropped.
struct Sim {
    child: Child,
    pty: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sim(args: &[&str]) -> Sim {
    let mut child = Command::new(env!("CARGO_BIN_EXE_huella"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sim");
    let out = child.stdout.take().expect("stdout");
    let line = BufReader::new(out)
        .lines()
        .next()
        .and_then(Result::ok)
        .expect("the simulator's first line");
    let pty = line.strip_prefix("PTY ").expect("PTY line").to_owned();
    Sim { child, pty }
}

/// `YYYY-MM-DD` of the civil day `days` since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The UTC date `n` days before today.
fn days_ago(n: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    civil(i64::try_from(now / 86_400).expect("days") - n)
}

fn as_user(home: &Path, user: &str, pass: &Path, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--as", user, "--passphrase-file", s(pass)]);
    huella(home, &all)
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(o)).expect("json")
}

#[test]
fn notified_31_days_ago_is_restricted_until_approval_lifts_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let home = dir.path().join("home");
    let pass = dir.path().join("admin.pass");
    std::fs::write(&pass, "clave-de-prueba-admin\n").expect("pass");
    ok(&huella(
        &home,
        &[
            "init",
            "--office",
            "0901",
            "--station",
            "RES-1",
            "--admin",
            "admin",
            "--passphrase-file",
            s(&pass),
        ],
    ));
    let mut staff = Vec::new();
    for (user, role) in [("ana", "officer"), ("sup", "supervisor")] {
        let f = dir.path().join(format!("{user}.pass"));
        std::fs::write(&f, format!("clave-de-{user}-2026\n")).expect("pass");
        ok(&admin(
            &home,
            &pass,
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
        staff.push(f);
    }
    let (ana, sup) = (&staff[0], &staff[1]);

    // The import's optional last column: the first person was notified 31 days ago, the
    // second not at all, the third 10 days ago.
    let csv = dir.path().join("people.csv");
    ok(&huella(
        &home,
        &[
            "sample",
            "csv",
            "--people",
            "3",
            "--seed",
            "30",
            "--out",
            s(&csv),
        ],
    ));
    let text = std::fs::read_to_string(&csv).expect("csv");
    let lines: Vec<&str> = text.lines().collect();
    let notices = ["", &days_ago(31), "", &days_ago(10)];
    let with_notice: String = lines
        .iter()
        .zip(notices)
        .enumerate()
        .map(|(i, (l, n))| {
            if i == 0 {
                format!("{l},fecha_aviso\n")
            } else {
                format!("{l},{n}\n")
            }
        })
        .collect();
    std::fs::write(&csv, with_notice).expect("csv");
    let out = ok(&admin(&home, &pass, &["import", s(&csv)]));
    assert!(out.contains("importados: 3, rechazados: 0"), "{out}");
    let curp = |i: usize| lines[i].split(',').next().expect("curp").to_owned();
    let (late, never, recent) = (curp(1), curp(2), curp(3));

    let status_of = |c: &str| {
        json(&as_user(
            &home,
            "ana",
            ana,
            &["find", "--curp", c, "--json"],
        ))[0]["estado_biometrico"]
            .as_str()
            .expect("status")
            .to_owned()
    };
    assert_eq!(status_of(&late), "restringido");
    assert_eq!(status_of(&never), "pendiente");
    assert_eq!(status_of(&recent), "pendiente");
    let st = json(&huella(&home, &["status", "--json"]));
    assert_eq!(st["por_estado"]["restringido"], 1, "{st}");
    assert_eq!(st["por_estado"]["pendiente"], 2, "{st}");

    // Notices from the command line: refused in the future, and refused dates write nothing.
    let o = as_user(
        &home,
        "ana",
        ana,
        &[
            "restriction",
            "notify",
            "--curp",
            &never,
            "--date",
            "2999-01-01",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("posterior a hoy"));
    let out = ok(&as_user(
        &home,
        "ana",
        ana,
        &[
            "restriction",
            "notify",
            "--curp",
            &never,
            "--date",
            &days_ago(29),
        ],
    ));
    assert!(
        out.contains(&format!(
            "aviso registrado: {never}, fecha límite {}",
            days_ago(-1)
        )) && out.contains("días restantes 1"),
        "{out}"
    );

    // Most urgent first, with the days left (negative once restricted).
    let list = json(&as_user(
        &home,
        "ana",
        ana,
        &["restriction", "list", "--json"],
    ));
    let rows = list.as_array().expect("rows");
    let order: Vec<(&str, i64, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["curp"].as_str().expect("curp"),
                r["dias_restantes"].as_i64().expect("days"),
                r["estado"].as_str().expect("estado"),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (late.as_str(), -1, "restringido"),
            (never.as_str(), 1, "pendiente"),
            (recent.as_str(), 20, "pendiente"),
        ]
    );

    // Enrolled and approved: the restriction leaves by itself.
    let scanner = start_sim(&["sim", "scanner", "--synthetic", "42", "--unpaced"]);
    let camera = start_sim(&["sim", "camera", "--unpaced"]);
    ok(&as_user(
        &home,
        "ana",
        ana,
        &[
            "enroll",
            "--curp",
            &late,
            "--scanner",
            &scanner.pty,
            "--camera",
            &camera.pty,
            "--consent",
        ],
    ));
    // Captured is not approved: still restricted.
    assert_eq!(status_of(&late), "restringido");
    ok(&admin(
        &home,
        &pass,
        &["policy", "set", "--approval-without-finger", "true"],
    ));
    let queue = ok(&as_user(&home, "sup", sup, &["review", "list"]));
    let id = queue
        .lines()
        .find(|l| l.contains(&late))
        .and_then(|l| l.split('\t').next())
        .expect("queued")
        .to_owned();
    ok(&as_user(&home, "sup", sup, &["review", "approve", &id]));
    assert_eq!(status_of(&late), "aprobado");
    let st = json(&huella(&home, &["status", "--json"]));
    assert_eq!(st["por_estado"]["restringido"], 0, "{st}");
    assert_eq!(st["por_estado"]["aprobado"], 1, "{st}");
    let list = json(&as_user(
        &home,
        "ana",
        ana,
        &["restriction", "list", "--json"],
    ));
    assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
    // An approved person needs no notice.
    let o = as_user(
        &home,
        "ana",
        ana,
        &[
            "restriction",
            "notify",
            "--curp",
            &late,
            "--date",
            &days_ago(0),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ya tiene biometría aprobada"));
}
