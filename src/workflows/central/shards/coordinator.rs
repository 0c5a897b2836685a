//! The coordinator of an identify: it submits the request (the sealed probe and the gallery
//! sequence at submission, read in the same transaction), waits until each of the 256 shards
//! has answered, merges the shards' top candidates into one ranking and closes the request
//! (the probe is erased). A coordinator that dies leaves an open request that workers answer
//! until its deadline; the next coordinator deletes such requests a day after their deadline.
//!
//! This module owns submitting, waiting and merging. It must not judge duplicates (the
//! central pass does, with [`crate::matching::duplicate::judge`]) nor write records.

use std::time::{Duration, Instant};

use postgres::Client;
use serde::{Deserialize, Serialize};

use super::seal::GalleryKey;
use super::{SHARDS, ShardError, new_request_id, tables};
use crate::matching::{Candidate, Template};

/// Largest candidate list read back from one shard answer.
const MAX_ANSWER: i32 = 256 * 1024;

/// One candidate as a shard answers it (the JSON of `identify_results.candidates`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardCandidate {
    /// Reference id of the person.
    pub reference: String,
    /// Fused evidence.
    pub evidence: f64,
    /// Best single-finger score.
    pub best_score: f32,
    /// (probe finger index, gallery finger position, score) of each matching finger.
    pub fingers: Vec<(usize, u8, f32)>,
}

impl From<Candidate> for ShardCandidate {
    fn from(c: Candidate) -> Self {
        ShardCandidate {
            reference: c.person,
            evidence: c.evidence,
            best_score: c.best_score,
            fingers: c.fingers,
        }
    }
}

impl From<ShardCandidate> for Candidate {
    fn from(c: ShardCandidate) -> Self {
        Candidate {
            person: c.reference,
            evidence: c.evidence,
            best_score: c.best_score,
            fingers: c.fingers,
        }
    }
}

/// What an identify returned.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentifyAnswer {
    /// The request id.
    pub request_id: String,
    /// Candidates of every shard, best first (fused evidence, then best score), at most the
    /// number asked for.
    pub candidates: Vec<Candidate>,
    /// People in the gallery the shards searched.
    pub people: usize,
    /// Gallery sequence at submission: every insert up to it was searched.
    pub gallery_seq: i64,
}

/// How long to wait and how many candidates to keep.
#[derive(Debug, Clone, Copy)]
pub struct IdentifyOptions {
    /// Give up (typed error) after this long without every shard answering.
    pub timeout: Duration,
    /// Candidates kept after the merge (and asked of each worker).
    pub max_results: i32,
}

impl Default for IdentifyOptions {
    fn default() -> Self {
        IdentifyOptions {
            timeout: Duration::from_secs(120),
            max_results: 10,
        }
    }
}

/// Submits an identify of `reference`'s `probes` (position, template) against the whole
/// gallery, waits for all 256 shards and merges their answers.
pub fn identify(
    client: &mut Client,
    key: &GalleryKey,
    reference: &str,
    probes: &[(u8, Template)],
    opts: &IdentifyOptions,
) -> Result<IdentifyAnswer, ShardError> {
    let request = new_request_id();
    let sealed = key.seal_probe(&request, probes);
    let secs = opts.timeout.as_secs_f64().clamp(1.0, 86_400.0);
    let max_results = opts.max_results.clamp(1, super::worker::MAX_RESULTS);
    client.execute(
        "DELETE FROM abis_requests WHERE operation = 'IDENTIFY' \
         AND deadline < now() - interval '1 day'",
        &[],
    )?;
    tables::listen(client, tables::IDENTIFY_ANSWERED)?;
    let mut tx = client.transaction()?;
    let gallery_seq = tables::head(&mut tx)?;
    tx.execute(
        "INSERT INTO abis_requests \
           (request_id, operation, reference_id, gallery_seq, probe, max_results, deadline) \
         VALUES ($1, 'IDENTIFY', $2, $3, $4, $5, now() + make_interval(secs => $6))",
        &[
            &request,
            &reference,
            &gallery_seq,
            &sealed,
            &max_results,
            &secs,
        ],
    )?;
    tx.execute(&format!("NOTIFY {}", tables::IDENTIFY_SUBMITTED), &[])?;
    tx.commit()?;
    let started = Instant::now();
    let mut pause = Duration::from_millis(10);
    loop {
        let answered: i64 = client
            .query_one(
                "SELECT count(*) FROM identify_results WHERE request_id = $1",
                &[&request],
            )?
            .try_get(0)?;
        if answered >= i64::from(SHARDS) {
            break;
        }
        if started.elapsed() >= opts.timeout {
            let missing = missing_shards(client, &request)?;
            close(client, &request)?;
            return Err(ShardError::Unanswered {
                missing: missing.len(),
                first: missing.first().copied().unwrap_or_default(),
            });
        }
        // Woken by a worker's answer; the growing pause only bounds a missed notification.
        tables::wait_notified(client, pause)?;
        pause = (pause * 2).min(Duration::from_millis(500));
    }
    let rows = client.query(
        "SELECT shard, people, candidates FROM identify_results \
         WHERE request_id = $1 AND length(candidates) <= $2 LIMIT 256",
        &[&request, &MAX_ANSWER],
    )?;
    if rows.len() < usize::from(SHARDS) {
        close(client, &request)?;
        return Err(ShardError::BadRow {
            table: "identify_results",
        });
    }
    let mut people = 0usize;
    let mut candidates: Vec<Candidate> = Vec::new();
    for r in &rows {
        let bad = || ShardError::BadRow {
            table: "identify_results",
        };
        let n: i32 = r.try_get(1)?;
        let text: String = r.try_get(2)?;
        let list: Vec<ShardCandidate> = serde_json::from_str(&text).map_err(|_| bad())?;
        if n < 0 || list.len() > super::worker::MAX_RESULTS as usize {
            return Err(bad());
        }
        people += n as usize;
        candidates.extend(list.into_iter().map(Candidate::from));
    }
    candidates.sort_by(|a, b| {
        b.evidence
            .total_cmp(&a.evidence)
            .then(b.best_score.total_cmp(&a.best_score))
    });
    candidates.truncate(max_results as usize);
    close(client, &request)?;
    Ok(IdentifyAnswer {
        request_id: request,
        candidates,
        people,
        gallery_seq,
    })
}

/// Shards without an answer to `request`, in order.
fn missing_shards(client: &mut Client, request: &str) -> Result<Vec<i16>, ShardError> {
    let rows = client.query(
        "SELECT s FROM generate_series(0, 255) AS s \
         WHERE NOT EXISTS (SELECT 1 FROM identify_results r WHERE r.request_id = $1 AND r.shard = s) \
         ORDER BY s",
        &[&request],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(r.try_get::<_, i32>(0)? as i16);
    }
    Ok(out)
}

/// Marks `request` answered and erases its probe (workers stop looking at it).
fn close(client: &mut Client, request: &str) -> Result<(), ShardError> {
    client.execute(
        "UPDATE abis_requests SET answered_at = now(), probe = NULL WHERE request_id = $1",
        &[&request],
    )?;
    Ok(())
}
