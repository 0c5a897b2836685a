//! Documents issued for a person (acuses, constancias), kept in their record so that they
//! travel with it to every station of the office, the regional and the central office, and
//! so that an access request (ARCO) lists them.
//!
//! Each document is a root key `documento:<folio>` (not an entry of a shared container map):
//! two stations that issue the first documents of one person while offline each create their
//! own key, and the merge keeps both. This module stores what it is given (the signed token
//! is opaque here); it must not sign, verify or render.

use automerge::{ROOT, ReadDoc};

use super::fields::{get, map_at, need, new_map, put};
use super::{PersonRecord, RecordError};

const PREFIX: &str = "documento:";

/// A document issued for a person, as stored in their record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedDocument {
    /// Folio of the document, unique in the office.
    pub folio: String,
    /// Kind code (`acuse`, `constancia`).
    pub kind: String,
    /// The short verification code a person can type.
    pub code: String,
    /// When it was issued (UTC).
    pub issued_at: String,
    /// The signed token (payload and station signature), exactly as printed in the QR code.
    pub token: String,
}

impl PersonRecord {
    /// Stores an issued document (a second one with the same folio replaces the first).
    pub fn add_document(&mut self, doc: &IssuedDocument) -> Result<(), RecordError> {
        let d = &mut self.doc;
        let m = new_map(d, &ROOT, &format!("{PREFIX}{}", doc.folio))?;
        put(d, &m, "tipo", &doc.kind)?;
        put(d, &m, "codigo", &doc.code)?;
        put(d, &m, "emitido_en", &doc.issued_at)?;
        put(d, &m, "token", &doc.token)?;
        Ok(())
    }

    /// Documents issued for this person, oldest first.
    pub fn documents(&self) -> Result<Vec<IssuedDocument>, RecordError> {
        let d = &self.doc;
        let mut out = Vec::new();
        for key in d.keys(&ROOT) {
            let Some(folio) = key.strip_prefix(PREFIX) else {
                continue;
            };
            let Some(m) = map_at(d, &ROOT, &key) else {
                continue;
            };
            out.push(IssuedDocument {
                folio: folio.to_owned(),
                kind: need(d, &m, "tipo")?,
                code: get(d, &m, "codigo").unwrap_or_default(),
                issued_at: get(d, &m, "emitido_en").unwrap_or_default(),
                token: need(d, &m, "token")?,
            });
        }
        out.sort_by(|a, b| (&a.issued_at, &a.folio).cmp(&(&b.issued_at, &b.folio)));
        Ok(out)
    }
}
