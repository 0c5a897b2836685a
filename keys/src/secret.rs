//! Secret values: passphrases and data keys.
//!
//! None of these types is `Clone`, `Serialize` or printable: `Debug` is redacted, memory is
//! zeroized on drop, and the bytes are reachable only through an explicit `expose_*` call.

use age::secrecy::{ExposeSecret, SecretString};
use rand::RngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::CredentialError;

/// An officer's passphrase, as typed or read from the first line of a file.
pub struct Passphrase(SecretString);

impl Passphrase {
    /// Minimum number of characters a new passphrase must have.
    pub const MIN_CHARS: usize = 8;
    /// Largest passphrase file read.
    pub const MAX_FILE: u64 = 4096;

    /// Wraps a passphrase (no strength check: used to open existing files).
    pub fn new(text: &str) -> Self {
        Passphrase(SecretString::from(text.to_owned()))
    }

    /// Wraps a passphrase for a new credential, refusing one that is too short.
    pub fn new_for_sealing(text: &str) -> Result<Self, CredentialError> {
        if text.chars().count() < Self::MIN_CHARS {
            return Err(CredentialError::WeakPassphrase {
                min: Self::MIN_CHARS,
            });
        }
        Ok(Self::new(text))
    }

    /// Checks an already read passphrase for use in a new credential.
    pub fn new_for_sealing_from(other: &Passphrase) -> Result<Self, CredentialError> {
        Self::new_for_sealing(other.0.expose_secret())
    }

    /// Reads the first line of `path` (without its line ending). Only a regular file of at
    /// most [`Passphrase::MAX_FILE`] bytes is read: `/dev/zero` or a FIFO is an error, not a
    /// hang.
    pub fn from_file(path: &std::path::Path) -> Result<Self, CredentialError> {
        use std::io::Read as _;
        let io = |source| CredentialError::Io {
            path: path.display().to_string(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if !meta.is_file() {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "no es un archivo regular",
            )));
        }
        let mut raw = Zeroizing::new(Vec::new());
        std::fs::File::open(path)
            .and_then(|f| f.take(Self::MAX_FILE + 1).read_to_end(&mut raw))
            .map_err(io)?;
        if raw.len() as u64 > Self::MAX_FILE {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "archivo de frase de paso demasiado grande",
            )));
        }
        let text = String::from_utf8_lossy(&raw);
        let line = text.lines().next().unwrap_or("");
        let p = Self::new(line);
        if let std::borrow::Cow::Owned(mut s) = text {
            s.zeroize();
        }
        Ok(p)
    }

    /// The passphrase as age's secret type.
    pub(crate) fn to_age(&self) -> SecretString {
        SecretString::from(self.0.expose_secret().to_owned())
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(*****)")
    }
}

/// A random 256-bit key that seals one person's document chunks and blobs.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl DataKey {
    /// Draws a fresh key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        DataKey(k)
    }

    /// Rebuilds a key from its bytes (after unwrapping); the input is zeroized.
    pub fn from_bytes(bytes: &mut [u8; 32]) -> Self {
        let k = DataKey(*bytes);
        bytes.zeroize();
        k
    }

    /// The raw key bytes. Callers must not copy them anywhere that outlives the key.
    pub fn expose_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(*****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_is_redacted() {
        let k = DataKey::generate();
        assert_eq!(format!("{k:?}"), "DataKey(*****)");
        let p = Passphrase::new("muy secreta");
        assert!(!format!("{p:?}").contains("secreta"));
    }

    #[test]
    fn short_passphrases_are_refused_for_sealing() {
        assert!(Passphrase::new_for_sealing("corta").is_err());
        assert!(Passphrase::new_for_sealing("suficientemente larga").is_ok());
    }

    #[test]
    fn passphrase_file_uses_first_line_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p");
        std::fs::write(&path, "primera linea\nsegunda\n").expect("write");
        let p = Passphrase::from_file(&path).expect("read");
        assert_eq!(p.to_age().expose_secret(), "primera linea");
    }
}
