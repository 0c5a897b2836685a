//! Staff attendance (purpose-limited): staff enrollment with a purpose notice, clocking in and
//! out by a 1:N identification over staff only, justifications decided by another
//! supervisor, and the month report.
//!
//! Staff data lives in staff attendance documents (`huella_sync::STAFF_KIND`): one Automerge
//! document per staff member in the station's replica, its data key wrapped to the same
//! recipients as a person's (station, office, regional, central), so it syncs to the office
//! like records and its templates are sealed like enrollment templates. Purpose limitation is
//! structural: staff documents are found only through their own blind tag ([`kind_tag`]),
//! have no biometric status (so the enrollment gallery, loaded from the status index, never
//! sees them) and their templates sit under a key enrollment never reads; the
//! [`gallery::StaffGallery`] reads only staff documents and refuses anything else.
//!
//! Owns the attendance rules and their audit entries. Must not print, draw or talk to
//! devices; times arrive as UTC plus the station's offset from the caller.

pub mod clock;
pub mod config;
pub mod gallery;
pub mod justify;
pub mod report;
pub mod staff;

use huella_keys::{BlindTag, IndexKey, Role};
use huella_sync::store::OpenRecord;
use huella_sync::{AuditAction, PersonRecord, RecordError, RecordId, StoreError};

use crate::workflows::session::Session;

/// Version of the attendance purpose notice read to staff before their fingers are taken.
pub const STAFF_NOTICE_VERSION: &str = "aviso-asistencia-2026.1";

