//! One search worker (`huella central worker`): it leases shards ([`super::lease`]), loads
//! and unseals their fingers into an in-memory [`Gallery`] prepared by the matcher, follows
//! new inserts and deletes by sequence number, and answers identify requests for the shards
//! it holds. It answers an identify only once its gallery is loaded up to the sequence the
//! identify saw at submission, and writes a shard's answer only while its lease on that shard
//! is live (checked in the same statement), so a stalled worker whose shards were taken over
//! cannot answer for them.
//!
//! A worker keeps no state outside memory and the lease rows: killed at any point, its leases
//! expire and another worker claims and reloads its shards. A database error (the
//! connection dropped, the server restarted, a failover) does not end [`run`]: the worker
//! reconnects with a growing pause, keeps the shards it had loaded whole (renewing tells it
//! which it still holds), and gives back and reloads any shard whose load the error cut
//! short. This module owns that loop. It must not
//! print (it reports [`WorkerEvent`]s), write records, or log templates or the key.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

use huella_keys::StationSecrets;
use postgres::Client;

use super::seal::{GalleryKey, MAX_SEALED};
use super::{ShardError, ShardRange, lease, shard_of, tables};
use crate::matching::{Finger, Gallery, Prepared, SearchOptions, prepare};

/// Rows fetched per round trip while loading or following.
const FETCH_ROWS: i32 = 2000;
/// Beyond this many new sequence numbers, following loads shard by shard (a sorted page
/// over every held shard costs a sort of the whole run per page); the default of
/// [`WorkerOptions::bulk_follow`].
pub const BULK_FOLLOW: i64 = 20_000;
/// Identify requests taken per poll.
const JOBS_PER_POLL: i64 = 16;
/// Most candidates a shard answer carries.
pub const MAX_RESULTS: i32 = 100;
/// Longest wait between polls when there is nothing to do; a submitted identify wakes the
/// worker at once (a notification).
const IDLE: Duration = Duration::from_millis(500);
/// First pause before reconnecting after a database error; doubled per failed attempt.
const RECONNECT_FIRST: Duration = Duration::from_millis(500);
/// Longest pause between reconnection attempts.
const RECONNECT_MAX: Duration = Duration::from_secs(30);

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Its own shard range (`--shards`); expired shards of others are taken over too.
    pub range: ShardRange,
    /// Lease length; renewed every third of it.
    pub lease: Duration,
    /// Threads for preparing and searching.
    pub threads: usize,
    /// A name unique among workers (shown in the lease table and in answers).
    pub name: String,
    /// New sequence numbers beyond which a follow loads shard by shard ([`BULK_FOLLOW`]).
    pub bulk_follow: i64,
}

/// What a worker did, for the face to word.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WorkerEvent {
    /// Shards claimed and loaded.
    Loaded {
        /// The shards.
        shards: Vec<i16>,
        /// Fingers loaded for them.
        fingers: usize,
        /// Rows that did not open (damaged) and were left out.
        skipped: usize,
        /// Milliseconds the load took.
        millis: u128,
    },
    /// Shards whose lease was taken over by another worker (dropped from memory).
    Lost {
        /// The shards.
        shards: Vec<i16>,
    },
    /// Shards of another worker's range, taken over earlier, handed back to it on its
    /// request (dropped from memory).
    HandedBack {
        /// The shards.
        shards: Vec<i16>,
    },
    /// An identify answered for some shards.
    Answered {
        /// Request id.
        request: String,
        /// Shards answered.
        shards: usize,
    },
    /// The database failed; the worker waits `wait` and reconnects (attempt `attempt`).
    Reconnecting {
        /// Attempt number, from 1.
        attempt: u32,
        /// Pause before this attempt.
        wait: Duration,
    },
    /// Connected again; `reloading` shards whose load had been cut short were given back to
    /// be claimed and loaded again.
    Reconnected {
        /// Shards given back.
        reloading: usize,
    },
}

