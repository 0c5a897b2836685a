//! Symmetric sealing of byte payloads under a [`DataKey`] (XChaCha20-Poly1305).
//!
//! Format: `version (1) || nonce (24) || ciphertext+tag`. The `context` bytes (record id,
//! chunk kind and sequence) are authenticated but not stored, so a chunk moved to another
//! record or position fails to open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use crate::error::OpenError;
use crate::secret::DataKey;

const VERSION: u8 = 1;
const NONCE: usize = 24;
const TAG: usize = 16;

/// Bytes a sealed payload adds to its plaintext.
pub const SEAL_OVERHEAD: usize = 1 + NONCE + TAG;

impl DataKey {
    /// Seals `plaintext`, binding it to `context`.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Vec<u8> {
        let cipher = XChaCha20Poly1305::new(self.expose_bytes().into());
        let mut nonce = [0u8; NONCE];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let mut out = Vec::with_capacity(plaintext.len() + SEAL_OVERHEAD);
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        // Encryption with a valid key and in-memory buffers cannot fail.
        let ct = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            .unwrap_or_default();
        out.extend_from_slice(&ct);
        out
    }

    /// Opens a payload made by [`DataKey::seal`] with the same `context`.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, OpenError> {
        if sealed.len() < SEAL_OVERHEAD {
            return Err(OpenError::Truncated);
        }
        let (head, rest) = sealed.split_at(1 + NONCE);
        if head[0] != VERSION {
            return Err(OpenError::UnknownVersion(head[0]));
        }
        let cipher = XChaCha20Poly1305::new(self.expose_bytes().into());
        cipher
            .decrypt(
                XNonce::from_slice(&head[1..]),
                Payload {
                    msg: rest,
                    aad: context,
                },
            )
            .map_err(|_| OpenError::Authentication)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn seal_open_round_trip(data in proptest::collection::vec(any::<u8>(), 0..4096),
                                ctx in proptest::collection::vec(any::<u8>(), 0..40)) {
            let k = DataKey::generate();
            let sealed = k.seal(&data, &ctx);
            prop_assert_eq!(sealed.len(), data.len() + SEAL_OVERHEAD);
            prop_assert_eq!(k.open(&sealed, &ctx).expect("open"), data);
        }

        #[test]
        fn open_never_panics(junk in proptest::collection::vec(any::<u8>(), 0..200)) {
            let k = DataKey::generate();
            prop_assert!(k.open(&junk, b"x").is_err());
        }
    }

    #[test]
    fn wrong_context_or_key_or_flipped_bit_fails() {
        let k = DataKey::generate();
        let sealed = k.seal(b"datos personales", b"rec-1");
        assert_eq!(k.open(&sealed, b"rec-2"), Err(OpenError::Authentication));
        assert_eq!(
            DataKey::generate().open(&sealed, b"rec-1"),
            Err(OpenError::Authentication)
        );
        let mut bad = sealed.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert_eq!(k.open(&bad, b"rec-1"), Err(OpenError::Authentication));
        assert_eq!(k.open(&sealed[..10], b"rec-1"), Err(OpenError::Truncated));
    }
}
