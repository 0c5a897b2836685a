//! The console prints the acuse: with a `[documentos]` folder in `consola.toml`, an
//! enrollment submitted from the console (tmux, simulated devices) leaves the person's acuse
//! there as PDF and text; `pdftotext` reads the person's CURP off the page and the PDF verifies
//! with `huella document verify`. Needs tmux and poppler-utils (installed by `.ci/run`).

mod support;

use std::process::Command;

use huella::identifiers::synthetic_person;
use support::{Tmux, demo_command, finish_enrollment, login, open_person, wait_exit};

#[test]
fn a_submission_from_the_console_prints_its_acuse_to_the_configured_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("estacion");
    let folder = dir.path().join("acuses");
    std::fs::create_dir_all(&home).expect("home");
    std::fs::write(
        home.join("consola.toml"),
        format!(
            "[documentos]\ncarpeta = \"{}\"\npapel = \"carta\"\n",
            folder.display()
        ),
    )
    .expect("consola.toml");
    let t = Tmux::start(&demo_command(&home));
    let curp = synthetic_person(2026, 1).curp.to_string();

    login(&t, "oficial", "oficial-demo-2026");
    open_person(&t, &curp);
    t.keys(&["e"]);
    t.wait_for("¿Es la persona que está frente a usted?");
    t.keys(&["Enter"]);
    t.wait_for("Aviso de privacidad");
    t.keys(&["Enter"]);
    t.wait_for("Coloque el");
    finish_enrollment(&t);
    t.keys(&["C-q"]);
    wait_exit(&t);

    let pdfs: Vec<_> = std::fs::read_dir(&folder)
        .expect("the acuse folder exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    assert!(pdfs[0].with_extension("txt").is_file());
    let text = Command::new("pdftotext")
        .arg(&pdfs[0])
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Acuse de recibo"), "{text}");
    assert!(text.contains(&curp), "{text}");
    assert!(
        text.contains("Captura biométrica enviada a aprobación"),
        "{text}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_huella"))
        .arg("--home")
        .arg(&home)
        .args(["document", "verify"])
        .arg(&pdfs[0])
        .output()
        .expect("verify");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.starts_with("documento válido: acuse "), "{out}");
}
