//! The one-time re-index of the status index (`s` entries) after an upgrade: stores written
//! before statuses were derived from verified decisions and orders hold each record's status
//! as written, so `huella status`, the approval queue and the restriction countdown could
//! read a forged `aprobado` or `restringido` until the record was saved again.
//!
//! [`Store::reindex_statuses`] opens every record of the index once (the open derives the
//! verified status) and rewrites the entries that differ, then writes a versioned marker
//! (`m` + `indice_estado`). It is crash-safe by order: each rewrite is idempotent and the
//! marker is written (and flushed) only after every entry is, so a run killed in the middle
//! (kill -9, power cut) leaves no marker and the next open runs it again to the end.
//!
//! This module owns that migration. It must not change records or write audit entries (no
//! person's data changes: only the index is brought in line with what readers already see).

use super::{Store, StoreError, StoreKeys, layout};

/// The status index's marker in the store's metadata.
const MARKER: &str = "indice_estado";

/// The version of the status index this build writes: 2, derived from verified decisions
/// and orders (1, or no marker: as written).
pub const STATUS_INDEX_VERSION: u8 = 2;

impl Store {
    /// Whether the status index is of [`STATUS_INDEX_VERSION`] (no re-index needed).
    pub fn status_index_current(&self) -> Result<bool, StoreError> {
        Ok(self
            .tree
            .get(layout::meta(MARKER))?
            .and_then(|v| v.first().copied())
            .is_some_and(|v| v >= STATUS_INDEX_VERSION))
    }

    /// Re-derives the status index from the verified statuses of the records, once per
    /// version (see the module documentation); returns how many entries changed. Records
    /// this station cannot open (another office's, relayed) keep their entry.
    pub fn reindex_statuses(&self, keys: &StoreKeys<'_>) -> Result<usize, StoreError> {
        self.reindex_statuses_until(keys, usize::MAX)
    }

    /// [`Store::reindex_statuses`], stopping without the marker after `limit` rewrites (a
    /// run cut short, as a crash leaves it).
    pub(crate) fn reindex_statuses_until(
        &self,
        keys: &StoreKeys<'_>,
        limit: usize,
    ) -> Result<usize, StoreError> {
        if self.status_index_current()? {
            return Ok(0);
        }
        let mut changed = 0;
        for entry in self.status_entries()? {
            let Ok(open) = self.open_record(keys, entry.id) else {
                continue;
            };
            let Ok(status) = open.record.status() else {
                continue;
            };
            if status == entry.status {
                continue;
            }
            if changed == limit {
                self.flush()?;
                return Ok(changed);
            }
            // Under the write lock, and only if the entry is still the one read: a commit of
            // the same record in between already wrote its verified status. Only the status
            // byte is replaced; the notice date after it is kept.
            let _guard = self.write_lock();
            let key = layout::status(&entry.id);
            if let Some(mut value) = self.tree.get(&key)?.map(|v| v.to_vec())
                && let Some(first) = value.first_mut()
                && *first == entry.status.to_byte()
            {
                *first = status.to_byte();
                self.tree.insert(key, value)?;
                changed += 1;
            }
        }
        self.flush()?;
        self.tree
            .insert(layout::meta(MARKER), &[STATUS_INDEX_VERSION])?;
        self.flush()?;
        Ok(changed)
    }
}
