//! Clocking in and out: a live finger is identified 1:N over the staff gallery only; the
//! first mark of a local day is an entry, the next an exit, and so on alternating. An
//! unidentified finger records nothing in any staff document (only an audit line saying a
//! clocking found no one).

use huella_sync::{AuditAction, ClockMark, MarkKind};

use super::gallery::StaffGallery;
use super::{AttendanceError, local_date_time, now, save};
use crate::matching::Template;
use crate::workflows::enroll::{Attempt, evaluate};
use crate::workflows::session::Session;

/// What a clocking did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clocked {
    /// A mark was recorded.
    Recorded {
        /// The staff member.
        user: String,
        /// Entry or exit.
        kind: MarkKind,
        /// Local `HH:MM`.
        time: String,
        /// Local `AAAA-MM-DD`.
        date: String,
    },
    /// Nobody on the staff has this finger; nothing was recorded.
    NotIdentified,
}

/// Identifies `live` over `gallery` and records the mark at UTC `unix` seconds, local time at
/// `offset` seconds east of UTC (the station's time zone).
pub fn clock(
    session: &Session,
    gallery: &mut StaffGallery,
    live: &Attempt,
    unix: i64,
    offset: i64,
) -> Result<Clocked, AttendanceError> {
    let (_, bytes) = evaluate(live).map_err(|u| AttendanceError::Unusable(u.motivo()))?;
    let template = Template::decode(&bytes).map_err(|_| AttendanceError::Unusable("plantilla"))?;
    let Some(who) = gallery.identify(session, &template)? else {
        let mut batch = session.store.batch();
        batch.audit(
            AuditAction::Verificacion,
            &[],
            "asistencia: huella no identificada; nada registrado",
        );
        session
            .store
            .commit(batch, &session.credential.officer, &now())?;
        return Ok(Clocked::NotIdentified);
    };
    let mut open = session.store.open_record(&session.keys(), who.id)?;
    let member = open.record.staff_member()?;
    let (date, time) = local_date_time(unix, offset);
    let today = open
        .record
        .clock_marks()?
        .iter()
        .filter(|m| m.date == date)
        .count();
    let kind = if today % 2 == 0 {
        MarkKind::Entrada
    } else {
        MarkKind::Salida
    };
    let at = huella_sync::time::format_utc(u64::try_from(unix).unwrap_or(0));
    open.record.add_clock_mark(&ClockMark {
        id: format!("{at}-{}", super::folio()),
        kind,
        at,
        date: date.clone(),
        time: time.clone(),
        station: session.credential.station.station().to_owned(),
        evidence: (who.evidence.max(0.0) * 1000.0).round() as u32,
    })?;
    save(
        session,
        &mut open,
        AuditAction::Verificacion,
        &format!(
            "asistencia: {} de {} a las {time}",
            kind.as_str(),
            member.user
        ),
    )?;
    Ok(Clocked::Recorded {
        user: member.user,
        kind,
        time,
        date,
    })
}

/// The current UTC time in seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}
