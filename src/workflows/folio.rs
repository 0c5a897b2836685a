//! Folios: the number printed on every receipt. `<office>-<station>-<seq>`: station names are
//! unique in the office roster, so two stations never hand out the same folio offline.
//!
//! Minimal allocator of the documents branch (the movements branch owns the real one, with a
//! counter kept in the store; this file is replaced by it on merge). Owns the format and the
//! allocation; it must not know what the folio is printed on.

use huella_sync::StoreError;

use crate::workflows::session::Session;

/// Why no folio was allocated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FolioError {
    /// The store could not count.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Formats a folio from its parts.
pub fn format_folio(office: &str, station: &str, seq: u64) -> String {
    format!("{office}-{station}-{seq:06}")
}

/// Allocates the next folio of this station (unique in the office): the counter is the
/// current time in milliseconds, strictly increasing within this process.
pub fn next_folio(session: &Session) -> Result<String, FolioError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST: AtomicU64 = AtomicU64::new(0);
    let station = session.store.station()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let seq = LAST
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(now.max(last + 1))
        })
        .map(|last| now.max(last + 1))
        .unwrap_or(now);
    Ok(format_folio(&station.office, &station.station, seq))
}
