//! Computing what a peer lacks and applying what a peer sent. Applying is idempotent: data
//! already held is ignored, so duplicated, replayed or reordered deliveries change nothing.

use std::collections::HashSet;

use sha2::{Digest as _, Sha256};

use super::{
    BlobPart, ChunkAuthor, Erasure, Hash, RecordData, RecordHave, RecordMeta, Replica,
    ReplicaError, keys, record_digest,
};
use crate::record::RecordId;

/// Largest wire chunk accepted (a whole record document is a few KB).
pub const MAX_CHUNK: usize = 4 * 1024 * 1024;
/// Largest blob part sent in one message.
pub const MAX_BLOB_PART: usize = 1024 * 1024;

/// Decides whether an erasure order is genuine (signed by a trusted station), and which
/// office a chunk's author writes for.
pub trait ErasureCheck {
    /// True when `e` may be applied.
    fn allowed(&self, e: &Erasure) -> bool;

    /// Where the signing key of a chunk's author stands (`None`: not trusted, refused).
    fn author(&self, key: &[u8; 32]) -> Option<AuthorStanding>;

    /// The office that owns record `id` when the replica has no first-delivering office for
    /// it (a station: its own office, for records it wrote before owners were noted).
    fn owner_hint(&self, _id: &RecordId) -> Option<String> {
        None
    }
}

/// What a chunk author's key may write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorStanding {
    /// The office the key is a trusted station of: it writes that office's records (and
    /// gives a record first seen here its owner).
    pub station_of: Option<String>,
    /// The offices whose rosters name the key as their central key: it writes their
    /// records, but founds none.
    pub central_for: Vec<String>,
}

impl AuthorStanding {
    /// Whether this author may write a record owned by `owner`.
    pub fn writes_for(&self, owner: &str) -> bool {
        self.station_of.as_deref() == Some(owner)
            || self.station_of.as_deref() == Some(ANY_OFFICE)
            || self.central_for.iter().any(|o| o == owner)
    }
}

/// The office closures (tests of the replica alone) give every author: owner of all records.
const ANY_OFFICE: &str = "*";

impl<F: Fn(&Erasure) -> bool> ErasureCheck for F {
    fn allowed(&self, e: &Erasure) -> bool {
        self(e)
    }

    /// Closures (tests of the replica alone) trust any author, as a station of office
    /// `"*"`, owner of every record.
    fn author(&self, _key: &[u8; 32]) -> Option<AuthorStanding> {
        Some(AuthorStanding {
            station_of: Some(ANY_OFFICE.into()),
            central_for: Vec::new(),
        })
    }
}

/// What applying a peer's data did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Records whose replicated state changed.
    pub changed: Vec<RecordId>,
    /// Records erased by an erasure order received.
    pub erased: Vec<RecordId>,
    /// New chunks stored.
    pub chunks: usize,
    /// Blobs completed.
    pub blobs: usize,
    /// Blob bytes stored (complete or partial).
    pub blob_bytes: u64,
    /// Records refused, with the reason (in Spanish).
    pub refused: Vec<(RecordId, String)>,
}

