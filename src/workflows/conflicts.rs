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
