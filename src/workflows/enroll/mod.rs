//! The enrollment workflow: consent, ten fingers, face photo, local duplicate search, submit.
//!
//! Every step opens the person's record, changes it, saves it and commits (atomic, flushed,
//! audited) before returning, so the record itself is the draft: after a crash the officer
//! resumes at the first finger not yet captured ([`Draft::next_finger`]). The console calls
//! these functions from its worker thread; nothing here draws or talks to devices.

use huella_keys::BlindTag;
use huella_sync::store::OpenRecord;
use huella_sync::{
    AuditAction, BiometricStatus, BlobKind, Consent, Decision, Face, FingerCapture,
    FingerException, FingerPosition, Identity, PersonRecord, RecordError, RecordId, StatusChange,
    StoreError, Written,
};

use crate::matching::{self, Unusable};
use crate::workflows::indexing;
use crate::workflows::session::Session;
pub use face::{FaceCheck, FaceCheckKind, Thumb, check_face, check_face_gray, decode_gray};
pub use face_detect::{FaceBox, detect_faces};

pub use gallery::{DuplicateHit, OfficeGallery};

mod face;
mod face_detect;
mod gallery;
pub mod officer_finger;
pub mod survival;

/// Version of the privacy notice the console shows.
pub const NOTICE_VERSION: &str = "aviso-privacidad-2026.1";
/// Quality (0–100) at or above which a finger is accepted at once.
pub const QUALITY_THRESHOLD: u8 = 40;
/// Attempts after which the console suggests keeping the best or recording an exception.
pub const MAX_ATTEMPTS: u8 = 3;

/// Why an enrollment step failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnrollError {
    /// The store failed.
    #[error(transparent)]
    Store(Box<StoreError>),
    /// The record document failed.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The person is not waiting for capture.
    #[error("la persona no está pendiente de captura (estado: {0})")]
    NotPending(&'static str),
    /// Capture without consent.
    #[error("falta el consentimiento: sin consentimiento no hay captura")]
    NoConsent,
    /// Submit with fingers missing.
    #[error("faltan {0} dedo(s) por capturar o justificar")]
    Incomplete(usize),
    /// Submit without a photo.
    #[error("falta la fotografía")]
    NoFace,
    /// The image could not be encoded.
    #[error("no se pudo guardar la imagen")]
    Image,
    /// Only a rejected person is reopened.
    #[error("solo se reabre a una persona rechazada (estado: {0})")]
    NotRejected(&'static str),
    /// The acuse could not be issued (nothing was recorded).
    #[error("no se pudo emitir el acuse: {0}")]
    Document(Box<crate::workflows::documents::DocumentError>),
}

impl From<crate::workflows::documents::DocumentError> for EnrollError {
    fn from(e: crate::workflows::documents::DocumentError) -> Self {
        EnrollError::Document(Box::new(e))
    }
}

impl From<StoreError> for EnrollError {
    fn from(e: StoreError) -> Self {
        EnrollError::Store(Box::new(e))
    }
}

/// What has been captured so far in the current round.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The record.
    pub id: RecordId,
    /// Who is being enrolled.
    pub identity: Identity,
    /// Consent, if given.
    pub consent: Option<Consent>,
    /// Captures of this round, by finger (index = ISO code − 1).
    pub fingers: [Option<FingerCapture>; 10],
    /// The face photo of this round.
    pub face: Option<Face>,
    /// Fingers a supervisor asked to take again (empty: a whole round).
    pub recapture: Vec<FingerPosition>,
}

impl Draft {
    /// The first finger with neither a capture nor an exception.
    pub fn next_finger(&self) -> Option<FingerPosition> {
        FingerPosition::ALL
            .into_iter()
            .zip(&self.fingers)
            .find(|(_, c)| c.is_none())
            .map(|(p, _)| p)
    }

    /// Fingers captured or justified.
    pub fn fingers_done(&self) -> usize {
        self.fingers.iter().filter(|c| c.is_some()).count()
    }
}

