//! Erasing a person: a signed erasure order that replicates with the next sync and keeps the
//! record from coming back. Owns who may order it (supervisors and administrators).

use huella_sync::{RecordId, StoreError};

use crate::workflows::session::Session;

/// Why an erasure was not ordered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EraseError {
    /// Only supervisors and administrators order erasures.
    #[error("solo un supervisor o administrador puede ordenar un borrado")]
    NotSupervisor,
    /// This station holds no such record (only its office's people can be ordered erased here).
    #[error("no existe el registro {0} en esta estación")]
    Unknown(RecordId),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Erases record `id` with an order signed by the session's officer.
pub fn erase(session: &Session, id: RecordId) -> Result<(), EraseError> {
    if !session.credential.officer.role().can_supervise() {
        return Err(EraseError::NotSupervisor);
    }
    if !session.store.contains(&id)? {
        return Err(EraseError::Unknown(id));
    }
    session
        .store
        .erase_replicated(&session.keys(), &session.credential.officer, id)?;
    Ok(())
}