/// The worker's memory: its leases, its gallery, how far it has followed.
pub struct Worker {
    client: Client,
    url: String,
    key: GalleryKey,
    opts: WorkerOptions,
    held: BTreeSet<i16>,
    /// Claimed shards whose load has not finished (given back after a database error).
    loading: BTreeSet<i16>,
    /// Gallery sequence up to which rows are loaded (≥ `loaded` only between a follow's
    /// rows and its deletions).
    rows_to: i64,
    /// Where an interrupted follow stopped (the last row it added), so that the next one
    /// resumes there instead of adding rows twice.
    follow_from: Option<(i64, String, i16)>,
    gallery: Gallery,
    people: HashMap<i16, HashSet<String>>,
    loaded: i64,
    renewed: Option<Instant>,
}

/// A worker name unique among workers: host name, process id and 16 random bits.
pub fn default_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| {
            h.trim()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
                .take(64)
                .collect::<String>()
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "trabajador".to_owned());
    let mut salt = [0u8; 2];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut salt);
    format!("{host}-{}-{}", std::process::id(), hex::encode(salt))
}

impl Worker {
    /// Connects to the search database `url` and opens the gallery key with the central
    /// node's identities (`station`), creating it wrapped to the station's office key on a
    /// new database (the worker runs from the central node's home, like `central run`).
    pub fn open(
        url: &str,
        station: &StationSecrets,
        opts: WorkerOptions,
    ) -> Result<Self, ShardError> {
        let mut client = tables::connect(url, "huella-central-worker")?;
        tables::listen(&mut client, tables::IDENTIFY_SUBMITTED)?;
        let recipient = station.public().office_recipient;
        let key = GalleryKey::open_or_create(&mut client, &recipient, station)?;
        Ok(Self::with(client, url, key, opts))
    }

    /// Connects to the search database `url` with an already opened gallery key.
    pub fn connect(url: &str, key: GalleryKey, opts: WorkerOptions) -> Result<Self, ShardError> {
        let mut client = tables::connect(url, "huella-central-worker")?;
        tables::listen(&mut client, tables::IDENTIFY_SUBMITTED)?;
        Ok(Self::with(client, url, key, opts))
    }

    fn with(client: Client, url: &str, key: GalleryKey, opts: WorkerOptions) -> Self {
        Worker {
            client,
            url: url.to_owned(),
            key,
            opts,
            held: BTreeSet::new(),
            loading: BTreeSet::new(),
            follow_from: None,
            rows_to: 0,
            gallery: Gallery::new(),
            people: HashMap::new(),
            loaded: 0,
            renewed: None,
        }
    }

    /// The worker's name.
    pub fn name(&self) -> &str {
        &self.opts.name
    }

    /// Fingers held in memory.
    pub fn fingers(&self) -> usize {
        self.gallery.len()
    }

    /// Shards held.
    pub fn held(&self) -> Vec<i16> {
        self.held.iter().copied().collect()
    }

    fn lease_secs(&self) -> i32 {
        self.opts.lease.as_secs().clamp(1, 3600) as i32
    }

    /// One round: renew and claim leases when due, follow the gallery, answer identifies.
    /// Returns whether it did any work.
    pub fn step(&mut self, events: &mut dyn FnMut(WorkerEvent)) -> Result<bool, ShardError> {
        let mut busy = false;
        if self.renewal_due() {
            self.renew_and_claim(events)?;
            busy = true;
        }
        busy |= self.follow(events)?;
        busy |= self.answer(events)?;
        Ok(busy)
    }

    fn renew_and_claim(&mut self, events: &mut dyn FnMut(WorkerEvent)) -> Result<(), ShardError> {
        self.renew(events)?;
        // Follow before loading new shards, so they are loaded up to the same sequence.
        self.follow(events)?;
        let held: Vec<i16> = self.held.iter().copied().collect();
        let secs = self.lease_secs();
        let claimed = lease::claim(
            &mut self.client,
            &self.opts.name,
            &held,
            &self.opts.range.shards(),
            secs,
            self.loaded,
        )?;
        // Ask for the rest of the own range back from whoever took it over.
        let missing: Vec<i16> = self
            .opts
            .range
            .shards()
            .into_iter()
            .filter(|s| !self.held.contains(s) && !claimed.contains(s))
            .collect();
        lease::want(&mut self.client, &self.opts.name, &missing)?;
        if !claimed.is_empty() {
            let started = Instant::now();
            // Held from now on, so that the renewals during a long load keep them.
            self.held.extend(claimed.iter().copied());
            self.loading.extend(claimed.iter().copied());
            let upto = self.rows_to.max(self.loaded);
            let (fingers, skipped) = self.load_shards(&claimed, i64::MIN, upto, events)?;
            events(WorkerEvent::Loaded {
                shards: claimed
                    .into_iter()
                    .filter(|s| self.held.contains(s))
                    .collect(),
                fingers,
                skipped,
                millis: started.elapsed().as_millis(),
            });
        }
        Ok(())
    }

