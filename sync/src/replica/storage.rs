//! Where a replica keeps its entries: an ordered map of byte keys to byte values with atomic
//! batches, behind [`ReplicaStorage`], so one replica code serves a station's sled tree, a
//! regional hub's sled tree and hubs sharing a PostgreSQL database (`hub::postgres`, cargo
//! feature `postgres`).
//!
//! The key layout (which prefix holds wrapped keys, sealed chunks, blobs, erasure orders,
//! origins, rosters, nonces…) is [`super::keys`]'s; a storage may route prefixes to tables
//! but must not interpret values. Values are ciphertext or signed public data: nothing here
//! decrypts.

use std::sync::Arc;

use super::ReplicaError;

/// One write of a [`Batch`]: a value to put, or `None` to remove the key.
pub type BatchOp = (Vec<u8>, Option<Vec<u8>>);

/// Writes applied together or not at all.
#[derive(Debug, Default, Clone)]
pub struct Batch {
    ops: Vec<BatchOp>,
}

impl Batch {
    /// Puts `value` under `key`.
    pub fn insert(&mut self, key: impl AsRef<[u8]>, value: impl Into<Vec<u8>>) {
        self.ops.push((key.as_ref().to_vec(), Some(value.into())));
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: impl AsRef<[u8]>) {
        self.ops.push((key.as_ref().to_vec(), None));
    }

    /// The writes, in the order given.
    pub fn into_ops(self) -> Vec<BatchOp> {
        self.ops
    }

    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// Held while a relay applies a request, so two hub processes on one database do not
/// interleave the read-then-write of one record's digest; released on drop.
pub struct WriterGuard(Option<Box<dyn FnOnce() + Send>>);

impl WriterGuard {
    /// A guard with nothing to release (one process owns the storage).
    pub fn none() -> Self {
        WriterGuard(None)
    }

    /// A guard that runs `release` when dropped.
    pub fn releasing(release: impl FnOnce() + Send + 'static) -> Self {
        WriterGuard(Some(Box::new(release)))
    }
}

impl Drop for WriterGuard {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

/// Key/value pairs read from the storage, in key order.
pub type KeyValues = Vec<(Vec<u8>, Vec<u8>)>;

/// An ordered byte map with atomic batches: what a replica needs from its storage.
pub trait ReplicaStorage: Send + Sync {
    /// The value under `key`.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ReplicaError>;
    /// Whether `key` is present.
    fn contains_key(&self, key: &[u8]) -> Result<bool, ReplicaError>;
    /// Entries whose key starts with `prefix`, in key order.
    fn scan_prefix(&self, prefix: &[u8]) -> Result<KeyValues, ReplicaError>;
    /// Keys that start with `prefix`, in key order (values are not read).
    fn scan_keys(&self, prefix: &[u8]) -> Result<Vec<Vec<u8>>, ReplicaError>;
    /// Keys that start with `prefix` and the length of their values, in key order.
    fn scan_sizes(&self, prefix: &[u8]) -> Result<Vec<(Vec<u8>, u64)>, ReplicaError>;
    /// Puts `value` under `key` only when the key is absent; false when it was present.
    /// Atomic against every other writer of the storage (the replay check relies on it).
    fn insert_new(&self, key: &[u8], value: &[u8]) -> Result<bool, ReplicaError>;
    /// Applies `batch` atomically.
    fn apply(&self, batch: Batch) -> Result<(), ReplicaError>;
    /// Makes every write so far durable.
    fn flush(&self) -> Result<(), ReplicaError>;
    /// Excludes other writers applying peer data until the guard drops.
    fn writer(&self) -> Result<WriterGuard, ReplicaError> {
        Ok(WriterGuard::none())
    }
}

/// The handle the replica code writes through (keys and values of any byte form).
#[derive(Clone)]
pub struct ReplicaTree(Arc<dyn ReplicaStorage>);

impl ReplicaTree {
    /// A handle on `storage`.
    pub fn new(storage: Arc<dyn ReplicaStorage>) -> Self {
        ReplicaTree(storage)
    }

    /// The value under `key`.
    pub fn get(&self, key: impl AsRef<[u8]>) -> Result<Option<Vec<u8>>, ReplicaError> {
        self.0.get(key.as_ref())
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: impl AsRef<[u8]>) -> Result<bool, ReplicaError> {
        self.0.contains_key(key.as_ref())
    }

