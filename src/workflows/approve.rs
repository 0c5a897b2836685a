//! The supervisor's side of enrollment: the queue of captures waiting for approval, the
//! evidence of one capture, and the signed decision (approve, reject, ask for recapture).
//!
//! A decision needs the supervisor's passphrase again (re-authentication), is signed with the
//! supervisor's own key over [`Approval::signed_message`], is refused on the supervisor's own
//! capture, and is committed with an audit entry. Nothing here draws.

use huella_keys::{Credential, Passphrase};
use huella_sync::{
    Approval, AuditAction, BiometricStatus, Decision, Face, FingerCapture, Identity, RecordError,
    RecordId, StatusChange, StoreError,
};

use crate::home::Home;
use crate::workflows::enroll::{self, EnrollError, Thumb};
use crate::workflows::session::Session;

/// Why a decision was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApproveError {
    /// The store failed.
    #[error(transparent)]
    Store(Box<StoreError>),
    /// The record failed.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// Saving failed.
    #[error(transparent)]
    Save(Box<EnrollError>),
    /// Only supervisors decide.
    #[error("solo un supervisor puede aprobar o rechazar capturas")]
    NotSupervisor,
    /// The re-entered passphrase is wrong.
    #[error("contraseña incorrecta: no se registró la decisión")]
    Reauth,
    /// Nobody approves their own capture.
    #[error("no puede decidir sobre una captura hecha por usted")]
    OwnCapture,
    /// The record is not waiting for approval.
    #[error("la captura no está en espera de aprobación (estado: {0})")]
    NotCaptured(&'static str),
    /// Reject and recapture need a reason.
    #[error("escriba el motivo del rechazo o de la recaptura")]
    NoReason,
    /// The live finger does not match the supervisor's reference.
    #[error(
        "la huella no coincide con la de referencia del supervisor: no se registró la decisión"
    )]
    FingerMismatch,
    /// A scanner is present but the supervisor has no reference finger.
    #[error(
        "no tiene huella de referencia: regístrela con `huella officer finger` (o en la consola) antes de decidir"
    )]
    NoReference,
    /// The live finger or the stored reference could not be used.
    #[error(transparent)]
    Finger(#[from] enroll::officer_finger::OfficerFingerError),
}

/// The second factor of a decision besides the re-entered passphrase.
pub enum SecondFactor<'a> {
    /// No scanner at this station: passphrase only (the audit says so).
    NoScanner,
    /// The supervisor's live finger, matched 1:1 against their reference.
    Finger(&'a enroll::Attempt),
}

impl From<StoreError> for ApproveError {
    fn from(e: StoreError) -> Self {
        ApproveError::Store(Box::new(e))
    }
}

impl From<EnrollError> for ApproveError {
    fn from(e: EnrollError) -> Self {
        ApproveError::Save(Box::new(e))
    }
}

/// One line of the supervisor queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    /// The record.
    pub id: RecordId,
    /// Full name.
    pub name: String,
    /// CURP.
    pub curp: String,
    /// Officer who submitted.
    pub officer: String,
    /// When it was submitted.
    pub submitted_at: String,
    /// Fingers with an exception.
    pub exceptions: usize,
    /// Possible duplicates flagged at submit.
    pub duplicates: usize,
}

/// Everything a supervisor reviews for one capture.
#[derive(Debug, Clone)]
pub struct Review {
    /// The record.
    pub id: RecordId,
    /// Who.
    pub identity: Identity,
    /// Ten captures in ISO order (missing ones are `None`).
    pub fingers: Vec<(FingerCapture, Thumb)>,
    /// The face and its preview.
    pub face: Option<(Face, Thumb)>,
    /// Possible duplicates: record, name, CURP.
    pub duplicates: Vec<(RecordId, String, String)>,
    /// Officers who captured.
    pub officers: Vec<String>,
}

fn duplicates_in(reason: &str) -> Vec<RecordId> {
    reason
        .split_once("posibles duplicados: ")
        .map(|(_, ids)| ids.split(',').filter_map(RecordId::parse).collect())
        .unwrap_or_default()
}