/// One capture attempt of a finger, as the matcher saw it.
pub struct Attempt {
    /// Which finger.
    pub position: FingerPosition,
    /// 8-bit grey pixels, `width * height`.
    pub pixels: Vec<u8>,
    /// Width.
    pub width: u16,
    /// Height.
    pub height: u16,
    /// Resolution of the scanner.
    pub dpi: u16,
}

/// The outcome of evaluating and saving one attempt.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    /// Quality of this attempt (`None` = unusable, with the reason).
    pub quality: Result<u8, &'static str>,
    /// The best capture kept so far (saved in the record).
    pub best: Option<FingerCapture>,
}

pub(crate) fn now() -> String {
    huella_sync::time::now_utc()
}

pub(crate) fn tags(session: &Session, record: &huella_sync::PersonRecord) -> Vec<BlindTag> {
    indexing::record_tags(session.credential.station.index_key(), record)
}

/// Saves `open` and commits it with one audit entry.
pub(crate) fn save(
    session: &Session,
    open: &mut OpenRecord,
    action: AuditAction,
    detail: &str,
) -> Result<(), EnrollError> {
    let record_tags = tags(session, &open.record);
    let keys = session.keys();
    let mut batch = session.store.batch();
    batch.save_record(&keys, open, record_tags)?;
    batch.audit(action, &[open.id()], detail);
    session
        .store
        .commit(batch, &session.credential.officer, &now())?;
    Ok(())
}

/// Status text of a recapture request; the fingers asked for are listed by ISO code so the
/// draft can reopen at them (no fingers: everything is taken again).
pub fn recapture_label(fingers: &[FingerPosition]) -> String {
    if fingers.is_empty() {
        return RECAPTURE.to_owned();
    }
    let codes: Vec<String> = fingers.iter().map(|f| f.code().to_string()).collect();
    format!("{RECAPTURE} (dedos {})", codes.join(","))
}

/// The fingers a recapture status asks for (`None`: not a recapture; empty: all).
pub fn requested_fingers(status_reason: &str) -> Option<Vec<FingerPosition>> {
    let rest = status_reason.strip_prefix(RECAPTURE)?;
    let Some(list) = rest.strip_prefix(" (dedos ") else {
        return Some(Vec::new());
    };
    let list = list.split(')').next().unwrap_or_default();
    Some(
        list.split(',')
            .filter_map(|n| n.trim().parse::<u8>().ok())
            .filter_map(FingerPosition::from_code)
            .collect(),
    )
}

const RECAPTURE: &str = "recaptura solicitada";
const REOPENED: &str = "reabierto para una nueva captura";

/// The current capture round: captures from `start` on belong to it, and a recapture of some
/// fingers carries the other fingers and the photo over from the previous round.
struct Round {
    /// The deciding recapture or rejection (`None`: first round, everything belongs to it).
    start: Option<Written>,
    requested: Vec<FingerPosition>,
}

impl Round {
    /// The round of `open`: only a verified recapture or rejection starts one (a forged one
    /// must not discard the captures awaiting a decision).
    fn of(session: &Session, open: &OpenRecord) -> Result<Round, EnrollError> {
        let start = session
            .store
            .checked_approvals(open.id(), &open.record)?
            .into_iter()
            .filter(|(a, check)| {
                check.is_valid() && matches!(a.decision, Decision::Recapturar | Decision::Rechazar)
            })
            .filter_map(|(a, _)| open.record.approval_written(&a.id))
            .max();
        let requested = open
            .record
            .status_history()?
            .last()
            .filter(|s| s.status == BiometricStatus::Pendiente)
            .and_then(|s| requested_fingers(&s.reason))
            .unwrap_or_default();
        Ok(Round { start, requested })
    }

    fn partial(&self) -> bool {
        !self.requested.is_empty()
    }

