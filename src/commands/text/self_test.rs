//! The words of `huella devices test` (the shift-start self-test), in both languages.
//! Wording only: the tests and their record are `workflows::self_test`'s.

use super::{Lang, lang};
use crate::workflows::self_test::{DeviceKind, DeviceTest, Measured, SelfTestFailure};

/// The device's name as a person reads it.
pub fn device_name(k: DeviceKind) -> &'static str {
    match (lang(), k) {
        (Lang::Es, DeviceKind::Escaner) => "lector",
        (Lang::Es, DeviceKind::Camara) => "cámara",
        (Lang::En, DeviceKind::Escaner) => "scanner",
        (Lang::En, DeviceKind::Camara) => "camera",
    }
}

fn measured(m: &Measured) -> String {
    let en = lang() == Lang::En;
    match m {
        Measured::Finger {
            size,
            bytes_per_second,
            contrast,
            foreground,
        } => {
            let (image, contrast_w, ridges) = if en {
                ("image", "contrast", "ridge area")
            } else {
                ("imagen", "contraste", "primer plano")
            };
            format!(
                "{image} {}×{}, {bytes_per_second:.0} B/s, {contrast_w} {contrast:.2}, {ridges} {:.0} %",
                size.0,
                size.1,
                foreground * 100.0
            )
        }
        Measured::Photo {
            size,
            bytes,
            mean,
            faces,
        } => {
            if en {
                format!(
                    "photo {}×{}, {bytes} B, mean brightness {mean:.0}, faces seen {faces}",
                    size.0, size.1
                )
            } else {
                format!(
                    "foto {}×{}, {bytes} B, brillo medio {mean:.0}, rostros vistos {faces}",
                    size.0, size.1
                )
            }
        }
    }
}

fn failure(f: &SelfTestFailure) -> String {
    let en = lang() == Lang::En;
    match f {
        SelfTestFailure::Device(e) if en => super::describe(e),
        SelfTestFailure::Device(e) => e.mensaje().to_owned(),
        SelfTestFailure::PoorFingerImage {
            contrast,
            foreground,
        } => {
            if en {
                format!(
                    "poor test image (contrast {contrast:.2}, ridge area {:.0} %): clean the scanner glass and test again",
                    foreground * 100.0
                )
            } else {
                format!(
                    "imagen de prueba deficiente (contraste {contrast:.2}, primer plano {:.0} %): limpie el cristal del lector y repita la prueba",
                    foreground * 100.0
                )
            }
        }
        SelfTestFailure::UnreadablePhoto => if en {
            "the camera sent an unreadable image: reconnect it and test again"
        } else {
            "la cámara envió una imagen ilegible: reconéctela y repita la prueba"
        }
        .to_owned(),
        SelfTestFailure::PhotoExposure { mean, .. } => {
            if en {
                format!(
                    "the photo is black, blinded or blank (mean brightness {mean:.0}): uncover the lens and check the light"
                )
            } else {
                format!(
                    "la foto está negra, deslumbrada o vacía (brillo medio {mean:.0}): destape la lente y revise la luz"
                )
            }
        }
    }
}

/// One line per device tested.
pub fn line(t: &DeviceTest) -> String {
    let model = t.model.as_deref().unwrap_or("?");
    let (ok, bad) = match lang() {
        Lang::Es => ("correcto", "fallido"),
        Lang::En => ("passed", "failed"),
    };
    match &t.result {
        Ok(m) => format!(
            "{}: {} {model} — {ok} ({})",
            device_name(t.kind),
            t.port,
            measured(m)
        ),
        Err(f) => format!(
            "{}: {} {model} — {bad} [{}]: {}",
            device_name(t.kind),
            t.port,
            f.code(),
            failure(f)
        ),
    }
}

/// The outcome could not be written to the station.
pub fn not_recorded(why: &str) -> String {
    match lang() {
        Lang::Es => format!("aviso: no se pudo registrar la prueba en la estación ({why})"),
        Lang::En => format!("warning: the test could not be recorded in the station ({why})"),
    }
}

/// Why the command fails: the devices that failed.
pub fn failed(devices: &[&str]) -> String {
    match lang() {
        Lang::Es => format!("prueba de inicio de turno fallida: {}", devices.join(", ")),
        Lang::En => format!("shift-start self-test failed: {}", devices.join(", ")),
    }
}

/// The last line when every device passed.
pub fn passed() -> &'static str {
    match lang() {
        Lang::Es => "resultado: correcto",
        Lang::En => "result: passed",
    }
}
