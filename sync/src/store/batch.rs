//! Atomic write batches: record chunks, keys, index entries, blobs and audit entries that
//! commit together, then flush.

use huella_keys::{BlindTag, DataKey, OfficerKey};

use super::postings::{self, IndexChange};
use super::{Store, StoreError, StoreKeys, layout, sha256};
use crate::audit::{AuditAction, AuditEntry};
use crate::record::{BlobKind, BlobRef, PersonRecord, RecordId};
use crate::roster::Trust;

/// A record opened for editing, with what the store needs to append to it.
pub struct OpenRecord {
    /// The document.
    pub record: PersonRecord,
    dek: DataKey,
    next_seq: u32,
    chunks: u32,
    tags: Vec<BlindTag>,
    is_new: bool,
}

impl OpenRecord {
    /// A brand-new record with a fresh data key.
    pub fn new(record: PersonRecord) -> Self {
        OpenRecord {
            record,
            dek: DataKey::generate(),
            next_seq: 0,
            chunks: 0,
            tags: Vec::new(),
            is_new: true,
        }
    }

    /// A record received from a peer: its key is known, everything is still to be written.
    pub(crate) fn adopt(record: PersonRecord, dek: DataKey) -> Self {
        OpenRecord {
            record,
            dek,
            next_seq: 0,
            chunks: 0,
            tags: Vec::new(),
            is_new: true,
        }
    }

    pub(crate) fn existing(
        record: PersonRecord,
        dek: DataKey,
        next_seq: u32,
        chunks: u32,
        tags: Vec<BlindTag>,
    ) -> Self {
        OpenRecord {
            record,
            dek,
            next_seq,
            chunks,
            tags,
            is_new: false,
        }
    }

    /// The record id.
    pub fn id(&self) -> RecordId {
        self.record.id()
    }
}

/// The key/value writes of one record, prepared off the batch (e.g. on a worker thread).
#[derive(Debug, Default)]
pub struct PreparedWrite {
    ops: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    index: Vec<IndexChange>,
}

impl PreparedWrite {
    fn insert(&mut self, k: Vec<u8>, v: Vec<u8>) {
        self.ops.push((k, Some(v)));
    }

    fn remove(&mut self, k: Vec<u8>) {
        self.ops.push((k, None));
    }

    /// Prepares the record's new changes (or its first full save), its status and its blind
    /// tags (`tags` replaces the previous set); compacts when the record has many chunks.
    /// Needs no store access, so many records can be prepared in parallel: the status is
    /// indexed as written, so this is only for records that hold no supervisor decision (an
    /// import's pre-registrations); [`Batch::save_record`] indexes the verified status.
    pub fn of_record(
        keys: &StoreKeys<'_>,
        open: &mut OpenRecord,
        tags: Vec<BlindTag>,
    ) -> Result<Self, StoreError> {
        Self::prepare(keys, open, tags, None)
    }

    fn prepare(
        keys: &StoreKeys<'_>,
        open: &mut OpenRecord,
        tags: Vec<BlindTag>,
        verifier: Option<(&Trust, &str)>,
    ) -> Result<Self, StoreError> {
        let mut w = PreparedWrite::default();
        let id = open.id();
        if open.is_new {
            let wrapped = open.dek.wrap_at(keys.secrets, &keys.recipients)?;
            w.insert(layout::wrapped_key(&id), wrapped.as_bytes().to_vec());
        }
        let compact = open.chunks + 1 > super::COMPACT_AFTER;
        let bytes = if open.is_new || compact {
            open.record.save()
        } else {
            open.record.save_incremental()
        };
        if compact {
            for seq in 0..open.next_seq {
                w.remove(layout::chunk(&id, seq));
            }
            open.chunks = 0;
        }
        if !bytes.is_empty() {
            let key = layout::chunk(&id, open.next_seq);
            let sealed = open.dek.seal(&bytes, &key);
            w.insert(key, sealed);
            open.next_seq = open.next_seq.saturating_add(1);
            open.chunks += 1;
        }
        // Only person records enter the biometric-status index (staff attendance documents
        // have no status, so nothing that lists people by status ever sees them).
        if open.record.kind().is_none() {
            let record_error = |source| StoreError::Record {
                id,
                source: Box::new(source),
            };
            let status = match verifier {
                None => open.record.written_status().map_err(record_error)?,
                Some((trust, station_office)) => {
                    let office = trust
                        .origin_of(&id)
                        .unwrap_or_else(|| station_office.to_owned());
                    trust
                        .verified_status(&office, &id, &open.record)
                        .map_err(record_error)?
                }
            };
            // The status byte, then the notice date's ASCII (if any): `huella status` counts
            // restricted people without opening records.
            let mut status_value = vec![status.to_byte()];
            if let Some(notice) = open.record.biometric_notice() {
                status_value.extend(notice.bytes().take(layout::NOTICE_LEN));
            }
            w.insert(layout::status(&id), status_value);
        }
        if tags != open.tags || open.is_new {
            for old in open.tags.iter().filter(|t| !tags.contains(t)) {
                w.index.push(IndexChange {
                    tag: *old,
                    id,
                    add: false,
                });
            }
            for t in &tags {
                w.index.push(IndexChange {
                    tag: *t,
                    id,
                    add: true,
                });
            }
            let joined: Vec<u8> = tags.iter().flat_map(|t| t.0).collect();
            w.insert(layout::tags(&id), joined);
            open.tags = tags;
        }
        open.is_new = false;
        Ok(w)
    }
}