    /// Renews every held lease and drops the shards it no longer holds.
    fn renew(&mut self, events: &mut dyn FnMut(WorkerEvent)) -> Result<(), ShardError> {
        let held: Vec<i16> = self.held.iter().copied().collect();
        let secs = self.lease_secs();
        let renewal = lease::renew(&mut self.client, &self.opts.name, &held, secs, self.loaded)?;
        self.renewed = Some(Instant::now());
        let lost: Vec<i16> = held
            .iter()
            .copied()
            .filter(|s| !renewal.kept.contains(s))
            .collect();
        if !lost.is_empty() {
            self.drop_shards(&lost);
            events(WorkerEvent::Lost { shards: lost });
        }
        // Shards taken over from another range go back when their own worker asks.
        let range = self.opts.range;
        let back: Vec<i16> = renewal
            .wanted
            .into_iter()
            .filter(|s| !(range.first..=range.last).contains(s))
            .collect();
        if !back.is_empty() {
            lease::hand_back(&mut self.client, &self.opts.name, &back)?;
            self.drop_shards(&back);
            events(WorkerEvent::HandedBack { shards: back });
        }
        Ok(())
    }

    fn renewal_due(&self) -> bool {
        self.renewed
            .is_none_or(|t| t.elapsed() >= self.opts.lease / 3)
    }

    fn drop_shards(&mut self, shards: &[i16]) {
        for s in shards {
            self.held.remove(s);
            self.loading.remove(s);
            self.people.remove(s);
        }
        let dropped: HashSet<i16> = shards.iter().copied().collect();
        self.gallery
            .retain_people(|p| !dropped.contains(&shard_of(p)));
    }

    /// Loads the fingers of `shards` (those still held) with `after < seq ≤ upto`, one shard
    /// at a time (each page a range scan of the load-order index, migration 0002), renewing
    /// the leases between pages when due so that a load longer than a lease keeps them.
    /// Returns (fingers added, rows that did not open).
    fn load_shards(
        &mut self,
        shards: &[i16],
        after: i64,
        upto: i64,
        events: &mut dyn FnMut(WorkerEvent),
    ) -> Result<(usize, usize), ShardError> {
        let (mut added, mut skipped) = (0, 0);
        for &shard in shards {
            let (a, k) = self.load_pages(Pages::One(shard), after, upto, events)?;
            self.loading.remove(&shard);
            added += a;
            skipped += k;
        }
        Ok((added, skipped))
    }