    /// Whether an entry written at `w` was taken in this round. Times are to the second, so
    /// within the decision's second the order the entries were written in decides.
    fn holds(&self, w: Option<Written>) -> bool {
        match (&self.start, w) {
            (None, _) => true,
            (Some(start), Some(w)) => w > *start,
            (Some(_), None) => false,
        }
    }

    fn keeps(&self, record: &PersonRecord, c: &FingerCapture) -> bool {
        self.holds(record.capture_written(c.position))
            || (self.partial() && !self.requested.contains(&c.position))
    }

    fn keeps_face(&self, record: &PersonRecord) -> bool {
        self.holds(record.face_written()) || self.partial()
    }
}

/// Opens (or resumes) the enrollment of `id`; audited as an access.
pub fn load_draft(session: &Session, id: RecordId) -> Result<Draft, EnrollError> {
    let mut open = session.store.open_record(&session.keys(), id)?;
    let status = open.record.status()?;
    if status != BiometricStatus::Pendiente {
        return Err(EnrollError::NotPending(status.as_str()));
    }
    let draft = draft_of(session, &open)?;
    let detail = format!("enrolamiento abierto, dedos {}/10", draft.fingers_done());
    save(session, &mut open, AuditAction::Consulta, &detail)?;
    Ok(draft)
}

/// Reopens a rejected person for a new enrollment round (status back to pending, audited)
/// and returns the empty draft.
pub fn reopen(session: &Session, id: RecordId) -> Result<Draft, EnrollError> {
    let mut open = session.store.open_record(&session.keys(), id)?;
    let status = open.record.status()?;
    if status != BiometricStatus::Rechazado {
        return Err(EnrollError::NotRejected(status.as_str()));
    }
    open.record.set_status(&StatusChange {
        status: BiometricStatus::Pendiente,
        at: now(),
        by: session.credential.officer.user().to_owned(),
        reason: REOPENED.to_owned(),
    })?;
    save(session, &mut open, AuditAction::Captura, REOPENED)?;
    draft_of(session, &open)
}

fn draft_of(session: &Session, open: &OpenRecord) -> Result<Draft, EnrollError> {
    let round = Round::of(session, open)?;
    let mut fingers: [Option<FingerCapture>; 10] = Default::default();
    for c in open.record.captures()? {
        if round.keeps(&open.record, &c)
            && let Some(slot) = fingers.get_mut(usize::from(c.position.code()) - 1)
        {
            *slot = Some(c);
        }
    }
    Ok(Draft {
        id: open.id(),
        identity: open.record.identity()?,
        consent: open.record.consent(),
        fingers,
        face: open
            .record
            .face()?
            .filter(|_| round.keeps_face(&open.record)),
        recapture: round.requested,
    })
}

fn open_pending(session: &Session, id: RecordId) -> Result<OpenRecord, EnrollError> {
    let open = session.store.open_record(&session.keys(), id)?;
    let status = open.record.status()?;
    if status != BiometricStatus::Pendiente {
        return Err(EnrollError::NotPending(status.as_str()));
    }
    Ok(open)
}

fn open_consented(session: &Session, id: RecordId) -> Result<OpenRecord, EnrollError> {
    let open = open_pending(session, id)?;
    if open.record.consent().is_none() {
        return Err(EnrollError::NoConsent);
    }
    Ok(open)
}

/// Records the person's explicit consent to the privacy notice.
pub fn record_consent(session: &Session, id: RecordId) -> Result<Consent, EnrollError> {
    let mut open = open_pending(session, id)?;
    let station = session.store.station()?;
    let consent = Consent {
        aviso_version: NOTICE_VERSION.to_owned(),
        otorgado_en: now(),
        oficial: session.credential.officer.user().to_owned(),
        estacion: station.station,
    };
    open.record.set_consent(&consent)?;
    save(
        session,
        &mut open,
        AuditAction::Captura,
        &format!("consentimiento otorgado, {NOTICE_VERSION}"),
    )?;
    Ok(consent)
}