struct PendingAudit {
    action: AuditAction,
    records: String,
    detail: String,
}

/// Writes that commit atomically, with their audit entries.
pub struct Batch {
    ops: sled::Batch,
    index: Vec<IndexChange>,
    audits: Vec<PendingAudit>,
    records: usize,
    /// The store's trust and its station's office: what a saved record's status is checked
    /// against before it is indexed.
    trust: Trust,
    office: String,
}

impl Batch {
    pub(crate) fn new(trust: Trust, office: String) -> Self {
        Batch {
            ops: sled::Batch::default(),
            index: Vec::new(),
            audits: Vec::new(),
            records: 0,
            trust,
            office,
        }
    }

    /// Removes the record's pending-merge marker in this batch: the merge it stood for
    /// commits with it.
    pub(crate) fn settle_merge(&mut self, id: &RecordId) {
        self.ops.remove(crate::replica::keys::pending(id));
    }

    /// Number of record writes queued.
    pub fn record_count(&self) -> usize {
        self.records
    }

    /// Queues the record's new changes, status and blind tags (see [`PreparedWrite::of_record`]).
    pub fn save_record(
        &mut self,
        keys: &StoreKeys<'_>,
        open: &mut OpenRecord,
        tags: Vec<BlindTag>,
    ) -> Result<(), StoreError> {
        let w = PreparedWrite::prepare(keys, open, tags, Some((&self.trust, &self.office)))?;
        self.push(w);
        Ok(())
    }

    /// Queues writes prepared elsewhere.
    pub fn push(&mut self, w: PreparedWrite) {
        for (k, v) in w.ops {
            match v {
                Some(v) => self.ops.insert(k, v),
                None => self.ops.remove(k),
            }
        }
        self.index.extend(w.index);
        self.records += 1;
    }

    /// Queues a blob of the open record, sealed with its key; returns the reference to put in
    /// the document.
    pub fn put_blob(&mut self, open: &OpenRecord, bytes: &[u8], kind: BlobKind) -> BlobRef {
        let id = open.id();
        // Content-addressed by the hash of the sealed bytes; the seal is bound to the record.
        let sealed = open.dek.seal(bytes, &layout::blob_prefix(&id));
        let hash = sha256(&sealed);
        self.ops.insert(layout::blob(&id, &hash), sealed);
        BlobRef {
            hash: hex::encode(hash),
            size: bytes.len() as u64,
            kind,
        }
    }

    /// Queues an audit entry (signed at commit by the acting officer).
    pub fn audit(&mut self, action: AuditAction, records: &[RecordId], detail: &str) {
        self.audits.push(PendingAudit {
            action,
            records: records
                .iter()
                .map(RecordId::to_hex)
                .collect::<Vec<_>>()
                .join(","),
            detail: detail.to_owned(),
        });
    }
}

impl Store {
    /// Commits `batch` atomically, signing its audit entries as `officer`, and flushes.
    /// When this returns `Ok`, the writes survive a crash or power cut.
    pub fn commit(&self, batch: Batch, officer: &OfficerKey, at: &str) -> Result<(), StoreError> {
        let Batch {
            mut ops,
            index,
            audits,
            ..
        } = batch;
        let station = self.station()?.station;
        // The audit head and the posting lists are read, then rewritten: one writer at a time.
        let guard = self.write_lock();
        postings::queue_changes(self.tree(), &index, &mut ops)?;
        let (mut seq, mut prev) = self.audit_head()?;
        for a in audits {
            seq += 1;
            let e = AuditEntry::sign_next(
                seq, &prev, at, &station, officer, a.action, &a.records, &a.detail,
            );
            let json = serde_json::to_vec(&e).map_err(|e| StoreError::Meta(e.to_string()))?;
            ops.insert(layout::audit(seq), json);
            prev = e.hash;
        }
        ops.insert(
            layout::meta("audit_head"),
            format!("{seq} {prev}").into_bytes(),
        );
        self.tree().apply_batch(ops)?;
        drop(guard);
        // sled's flush and its files' fsyncs; the mark's rename then fsyncs the folder.
        self.flush_files()?;
        // After the flush: the mark outside sled never runs ahead of what sled holds.
        self.confirm(seq, &prev)
    }
}
