//! Opposition: the person stops a named secondary use of their data. The uses are a closed
//! list (docs/privacy.md); every place a use happens asks [`allowed`] first.
//!
//! Owns the list of uses and recording an opposition. Must not word anything for a person.

use huella_keys::Role;
use huella_sync::record::privacy::{ArcoRequest, ArcoRight, Opposition};
use huella_sync::{AuditAction, PersonRecord, RecordId};

use super::{ArcoError, RequestRef, answer, person_by_curp, require, save, take_request};
use crate::workflows::session::Session;

/// A secondary use a person may oppose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecondaryUse {
    /// Appearing in the reports sent to an employer (`appears_in_employer_report`).
    EmployerReport,
    /// The face photo printed on documents the office issues.
    PhotoOnDocuments,
    /// Proof of life by fingerprint (the supervised alternative path is used instead).
    FingerprintProofOfLife,
}

impl SecondaryUse {
    /// Every use, in documentation order.
    pub const ALL: [SecondaryUse; 3] = [
        SecondaryUse::EmployerReport,
        SecondaryUse::PhotoOnDocuments,
        SecondaryUse::FingerprintProofOfLife,
    ];

    /// The code on the command line and in the record.
    pub fn code(self) -> &'static str {
        match self {
            SecondaryUse::EmployerReport => "employer_report",
            SecondaryUse::PhotoOnDocuments => "photo_on_documents",
            SecondaryUse::FingerprintProofOfLife => "fingerprint_proof_of_life",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase().replace('-', "_");
        Self::ALL.iter().copied().find(|u| u.code() == s)
    }
}

/// Why a use was refused for a person.
#[derive(Debug, thiserror::Error)]
#[error(
    "la persona se opuso a este uso de sus datos ({use_code}); siga la vía alterna supervisada"
)]
pub struct Opposed {
    /// The use code.
    pub use_code: &'static str,
}

/// Whether `record`'s person allows `use_`.
pub fn allows(record: &PersonRecord, use_: SecondaryUse) -> bool {
    !record.opposes(use_.code())
}

/// Refuses with [`Opposed`] when the person opposed `use_` (reads the record).
pub fn allowed(session: &Session, id: RecordId, use_: SecondaryUse) -> Result<(), ArcoError> {
    let open = session.store.open_record(&session.keys(), id)?;
    if allows(&open.record, use_) {
        Ok(())
    } else {
        Err(ArcoError::Opposed(Opposed {
            use_code: use_.code(),
        }))
    }
}

/// Records the person's opposition to `use_` (any officer), answering the request.
pub fn oppose(
    session: &Session,
    curp: &str,
    use_: SecondaryUse,
    r: &RequestRef,
) -> Result<ArcoRequest, ArcoError> {
    require(session, Role::Officer)?;
    let id = person_by_curp(session, curp)?;
    let mut open = session.store.open_record(&session.keys(), id)?;
    let req = take_request(session, &open.record, ArcoRight::Oposicion, r)?;
    open.record.put_opposition(&Opposition {
        use_code: use_.code().to_owned(),
        folio: req.folio.clone(),
        by: session.credential.officer.user().to_owned(),
        at: huella_sync::time::now_utc(),
    })?;
    let req = answer(
        session,
        &mut open.record,
        req,
        &format!("oposición registrada: {}", use_.code()),
    )?;
    save(
        session,
        &mut open,
        AuditAction::RegistroModificado,
        &format!("ARCO {}: oposición a {}", req.folio, use_.code()),
    )?;
    Ok(req)
}
