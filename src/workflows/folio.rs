//! Folios: the number printed on every receipt (movement, and the documents issued for it).
//!
//! A folio is `<office>-<station>-<seq>` with `seq` a six-digit (or longer) counter kept in
//! the station's own store. The office roster gives every station a distinct name, so two
//! stations of the same office never hand out the same folio, even when they work offline for
//! days; no coordination is needed. The counter is flushed before the folio is returned, so a
//! crash never reuses one. Restoring an older backup onto a station rewinds its counter: a
//! restored station should be re-created under a new station name (as `huella recover`
//! does), never restored under the old one while its later folios are in use.
//!
//! Owns the format and the allocation; it must not know what the folio is printed on.

use huella_sync::StoreError;

use crate::workflows::session::Session;

/// The store sequence the folios count with.
const SEQUENCE: &str = "folio";

/// Why no folio was allocated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FolioError {
    /// The store could not count.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The parts of a folio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolioParts {
    /// Office code.
    pub office: String,
    /// Station name (may itself contain `-`).
    pub station: String,
    /// The station's counter.
    pub seq: u64,
}

/// Formats a folio from its parts.
pub fn format_folio(office: &str, station: &str, seq: u64) -> String {
    format!("{office}-{station}-{seq:06}")
}

/// Splits a folio: the office is before the first `-`, the counter after the last.
pub fn parse_folio(folio: &str) -> Option<FolioParts> {
    let (office, rest) = folio.split_once('-')?;
    let (station, seq) = rest.rsplit_once('-')?;
    if office.is_empty() || station.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(FolioParts {
        office: office.to_owned(),
        station: station.to_owned(),
        seq: seq.parse().ok()?,
    })
}

/// Allocates the next folio of this station (unique in the office).
pub fn next_folio(session: &Session) -> Result<String, FolioError> {
    let station = session.store.station()?;
    let seq = session.store.next_sequence(SEQUENCE)?;
    Ok(format_folio(&station.office, &station.station, seq))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folio_splits_back_into_its_parts_even_with_dashes_in_the_station() {
        let f = format_folio("0901", "VENT-1", 42);
        assert_eq!(f, "0901-VENT-1-000042");
        assert_eq!(
            parse_folio(&f),
            Some(FolioParts {
                office: "0901".into(),
                station: "VENT-1".into(),
                seq: 42
            })
        );
        assert_eq!(parse_folio("0901-VENT"), None);
        assert_eq!(parse_folio("0901-A-12x"), None);
        assert_ne!(format_folio("0901", "A", 1), format_folio("0901", "B", 1));
    }
}
