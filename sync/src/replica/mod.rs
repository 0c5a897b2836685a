//! The replicated state every node keeps, readable or not: per record a wrapped data key, a
//! set of sealed change chunks (content-addressed), sealed blobs and, once erased, a signed
//! erasure entry. This is a grow-only set per record (plus erasure, which dominates), so any
//! two replicas that exchange their differences end identical, whatever the order.
//!
//! Station and hub share this code over their own sled tree. This module owns the replica
//! key prefixes (see [`keys`]), record digests and bucket digests. It must not decrypt
//! anything, know about officers or talk to the network.

mod apply;
pub mod keys;
mod origin;
pub mod storage;
mod wire;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

pub use apply::{Applied, AuthorStanding, ErasureCheck};
pub use storage::{Batch, ReplicaStorage, ReplicaTree, SledStorage, WriterGuard};
pub use wire::{BlobPart, ChunkAuthor, Erasure, RecordData, RecordHave};

use crate::record::RecordId;

/// Number of buckets the record ids are spread over in a [`Summary`].
pub const BUCKETS: usize = 256;

/// A SHA-256 value.
pub type Hash = [u8; 32];

/// Something in the replicated state that could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplicaError {
    /// sled failed; a full disk is [`ReplicaError::Disk`] instead.
    #[error("error del almacén local: {0}")]
    Sled(sled::Error),
    /// A stored replica entry is damaged.
    #[error("estado de réplica dañado: {0}")]
    Damaged(String),
    /// Making a flush durable failed (full disk, I/O error).
    #[error(transparent)]
    Disk(#[from] crate::disk::DiskError),
    /// The hub's PostgreSQL database failed or refused a statement.
    #[cfg(feature = "postgres")]
    #[error("error de la base PostgreSQL del concentrador: {0}")]
    Postgres(#[from] postgres::Error),
    /// The hub database was migrated by a newer huella than this one.
    #[cfg(feature = "postgres")]
    #[error(
        "la base del concentrador tiene el esquema {found}, más nuevo que el {known} de este programa; actualice huella"
    )]
    SchemaNewer {
        /// Schema version found in the database.
        found: i32,
        /// Newest schema version this program knows.
        known: i32,
    },
}

impl From<sled::Error> for ReplicaError {
    /// A full disk underneath sled is told as such (in Spanish), not as sled's I/O text.
    fn from(e: sled::Error) -> Self {
        // A full disk or an I/O error under sled is told like ours, in Spanish.
        crate::disk::from_sled(e).map_or_else(ReplicaError::Sled, ReplicaError::Disk)
    }
}

/// What a replica knows about one record, kept under `D` + id.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecordMeta {
    /// Digest of the record's replicated state (see [`record_digest`]).
    pub digest: Hash,
    /// Fingerprint of the station's local chunks when they were last exported (stations only).
    pub local_fp: Option<Hash>,
    /// Automerge heads already covered by wire chunks (stations only).
    pub covered: Vec<Hash>,
    /// Whether this station can unwrap the record's key (`None`: not tried yet).
    pub readable: Option<bool>,
}

/// Collection digest: one hash per bucket of record ids, and their root.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Summary {
    /// Hash of all bucket hashes.
    pub root: Hash,
    /// One hash per bucket (`BUCKETS` of them).
    pub buckets: Vec<Hash>,
    /// Records (including erased ones) in the replica.
    pub records: u64,
}

/// The bucket of a record id.
pub fn bucket_of(id: &RecordId) -> u8 {
    id.0[0]
}

/// The digest an erased record has everywhere.
pub fn erased_digest(id: &RecordId) -> Hash {
    Sha256::new()
        .chain_update(b"huella/borrado")
        .chain_update(id.0)
        .finalize()
        .into()
}

/// Digest of a record's state: its sorted chunk hashes and sorted complete blob hashes.
pub fn record_digest(chunks: &[Hash], blobs: &[Hash]) -> Hash {
    let mut c = chunks.to_vec();
    c.sort_unstable();
    let mut b = blobs.to_vec();
    b.sort_unstable();
    let mut h = Sha256::new();
    h.update(b"huella/registro");
    for x in &c {
        h.update(x);
    }
    h.update([0xff]);
    for x in &b {
        h.update(x);
    }
    h.finalize().into()
}

/// The content hash of a sealed wire chunk of record `id`.
pub fn chunk_hash(id: &RecordId, sealed: &[u8]) -> Hash {
    Sha256::new()
        .chain_update(id.0)
        .chain_update(sealed)
        .finalize()
        .into()
}

/// The replicated state of one node over its storage (a sled tree, or PostgreSQL for hubs).
#[derive(Clone)]
pub struct Replica {
    tree: ReplicaTree,
}

