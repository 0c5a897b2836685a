//! Device problems in the console's language: what the officer should do about the scanner
//! or the camera. No exception is suggested for the camera (photos have none).

use super::Lang;
use crate::console::msg::DeviceProblem;
use crate::workflows::types::DeviceErrorKind as K;

impl Lang {
    /// A device problem, for the officer.
    pub fn device_problem(self, p: DeviceProblem) -> &'static str {
        match self {
            Lang::Es => es(p),
            Lang::En => en(p),
        }
    }
}

fn es(p: DeviceProblem) -> &'static str {
    match p {
        DeviceProblem::NoScanner => {
            "No hay lector de huellas conectado: conéctelo o registre una excepción del dedo."
        }
        DeviceProblem::NoCamera => "No hay cámara conectada: conéctela para tomar la foto.",
        DeviceProblem::Busy => "El dispositivo está ocupado: intente de nuevo.",
        DeviceProblem::Device(k) => match k {
            K::Timeout => "El dispositivo no responde. Revise el cable y vuelva a intentar.",
            K::Framing => {
                "Hubo ruido en la comunicación con el dispositivo. Vuelva a intentar; si persiste, cambie el cable."
            }
            K::Disconnected => "El dispositivo se desconectó. Vuelva a conectarlo.",
            K::NotFound => "No se encontró el dispositivo. Verifique que esté conectado.",
            K::Busy => "El dispositivo está en uso por otro programa. Ciérrelo e intente de nuevo.",
            K::NoFinger => "Coloque el dedo sobre el lector.",
            K::PoorImage => {
                "La huella salió borrosa. Limpie el cristal y coloque el dedo de nuevo, firme y centrado."
            }
            K::WrongPassword => {
                "El lector tiene una contraseña distinta a la configurada. Avise a soporte técnico."
            }
            K::EnrollMismatch => "Las capturas no coinciden. Use el mismo dedo en cada toma.",
            K::Rejected => "El dispositivo rechazó la operación. Vuelva a intentar.",
            K::Unsupported => "Este modelo de dispositivo no admite la operación.",
            K::Hardware => "El dispositivo reporta una falla interna. Avise a soporte técnico.",
            K::Cancelled => "Captura cancelada.",
            K::Io => "Error de comunicación con el puerto. Reconecte el dispositivo.",
        },
    }
}

fn en(p: DeviceProblem) -> &'static str {
    match p {
        DeviceProblem::NoScanner => {
            "No fingerprint scanner connected: connect it or record an exception for the finger."
        }
        DeviceProblem::NoCamera => "No camera connected: connect it to take the photo.",
        DeviceProblem::Busy => "The device is busy: try again.",
        DeviceProblem::Device(k) => match k {
            K::Timeout => "The device does not answer. Check the cable and try again.",
            K::Framing => "Noise on the device line. Try again; if it persists, change the cable.",
            K::Disconnected => "The device was disconnected. Connect it again.",
            K::NotFound => "The device was not found. Check that it is connected.",
            K::Busy => "Another program is using the device. Close it and try again.",
            K::NoFinger => "Place the finger on the scanner.",
            K::PoorImage => {
                "The print came out blurry. Clean the glass and place the finger again, firm and centred."
            }
            K::WrongPassword => {
                "The scanner has a different password than configured. Call technical support."
            }
            K::EnrollMismatch => "The captures do not match. Use the same finger each time.",
            K::Rejected => "The device refused the operation. Try again.",
            K::Unsupported => "This device model does not support the operation.",
            K::Hardware => "The device reports an internal fault. Call technical support.",
            K::Cancelled => "Capture cancelled.",
            K::Io => "Port communication error. Reconnect the device.",
        },
    }
}