fn submitted(hist: &[StatusChange]) -> Option<&StatusChange> {
    hist.iter()
        .rev()
        .find(|s| s.status == BiometricStatus::Capturado)
}

/// The captures waiting for approval, oldest first (audited as one consultation).
pub fn queue(session: &Session) -> Result<Vec<QueueItem>, ApproveError> {
    let keys = session.keys();
    let ids = session.store.ids_with_status(BiometricStatus::Capturado)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in &ids {
        let open = session.store.open_record(&keys, *id)?;
        let hist = open.record.status_history()?;
        let sub = submitted(&hist);
        out.push(QueueItem {
            id: *id,
            name: open.record.identity()?.nombre_completo(),
            curp: open.record.identity()?.curp,
            officer: sub.map(|s| s.by.clone()).unwrap_or_default(),
            submitted_at: sub.map(|s| s.at.clone()).unwrap_or_default(),
            exceptions: open
                .record
                .captures()?
                .iter()
                .filter(|c| c.exception.is_some())
                .count(),
            duplicates: sub.map(|s| duplicates_in(&s.reason).len()).unwrap_or(0),
        });
    }
    out.sort_by(|a, b| a.submitted_at.cmp(&b.submitted_at));
    let mut batch = session.store.batch();
    batch.audit(
        AuditAction::Consulta,
        &ids,
        &format!("cola de aprobación, {} capturas", ids.len()),
    );
    session
        .store
        .commit(batch, &session.credential.officer, &enroll::now())?;
    Ok(out)
}

/// Loads the evidence of one capture (audited).
pub fn review(session: &Session, id: RecordId) -> Result<Review, ApproveError> {
    let keys = session.keys();
    let open = session.store.open_record(&keys, id)?;
    let mut fingers = Vec::new();
    let mut officers: Vec<String> = Vec::new();
    for c in open.record.captures()? {
        let thumb = match &c.image {
            Some(b) => session
                .store
                .get_blob(&keys, id, b)
                .ok()
                .and_then(|png| image::load_from_memory(&png).ok())
                .map(|img| {
                    let g = img.to_luma8();
                    let (w, h) = (g.width() as usize, g.height() as usize);
                    Thumb::fit(g.as_raw(), w, h, 32, 36)
                })
                .unwrap_or_default(),
            None => Thumb::default(),
        };
        if !officers.contains(&c.officer) {
            officers.push(c.officer.clone());
        }
        fingers.push((c, thumb));
    }
    fingers.sort_by_key(|(c, _)| c.position.code());
    let face = match open.record.face()? {
        Some(f) => {
            let thumb = session
                .store
                .get_blob(&keys, id, &f.image)
                .ok()
                .and_then(|j| enroll::decode_gray(&j))
                .map(|(w, h, px)| Thumb::fit(&px, w, h, 48, 48))
                .unwrap_or_default();
            if !officers.contains(&f.officer) {
                officers.push(f.officer.clone());
            }
            Some((f, thumb))
        }
        None => None,
    };
    let hist = open.record.status_history()?;
    let mut duplicates = Vec::new();
    for other in submitted(&hist)
        .map(|s| duplicates_in(&s.reason))
        .unwrap_or_default()
    {
        if let Ok(o) = session.store.open_record(&keys, other) {
            let i = o.record.identity()?;
            duplicates.push((other, i.nombre_completo(), i.curp));
        }
    }
    let mut batch = session.store.batch();
    batch.audit(AuditAction::Consulta, &[id], "revisión de captura");
    session
        .store
        .commit(batch, &session.credential.officer, &enroll::now())?;
    Ok(Review {
        id,
        identity: open.record.identity()?,
        fingers,
        face,
        duplicates,
        officers,
    })
}

/// Records a supervisor's signed decision after re-authentication with `passphrase` only
/// (stations without a scanner; the audit entry says so).
pub fn decide(
    home: &Home,
    session: &Session,
    id: RecordId,
    decision: Decision,
    reason: &str,
    passphrase: &Passphrase,
) -> Result<Approval, ApproveError> {
    decide_with(
        home,
        session,
        id,
        decision,
        reason,
        passphrase,
        &SecondFactor::NoScanner,
    )
}