impl Replica {
    /// The data `their` lacks, within `budget` bytes: keys and chunks of every record first,
    /// blob parts after. Returns the data and whether something was left out.
    pub fn data_for(
        &self,
        theirs: &[RecordHave],
        mut budget: usize,
    ) -> Result<(Vec<RecordData>, bool), ReplicaError> {
        let mut out = Vec::new();
        let mut more = false;
        for t in theirs {
            let id = RecordId(t.id);
            let mut d = RecordData {
                id: t.id,
                ..RecordData::default()
            };
            if let Some(e) = self.erasure(&id)? {
                if !t.erased {
                    d.erasure = Some(e);
                }
            } else if !t.erased {
                if !t.has_key {
                    d.wrapped_key = self.wrapped_key(&id)?;
                }
                let theirs: HashSet<&Hash> = t.chunks.iter().collect();
                for (h, c) in self.chunks(&id)? {
                    if !theirs.contains(&h) {
                        d.chunks.push(c);
                        d.authors
                            .push(self.chunk_author(&id, &h)?.unwrap_or_default());
                    }
                }
            }
            if d.is_empty() {
                continue;
            }
            if d.size() > budget && !out.is_empty() {
                more = true;
                break;
            }
            budget = budget.saturating_sub(d.size());
            out.push(d);
        }
        if more {
            return Ok((out, true));
        }
        for t in theirs {
            if t.erased {
                continue;
            }
            let id = RecordId(t.id);
            if self.tree().contains_key(keys::erasure(&id))? {
                continue;
            }
            let held: HashSet<&Hash> = t.blobs.iter().collect();
            for h in self.blob_hashes(&id)? {
                if held.contains(&h) {
                    continue;
                }
                if budget == 0 {
                    return Ok((out, true));
                }
                let Some(bytes) = self.tree().get(keys::blob(&id, &h))? else {
                    continue;
                };
                let offset = t
                    .partial
                    .iter()
                    .find(|(p, _)| *p == h)
                    .map_or(0, |(_, n)| *n as usize)
                    .min(bytes.len());
                let len = (bytes.len() - offset).min(budget).min(MAX_BLOB_PART);
                budget -= len;
                let part = BlobPart {
                    hash: h,
                    offset: offset as u64,
                    total: bytes.len() as u64,
                    bytes: bytes[offset..offset + len].to_vec(),
                };
                if offset + len < bytes.len() {
                    more = true;
                }
                match out.iter_mut().find(|d| d.id == t.id) {
                    Some(d) => d.blobs.push(part),
                    None => out.push(RecordData {
                        id: t.id,
                        blobs: vec![part],
                        ..RecordData::default()
                    }),
                }
            }
        }
        Ok((out, more))
    }

    /// Applies data from a peer. Erased records stay erased; chunks and blobs are checked
    /// against their hashes; each record is written in one atomic batch.
    pub fn apply(
        &self,
        data: Vec<RecordData>,
        check: &dyn ErasureCheck,
    ) -> Result<Applied, ReplicaError> {
        self.apply_marked(data, check, false)
    }

    /// Applies data from a peer at a station that merges it into readable records
    /// afterwards: like [`Replica::apply`], and every record that changed also gets a
    /// pending-merge marker in the same atomic batch as its data. The marker is removed in the
    /// batch that commits the merge, so a crash in between leaves the marker, and the next
    /// [`Replica::pending_merges`] drain finishes the merge before anything is reported.
    pub fn apply_for_merge(
        &self,
        data: Vec<RecordData>,
        check: &dyn ErasureCheck,
    ) -> Result<Applied, ReplicaError> {
        self.apply_marked(data, check, true)
    }

    /// Records with data received but not merged yet (a merge was interrupted), in id order.
    pub fn pending_merges(&self) -> Result<Vec<RecordId>, ReplicaError> {
        let mut out = Vec::new();
        for k in self.tree().scan_keys(keys::PENDING)? {
            if let Some(id) = keys::id_after(&k, keys::PENDING.len()) {
                out.push(id);
            }
        }
        Ok(out)
    }

    fn apply_marked(
        &self,
        data: Vec<RecordData>,
        check: &dyn ErasureCheck,
        mark: bool,
    ) -> Result<Applied, ReplicaError> {
        let mut out = Applied::default();
        let authors = CachedAuthors {
            check,
            known: std::cell::RefCell::new(std::collections::HashMap::new()),
        };
        for d in data {
            let id = RecordId(d.id);
            if self.tree().contains_key(keys::erasure(&id))? {
                continue;
            }
            if let Some(e) = d.erasure {
                if e.id != d.id || !check.allowed(&e) {
                    tracing::warn!(target: "huella::sync", record = %id, "erasure order refused");
                    out.refused
                        .push((id, "orden de borrado sin firma válida".into()));
                    continue;
                }
                self.erase_replica(&id, &e, mark)?;
                out.erased.push(id);
                out.changed.push(id);
                continue;
            }
            match self.apply_one(&id, d, &authors, mark)? {
                Ok((chunks, blobs, bytes)) => {
                    if chunks > 0 || blobs > 0 || bytes > 0 {
                        out.changed.push(id);
                    }
                    out.chunks += chunks;
                    out.blobs += blobs;
                    out.blob_bytes += bytes;
                }
                Err(reason) => out.refused.push((id, reason)),
            }
        }
        Ok(out)
    }

