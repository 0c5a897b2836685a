//! The station side of replication: turning local edits into sealed wire chunks, and merging
//! received wire chunks into the station's readable records (or keeping them as an opaque
//! relay copy when the station is not a recipient).
//!
//! This module must not decide whom to sync with, nor print; the caller supplies an
//! [`Indexer`] (blind tags are the console's business) and the officer who signs the audit.

use automerge::ChangeHash;
use huella_keys::{BlindTag, DataKey, OfficerKey};
use sha2::{Digest as _, Sha256};

use super::{OpenRecord, Store, StoreError, StoreKeys, layout};
use crate::audit::AuditAction;
use crate::record::{PersonRecord, RecordId};
use crate::replica::{Erasure, Hash, Replica, keys as rkeys, record_digest};

/// Context bound into every sealed wire chunk of a record.
pub(crate) fn chunk_context(id: &RecordId) -> Vec<u8> {
    [b"huella/sync/v1/fragmento".as_slice(), &id.0].concat()
}

/// Computes a record's blind tags (and its CURP tag, for duplicate detection).
pub trait Indexer {
    /// All tags of the record.
    fn tags(&self, record: &PersonRecord) -> Vec<BlindTag>;
    /// The tag of its CURP, if it has one.
    fn curp_tag(&self, record: &PersonRecord) -> Option<BlindTag>;
}

/// What merging received data into readable records did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Materialized {
    /// Records that existed here and changed.
    pub merged: Vec<RecordId>,
    /// Records new to this station.
    pub created: Vec<RecordId>,
    /// Records erased here.
    pub erased: Vec<RecordId>,
    /// Records kept only as an opaque (relay) copy.
    pub opaque: usize,
    /// Records whose data could not be opened (reason, no personal data).
    pub damaged: Vec<(RecordId, String)>,
}

/// Fewest records given to one export worker (below this, threads cost more than they save).
const EXPORT_SHARE: usize = 64;

/// Store meta key: the newest office key generation opaque records were retried with.
const REOPENED: &str = "generacion_oficina_probada";

/// Records merged per commit (one audit entry each).
const COMMIT_EVERY: usize = 256;

impl Store {
    /// The replicated state kept in this store's tree.
    pub fn replica(&self) -> Replica {
        Replica::durable(self.tree().clone(), self.disk())
    }

    /// The office that owns record `id`: the one that first delivered it here, else this
    /// station's.
    pub fn owning_office(&self, id: &RecordId) -> Result<String, StoreError> {
        match self.replica().origin(id).map_err(rep)? {
            Some(office) => Ok(office),
            None => Ok(self.station()?.office),
        }
    }

    /// The biometric status of `record` as its verified supervisor decisions give it (see
    /// [`crate::roster::Trust::verified_status`]): what every reader of a status shows.
    pub fn verified_status(
        &self,
        id: RecordId,
        record: &PersonRecord,
    ) -> Result<crate::record::BiometricStatus, StoreError> {
        let record_error = |source| StoreError::Record {
            id,
            source: Box::new(source),
        };
        // Only statuses given by signed orders need the check (and the rosters read for it).
        let written = record.written_status().map_err(record_error)?;
        if !crate::roster::needs_check(written) {
            return Ok(written);
        }
        let office = self.owning_office(&id)?;
        crate::roster::Trust::new(self.replica())
            .verified_status(&office, &id, record)
            .map_err(record_error)
    }

    /// `record`'s status history, oldest first, each entry with whether it counts (an
    /// `aprobado` or `rechazado` no verified decision backs does not).
    pub fn checked_status_history(
        &self,
        id: RecordId,
        record: &PersonRecord,
    ) -> Result<Vec<(crate::record::StatusChange, bool)>, StoreError> {
        let office = self.owning_office(&id)?;
        crate::roster::Trust::new(self.replica())
            .checked_status_history(&office, &id, record)
            .map_err(|source| StoreError::Record {
                id,
                source: Box::new(source),
            })
    }

    /// Every worker movement of `record`, oldest first, with its check and whether it counts.
    pub fn checked_movements(
        &self,
        id: RecordId,
        record: &PersonRecord,
    ) -> Result<Vec<crate::roster::CheckedOrder<crate::record::Movement>>, StoreError> {
        let office = self.owning_office(&id)?;
        crate::roster::Trust::new(self.replica())
            .checked_movements(&office, &id, record)
            .map_err(|source| StoreError::Record {
                id,
                source: Box::new(source),
            })
    }

