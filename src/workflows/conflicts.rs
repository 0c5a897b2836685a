//! The semantic conflicts sync rounds found (two records with one CURP, contradictory
//! statuses) that wait for a supervisor, listed without personal data.
//!
//! Owns the view model of that list; resolving conflicts is not here yet. Must not draw.

use huella_sync::StoreError;

use crate::workflows::session::Session;

/// A conflict as listed (ids and codes only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictRow {
    /// Kind code (`curp_duplicada`, `estado_contradictorio`).
    pub kind: String,
    /// Records involved (hex ids).
    pub records: Vec<String>,
    /// When it was found (UTC).
    pub found_at: String,
    /// Details without personal data.
    pub detail: String,
}

/// The open conflicts.
pub fn open_conflicts(session: &Session) -> Result<Vec<ConflictRow>, StoreError> {
    Ok(huella_sync::conflicts::list(&session.store)?
        .into_iter()
        .map(|c| ConflictRow {
            kind: c.kind.as_str().to_owned(),
            records: c.records,
            found_at: c.found_at,
            detail: c.detail,
        })
        .collect())
}

/// A conflict as the store keeps it (what `sync conflicts --json` prints).
pub use huella_sync::conflicts::Conflict;

/// Why the conflicts were not listed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConflictsError {
    /// Only supervisors and administrators see the conflicts.
    #[error("solo supervisores y administradores ven los conflictos")]
    NotSupervisor,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The open conflicts, for a supervisor or an administrator (the rule lives here, not in
/// the faces).
pub fn for_supervisor(session: &Session) -> Result<Vec<Conflict>, ConflictsError> {
    if !session.credential.officer.role().can_supervise() {
        return Err(ConflictsError::NotSupervisor);
    }
    Ok(huella_sync::conflicts::list(&session.store)?)
}
