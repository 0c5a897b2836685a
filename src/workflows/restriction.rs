//! Restriction for missing biometrics: a person notified on a date has
//! [`RESTRICTION_DAYS`] calendar days to enroll; past them their procedures are restricted
//! ("restringido") until a supervisor approves their biometrics, which lifts it by itself.
//!
//! Restriction is *derived*, never stored: the record keeps the notice date (one
//! last-writer-wins field that syncs like any other) and its stored biometric status; the
//! effective status is [`effective_status`]`(stored, notice, today)`. Two stations that have
//! synced therefore agree on who is restricted on any given day, with no sweep job to run
//! and no write racing an approval made elsewhere (a stored "restringido" written on one
//! station while another approved would merge to either value). The store's status index
//! carries the notice date, so `huella status` counts restricted people without keys.
//!
//! Owns the 30-day rule, the notice operation and the restriction list. Must not draw.

use std::collections::HashMap;

use huella_sync::{
    AuditAction, BiometricStatus, RecordError, RecordId, StatusEntry, Store, StoreError,
};
use serde::Serialize;

use crate::identifiers::{IdentifierError, parse_date_iso};
use crate::workflows::session::Session;

/// Calendar days a notified person has to enroll before restriction.
pub const RESTRICTION_DAYS: i64 = 30;

/// Why a notice was not recorded or the list not built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RestrictionError {
    /// The date is malformed or does not exist.
    #[error(transparent)]
    Date(#[from] IdentifierError),
    /// The notice date is after today.
    #[error("la fecha del aviso ({0}) es posterior a hoy")]
    FutureNotice(String),
    /// The person's biometrics are already approved: there is nothing to notify.
    #[error("la persona ya tiene biometría aprobada (estado: {0}): no requiere aviso")]
    AlreadyApproved(&'static str),
    /// The store failed.
    #[error(transparent)]
    Store(Box<StoreError>),
    /// A record document is damaged.
    #[error(transparent)]
    Record(#[from] RecordError),
}

impl From<StoreError> for RestrictionError {
    fn from(e: StoreError) -> Self {
        RestrictionError::Store(Box::new(e))
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    huella_sync::time::now_utc().chars().take(10).collect()
}

/// Whether a stored status can become restricted (no approved biometrics yet).
pub fn restrictable(stored: BiometricStatus) -> bool {
    matches!(
        stored,
        BiometricStatus::Pendiente | BiometricStatus::Capturado | BiometricStatus::Rechazado
    )
}

/// Calendar days from `from` to `to` (both `YYYY-MM-DD`).
fn days(from: &str, to: &str) -> Option<i64> {
    huella_sync::time::days_between(&format!("{from}T00:00:00Z"), &format!("{to}T00:00:00Z"))
}

/// Days left before restriction for a notice on `notice`, seen on `today` (negative once
/// restricted: day 0 is the last day to enroll).
pub fn days_left(notice: &str, today: &str) -> Option<i64> {
    Some(RESTRICTION_DAYS - days(notice, today)?)
}

/// The last day to enroll for a notice on `notice`.
pub fn deadline(notice: &str) -> Option<String> {
    let secs = huella_sync::time::parse_utc(&format!("{notice}T00:00:00Z"))?;
    let d = secs + u64::try_from(RESTRICTION_DAYS).ok()? * 86_400;
    Some(huella_sync::time::format_utc(d).chars().take(10).collect())
}

/// The status a person has on `today`: restricted when notified more than
/// [`RESTRICTION_DAYS`] ago without approved biometrics, else the stored one.
pub fn effective_status(
    stored: BiometricStatus,
    notice: Option<&str>,
    today: &str,
) -> BiometricStatus {
    match notice.and_then(|n| days_left(n, today)) {
        Some(left) if left < 0 && restrictable(stored) => BiometricStatus::Restringido,
        _ => stored,
    }
}

/// The effective status of a record today.
pub fn status_of(record: &huella_sync::PersonRecord) -> Result<BiometricStatus, RecordError> {
    Ok(effective_status(
        record.status()?,
        record.biometric_notice().as_deref(),
        &today(),
    ))
}

/// People per effective status today, from the status index (no record is opened).
pub fn effective_counts(store: &Store) -> Result<HashMap<BiometricStatus, usize>, StoreError> {
    let today = today();
    let mut out = HashMap::new();
    for StatusEntry { status, notice, .. } in store.status_entries()? {
        *out.entry(effective_status(status, notice.as_deref(), &today))
            .or_insert(0) += 1;
    }
    Ok(out)
}

/// The office's restriction countdown, from the status index (no record is opened).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Countdown {
    /// People restricted today.
    pub restricted: usize,
    /// Notified people still within their days.
    pub running: usize,
    /// Fewest days left among them.
    pub next_days_left: Option<i64>,
}

/// The restriction countdown today.
pub fn countdown(store: &Store) -> Result<Countdown, StoreError> {
    let today = today();
    let mut c = Countdown::default();
    for e in store.status_entries()? {
        let Some(left) = e.notice.as_deref().and_then(|n| days_left(n, &today)) else {
            continue;
        };
        if !restrictable(e.status) {
            continue;
        }
        if left < 0 {
            c.restricted += 1;
        } else {
            c.running += 1;
            c.next_days_left = Some(c.next_days_left.map_or(left, |d| d.min(left)));
        }
    }
    Ok(c)
}

/// A recorded notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The record.
    pub id: RecordId,
    /// Notice date.
    pub date: String,
    /// Last day to enroll.
    pub deadline: String,
    /// Days left today (negative: restricted).
    pub days_left: i64,
}

/// Records that person `id` was notified of missing biometrics on `date`.
pub fn notify(session: &Session, id: RecordId, date: &str) -> Result<Notice, RestrictionError> {
    let date = date.trim();
    parse_date_iso(date)?;
    let today = today();
    if date > today.as_str() {
        return Err(RestrictionError::FutureNotice(date.to_owned()));
    }
    let keys = session.keys();
    let mut open = session.store.open_record(&keys, id)?;
    let stored = open.record.status()?;
    if !restrictable(stored) {
        return Err(RestrictionError::AlreadyApproved(stored.as_str()));
    }
    open.record.set_biometric_notice(date)?;
    // The whole record's tags: former CURPs and open ARCO requests stay indexed.
    let tags = crate::workflows::indexing::record_tags(
        session.credential.station.index_key(),
        &open.record,
    );
    let mut batch = session.store.batch();
    batch.save_record(&keys, &mut open, tags)?;
    batch.audit(
        AuditAction::RegistroModificado,
        &[id],
        &format!("aviso de falta de biometría del {date}"),
    );
    session.commit(batch)?;
    Ok(Notice {
        id,
        date: date.to_owned(),
        deadline: deadline(date).unwrap_or_default(),
        days_left: days_left(date, &today).unwrap_or(RESTRICTION_DAYS),
    })
}

/// One notified person without approved biometrics; serialised, a line of
/// `restriction list --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestrictionRow {
    /// Record id.
    pub id: String,
    /// CURP.
    pub curp: String,
    /// Full name.
    pub nombre: String,
    /// Notice date.
    pub fecha_aviso: String,
    /// Last day to enroll.
    pub fecha_limite: String,
    /// Days left (negative once restricted).
    pub dias_restantes: i64,
    /// Effective status (`restringido` once past the deadline).
    pub estado: String,
}

