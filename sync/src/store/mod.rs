//! The station's encrypted record store: one sled database per station home.
//!
//! Everything personal is sealed with the person's data key before it reaches sled: document
//! chunks, blobs. Lookups go through blind-index tags. Writes are collected in a [`Batch`] and
//! committed atomically together with their audit entries; [`Store::commit`] returns only
//! after sled has flushed them to disk, so a caller may then tell the officer "guardado".
//! Opening the store decrypts nothing.
//!
//! This module must not parse identifiers, print, or decide policy (who may do what).

mod batch;
mod bounded;
mod copy;
mod layout;
mod postings;
mod recovery;
mod reindex;
mod replica;

use std::collections::HashMap;
use std::path::Path;

use huella_keys::{
    BlindTag, DataKey, OfficeKeyring, OfficerPublic, PublicKey, Recipient, RecipientSet,
    StationSecrets, UnwrapError, WrappedKey,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::audit::{self, AuditEntry, AuditProblem};
use crate::record::{BiometricStatus, BlobRef, PersonRecord, RecordError, RecordId};
pub use batch::{Batch, OpenRecord, PreparedWrite};
pub use reindex::STATUS_INDEX_VERSION;
pub use replica::{Indexer, Materialized};

/// Chunks a record may accumulate before it is compacted into one.
pub const COMPACT_AFTER: u32 = 8;

/// A store operation that failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// sled failed (I/O, corruption); a full disk is [`StoreError::Disk`] instead.
    #[error("error del almacén local: {0}")]
    Sled(sled::Error),
    /// The directory already holds a station.
    #[error("ya existe una estación en {0}")]
    AlreadyExists(String),
    /// The directory holds no station.
    #[error("no hay una estación en {0} (use `huella init`)")]
    NotInitialised(String),
    /// Another process has the store open.
    #[error("el almacén {0} está en uso por otro proceso de huella")]
    Locked(String),
    /// No record with that id.
    #[error("no existe el registro {0}")]
    NoSuchRecord(RecordId),
    /// A record's data key could not be unwrapped or a chunk did not open.
    #[error("no se pudo descifrar el registro {id}: {reason}")]
    Decrypt {
        /// The record.
        id: RecordId,
        /// Why.
        reason: String,
    },
    /// The record's document is damaged.
    #[error("registro {id}: {source}")]
    Record {
        /// The record.
        id: RecordId,
        /// The document error (boxed: Automerge's errors are large).
        #[source]
        source: Box<RecordError>,
    },
    /// A metadata entry is damaged.
    #[error("metadatos dañados: {0}")]
    Meta(String),
    /// Wrapping a new data key failed.
    #[error(transparent)]
    Wrap(#[from] huella_keys::WrapError),
    /// The audit chain is broken.
    #[error("auditoría: {0}")]
    Audit(#[from] AuditProblem),
    /// Making a commit durable failed (full disk, I/O error); nothing was promised.
    #[error(transparent)]
    Disk(#[from] crate::disk::DiskError),
    /// sled found the store corrupt at open; it was moved aside whole, nothing deleted.
    #[error(
        "el almacén de la estación está dañado ({reason}); se apartó sin borrar nada en {moved_to}. \
         Restaure una copia de respaldo o recupere sus registros desde esa carpeta"
    )]
    Damaged {
        /// Where the damaged store now is.
        moved_to: String,
        /// What sled reported (no personal data).
        reason: String,
    },
}

impl From<sled::Error> for StoreError {
    /// A full disk underneath sled is told as such (in Spanish), not as sled's I/O text.
    fn from(e: sled::Error) -> Self {
        // A full disk or an I/O error under sled is told like ours, in Spanish.
        crate::disk::from_sled(e).map_or_else(StoreError::Sled, StoreError::Disk)
    }
}

/// Public description of the station kept in the store (no secrets, no personal data).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Station {
    /// Office code.
    pub office: String,
    /// Station name.
    pub station: String,
    /// When it was created (UTC).
    pub created_at: String,
    /// Station signing key (hex).
    pub station_key: String,
    /// Recipients record keys are wrapped to: (label, `age1…`).
    pub recipients: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct OfficerEntry {
    user: String,
    role: String,
    key: String,
}

/// How long opening the store waits for another handle to release sled's lock.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// One record's line of the status index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// The record.
    pub id: RecordId,
    /// Its stored biometric status.
    pub status: BiometricStatus,
    /// The date it was notified of missing biometrics (`YYYY-MM-DD`), if ever.
    pub notice: Option<String>,
}

