//! A movement recorded from the person's file in the console (issue 16), on the real binary in
//! tmux with a real store: the form refuses a salary below the minimum wage with one line and
//! writes nothing, then records a salary change whose history line (before → after, folio,
//! officer) shows in "Movimientos y acuses", and whose acuse is printed as PDF into the
//! `[documentos]` folder of `consola.toml` (its text read back with `pdftotext`).

mod support;

use huella::identifiers::synthetic_person;
use support::{Tmux, audit, demo_command, login, open_person, wait_exit};

#[test]
fn a_salary_change_recorded_from_the_persons_file_shows_in_its_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("estacion");
    let folder = dir.path().join("acuses");
    std::fs::create_dir_all(&home).expect("home");
    std::fs::write(
        home.join("consola.toml"),
        format!("[documentos]\ncarpeta = \"{}\"\n", folder.display()),
    )
    .expect("consola.toml");
    let t = Tmux::start(&demo_command(&home));
    let person = synthetic_person(2026, 5);
    let curp = person.curp.to_string();
    login(&t, "oficial", "oficial-demo-2026");
    open_person(&t, &curp);
    t.wait_for("m registrar un movimiento");

    // The form opens on an alta; → twice chooses the salary change.
    t.keys(&["m"]);
    t.wait_for("Registrar movimiento");
    t.keys(&["Right", "Right"]);
    t.wait_for("‹ modificación de salario ›");
    t.text("100");
    t.keys(&["Enter"]);
    t.wait_for("menor que el salario mínimo general vigente");
    // Corrected: 450 pesos.
    t.keys(&["BSpace", "BSpace", "BSpace"]);
    t.text("450");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Movimiento registrado, folio 0901-");
    assert!(
        !screen.contains("Registrar movimiento"),
        "form still open:\n{screen}"
    );
    let history = t.wait_for("modificación de salario");
    // The line wraps in the panel: before → after, then the folio.
    let before = format!("{} →", person.salario_diario);
    assert!(history.contains(&before), "{before} not in:\n{history}");
    assert!(history.contains("450.00 · 0901-DEMO-1-000001"), "{history}");
    assert!(history.contains("por oficial"), "{history}");
    t.keys(&["C-q"]);
    wait_exit(&t);
    let recorded: Vec<String> = audit(&home)
        .into_iter()
        .filter(|(_, d)| d.starts_with("movimiento modificacion_salario, folio 0901-"))
        .map(|(_, d)| d)
        .collect();
    // One entry: the refused movement wrote none.
    assert_eq!(recorded.len(), 1, "{recorded:?}");

    // The movement's acuse, printed into the folder: one PDF, read back.
    let pdfs: Vec<_> = std::fs::read_dir(&folder)
        .expect("the acuse folder exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdfs[0])
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    for needle in [
        "Acuse de recibo",
        "Movimiento afiliatorio",
        "0901-DEMO-1-000001",
        curp.as_str(),
        "450.00",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
}
