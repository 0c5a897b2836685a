//! The month attendance report, per staff member: days with an entry, late entries against
//! the configured start and tolerance, absences on working days, and which of those an
//! approved justification covers. Days before the staff member was enrolled and days not yet
//! over (today and later) are never absences. Reading it is audited.

use std::collections::BTreeMap;

use huella_sync::{AuditAction, JustificationKind, MarkKind};

use super::config::AttendanceConfig;
use super::{AttendanceError, days_of, minutes_of, need_supervisor, now, staff_ids};
use crate::workflows::session::Session;

/// One staff member's month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffMonth {
    /// User name.
    pub user: String,
    /// Full name.
    pub name: String,
    /// Days with an entry.
    pub days: u32,
    /// Late entries without an approved justification.
    pub late: u32,
    /// Minutes late summed over those.
    pub late_minutes: u32,
    /// Late entries covered by an approved `retardo`.
    pub late_justified: u32,
    /// Working days without an entry and without an approved `falta`.
    pub absences: u32,
    /// Working days without an entry covered by an approved `falta`.
    pub absences_justified: u32,
    /// Approved exit passes.
    pub passes: u32,
}

/// A month `AAAA-MM`: its first day and the first day of the next (days since 1970-01-01).
pub fn month_span(month: &str) -> Option<(i64, i64)> {
    let m = month.trim();
    let first = days_of(&format!("{m}-01"))?;
    let (y, mo) = m.split_once('-')?;
    let (y, mo): (i64, u32) = (y.parse().ok()?, mo.parse().ok()?);
    let (ny, nm) = if mo == 12 { (y + 1, 1) } else { (y, mo + 1) };
    Some((first, huella_sync::time::days_from_civil(ny, nm, 1)))
}

/// ISO weekday (1 = Monday … 7 = Sunday) of a day since 1970-01-01: the workspace's one
/// calendar.
pub use huella_sync::time::weekday;

/// The report of `month` (`AAAA-MM`) with the rules `config`, where `today` is the local
/// day (since 1970-01-01) at the station; supervisors and administrators only. `exported`
/// says the caller writes it to a file (audited as an export, else as a consultation).
pub fn month(
    session: &Session,
    month: &str,
    config: &AttendanceConfig,
    today: i64,
    exported: bool,
) -> Result<Vec<StaffMonth>, AttendanceError> {
    need_supervisor(session)?;
    let (first, next) =
        month_span(month).ok_or_else(|| AttendanceError::BadDate(month.to_owned()))?;
    let keys = session.keys();
    let mut out = Vec::new();
    let mut ids = Vec::new();
    for id in staff_ids(session)? {
        let open = session.store.open_record(&keys, id)?;
        if !open.record.is_staff() {
            continue;
        }
        ids.push(id);
        let member = open.record.staff_member()?;
        let enrolled = member
            .notice_at
            .get(..10)
            .and_then(days_of)
            .unwrap_or(first);
        let mut row = StaffMonth {
            user: member.user.clone(),
            name: member.name.clone(),
            ..StaffMonth::default()
        };
        // First entry of each day of the month.
        let mut entries: BTreeMap<i64, u32> = BTreeMap::new();
        for m in open.record.clock_marks()? {
            let (Some(d), Some(t)) = (days_of(&m.date), minutes_of(&m.time)) else {
                continue;
            };
            if m.kind == MarkKind::Entrada && (first..next).contains(&d) {
                entries.entry(d).or_insert(t);
            }
        }
        // Only approvals whose signature and signer's role verify cover a day.
        let approved: Vec<(JustificationKind, i64)> = session
            .store
            .checked_justifications(open.id(), &open.record)?
            .into_iter()
            .map(|c| c.justification)
            .filter(|j| j.decision.as_ref().is_some_and(|d| d.approved))
            .filter_map(|j| Some((j.kind, days_of(&j.date)?)))
            .filter(|(_, d)| (first..next).contains(d))
            .collect();
        let covered = |kind: JustificationKind, day: i64| approved.contains(&(kind, day));
        let start = config.start_minutes();
        for (&day, &minute) in &entries {
            row.days += 1;
            let late = minute.saturating_sub(start);
            if late > config.tolerancia_minutos {
                if covered(JustificationKind::Retardo, day) {
                    row.late_justified += 1;
                } else {
                    row.late += 1;
                    row.late_minutes += late;
                }
            }
        }
        for day in first.max(enrolled)..next.min(today) {
            if !config.works_on(weekday(day)) || entries.contains_key(&day) {
                continue;
            }
            if covered(JustificationKind::Falta, day) {
                row.absences_justified += 1;
            } else {
                row.absences += 1;
            }
        }
        row.passes = approved
            .iter()
            .filter(|(k, _)| *k == JustificationKind::Pase)
            .count() as u32;
        out.push(row);
    }
    out.sort_by(|a, b| a.user.cmp(&b.user));
    let mut batch = session.store.batch();
    batch.audit(
        if exported {
            AuditAction::Exportacion
        } else {
            AuditAction::Consulta
        },
        &ids,
        &format!(
            "asistencia: reporte de {} ({} persona(s){})",
            month.trim(),
            out.len(),
            if exported { ", archivo CSV" } else { "" }
        ),
    );
    session
        .store
        .commit(batch, &session.credential.officer, &now())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_weekdays_come_from_the_one_calendar() {
        let (a, b) = month_span("2026-12").expect("month");
        assert_eq!(b - a, 31);
        let (a, b) = month_span("2028-02").expect("month");
        assert_eq!(b - a, 29);
        assert!(month_span("2026-13").is_none());
        assert!(month_span("26-12").is_none());
        // 2026-12-04 is a Friday.
        assert_eq!(weekday(days_of("2026-12-04").expect("day")), 5);
        assert_eq!(weekday(0), 4);
    }
}
