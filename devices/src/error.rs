//! Error taxonomy for every device: transport failures and device-reported refusals, each
//! with a retry policy and a Spanish operator message. Owns no I/O and must not format UI.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// A malformed frame seen on the wire (either direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FramingError {
    /// The frame did not start with the protocol's header bytes.
    #[error("cabecera inválida")]
    BadHeader,
    /// The packet identifier byte is not one the protocol defines.
    #[error("identificador de paquete desconocido {0:#04x}")]
    BadPid(u8),
    /// The length field is outside the protocol's limits.
    #[error("longitud inválida {0}")]
    BadLength(u16),
    /// The checksum did not match the frame content.
    #[error("suma de verificación incorrecta (esperada {want:#06x}, recibida {got:#06x})")]
    BadChecksum {
        /// Checksum computed over the received bytes.
        want: u16,
        /// Checksum carried by the frame.
        got: u16,
    },
    /// The frame came from (or was addressed to) another module address.
    #[error("dirección de módulo distinta ({got:#010x})")]
    AddressMismatch {
        /// Address carried by the frame.
        got: u32,
    },
    /// A frame of a kind that is not valid at this point of the conversation.
    #[error("paquete inesperado")]
    Unexpected,
    /// The frame or transfer ended before all announced bytes arrived.
    #[error("transferencia incompleta")]
    Truncated,
    /// The transferred image does not have the announced size or markers.
    #[error("imagen recibida mal formada")]
    BadImage,
}

/// Why the device judged an image unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QualityIssue {
    /// The sensor failed to capture (ZFM code 03).
    CaptureFailed,
    /// The finger was too dry (AS608 code 04).
    TooDry,
    /// The finger was too wet (AS608 code 05).
    TooWet,
    /// The image is too messy to extract features (ZFM code 06).
    TooMessy,
    /// Too few features or too small an area (ZFM code 07).
    TooFewFeatures,
}

/// Coarse error class, convenient for tests, events and UI decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// See [`DeviceError::Timeout`].
    Timeout,
    /// See [`DeviceError::Framing`].
    Framing,
    /// See [`DeviceError::Disconnected`].
    Disconnected,
    /// See [`DeviceError::NotFound`].
    NotFound,
    /// See [`DeviceError::Busy`].
    Busy,
    /// See [`DeviceError::NoFinger`].
    NoFinger,
    /// See [`DeviceError::PoorImage`].
    PoorImage,
    /// See [`DeviceError::WrongPassword`].
    WrongPassword,
    /// See [`DeviceError::EnrollMismatch`].
    EnrollMismatch,
    /// See [`DeviceError::Rejected`].
    Rejected,
    /// See [`DeviceError::Unsupported`].
    Unsupported,
    /// See [`DeviceError::Hardware`].
    Hardware,
    /// See [`DeviceError::Cancelled`].
    Cancelled,
    /// See [`DeviceError::Io`].
    Io,
}

/// What the caller should do after an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Retry automatically this many more times (the drivers already did it once).
    Automatic(u8),
    /// Show the message and wait for the operator to act (place finger, clean the glass…).
    AskOperator,
    /// Close the port, re-enumerate and reopen.
    Reconnect,
    /// Configuration or hardware problem: do not retry.
    Fatal,
}

