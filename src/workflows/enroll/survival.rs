//! Supervivencia (proof of life): a 1:1 verification of a live capture against the prints
//! enrolled for an approved or registered person, recorded in their record (score and
//! result, with the officer and time) and audited. Nothing here draws or talks to devices.

use huella_sync::{AuditAction, BiometricStatus, BlobKind, FingerPosition, RecordId, Verification};

use super::officer_finger::compare_template;
use super::{Attempt, EnrollError, now, save};
use crate::workflows::session::Session;

/// Purpose written in the verification.
pub const PURPOSE: &str = "supervivencia";

/// Why a proof of life could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum SurvivalError {
    /// Saving or reading failed.
    #[error(transparent)]
    Enroll(#[from] EnrollError),
    /// The person has no approved prints.
    #[error("la persona no tiene huellas enroladas aprobadas (estado: {0})")]
    NotEnrolled(&'static str),
    /// No enrolled template for the finger presented.
    #[error("no hay plantilla enrolada del {0}")]
    NoTemplate(&'static str),
    /// The live image cannot be used.
    #[error("huella inutilizable: {0}; repita la captura")]
    Unusable(&'static str),
    /// The person opposed proof of life by fingerprint (ARCO): the supervised alternative
    /// path is used instead.
    #[error(transparent)]
    Opposed(#[from] crate::workflows::arco::oppose::Opposed),
}

impl From<huella_sync::StoreError> for SurvivalError {
    fn from(e: huella_sync::StoreError) -> Self {
        SurvivalError::Enroll(e.into())
    }
}

impl From<huella_sync::RecordError> for SurvivalError {
    fn from(e: huella_sync::RecordError) -> Self {
        SurvivalError::Enroll(e.into())
    }
}

fn enrolled(status: BiometricStatus) -> bool {
    matches!(
        status,
        BiometricStatus::Aprobado | BiometricStatus::Registrado | BiometricStatus::Restringido
    )
}

/// The finger to ask for: the right index if enrolled with a template, else the first one.
pub fn finger_to_present(
    record: &huella_sync::PersonRecord,
) -> Result<Option<FingerPosition>, huella_sync::RecordError> {
    if !record.status().is_ok_and(enrolled) {
        return Ok(None);
    }
    let with_template: Vec<FingerPosition> = record
        .captures()?
        .into_iter()
        .filter(|c| c.exception.is_none() && c.template.is_some())
        .map(|c| c.position)
        .collect();
    Ok(with_template
        .iter()
        .copied()
        .find(|p| *p == FingerPosition::RightIndex)
        .or_else(|| with_template.first().copied()))
}

/// Verifies `live` against the person's enrolled print of the same finger, records the
/// verification (score in thousandths, result at FMR 1/10,000) and audits it.
pub fn prove_life(
    session: &Session,
    id: RecordId,
    live: &Attempt,
) -> Result<Verification, SurvivalError> {
    let keys = session.keys();
    let mut open = session.store.open_record(&keys, id)?;
    let by_finger = crate::workflows::arco::oppose::SecondaryUse::FingerprintProofOfLife;
    if !crate::workflows::arco::oppose::allows(&open.record, by_finger) {
        return Err(crate::workflows::arco::oppose::Opposed {
            use_code: by_finger.code(),
        }
        .into());
    }
    let status = open.record.status()?;
    if !enrolled(status) {
        return Err(SurvivalError::NotEnrolled(status.as_str()));
    }
    let blob = open
        .record
        .captures()?
        .into_iter()
        .find(|c| c.position == live.position && c.exception.is_none())
        .and_then(|c| c.template)
        .filter(|b| b.kind == BlobKind::FingerTemplate)
        .ok_or(SurvivalError::NoTemplate(live.position.nombre()))?;
    let template = session.store.get_blob(&keys, id, &blob)?;
    let m = compare_template(live, &template).map_err(|u| SurvivalError::Unusable(u.motivo()))?;
    let v = Verification {
        id: RecordId::generate().to_hex(),
        purpose: PURPOSE.to_owned(),
        finger: live.position,
        score: (m.score.max(0.0) * 1000.0).round() as u32,
        matched: m.matched,
        officer: session.credential.officer.user().to_owned(),
        at: now(),
    };
    open.record.add_verification(&v)?;
    save(
        session,
        &mut open,
        AuditAction::Verificacion,
        &format!(
            "supervivencia: dedo {}, puntaje {:.3}, {}",
            v.finger.code(),
            m.score,
            if m.matched { "coincide" } else { "no coincide" }
        ),
    )?;
    Ok(v)
}
