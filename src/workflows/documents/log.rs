//! Where issued documents live: in the person's record (see `huella_sync::IssuedDocument`),
//! so they sync with it and an access report lists them. Finding one by folio or code scans
//! the records this station can open (every status), which is what "after a sync, any station
//! of the office" needs without a second synced index; the cost grows with the office's
//! people (one record decryption each), acceptable for an occasional reprint or check.
//!
//! Owns attaching, listing and finding; it must not render or verify.

use huella_sync::store::OpenRecord;
use huella_sync::{AuditAction, BiometricStatus, IssuedDocument, PersonRecord, RecordId};

use super::payload::{Payload, SignedPayload, normalize_code, state_hash};
use super::{DocumentError, Issued};
use crate::workflows::session::Session;

/// Signs `payload` with the station's key and stores it in `record` (the caller commits).
pub fn attach(
    session: &Session,
    record: &mut PersonRecord,
    payload: Payload,
) -> Result<SignedPayload, DocumentError> {
    let signed = payload.sign(&session.credential.station);
    record.add_document(&IssuedDocument {
        folio: signed.payload.folio.clone(),
        kind: signed.payload.kind.as_str().to_owned(),
        code: signed.code(),
        issued_at: signed.payload.issued_at.clone(),
        token: signed.token(),
    })?;
    Ok(signed)
}

/// A new folio for a document of this station.
pub fn new_folio(session: &Session) -> Result<String, DocumentError> {
    crate::workflows::folio::next_folio(session).map_err(|e| DocumentError::Folio(e.to_string()))
}

/// A canonical description of the record's state (identity, status, captures, photo,
/// decisions, movements), whose SHA-256 a document carries: a later change to the record
/// gives another hash, so a document says which state it described.
pub fn state_of(record: &PersonRecord) -> Result<String, DocumentError> {
    let id = record.identity()?;
    let mut s = format!(
        "registro={}\ncurp={}\nnss={}\nestado={}\n",
        record.id(),
        id.curp,
        id.nss,
        record.status()?.as_str()
    );
    let mut captures = record.captures()?;
    captures.sort_by_key(|c| c.position.code());
    for c in captures {
        let what = match (&c.exception, &c.template) {
            (Some((kind, _)), _) => format!("excepcion:{}", kind.as_str()),
            (None, Some(t)) => t.hash.clone(),
            (None, None) => String::new(),
        };
        s.push_str(&format!(
            "dedo={}:{}:{}\n",
            c.position.code(),
            c.quality,
            what
        ));
    }
    if let Some(f) = record.face()? {
        s.push_str(&format!("rostro={}\n", f.image.hash));
    }
    for a in record.approvals()? {
        s.push_str(&format!("decision={}:{}\n", a.id, a.decision.as_str()));
    }
    for m in record.movements()? {
        s.push_str(&format!(
            "movimiento={}:{}:{}:{}:{}:{}\n",
            m.id,
            m.kind.as_str(),
            m.fecha,
            m.registro_patronal,
            m.salario_diario.unwrap_or_default(),
            m.regimen.map(|r| r.as_str()).unwrap_or_default()
        ));
    }
    Ok(state_hash(&s))
}

/// Every record this station can open, by id.
fn all_ids(session: &Session) -> Result<Vec<RecordId>, DocumentError> {
    let mut ids = Vec::new();
    for status in BiometricStatus::ALL {
        ids.extend(session.store.ids_with_status(status)?);
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// What to look for.
enum Wanted<'a> {
    Folio(&'a str),
    Code(String),
}

fn scan(
    session: &Session,
    wanted: &Wanted<'_>,
) -> Result<Option<(OpenRecord, IssuedDocument)>, DocumentError> {
    let keys = session.keys();
    for id in all_ids(session)? {
        // A record this station cannot open (another office's) is skipped, not an error.
        let Ok(open) = session.store.open_record(&keys, id) else {
            continue;
        };
        let docs = open.record.documents()?;
        let capture_folio = crate::workflows::enroll::folio(id);
        let hit = match wanted {
            Wanted::Folio(f) if *f == capture_folio => docs
                .into_iter()
                .rfind(|d| d.kind == super::DocumentKind::Acuse.as_str()),
            Wanted::Folio(f) => docs.into_iter().find(|d| d.folio == *f),
            Wanted::Code(c) => docs.into_iter().find(|d| d.code == *c),
        };
        if let Some(doc) = hit {
            return Ok(Some((open, doc)));
        }
    }
    Ok(None)
}

fn issued(open: &OpenRecord, doc: &IssuedDocument) -> Result<Issued, DocumentError> {
    let signed = SignedPayload::from_token(&doc.token)
        .map_err(|_| DocumentError::Damaged(doc.folio.clone()))?;
    Ok(Issued {
        signed,
        record: open.record.id(),
    })
}

/// The document with `folio`; a capture folio (`F-…`, as `huella enroll` prints) gives that
/// record's latest acuse. The consultation is audited.
pub fn find_by_folio(session: &Session, folio: &str) -> Result<Issued, DocumentError> {
    let folio = folio.trim();
    let (open, doc) = scan(session, &Wanted::Folio(folio))?
        .ok_or_else(|| DocumentError::UnknownFolio(folio.to_owned()))?;
    let found = issued(&open, &doc)?;
    audit_read(
        session,
        found.record,
        &format!("documento {} reimpreso", doc.folio),
    )?;
    Ok(found)
}

/// The document whose verification code is `code` (typed in any case, with or without
/// dashes), among the records this station holds.
pub fn find_by_code(session: &Session, code: &str) -> Result<Issued, DocumentError> {
    let code = normalize_code(code).ok_or_else(|| DocumentError::UnknownFolio(code.to_owned()))?;
    let (open, doc) =
        scan(session, &Wanted::Code(code.clone()))?.ok_or(DocumentError::UnknownFolio(code))?;
    let found = issued(&open, &doc)?;
    audit_read(
        session,
        found.record,
        &format!("documento {} verificado por código", doc.folio),
    )?;
    Ok(found)
}

/// The documents issued for one person, oldest first.
pub fn documents_of(record: &PersonRecord) -> Result<Vec<IssuedDocument>, DocumentError> {
    Ok(record.documents()?)
}

fn audit_read(session: &Session, id: RecordId, detail: &str) -> Result<(), DocumentError> {
    let mut batch = session.store.batch();
    batch.audit(AuditAction::Consulta, &[id], detail);
    session.commit(batch)?;
    Ok(())
}