/// Everything that can go wrong talking to a scanner or camera.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// No (complete) reply within the deadline.
    #[error("sin respuesta del dispositivo en {op} tras {waited:?}")]
    Timeout {
        /// The operation that was waiting.
        op: &'static str,
        /// How long it waited.
        waited: Duration,
    },
    /// A malformed frame (bad header, length or checksum), after one automatic retry.
    #[error("error de trama: {0}")]
    Framing(#[from] FramingError),
    /// The port went away (unplugged, simulator closed).
    #[error("dispositivo desconectado")]
    Disconnected,
    /// The port does not exist.
    #[error("no existe el puerto {port}")]
    NotFound {
        /// The path that was opened.
        port: PathBuf,
    },
    /// The port is locked by another process.
    #[error("el puerto {port} está en uso por otro programa")]
    Busy {
        /// The path that was opened.
        port: PathBuf,
    },
    /// No finger on the sensor before the deadline (ZFM code 02).
    #[error("no hay dedo en el sensor")]
    NoFinger,
    /// The device reported an unusable image.
    #[error("imagen de mala calidad ({0:?})")]
    PoorImage(QualityIssue),
    /// The module refused the handshake password (ZFM 13/21).
    #[error("contraseña del módulo incorrecta")]
    WrongPassword,
    /// Two captures could not be merged: different fingers (ZFM 0A).
    #[error("las dos capturas no son del mismo dedo")]
    EnrollMismatch,
    /// Another device-reported failure, by confirmation code.
    #[error("el dispositivo rechazó la orden (código {code:#04x})")]
    Rejected {
        /// Confirmation or status code from the device.
        code: u8,
    },
    /// The device does not implement the command.
    #[error("orden no soportada por el dispositivo (código {code:#04x})")]
    Unsupported {
        /// Confirmation or status code from the device.
        code: u8,
    },
    /// The device reported a hardware fault.
    #[error("falla de hardware del dispositivo (código {code:#04x})")]
    Hardware {
        /// Confirmation or status code from the device.
        code: u8,
    },
    /// The caller cancelled the operation.
    #[error("operación cancelada")]
    Cancelled,
    /// Any other operating-system error on the port.
    #[error("error de E/S en el puerto")]
    Io(#[source] io::Error),
}

impl DeviceError {
    /// The coarse class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Timeout { .. } => ErrorKind::Timeout,
            Self::Framing(_) => ErrorKind::Framing,
            Self::Disconnected => ErrorKind::Disconnected,
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::Busy { .. } => ErrorKind::Busy,
            Self::NoFinger => ErrorKind::NoFinger,
            Self::PoorImage(_) => ErrorKind::PoorImage,
            Self::WrongPassword => ErrorKind::WrongPassword,
            Self::EnrollMismatch => ErrorKind::EnrollMismatch,
            Self::Rejected { .. } => ErrorKind::Rejected,
            Self::Unsupported { .. } => ErrorKind::Unsupported,
            Self::Hardware { .. } => ErrorKind::Hardware,
            Self::Cancelled => ErrorKind::Cancelled,
            Self::Io(_) => ErrorKind::Io,
        }
    }

    /// What the caller should do next.
    pub fn retry(&self) -> Retry {
        match self.kind() {
            ErrorKind::Timeout | ErrorKind::Framing => Retry::Automatic(1),
            ErrorKind::NoFinger | ErrorKind::PoorImage | ErrorKind::EnrollMismatch => {
                Retry::AskOperator
            }
            ErrorKind::Disconnected | ErrorKind::NotFound | ErrorKind::Io => Retry::Reconnect,
            ErrorKind::Busy
            | ErrorKind::WrongPassword
            | ErrorKind::Rejected
            | ErrorKind::Unsupported
            | ErrorKind::Hardware
            | ErrorKind::Cancelled => Retry::Fatal,
        }
    }

    /// A short message in Spanish telling the operator what to do.
    pub fn mensaje(&self) -> &'static str {
        match self.kind() {
            ErrorKind::Timeout => {
                "El dispositivo no responde. Revise el cable y vuelva a intentar."
            }
            ErrorKind::Framing => {
                "Hubo ruido en la comunicación con el dispositivo. Vuelva a intentar; si persiste, cambie el cable."
            }
            ErrorKind::Disconnected => "El dispositivo se desconectó. Vuelva a conectarlo.",
            ErrorKind::NotFound => "No se encontró el dispositivo. Verifique que esté conectado.",
            ErrorKind::Busy => {
                "El dispositivo está en uso por otro programa. Ciérrelo e intente de nuevo."
            }
            ErrorKind::NoFinger => "Coloque el dedo sobre el lector.",
            ErrorKind::PoorImage => {
                "La huella salió borrosa. Limpie el cristal y coloque el dedo de nuevo, firme y centrado."
            }
            ErrorKind::WrongPassword => {
                "El lector tiene una contraseña distinta a la configurada. Avise a soporte técnico."
            }
            ErrorKind::EnrollMismatch => {
                "Las capturas no coinciden. Use el mismo dedo en cada toma."
            }
            ErrorKind::Rejected => "El dispositivo rechazó la operación. Vuelva a intentar.",
            ErrorKind::Unsupported => "Este modelo de dispositivo no admite la operación.",
            ErrorKind::Hardware => {
                "El dispositivo reporta una falla interna. Avise a soporte técnico."
            }
            ErrorKind::Cancelled => "Captura cancelada.",
            ErrorKind::Io => "Error de comunicación con el puerto. Reconecte el dispositivo.",
        }
    }

    /// Maps an I/O error from a port read or write to the taxonomy.
    pub fn from_io(err: io::Error, op: &'static str, waited: Duration) -> Self {
        match err.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Self::Timeout { op, waited },
            io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::NotConnected => Self::Disconnected,
            _ if err.raw_os_error() == Some(5) || err.raw_os_error() == Some(19) => {
                // EIO / ENODEV: the tty vanished.
                Self::Disconnected
            }
            _ => Self::Io(err),
        }
    }

    /// Maps an error from opening a serial port.
    pub fn from_open(err: serialport::Error, port: &str) -> Self {
        let port = PathBuf::from(port);
        match err.kind() {
            serialport::ErrorKind::NoDevice => Self::Busy { port },
            serialport::ErrorKind::Io(io::ErrorKind::NotFound) => Self::NotFound { port },
            serialport::ErrorKind::Io(kind) => Self::Io(io::Error::new(kind, err)),
            _ => Self::Io(io::Error::other(err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_spanish_message_and_policy() {
        let errs = [
            DeviceError::Timeout {
                op: "x",
                waited: Duration::from_secs(1),
            },
            DeviceError::Framing(FramingError::BadHeader),
            DeviceError::Disconnected,
            DeviceError::NoFinger,
            DeviceError::PoorImage(QualityIssue::TooMessy),
            DeviceError::WrongPassword,
            DeviceError::Busy {
                port: PathBuf::from("/dev/x"),
            },
        ];
        for e in &errs {
            assert!(!e.mensaje().is_empty());
            let _ = e.retry();
        }
        assert_eq!(errs[0].retry(), Retry::Automatic(1));
        assert_eq!(errs[3].retry(), Retry::AskOperator);
        assert_eq!(errs[2].retry(), Retry::Reconnect);
        assert_eq!(errs[5].retry(), Retry::Fatal);
    }
}
