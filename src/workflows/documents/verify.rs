//! Offline verification on any station of the office: the signed token is checked against
//! the issuing station's key as the office roster lists it (no network), and a file's seal
//! against the same key. A station revoked later still vouches for what it signed before its
//! revocation; a station of another office, an unknown station or a changed byte do not.
//!
//! Known limit: the issue time is the signer's claim, so a thief of a revoked station could
//! backdate a document; a bare code is only found among the records this station holds
//! (synced), which a forger cannot add to. Owns the rules; it prints nothing.

use huella_keys::PublicKey;
use huella_sync::Store;
use huella_sync::roster::Trust;

use super::payload::{SignedPayload, find_token};
use super::render::{TEXT_HEADER, unseal};

/// Files larger than this are not documents (a sealed page is well under 2 MiB).
pub const MAX_FILE: u64 = 16 * 1024 * 1024;

/// Why a document is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Invalid {
    /// Nothing that looks like a signed document.
    #[error("no signed document found")]
    NoDocument,
    /// The token is damaged.
    #[error("damaged token")]
    Malformed,
    /// A PDF or text copy without its seal, or with a seal that does not verify.
    #[error("the file was altered")]
    Altered,
    /// The token's signature does not verify with the station's key.
    #[error("bad signature")]
    BadSignature,
    /// Issued by a station of another office.
    #[error("another office")]
    OtherOffice {
        /// The document's office.
        office: String,
    },
    /// The station is not in this office's roster.
    #[error("unknown station")]
    UnknownStation {
        /// The station named.
        station: String,
    },
    /// Issued by a revoked station at or after its revocation.
    #[error("revoked station")]
    Revoked {
        /// The station.
        station: String,
        /// When it was revoked (empty: not recorded).
        since: String,
    },
    /// No document with that code at this station.
    #[error("unknown code")]
    UnknownCode,
    /// The station's store could not be read.
    #[error("store: {0}")]
    Store(String),
}

/// The key of `station` of `office` as this station trusts it, or why not.
fn station_key(store: &Store, s: &SignedPayload) -> Result<PublicKey, Invalid> {
    let here = store.station().map_err(|e| Invalid::Store(e.to_string()))?;
    let p = &s.payload;
    if p.office != here.office {
        return Err(Invalid::OtherOffice {
            office: p.office.clone(),
        });
    }
    let roster = Trust::new(store.replica())
        .roster(&here.office)
        .map_err(|e| Invalid::Store(e.to_string()))?;
    let hex_key = match roster {
        Some((r, _)) => {
            let listed = r
                .stations
                .iter()
                .find(|st| st.name == p.station)
                .ok_or_else(|| Invalid::UnknownStation {
                    station: p.station.clone(),
                })?;
            // Timestamps are fixed-width UTC (`YYYY-MM-DDTHH:MM:SSZ`): text order is time order.
            if listed.revoked && (listed.revoked_at.is_empty() || p.issued_at >= listed.revoked_at)
            {
                return Err(Invalid::Revoked {
                    station: p.station.clone(),
                    since: listed.revoked_at.clone(),
                });
            }
            listed.key.clone()
        }
        // No roster yet (a lone station): only its own documents.
        None if p.station == here.station => here.station_key.clone(),
        None => {
            return Err(Invalid::UnknownStation {
                station: p.station.clone(),
            });
        }
    };
    PublicKey::from_hex(&hex_key).map_err(|_| Invalid::Store("station key".into()))
}

/// Checks a token (a scanned QR code, or one stored in a record).
pub fn token(store: &Store, token: &str) -> Result<SignedPayload, Invalid> {
    let s = SignedPayload::from_token(token).map_err(|e| match e {
        super::payload::PayloadError::NotAToken => Invalid::NoDocument,
        _ => Invalid::Malformed,
    })?;
    let key = station_key(store, &s)?;
    if !s.signed_by(&key) {
        return Err(Invalid::BadSignature);
    }
    Ok(s)
}

/// Checks the bytes of a file: a sealed PDF or text copy, or a bare token (a scanned QR).
pub fn file(store: &Store, bytes: &[u8]) -> Result<SignedPayload, Invalid> {
    let ours = bytes.starts_with(b"%PDF") || bytes.starts_with(TEXT_HEADER.as_bytes());
    match unseal(bytes) {
        Some((body, seal)) => {
            let t = find_token(body).ok_or(Invalid::NoDocument)?;
            let s = token(store, &t)?;
            let key = station_key(store, &s)?;
            key.verify(body, &seal).map_err(|_| Invalid::Altered)?;
            Ok(s)
        }
        None if ours => Err(Invalid::Altered),
        None => {
            let text = std::str::from_utf8(bytes).map_err(|_| Invalid::NoDocument)?;
            token(store, text.trim())
        }
    }
}
