//! Which office first delivered each record to this node, and the records of an office.
//! A hub uses it to scope acknowledgement bundles: an exporter gets back the records of its
//! own office (the ones its office can read), not the whole region.
//!
//! The origin is the office of the station that signed the first chunk of the record stored
//! here (see `apply::admit_author`), or, for a record that arrived with no chunk, of the
//! trusted station that first sent it; it is never changed later, and only stations of that
//! office (or its central key) may add chunks to the record afterwards.

use super::{Replica, ReplicaError, keys};
use crate::record::RecordId;

impl Replica {
    /// The office that first delivered record `id` here, if known.
    pub fn origin(&self, id: &RecordId) -> Result<Option<String>, ReplicaError> {
        Ok(self
            .tree()
            .get(keys::origin(id))?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// Notes `office` as the origin of those of `ids` that have none yet (not flushed).
    pub fn note_origin(&self, ids: &[RecordId], office: &str) -> Result<(), ReplicaError> {
        if office.is_empty() || office.contains('\0') {
            return Ok(());
        }
        let mut batch = super::Batch::default();
        let mut any = false;
        for id in ids {
            if self.tree().contains_key(keys::origin(id))? {
                continue;
            }
            batch.insert(keys::origin(id), office.as_bytes());
            batch.insert(keys::office_record(office, id), Vec::new());
            any = true;
        }
        if any {
            self.tree().apply_batch(batch)?;
        }
        Ok(())
    }

    /// Notes `office` as the origin of the records `data` would create here (it carries their
    /// wrapped key, no erasure, and this replica holds no key for them), before `data` is
    /// applied. Noted only after applying, a node stopped in between keeps records without an
    /// origin that no later delivery brings again (a station does not resend what the hub
    /// holds), and a record without an origin takes erasure orders from any office.
    pub fn note_new_origins(
        &self,
        data: &[super::RecordData],
        office: &str,
    ) -> Result<(), ReplicaError> {
        let mut ids = Vec::new();
        for d in data {
            let id = RecordId(d.id);
            if d.wrapped_key.is_some()
                && d.erasure.is_none()
                && !self.tree().contains_key(keys::wrapped(&id))?
            {
                ids.push(id);
            }
        }
        self.note_origin(&ids, office)
    }

    /// The records whose origin is `office`, in id order.
    pub fn office_records(&self, office: &str) -> Result<Vec<RecordId>, ReplicaError> {
        let prefix = keys::office_prefix(office);
        let mut out = Vec::new();
        for k in self.tree().scan_keys(&prefix)? {
            if let Some(id) = keys::id_after(&k, prefix.len()) {
                out.push(id);
            }
        }
        Ok(out)
    }
}
