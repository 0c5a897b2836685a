//! The station's own copy of a record data key: a symmetric age stanza under a key-wrapping
//! key derived from the station's X25519 identity.
//!
//! Only the station that wrapped a key reads this copy (other stations, the office, the
//! regional and central offices read their own X25519 stanzas of the same age file), so the
//! copy needs no public-key operation: one XChaCha20-Poly1305 seal of the 16-byte age file key
//! instead of two X25519 scalar multiplications. The key-wrapping key is derived from the
//! station identity held in every credential file, so nothing new is stored, and destroying
//! the wrapped key still destroys this copy with the others.
//!
//! Stanza: `-> huella-estacion <key id: 16 hex>` with body `nonce (24) ‖ sealed file key (32)`;
//! the tag and key id are authenticated as associated data.

use std::collections::HashSet;

use age::secrecy::ExposeSecret;
use age_core::format::{FILE_KEY_BYTES, FileKey, Stanza};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

/// Tag of the station's symmetric stanza.
pub(crate) const TAG: &str = "huella-estacion";
const NONCE: usize = 24;
const BODY: usize = NONCE + FILE_KEY_BYTES + 16;

/// A station's key-wrapping key (secret; zeroized on drop) and its public key id.
pub(crate) struct StationKek {
    key: Zeroizing<[u8; 32]>,
    id: String,
}

impl StationKek {
    /// Derives the key from the station's X25519 identity (HMAC-SHA-256 keyed by the
    /// identity's secret text).
    pub(crate) fn derive(identity: &age::x25519::Identity) -> Self {
        let secret = identity.to_string();
        let key = Zeroizing::new(hmac(
            secret.expose_secret().as_bytes(),
            b"huella-llave-estacion-v1",
        ));
        let id = hex::encode(&hmac(key.as_slice(), b"huella-id-llave-estacion-v1")[..8]);
        StationKek { key, id }
    }

    fn aad(&self) -> Vec<u8> {
        [TAG.as_bytes(), b" ", self.id.as_bytes()].concat()
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.key.as_slice().into())
    }
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

impl age::Recipient for StationKek {
    fn wrap_file_key(
        &self,
        file_key: &FileKey,
    ) -> Result<(Vec<Stanza>, HashSet<String>), age::EncryptError> {
        let mut nonce = [0u8; NONCE];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: file_key.expose_secret(),
                    aad: &self.aad(),
                },
            )
            .map_err(|_| age::EncryptError::Io(std::io::Error::other("station key wrap failed")))?;
        let mut body = Vec::with_capacity(BODY);
        body.extend_from_slice(&nonce);
        body.extend_from_slice(&sealed);
        Ok((
            vec![Stanza {
                tag: TAG.to_owned(),
                args: vec![self.id.clone()],
                body,
            }],
            HashSet::new(),
        ))
    }
}

impl age::Identity for StationKek {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        if stanza.tag != TAG || stanza.args.first() != Some(&self.id) {
            return None;
        }
        if stanza.args.len() != 1 || stanza.body.len() != BODY {
            return Some(Err(age::DecryptError::InvalidHeader));
        }
        let (nonce, sealed) = stanza.body.split_at(NONCE);
        let opened = self.cipher().decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: &self.aad(),
            },
        );
        let Ok(mut plain) = opened else {
            return Some(Err(age::DecryptError::KeyDecryptionFailed));
        };
        let key = <[u8; FILE_KEY_BYTES]>::try_from(plain.as_slice()).ok();
        plain.zeroize();
        Some(match key {
            Some(mut k) => {
                let fk = FileKey::init_with_mut(|dst| dst.copy_from_slice(&k));
                k.zeroize();
                Ok(fk)
            }
            None => Err(age::DecryptError::InvalidHeader),
        })
    }
}