    /// Every supervisor decision on `record`'s captures, oldest first, with its check.
    pub fn checked_approvals(
        &self,
        id: RecordId,
        record: &PersonRecord,
    ) -> Result<Vec<(crate::record::Approval, crate::roster::DecisionCheck)>, StoreError> {
        let office = self.owning_office(&id)?;
        crate::roster::Trust::new(self.replica())
            .checked_approvals(&office, &id, record)
            .map_err(|source| StoreError::Record {
                id,
                source: Box::new(source),
            })
    }

    /// The justifications of staff document `id`, each with only a decision that verifies.
    pub fn checked_justifications(
        &self,
        id: RecordId,
        record: &PersonRecord,
    ) -> Result<Vec<crate::roster::CheckedJustification>, StoreError> {
        let office = self.owning_office(&id)?;
        crate::roster::Trust::new(self.replica())
            .checked_justifications(&office, &id, record)
            .map_err(|source| StoreError::Record {
                id,
                source: Box::new(source),
            })
    }

    fn local_fingerprint(&self, id: &RecordId) -> Result<Hash, StoreError> {
        let mut h = Sha256::new();
        for kv in self.tree().scan_prefix(layout::chunk_prefix(id)) {
            let (k, v) = kv?;
            h.update(&k);
            h.update(&v[..v.len().min(1 + 24)]);
        }
        for kv in self.tree().scan_prefix(layout::blob_prefix(id)) {
            let (k, _) = kv?;
            h.update(&k);
        }
        Ok(h.finalize().into())
    }

    fn load_local(&self, dek: &DataKey, id: RecordId) -> Result<PersonRecord, StoreError> {
        let mut bytes = Vec::new();
        for kv in self.tree().scan_prefix(layout::chunk_prefix(&id)) {
            let (k, v) = kv?;
            let plain = dek.open(&v, &k).map_err(|e| StoreError::Decrypt {
                id,
                reason: e.to_string(),
            })?;
            bytes.extend_from_slice(&plain);
        }
        PersonRecord::load(id, &bytes).map_err(|source| StoreError::Record {
            id,
            source: Box::new(source),
        })
    }

    /// Seals every local change not yet in a wire chunk into a new wire chunk. Cheap when
    /// nothing changed: only sealed-chunk headers are hashed, nothing is decrypted.
    /// Records are independent (one key unwrap and one document load each), so they are
    /// spread over the machine's cores. Returns the number of records with new chunks.
    pub fn export_local(&self, keys: &StoreKeys<'_>) -> Result<usize, StoreError> {
        let ids: Vec<RecordId> = self
            .tree()
            .scan_prefix(b"k")
            .keys()
            .filter_map(|k| k.ok().and_then(|k| layout::id_after(&k, 1)))
            .collect();
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        let n = if workers < 2 || ids.len() < 2 * EXPORT_SHARE {
            self.export_ids(keys, &ids)?
        } else {
            let per = ids.len().div_ceil(workers).max(EXPORT_SHARE);
            std::thread::scope(|s| {
                let parts: Vec<_> = ids
                    .chunks(per)
                    .map(|part| s.spawn(move || self.export_ids(keys, part)))
                    .collect();
                let mut n = 0;
                for p in parts {
                    n += p
                        .join()
                        .map_err(|_| StoreError::Meta("exportación interrumpida".into()))??;
                }
                Ok::<_, StoreError>(n)
            })?
        };
        self.flush()?;
        Ok(n)
    }

    /// Exports the local changes of `ids` (see [`Store::export_local`]); not flushed.
    fn export_ids(&self, keys: &StoreKeys<'_>, ids: &[RecordId]) -> Result<usize, StoreError> {
        let replica = self.replica();
        let mut n = 0;
        for &id in ids {
            let fp = self.local_fingerprint(&id)?;
            let mut meta = replica.meta(&id).map_err(rep)?.unwrap_or_default();
            if meta.local_fp == Some(fp) {
                continue;
            }
            if replica.erasure(&id).map_err(rep)?.is_some() {
                continue;
            }
            let dek = self.data_key(keys, id)?;
            let mut record = self.load_local(&dek, id)?;
            let covered: Vec<ChangeHash> = meta.covered.iter().map(|h| ChangeHash(*h)).collect();
            let doc = record.doc_mut();
            let bytes = if covered.is_empty() {
                doc.save()
            } else {
                doc.save_after(&covered)
            };
            let heads: Vec<Hash> = doc.get_heads().into_iter().map(|h| h.0).collect();
            let mut batch = sled::Batch::default();
            let mut chunks = replica.chunk_hashes(&id).map_err(rep)?;
            if !bytes.is_empty() {
                let sealed = dek.seal(&bytes, &chunk_context(&id));
                let h = crate::replica::chunk_hash(&id, &sealed);
                batch.insert(rkeys::chunk(&id, &h), sealed);
                let author = crate::replica::ChunkAuthor::sign(&id.0, &h, keys.secrets);
                batch.insert(
                    rkeys::author(&id, &h),
                    postcard::to_stdvec(&author).unwrap_or_default(),
                );
                chunks.push(h);
                n += 1;
            }
            if replica.origin(&id).map_err(rep)?.is_none() {
                replica
                    .note_origin(&[id], keys.secrets.office())
                    .map_err(rep)?;
            }
            if replica.wrapped_key(&id).map_err(rep)?.is_none()
                && let Some(w) = self.tree().get(layout::wrapped_key(&id))?
            {
                batch.insert(rkeys::wrapped(&id), w.to_vec());
            }
            meta.digest = record_digest(&chunks, &replica.blob_hashes(&id).map_err(rep)?);
            meta.local_fp = Some(fp);
            meta.covered = heads;
            meta.readable = Some(true);
            batch.insert(
                rkeys::meta(&id),
                postcard::to_stdvec(&meta).unwrap_or_default(),
            );
            self.tree().apply_batch(batch)?;
        }
        Ok(n)
    }