    /// Puts `value` under `key`.
    pub fn insert(
        &self,
        key: impl AsRef<[u8]>,
        value: impl Into<Vec<u8>>,
    ) -> Result<(), ReplicaError> {
        let mut b = Batch::default();
        b.insert(key, value);
        self.0.apply(b)
    }

    /// Removes `key`.
    pub fn remove(&self, key: impl AsRef<[u8]>) -> Result<(), ReplicaError> {
        let mut b = Batch::default();
        b.remove(key);
        self.0.apply(b)
    }

    /// Puts `value` under `key` only when absent; false when it was present.
    pub fn insert_new(
        &self,
        key: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
    ) -> Result<bool, ReplicaError> {
        self.0.insert_new(key.as_ref(), value.as_ref())
    }

    /// Entries under `prefix`, in key order.
    pub fn scan_prefix(&self, prefix: impl AsRef<[u8]>) -> Result<KeyValues, ReplicaError> {
        self.0.scan_prefix(prefix.as_ref())
    }

    /// Keys under `prefix`, in key order.
    pub fn scan_keys(&self, prefix: impl AsRef<[u8]>) -> Result<Vec<Vec<u8>>, ReplicaError> {
        self.0.scan_keys(prefix.as_ref())
    }

    /// Keys under `prefix` with their value lengths, in key order.
    pub fn scan_sizes(
        &self,
        prefix: impl AsRef<[u8]>,
    ) -> Result<Vec<(Vec<u8>, u64)>, ReplicaError> {
        self.0.scan_sizes(prefix.as_ref())
    }

    /// Applies `batch` atomically.
    pub fn apply_batch(&self, batch: Batch) -> Result<(), ReplicaError> {
        if batch.is_empty() {
            return Ok(());
        }
        self.0.apply(batch)
    }

    /// Makes every write so far durable.
    pub fn flush(&self) -> Result<(), ReplicaError> {
        self.0.flush()
    }

    /// Excludes other writers until the guard drops.
    pub fn writer(&self) -> Result<WriterGuard, ReplicaError> {
        self.0.writer()
    }
}

/// A replica in a sled tree (stations, and a hub's own folder).
pub struct SledStorage {
    tree: sled::Tree,
    /// Fsyncs the database after a flush (absent for replicas made by `Replica::new`).
    disk: Option<Arc<crate::disk::DiskSync>>,
}

impl SledStorage {
    /// The storage in `tree`; `disk`, when given, fsyncs files and directory on flush.
    pub fn new(tree: sled::Tree, disk: Option<Arc<crate::disk::DiskSync>>) -> Self {
        SledStorage { tree, disk }
    }
}

impl ReplicaStorage for SledStorage {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ReplicaError> {
        Ok(self.tree.get(key)?.map(|v| v.to_vec()))
    }

    fn contains_key(&self, key: &[u8]) -> Result<bool, ReplicaError> {
        Ok(self.tree.contains_key(key)?)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<KeyValues, ReplicaError> {
        let mut out = Vec::new();
        for kv in self.tree.scan_prefix(prefix) {
            let (k, v) = kv?;
            out.push((k.to_vec(), v.to_vec()));
        }
        Ok(out)
    }

    fn scan_keys(&self, prefix: &[u8]) -> Result<Vec<Vec<u8>>, ReplicaError> {
        let mut out = Vec::new();
        for k in self.tree.scan_prefix(prefix).keys() {
            out.push(k?.to_vec());
        }
        Ok(out)
    }

    fn scan_sizes(&self, prefix: &[u8]) -> Result<Vec<(Vec<u8>, u64)>, ReplicaError> {
        let mut out = Vec::new();
        for kv in self.tree.scan_prefix(prefix) {
            let (k, v) = kv?;
            out.push((k.to_vec(), v.len() as u64));
        }
        Ok(out)
    }

    fn insert_new(&self, key: &[u8], value: &[u8]) -> Result<bool, ReplicaError> {
        Ok(self
            .tree
            .compare_and_swap(key, None as Option<&[u8]>, Some(value))?
            .is_ok())
    }

    fn apply(&self, batch: Batch) -> Result<(), ReplicaError> {
        let mut b = sled::Batch::default();
        for (k, v) in batch.into_ops() {
            match v {
                Some(v) => b.insert(k, v),
                None => b.remove(k),
            }
        }
        self.tree.apply_batch(b)?;
        Ok(())
    }

    fn flush(&self) -> Result<(), ReplicaError> {
        self.tree.flush()?;
        if let Some(d) = &self.disk {
            d.sync()?;
        }
        Ok(())
    }
}
