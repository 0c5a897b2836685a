//! `huella devices test` on the simulators (real ptys, the real binary): both devices pass and
//! `status --json` shows the result under `dispositivos[].autoprueba`; a camera that stops
//! answering fails the test (exit 1) and is recorded as failed.

use huella_devices::SimFinger;
use huella_devices::sim::{self, Fault, Line, ScannerSimConfig};

use super::util::{Station, assert_success, assert_user_error, stdout};

fn status(st: &Station) -> serde_json::Value {
    let out = st.run(&["status", "--json"]);
    assert_success(&out);
    serde_json::from_slice(&out.stdout).expect("status json")
}

fn device<'a>(v: &'a serde_json::Value, tipo: &str) -> &'a serde_json::Value {
    v["dispositivos"]
        .as_array()
        .expect("dispositivos")
        .iter()
        .find(|d| d["tipo"] == tipo)
        .unwrap_or_else(|| panic!("no {tipo} in {v}"))
}

#[test]
fn shift_start_test_of_both_simulators_is_recorded_then_a_dead_camera_fails() {
    let st = Station::init();
    let scanner = sim::start_scanner(ScannerSimConfig::synthetic(Line::unpaced(57_600)))
        .expect("scanner sim");
    scanner.glass().place(7, SimFinger::new(2).expect("finger"));
    let camera = sim::start_camera(Line::unpaced(38_400), 3, None).expect("camera sim");

    let out = st.run(&[
        "devices",
        "test",
        "--port",
        scanner.path(),
        "--camera",
        camera.path(),
    ]);
    assert_success(&out);
    let text = stdout(&out);
    assert!(
        text.contains("lector: ") && text.contains("— correcto"),
        "{text}"
    );
    assert!(text.contains("rostros vistos 1"), "{text}");
    assert!(text.ends_with("resultado: correcto\n"), "{text}");

    let file = st.home.join("autoprueba.json");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file)
        .expect("autoprueba.json")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");

    let v = status(&st);
    let s = device(&v, "escaner");
    assert_eq!(s["puerto"], scanner.path());
    assert_eq!(s["estado"], "conectado");
    assert_eq!(s["autoprueba"]["resultado"], "correcto");
    assert_eq!(s["autoprueba"]["modelo"], "ZFM-20");
    let c = device(&v, "camara");
    assert_eq!(c["autoprueba"]["resultado"], "correcto");
    assert_eq!(c["autoprueba"]["puerto"], camera.path());
    assert!(
        c["autoprueba"]["modelo"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
    let when = c["autoprueba"]["cuando"].as_str().expect("cuando");
    assert_eq!((when.len(), &when[10..11]), (20, "T"), "{when}");

    // The camera answers its handshake, then goes silent during the photo.
    let dead = sim::start_camera(Line::unpaced(38_400), 3, Some(Fault::Timeout)).expect("sim");
    let out = st.run(&["devices", "test", "--camera", dead.path(), "--timeout", "2"]);
    assert_user_error(&out, "prueba de inicio de turno fallida: cámara");
    assert!(
        stdout(&out).contains("fallido [sin-respuesta]"),
        "{}",
        stdout(&out)
    );
    let v = status(&st);
    let c = device(&v, "camara");
    assert_eq!(c["autoprueba"]["resultado"], "fallido");
    assert_eq!(c["autoprueba"]["motivo"], "sin-respuesta");
    assert_eq!(c["autoprueba"]["puerto"], dead.path());
    // The scanner's passing test is kept.
    assert_eq!(device(&v, "escaner")["autoprueba"]["resultado"], "correcto");

    // Neither device given: a usage error.
    assert_eq!(st.run(&["devices", "test"]).status.code(), Some(2));
}
