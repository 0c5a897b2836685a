//! Typed errors of the key operations, with Spanish messages an officer can act on.

use thiserror::Error;

/// Failure to open or write a passphrase-sealed credential file.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// The passphrase does not open the file.
    #[error("contraseña incorrecta para el usuario {user}")]
    WrongPassphrase {
        /// The user whose file was tried.
        user: String,
    },
    /// The file is not a huella credential or is damaged.
    #[error("el archivo de llaves {path} está dañado o no es de huella ({detail})")]
    Corrupt {
        /// Where the file is.
        path: String,
        /// What was wrong, for the log.
        detail: &'static str,
    },
    /// The file was cut short.
    #[error("el archivo de llaves {path} está incompleto (truncado)")]
    Truncated {
        /// Where the file is.
        path: String,
    },
    /// The file demands more key-derivation work than this program accepts.
    #[error(
        "el archivo de llaves pide un costo de derivación 2^{required}, mayor que el máximo 2^{max}"
    )]
    ExcessiveWork {
        /// Work factor in the file.
        required: u8,
        /// Maximum accepted.
        max: u8,
    },
    /// No credential exists for that user.
    #[error("no existe el usuario {user} en esta estación")]
    UnknownUser {
        /// The user asked for.
        user: String,
    },
    /// The passphrase does not meet the minimum length.
    #[error("la contraseña debe tener al menos {min} caracteres")]
    WeakPassphrase {
        /// Minimum number of characters.
        min: usize,
    },
    /// Reading or writing the file failed.
    #[error("no se pudo leer o escribir {path}: {source}")]
    Io {
        /// Where the file is.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// Failure to open a sealed payload with a data key.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpenError {
    /// The payload is shorter than a nonce and a tag.
    #[error("datos cifrados truncados")]
    Truncated,
    /// The payload has an unknown format version.
    #[error("versión de cifrado desconocida: {0}")]
    UnknownVersion(u8),
    /// Authentication failed: wrong key, wrong context or tampered bytes.
    #[error("los datos cifrados no se pudieron autenticar (llave equivocada o datos alterados)")]
    Authentication,
}

/// Failure to wrap a data key to a set of recipients.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WrapError {
    /// The recipient set is empty.
    #[error("no hay destinatarios para proteger la llave del registro")]
    NoRecipients,
    /// A recipient's public key text is not an age X25519 key.
    #[error("la llave pública del destinatario \"{label}\" no es válida (se espera age1…)")]
    InvalidRecipient {
        /// The recipient's label.
        label: String,
    },
    /// age refused to encrypt.
    #[error("no se pudo cifrar la llave del registro: {0}")]
    Age(#[from] age::EncryptError),
    /// Writing the wrapped key failed.
    #[error("no se pudo cifrar la llave del registro: {0}")]
    Io(#[source] std::io::Error),
}

/// Failure to unwrap a data key.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum UnwrapError {
    /// None of our identities is a recipient of this wrapped key.
    #[error("esta estación no es destinataria de la llave del registro")]
    NotARecipient,
    /// The wrapped key is damaged.
    #[error("la llave envuelta del registro está dañada")]
    Corrupt,
}

/// Failure to parse or check a signature or a public key.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The text is not a valid encoded key or signature.
    #[error("firma o llave pública con formato inválido")]
    Malformed,
    /// The signature does not match the message and key.
    #[error("la firma no corresponde al contenido")]
    Invalid,
}