/// Records a supervisor's signed decision after re-authentication with `passphrase` and, with
/// a scanner, the supervisor's own finger matched 1:1 against the reference sealed in their
/// credential at FMR 1/10,000. The audit entry names the factors used.
pub fn decide_with(
    home: &Home,
    session: &Session,
    id: RecordId,
    decision: Decision,
    reason: &str,
    passphrase: &Passphrase,
    factor: &SecondFactor<'_>,
) -> Result<Approval, ApproveError> {
    let me = &session.credential.officer;
    if !me.role().can_supervise() {
        return Err(ApproveError::NotSupervisor);
    }
    let reason = reason.trim();
    if decision != Decision::Aprobar && reason.is_empty() {
        return Err(ApproveError::NoReason);
    }
    let again = Credential::read_file(&home.credential_file(me.user()), passphrase, me.user())
        .map_err(|_| ApproveError::Reauth)?;
    if again.officer.public().key.to_hex() != me.public().key.to_hex() {
        return Err(ApproveError::Reauth);
    }
    let factors = match factor {
        SecondFactor::NoScanner => "contraseña (sin lector de huellas)".to_owned(),
        SecondFactor::Finger(live) => {
            let reference = again.finger.as_ref().ok_or(ApproveError::NoReference)?;
            let m = enroll::officer_finger::check(reference, live)?;
            if !m.matched {
                let mut b = session.store.batch();
                b.audit(
                    AuditAction::AccesoFallido,
                    &[id],
                    &format!(
                        "huella del supervisor no coincide (puntaje {:.3} < {:.3})",
                        m.score, m.threshold
                    ),
                );
                session.store.commit(b, me, &enroll::now())?;
                return Err(ApproveError::FingerMismatch);
            }
            format!(
                "contraseña + huella (puntaje {:.3} ≥ {:.3})",
                m.score, m.threshold
            )
        }
    };
    let keys = session.keys();
    let mut open = session.store.open_record(&keys, id)?;
    let status = open.record.status()?;
    if status != BiometricStatus::Capturado {
        return Err(ApproveError::NotCaptured(status.as_str()));
    }
    let mut captures = open.record.captures()?;
    captures.sort_by_key(|c| c.position.code());
    let face = open.record.face()?;
    let own = captures.iter().any(|c| c.officer == me.user())
        || face.as_ref().is_some_and(|f| f.officer == me.user())
        || submitted(&open.record.status_history()?).is_some_and(|s| s.by == me.user());
    if own {
        return Err(ApproveError::OwnCapture);
    }
    let now = enroll::now();
    let mut approval = Approval {
        id: RecordId::generate().to_hex(),
        decision,
        reason: reason.to_owned(),
        supervisor: me.user().to_owned(),
        signed_at: now.clone(),
        capture_digest: huella_sync::record::capture_digest(
            &captures,
            face.as_ref().map(|f| f.image.hash.as_str()),
        ),
        signature: String::new(),
    };
    approval.signature = me.sign(&approval.signed_message(&id)).to_hex();
    open.record.add_approval(&approval)?;
    let (status, text) = match decision {
        Decision::Aprobar => (BiometricStatus::Aprobado, "aprobado"),
        Decision::Rechazar => (BiometricStatus::Rechazado, "rechazado"),
        Decision::Recapturar => (BiometricStatus::Pendiente, "recaptura solicitada"),
    };
    open.record.set_status(&StatusChange {
        status,
        at: now,
        by: me.user().to_owned(),
        reason: if reason.is_empty() {
            text.to_owned()
        } else {
            format!("{text}: {reason}")
        },
    })?;
    enroll::save(
        session,
        &mut open,
        AuditAction::Aprobacion,
        &format!("decisión: {}; factores: {factors}", decision.as_str()),
    )?;
    Ok(approval)
}
