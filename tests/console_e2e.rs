//! End-to-end: the real `huella` binary in a fixed-size detached tmux session, driven with
//! `send-keys` and checked with `capture-pane -p`. Simulated scanner and camera on ptys, real
//! encrypted sled store. Each test runs its own tmux server, killed by a guard.

mod support;

use std::process::Command;

use huella::identifiers::synthetic_person;
use support::{Tmux, demo_command, finish_enrollment, login, open_person, wait_exit};

#[test]
fn officer_enrolls_supervisor_approves_lookup_shows_approved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("estacion");
    let t = Tmux::start(&demo_command(&home));
    let person = synthetic_person(2026, 0);
    let curp = person.curp.to_string();

    login(&t, "oficial", "oficial-demo-2026");
    open_person(&t, &curp);
    t.keys(&["e"]);
    t.wait_for("¿Es la persona que está frente a usted?");
    t.keys(&["Enter"]);
    t.wait_for("Aviso de privacidad");
    t.keys(&["Enter"]);
    t.wait_for("Coloque el");
    finish_enrollment(&t);

    t.keys(&["F12"]);
    login(&t, "supervisor", "supervisor-demo-2026");
    t.wait_for("En espera de aprobación: 1");
    t.keys(&["F4"]);
    t.wait_for(&curp);
    t.keys(&["Enter"]);
    let review = t.wait_for("Evidencia");
    assert!(review.contains("Capturó: oficial"), "{review}");
    t.keys(&["a"]);
    t.wait_for("Su contraseña");
    t.text("no-es-la-contraseña");
    t.keys(&["Enter"]);
    t.wait_for("contraseña incorrecta");
    t.text("supervisor-demo-2026");
    t.keys(&["Enter"]);
    t.wait_for("Captura aprobada y firmada.");
    t.keys(&["Escape"]);
    t.wait_for("Trabajo de hoy");

    open_person(&t, &curp);
    let screen = t.wait_for("Acuse");
    assert!(screen.contains("Estado: aprobado"), "{screen}");
    assert!(screen.contains("supervisor"), "{screen}");

    // Supervivencia: the person's live finger verified 1:1 against the enrolled print.
    t.keys(&["v"]);
    t.wait_for("Supervivencia confirmada");
    let screen = t.wait_for("Supervivencia: ");
    assert!(screen.contains("coincide"), "{screen}");
    t.keys(&["C-q"]);
    wait_exit(&t);

    // The approval was signed after passphrase + the supervisor's own finger (demo reference
    // enrolled from the simulated scanner), and the audit says which factors were used.
    let store = huella_sync::Store::open(&huella::home::Home::new(home.clone()).store_dir())
        .expect("store");
    let details: Vec<(String, String)> = store
        .audit_entries()
        .filter_map(Result::ok)
        .map(|e| (e.action, e.detail))
        .collect();
    assert!(
        details
            .iter()
            .any(|(a, d)| a == "aprobacion" && d.contains("factores: contraseña + huella")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|(_, d)| d.contains("huella de referencia del usuario supervisor")),
        "{details:?}"
    );
    assert!(
        details.iter().any(|(a, d)| a == "verificacion"
            && d.contains("supervivencia")
            && d.contains(", coincide")),
        "{details:?}"
    );
    drop(store);

    // `huella status` (no passphrase) reports the devices the console connected.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_huella"))
        .arg("--home")
        .arg(&home)
        .args(["status", "--json"])
        .output()
        .expect("status");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let devices = v["dispositivos"].as_array().expect("devices");
    for tipo in ["escaner", "camara"] {
        assert!(
            devices
                .iter()
                .any(|d| d["tipo"] == tipo && d["estado"] == "conectado"),
            "{v}"
        );
    }
}

#[test]
fn killed_mid_fingers_resumes_the_draft() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("estacion");
    let t = Tmux::start(&demo_command(&home));
    let curp = synthetic_person(2026, 1).curp.to_string();

    login(&t, "oficial", "oficial-demo-2026");
    open_person(&t, &curp);
    t.keys(&["e"]);
    t.wait_for("¿Es la persona que está frente a usted?");
    t.keys(&["Enter"]);
    t.wait_for("Aviso de privacidad");
    t.keys(&["Enter"]);
    t.wait_for("Dedos 3/10");
    let pid = t.pane_pid();
    let killed = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());

    t.respawn(&demo_command(&home));
    login(&t, "oficial", "oficial-demo-2026");
    let home_screen = t.wait_for("Borradores");
    assert!(home_screen.contains("/10 Dedos"), "{home_screen}");
    t.keys(&["c"]);
    let resumed = t.wait_for("Se continúa el borrador:");
    let done: usize = resumed
        .split("Se continúa el borrador: ")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|n| n.trim().parse().ok())
        .expect("dedos del borrador");
    assert!(
        (3..10).contains(&done),
        "dedos guardados: {done}\n{resumed}"
    );
    t.keys(&["Enter"]);
    finish_enrollment(&t);
    t.keys(&["C-q"]);
}
