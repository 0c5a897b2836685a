//! What the counter sees at a glance: people per status, the officer's open drafts, the
//! recaptures supervisors asked for, the approval backlog and its age, the last good sync,
//! and everyone pending capture with the days left before restriction, most urgent first.
//!
//! Recaptures are found through `<home>/recapturas` (record ids noted when a supervisor of this
//! station asks for one), so the home never opens every pending record. A recapture asked at
//! another station is not listed on this home; the person's file and the draft still show it.
//!
//! Owns the restriction rule ([`RESTRICTION_DAYS`] from the notification, i.e. the first day
//! the person was pending) and the view models of the home and pending lists. Must not draw;
//! times stay UTC text here and the faces word them (ages, stamps to the minute).

use huella_sync::{BiometricStatus, FingerPosition, RecordError, RecordId, StoreError};

use crate::home::Home;
use crate::workflows::drafts::{self, DraftRow};
use crate::workflows::enroll::requested_fingers;
use crate::workflows::session::Session;
use crate::workflows::{activity, restriction};

pub use crate::workflows::restriction::RESTRICTION_DAYS;

/// Why the overview could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OverviewError {
    /// The store failed.
    #[error(transparent)]
    Store(Box<StoreError>),
    /// A record document is damaged.
    #[error(transparent)]
    Record(#[from] RecordError),
}

impl From<StoreError> for OverviewError {
    fn from(e: StoreError) -> Self {
        OverviewError::Store(Box::new(e))
    }
}

/// People in one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCount {
    /// Status.
    pub status: BiometricStatus,
    /// People in it.
    pub count: usize,
}

/// A recapture a supervisor asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecaptureRow {
    /// The record.
    pub id: RecordId,
    /// Full name.
    pub name: String,
    /// CURP.
    pub curp: String,
    /// Fingers to take again (empty: all fingers and the photo).
    pub fingers: Vec<FingerPosition>,
    /// The supervisor's reason.
    pub reason: String,
    /// Supervisor.
    pub by: String,
    /// When it was asked (UTC).
    pub at: String,
}

/// A person pending capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRow {
    /// The record.
    pub id: RecordId,
    /// Full name.
    pub name: String,
    /// CURP.
    pub curp: String,
    /// Days left of the [`RESTRICTION_DAYS`] after the restriction notice (negative:
    /// overdue, restricted); `None` when the person was never notified (no clock runs).
    pub days_left: Option<i64>,
}

/// The most urgent people pending capture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PendingList {
    /// The most urgent first (at most the limit asked for).
    pub rows: Vec<PendingRow>,
    /// Everyone pending.
    pub total: usize,
}

/// The home screen's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HomeOverview {
    /// People in the store.
    pub people: usize,
    /// People per status, in [`BiometricStatus::ALL`] order.
    pub counts: Vec<StatusCount>,
    /// The officer's open drafts.
    pub drafts: Vec<DraftRow>,
    /// Recaptures asked for, oldest first.
    pub recaptures: Vec<RecaptureRow>,
    /// Captures waiting for a supervisor.
    pub backlog: usize,
    /// When the oldest of them was submitted (UTC).
    pub oldest_waiting: Option<String>,
    /// When the last good sync ended (UTC).
    pub last_sync: Option<String>,
}

fn recaptures_file(home: &Home) -> std::path::PathBuf {
    home.dir().join("recapturas")
}

/// Record ids with a recapture asked at this station (hex, one a line; ids only).
fn noted_recaptures(home: &Home) -> Vec<RecordId> {
    std::fs::read(recaptures_file(home))
        .ok()
        .filter(|b| b.len() <= 1 << 20)
        .and_then(|b| String::from_utf8(b).ok())
        .map(|t| {
            t.lines()
                .filter_map(|l| RecordId::parse(l.trim()))
                .collect()
        })
        .unwrap_or_default()
}

