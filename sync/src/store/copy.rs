//! A whole-store copy for backups: every sled tree's entries as one byte string, and a fresh
//! store made from such a string. The copy is taken under the store's write lock (sled's file
//! lock keeps other processes out), so it is one consistent state.
//!
//! This module must not encrypt, write files other than the new store, or decide who may back
//! up; the caller seals the bytes (they hold the store's ciphertext and its public metadata).

use std::path::Path;

use super::{Store, StoreError};

/// Most bytes of entries a store copy may hold (a 100 000-person store is ~400 MB).
const MAX_COPY: usize = 4 << 30;

/// One sled tree: its name and its entries in key order.
type TreeCopy = (Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>);

impl Store {
    /// Every entry of every tree, as bytes [`Store::create_from_copy`] reads.
    pub fn copy_bytes(&self) -> Result<Vec<u8>, StoreError> {
        let _guard = self.write_lock();
        self.flush()?;
        let mut trees: Vec<TreeCopy> = Vec::new();
        for name in self.db.tree_names() {
            let tree = self.db.open_tree(&name)?;
            let mut entries = Vec::new();
            for kv in tree.iter() {
                let (k, v) = kv?;
                entries.push((k.to_vec(), v.to_vec()));
            }
            trees.push((name.to_vec(), entries));
        }
        postcard::to_stdvec(&trees).map_err(|e| StoreError::Meta(format!("copia: {e}")))
    }

    /// Creates a store at `dir` holding exactly the entries of a copy made by
    /// [`Store::copy_bytes`]; refuses a directory that already has a store. Durable when it
    /// returns.
    pub fn create_from_copy(dir: &Path, bytes: &[u8]) -> Result<Self, StoreError> {
        if dir.join("conf").exists() || dir.join("db").exists() {
            return Err(StoreError::AlreadyExists(dir.display().to_string()));
        }
        if bytes.len() > MAX_COPY {
            return Err(StoreError::Meta("copia demasiado grande".into()));
        }
        let trees: Vec<TreeCopy> =
            postcard::from_bytes(bytes).map_err(|e| StoreError::Meta(format!("copia: {e}")))?;
        let store = Self::open_raw(dir)?;
        for (name, entries) in trees {
            let tree = store.db.open_tree(&name)?;
            let mut batch = sled::Batch::default();
            for (k, v) in entries {
                batch.insert(k, v);
            }
            tree.apply_batch(batch)?;
        }
        store.flush()?;
        if let Some(parent) = dir.parent() {
            crate::disk::sync_dir(parent)?;
        }
        store.station()?;
        Ok(store)
    }
}