impl Replica {
    /// The replica kept in `tree` (the station's record tree, or the hub's tree). Its
    /// [`Replica::flush`] relies on sled's flush only; see [`Replica::durable`].
    pub fn new(tree: sled::Tree) -> Self {
        Replica::on(std::sync::Arc::new(SledStorage::new(tree, None)))
    }

    /// The replica kept in `tree`, whose [`Replica::flush`] also fsyncs the database files
    /// and directory through `disk` (what a node tells a peer is on disk then survives a
    /// power cut).
    pub fn durable(tree: sled::Tree, disk: std::sync::Arc<crate::disk::DiskSync>) -> Self {
        Replica::on(std::sync::Arc::new(SledStorage::new(tree, Some(disk))))
    }

    /// The replica kept in `storage`.
    pub fn on(storage: std::sync::Arc<dyn ReplicaStorage>) -> Self {
        Replica {
            tree: ReplicaTree::new(storage),
        }
    }

    pub(crate) fn tree(&self) -> &ReplicaTree {
        &self.tree
    }

    /// The meta entry of a record, if the replica knows it.
    pub fn meta(&self, id: &RecordId) -> Result<Option<RecordMeta>, ReplicaError> {
        match self.tree.get(keys::meta(id))? {
            None => Ok(None),
            Some(v) => postcard::from_bytes(&v)
                .map(Some)
                .map_err(|e| ReplicaError::Damaged(format!("meta {id}: {e}"))),
        }
    }

    pub(crate) fn put_meta(&self, id: &RecordId, m: &RecordMeta) -> Result<(), ReplicaError> {
        let v = postcard::to_stdvec(m).map_err(|e| ReplicaError::Damaged(e.to_string()))?;
        self.tree.insert(keys::meta(id), v)?;
        Ok(())
    }