/// Notes that a recapture of `id` was asked, so the home lists it without scanning every
/// pending person; entries no longer waiting are dropped here too.
pub(crate) fn note_recapture(home: &Home, session: &Session, id: RecordId) -> std::io::Result<()> {
    let keys = session.keys();
    let mut ids: Vec<RecordId> = noted_recaptures(home)
        .into_iter()
        .filter(|other| {
            *other != id
                && session
                    .store
                    .open_record(&keys, *other)
                    .ok()
                    .and_then(|o| o.record.status().ok())
                    == Some(BiometricStatus::Pendiente)
        })
        .collect();
    ids.push(id);
    let text: String = ids.iter().map(|i| format!("{}\n", i.to_hex())).collect();
    let path = recaptures_file(home);
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, &path)
}

/// The home figures for the logged-in officer.
pub fn home(home: &Home, session: &Session) -> Result<HomeOverview, OverviewError> {
    let counts = session.store.status_counts()?;
    let keys = session.keys();
    // Only the records noted at decision time are opened: the home screen must not decrypt
    // every pending person of a large office.
    let mut recaptures = Vec::new();
    for id in noted_recaptures(home) {
        let Ok(open) = session.store.open_record(&keys, id) else {
            continue;
        };
        if open.record.status()? != BiometricStatus::Pendiente {
            continue;
        }
        let Some(last) = open.record.status_history()?.pop() else {
            continue;
        };
        if let Some(fingers) = requested_fingers(&last.reason) {
            let i = open.record.identity()?;
            recaptures.push(RecaptureRow {
                id,
                name: i.nombre_completo(),
                curp: i.curp,
                fingers,
                reason: last
                    .reason
                    .split_once(": ")
                    .map(|(_, r)| r.to_owned())
                    .unwrap_or_default(),
                by: last.by,
                at: last.at,
            });
        }
    }
    recaptures.sort_by(|a, b| a.at.cmp(&b.at));
    let waiting = session.store.ids_with_status(BiometricStatus::Capturado)?;
    let mut oldest_waiting: Option<String> = None;
    for id in &waiting {
        let Ok(open) = session.store.open_record(&keys, *id) else {
            continue;
        };
        if let Some(at) = open.record.status_history()?.pop().map(|s| s.at)
            && oldest_waiting.as_ref().is_none_or(|o| at < *o)
        {
            oldest_waiting = Some(at);
        }
    }
    Ok(HomeOverview {
        people: counts.values().sum(),
        counts: BiometricStatus::ALL
            .iter()
            .map(|s| StatusCount {
                status: *s,
                count: counts.get(s).copied().unwrap_or(0),
            })
            .collect(),
        drafts: drafts::open_drafts(home, session),
        recaptures,
        backlog: waiting.len(),
        oldest_waiting,
        last_sync: activity::last_sync(home),
    })
}

/// Everyone pending capture, the most urgent first, the first `limit` kept. The clock is the
/// restriction notice ([`crate::workflows::restriction`]): days left count from the notice
/// date, overdue people (negative) first; people never notified have no clock and come last.
/// Ordering reads only the store's status index (status and notice date, no keys needed);
/// only the `limit` records shown are opened, so the list costs the same with 100 or 100,000
/// people pending.
pub fn pending(session: &Session, limit: usize) -> Result<PendingList, OverviewError> {
    let today = restriction::today();
    let mut queue: Vec<(Option<i64>, RecordId)> = session
        .store
        .status_entries()?
        .into_iter()
        .filter(|e| e.status == BiometricStatus::Pendiente)
        .map(|e| {
            let left = e
                .notice
                .as_deref()
                .and_then(|n| restriction::days_left(n, &today));
            (left, e.id)
        })
        .collect();
    let total = queue.len();
    let urgency = |left: &Option<i64>| left.unwrap_or(i64::MAX);
    queue.sort_by(|a, b| urgency(&a.0).cmp(&urgency(&b.0)).then(a.1.cmp(&b.1)));
    queue.truncate(limit);
    let keys = session.keys();
    let mut rows = Vec::with_capacity(queue.len());
    for (days_left, id) in queue {
        let Ok(open) = session.store.open_record(&keys, id) else {
            continue;
        };
        let i = open.record.identity()?;
        rows.push(PendingRow {
            id,
            name: i.nombre_completo(),
            curp: i.curp,
            days_left,
        });
    }
    rows.sort_by(|a, b| {
        urgency(&a.days_left)
            .cmp(&urgency(&b.days_left))
            .then(a.name.cmp(&b.name))
    });
    Ok(PendingList { rows, total })
}
