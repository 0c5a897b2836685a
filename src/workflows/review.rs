//! The supervisor's side of enrollment: the queue of captures waiting for approval, the
//! evidence of one capture, and the signed decision (approve, reject, ask for recapture).
//!
//! A decision needs the supervisor's passphrase again (re-authentication) and, unless the
//! station policy ([`crate::workflows::policy`]) allows passphrase-only approvals, the
//! supervisor's own finger; it is signed with the supervisor's own key over
//! [`Approval::signed_message`], refused on the supervisor's own capture, and committed with an
//! audit entry naming the factors used. The console and `huella review` both call [`decide`].
//! Nothing here draws or holds user-facing text beyond the audit trail.

use huella_keys::{Credential, Passphrase};
use huella_sync::{
    Approval, AuditAction, BiometricStatus, Decision, Face, FingerCapture, FingerPosition,
    Identity, RecordError, RecordId, Signer, StatusChange, StoreError,
};

use crate::home::Home;
use crate::workflows::enroll::{self, EnrollError, Thumb};
use crate::workflows::policy::StationPolicy;
use crate::workflows::session::Session;

/// Why a review operation (queue, evidence, decision) was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReviewError {
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
    /// No live finger, and the station policy requires it for decisions.
    #[error(
        "esta estación exige la huella del supervisor para decidir: conecte el lector (o un administrador cambia la política)"
    )]
    FingerRequired,
    /// A recapture named a finger twice or none of the ten.
    #[error("dedos de recaptura inválidos")]
    RecaptureFingers,
}

/// A supervisor's decision as a face collects it.
pub struct DecisionRequest<'a> {
    /// The capture decided on.
    pub id: RecordId,
    /// Approve, reject or ask for recapture.
    pub decision: Decision,
    /// Why (required for reject and recapture; shown in the person's history).
    pub reason: &'a str,
    /// The supervisor's passphrase, typed again.
    pub passphrase: &'a Passphrase,
    /// The supervisor's live finger, when the station has a scanner.
    pub finger: Option<&'a enroll::Attempt>,
    /// For a recapture: the fingers to take again (empty: every finger and the photo).
    pub recapture: &'a [FingerPosition],
}

/// Which factors re-authenticated a decision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Factors {
    /// Passphrase only, as the station policy allows.
    Passphrase,
    /// Passphrase and the supervisor's finger matched 1:1.
    PassphraseAndFinger {
        /// Matcher score.
        score: f32,
        /// Threshold at the re-authentication FMR.
        threshold: f32,
    },
}

impl Factors {
    /// The audit trail's wording of the factors.
    fn audit_text(self) -> String {
        match self {
            Factors::Passphrase => {
                "contraseña (sin lector de huellas; permitido por la política de la estación)"
                    .to_owned()
            }
            Factors::PassphraseAndFinger { score, threshold } => {
                format!("contraseña + huella (puntaje {score:.3} ≥ {threshold:.3})")
            }
        }
    }
}

/// A recorded decision.
#[derive(Debug, Clone)]
pub struct DecisionOutcome {
    /// The signed approval stored in the record.
    pub approval: Approval,
    /// The factors that re-authenticated it.
    pub factors: Factors,
    /// The receipt folio of the record.
    pub folio: String,
}

impl From<StoreError> for ReviewError {
    fn from(e: StoreError) -> Self {
        ReviewError::Store(Box::new(e))
    }
}

