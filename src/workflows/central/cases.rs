//! Duplicate cases of the central node: the list a central supervisor reads (both people,
//! the scores, the offices) and their decision, re-authenticated with the passphrase and
//! signed by the supervisor and the central station: `distinct` registers the person
//! (status `registrado`), `duplicate` rejects the record as a national duplicate (status
//! `rechazado`). The decision reaches the office with its next sync.
//!
//! This module owns cases and their audit entries. It must print nothing.

use huella_keys::{Credential, Passphrase};
use huella_sync::record::{CentralMatch, CentralOutcome};
use huella_sync::{AuditAction, BiometricStatus, RecordId, StatusChange};

use super::CentralError;
use super::run::{REGISTERED_REASON, office_of, open_case};
use super::verdict::{self, VerdictDraft};
use crate::home::Home;
use crate::workflows::enroll;
use crate::workflows::session::Session;

/// One person of a case as the supervisor reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct CasePerson {
    /// Record id.
    pub id: RecordId,
    /// CURP.
    pub curp: String,
    /// Full name.
    pub name: String,
    /// Office where they were captured (empty when unknown).
    pub office: String,
    /// Biometric status.
    pub status: BiometricStatus,
}

/// An open duplicate case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Case id (the record id of the person under review).
    pub id: RecordId,
    /// The person under review.
    pub person: CasePerson,
    /// When the case was opened.
    pub opened_at: String,
    /// The people matched, with their scores, best first.
    pub matches: Vec<(CasePerson, CentralMatch)>,
}

/// The supervisor's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseDecision {
    /// Two different people: register the one under review.
    Distinct,
    /// The same person: the record under review is a duplicate.
    Duplicate,
}

fn person(session: &Session, id: RecordId) -> Result<CasePerson, CentralError> {
    let open = session.store.open_record(&session.keys(), id)?;
    let i = open.record.identity()?;
    let name = [i.nombre, i.primer_apellido, i.segundo_apellido]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let trust = huella_sync::roster::Trust::new(session.store.replica());
    Ok(CasePerson {
        id,
        curp: i.curp,
        name,
        office: office_of(session, &trust, id),
        status: open.record.status()?,
    })
}

/// Open cases, oldest first (audited as a consultation).
pub fn list(session: &Session) -> Result<Vec<Case>, CentralError> {
    let keys = session.keys();
    let mut out = Vec::new();
    for id in session.store.ids_with_status(BiometricStatus::Aprobado)? {
        let open = session.store.open_record(&keys, id)?;
        if !open_case(&open.record)? {
            continue;
        }
        let Some(v) = open.record.central_verdicts()?.pop() else {
            continue;
        };
        let mut matches = Vec::new();
        for m in v.matches {
            matches.push((person(session, m.id)?, m));
        }
        out.push(Case {
            id,
            person: person(session, id)?,
            opened_at: v.signed_at,
            matches,
        });
    }
    out.sort_by(|a, b| a.opened_at.cmp(&b.opened_at));
    let ids: Vec<RecordId> = out.iter().map(|c| c.id).collect();
    let mut batch = session.store.batch();
    batch.audit(
        AuditAction::Consulta,
        &ids,
        &format!("casos de duplicado central: {}", ids.len()),
    );
    session
        .store
        .commit(batch, &session.credential.officer, &enroll::now())?;
    Ok(out)
}

/// Decides case `case` as the session's supervisor, after re-authenticating with
/// `passphrase`; returns the status the record now has.
pub fn decide(
    home: &Home,
    session: &Session,
    case: RecordId,
    decision: CaseDecision,
    reason: &str,
    passphrase: &Passphrase,
) -> Result<BiometricStatus, CentralError> {
    let me = &session.credential.officer;
    if !me.role().can_supervise() {
        return Err(CentralError::NotSupervisor);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CentralError::NoReason);
    }
    let again = Credential::read_file(&home.credential_file(me.user()), passphrase, me.user())
        .map_err(|_| CentralError::Reauth)?;
    if again.officer.public().key.to_hex() != me.public().key.to_hex() {
        return Err(CentralError::Reauth);
    }
    let keys = session.keys();
    let mut open = session
        .store
        .open_record(&keys, case)
        .map_err(|_| CentralError::NoSuchCase(case.to_hex()))?;
    if open.record.status()? != BiometricStatus::Aprobado || !open_case(&open.record)? {
        return Err(CentralError::NoSuchCase(case.to_hex()));
    }
    let matches = open
        .record
        .central_verdicts()?
        .pop()
        .map(|v| v.matches)
        .unwrap_or_default();
    let (outcome, status, why) = match decision {
        CaseDecision::Distinct => (
            CentralOutcome::Registrado,
            BiometricStatus::Registrado,
            format!("{REGISTERED_REASON} (caso central: personas distintas): {reason}"),
        ),
        CaseDecision::Duplicate => (
            CentralOutcome::Duplicado,
            BiometricStatus::Rechazado,
            format!(
                "duplicado nacional de {}: {reason}",
                matches
                    .iter()
                    .map(|m| m.id.to_hex())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    };
    let now = enroll::now();
    let v = verdict::sign(
        session,
        VerdictDraft {
            outcome,
            case: case.to_hex(),
            reason: why.clone(),
            matches,
            by_supervisor: true,
            record: &open.record,
        },
        &now,
    )?;
    open.record.add_central_verdict(&v)?;
    open.record.set_status(&StatusChange {
        status,
        at: now,
        by: me.user().to_owned(),
        reason: why,
    })?;
    enroll::save(
        session,
        &mut open,
        AuditAction::DictamenCentral,
        &format!("caso central decidido: {}", outcome.as_str()),
    )?;
    Ok(status)
}

/// How strongly a case's match says "the same person", for the supervisor: the chance that
/// one unrelated person's fingers reach this fused evidence, in the office search's bands
/// (a case is opened only above the weakest, so the weakest is the floor).
pub fn strength(m: &CentralMatch) -> crate::matching::HitStrength {
    use crate::matching::HitStrength;
    use crate::matching::duplicate::{
        PROBABLE_FALSE_ALARM, VERY_PROBABLE_FALSE_ALARM, unrelated_chance,
    };
    let chance = unrelated_chance(m.evidence, m.fingers.max(1));
    if chance <= VERY_PROBABLE_FALSE_ALARM {
        HitStrength::VeryProbable
    } else if chance <= PROBABLE_FALSE_ALARM {
        HitStrength::Probable
    } else {
        HitStrength::Possible
    }
}
