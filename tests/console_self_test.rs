//! The shift-start self-test run by the console at login (issue 21): on the real binary in
//! tmux with both simulators attached, the first login tests the scanner and the camera
//! through the devices the console holds, the home screen shows the outcome, and
//! `huella status --json` reports it per device; a second login within the shift runs none.

mod support;

use support::{Tmux, demo_command, login, wait_exit};

#[test]
fn the_first_login_of_the_shift_tests_both_devices_and_status_reports_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("estacion");
    let t = Tmux::start(&demo_command(&home));
    login(&t, "oficial", "oficial-demo-2026");
    t.wait_for("Autoprueba Lector: correcta");
    let screen = t.wait_for("Autoprueba Cámara: correcta");
    assert!(!screen.contains("fallida"), "{screen}");

    // Within the shift the next login runs no test: the home shows none.
    t.keys(&["F12"]);
    login(&t, "oficial", "oficial-demo-2026");
    t.wait_for("Lector");
    let again = t.screen();
    assert!(!again.contains("Autoprueba"), "{again}");
    t.keys(&["C-q"]);
    wait_exit(&t);

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
        let d = devices
            .iter()
            .find(|d| d["tipo"] == tipo)
            .unwrap_or_else(|| panic!("{tipo}: {v}"));
        let test = &d["autoprueba"];
        assert_eq!(test["tipo"], tipo, "{v}");
        assert_eq!(test["resultado"], "correcto", "{v}");
        assert!(test["motivo"].is_null(), "{v}");
        assert_eq!(test["puerto"], d["puerto"], "{v}");
        assert!(
            test["cuando"].as_str().is_some_and(|c| c.ends_with('Z')),
            "{v}"
        );
    }
}