    /// Merges the replicated state of `ids` into this station's readable records, creating
    /// records new here, erasing erased ones; audits as `officer`. Records this station
    /// cannot unwrap stay opaque.
    pub fn materialize(
        &self,
        keys: &StoreKeys<'_>,
        officer: &OfficerKey,
        ids: &[RecordId],
        indexer: &dyn Indexer,
    ) -> Result<Materialized, StoreError> {
        let replica = self.replica();
        let mut out = Materialized::default();
        let mut batch = self.batch();
        let mut pending: Vec<(RecordId, Option<Vec<Hash>>)> = Vec::new();
        // Records whose pending-merge marker goes without a merge commit (nothing to merge
        // here, opaque, damaged, erased): removed after the loop.
        let mut settled: Vec<RecordId> = Vec::new();
        let now = crate::time::now_utc();
        for &id in ids {
            settled.push(id);
            if replica.erasure(&id).map_err(rep)?.is_some() {
                if self.contains(&id)? {
                    self.erase(id)?;
                    out.erased.push(id);
                }
                continue;
            }
            let mut meta = replica.meta(&id).map_err(rep)?.unwrap_or_default();
            if meta.readable == Some(false) {
                out.opaque += 1;
                continue;
            }
            let Some(wrapped) = replica.wrapped_key(&id).map_err(rep)? else {
                continue;
            };
            let dek = match keys.open_key(&huella_keys::WrappedKey::from_bytes(wrapped)) {
                Ok(k) => k,
                Err(_) => {
                    meta.readable = Some(false);
                    replica.put_meta(&id, &meta).map_err(rep)?;
                    out.opaque += 1;
                    continue;
                }
            };
            let mut plains = Vec::new();
            for (_, sealed) in replica.chunks(&id).map_err(rep)? {
                match dek.open(&sealed, &chunk_context(&id)) {
                    Ok(p) => plains.push(p),
                    Err(e) => out.damaged.push((id, format!("fragmento ilegible: {e}"))),
                }
            }
            let exists = self.contains(&id)?;
            let (mut open, before) = if exists {
                let open = self.open_record(keys, id)?;
                let mut open = open;
                let before: Vec<Hash> = open
                    .record
                    .doc_mut()
                    .get_heads()
                    .iter()
                    .map(|h| h.0)
                    .collect();
                (open, Some(before))
            } else {
                let Some(record) = plains.iter().find_map(|p| PersonRecord::load(id, p).ok())
                else {
                    out.damaged
                        .push((id, "falta el documento base del registro".into()));
                    continue;
                };
                (OpenRecord::adopt(record, dek), None)
            };
            let doc = open.record.doc_mut();
            for p in &plains {
                if let Err(e) = doc.load_incremental(p) {
                    out.damaged.push((id, format!("cambios ilegibles: {e}")));
                }
            }
            let after: Vec<Hash> = doc.get_heads().iter().map(|h| h.0).collect();
            if before.as_ref() == Some(&after) {
                continue;
            }
            let tags = indexer.tags(&open.record);
            batch.save_record(keys, &mut open, tags)?;
            batch.settle_merge(&id);
            settled.pop();
            let covered = match &before {
                None => Some(after),
                Some(b) if *b == meta.covered => Some(after),
                Some(_) => None,
            };
            if exists {
                out.merged.push(id);
            } else {
                out.created.push(id);
            }
            pending.push((id, covered));
            if pending.len() >= COMMIT_EVERY {
                self.commit_merged(
                    std::mem::replace(&mut batch, self.batch()),
                    officer,
                    &now,
                    &mut pending,
                )?;
            }
        }
        if !pending.is_empty() {
            self.commit_merged(batch, officer, &now, &mut pending)?;
        }
        if !out.erased.is_empty() {
            let mut b = self.batch();
            b.audit(
                AuditAction::Borrado,
                &out.erased,
                "borrado recibido por sincronización",
            );
            self.commit(b, officer, &now)?;
        }
        if !settled.is_empty() {
            let mut b = sled::Batch::default();
            for id in &settled {
                b.remove(rkeys::pending(id));
            }
            self.tree().apply_batch(b)?;
            self.flush()?;
        }
        Ok(out)
    }

