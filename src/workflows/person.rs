//! One person's file as the counter shows it: identity and status, movements, the status
//! history, signed receipts, biometrics on file and proofs of life, read from the record and
//! audited as one consultation.
//!
//! Owns the view model of a person's file (named fields, typed values); the faces word and
//! lay it out. Must not draw or change the record.

use huella_sync::{
    AuditAction, BiometricStatus, Decision, FingerPosition, MovementKind, RecordError, RecordId,
    StoreError,
};

use crate::workflows::enroll::{self, survival};
use crate::workflows::lookup::PersonSummary;
use crate::workflows::session::Session;

/// Why a person's file could not be shown.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PersonError {
    /// The store failed (or the record is not in it).
    #[error(transparent)]
    Store(Box<StoreError>),
    /// The record document is damaged.
    #[error(transparent)]
    Record(#[from] RecordError),
}

impl From<StoreError> for PersonError {
    fn from(e: StoreError) -> Self {
        PersonError::Store(Box::new(e))
    }
}

/// An employment movement (the pre-registration is the first alta, with no folio).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementRow {
    /// Kind.
    pub kind: MovementKind,
    /// Effective date `YYYY-MM-DD`.
    pub date: String,
    /// Employer registration.
    pub employer: String,
    /// Folio (`None` for the pre-registration).
    pub folio: Option<String>,
    /// Who recorded it.
    pub officer: String,
    /// When it was recorded (UTC).
    pub recorded_at: String,
    /// What it replaced.
    pub before: Option<String>,
    /// What it set.
    pub after: Option<String>,
    /// Unsigned, or signed by someone not entitled to it (a `defuncion` by a plain officer):
    /// shown, but it does not count.
    pub unverified: bool,
}

/// The restriction countdown of a notified person without approved biometrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictionView {
    /// Notice date.
    pub notice: String,
    /// Last day to enroll.
    pub deadline: String,
    /// Days left (negative: restricted).
    pub days_left: i64,
}

/// One change of the biometric status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    /// New status.
    pub status: BiometricStatus,
    /// When (UTC).
    pub at: String,
    /// Who.
    pub by: String,
    /// Why, as recorded.
    pub reason: String,
    /// An `aprobado` or `rechazado` that no verified supervisor decision backs (a forged or
    /// unverifiable decision): shown, but it does not count for the status.
    pub unverified: bool,
}

/// A supervisor's signed decision, as printed on a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRow {
    /// Folio.
    pub folio: String,
    /// Decision.
    pub decision: Decision,
    /// Supervisor.
    pub supervisor: String,
    /// When it was signed (UTC).
    pub signed_at: String,
    /// First characters of the signature, to check a printed receipt.
    pub code: String,
    /// Whether the signature verifies with the key of an officer of the office allowed to
    /// decide (not on their own capture); one that does not is shown but does not count.
    pub verified: bool,
}

/// A proof of life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofRow {
    /// When (UTC).
    pub at: String,
    /// Finger presented.
    pub finger: FingerPosition,
    /// Matcher score (thousandths).
    pub score: u32,
    /// Whether it matched.
    pub matched: bool,
    /// Officer.
    pub officer: String,
}

/// One person's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFile {
    /// Identity and status.
    pub summary: PersonSummary,
    /// Employment movements.
    pub movements: Vec<MovementRow>,
    /// Status history, oldest first.
    pub history: Vec<StatusRow>,
    /// Signed decisions.
    pub receipts: Vec<ReceiptRow>,
    /// Fingers captured or justified, of 10.
    pub fingers: usize,
    /// A face photo is on file.
    pub face: bool,
    /// Version of the privacy notice consented to.
    pub consent: Option<String>,
    /// Proofs of life.
    pub verifications: Vec<ProofRow>,
    /// Finger to present for a proof of life (`None`: no approved prints).
    pub proof_finger: Option<FingerPosition>,
    /// The restriction countdown, when notified and not yet approved.
    pub restriction: Option<RestrictionView>,
    /// The central node's newest verdict, checked at this station (`None`: not judged yet).
    pub central: Option<crate::workflows::central::verdict::CentralMark>,
    /// Day retention will erase the biometrics (`None`: the clock does not run, or not known
    /// here; the station's period is filled in by [`crate::workflows::retention`]).
    pub biometrics_erased_on: Option<String>,
}