/// Everyone notified and not yet approved, most urgent first (fewest days left, then name).
/// Opens only the notified records; the read is audited as one consultation.
pub fn list(session: &Session) -> Result<Vec<RestrictionRow>, RestrictionError> {
    let today = today();
    let keys = session.keys();
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    for e in session.store.status_entries()? {
        let Some(notice) = e.notice.as_deref() else {
            continue;
        };
        if !restrictable(e.status) {
            continue;
        }
        let Ok(open) = session.store.open_record(&keys, e.id) else {
            continue;
        };
        let i = open.record.identity()?;
        let left = days_left(notice, &today).unwrap_or(RESTRICTION_DAYS);
        rows.push(RestrictionRow {
            id: e.id.to_hex(),
            curp: i.curp.clone(),
            nombre: i.nombre_completo(),
            fecha_aviso: notice.to_owned(),
            fecha_limite: deadline(notice).unwrap_or_default(),
            dias_restantes: left,
            estado: effective_status(e.status, Some(notice), &today)
                .as_str()
                .to_owned(),
        });
        ids.push(e.id);
    }
    rows.sort_by(|a, b| {
        a.dias_restantes
            .cmp(&b.dias_restantes)
            .then(a.nombre.cmp(&b.nombre))
    });
    if !ids.is_empty() {
        let mut batch = session.store.batch();
        batch.audit(
            AuditAction::Consulta,
            &ids,
            &format!("lista de restricción, {} personas", ids.len()),
        );
        session.commit(batch)?;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_calendar_days_then_restricted_until_approved() {
        let p = BiometricStatus::Pendiente;
        assert_eq!(days_left("2026-01-01", "2026-01-31"), Some(0));
        assert_eq!(
            effective_status(p, Some("2026-01-01"), "2026-01-31"),
            BiometricStatus::Pendiente
        );
        assert_eq!(
            effective_status(p, Some("2026-01-01"), "2026-02-01"),
            BiometricStatus::Restringido
        );
        assert_eq!(
            effective_status(BiometricStatus::Capturado, Some("2026-01-01"), "2026-03-01"),
            BiometricStatus::Restringido
        );
        assert_eq!(
            effective_status(BiometricStatus::Aprobado, Some("2026-01-01"), "2026-03-01"),
            BiometricStatus::Aprobado
        );
        assert_eq!(effective_status(p, None, "2030-01-01"), p);
        assert_eq!(deadline("2026-02-10").as_deref(), Some("2026-03-12"));
    }
}