/// Extracts the template of an attempt: quality and template bytes, or why it is unusable.
pub fn evaluate(a: &Attempt) -> Result<(u8, Vec<u8>), Unusable> {
    let gray =
        matching::raster::Gray::from_u8(usize::from(a.width), usize::from(a.height), &a.pixels)
            .ok_or(Unusable::Undecodable)?;
    let ex = matching::extract_gray(&gray, u32::from(a.dpi.max(250)))?;
    Ok((ex.quality.score, ex.template.encode()))
}

/// Evaluates an attempt and keeps the best capture of the finger in the record (saved and
/// flushed). `attempts` counts this attempt.
pub fn save_attempt(
    session: &Session,
    id: RecordId,
    a: &Attempt,
    attempts: u8,
) -> Result<AttemptOutcome, EnrollError> {
    let mut open = open_consented(session, id)?;
    let round = Round::of(session, &open)?;
    let previous = open.record.captures()?.into_iter().find(|c| {
        c.position == a.position
            && round.holds(open.record.capture_written(c.position))
            && c.exception.is_none()
    });
    let evaluated = evaluate(a);
    let quality = evaluated
        .as_ref()
        .map(|(q, _)| *q)
        .map_err(Unusable::motivo);
    let better = match (&evaluated, &previous) {
        (Ok((q, _)), Some(p)) => *q > p.quality,
        (Ok(_), None) => true,
        (Err(_), _) => false,
    };
    let officer = session.credential.officer.user().to_owned();
    let best = if let (true, Ok((q, template))) = (better, &evaluated) {
        let png = huella_devices::formats::png::encode_gray_png(
            u32::from(a.width),
            u32::from(a.height),
            &a.pixels,
        )
        .map_err(|_| EnrollError::Image)?;
        let capture_at = now();
        let keys = session.keys();
        let mut batch = session.store.batch();
        let t = batch.put_blob(&open, template, BlobKind::FingerTemplate);
        let i = batch.put_blob(&open, &png, BlobKind::FingerImage);
        let capture = FingerCapture {
            position: a.position,
            quality: *q,
            attempts,
            template: Some(t),
            image: Some(i),
            exception: None,
            captured_at: capture_at,
            officer,
        };
        open.record.set_capture(&capture)?;
        let record_tags = tags(session, &open.record);
        batch.save_record(&keys, &mut open, record_tags)?;
        batch.audit(
            AuditAction::Captura,
            &[id],
            &format!(
                "dedo {}, calidad {q}, intento {attempts}",
                a.position.code()
            ),
        );
        session
            .store
            .commit(batch, &session.credential.officer, &now())?;
        Some(capture)
    } else if let Some(mut p) = previous {
        p.attempts = attempts;
        open.record.set_capture(&p)?;
        let detail = format!("dedo {}, intento {attempts} sin mejora", a.position.code());
        save(session, &mut open, AuditAction::Captura, &detail)?;
        Some(p)
    } else {
        let detail = format!(
            "dedo {}, intento {attempts} inutilizable",
            a.position.code()
        );
        save(session, &mut open, AuditAction::Captura, &detail)?;
        None
    };
    Ok(AttemptOutcome { quality, best })
}

/// Records that a finger cannot be captured (a supervisor must approve it).
pub fn save_exception(
    session: &Session,
    id: RecordId,
    position: FingerPosition,
    kind: FingerException,
    reason: &str,
    attempts: u8,
) -> Result<FingerCapture, EnrollError> {
    let mut open = open_consented(session, id)?;
    let capture = FingerCapture {
        position,
        quality: 0,
        attempts,
        template: None,
        image: None,
        exception: Some((kind, reason.trim().to_owned())),
        captured_at: now(),
        officer: session.credential.officer.user().to_owned(),
    };
    open.record.set_capture(&capture)?;
    let detail = format!("dedo {}, excepción {}", position.code(), kind.as_str());
    save(session, &mut open, AuditAction::Captura, &detail)?;
    Ok(capture)
}

