//! End-to-end traps of a counter day (issue 15), on the real binary in tmux with simulated
//! devices and a real store: the reject prompt and a passphrase typed out of habit, recapture
//! of one finger, reopening a rejected person, the per-user login lockout across a restart,
//! and the station policy for supervisors without a scanner.

mod support;

use huella::home::Home;
use huella::identifiers::synthetic_person;
use huella::workflows::policy::StationPolicy;
use huella::workflows::session::Session;
use huella_keys::Passphrase;
use huella_sync::{BiometricStatus, Decision, FingerPosition, RecordId};
use support::{
    Tmux, audit, consent_and_finish, console_command, demo_command, login, officer_enrolls,
    open_person, supervisor_opens_review, wait_exit,
};

const SUPERVISOR_PASS: &str = "supervisor-demo-2026";

#[test]
fn passphrase_typed_first_is_never_the_reason_and_a_rejected_person_reopens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("estacion");
    let t = Tmux::start(&demo_command(&home));
    let curp = synthetic_person(2026, 3).curp.to_string();
    officer_enrolls(&t, &curp);
    supervisor_opens_review(&t, &curp);

    // Reject: the supervisor types the passphrase out of habit, then Enter.
    t.keys(&["r"]);
    t.wait_for("Su contraseña");
    t.text(SUPERVISOR_PASS);
    t.keys(&["Enter"]);
    t.wait_for("Escriba el motivo.");
    t.text("foto borrosa");
    t.keys(&["Enter"]);
    t.wait_for("Captura rechazada y firmada.");
    t.keys(&["Escape"]);
    t.wait_for("Trabajo de hoy");
    open_person(&t, &curp);
    let file = t.wait_for("foto borrosa");
    assert!(!file.contains(SUPERVISOR_PASS), "{file}");

    // The officer reopens the rejected person and enrolls again.
    t.keys(&["F12"]);
    login(&t, "oficial", "oficial-demo-2026");
    open_person(&t, &curp);
    t.wait_for("reabrir para una nueva captura");
    t.keys(&["e"]);
    consent_and_finish(&t);
    t.keys(&["C-q"]);
    wait_exit(&t);

    let entries = audit(&home);
    assert!(
        entries.iter().all(|(_, d)| !d.contains(SUPERVISOR_PASS)),
        "{entries:?}"
    );
    assert!(
        entries
            .iter()
            .any(|(_, d)| d == "reabierto para una nueva captura"),
        "{entries:?}"
    );
    let pass = Passphrase::new("oficial-demo-2026");
    let session = Session::open_with(&Home::new(home.clone()), "oficial", &pass).expect("session");
    let id = huella::workflows::lookup::find_ids(
        &session,
        &huella::workflows::lookup::Query::Curp(curp.clone()),
    )
    .expect("find")[0];
    let open = session
        .store
        .open_record(&session.keys(), id)
        .expect("record");
    assert_eq!(
        open.record.status().expect("status"),
        BiometricStatus::Capturado
    );
}

#[test]
fn a_recapture_reopens_at_the_requested_finger_and_keeps_the_others() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("estacion");
    let t = Tmux::start(&demo_command(&home));
    let person = synthetic_person(2026, 4);
    let curp = person.curp.to_string();
    officer_enrolls(&t, &curp);
    supervisor_opens_review(&t, &curp);

    // Third finger (right middle) highlighted, then "ask for recapture".
    t.keys(&["Right", "Right", "c"]);
    t.wait_for("Dedo a recapturar: medio derecho");
    t.text(SUPERVISOR_PASS);
    t.keys(&["Enter"]);
    t.wait_for("Escriba el motivo.");
    t.text("dedo movido");
    t.keys(&["Enter"]);
    t.wait_for("Se pidió recaptura");
    t.keys(&["F12"]);

    // The officer's home lists the request; the draft opens at that finger.
    login(&t, "oficial", "oficial-demo-2026");
    let home_screen = t.wait_for("Recapturas solicitadas");
    assert!(home_screen.contains(&curp), "{home_screen}");
    assert!(home_screen.contains("medio derecho"), "{home_screen}");
    open_person(&t, &curp);
    t.keys(&["e"]);
    t.wait_for("¿Es la persona que está frente a usted?");
    t.keys(&["Enter"]);
    let wizard = t.wait_for("Recaptura solicitada: medio derecho");
    assert!(wizard.contains("▶ 3"), "{wizard}");
    // The photo was not asked for again: straight to the duplicate search once the finger is in.
    t.wait_for("Sin coincidencias en la oficina");
    t.keys(&["Enter"]);
    t.wait_for("Folio");
    t.keys(&["Enter"]);
    t.wait_for("Trabajo de hoy");
    t.keys(&["C-q"]);
    wait_exit(&t);

    let pass = Passphrase::new("oficial-demo-2026");
    let session = Session::open_with(&Home::new(home.clone()), "oficial", &pass).expect("session");
    let id: RecordId = huella::workflows::lookup::find_ids(
        &session,
        &huella::workflows::lookup::Query::Curp(curp),
    )
    .expect("find")[0];
    let open = session
        .store
        .open_record(&session.keys(), id)
        .expect("record");
    assert_eq!(
        open.record.status().expect("status"),
        BiometricStatus::Capturado
    );
    let asked = open
        .record
        .approvals()
        .expect("approvals")
        .into_iter()
        .find(|a| a.decision == Decision::Recapturar)
        .expect("recapture")
        .signed_at;
    let captures = open.record.captures().expect("captures");
    let at = |p: FingerPosition| {
        captures
            .iter()
            .find(|c| c.position == p)
            .map(|c| c.captured_at.clone())
            .expect("capture")
    };
    assert!(at(FingerPosition::RightMiddle) >= asked, "redone");
    assert!(at(FingerPosition::RightThumb) < asked, "kept from before");
}

