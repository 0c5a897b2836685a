//! The two kinds of local side a sync runs against: a station (merges what it can read,
//! audits as the syncing officer) and a relay (a hub that stores ciphertext it cannot read).
//!
//! A station adopts the office key generations granted to it whenever a newer roster of its
//! office is known (when the side is made, before preparing and before merging what a peer
//! sent, since rosters travel ahead of records in every exchange) and then retries records it
//! had kept opaque.

use std::cell::{Cell, RefCell};
use std::sync::Mutex;

use huella_keys::OfficerKey;

use crate::conflicts;
use crate::protocol::{LocalSide, SyncError};
use crate::record::RecordId;
use crate::replica::{Applied, Erasure, ErasureCheck, RecordData, Replica};
use crate::roster::Trust;
use crate::store::{Indexer, Materialized, Store, StoreKeys};

/// A station taking part in a sync.
pub struct StationSide<'a> {
    store: &'a Store,
    keys: RefCell<StoreKeys<'a>>,
    roster_version: Cell<Option<u64>>,
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
        let side = StationSide {
            store,
            keys: RefCell::new(keys),
            roster_version: Cell::new(None),
            officer,
            indexer,
            trust: Trust::new(replica.clone()),
            replica,
            done: RefCell::new(Materialized::default()),
            conflicts: RefCell::new(0),
        };
        if let Err(e) = side.adopt_office_keys() {
            tracing::warn!(target: "huella::sync", "office roster not read: {e}");
        }
        side
    }

    /// Seals local edits into wire chunks (call before syncing); returns records exported.
    /// First merges whatever a crash left received but unmerged (so no digest or have this
    /// station reports covers a record it has not merged), then records a newer office key
    /// generation can open.
    pub fn prepare(&self) -> Result<usize, SyncError> {
        self.adopt_office_keys()?;
        self.recover()?;
        self.merge_reopened()?;
        Ok(self.store.export_local(&self.keys.borrow())?)
    }

    /// The newest office key generation this station holds (0 before any rotation).
    pub fn office_generation(&self) -> u32 {
        self.keys.borrow().office_generation()
    }

    /// Opens this station's grants in its office roster when the roster changed since they
    /// were last opened; returns whether the keys changed.
    fn adopt_office_keys(&self) -> Result<bool, SyncError> {
        let office = self.keys.borrow().secrets.office().to_owned();
        let Some((roster, _)) = self.trust.roster(&office)? else {
            return Ok(false);
        };
        if self.roster_version.get() == Some(roster.version) {
            return Ok(false);
        }
        self.roster_version.set(Some(roster.version));
        let mut keys = self.keys.borrow_mut();
        let ring = roster.keyring_for(keys.secrets);
        if ring.len() == keys.office.len() {
            return Ok(false);
        }
        tracing::info!(
            target: "huella::sync",
            "office key generation {} adopted from roster version {}",
            ring.newest().map_or(0, |k| k.generation()),
            roster.version
        );
        keys.set_office(ring);
        Ok(true)
    }

    /// Finishes merges a crash interrupted (records with a pending-merge marker); returns
    /// how many records were merged again.
    pub fn recover(&self) -> Result<usize, SyncError> {
        let ids = self.store.pending_merges()?;
        if ids.is_empty() {
            return Ok(0);
        }
        tracing::warn!(
            target: "huella::sync",
            records = ids.len(),
            "finishing merges interrupted by a stop"
        );
        self.merge(&ids)?;
        Ok(ids.len())
    }

    /// Merges records kept opaque that the office keys held now may open.
    fn merge_reopened(&self) -> Result<(), SyncError> {
        let Some(ids) = self.store.reopenable(&self.keys.borrow())? else {
            return Ok(());
        };
        if !ids.is_empty() {
            self.merge(&ids)?;
        }
        self.store.note_reopened(&self.keys.borrow())?;
        Ok(())
    }

    fn merge(&self, ids: &[RecordId]) -> Result<(), SyncError> {
        let keys = self.keys.borrow();
        let m = self
            .store
            .materialize(&keys, self.officer, ids, self.indexer)?;
        let touched: Vec<_> = m.merged.iter().chain(&m.created).copied().collect();
        let found = conflicts::detect(self.store, &keys, self.officer, &touched, self.indexer)?;
        *self.conflicts.borrow_mut() += found;
        let mut d = self.done.borrow_mut();
        d.merged.extend(m.merged);
        d.created.extend(m.created);
        d.erased.extend(m.erased);
        d.opaque += m.opaque;
        d.damaged.extend(m.damaged);
        Ok(())
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
        if self.adopt_office_keys()? {
            self.merge_reopened()?;
        }
        let check = OwnedHere {
            trust: &self.trust,
            store: self.store,
            office: self.keys.borrow().secrets.office().to_owned(),
        };
        let applied = self.replica.apply_for_merge(data, &check)?;
        if applied.changed.is_empty() {
            return Ok(applied);
        }
        self.merge(&applied.changed)?;
        Ok(applied)
    }
}

/// The erasure check of a station: the trust store's (signatures, role, first-delivering
/// office), and an order of another office is refused for a record this station holds
/// readable whose owner is not noted, since what an office station can read is its own
/// office's. A record with a noted owner (the office that first delivered it) is erased by an
/// order of that office: the trust check has already compared the two. That is how the
/// central node, which reads every office's records, honours an office's erasure.
struct OwnedHere<'s> {
    trust: &'s Trust,
    store: &'s Store,
    office: String,
}

impl ErasureCheck for OwnedHere<'_> {
    fn allowed(&self, e: &Erasure) -> bool {
        if !self.trust.erasure_allowed(e) {
            return false;
        }
        let id = RecordId(e.id);
        e.office == self.office
            || !self.store.contains(&id).unwrap_or(true)
            || matches!(self.store.replica().origin(&id), Ok(Some(owner)) if owner == e.office)
    }

    fn author(&self, key: &[u8; 32]) -> Option<crate::replica::AuthorStanding> {
        self.trust.author_standing(key)
    }

    /// A record this station holds readable with no noted owner was written here before
    /// owners were noted: it is this office's.
    fn owner_hint(&self, id: &RecordId) -> Option<String> {
        self.store
            .contains(id)
            .unwrap_or(false)
            .then(|| self.office.clone())
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
        // Other hub processes on the same storage wait too (a record's digest is computed
        // from what is stored, then written).
        let _writer = self.replica.tree().writer()?;
        let a = self.replica.apply(data, &self.trust)?;
        self.replica.flush()?;
        Ok(a)
    }
}