/// The keys a session needs to read and write records.
pub struct StoreKeys<'a> {
    /// The unlocked station secrets.
    pub secrets: &'a StationSecrets,
    /// Who new record keys are wrapped to.
    pub recipients: RecipientSet,
    /// Office key generations after generation 0 this station was granted (empty before
    /// any rotation).
    pub office: std::sync::Arc<OfficeKeyring>,
}

impl<'a> StoreKeys<'a> {
    /// Keys of a station wrapping to `recipients`, with the office generations in `office`:
    /// the generation-0 office recipient in `recipients` is replaced by the newest
    /// generation's, so new record keys are unreadable to stations revoked since.
    pub fn new(
        secrets: &'a StationSecrets,
        recipients: RecipientSet,
        office: OfficeKeyring,
    ) -> Self {
        let mut keys = StoreKeys {
            secrets,
            recipients,
            office: std::sync::Arc::new(OfficeKeyring::new()),
        };
        keys.set_office(office);
        keys
    }

    /// Replaces the office generations (a newer roster was adopted); see [`StoreKeys::new`].
    pub fn set_office(&mut self, office: OfficeKeyring) {
        let gen0 = self.secrets.public().office_recipient;
        let mut known: Vec<String> = vec![gen0];
        known.extend(self.office.iter().map(|k| k.recipient().to_owned()));
        known.extend(office.iter().map(|k| k.recipient().to_owned()));
        if let Some(newest) = office.newest()
            && let Ok(current) = Recipient::parse("oficina", newest.recipient())
        {
            let mut set = RecipientSet::new();
            let mut placed = false;
            for r in self.recipients.iter() {
                if known.contains(&r.to_text()) {
                    if !placed {
                        set.push(current.clone());
                        placed = true;
                    }
                } else {
                    set.push(r.clone());
                }
            }
            if placed {
                self.recipients = set;
            }
        }
        self.office = std::sync::Arc::new(office);
    }

    /// Recovers a record's data key with every key this station holds.
    pub fn open_key(&self, wrapped: &WrappedKey) -> Result<DataKey, UnwrapError> {
        wrapped.unwrap_at(self.secrets, &self.office)
    }

    /// The newest office key generation held (0 before any rotation).
    pub fn office_generation(&self) -> u32 {
        self.office.newest().map_or(0, |k| k.generation())
    }
}

/// The station's database.
pub struct Store {
    db: sled::Db,
    tree: sled::Tree,
    /// Fsyncs sled's files and directory after each flush.
    disk: std::sync::Arc<crate::disk::DiskSync>,
    /// Held by writers that read then rewrite shared keys (audit head, posting lists).
    writer: std::sync::Mutex<()>,
}

impl Store {
    /// Creates a new store at `dir`, refusing a directory that already has one.
    pub fn create(dir: &Path, station: &Station) -> Result<Self, StoreError> {
        if dir.join("conf").exists() || dir.join("db").exists() {
            return Err(StoreError::AlreadyExists(dir.display().to_string()));
        }
        let store = Self::open_raw(dir)?;
        let json = serde_json::to_vec(station).map_err(|e| StoreError::Meta(e.to_string()))?;
        store.tree.insert(layout::meta("station"), json)?;
        store.flush()?;
        if let Some(parent) = dir.parent() {
            crate::disk::sync_dir(parent)?;
        }
        Ok(store)
    }