    #[allow(clippy::type_complexity)]
    fn apply_one(
        &self,
        id: &RecordId,
        d: RecordData,
        check: &CachedAuthors<'_>,
        mark: bool,
    ) -> Result<Result<(usize, usize, u64), String>, ReplicaError> {
        let tree = self.tree();
        if d.authors.len() != d.chunks.len() {
            return Ok(Err("fragmentos sin autor".into()));
        }
        let mut batch = super::Batch::default();
        let has_key = tree.contains_key(keys::wrapped(id))?;
        if !has_key {
            match &d.wrapped_key {
                Some(k) if !k.is_empty() && k.len() <= 64 * 1024 => {
                    batch.insert(keys::wrapped(id), k.clone());
                }
                Some(_) => return Ok(Err("clave envuelta inválida".into())),
                None if d.chunks.is_empty() && d.blobs.is_empty() => return Ok(Ok((0, 0, 0))),
                None => return Ok(Err("datos de un registro sin su clave envuelta".into())),
            }
        }
        let mut chunks: Vec<Hash> = self.chunk_hashes(id)?;
        let owner = match self.origin(id)? {
            Some(o) => Some(o),
            None => check.check.owner_hint(id),
        };
        let mut admitted: Vec<(Hash, Vec<u8>, ChunkAuthor, AuthorStanding)> = Vec::new();
        for (c, author) in d.chunks.into_iter().zip(d.authors) {
            if c.len() > MAX_CHUNK || c.len() < huella_keys::SEAL_OVERHEAD {
                return Ok(Err("fragmento de tamaño inválido".into()));
            }
            let h = super::chunk_hash(id, &c);
            if chunks.contains(&h) || admitted.iter().any(|(x, ..)| *x == h) {
                continue;
            }
            if !author.verifies(&id.0, &h) {
                return Ok(Err("fragmento sin firma válida de su autor".into()));
            }
            let Some(standing) = check.author(&author.key) else {
                return Ok(Err(
                    "fragmento de una estación que no es de confianza".into()
                ));
            };
            admitted.push((h, c, author, standing));
        }
        let standings: Vec<&AuthorStanding> = admitted.iter().map(|(.., s)| s).collect();
        let owner = match owner {
            Some(o) => o,
            None if admitted.is_empty() => String::new(),
            None => match founding_office(&standings) {
                Some(o) => {
                    if o != ANY_OFFICE {
                        batch.insert(keys::origin(id), o.as_bytes());
                        batch.insert(keys::office_record(&o, id), &[] as &[u8]);
                    }
                    o
                }
                None => return Ok(Err("fragmentos de un registro sin oficina dueña".into())),
            },
        };
        if standings.iter().any(|s| !s.writes_for(&owner)) {
            tracing::warn!(target: "huella::sync", record = %id, "chunk of another office refused");
            return Ok(Err(
                "fragmento de otra oficina sobre un registro que no es suyo".into(),
            ));
        }
        let mut new_chunks = 0;
        for (h, c, author, _) in admitted {
            chunks.push(h);
            batch.insert(keys::chunk(id, &h), c);
            batch.insert(
                keys::author(id, &h),
                postcard::to_stdvec(&author).map_err(|e| ReplicaError::Damaged(e.to_string()))?,
            );
            new_chunks += 1;
        }
        let mut blobs = self.blob_hashes(id)?;
        let (mut new_blobs, mut bytes) = (0, 0u64);
        for part in d.blobs {
            if blobs.contains(&part.hash) {
                continue;
            }
            match self.blob_part(id, part, &mut batch)? {
                Some((h, n, done)) => {
                    bytes += n;
                    if done {
                        blobs.push(h);
                        new_blobs += 1;
                    }
                }
                None => continue,
            }
        }
        let mut m: RecordMeta = self.meta(id)?.unwrap_or_default();
        m.digest = record_digest(&chunks, &blobs);
        let meta = postcard::to_stdvec(&m).map_err(|e| ReplicaError::Damaged(e.to_string()))?;
        batch.insert(keys::meta(id), meta);
        if mark && (new_chunks > 0 || new_blobs > 0 || !has_key) {
            batch.insert(keys::pending(id), Vec::new());
        }
        tree.apply_batch(batch)?;
        Ok(Ok((new_chunks, new_blobs, bytes)))
    }

