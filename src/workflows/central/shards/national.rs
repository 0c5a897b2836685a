//! The central pass's national gallery on the sharded search (`central run --search
//! postgres://…`). A person's entry is an INSERT whose reference id names the record and the
//! capture set it holds (`<record hex>.<digest>`, [`capture_reference`]); a re-captured
//! person's new capture set is a new reference (MOSIP: a reference id is inserted once), and
//! their older references are deleted once the new one is in. Plain record-id references,
//! which the first galleries wrote, are read as an older capture set of that record. Searching
//! a new person is an identify through the coordinator, whose merged candidates are judged
//! exactly as the in-process gallery judges its own
//! ([`crate::workflows::central::gallery::judge_hits`], which maps references back to
//! records).
//!
//! Bookkeeping is set-based: the gallery's references are read once when the gallery is
//! opened (keyset pages of [`requests::REFERENCE_PAGE`]), kept by record, and the pass's
//! inserts and deletes go in batches (one transaction each), so a pass makes a few queries
//! per batch of people, not one per person.
//!
//! This module owns that adaptation. It must not write records or verdicts (the pass does).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use huella_sync::RecordId;
use postgres::Client;

use super::coordinator::{self, IdentifyOptions};
use super::requests::{self, DeleteRequest, InsertRequest};
use super::seal::GalleryKey;
use super::{ShardError, new_request_id, tables};
use crate::matching::Template;
use crate::workflows::central::gallery::{
    NationalHit, capture_reference, digest_of_reference, judge_hits, record_of_reference,
};
use crate::workflows::session::Session;

/// People inserted per transaction by [`ShardedGallery::put_all`].
pub const INSERT_BATCH: usize = 200;

/// References deleted per transaction.
pub const DELETE_BATCH: usize = 1_000;

/// One person to insert: the record, the reference wanted, the fingers (position, template).
type Pending = (RecordId, String, Vec<(u8, Template)>);

/// The sharded national gallery, opened by the central node.
pub struct ShardedGallery {
    client: Client,
    key: GalleryKey,
    people: usize,
    timeout: Duration,
    /// References with fingers in the gallery, by record (read when opened, then kept up to
    /// date by this gallery's own inserts and deletes).
    live: HashMap<RecordId, Vec<String>>,
    /// References in the gallery that name no record (damaged or foreign rows).
    strays: Vec<String>,
}

/// What [`ShardedGallery::put_all`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PutReport {
    /// References inserted (a new capture set each).
    pub inserted: usize,
    /// Older references of the same people deleted.
    pub replaced: usize,
}

impl ShardedGallery {
    /// Connects to the search database `url`, opening the gallery key with the session's
    /// central identity (and creating it, wrapped to this office's key, on a new database),
    /// and reads the gallery's references.
    pub fn open(url: &str, session: &Session, timeout: Duration) -> Result<Self, ShardError> {
        let mut client = tables::connect(url, "huella-central-run")?;
        let station = &session.credential.station;
        let recipient = station.public().office_recipient;
        let key = GalleryKey::open_or_create(&mut client, &recipient, station)?;
        Self::with(client, key, timeout)
    }

    /// The gallery on an open connection and key (what [`ShardedGallery::open`] does after
    /// connecting); reads the gallery's references.
    pub fn with(client: Client, key: GalleryKey, timeout: Duration) -> Result<Self, ShardError> {
        let mut g = ShardedGallery {
            client,
            key,
            people: 0,
            timeout,
            live: HashMap::new(),
            strays: Vec::new(),
        };
        let mut after = String::new();
        loop {
            let page = requests::live_references(&mut g.client, &after, requests::REFERENCE_PAGE)?;
            let Some(last) = page.last() else { break };
            after = last.clone();
            for reference in page {
                match record_of_reference(&reference) {
                    Some(id) => g.live.entry(id).or_default().push(reference),
                    None => g.strays.push(reference),
                }
            }
        }
        Ok(g)
    }

