//! The console's ARCO requests screen end to end (tmux, real binary, demo station): from a
//! person's file the officer files a request (right, identification), the screen lists it
//! with its deadline and 20 business days left, and the command line sees the same request.

mod support;

use std::process::Command;

use huella::identifiers::synthetic_person;
use support::{Tmux, demo_command, login, open_person, wait_exit};

#[test]
fn an_officer_files_an_arco_request_and_sees_its_deadline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("estacion");
    let t = Tmux::start(&demo_command(&home));
    let curp = synthetic_person(2026, 1).curp.to_string();

    login(&t, "oficial", "oficial-demo-2026");
    t.keys(&["o"]);
    t.wait_for("No hay solicitudes ARCO abiertas.");
    t.keys(&["Escape"]);
    t.wait_for("Trabajo de hoy");
    open_person(&t, &curp);
    t.keys(&["o"]);
    t.wait_for(&format!("Nueva solicitud ARCO de {curp}"));
    // Filing needs the identification.
    t.keys(&["Enter"]);
    t.wait_for("Identificación?");
    t.keys(&["Right", "Right"]);
    t.wait_for("[Cancelación]");
    t.text("INE 1234567890");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Solicitud registrada: ARCO-");
    assert!(screen.contains("vence"), "{screen}");
    let screen = t.wait_for("Solicitudes ARCO abiertas (1)");
    let row = screen
        .lines()
        .find(|l| l.contains(&curp))
        .unwrap_or_else(|| panic!("no row for {curp}:\n{screen}"));
    assert!(row.contains("Cancelación"), "{row}");
    assert!(
        row.trim_end()
            .trim_end_matches('│')
            .trim_end()
            .ends_with("20"),
        "{row}"
    );
    t.keys(&["C-q"]);
    wait_exit(&t);

    let pass = dir.path().join("oficial.pass");
    std::fs::write(&pass, "oficial-demo-2026\n").expect("pass");
    let out = Command::new(env!("CARGO_BIN_EXE_huella"))
        .arg("--home")
        .arg(&home)
        .args(["arco", "list", "--as", "oficial", "--passphrase-file"])
        .arg(&pass)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(&format!("\tcancelacion\t{curp}\tvence ")),
        "{text}"
    );
}
