//! `huella enroll` and `huella review` end to end through the binary, with the scanner and
//! camera simulators on pseudo-terminals: consent required, ten fingers and the photo, the
//! supervisor's queue, the re-authentication rules (role, reason, passphrase, the finger
//! factor with a scanner), approve and recapture, and the local duplicate search.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use super::util::{Station, assert_success, assert_user_error, sample_csv, stdout};

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

fn start_sim(st: &Station, args: &[&str]) -> Sim {
    let mut child = st
        .cmd(args)
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

/// The station with an officer `ana` and a supervisor `sup`, and their passphrase files.
fn station_with_staff() -> (Station, String, String) {
    let st = Station::init();
    let mut files = Vec::new();
    for (user, role) in [("ana", "officer"), ("sup", "supervisor")] {
        let f = st.path(&format!("{user}.pass"));
        std::fs::write(&f, format!("clave-de-{user}-2026\n")).expect("write");
        let f = f.to_str().expect("utf8").to_owned();
        assert_success(&st.run_as_admin(&[
            "officer",
            "add",
            user,
            "--role",
            role,
            "--new-passphrase-file",
            &f,
        ]));
        files.push(f);
    }
    let sup = files.pop().expect("sup");
    let ana = files.pop().expect("ana");
    (st, ana, sup)
}

fn status_of(st: &Station, curp: &str, pass: &str) -> String {
    let o = st.run(&[
        "find",
        "--curp",
        curp,
        "--json",
        "--as",
        "sup",
        "--passphrase-file",
        pass,
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    v[0]["estado_biometrico"]
        .as_str()
        .expect("status")
        .to_owned()
}

/// The supervisor rejects `id` with a reason, passphrase only (the policy allows it).
fn decide_on(st: &Station, id: &str, sup: &str) -> std::process::Output {
    st.run(&[
        "review",
        "reject",
        id,
        "--reason",
        "persona distinta a la registrada",
        "--as",
        "sup",
        "--passphrase-file",
        sup,
    ])
}

#[test]
fn enroll_then_review_through_the_command_line() {
    let (st, ana, sup) = station_with_staff();
    let csv = st.path("people.csv");
    let lines = sample_csv(&st, &csv, 3, 11);
    assert_success(&st.run_as_admin(&["import", csv.to_str().expect("utf8")]));
    let curp = |i: usize| lines[i].split(',').next().expect("curp").to_owned();
    let (first, second) = (curp(1), curp(2));
    let scanner = start_sim(&st, &["sim", "scanner", "--synthetic", "42", "--unpaced"]);
    let camera = start_sim(&st, &["sim", "camera", "--unpaced"]);
    let enroll = |curp: &str, extra: &[&str]| {
        let mut args = vec![
            "enroll",
            "--curp",
            curp,
            "--scanner",
            &scanner.pty,
            "--camera",
            &camera.pty,
            "--as",
            "ana",
            "--passphrase-file",
            &ana,
        ];
        args.extend_from_slice(extra);
        st.run(&args)
    };

    // Nothing is captured without the person's consent.
    assert_user_error(&enroll(&first, &[]), "--consent");
    assert_eq!(status_of(&st, &first, &sup), "pendiente");

    let o = enroll(&first, &["--consent"]);
    assert_success(&o);
    let text = stdout(&o);
    assert!(text.contains("consentimiento registrado"), "{text}");
    assert_eq!(
        text.matches("se conserva la mejor lectura").count(),
        10,
        "{text}"
    );
    assert!(text.contains("fotografía aceptada"), "{text}");
    assert!(
        text.contains("enviado a aprobación: folio F-") && text.contains("posibles duplicados 0"),
        "{text}"
    );
    assert_eq!(status_of(&st, &first, &sup), "capturado");

    // The queue shows it; only a supervisor decides, with a reason to reject, and with the
    // finger factor when a scanner is given.
    let o = st.run(&["review", "list", "--as", "sup", "--passphrase-file", &sup]);
    assert_success(&o);
    let queue = stdout(&o);
    let row = queue.lines().find(|l| l.contains(&first)).expect("queued");
    let id = row.split('\t').next().expect("id").to_owned();
    assert!(row.ends_with("excepciones: 0\tduplicados: 0"), "{row}");
    let decide = |what: &str, who: &str, pass: &str, extra: &[&str]| {
        let mut args = vec![
            "review",
            what,
            id.as_str(),
            "--as",
            who,
            "--passphrase-file",
            pass,
        ];
        args.extend_from_slice(extra);
        st.run(&args)
    };
    assert_user_error(&decide("approve", "ana", &ana, &[]), "solo un supervisor");
    let o = st.run(&[
        "--lang",
        "en",
        "review",
        "approve",
        &id,
        "--as",
        "ana",
        "--passphrase-file",
        &ana,
    ]);
    assert_user_error(&o, "only a supervisor may approve");
    assert_user_error(&decide("reject", "sup", &sup, &[]), "motivo");
    assert_user_error(
        &decide("approve", "sup", &sup, &["--scanner", &scanner.pty]),
        "huella de referencia",
    );
    assert_eq!(status_of(&st, &first, &sup), "capturado");
    assert_success(&st.run(&[
        "officer",
        "finger",
        "--scanner",
        &scanner.pty,
        "--as",
        "sup",
        "--passphrase-file",
        &sup,
    ]));
    let o = decide("approve", "sup", &sup, &["--scanner", &scanner.pty]);
    assert_success(&o);
    assert!(stdout(&o).contains(&format!("decisión registrada: {id} aprobar")));
    assert_eq!(status_of(&st, &first, &sup), "aprobado");
    // Proof of life against the approved prints.
    let o = st.run(&[
        "proof-of-life",
        "--curp",
        &first,
        "--scanner",
        &scanner.pty,
        "--as",
        "ana",
        "--passphrase-file",
        &ana,
    ]);
    assert_success(&o);
    assert!(
        stdout(&o).contains("supervivencia: coincide"),
        "{}",
        stdout(&o)
    );
    let o = st.run(&[
        "person",
        "--curp",
        &first,
        "--as",
        "ana",
        "--passphrase-file",
        &ana,
    ]);
    assert_success(&o);
    let file = stdout(&o);
    for part in [
        "huellas: 10/10, fotografía: sí, consentimiento: aviso-privacidad",
        "recibo F-",
        "\tcapturado\tana\t",
        "\taprobado\tsup\t",
        "coincide",
    ] {
        assert!(file.contains(part), "{part:?} in {file}");
    }

    // The same fingers again under another CURP: flagged as a possible duplicate. One finger
    // is an exception; the supervisor sends it back for recapture.
    let o = enroll(
        &second,
        &["--consent", "--exception", "10:amputado:accidente laboral"],
    );
    assert_success(&o);
    let text = stdout(&o);
    assert!(text.contains("excepción registrada"), "{text}");
    assert_eq!(
        text.matches("se conserva la mejor lectura").count(),
        9,
        "{text}"
    );
    assert!(text.contains("posibles duplicados 1"), "{text}");
    let o = st.run(&[
        "review",
        "list",
        "--json",
        "--as",
        "sup",
        "--passphrase-file",
        &sup,
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let item = &v.as_array().expect("array")[0];
    assert_eq!(item["curp"], second.as_str());
    assert_eq!(item["excepciones"], 1);
    assert_eq!(item["duplicados"], 1);
    let second_id = item["id"].as_str().expect("id").to_owned();
    let recapture = || {
        st.run(&[
            "review",
            "recapture",
            &second_id,
            "--reason",
            "repetir la toma",
            "--fingers",
            "2,7",
            "--as",
            "sup",
            "--passphrase-file",
            &sup,
        ])
    };
    // Without the scanner the station policy decides: strict by default, then relaxed by an
    // administrator (and never by a supervisor).
    assert_user_error(&recapture(), "exige la huella del supervisor");
    let policy = |allow: &str, who: &str, pass: &str| {
        st.run(&[
            "policy",
            "set",
            "--approval-without-finger",
            allow,
            "--as",
            who,
            "--passphrase-file",
            pass,
        ])
    };
    assert_user_error(&policy("true", "sup", &sup), "solo un administrador");
    let admin = st.admin_pass.to_str().expect("utf8");
    let o = policy("true", "admin", admin);
    assert_success(&o);
    assert!(stdout(&o).contains("aprobación sin huella del supervisor: permitida"));
    assert_success(&recapture());
    assert_eq!(status_of(&st, &second, &sup), "pendiente");
    // The officer redoes only the two fingers asked for, then the supervisor rejects it.
    let o = enroll(&second, &[]);
    assert_success(&o);
    let text = stdout(&o);
    assert_eq!(
        text.matches("se conserva la mejor lectura").count(),
        2,
        "{text}"
    );
    assert!(text.contains("enviado a aprobación"), "{text}");
    assert_success(&decide_on(&st, &second_id, &sup));
    assert_eq!(status_of(&st, &second, &sup), "rechazado");
    // A rejected person is not a dead end: reopened, enrolled again, queued again.
    assert_user_error(&enroll(&second, &[]), "estado: rechazado");
    let o = enroll(&second, &["--reopen", "--consent"]);
    assert_success(&o);
    assert!(
        stdout(&o).contains("enviado a aprobación"),
        "{}",
        stdout(&o)
    );
    assert_success(&decide_on(&st, &second_id, &sup));
    let o = st.run(&["review", "list", "--as", "sup", "--passphrase-file", &sup]);
    assert!(
        stdout(&o).contains("no hay capturas en espera"),
        "{}",
        stdout(&o)
    );
    assert_success(&st.run(&["audit", "verify"]));
}