    /// The references of `id` with fingers in the gallery (empty when it has none).
    pub fn references(&self, id: RecordId) -> &[String] {
        self.live.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Whether `id`'s capture set `digest` is in the gallery (and no other set of `id` is).
    pub fn holds(&self, id: RecordId, digest: &str) -> bool {
        let refs = self.references(id);
        !refs.is_empty() && refs.iter().all(|r| digest_of_reference(r) == digest)
    }

    /// Makes the gallery hold, for each `(record, digest)` of `people`, that capture set and
    /// no other: a person whose set has no reference yet is inserted (`fingers` gives the
    /// templates; a person without any is not inserted), in batches of [`INSERT_BATCH`], and
    /// then the person's other references are deleted (a re-capture replaces the fingers; a
    /// pass killed in between leaves both, and the next one deletes the older). A set whose
    /// reference was deleted before (a reference is never reused) gets a fresh suffix.
    pub fn put_all<E: From<ShardError>>(
        &mut self,
        people: &[(RecordId, String)],
        mut fingers: impl FnMut(RecordId) -> Result<Vec<(u8, Template)>, E>,
    ) -> Result<PutReport, E> {
        let mut report = PutReport::default();
        let mut batch: Vec<Pending> = Vec::new();
        let mut stale: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for (id, digest) in people {
            let (id, digest) = (*id, digest.as_str());
            if !seen.insert(id) || self.holds(id, digest) {
                continue;
            }
            let current = self
                .references(id)
                .iter()
                .any(|r| digest_of_reference(r) == digest);
            if !current {
                let templates = fingers(id)?;
                if !templates.is_empty() {
                    batch.push((id, capture_reference(id, digest), templates));
                }
            }
            stale.extend(
                self.references(id)
                    .iter()
                    .filter(|r| digest_of_reference(r) != digest)
                    .cloned(),
            );
            if batch.len() >= INSERT_BATCH || stale.len() >= DELETE_BATCH {
                report.inserted += self.insert_batch(&batch)?;
                batch.clear();
                report.replaced += self.delete_references(&stale)?;
                stale.clear();
            }
        }
        report.inserted += self.insert_batch(&batch)?;
        report.replaced += self.delete_references(&stale)?;
        Ok(report)
    }

    /// Inserts each `(record, reference, fingers)` of `batch` in one transaction (a reference
    /// deleted before gets a random suffix); returns how many.
    fn insert_batch(&mut self, batch: &[Pending]) -> Result<usize, ShardError> {
        if batch.is_empty() {
            return Ok(0);
        }
        let wanted: Vec<&str> = batch.iter().map(|(_, r, _)| r.as_str()).collect();
        let tombstoned = requests::deleted_among(&mut self.client, &wanted)?;
        let references: Vec<String> = batch
            .iter()
            .map(|(_, r, _)| {
                if tombstoned.contains(r) {
                    format!("{r}.{}", &new_request_id()[..8])
                } else {
                    r.clone()
                }
            })
            .collect();
        let ids: Vec<String> = batch.iter().map(|_| new_request_id()).collect();
        let inserts: Vec<InsertRequest<'_>> = batch
            .iter()
            .zip(&references)
            .zip(&ids)
            .map(|(((_, _, f), reference), request)| InsertRequest {
                request_id: request,
                reference_id: reference,
                fingers: f,
            })
            .collect();
        requests::insert_many(&mut self.client, &self.key, &inserts)?;
        for ((id, _, _), reference) in batch.iter().zip(references) {
            self.live.entry(*id).or_default().push(reference);
        }
        Ok(batch.len())
    }

    /// Deletes `references` in batches of [`DELETE_BATCH`]; returns how many this call
    /// deleted (one deleted meanwhile by another pass is not counted).
    fn delete_references(&mut self, references: &[String]) -> Result<usize, ShardError> {
        let mut deleted = 0;
        for chunk in references.chunks(DELETE_BATCH) {
            let ids: Vec<String> = chunk.iter().map(|_| new_request_id()).collect();
            let requests: Vec<DeleteRequest<'_>> = chunk
                .iter()
                .zip(&ids)
                .map(|(r, request)| DeleteRequest {
                    request_id: request,
                    reference_id: r,
                })
                .collect();
            deleted += requests::delete_many(&mut self.client, &requests)?.len();
            for r in chunk {
                let Some(id) = record_of_reference(r) else {
                    self.strays.retain(|x| x != r);
                    continue;
                };
                if let Some(refs) = self.live.get_mut(&id) {
                    refs.retain(|x| x != r);
                    if refs.is_empty() {
                        self.live.remove(&id);
                    }
                }
            }
        }
        Ok(deleted)
    }

    /// Deletes from the gallery every person `keep` says no longer belongs there (erased at
    /// this node by an office's order, rejected as a national duplicate, restricted), every
    /// reference of theirs, and any reference naming no record: DELETE requests in batches of
    /// [`DELETE_BATCH`]; returns how many references were deleted.
    pub fn drop_unless(&mut self, keep: impl Fn(RecordId) -> bool) -> Result<usize, ShardError> {
        let mut gone: Vec<String> = self.strays.clone();
        for (id, refs) in &self.live {
            if !keep(*id) {
                gone.extend(refs.iter().cloned());
            }
        }
        // Deterministic order (the map's is not): tombstones follow the references' order.
        gone.sort();
        self.delete_references(&gone)
    }

    /// People the last identify searched.
    pub fn people(&self) -> usize {
        self.people
    }

    /// Searches with `id`'s fingers (every reference of `id` left out of the answer) and
    /// judges the candidates.
    pub fn search(
        &mut self,
        id: RecordId,
        fingers: &[(u8, Template)],
    ) -> Result<Vec<NationalHit>, ShardError> {
        if fingers.is_empty() {
            return Ok(Vec::new());
        }
        let answer = coordinator::identify(
            &mut self.client,
            &self.key,
            &id.to_hex(),
            fingers,
            &IdentifyOptions {
                timeout: self.timeout,
                ..IdentifyOptions::default()
            },
        )?;
        self.people = answer.people;
        Ok(judge_hits(
            id,
            fingers.len(),
            answer.people,
            answer.candidates,
        ))
    }
}