    /// Loads the rows of `which` (held shards only) with `after < seq ≤ upto`, in pages of
    /// [`FETCH_ROWS`] ordered by (seq, reference, finger). Rows too large or with an
    /// over-long reference are skipped by the query. Returns (fingers added, rows that did
    /// not open).
    fn load_pages(
        &mut self,
        which: Pages,
        after: i64,
        upto: i64,
        events: &mut dyn FnMut(WorkerEvent),
    ) -> Result<(usize, usize), ShardError> {
        let max = MAX_SEALED as i32;
        let resume = match which {
            Pages::Held => self.follow_from.take(),
            Pages::One(_) => None,
        };
        let (mut cursor_seq, mut cursor_ref, mut cursor_finger) =
            resume.unwrap_or((after, String::new(), -1i16));
        let (mut added, mut skipped) = (0, 0);
        loop {
            // The same page query for one shard or for every held shard.
            let (one, many): (i16, Vec<i16>);
            let (shards, param): (&str, &(dyn postgres::types::ToSql + Sync)) = match which {
                Pages::One(shard) => {
                    if !self.held.contains(&shard) {
                        break;
                    }
                    one = shard;
                    ("shard = $1", &one)
                }
                Pages::Held => {
                    many = self.held.iter().copied().collect();
                    if many.is_empty() {
                        break;
                    }
                    ("shard = ANY($1)", &many)
                }
            };
            let rows = self.client.query(
                &format!(
                    "SELECT reference_id, finger, seq, sealed FROM gallery_fingers \
                     WHERE {shards} AND seq > $2 AND seq <= $3 \
                       AND (seq, reference_id, finger) > ($4, $5, $6) \
                       AND length(sealed) <= $7 AND length(reference_id) <= 128 \
                     ORDER BY seq, reference_id, finger LIMIT $8"
                ),
                &[
                    param,
                    &after,
                    &upto,
                    &cursor_seq,
                    &cursor_ref,
                    &cursor_finger,
                    &max,
                    &i64::from(FETCH_ROWS),
                ],
            )?;
            let n = rows.len();
            let mut page = Vec::with_capacity(n);
            for r in rows {
                let bad = || ShardError::BadRow {
                    table: "gallery_fingers",
                };
                let reference: String = r.try_get(0).map_err(|_| bad())?;
                let finger: i16 = r.try_get(1).map_err(|_| bad())?;
                let seq: i64 = r.try_get(2).map_err(|_| bad())?;
                let sealed: Vec<u8> = r.try_get(3).map_err(|_| bad())?;
                (cursor_seq, cursor_ref, cursor_finger) = (seq, reference.clone(), finger);
                page.push(FingerRow {
                    reference,
                    finger: finger.clamp(0, 10) as u8,
                    seq,
                    sealed,
                });
            }
            let (a, k) = self.add_rows(page);
            added += a;
            skipped += k;
            if matches!(which, Pages::Held) {
                self.follow_from = Some((cursor_seq, cursor_ref.clone(), cursor_finger));
            }
            if n < FETCH_ROWS as usize {
                break;
            }
            if self.renewal_due() {
                self.renew(events)?;
            }
        }
        Ok((added, skipped))
    }

    /// Unseals and prepares `rows` on the worker's threads and adds them to the gallery;
    /// returns (fingers added, rows skipped).
    fn add_rows(&mut self, rows: Vec<FingerRow>) -> (usize, usize) {
        let threads = self.opts.threads.max(1);
        let chunk = rows.len().div_ceil(threads).max(1);
        let key = &self.key;
        let prepared: Vec<Option<Prepared>> = std::thread::scope(|s| {
            let handles: Vec<_> = rows
                .chunks(chunk)
                .map(|part| {
                    let h = s.spawn(move || {
                        part.iter()
                            .map(|r| {
                                key.open_finger(&r.reference, r.finger, &r.sealed)
                                    .ok()
                                    .map(|t| prepare(&t))
                            })
                            .collect::<Vec<_>>()
                    });
                    (part.len(), h)
                })
                .collect();
            // A chunk whose thread failed counts as unreadable rows, in place, so that every
            // prepared finger stays paired with its own row.
            handles
                .into_iter()
                .flat_map(|(len, h)| h.join().unwrap_or_else(|_| vec![None; len]))
                .collect()
        });
        let (mut added, mut skipped) = (0, 0);
        for (r, p) in rows.into_iter().zip(prepared) {
            match p {
                Some(p) => {
                    self.people
                        .entry(shard_of(&r.reference))
                        .or_default()
                        .insert(r.reference.clone());
                    self.gallery.add_prepared(&r.reference, r.finger, p);
                    added += 1;
                }
                None => {
                    tracing::warn!(target: "huella::central", seq = r.seq, "sealed finger did not open; left out");
                    skipped += 1;
                }
            }
        }
        (added, skipped)
    }