    /// Opens an existing store (nothing is decrypted).
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        if !dir.join("conf").exists() {
            return Err(StoreError::NotInitialised(dir.display().to_string()));
        }
        let damaged = |reason: String| -> StoreError {
            let moved = match recovery::move_aside(dir) {
                Ok(m) => m,
                Err(e) => return e.into(),
            };
            tracing::error!(
                target: "huella::store",
                moved_to = %moved.display(),
                "damaged store moved aside"
            );
            StoreError::Damaged {
                moved_to: moved.display().to_string(),
                reason,
            }
        };
        // The open and its first reads run under a deadline: a damaged file can make sled
        // loop forever (see `bounded`). sled's own lock wait comes on top.
        let probe = dir.to_owned();
        let opened = bounded::within(LOCK_WAIT + bounded::OPEN_DEADLINE, move || {
            let store = Self::open_raw(&probe)?;
            let (seq, _) = store.audit_head()?;
            Ok::<_, StoreError>((store, seq))
        });
        let opened = match opened {
            bounded::Bounded::Done(r) => r,
            bounded::Bounded::Overran => {
                return Err(damaged(format!(
                    "no terminó de abrirse en {} s",
                    bounded::OPEN_DEADLINE.as_secs()
                )));
            }
            bounded::Bounded::Panicked => {
                return Err(damaged("el motor de la base se detuvo al leerlo".into()));
            }
        };
        match opened {
            Err(StoreError::Sled(e @ sled::Error::Corruption { .. })) => {
                Err(damaged(corruption_text(&e)))
            }
            // sled's `conf` (segment size, version) no longer matches what it was created
            // with: the only way that happens to a pinned sled is a damaged `conf` file.
            Err(StoreError::Sled(sled::Error::Unsupported(_))) => {
                Err(damaged("su archivo de configuración no es legible".into()))
            }
            Err(other) => Err(other),
            Ok((store, seq)) => {
                // sled treats a damaged log as its end and opens without what followed: the
                // audit head confirmed outside sled tells that apart from a clean store.
                if let Some(confirmed) = recovery::confirmed_seq(dir)
                    && seq < confirmed
                {
                    drop(store);
                    return Err(damaged(format!(
                        "tiene {seq} de {confirmed} entradas de auditoría confirmadas"
                    )));
                }
                store.station()?;
                Ok(store)
            }
        }
    }

    fn open_raw(dir: &Path) -> Result<Self, StoreError> {
        // sled releases its file lock only when its background threads let go of the
        // database, a moment after the last handle is dropped (in this process or in one
        // that just exited): wait briefly before calling the store busy.
        if dir.is_dir() {
            recovery::set_aside_unfinished_snapshots(dir)?;
        }
        let deadline = std::time::Instant::now() + LOCK_WAIT;
        let db = loop {
            match sled::Config::new()
                .path(dir)
                .cache_capacity(64 * 1024 * 1024)
                .open()
            {
                Ok(db) => break db,
                Err(sled::Error::Io(ref io))
                    if io.to_string().contains("could not acquire lock") =>
                {
                    if std::time::Instant::now() >= deadline {
                        return Err(StoreError::Locked(dir.display().to_string()));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(other) => return Err(StoreError::from(other)),
            }
        };
        let tree = db.open_tree("registros")?;
        Ok(Store {
            db,
            tree,
            disk: std::sync::Arc::new(crate::disk::DiskSync::new(dir)),
            writer: std::sync::Mutex::new(()),
        })
    }

    /// Serialises writers that read, then rewrite, shared keys within this process (sled's
    /// own lock keeps other processes out).
    fn write_lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The station description.
    pub fn station(&self) -> Result<Station, StoreError> {
        let raw = self
            .tree
            .get(layout::meta("station"))?
            .ok_or_else(|| StoreError::Meta("falta la descripción de la estación".into()))?;
        serde_json::from_slice(&raw).map_err(|e| StoreError::Meta(e.to_string()))
    }

    /// Replaces the station description (e.g. a new regional recipient).
    pub fn set_station(&self, station: &Station) -> Result<(), StoreError> {
        let json = serde_json::to_vec(station).map_err(|e| StoreError::Meta(e.to_string()))?;
        self.tree.insert(layout::meta("station"), json)?;
        self.flush()
    }

    /// Registers an officer's public key (roster).
    pub fn put_officer(&self, officer: &OfficerPublic) -> Result<(), StoreError> {
        let e = OfficerEntry {
            user: officer.user.clone(),
            role: officer.role.as_str().to_owned(),
            key: officer.key.to_hex(),
        };
        let json = serde_json::to_vec(&e).map_err(|e| StoreError::Meta(e.to_string()))?;
        self.tree
            .insert(layout::meta(&format!("officer/{}", officer.user)), json)?;
        Ok(())
    }

    /// The roster of officers.
    pub fn officers(&self) -> Result<Vec<OfficerPublic>, StoreError> {
        let mut out = Vec::new();
        for kv in self.tree.scan_prefix(layout::meta("officer/")) {
            let (_, v) = kv?;
            let e: OfficerEntry =
                serde_json::from_slice(&v).map_err(|e| StoreError::Meta(e.to_string()))?;
            out.push(OfficerPublic {
                user: e.user,
                role: e.role.parse().map_err(StoreError::Meta)?,
                key: PublicKey::from_hex(&e.key).map_err(|e| StoreError::Meta(e.to_string()))?,
            });
        }
        Ok(out)
    }

    /// A new empty batch. Records saved in it are indexed under their verified status
    /// (see [`Store::verified_status`]).
    pub fn batch(&self) -> Batch {
        Batch::new(
            crate::roster::Trust::new(self.replica()),
            self.station().map(|s| s.office).unwrap_or_default(),
        )
    }

    /// Record ids indexed under `tag`.
    pub fn find(&self, tag: &BlindTag) -> Result<Vec<RecordId>, StoreError> {
        Ok(postings::records_under(&self.tree, tag)?)
    }

    /// Whether a record exists.
    pub fn contains(&self, id: &RecordId) -> Result<bool, StoreError> {
        Ok(self.tree.contains_key(layout::wrapped_key(id))?)
    }

    /// Opens a record for reading or editing: unwraps its key and loads its chunks.
    pub fn open_record(
        &self,
        keys: &StoreKeys<'_>,
        id: RecordId,
    ) -> Result<OpenRecord, StoreError> {
        let dek = self.data_key(keys, id)?;
        let mut bytes = Vec::new();
        let mut chunks = 0u32;
        let mut next_seq = 0u32;
        for kv in self.tree.scan_prefix(layout::chunk_prefix(&id)) {
            let (k, v) = kv?;
            let seq = layout::chunk_seq(&k).ok_or_else(|| StoreError::Decrypt {
                id,
                reason: "clave de fragmento inválida".into(),
            })?;
            let plain = dek.open(&v, &k).map_err(|e| StoreError::Decrypt {
                id,
                reason: e.to_string(),
            })?;
            bytes.extend_from_slice(&plain);
            chunks += 1;
            next_seq = seq.saturating_add(1);
        }
        let mut record = PersonRecord::load(id, &bytes).map_err(|source| StoreError::Record {
            id,
            source: Box::new(source),
        })?;
        // Every reader sees the status the record's verified decisions and orders give, and
        // only the movements that count, not whatever a station of the office wrote (staff
        // documents have no status).
        if record.kind().is_none() {
            let checked = self.verified_status(id, &record)?;
            record.note_checked_status(checked);
            // A malformed movement (from a peer) does not stop the record from opening:
            // `PersonRecord::movements` reports it to whoever reads the movements, and
            // nothing unchecked is counted meanwhile.
            if let Ok(checked) = self.checked_movements(id, &record) {
                record.note_refused_movements(
                    checked
                        .into_iter()
                        .filter(|m| !m.counts)
                        .map(|m| m.order.id)
                        .collect(),
                );
            }
        }
        let tags = self
            .tree
            .get(layout::tags(&id))?
            .map(|t| layout::split_tags(&t))
            .unwrap_or_default();
        Ok(OpenRecord::existing(record, dek, next_seq, chunks, tags))
    }

    /// Reads and opens a blob of record `id`.
    pub fn get_blob(
        &self,
        keys: &StoreKeys<'_>,
        id: RecordId,
        blob: &BlobRef,
    ) -> Result<Vec<u8>, StoreError> {
        let mut hash = [0u8; 32];
        hex::decode_to_slice(&blob.hash, &mut hash).map_err(|_| StoreError::Decrypt {
            id,
            reason: "referencia de blob inválida".into(),
        })?;
        let key = layout::blob(&id, &hash);
        let sealed = self.tree.get(&key)?.ok_or(StoreError::NoSuchRecord(id))?;
        let dek = self.data_key(keys, id)?;
        dek.open(&sealed, &layout::blob_prefix(&id))
            .map_err(|e| StoreError::Decrypt {
                id,
                reason: e.to_string(),
            })
    }

    fn data_key(&self, keys: &StoreKeys<'_>, id: RecordId) -> Result<DataKey, StoreError> {
        let wrapped = self
            .tree
            .get(layout::wrapped_key(&id))?
            .ok_or(StoreError::NoSuchRecord(id))?;
        keys.open_key(&WrappedKey::from_bytes(wrapped.to_vec()))
            .map_err(|e| StoreError::Decrypt {
                id,
                reason: e.to_string(),
            })
    }

    /// Number of people in the store (records with a biometric status: staff attendance
    /// documents are not people of the registry).
    pub fn count_people(&self) -> usize {
        self.tree.scan_prefix(b"s").count()
    }

    /// People per biometric status.
    pub fn status_counts(&self) -> Result<HashMap<BiometricStatus, usize>, StoreError> {
        let mut out = HashMap::new();
        for kv in self.tree.scan_prefix(b"s") {
            let (_, v) = kv?;
            if let Some(s) = v.first().and_then(|b| BiometricStatus::from_byte(*b)) {
                *out.entry(s).or_insert(0) += 1;
            }
        }
        Ok(out)
    }

    /// Every record's stored status and notice date of missing biometrics (from the status
    /// index: no record is opened).
    pub fn status_entries(&self) -> Result<Vec<StatusEntry>, StoreError> {
        let mut out = Vec::new();
        for kv in self.tree.scan_prefix(b"s") {
            let (k, v) = kv?;
            let (Some(id), Some(status)) = (
                layout::id_after(&k, 1),
                v.first().and_then(|b| BiometricStatus::from_byte(*b)),
            ) else {
                continue;
            };
            let notice = v
                .get(1..)
                .filter(|n| !n.is_empty() && n.len() <= layout::NOTICE_LEN)
                .and_then(|n| std::str::from_utf8(n).ok())
                .map(str::to_owned);
            out.push(StatusEntry { id, status, notice });
        }
        Ok(out)
    }

    /// The next value (from 1) of the station-local sequence `name`, durable before it is
    /// returned: a value is never handed out twice by this store, even across a crash.
    pub fn next_sequence(&self, name: &str) -> Result<u64, StoreError> {
        let _guard = self.write_lock();
        let key = layout::sequence(name);
        let last = self
            .tree
            .get(&key)?
            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
            .map_or(0, u64::from_be_bytes);
        let next = last.saturating_add(1);
        self.tree.insert(key, &next.to_be_bytes())?;
        self.flush()?;
        Ok(next)
    }

    /// Record ids with a given status.
    pub fn ids_with_status(&self, status: BiometricStatus) -> Result<Vec<RecordId>, StoreError> {
        let mut out = Vec::new();
        for kv in self.tree.scan_prefix(b"s") {
            let (k, v) = kv?;
            if v.first() == Some(&status.to_byte())
                && let Some(id) = layout::id_after(&k, 1)
            {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Crypto-shreds a person: destroys their wrapped key, chunks, blobs and index entries.
    /// Returns the number of keys removed. The caller audits and flushes via a batch commit.
    pub fn erase(&self, id: RecordId) -> Result<usize, StoreError> {
        let mut b = sled::Batch::default();
        let mut n = 0;
        let guard = self.write_lock();
        if let Some(t) = self.tree.get(layout::tags(&id))? {
            let leaving: Vec<postings::IndexChange> = layout::split_tags(&t)
                .into_iter()
                .map(|tag| postings::IndexChange {
                    tag,
                    id,
                    add: false,
                })
                .collect();
            n += leaving.len();
            postings::queue_changes(&self.tree, &leaving, &mut b)?;
        }
        for prefix in [layout::chunk_prefix(&id), layout::blob_prefix(&id)] {
            for kv in self.tree.scan_prefix(prefix) {
                let (k, _) = kv?;
                b.remove(k);
                n += 1;
            }
        }
        for k in [
            layout::wrapped_key(&id),
            layout::tags(&id),
            layout::status(&id),
        ] {
            b.remove(k);
            n += 1;
        }
        self.tree.apply_batch(b)?;
        drop(guard);
        self.flush()?;
        Ok(n)
    }

    /// Every audit entry in chain order.
    pub fn audit_entries(&self) -> impl Iterator<Item = Result<AuditEntry, AuditProblem>> + '_ {
        let mut expected = 0u64;
        self.tree.scan_prefix(b"a").map(move |kv| {
            expected += 1;
            let (_, v) = kv.map_err(|e| AuditProblem {
                seq: expected,
                reason: format!("no se pudo leer: {e}"),
            })?;
            serde_json::from_slice(&v).map_err(|_| AuditProblem {
                seq: expected,
                reason: "entrada ilegible (dañada o editada)".into(),
            })
        })
    }

    /// Verifies the whole audit chain against the roster; returns the entry count.
    pub fn verify_audit(&self) -> Result<u64, StoreError> {
        let officers = self.officers()?;
        let n = audit::verify_chain(self.audit_entries(), |user| {
            officers.iter().find(|o| o.user == user).map(|o| &o.key)
        })?;
        let head = self.audit_head()?;
        if head.0 != n {
            return Err(AuditProblem {
                seq: n + 1,
                reason: format!(
                    "la cadena termina en {n} pero la estación registró {} entradas (entradas finales borradas)",
                    head.0
                ),
            }
            .into());
        }
        Ok(n)
    }

    /// The last audit entry's (seq, hash), as recorded with every commit.
    pub(crate) fn audit_head(&self) -> Result<(u64, String), StoreError> {
        match self.tree.get(layout::meta("audit_head"))? {
            None => Ok((0, audit::GENESIS.to_owned())),
            Some(v) => {
                let text = String::from_utf8_lossy(&v).into_owned();
                let (n, h) = text
                    .split_once(' ')
                    .ok_or_else(|| StoreError::Meta("cabeza de auditoría".into()))?;
                let n = n
                    .parse()
                    .map_err(|_| StoreError::Meta("cabeza de auditoría".into()))?;
                Ok((n, h.to_owned()))
            }
        }
    }

    /// Flushes everything to disk and fsyncs sled's files and directory: after this
    /// returns, what was written survives a crash or a power cut (see docs/reliability.md).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        self.disk.sync()?;
        Ok(())
    }

    /// Sled's flush and the fsync of its files, without the folder's own fsync: the
    /// confirmation mark written next fsyncs the folder (see `DiskSync::sync_files`).
    pub(crate) fn flush_files(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        self.disk.sync_files()?;
        Ok(())
    }

    /// Records outside sled that audit entry `seq` (hash `hash`) is durable, so a later open
    /// can tell a store sled silently cut short (see `recovery::confirmed_seq`).
    pub(crate) fn confirm(&self, seq: u64, hash: &str) -> Result<(), StoreError> {
        recovery::write_confirmed(self.disk.dir(), seq, hash)?;
        Ok(())
    }

    /// Bytes sled reports for the database on disk.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }

    pub(crate) fn tree(&self) -> &sled::Tree {
        &self.tree
    }

    pub(crate) fn disk(&self) -> std::sync::Arc<crate::disk::DiskSync> {
        self.disk.clone()
    }
}

/// sled's corruption report without its backtrace.
fn corruption_text(e: &sled::Error) -> String {
    match e {
        sled::Error::Corruption { at, .. } => match at {
            Some(at) => format!("datos corruptos en {at}"),
            None => "datos corruptos".into(),
        },
        other => other.to_string(),
    }
}

/// SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests;
