//! Offline verification on any station of the office: the signed token is checked against
//! the issuing station's key as the office roster lists it (no network), and a file's seal
//! against the same key. A station revoked later still vouches for what it signed before its
//! revocation; a station of another office, an unknown station or a changed byte do not.
//!
//! Known limit: the issue time is the signer's claim, so a thief of a revoked station could
//! backdate a document; a bare code is only found among the records this station holds
//! (synced), which a forger cannot add to. Owns the rules; it prints nothing.

use std::io::Read;
use std::path::Path;

use huella_keys::PublicKey;
use huella_sync::Store;
use huella_sync::roster::Trust;

use super::DocumentError;
use super::payload::{SignedPayload, find_token};
use super::render::{TEXT_HEADER, unseal};
use crate::home::Home;
use crate::workflows::session::Session;

/// Files larger than this are not documents (a sealed page is well under 2 MiB).
pub const MAX_FILE: u64 = 16 * 1024 * 1024;

/// Why a document is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Invalid {
    /// Nothing that looks like a signed document.
    #[error("no contiene un documento firmado")]
    NoDocument,
    /// The token is damaged.
    #[error("el contenido firmado está dañado")]
    Malformed,
    /// A PDF or text copy without its seal, or with a seal that does not verify.
    #[error("el archivo fue alterado (su sello no corresponde)")]
    Altered,
    /// The token's signature does not verify with the station's key.
    #[error("la firma no corresponde a la estación que dice emitirlo")]
    BadSignature,
    /// Issued by a station of another office.
    #[error("lo emitió la oficina {office}, no esta")]
    OtherOffice {
        /// The document's office.
        office: String,
    },
    /// The station is not in this office's roster.
    #[error("la estación {station} no está en la lista de la oficina")]
    UnknownStation {
        /// The station named.
        station: String,
    },
    /// Issued by a revoked station at or after its revocation.
    #[error("la estación {station} fue revocada ({since}) antes de emitirlo")]
    Revoked {
        /// The station.
        station: String,
        /// When it was revoked (empty: not recorded).
        since: String,
    },
    /// No document with that code at this station.
    #[error("ningún documento con ese código en esta estación (sincronice y vuelva a intentar)")]
    UnknownCode,
    /// The station's store could not be read.
    #[error("no se pudo leer la lista de estaciones: {0}")]
    Store(String),
}

/// The key of station `name` of this station's office as the roster lists it, provided it
/// may vouch for something dated `at` (a revoked station only before its revocation).
fn key_of(store: &Store, office: &str, name: &str, at: &str) -> Result<PublicKey, Invalid> {
    let here = store.station().map_err(|e| Invalid::Store(e.to_string()))?;
    if office != here.office {
        return Err(Invalid::OtherOffice {
            office: office.to_owned(),
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
                .find(|st| st.name == name)
                .ok_or_else(|| Invalid::UnknownStation {
                    station: name.to_owned(),
                })?;
            // Timestamps are fixed-width UTC (`YYYY-MM-DDTHH:MM:SSZ`): text order is time order.
            if listed.revoked && (listed.revoked_at.is_empty() || at >= listed.revoked_at.as_str())
            {
                return Err(Invalid::Revoked {
                    station: name.to_owned(),
                    since: listed.revoked_at.clone(),
                });
            }
            listed.key.clone()
        }
        // No roster yet (a lone station): only its own documents.
        None if name == here.station => here.station_key.clone(),
        None => {
            return Err(Invalid::UnknownStation {
                station: name.to_owned(),
            });
        }
    };
    PublicKey::from_hex(&hex_key).map_err(|_| Invalid::Store("station key".into()))
}

/// Checks a token (a scanned QR code, or one stored in a record) against `store`'s roster.
pub fn token(store: &Store, token: &str) -> Result<SignedPayload, Invalid> {
    let s = SignedPayload::from_token(token).map_err(|e| match e {
        super::payload::PayloadError::NotAToken => Invalid::NoDocument,
        _ => Invalid::Malformed,
    })?;
    let p = &s.payload;
    let key = key_of(store, &p.office, &p.station, &p.issued_at)?;
    if !s.signed_by(&key) {
        return Err(Invalid::BadSignature);
    }
    Ok(s)
}

/// Checks the bytes of a file: a sealed PDF or text copy, or a bare token (a scanned QR).
/// The seal may be another station's of the office (a re-print); a revoked station's seal
/// counts only on its own documents issued before its revocation.
pub fn bytes(store: &Store, bytes: &[u8]) -> Result<SignedPayload, Invalid> {
    let ours = bytes.starts_with(b"%PDF") || bytes.starts_with(TEXT_HEADER.as_bytes());
    match unseal(bytes) {
        Some(sealed) => {
            let t = find_token(sealed.body).ok_or(Invalid::NoDocument)?;
            let s = token(store, &t)?;
            let p = &s.payload;
            let at = if sealed.station == p.station {
                p.issued_at.clone()
            } else {
                huella_sync::time::now_utc()
            };
            let key = key_of(store, &p.office, &sealed.station, &at).map_err(|e| match e {
                Invalid::Store(_) => e,
                _ => Invalid::Altered,
            })?;
            key.verify(sealed.body, &sealed.signature)
                .map_err(|_| Invalid::Altered)?;
            Ok(s)
        }
        None if ours => Err(Invalid::Altered),
        None => {
            let text = std::str::from_utf8(bytes).map_err(|_| Invalid::NoDocument)?;
            token(store, text.trim())
        }
    }
}

/// Verifies the file at `path` on the station in `home` (no passphrase: only the roster is
/// read). Reads at most [`MAX_FILE`] bytes.
pub fn file(home: &Home, path: &Path) -> Result<SignedPayload, VerifyError> {
    let f = std::fs::File::open(path).map_err(VerifyError::Read)?;
    let mut data = Vec::new();
    f.take(MAX_FILE + 1)
        .read_to_end(&mut data)
        .map_err(VerifyError::Read)?;
    if data.len() as u64 > MAX_FILE {
        return Err(VerifyError::Invalid(Invalid::NoDocument));
    }
    let store = Store::open(&home.store_dir()).map_err(|e| VerifyError::Store(Box::new(e)))?;
    bytes(&store, &data).map_err(VerifyError::Invalid)
}

/// Verifies a typed code: finds the document among the records this station holds (after
/// a sync, every station of the office holds the office's), then checks its token.
pub fn code(session: &Session, code: &str) -> Result<SignedPayload, VerifyError> {
    let found = match super::log::find_by_code(session, code) {
        Ok(f) => f,
        Err(DocumentError::UnknownFolio(_)) => {
            return Err(VerifyError::Invalid(Invalid::UnknownCode));
        }
        Err(e) => return Err(VerifyError::Document(Box::new(e))),
    };
    token(&session.store, &found.signed.token()).map_err(VerifyError::Invalid)
}

/// Why a verification did not reach a verdict, or its negative verdict.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The document is not valid (the verdict).
    #[error("documento inválido")]
    Invalid(Invalid),
    /// The file could not be read.
    #[error("no se pudo leer el archivo")]
    Read(#[source] std::io::Error),
    /// The station's store could not be opened.
    #[error(transparent)]
    Store(Box<huella_sync::StoreError>),
    /// Looking the code up failed.
    #[error(transparent)]
    Document(Box<DocumentError>),
}