    /// Records this station has not marked readable (opaque copies, and any whose merge was
    /// interrupted), in id order.
    pub fn opaque(&self) -> Result<Vec<RecordId>, ReplicaError> {
        let mut out = Vec::new();
        for (k, v) in self.tree.scan_prefix(keys::META)? {
            let m: RecordMeta = postcard::from_bytes(&v)
                .map_err(|e| ReplicaError::Damaged(format!("meta: {e}")))?;
            if m.readable != Some(true)
                && let Some(id) = keys::id_after(&k, keys::META.len())
            {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Hashes of the record's wire chunks.
    pub fn chunk_hashes(&self, id: &RecordId) -> Result<Vec<Hash>, ReplicaError> {
        let mut out = Vec::new();
        for k in self.tree.scan_keys(keys::chunk_prefix(id))? {
            if let Some(h) = keys::hash_after(&k, 17) {
                out.push(h);
            }
        }
        Ok(out)
    }

    /// The record's sealed wire chunks, in hash order.
    pub fn chunks(&self, id: &RecordId) -> Result<Vec<(Hash, Vec<u8>)>, ReplicaError> {
        let mut out = Vec::new();
        for (k, v) in self.tree.scan_prefix(keys::chunk_prefix(id))? {
            if let Some(h) = keys::hash_after(&k, 17) {
                out.push((h, v));
            }
        }
        Ok(out)
    }

    /// Hashes of the record's complete blobs.
    pub fn blob_hashes(&self, id: &RecordId) -> Result<Vec<Hash>, ReplicaError> {
        let mut out = Vec::new();
        for k in self.tree.scan_keys(keys::blob_prefix(id))? {
            if let Some(h) = keys::hash_after(&k, 17) {
                out.push(h);
            }
        }
        Ok(out)
    }

    /// The record's wrapped data key as replicated.
    pub fn wrapped_key(&self, id: &RecordId) -> Result<Option<Vec<u8>>, ReplicaError> {
        self.tree.get(keys::wrapped(id))
    }

    /// The signed erasure entry of a record, if it was erased.
    pub fn erasure(&self, id: &RecordId) -> Result<Option<Erasure>, ReplicaError> {
        match self.tree.get(keys::erasure(id))? {
            None => Ok(None),
            Some(v) => postcard::from_bytes(&v)
                .map(Some)
                .map_err(|e| ReplicaError::Damaged(format!("borrado {id}: {e}"))),
        }
    }

    /// Every erasure entry (the replicated erasure list).
    pub fn erasures(&self) -> Result<Vec<Erasure>, ReplicaError> {
        let mut out = Vec::new();
        for (_, v) in self.tree.scan_prefix(keys::ERASURE)? {
            out.push(postcard::from_bytes(&v).map_err(|e| ReplicaError::Damaged(e.to_string()))?);
        }
        Ok(out)
    }

    /// Recomputes and stores a record's digest; returns it.
    pub(crate) fn refresh_digest(&self, id: &RecordId) -> Result<Option<Hash>, ReplicaError> {
        if !self.tree.contains_key(keys::meta(id))? {
            return Ok(None);
        }
        let digest = if self.tree.contains_key(keys::erasure(id))? {
            erased_digest(id)
        } else {
            record_digest(&self.chunk_hashes(id)?, &self.blob_hashes(id)?)
        };
        let mut m = self.meta(id)?.unwrap_or_default();
        if m.digest != digest {
            m.digest = digest;
            self.put_meta(id, &m)?;
        }
        Ok(Some(digest))
    }

    /// All (record id, digest) pairs, in id order.
    pub fn entries(&self) -> Result<Vec<(RecordId, Hash)>, ReplicaError> {
        self.entries_in(&[])
    }

    /// (record id, digest) pairs of the given buckets (all buckets when empty).
    pub fn entries_in(&self, buckets: &[u8]) -> Result<Vec<(RecordId, Hash)>, ReplicaError> {
        let mut out = Vec::new();
        let mut scan = |prefix: Vec<u8>| -> Result<(), ReplicaError> {
            for (k, v) in self.tree.scan_prefix(prefix)? {
                let Some(id) = keys::id_after(&k, 1) else {
                    continue;
                };
                let m: RecordMeta = postcard::from_bytes(&v)
                    .map_err(|e| ReplicaError::Damaged(format!("meta {id}: {e}")))?;
                out.push((id, m.digest));
            }
            Ok(())
        };
        if buckets.is_empty() {
            scan(keys::META.to_vec())?;
        } else {
            for b in buckets {
                scan([keys::META, &[*b]].concat())?;
            }
        }
        Ok(out)
    }

    /// The collection digest.
    pub fn summary(&self) -> Result<Summary, ReplicaError> {
        let mut hashers: Vec<Sha256> = (0..BUCKETS).map(|_| Sha256::new()).collect();
        let mut records = 0u64;
        for (id, d) in self.entries()? {
            let h = &mut hashers[usize::from(bucket_of(&id))];
            h.update(id.0);
            h.update(d);
            records += 1;
        }
        let buckets: Vec<Hash> = hashers.into_iter().map(|h| h.finalize().into()).collect();
        let mut root = Sha256::new();
        for b in &buckets {
            root.update(b);
        }
        Ok(Summary {
            root: root.finalize().into(),
            buckets,
            records,
        })
    }

    /// What this replica has of record `id`, to offer a peer.
    pub fn have(&self, id: &RecordId) -> Result<RecordHave, ReplicaError> {
        Ok(RecordHave {
            id: id.0,
            erased: self.tree.contains_key(keys::erasure(id))?,
            has_key: self.tree.contains_key(keys::wrapped(id))?,
            chunks: self.chunk_hashes(id)?,
            blobs: self.blob_hashes(id)?,
            partial: self.partial_offsets(id)?,
        })
    }

    fn partial_offsets(&self, id: &RecordId) -> Result<Vec<(Hash, u64)>, ReplicaError> {
        let mut out = Vec::new();
        for (k, n) in self.tree.scan_sizes(keys::partial_prefix(id))? {
            if let Some(h) = keys::hash_after(&k, 17) {
                out.push((h, n));
            }
        }
        Ok(out)
    }

    /// The signing key pinned for `peer` (a hub URL or a peer name), if any.
    pub fn peer_pin(&self, peer: &str) -> Result<Option<[u8; 32]>, ReplicaError> {
        let k = [keys::peer(peer).as_slice(), b"\0pin"].concat();
        Ok(self
            .tree
            .get(k)?
            .and_then(|v| <[u8; 32]>::try_from(v.as_slice()).ok()))
    }

    /// Pins `peer`'s signing key (trust on first use, or set by the operator).
    pub fn set_peer_pin(&self, peer: &str, key: &[u8; 32]) -> Result<(), ReplicaError> {
        let k = [keys::peer(peer).as_slice(), b"\0pin"].concat();
        self.tree.insert(k, key.to_vec())?;
        self.flush()
    }

    /// Refused requests and bundles logged by this node (JSON, no personal data).
    pub fn refusals(&self) -> Result<Vec<serde_json::Value>, ReplicaError> {
        let mut out = Vec::new();
        for (_, v) in self.tree.scan_prefix(keys::REFUSAL)? {
            out.push(serde_json::from_slice(&v).unwrap_or(serde_json::Value::Null));
        }
        Ok(out)
    }

    /// Flushes the replica to disk (and fsyncs it, for a [`Replica::durable`] replica).
    pub fn flush(&self) -> Result<(), ReplicaError> {
        self.tree.flush()
    }
}

#[cfg(test)]
mod tests;