/// Saves the checked face photo.
pub fn save_face(
    session: &Session,
    id: RecordId,
    jpeg: &[u8],
    check: &FaceCheck,
) -> Result<Face, EnrollError> {
    let mut open = open_consented(session, id)?;
    let keys = session.keys();
    let mut batch = session.store.batch();
    let blob = batch.put_blob(&open, jpeg, BlobKind::FaceImage);
    let face = Face {
        image: blob,
        quality: check.quality,
        captured_at: now(),
        officer: session.credential.officer.user().to_owned(),
    };
    open.record.set_face(&face)?;
    let record_tags = tags(session, &open.record);
    batch.save_record(&keys, &mut open, record_tags)?;
    batch.audit(
        AuditAction::Captura,
        &[id],
        &format!("fotografía, calidad {}", check.quality),
    );
    session
        .store
        .commit(batch, &session.credential.officer, &now())?;
    Ok(face)
}

/// Submits a complete capture for approval: status `capturado`, with the duplicate hits in
/// the reason. Returns the folio.
pub fn submit(
    session: &Session,
    id: RecordId,
    hits: &[DuplicateHit],
) -> Result<String, EnrollError> {
    let mut open = open_consented(session, id)?;
    let draft = draft_of(session, &open)?;
    let missing = 10 - draft.fingers_done();
    if missing > 0 {
        return Err(EnrollError::Incomplete(missing));
    }
    if draft.face.is_none() {
        return Err(EnrollError::NoFace);
    }
    let reason = if hits.is_empty() {
        "captura completa".to_owned()
    } else {
        let ids: Vec<String> = hits.iter().map(|h| h.id.to_hex()).collect();
        format!("captura completa; posibles duplicados: {}", ids.join(","))
    };
    open.record.set_status(&StatusChange {
        status: BiometricStatus::Capturado,
        at: now(),
        by: session.credential.officer.user().to_owned(),
        reason,
    })?;
    // The acuse goes into the same commit: no submission without its receipt.
    let acuse = crate::workflows::documents::acuse::for_submission(session, &mut open.record)?;
    let detail = format!(
        "enviado a aprobación, duplicados posibles: {}; acuse {}",
        hits.len(),
        acuse.payload.folio
    );
    save(session, &mut open, AuditAction::Captura, &detail)?;
    Ok(folio(id))
}

/// The folio printed on receipts: a short, stable form of the record id.
pub fn folio(id: RecordId) -> String {
    let hex = id.to_hex().to_uppercase();
    format!("F-{}", &hex[..10.min(hex.len())])
}

/// A possible duplicate as the officer sees it before submitting.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateRow {
    /// The match as the 1:N search found it (submitted with the capture).
    pub hit: DuplicateHit,
    /// The other person's full name.
    pub name: String,
    /// The other person's CURP.
    pub curp: String,
}

/// Searches the office for people whose fingers match `id`'s captures (1:N at the duplicate
/// FMR). Hits whose record cannot be read here are kept with empty name and CURP, so nothing
/// found is hidden from the supervisor.
pub fn duplicates(
    session: &Session,
    gallery: &mut OfficeGallery,
    id: RecordId,
) -> Result<Vec<DuplicateRow>, EnrollError> {
    let keys = session.keys();
    Ok(gallery
        .search(session, id)?
        .into_iter()
        .map(|hit| {
            let identity = session
                .store
                .open_record(&keys, hit.id)
                .ok()
                .and_then(|o| o.record.identity().ok());
            DuplicateRow {
                name: identity
                    .as_ref()
                    .map(Identity::nombre_completo)
                    .unwrap_or_default(),
                curp: identity.map(|i| i.curp).unwrap_or_default(),
                hit,
            }
        })
        .collect())
}
