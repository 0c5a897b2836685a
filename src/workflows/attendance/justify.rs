//! Justifications: a staff member files a falta, retardo or pase de salida (with its from/to
//! times) for a day; a supervisor who is not the requester approves or rejects it, signing
//! the decision with their key. Both steps are written in the staff member's document (so
//! they sync) and audited; a decision counts only when the store's check of its signature
//! and of the signer's role passes (`Store::checked_justifications`).

use huella_sync::{AuditAction, Justification, JustificationDecision, JustificationKind};

use super::{
    AttendanceError, days_of, minutes_of, need_supervisor, now, open_staff, save, staff_ids,
};
use crate::workflows::session::Session;

/// What the staff member asks for.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// What it covers.
    pub kind: JustificationKind,
    /// Day `AAAA-MM-DD`.
    pub date: &'a str,
    /// Exit pass start `HH:MM`.
    pub from: Option<&'a str>,
    /// Exit pass end `HH:MM`.
    pub to: Option<&'a str>,
    /// Why.
    pub reason: &'a str,
}

/// Files `request` for the acting user (who must be enrolled as staff); returns the folio.
pub fn file(session: &Session, request: &Request<'_>) -> Result<String, AttendanceError> {
    let me = session.credential.officer.user().to_owned();
    if days_of(request.date).is_none() {
        return Err(AttendanceError::BadDate(request.date.to_owned()));
    }
    let (from, to) = match (request.kind, request.from, request.to) {
        (JustificationKind::Pase, Some(f), Some(t)) => match (minutes_of(f), minutes_of(t)) {
            (Some(a), Some(b)) if a < b => (f.trim().to_owned(), t.trim().to_owned()),
            _ => return Err(AttendanceError::BadPassTimes),
        },
        (JustificationKind::Pase, _, _) => return Err(AttendanceError::BadPassTimes),
        (_, None, None) => (String::new(), String::new()),
        _ => return Err(AttendanceError::BadPassTimes),
    };
    let reason = request.reason.trim();
    if reason.is_empty() {
        return Err(AttendanceError::NoReason);
    }
    let mut open = open_staff(session, &me)?;
    let id = super::folio();
    open.record.add_justification(&Justification {
        id: id.clone(),
        kind: request.kind,
        date: request.date.trim().to_owned(),
        from,
        to,
        reason: reason.to_owned(),
        requested_by: me.clone(),
        requested_at: now(),
        decision: None,
    })?;
    save(
        session,
        &mut open,
        AuditAction::RegistroModificado,
        &format!(
            "asistencia: justificación {id} ({}) de {me} para {}",
            request.kind.as_str(),
            request.date.trim()
        ),
    )?;
    Ok(id)
}

/// One justification with the staff member it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filed {
    /// The staff member.
    pub user: String,
    /// The justification (its decision only if it verified).
    pub justification: Justification,
    /// A decision found in the document that does not count, and why.
    pub refused: Option<huella_sync::roster::DecisionCheck>,
}

/// Every justification of the station's staff (`pending_only`: those not decided yet),
/// oldest first.
pub fn list(session: &Session, pending_only: bool) -> Result<Vec<Filed>, AttendanceError> {
    let keys = session.keys();
    let mut out = Vec::new();
    for id in staff_ids(session)? {
        let open = session.store.open_record(&keys, id)?;
        if !open.record.is_staff() {
            continue;
        }
        let user = open.record.staff_member()?.user;
        // Only decisions whose signature verifies count (a refused one leaves it pending).
        for c in session.store.checked_justifications(id, &open.record)? {
            let j = c.justification;
            if pending_only && j.decision.is_some() {
                continue;
            }
            let refused = c.refused.map(|(_, why)| why);
            out.push(Filed {
                user: user.clone(),
                justification: j,
                refused,
            });
        }
    }
    out.sort_by(|a, b| {
        let (a, b) = (&a.justification, &b.justification);
        a.requested_at.cmp(&b.requested_at).then(a.id.cmp(&b.id))
    });
    Ok(out)
}

/// Approves or rejects justification `folio` as the acting supervisor, who must not be the
/// one who filed it; audited as an approval.
pub fn decide(
    session: &Session,
    folio: &str,
    approve: bool,
    note: &str,
) -> Result<Filed, AttendanceError> {
    need_supervisor(session)?;
    let me = session.credential.officer.user().to_owned();
    let keys = session.keys();
    for id in staff_ids(session)? {
        let mut open = session.store.open_record(&keys, id)?;
        if !open.record.is_staff() {
            continue;
        }
        let Some(j) = session
            .store
            .checked_justifications(id, &open.record)?
            .into_iter()
            .map(|c| c.justification)
            .find(|j| j.id == folio.trim())
        else {
            continue;
        };
        if j.requested_by == me {
            let mut batch = session.store.batch();
            batch.audit(
                AuditAction::AccesoFallido,
                &[id],
                &format!("asistencia: {me} intentó decidir su propia justificación {folio}"),
            );
            session
                .store
                .commit(batch, &session.credential.officer, &now())?;
            return Err(AttendanceError::OwnJustification);
        }
        if j.decision.is_some() {
            return Err(AttendanceError::AlreadyDecided(j.id));
        }
        let mut decision = JustificationDecision {
            approved: approve,
            by: me.clone(),
            at: now(),
            note: note.trim().to_owned(),
            signature: String::new(),
            signer: crate::workflows::review::signer_of(session)?,
        };
        decision.signature = session
            .credential
            .officer
            .sign(&j.decision_message(&id, &decision))
            .to_hex();
        open.record.decide_justification(&j.id, &decision)?;
        let user = open.record.staff_member()?.user;
        save(
            session,
            &mut open,
            AuditAction::Aprobacion,
            &format!(
                "asistencia: justificación {} de {user} {}",
                j.id,
                if approve { "aprobada" } else { "rechazada" }
            ),
        )?;
        return Ok(Filed {
            user,
            justification: Justification {
                decision: Some(decision),
                ..j
            },
            refused: None,
        });
    }
    Err(AttendanceError::NoJustification(folio.trim().to_owned()))
}
