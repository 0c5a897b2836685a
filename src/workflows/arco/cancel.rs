//! Cancellation: the person's biometrics (prints, templates, photo) are erased everywhere,
//! while what the law requires to keep (identity, movements, consents, decisions, proofs of
//! life, requests) stays.
//!
//! How: the images and templates are blobs sealed with the record's data key, so the record
//! is rewritten under a fresh id and key without its captures and face
//! ([`huella_sync::PersonRecord::fork_without_biometrics`]), and the old record is erased with
//! the signed, replicated erasure order that already exists (`workflows::erase`): its key,
//! chunks and blobs are destroyed here, at the hub and at every station the order reaches,
//! and any later copy of it (a bundle made before, a peer that had not synced) is refused.
//! The person's procedures continue by the supervised alternative path: the new record's
//! status is `restringido` with that reason, and proof of life by fingerprint is refused.
//!
//! Owns that procedure (also used by retention). Must not word anything for a person.

use huella_keys::Role;
use huella_sync::record::privacy::{ArcoRequest, ArcoRight, FormerRecord};
use huella_sync::store::OpenRecord;
use huella_sync::{AuditAction, BiometricStatus, RecordId, Seal, StatusChange};

use super::{ArcoError, RequestRef, answer, person_by_curp, require, save, take_request};
use crate::workflows::erase::{self, EraseError};
use crate::workflows::session::Session;

/// The status reason of a person whose biometrics were erased.
pub const ALTERNATIVE_PATH: &str = "sin biometría: trámites por la vía alterna supervisada";

/// Why a cancellation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CancelError {
    /// The request, role or store failed.
    #[error(transparent)]
    Arco(#[from] ArcoError),
    /// The erasure order failed.
    #[error(transparent)]
    Erase(#[from] EraseError),
    /// No reason was given.
    #[error("la cancelación necesita un motivo")]
    NeedReason,
}

impl From<huella_sync::StoreError> for CancelError {
    fn from(e: huella_sync::StoreError) -> Self {
        CancelError::Arco(e.into())
    }
}

impl From<huella_sync::RecordError> for CancelError {
    fn from(e: huella_sync::RecordError) -> Self {
        CancelError::Arco(e.into())
    }
}

/// What a cancellation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancelled {
    /// The answered request.
    pub request: ArcoRequest,
    /// The erased record.
    pub erased: RecordId,
    /// The record that keeps identity and movements.
    pub kept: RecordId,
    /// Fingers whose captures were erased.
    pub fingers: usize,
    /// Whether a face photo was erased.
    pub face: bool,
}

/// What [`erase_biometrics`] removed.
pub(crate) struct Shredded {
    pub(crate) kept: RecordId,
    pub(crate) fingers: usize,
    pub(crate) face: bool,
}

/// Rewrites `open` without biometrics under a new id (with `edit` applied to the new record),
/// commits it, then erases the old record with a replicated order. Supervisors and
/// administrators only (the erasure order checks it again).
pub(crate) fn erase_biometrics(
    session: &Session,
    mut open: OpenRecord,
    why: &str,
    folio: &str,
    edit: impl FnOnce(&mut huella_sync::PersonRecord) -> Result<(), ArcoError>,
) -> Result<Shredded, CancelError> {
    let old = open.id();
    let fingers = open.record.captures()?.len();
    let face = open.record.face()?.is_some();
    let kept = RecordId::generate();
    let mut record = open.record.fork_without_biometrics(kept)?;
    let now = huella_sync::time::now_utc();
    let me = session.credential.officer.user().to_owned();
    record.add_former_record(&FormerRecord {
        id: old.to_hex(),
        reason: why.to_owned(),
        folio: folio.to_owned(),
        by: me.clone(),
        at: now.clone(),
    })?;
    // A signed order: `restringido` counts only when a supervisor or administrator of the
    // office signed it (`huella_sync::roster`, checked at every station).
    let change = StatusChange {
        status: BiometricStatus::Restringido,
        at: now,
        by: me,
        reason: format!("{why} {folio}: {ALTERNATIVE_PATH}")
            .trim()
            .to_owned(),
    };
    let seal = Seal {
        signature: session
            .credential
            .officer
            .sign(&change.signed_message(&kept))
            .to_hex(),
        signer: crate::workflows::review::signer_of(session)?,
    };
    record.set_signed_status(&change, &seal)?;
    edit(&mut record)?;
    let mut fresh = OpenRecord::new(record);
    // The kept record commits first: a crash before the erasure leaves both (the next
    // cancellation finds two records and asks to resolve), never neither.
    save(
        session,
        &mut fresh,
        AuditAction::RegistroModificado,
        &format!("{why} {folio}: datos sin biometría conservados (antes {old})"),
    )?;
    erase::erase(session, old)?;
    Ok(Shredded {
        kept,
        fingers,
        face,
    })
}

/// Cancels: erases the biometrics of the person with `curp` everywhere (supervisors and
/// administrators), answering the request.
pub fn cancel(
    session: &Session,
    curp: &str,
    reason: &str,
    r: &RequestRef,
) -> Result<Cancelled, CancelError> {
    require(session, Role::Supervisor)?;
    if reason.trim().is_empty() {
        return Err(CancelError::NeedReason);
    }
    let id = person_by_curp(session, curp)?;
    let open = session.store.open_record(&session.keys(), id)?;
    let req = take_request(session, &open.record, ArcoRight::Cancelacion, r)?;
    let folio = req.folio.clone();
    let mut answered = None;
    let done = erase_biometrics(session, open, "cancelación ARCO", &folio, |record| {
        answered = Some(answer(
            session,
            record,
            req,
            &format!(
                "biometría borrada; se conservan identidad y movimientos; motivo: {}",
                reason.trim()
            ),
        )?);
        Ok(())
    })?;
    let request = answered.ok_or(ArcoError::NoSuchFolio(folio))?;
    Ok(Cancelled {
        request,
        erased: id,
        kept: done.kept,
        fingers: done.fingers,
        face: done.face,
    })
}
