//! The acuse (receipt): issued inside the enrollment submission, the approval and each
//! movement, in the same commit as what it acknowledges, so there is never a submission
//! without its receipt nor a receipt of something not recorded. Owns what an acuse says;
//! it must not render or verify.

use huella_sync::{Approval, BiometricStatus, Movement, PersonRecord};

use super::log::{attach, new_folio, state_of};
use super::payload::{DocumentKind, Payload, SignedPayload};
use super::{DocumentError, wording as w};
use crate::workflows::session::Session;

fn base(
    session: &Session,
    record: &PersonRecord,
    folio: String,
    officer: String,
    supervisor: String,
) -> Result<Payload, DocumentError> {
    let id = record.identity()?;
    Ok(Payload {
        kind: DocumentKind::Acuse,
        folio,
        office: session.credential.station.office().to_owned(),
        station: session.credential.station.station().to_owned(),
        issued_at: huella_sync::time::now_utc(),
        officer,
        supervisor,
        curp: id.curp.clone(),
        name: id.nombre_completo(),
        state_hash: state_of(record)?,
        lines: Vec::new(),
    })
}

/// What the capture holds: fingers captured, exceptions, photo.
fn capture_lines(record: &PersonRecord) -> Result<Vec<(String, String)>, DocumentError> {
    let captures = record.captures()?;
    let captured = captures.iter().filter(|c| c.exception.is_none()).count();
    let exceptions: Vec<String> = captures
        .iter()
        .filter_map(|c| {
            c.exception
                .as_ref()
                .map(|(kind, _)| format!("{}: {}", c.position.nombre(), kind.as_str()))
        })
        .collect();
    Ok(vec![
        (w::FINGERS.into(), format!("{captured} de 10")),
        (
            w::EXCEPTIONS.into(),
            if exceptions.is_empty() {
                w::NONE.to_owned()
            } else {
                exceptions.join("; ")
            },
        ),
        (
            w::PHOTO.into(),
            if record.face()?.is_some() {
                w::YES
            } else {
                w::NO
            }
            .to_owned(),
        ),
    ])
}

/// The acuse of an enrollment submission, stored in `record` (the caller commits it with
/// the submission).
pub fn for_submission(
    session: &Session,
    record: &mut PersonRecord,
) -> Result<SignedPayload, DocumentError> {
    let officer = session.credential.officer.user().to_owned();
    let mut p = base(session, record, new_folio(session)?, officer, String::new())?;
    p.lines.push((w::PROCEDURE.into(), w::SUBMISSION.into()));
    p.lines.push((
        w::CAPTURE_FOLIO.into(),
        crate::workflows::enroll::folio(record.id()),
    ));
    p.lines.extend(capture_lines(record)?);
    p.lines
        .push((w::STATUS.into(), BiometricStatus::Capturado.as_str().into()));
    attach(session, record, p)
}

/// The acuse of an approval, stored in `record` (the caller commits it with the decision).
/// The officer is the one who submitted the capture; the supervisor is the session's.
pub fn for_approval(
    session: &Session,
    record: &mut PersonRecord,
    approval: &Approval,
) -> Result<SignedPayload, DocumentError> {
    let officer = record
        .status_history()?
        .into_iter()
        .rev()
        .find(|h| h.status == BiometricStatus::Capturado)
        .map(|h| h.by)
        .unwrap_or_default();
    let mut p = base(
        session,
        record,
        new_folio(session)?,
        officer,
        approval.supervisor.clone(),
    )?;
    p.lines.push((w::PROCEDURE.into(), w::APPROVAL.into()));
    p.lines.push((
        w::CAPTURE_FOLIO.into(),
        crate::workflows::enroll::folio(record.id()),
    ));
    p.lines.extend(capture_lines(record)?);
    p.lines.push((
        w::DECISION.into(),
        approval
            .signature
            .chars()
            .take(16)
            .collect::<String>()
            .to_uppercase(),
    ));
    p.lines
        .push((w::STATUS.into(), BiometricStatus::Aprobado.as_str().into()));
    attach(session, record, p)
}

/// The acuse of a movement recorded under `folio` (the movement's own folio), stored in
/// `record` (the caller commits it with the movement).
pub fn for_movement(
    session: &Session,
    record: &mut PersonRecord,
    movement: &Movement,
    folio: &str,
) -> Result<SignedPayload, DocumentError> {
    let mut p = base(
        session,
        record,
        folio.to_owned(),
        movement.oficial.clone(),
        String::new(),
    )?;
    p.lines.push((w::PROCEDURE.into(), w::MOVEMENT.into()));
    p.lines
        .push((w::MOVEMENT_KIND.into(), movement.kind.as_str().into()));
    p.lines.push((w::EFFECTIVE.into(), movement.fecha.clone()));
    p.lines
        .push((w::EMPLOYER.into(), movement.registro_patronal.clone()));
    if let Some(s) = &movement.salario_diario {
        p.lines.push((w::SALARY.into(), format!("${s}")));
    }
    if let Some(r) = movement.regimen {
        p.lines.push((w::REGIME.into(), r.as_str().into()));
    }
    if let Some(m) = &movement.motivo {
        p.lines.push((w::REASON.into(), m.clone()));
    }
    attach(session, record, p)
}