/// Why an attendance operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AttendanceError {
    /// The store failed.
    #[error(transparent)]
    Store(Box<StoreError>),
    /// A document could not be read or written.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The acting user's role may not do this.
    #[error("la operación requiere el rol de {needed}")]
    Role {
        /// The role needed.
        needed: &'static str,
    },
    /// The staff member did not acknowledge the purpose notice.
    #[error("falta el acuse del aviso de finalidad: sin acuse no se toman huellas")]
    NoNotice,
    /// The user name is not acceptable.
    #[error("nombre de usuario inválido: {0}")]
    BadUser(String),
    /// The user is already enrolled as staff.
    #[error("{0} ya está inscrito en asistencia")]
    AlreadyEnrolled(String),
    /// The user is not enrolled as staff.
    #[error("{0} no está inscrito en asistencia")]
    NotStaff(String),
    /// No usable finger was captured.
    #[error("ninguna huella utilizable: {0}")]
    Unusable(&'static str),
    /// No justification with that folio.
    #[error("no existe la justificación {0}")]
    NoJustification(String),
    /// The justification was already decided.
    #[error("la justificación {0} ya fue decidida")]
    AlreadyDecided(String),
    /// A supervisor tried to decide their own justification.
    #[error("nadie decide su propia justificación: la decide otro supervisor")]
    OwnJustification,
    /// A date, time or month is not in the expected form.
    #[error("fecha u hora inválida: {0}")]
    BadDate(String),
    /// An exit pass needs both times, in order; other kinds take none.
    #[error("el pase de salida lleva --from y --to (HH:MM, la primera antes); falta y retardo no")]
    BadPassTimes,
    /// The reason is empty.
    #[error("falta el motivo")]
    NoReason,
    /// The station configuration file could not be written.
    #[error("no se pudo guardar la configuración de asistencia: {0}")]
    Config(#[source] std::io::Error),
}

impl From<StoreError> for AttendanceError {
    fn from(e: StoreError) -> Self {
        AttendanceError::Store(Box::new(e))
    }
}

/// The blind tag every staff attendance document carries (and no person record does).
pub fn kind_tag(key: &IndexKey) -> BlindTag {
    key.tag("tipo", huella_sync::STAFF_KIND)
}

/// The blind tag of a staff member's user name.
pub fn user_tag(key: &IndexKey, user: &str) -> BlindTag {
    key.tag("usuario_personal", user)
}

/// The blind tags of a staff document (empty for anything else).
pub fn tags_of(key: &IndexKey, record: &PersonRecord) -> Vec<BlindTag> {
    match record.staff_member() {
        Ok(m) => {
            let mut t = vec![kind_tag(key), user_tag(key, &m.user)];
            t.sort();
            t
        }
        Err(_) => Vec::new(),
    }
}

/// Ids of every staff document of the station.
pub fn staff_ids(session: &Session) -> Result<Vec<RecordId>, AttendanceError> {
    Ok(session
        .store
        .find(&kind_tag(session.credential.station.index_key()))?)
}

/// Opens the staff document of `user`.
pub fn open_staff(session: &Session, user: &str) -> Result<OpenRecord, AttendanceError> {
    let key = session.credential.station.index_key();
    let keys = session.keys();
    for id in session.store.find(&user_tag(key, user))? {
        let open = session.store.open_record(&keys, id)?;
        if open.record.is_staff() && open.record.staff_member()?.user == user {
            return Ok(open);
        }
    }
    Err(AttendanceError::NotStaff(user.to_owned()))
}

/// Saves a staff document and commits it with one audit entry (the detail names no more than
/// the user and what happened).
pub(crate) fn save(
    session: &Session,
    open: &mut OpenRecord,
    action: AuditAction,
    detail: &str,
) -> Result<(), AttendanceError> {
    let keys = session.keys();
    let tags = tags_of(session.credential.station.index_key(), &open.record);
    let mut batch = session.store.batch();
    batch.save_record(&keys, open, tags)?;
    batch.audit(action, &[open.id()], detail);
    session
        .store
        .commit(batch, &session.credential.officer, &now())?;
    Ok(())
}

/// Refuses unless the acting user may supervise.
pub(crate) fn need_supervisor(session: &Session) -> Result<(), AttendanceError> {
    if session.credential.officer.role().can_supervise() {
        Ok(())
    } else {
        Err(AttendanceError::Role {
            needed: Role::Supervisor.as_str(),
        })
    }
}

pub(crate) fn now() -> String {
    huella_sync::time::now_utc()
}

/// A short random folio (8 hex characters).
pub(crate) fn folio() -> String {
    let mut b = [0u8; 4];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
    hex::encode(b)
}

/// Local civil date `AAAA-MM-DD` and time `HH:MM` of UTC `unix` seconds at `offset` seconds
/// east of UTC (the workspace's one calendar, `huella_sync::time`).
pub fn local_date_time(unix: i64, offset: i64) -> (String, String) {
    let t = unix + offset;
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = huella_sync::time::civil_from_days(days);
    (
        format!("{y:04}-{m:02}-{d:02}"),
        format!("{:02}:{:02}", secs / 3600, (secs % 3600) / 60),
    )
}

/// Minutes after midnight of `HH:MM`.
pub fn minutes_of(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Days since 1970-01-01 of `AAAA-MM-DD`, if it is a real date.
pub fn days_of(date: &str) -> Option<i64> {
    let b = date.trim();
    if b.len() != 10 || b.as_bytes()[4] != b'-' || b.as_bytes()[7] != b'-' {
        return None;
    }
    let y: i64 = b[0..4].parse().ok()?;
    let m: u32 = b[5..7].parse().ok()?;
    let d: u32 = b[8..10].parse().ok()?;
    let days = huella_sync::time::days_from_civil(y, m, d);
    (huella_sync::time::civil_from_days(days) == (y, m, d)).then_some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_uses_the_offset_and_the_one_calendar() {
        // 2026-12-04T06:30:00Z at UTC−6 is still the 3rd, 00:30.
        assert_eq!(
            local_date_time(1_796_365_800, -6 * 3600),
            ("2026-12-04".to_owned(), "00:30".to_owned())
        );
        assert_eq!(
            local_date_time(1_796_365_800 - 3600, -6 * 3600),
            ("2026-12-03".to_owned(), "23:30".to_owned())
        );
        assert_eq!(minutes_of("08:10"), Some(490));
        assert_eq!(minutes_of("24:00"), None);
        assert_eq!(minutes_of("8:10"), None);
        assert!(days_of("2026-02-29").is_none());
        assert_eq!(days_of("1970-01-02"), Some(1));
    }
}