    /// Follows inserts and deletes up to the gallery head; returns whether anything moved.
    fn follow(&mut self, events: &mut dyn FnMut(WorkerEvent)) -> Result<bool, ShardError> {
        let head = tables::head(&mut self.client)?;
        if head <= self.loaded {
            return Ok(false);
        }
        let held: Vec<i16> = self.held.iter().copied().collect();
        if !held.is_empty() {
            let from = self.rows_to.max(self.loaded);
            if head - from > self.opts.bulk_follow {
                // A long run of inserts (a bulk pass): one shard at a time through the index,
                // as a claim loads. Cut anywhere, every held shard is given back and reloaded
                // whole (the run is in memory for some shards and not for others).
                self.loading.extend(held.iter().copied());
                for &shard in &held {
                    self.load_pages(Pages::One(shard), from, head, events)?;
                }
                for shard in &held {
                    self.loading.remove(shard);
                }
            } else if head > from {
                self.load_pages(Pages::Held, from, head, events)?;
            }
            // Rows are in up to `head`; should the deletions below fail, the next follow
            // does not add them again.
            self.rows_to = head;
            let held: Vec<i16> = self.held.iter().copied().collect();
            let deleted = self.client.query(
                "SELECT reference_id FROM gallery_deletions \
                 WHERE shard = ANY($1) AND seq > $2 AND seq <= $3 AND length(reference_id) <= 128",
                &[&held, &self.loaded, &head],
            )?;
            let gone: HashSet<String> = deleted
                .iter()
                .filter_map(|r| r.try_get::<_, String>(0).ok())
                .collect();
            if !gone.is_empty() {
                self.gallery.retain_people(|p| !gone.contains(p));
                for set in self.people.values_mut() {
                    set.retain(|p| !gone.contains(p));
                }
            }
        }
        self.loaded = head;
        self.follow_from = None;
        Ok(true)
    }

    /// Waits until an identify is submitted or the idle poll interval passes (call it when
    /// [`Worker::step`] found nothing to do).
    pub fn wait_for_work(&mut self) -> Result<(), ShardError> {
        tables::wait_notified(&mut self.client, IDLE)?;
        Ok(())
    }

    /// After a database error: reconnects (pausing [`RECONNECT_FIRST`], doubling up to
    /// [`RECONNECT_MAX`]), then gives back the shards whose load the error cut short (their
    /// rows are partly in memory: they are dropped and their leases released, so the next
    /// claim loads them whole) and renews the rest at the next step. Returns only once
    /// connected; a schema newer than this build ends it with that error.
    pub fn recover(&mut self, events: &mut dyn FnMut(WorkerEvent)) -> Result<(), ShardError> {
        let mut wait = RECONNECT_FIRST;
        let mut attempt = 0u32;
        let client = loop {
            attempt = attempt.saturating_add(1);
            events(WorkerEvent::Reconnecting { attempt, wait });
            std::thread::sleep(wait);
            match tables::connect(&self.url, "huella-central-worker").and_then(|mut c| {
                tables::listen(&mut c, tables::IDENTIFY_SUBMITTED)?;
                Ok(c)
            }) {
                Ok(c) => break c,
                Err(e @ ShardError::SchemaNewer { .. }) => return Err(e),
                Err(e) => {
                    tracing::warn!(target: "huella::central", attempt, error = %e, "search database still unavailable");
                    wait = (wait * 2).min(RECONNECT_MAX);
                }
            }
        };
        self.client = client;
        let cut: Vec<i16> = self.loading.iter().copied().collect();
        self.drop_shards(&cut);
        if !cut.is_empty() {
            lease::release(&mut self.client, &self.opts.name, &cut)?;
        }
        self.renewed = None;
        events(WorkerEvent::Reconnected {
            reloading: cut.len(),
        });
        Ok(())
    }