    /// Who wrote chunk `h` of record `id`, if recorded (chunks stored by earlier builds
    /// have no author and are refused by receivers).
    pub fn chunk_author(
        &self,
        id: &RecordId,
        h: &Hash,
    ) -> Result<Option<ChunkAuthor>, ReplicaError> {
        match self.tree().get(keys::author(id, h))? {
            None => Ok(None),
            Some(v) => postcard::from_bytes(&v)
                .map(Some)
                .map_err(|e| ReplicaError::Damaged(format!("autor {id}: {e}"))),
        }
    }

    /// Stores a blob part; returns (hash, bytes stored, blob complete) or `None` if ignored.
    fn blob_part(
        &self,
        id: &RecordId,
        part: BlobPart,
        batch: &mut super::Batch,
    ) -> Result<Option<(Hash, u64, bool)>, ReplicaError> {
        let held = self
            .tree()
            .get(keys::partial(id, &part.hash))?
            .map(|v| v.to_vec())
            .unwrap_or_default();
        if part.offset != held.len() as u64 || part.total > 1 << 30 {
            return Ok(None);
        }
        let mut all = held;
        all.extend_from_slice(&part.bytes);
        let n = part.bytes.len() as u64;
        if all.len() as u64 > part.total {
            batch.remove(keys::partial(id, &part.hash));
            return Ok(None);
        }
        if (all.len() as u64) < part.total {
            batch.insert(keys::partial(id, &part.hash), all);
            return Ok(Some((part.hash, n, false)));
        }
        batch.remove(keys::partial(id, &part.hash));
        let h: Hash = Sha256::digest(&all).into();
        if h != part.hash {
            tracing::warn!(target: "huella::sync", record = %id, "blob hash mismatch, dropped");
            return Ok(None);
        }
        batch.insert(keys::blob(id, &h), all);
        Ok(Some((h, n, true)))
    }

    /// Removes everything replicated of a record and keeps its erasure entry; with `mark`,
    /// also leaves a pending-merge marker so the station's local copy is erased even if it
    /// stops before doing so.
    pub(crate) fn erase_replica(
        &self,
        id: &RecordId,
        e: &Erasure,
        mark: bool,
    ) -> Result<(), ReplicaError> {
        let tree = self.tree();
        let mut batch = super::Batch::default();
        batch.remove(keys::wrapped(id));
        for prefix in [
            keys::chunk_prefix(id),
            keys::author_prefix(id),
            keys::partial_prefix(id),
            keys::blob_prefix(id),
        ] {
            for k in tree.scan_keys(prefix)? {
                batch.remove(k);
            }
        }
        let ev = postcard::to_stdvec(e).map_err(|e| ReplicaError::Damaged(e.to_string()))?;
        batch.insert(keys::erasure(id), ev);
        let m = RecordMeta {
            digest: super::erased_digest(id),
            ..RecordMeta::default()
        };
        let mv = postcard::to_stdvec(&m).map_err(|e| ReplicaError::Damaged(e.to_string()))?;
        batch.insert(keys::meta(id), mv);
        if mark {
            batch.insert(keys::pending(id), Vec::new());
        }
        tree.apply_batch(batch)?;
        Ok(())
    }
}

/// An [`ErasureCheck`] whose author standings are looked up once per key and apply call
/// (a roster scan each otherwise).
struct CachedAuthors<'c> {
    check: &'c dyn ErasureCheck,
    known: std::cell::RefCell<std::collections::HashMap<[u8; 32], Option<AuthorStanding>>>,
}

impl CachedAuthors<'_> {
    fn author(&self, key: &[u8; 32]) -> Option<AuthorStanding> {
        if let Some(s) = self.known.borrow().get(key) {
            return s.clone();
        }
        let s = self.check.author(key);
        self.known.borrow_mut().insert(*key, s.clone());
        s
    }
}

/// The office that owns a record first seen here with chunks of these authors: the one
/// station office every author writes for (a central key founds no record); `None` when
/// there is none, or more than one.
fn founding_office(standings: &[&AuthorStanding]) -> Option<String> {
    let mut found: Option<&str> = None;
    for s in standings {
        let Some(o) = s.station_of.as_deref() else {
            continue;
        };
        if standings.iter().all(|t| t.writes_for(o)) {
            match found {
                Some(f) if f != o => return None,
                _ => found = Some(o),
            }
        }
    }
    found.map(str::to_owned)
}
