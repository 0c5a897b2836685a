//! The two kinds of local side a sync runs against: a station (merges what it can read,
//! audits as the syncing officer) and a relay (a hub that stores ciphertext it cannot read).

use std::cell::RefCell;
use std::sync::Mutex;

use huella_keys::OfficerKey;

use crate::conflicts;
use crate::protocol::{LocalSide, SyncError};
use crate::replica::{Applied, RecordData, Replica};
use crate::roster::Trust;
use crate::store::{Indexer, Materialized, Store, StoreKeys};

/// A station taking part in a sync.
pub struct StationSide<'a> {
    store: &'a Store,
    keys: StoreKeys<'a>,
    officer: &'a OfficerKey,
    indexer: &'a dyn Indexer,
    replica: Replica,
    trust: Trust,
    done: RefCell<Materialized>,
    conflicts: RefCell<usize>,
}

impl<'a> StationSide<'a> {
    /// The station behind `store`, acting as `officer`.
    pub fn new(
        store: &'a Store,
        keys: StoreKeys<'a>,
        officer: &'a OfficerKey,
        indexer: &'a dyn Indexer,
    ) -> Self {
        let replica = store.replica();
        StationSide {
            store,
            keys,
            officer,
            indexer,
            trust: Trust::new(replica.clone()),
            replica,
            done: RefCell::new(Materialized::default()),
            conflicts: RefCell::new(0),
        }
    }

    /// Seals local edits into wire chunks (call before syncing); returns records exported.
    pub fn prepare(&self) -> Result<usize, SyncError> {
        Ok(self.store.export_local(&self.keys)?)
    }

    /// What merging did so far.
    pub fn materialized(&self) -> Materialized {
        self.done.borrow().clone()
    }

    /// Semantic conflicts found so far in this run.
    pub fn conflicts_found(&self) -> usize {
        *self.conflicts.borrow()
    }

    /// The store.
    pub fn store(&self) -> &Store {
        self.store
    }
}

impl LocalSide for StationSide<'_> {
    fn replica(&self) -> &Replica {
        &self.replica
    }

    fn trust(&self) -> &Trust {
        &self.trust
    }

    fn apply(&self, data: Vec<RecordData>) -> Result<Applied, SyncError> {
        let applied = self.replica.apply(data, &self.trust)?;
        if applied.changed.is_empty() {
            return Ok(applied);
        }
        let m = self
            .store
            .materialize(&self.keys, self.officer, &applied.changed, self.indexer)?;
        let touched: Vec<_> = m.merged.iter().chain(&m.created).copied().collect();
        let found = conflicts::detect(self.store, &self.keys, &touched, self.indexer)?;
        *self.conflicts.borrow_mut() += found;
        let mut d = self.done.borrow_mut();
        d.merged.extend(m.merged);
        d.created.extend(m.created);
        d.erased.extend(m.erased);
        d.opaque += m.opaque;
        d.damaged.extend(m.damaged);
        Ok(applied)
    }
}

/// A relay (hub) side: stores and forwards ciphertext; applies one request at a time.
pub struct RelaySide {
    replica: Replica,
    trust: Trust,
    lock: Mutex<()>,
}

impl RelaySide {
    /// The relay over `replica`.
    pub fn new(replica: Replica) -> Self {
        RelaySide {
            trust: Trust::new(replica.clone()),
            replica,
            lock: Mutex::new(()),
        }
    }
}

impl LocalSide for RelaySide {
    fn replica(&self) -> &Replica {
        &self.replica
    }

    fn trust(&self) -> &Trust {
        &self.trust
    }

    fn apply(&self, data: Vec<RecordData>) -> Result<Applied, SyncError> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let a = self.replica.apply(data, &self.trust)?;
        self.replica.flush()?;
        Ok(a)
    }
}