    /// Answers the open identifies this worker can: those submitted at a sequence it has
    /// loaded, for its shards not answered yet.
    fn answer(&mut self, events: &mut dyn FnMut(WorkerEvent)) -> Result<bool, ShardError> {
        if self.held.is_empty() {
            return Ok(false);
        }
        let max = (MAX_SEALED * super::seal::MAX_PROBE_FINGERS) as i32;
        let jobs = self.client.query(
            "SELECT request_id, probe, max_results FROM abis_requests \
             WHERE operation = 'IDENTIFY' AND answered_at IS NULL AND deadline > now() \
               AND gallery_seq <= $1 AND probe IS NOT NULL AND length(probe) <= $2 \
               AND length(request_id) <= 128 \
             ORDER BY requested_at LIMIT $3",
            &[&self.loaded, &max, &JOBS_PER_POLL],
        )?;
        let mut busy = false;
        for job in &jobs {
            let (Ok(request), Ok(probe), Ok(max_results)) = (
                job.try_get::<_, String>(0),
                job.try_get::<_, Vec<u8>>(1),
                job.try_get::<_, i32>(2),
            ) else {
                continue;
            };
            let done: HashSet<i16> = self
                .client
                .query(
                    "SELECT shard FROM identify_results WHERE request_id = $1 LIMIT 256",
                    &[&request],
                )?
                .iter()
                .filter_map(|r| r.try_get::<_, i16>(0).ok())
                .collect();
            let todo: Vec<i16> = self
                .held
                .iter()
                .copied()
                .filter(|s| !done.contains(s))
                .collect();
            if todo.is_empty() {
                continue;
            }
            let Ok(probes) = self.key.open_probe(&request, &probe) else {
                tracing::warn!(target: "huella::central", "identify probe did not open; skipped");
                continue;
            };
            let fingers: Vec<Finger> = probes.iter().map(|(p, t)| Finger::new(*p, t)).collect();
            let opts = SearchOptions {
                max_candidates: max_results.clamp(1, MAX_RESULTS) as usize,
                threads: self.opts.threads.max(1),
                ..SearchOptions::default()
            };
            let found = self.gallery.search(&fingers, &opts);
            let mut by_shard: HashMap<i16, Vec<super::coordinator::ShardCandidate>> =
                HashMap::new();
            for c in found {
                by_shard
                    .entry(shard_of(&c.person))
                    .or_default()
                    .push(super::coordinator::ShardCandidate::from(c));
            }
            let mut tx = self.client.transaction()?;
            let insert = tx.prepare(
                "INSERT INTO identify_results (request_id, shard, worker, people, candidates) \
                 SELECT $1, $2, $3, $4, $5 WHERE EXISTS (\
                   SELECT 1 FROM shard_leases WHERE shard = $2 AND worker = $3 \
                   AND expires_at > now()) \
                 ON CONFLICT (request_id, shard) DO NOTHING",
            )?;
            let mut answered = 0;
            for s in &todo {
                let list = by_shard.remove(s).unwrap_or_default();
                let text = serde_json::to_string(&list).unwrap_or_else(|_| "[]".to_owned());
                let people = self.people.get(s).map_or(0, HashSet::len) as i32;
                answered += tx.execute(&insert, &[&request, s, &self.opts.name, &people, &text])?;
            }
            if answered > 0 {
                tx.execute(&format!("NOTIFY {}", tables::IDENTIFY_ANSWERED), &[])?;
            }
            tx.commit()?;
            if answered > 0 {
                busy = true;
                events(WorkerEvent::Answered {
                    request,
                    shards: answered as usize,
                });
            }
        }
        Ok(busy)
    }
}

/// Which rows a load pages through.
#[derive(Clone, Copy)]
enum Pages {
    /// One shard (a claim's load: the index gives its pages in order).
    One(i16),
    /// Every held shard (following a short run of new inserts).
    Held,
}

/// One sealed finger row.
struct FingerRow {
    reference: String,
    finger: u8,
    seq: i64,
    sealed: Vec<u8>,
}

/// Runs a worker for good: database errors are recovered from ([`Worker::recover`]); it
/// returns only with an error no reconnection mends (a newer schema, a key that does not
/// open).
pub fn run(mut worker: Worker, events: &mut dyn FnMut(WorkerEvent)) -> Result<(), ShardError> {
    loop {
        match worker.step(events) {
            Ok(true) => {}
            Ok(false) => {
                if let Err(e) = worker.wait_for_work() {
                    tracing::warn!(target: "huella::central", error = %e, "search database error while idle; reconnecting");
                    worker.recover(events)?;
                }
            }
            Err(ShardError::Database(e)) => {
                tracing::warn!(target: "huella::central", error = %e, "search database error; reconnecting");
                worker.recover(events)?;
            }
            Err(e) => return Err(e),
        }
    }
}
