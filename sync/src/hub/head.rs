//! The signed head of a hub request: who sends it, to whom, when, and the SHA-256 and length
//! of the body that follows, carried in one HTTP header so the hub authenticates the caller
//! before it reads (and buffers) the body.
//!
//! For `POST /v1/sync` the head is the request envelope itself with its body left out (its
//! signature already covers the body's hash), so a station signs nothing more. For
//! `POST /v1/bundle` it is a fresh envelope, addressed to the hub, whose body is the bundle
//! file: a copied bundle alone no longer makes the hub answer. This module owns that format
//! and its checks; it must not look up rosters nor touch storage.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::protocol::{Envelope, MAX_MESSAGE, MAX_SKEW_MS, Signer, SyncError};

/// The HTTP header that carries the head (hex of its encoding).
pub const HEAD_HEADER: &str = "x-huella-cabecera";

/// Longest head accepted (hex characters): an envelope without body is about 200 bytes.
const MAX_HEAD_HEX: usize = 2048;

/// What the hub checks before reading a request body.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RequestHead {
    /// The signed envelope, with its body left out.
    pub envelope: Envelope,
    /// SHA-256 of the envelope's body.
    pub body_hash: [u8; 32],
    /// Length of the HTTP body that follows.
    pub length: u64,
}

impl RequestHead {
    /// The head of an encoded sync request envelope (the HTTP body is `request` itself).
    pub fn of_request(request: &[u8]) -> Result<Self, SyncError> {
        let mut envelope = Envelope::from_bytes(request)?;
        let body_hash = Sha256::digest(&envelope.body).into();
        envelope.body = Vec::new();
        Ok(RequestHead {
            envelope,
            body_hash,
            length: request.len() as u64,
        })
    }

    /// A head for sending `bundle` to the hub `hub_key`, signed now by `station`.
    pub fn for_bundle(bundle: &[u8], station: &dyn Signer, hub_key: [u8; 32]) -> Self {
        let mut envelope = Envelope::seal_to(station, bundle.to_vec(), None, Some(hub_key));
        envelope.body = Vec::new();
        RequestHead {
            envelope,
            body_hash: Sha256::digest(bundle).into(),
            length: bundle.len() as u64,
        }
    }

    /// The header value.
    pub fn to_header(&self) -> String {
        hex::encode(crate::protocol::encode(self))
    }

    /// Parses a header value (bounded; never panics).
    pub fn from_header(text: &str) -> Result<Self, SyncError> {
        if text.len() > MAX_HEAD_HEX {
            return Err(SyncError::TooLarge(text.len()));
        }
        let bytes = hex::decode(text.trim()).map_err(|e| SyncError::Decode(e.to_string()))?;
        crate::protocol::decode(&bytes)
    }

    /// Checks version, signature (over the announced body hash), clock window, receiver
    /// (`me`; required when `addressed`) and the announced length.
    pub fn check(&self, me: &[u8; 32], addressed: bool, now_ms: u64) -> Result<(), SyncError> {
        let e = &self.envelope;
        crate::protocol::check_version(e.version)?;
        if !crate::roster::verify_raw(
            &e.sender,
            &e.signed_bytes_with(&self.body_hash),
            &e.signature,
        ) {
            return Err(SyncError::Forged);
        }
        if e.at_ms.abs_diff(now_ms) > MAX_SKEW_MS {
            return Err(SyncError::Expired);
        }
        if addressed && e.receiver.is_none() {
            return Err(SyncError::Misdirected);
        }
        e.check_receiver(me)?;
        if self.length > MAX_MESSAGE as u64 {
            return Err(SyncError::TooLarge(self.length as usize));
        }
        Ok(())
    }

    /// Whether `body` is the sync request this head announced (same envelope signature).
    pub fn announces_request(&self, body: &[u8]) -> bool {
        body.len() as u64 == self.length
            && Envelope::from_bytes(body).is_ok_and(|e| {
                e.signature == self.envelope.signature
                    && <[u8; 32]>::from(Sha256::digest(&e.body)) == self.body_hash
            })
    }

    /// Whether `body` is the bundle this head announced.
    pub fn announces_bundle(&self, body: &[u8]) -> bool {
        body.len() as u64 == self.length && <[u8; 32]>::from(Sha256::digest(body)) == self.body_hash
    }
}