impl From<EnrollError> for ReviewError {
    fn from(e: EnrollError) -> Self {
        ReviewError::Save(Box::new(e))
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

/// One finger as the supervisor sees it.
#[derive(Debug, Clone)]
pub struct FingerEvidence {
    /// The capture (or exception).
    pub capture: FingerCapture,
    /// Its preview.
    pub thumb: Thumb,
}

/// The photo as the supervisor sees it.
#[derive(Debug, Clone)]
pub struct FaceEvidence {
    /// The photo's record entry.
    pub face: Face,
    /// Its preview.
    pub thumb: Thumb,
}

/// Another person flagged as a possible duplicate at submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicatePerson {
    /// The other record.
    pub id: RecordId,
    /// Full name.
    pub name: String,
    /// CURP.
    pub curp: String,
}

/// Everything a supervisor reviews for one capture.
#[derive(Debug, Clone)]
pub struct Review {
    /// The record.
    pub id: RecordId,
    /// Who.
    pub identity: Identity,
    /// The captures in ISO order.
    pub fingers: Vec<FingerEvidence>,
    /// The face and its preview.
    pub face: Option<FaceEvidence>,
    /// Possible duplicates flagged at submit.
    pub duplicates: Vec<DuplicatePerson>,
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
pub fn queue(session: &Session) -> Result<Vec<QueueItem>, ReviewError> {
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
pub fn evidence(session: &Session, id: RecordId) -> Result<Review, ReviewError> {
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
        fingers.push(FingerEvidence { capture: c, thumb });
    }
    fingers.sort_by_key(|f| f.capture.position.code());
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
            Some(FaceEvidence { face: f, thumb })
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
            duplicates.push(DuplicatePerson {
                id: other,
                name: i.nombre_completo(),
                curp: i.curp,
            });
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

/// Records a supervisor's signed decision after re-authentication: the passphrase again and
/// the supervisor's finger matched 1:1 against the reference sealed in their credential at
/// FMR 1/10,000, or the passphrase alone where the station policy allows it. The audit entry
/// names the factors used.
pub fn decide(
    home: &Home,
    session: &Session,
    req: &DecisionRequest<'_>,
) -> Result<DecisionOutcome, ReviewError> {
    let me = &session.credential.officer;
    let id = req.id;
    if !me.role().can_supervise() {
        return Err(ReviewError::NotSupervisor);
    }
    let reason = req.reason.trim();
    if req.decision != Decision::Aprobar && reason.is_empty() {
        return Err(ReviewError::NoReason);
    }
    let fingers = recapture_fingers(req)?;
    let again = Credential::read_file(&home.credential_file(me.user()), req.passphrase, me.user())
        .map_err(|_| ReviewError::Reauth)?;
    if again.officer.public().key.to_hex() != me.public().key.to_hex() {
        return Err(ReviewError::Reauth);
    }
    let factors = match req.finger {
        None if StationPolicy::load(home).approval_without_finger => Factors::Passphrase,
        None => return Err(ReviewError::FingerRequired),
        Some(live) => {
            let reference = again.finger.as_ref().ok_or(ReviewError::NoReference)?;
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
                return Err(ReviewError::FingerMismatch);
            }
            Factors::PassphraseAndFinger {
                score: m.score,
                threshold: m.threshold,
            }
        }
    };
    let keys = session.keys();
    let mut open = session.store.open_record(&keys, id)?;
    let status = open.record.status()?;
    if status != BiometricStatus::Capturado {
        return Err(ReviewError::NotCaptured(status.as_str()));
    }
    let mut captures = open.record.captures()?;
    captures.sort_by_key(|c| c.position.code());
    let face = open.record.face()?;
    let own = captures.iter().any(|c| c.officer == me.user())
        || face.as_ref().is_some_and(|f| f.officer == me.user())
        || submitted(&open.record.status_history()?).is_some_and(|s| s.by == me.user());
    if own {
        return Err(ReviewError::OwnCapture);
    }
    let now = enroll::now();
    let mut approval = Approval {
        id: RecordId::generate().to_hex(),
        decision: req.decision,
        reason: reason.to_owned(),
        supervisor: me.user().to_owned(),
        signed_at: now.clone(),
        capture_digest: huella_sync::record::capture_digest(
            &captures,
            face.as_ref().map(|f| f.image.hash.as_str()),
        ),
        signature: String::new(),
        signer: signer_of(session)?,
    };
    approval.signature = me.sign(&approval.signed_message(&id)).to_hex();
    open.record.add_approval(&approval)?;
    let (status, text) = match req.decision {
        Decision::Aprobar => (BiometricStatus::Aprobado, "aprobado".to_owned()),
        Decision::Rechazar => (BiometricStatus::Rechazado, "rechazado".to_owned()),
        Decision::Recapturar => (
            BiometricStatus::Pendiente,
            enroll::recapture_label(&fingers),
        ),
    };
    open.record.set_status(&StatusChange {
        status,
        at: now,
        by: me.user().to_owned(),
        reason: if reason.is_empty() {
            text
        } else {
            format!("{text}: {reason}")
        },
    })?;
    // An approval gets its acuse in the same commit (rejections and recaptures do not).
    let acuse = match req.decision {
        Decision::Aprobar => Some(
            crate::workflows::documents::acuse::for_approval(session, &mut open.record, &approval)
                .map_err(EnrollError::from)?,
        ),
        _ => None,
    };
    enroll::save(
        session,
        &mut open,
        AuditAction::Aprobacion,
        &format!(
            "decisión: {}; factores: {}{}",
            req.decision.as_str(),
            factors.audit_text(),
            acuse
                .map(|a| format!("; acuse {}", a.payload.folio))
                .unwrap_or_default()
        ),
    )?;
    if req.decision == Decision::Recapturar
        && let Err(e) = crate::workflows::overview::note_recapture(home, session, id)
    {
        tracing::warn!(target: "huella::consola", "recapture not noted for the home: {e}");
    }
    Ok(DecisionOutcome {
        approval,
        factors,
        folio: enroll::folio(id),
    })
}

/// What a decision signed by the session's officer carries so that any station of the office
/// can check the signer's role: their key and this station's signed officer list.
pub fn signer_of(session: &Session) -> Result<Signer, StoreError> {
    let station = session.store.station()?;
    let officers = huella_sync::roster::Trust::new(session.store.replica())
        .signed_officer_list(&station.office, &station.station)
        .map_err(|e| StoreError::Meta(e.to_string()))?
        .map(|s| String::from_utf8_lossy(&s.to_bytes()).into_owned())
        .unwrap_or_default();
    Ok(Signer {
        key: session.credential.officer.public().key.to_hex(),
        officers,
    })
}

/// The fingers a recapture asks for, sorted, each once (empty for other decisions).
fn recapture_fingers(req: &DecisionRequest<'_>) -> Result<Vec<FingerPosition>, ReviewError> {
    if req.decision != Decision::Recapturar {
        return Ok(Vec::new());
    }
    let mut fingers = req.recapture.to_vec();
    fingers.sort_by_key(|f| f.code());
    fingers.dedup();
    if fingers.len() != req.recapture.len() {
        return Err(ReviewError::RecaptureFingers);
    }
    Ok(fingers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recapture_names_its_fingers_in_the_status_and_reads_them_back() {
        let fingers = [FingerPosition::RightMiddle, FingerPosition::LeftThumb];
        let label = enroll::recapture_label(&fingers);
        assert_eq!(label, "recaptura solicitada (dedos 3,6)");
        assert_eq!(
            enroll::requested_fingers(&format!("{label}: dedo movido")),
            Some(fingers.to_vec())
        );
        assert_eq!(
            enroll::requested_fingers("recaptura solicitada: x"),
            Some(vec![])
        );
        assert_eq!(enroll::requested_fingers("rechazado: x"), None);
    }
}