    /// Records whose received data a crash left unmerged (see
    /// [`crate::replica::Replica::apply_for_merge`]).
    pub fn pending_merges(&self) -> Result<Vec<RecordId>, StoreError> {
        self.replica().pending_merges().map_err(rep)
    }

    fn commit_merged(
        &self,
        mut batch: super::Batch,
        officer: &OfficerKey,
        now: &str,
        pending: &mut Vec<(RecordId, Option<Vec<Hash>>)>,
    ) -> Result<(), StoreError> {
        let ids: Vec<RecordId> = pending.iter().map(|(id, _)| *id).collect();
        batch.audit(
            AuditAction::RegistroModificado,
            &ids,
            &format!("sincronización: {} registros combinados", ids.len()),
        );
        self.commit(batch, officer, now)?;
        let replica = self.replica();
        for (id, covered) in pending.drain(..) {
            let mut meta = replica.meta(&id).map_err(rep)?.unwrap_or_default();
            meta.readable = Some(true);
            if let Some(c) = covered {
                meta.covered = c;
                meta.local_fp = Some(self.local_fingerprint(&id)?);
            }
            replica.put_meta(&id, &meta).map_err(rep)?;
        }
        self.flush()
    }

    /// Records kept opaque that a newer office key generation in `keys` may open: when `keys`
    /// holds a newer generation than at the last retry ([`Store::note_reopened`]), their
    /// unreadable mark is cleared and they are returned, to be materialized again (a record
    /// can arrive before the roster that grants its key). `None` when there is nothing new
    /// to try.
    pub fn reopenable(&self, keys: &StoreKeys<'_>) -> Result<Option<Vec<RecordId>>, StoreError> {
        let tried = self
            .tree()
            .get(layout::meta(REOPENED))?
            .and_then(|v| <[u8; 4]>::try_from(v.as_ref()).ok())
            .map_or(0, u32::from_be_bytes);
        if keys.office_generation() <= tried {
            return Ok(None);
        }
        let replica = self.replica();
        let mut ids = Vec::new();
        for id in replica.opaque().map_err(rep)? {
            if self.contains(&id)? || replica.erasure(&id).map_err(rep)?.is_some() {
                continue;
            }
            let mut meta = replica.meta(&id).map_err(rep)?.unwrap_or_default();
            if meta.readable == Some(false) {
                meta.readable = None;
                replica.put_meta(&id, &meta).map_err(rep)?;
            }
            ids.push(id);
        }
        Ok(Some(ids))
    }

    /// Records that the opaque records were retried with the keys of `keys` (call after
    /// merging what [`Store::reopenable`] returned).
    pub fn note_reopened(&self, keys: &StoreKeys<'_>) -> Result<(), StoreError> {
        self.tree().insert(
            layout::meta(REOPENED),
            keys.office_generation().to_be_bytes().to_vec(),
        )?;
        self.flush()
    }

    /// Erases a person here and records the signed erasure order so it replicates: the
    /// person's key, chunks, blobs and index entries are destroyed everywhere it arrives, and
    /// later copies of the record are refused.
    pub fn erase_replicated(
        &self,
        keys: &StoreKeys<'_>,
        officer: &OfficerKey,
        id: RecordId,
    ) -> Result<Erasure, StoreError> {
        let station = self.station()?;
        // The station's signed officer list travels with the order so every receiver can
        // check the officer's role (an office administrator needs none).
        let officers = crate::roster::Trust::new(self.replica())
            .signed_officer_list(&station.office, &station.station)
            .map_err(|e| StoreError::Meta(e.to_string()))?
            .map(|s| s.to_bytes())
            .unwrap_or_default();
        let e = Erasure::order(
            id.0,
            &crate::time::now_utc(),
            &station.office,
            keys.secrets,
            officer,
            officers,
        );
        self.erase(id)?;
        self.replica().erase_replica(&id, &e, false).map_err(rep)?;
        let mut b = self.batch();
        b.audit(AuditAction::Borrado, &[id], "borrado con orden firmada");
        self.commit(b, officer, &e.ordered_at)?;
        Ok(e)
    }
}

fn rep(e: crate::replica::ReplicaError) -> StoreError {
    StoreError::Meta(e.to_string())
}