#[test]
fn a_lockout_stops_one_user_only_and_survives_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("estacion");
    let t = Tmux::start(&demo_command(&home));
    t.wait_for("Inicio de sesión");
    t.text("oficial");
    t.keys(&["Enter"]);
    for n in 1..=3 {
        t.text("no-es-la-contraseña");
        t.keys(&["Enter"]);
        t.wait_for(&format!("Intentos fallidos: {n}"));
    }
    t.wait_for("Acceso bloqueado");

    // Another officer is not locked out.
    t.keys(&["Tab"]);
    for _ in 0.."oficial".len() {
        t.keys(&["BSpace"]);
    }
    login(&t, "supervisor", SUPERVISOR_PASS);
    t.keys(&["C-q"]);
    wait_exit(&t);

    // Restarting the console does not clear the lock of the officer who failed.
    t.respawn(&demo_command(&home));
    t.wait_for("Inicio de sesión");
    t.text("oficial");
    t.keys(&["Enter"]);
    t.text("oficial-demo-2026");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Acceso bloqueado");
    assert!(!screen.contains("Trabajo de hoy"), "{screen}");
}

#[test]
fn without_a_scanner_the_station_policy_decides_and_the_audit_names_the_factors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("estacion");
    let t = Tmux::start(&demo_command(&home));
    let curp = synthetic_person(2026, 5).curp.to_string();
    officer_enrolls(&t, &curp);
    t.keys(&["C-q"]);
    wait_exit(&t);

    // The console without `--scanner`: the strict default refuses the decision.
    t.respawn(&console_command(&home, "es"));
    supervisor_opens_review(&t, &curp);
    t.keys(&["a"]);
    t.wait_for("Su contraseña");
    t.text(SUPERVISOR_PASS);
    t.keys(&["Enter"]);
    t.wait_for("exige la huella del supervisor");
    t.keys(&["C-q"]);
    wait_exit(&t);

    // An administrator allows passphrase-only decisions at this station.
    let station = Home::new(home.clone());
    let admin = Session::open_with(&station, "admin", &Passphrase::new("admin-demo-2026"))
        .expect("admin session");
    StationPolicy {
        approval_without_finger: true,
    }
    .set(&station, &admin)
    .expect("policy");
    drop(admin);

    t.respawn(&console_command(&home, "es"));
    supervisor_opens_review(&t, &curp);
    t.keys(&["a"]);
    t.wait_for("Su contraseña");
    t.text(SUPERVISOR_PASS);
    t.keys(&["Enter"]);
    t.wait_for("Captura aprobada y firmada.");
    t.keys(&["C-q"]);
    wait_exit(&t);

    let entries = audit(&home);
    assert!(
        entries
            .iter()
            .any(|(_, d)| d.contains("aprobación sin huella permitida")),
        "{entries:?}"
    );
    assert!(
        entries.iter().any(|(a, d)| a == "aprobacion"
            && d.contains(
                "factores: contraseña (sin lector de huellas; permitido por la política"
            )),
        "{entries:?}"
    );
}

/// The last line of the screen: the key hints.
fn footer(screen: &str) -> String {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_footer_follows_the_step_declining_explains_itself_and_enter_during_the_photo_is_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("estacion");
    let t = Tmux::start(&demo_command(&home));
    let curp = synthetic_person(2026, 6).curp.to_string();
    login(&t, "oficial", "oficial-demo-2026");
    open_person(&t, &curp);
    t.keys(&["e"]);
    let identity = footer(&t.wait_for("¿Es la persona que está frente a usted?"));
    assert!(!identity.contains("No consiente"), "{identity}");
    assert!(!identity.contains("Repetir"), "{identity}");
    t.keys(&["Enter"]);
    let consent = footer(&t.wait_for("Aviso de privacidad"));
    assert!(consent.contains("No consiente"), "{consent}");
    assert!(!consent.contains("Excepción"), "{consent}");

    // Declining says what happened instead of returning silently.
    t.keys(&["n"]);
    t.wait_for("Sin consentimiento no hay captura");

    t.keys(&["e"]);
    t.wait_for("¿Es la persona que está frente a usted?");
    t.keys(&["Enter"]);
    t.wait_for("Aviso de privacidad");
    t.keys(&["Enter"]);
    let fingers = footer(&t.wait_for("Coloque el"));
    assert!(fingers.contains("Excepción"), "{fingers}");
    assert!(!fingers.contains("No consiente"), "{fingers}");

    // Enter while the photo is still being taken is kept: the photo is accepted once checked.
    // On an idle machine the simulated photo can be taken and checked between two reads of
    // the screen; then this Enter accepts the checked photo, which must end the same way.
    let photo = wait_for_any(&t, &["Tomando la foto", "La foto cumple las revisiones"]);
    assert!(!photo.contains("registre una excepción"), "{photo}");
    t.keys(&["Enter"]);
    t.wait_for("Sin coincidencias en la oficina");
    t.keys(&["Enter"]);
    t.wait_for("Folio");
    t.keys(&["C-q"]);
}

/// The screen once it shows any of `needles` (the console moves on by itself between reads).
fn wait_for_any(t: &Tmux, needles: &[&str]) -> String {
    let start = std::time::Instant::now();
    loop {
        let s = t.screen();
        if needles.iter().any(|n| s.contains(n)) {
            return s;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(90),
            "no apareció ninguno de {needles:?} en la pantalla:\n{s}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