/// Reads `id`'s file (audited as a consultation; the audit is committed before returning).
pub fn open(session: &Session, id: RecordId) -> Result<PersonFile, PersonError> {
    let open = session.store.open_record(&session.keys(), id)?;
    let r = &open.record;
    let checked = session.store.checked_approvals(id, r)?;
    let file = PersonFile {
        summary: PersonSummary::of(r)?,
        movements: movement_rows(session, id, r)?,
        history: session
            .store
            .checked_status_history(id, r)?
            .into_iter()
            .map(|(h, counts)| StatusRow {
                unverified: !counts,
                status: h.status,
                at: h.at,
                by: h.by,
                reason: h.reason,
            })
            .collect(),
        receipts: checked
            .into_iter()
            .map(|(a, check)| ReceiptRow {
                verified: check.is_valid(),
                folio: enroll::folio(id),
                decision: a.decision,
                supervisor: a.supervisor,
                signed_at: a.signed_at,
                code: a
                    .signature
                    .chars()
                    .take(12)
                    .collect::<String>()
                    .to_uppercase(),
            })
            .collect(),
        fingers: r.captures()?.len(),
        face: r.face()?.is_some(),
        consent: r.consent().map(|c| c.aviso_version),
        verifications: r
            .verifications()?
            .into_iter()
            .map(|v| ProofRow {
                at: v.at,
                finger: v.finger,
                score: v.score,
                matched: v.matched,
                officer: v.officer,
            })
            .collect(),
        proof_finger: survival::finger_to_present(r)?,
        restriction: restriction_of(r)?,
        central: crate::workflows::central::verdict::mark(session, r)?,
        biometrics_erased_on: None,
    };
    let mut batch = session.store.batch();
    batch.audit(AuditAction::Consulta, &[id], "expediente en consola");
    session
        .store
        .commit(batch, &session.credential.officer, &enroll::now())?;
    Ok(file)
}

/// The movements that count, as the history replays them, then those that do not (marked).
fn movement_rows(
    session: &Session,
    id: RecordId,
    r: &huella_sync::PersonRecord,
) -> Result<Vec<MovementRow>, PersonError> {
    let mut rows: Vec<MovementRow> = crate::workflows::movements::history(r)?
        .0
        .into_iter()
        .map(|m| MovementRow {
            kind: m.kind,
            date: m.date,
            employer: m.employer,
            folio: m.folio,
            officer: m.officer,
            recorded_at: m.recorded_at,
            before: m.before,
            after: m.after,
            unverified: false,
        })
        .collect();
    for m in session.store.checked_movements(id, r)? {
        if m.counts {
            continue;
        }
        let m = m.order;
        rows.push(MovementRow {
            kind: m.kind,
            date: m.fecha,
            employer: m.registro_patronal,
            folio: Some(m.id),
            officer: m.oficial,
            recorded_at: m.registrado_en,
            before: None,
            after: None,
            unverified: true,
        });
    }
    Ok(rows)
}

fn restriction_of(r: &huella_sync::PersonRecord) -> Result<Option<RestrictionView>, RecordError> {
    use crate::workflows::restriction;
    let Some(notice) = r.biometric_notice() else {
        return Ok(None);
    };
    if !restriction::restrictable(r.status()?) {
        return Ok(None);
    }
    Ok(
        restriction::days_left(&notice, &restriction::today()).map(|days_left| RestrictionView {
            deadline: restriction::deadline(&notice).unwrap_or_default(),
            notice,
            days_left,
        }),
    )
}
