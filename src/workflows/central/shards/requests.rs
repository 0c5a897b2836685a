//! INSERT and DELETE requests (MOSIP ABIS shaped: a request id, a reference id). An insert
//! takes the next gallery sequence number and writes the person's sealed fingers under it;
//! a delete takes one too, removes the fingers and leaves a tombstone that workers follow.
//! Both update the one `gallery_head` row inside their transaction, so they commit in
//! sequence order. A request id already recorded is not applied twice (a retried request is
//! answered with its first outcome). Inserts and deletes also come in batches (one
//! transaction, a few statements whatever the size), and the references in the gallery are
//! read in keyset pages ([`live_references`]), so a caller's bookkeeping is a few queries per
//! pass, not one per person.
//!
//! This module owns those writes and reads. It must not search, and it never stores a
//! template in the clear (only what [`GalleryKey`] sealed).

use std::collections::{HashMap, HashSet};

use postgres::Client;

use super::seal::GalleryKey;
use super::{ShardError, shard_of};
use crate::matching::Template;

/// One person to insert: the request id, the reference id, the fingers (position, template).
#[derive(Debug, Clone)]
pub struct InsertRequest<'a> {
    /// Request id (unique per request; a retry reuses it).
    pub request_id: &'a str,
    /// Reference id of the person (the record id); inserted once.
    pub reference_id: &'a str,
    /// Fingers: ISO position (0–10) and template.
    pub fingers: &'a [(u8, Template)],
}

/// Inserts one person; returns the gallery sequence number of the insert.
pub fn insert(
    client: &mut Client,
    key: &GalleryKey,
    request: &InsertRequest<'_>,
) -> Result<i64, ShardError> {
    insert_many(client, key, std::slice::from_ref(request)).map(|s| s.first().copied().unwrap_or(0))
}

/// Inserts several people in one transaction (one sequence number each, in order; a
/// request id already recorded keeps its first outcome and is not applied again). The rows
/// go in as arrays (`unnest`), a few statements per call whatever its size.
pub fn insert_many(
    client: &mut Client,
    key: &GalleryKey,
    requests: &[InsertRequest<'_>],
) -> Result<Vec<i64>, ShardError> {
    let mut tx = client.transaction()?;
    let ids: Vec<&str> = requests.iter().map(|r| r.request_id).collect();
    let mut earlier: HashMap<String, i64> = HashMap::new();
    for row in tx.query(
        "SELECT request_id, gallery_seq FROM abis_requests \
         WHERE request_id = ANY($1) AND operation = 'INSERT'",
        &[&ids],
    )? {
        earlier.insert(row.try_get(0)?, row.try_get(1)?);
    }
    let fresh: Vec<&InsertRequest<'_>> = requests
        .iter()
        .filter(|r| !earlier.contains_key(r.request_id))
        .collect();
    let refs: Vec<&str> = fresh.iter().map(|r| r.reference_id).collect();
    let mut seen = HashSet::new();
    if let Some(dup) = refs.iter().find(|r| !seen.insert(**r)) {
        return Err(ShardError::ReferenceExists((*dup).to_owned()));
    }
    let last: i64 = tx
        .query_one(
            "UPDATE gallery_head SET seq = seq + $1 WHERE id = 1 RETURNING seq",
            &[&(fresh.len() as i64)],
        )?
        .try_get(0)?;
    if let Some(row) = tx.query_opt(
        "SELECT reference_id FROM gallery_fingers WHERE reference_id = ANY($1) \
         UNION ALL SELECT reference_id FROM gallery_deletions WHERE reference_id = ANY($1) LIMIT 1",
        &[&refs],
    )? {
        return Err(ShardError::ReferenceExists(row.try_get(0)?));
    }
    let first = last - fresh.len() as i64 + 1;
    let seqs: Vec<i64> = (first..=last).collect();
    let fresh_ids: Vec<&str> = fresh.iter().map(|r| r.request_id).collect();
    tx.execute(
        "INSERT INTO abis_requests (request_id, operation, reference_id, gallery_seq, answered_at) \
         SELECT r, 'INSERT', f, s, now() FROM unnest($1::text[], $2::text[], $3::int8[]) AS u(r, f, s)",
        &[&fresh_ids, &refs, &seqs],
    )?;
    let (mut f_ref, mut f_pos, mut f_shard, mut f_seq, mut f_sealed) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (r, seq) in fresh.iter().zip(&seqs) {
        let shard = shard_of(r.reference_id);
        for (position, t) in r.fingers {
            f_ref.push(r.reference_id);
            f_pos.push(i16::from((*position).min(10)));
            f_shard.push(shard);
            f_seq.push(*seq);
            f_sealed.push(key.seal_finger(r.reference_id, *position, t));
        }
    }
    tx.execute(
        "INSERT INTO gallery_fingers (reference_id, finger, shard, seq, sealed) \
         SELECT * FROM unnest($1::text[], $2::int2[], $3::int2[], $4::int8[], $5::bytea[])",
        &[&f_ref, &f_pos, &f_shard, &f_seq, &f_sealed],
    )?;
    tx.commit()?;
    let mut next = seqs.into_iter();
    Ok(requests
        .iter()
        .map(|r| match earlier.get(r.request_id) {
            Some(s) => *s,
            None => next.next().unwrap_or_default(),
        })
        .collect())
}

/// Whether `reference` was ever inserted (its fingers, or its deletion, are recorded).
pub fn is_known(client: &mut Client, reference: &str) -> Result<bool, ShardError> {
    Ok(client
        .query_opt(
            "SELECT 1 FROM gallery_fingers WHERE reference_id = $1 \
             UNION ALL SELECT 1 FROM gallery_deletions WHERE reference_id = $1 LIMIT 1",
            &[&reference],
        )?
        .is_some())
}

/// Deletes a person from the gallery; returns the sequence number of the delete.
pub fn delete(client: &mut Client, request_id: &str, reference: &str) -> Result<i64, ShardError> {
    let mut tx = client.transaction()?;
    if let Some(row) = tx.query_opt(
        "SELECT gallery_seq FROM abis_requests WHERE request_id = $1 AND operation = 'DELETE'",
        &[&request_id],
    )? {
        return Ok(row.try_get(0)?);
    }
    let seq: i64 = tx
        .query_one(
            "UPDATE gallery_head SET seq = seq + 1 WHERE id = 1 RETURNING seq",
            &[],
        )?
        .try_get(0)?;
    let removed = tx.execute(
        "DELETE FROM gallery_fingers WHERE reference_id = $1",
        &[&reference],
    )?;
    if removed == 0 {
        return Err(ShardError::ReferenceNotFound(reference.to_owned()));
    }
    tx.execute(
        "INSERT INTO gallery_deletions (reference_id, shard, seq) VALUES ($1, $2, $3)",
        &[&reference, &shard_of(reference), &seq],
    )?;
    tx.execute(
        "INSERT INTO abis_requests (request_id, operation, reference_id, gallery_seq, answered_at) \
         VALUES ($1, 'DELETE', $2, $3, now())",
        &[&request_id, &reference, &seq],
    )?;
    tx.commit()?;
    Ok(seq)
}

/// One reference to delete and the request id of its DELETE.
#[derive(Debug, Clone, Copy)]
pub struct DeleteRequest<'a> {
    /// Request id (unique per request; a retry reuses it).
    pub request_id: &'a str,
    /// Reference id to delete.
    pub reference_id: &'a str,
}

/// Deletes several references in one transaction, one sequence number each in order, each
/// leaving a tombstone. A reference with no finger left (deleted meanwhile by another pass)
/// is skipped, as is a request id already recorded. Returns the references deleted here.
pub fn delete_many(
    client: &mut Client,
    requests: &[DeleteRequest<'_>],
) -> Result<Vec<String>, ShardError> {
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = client.transaction()?;
    let ids: Vec<&str> = requests.iter().map(|r| r.request_id).collect();
    let mut earlier: HashSet<String> = HashSet::new();
    for row in tx.query(
        "SELECT request_id FROM abis_requests WHERE request_id = ANY($1) AND operation = 'DELETE'",
        &[&ids],
    )? {
        earlier.insert(row.try_get(0)?);
    }
    let mut seen = HashSet::new();
    let fresh: Vec<&DeleteRequest<'_>> = requests
        .iter()
        .filter(|r| !earlier.contains(r.request_id) && seen.insert(r.reference_id))
        .collect();
    // The head first: writers queue on it, so they commit in sequence order.
    let head: i64 = tx
        .query_one("SELECT seq FROM gallery_head WHERE id = 1 FOR UPDATE", &[])?
        .try_get(0)?;
    let refs: Vec<&str> = fresh.iter().map(|r| r.reference_id).collect();
    let mut removed: HashSet<String> = HashSet::new();
    for row in tx.query(
        "DELETE FROM gallery_fingers WHERE reference_id = ANY($1) RETURNING reference_id",
        &[&refs],
    )? {
        removed.insert(row.try_get(0)?);
    }
    let done: Vec<&DeleteRequest<'_>> = fresh
        .into_iter()
        .filter(|r| removed.contains(r.reference_id))
        .collect();
    if done.is_empty() {
        tx.commit()?;
        return Ok(Vec::new());
    }
    let seqs: Vec<i64> = (head + 1..=head + done.len() as i64).collect();
    tx.execute(
        "UPDATE gallery_head SET seq = $1 WHERE id = 1",
        &[&(head + done.len() as i64)],
    )?;
    let d_req: Vec<&str> = done.iter().map(|r| r.request_id).collect();
    let d_ref: Vec<&str> = done.iter().map(|r| r.reference_id).collect();
    let d_shard: Vec<i16> = d_ref.iter().map(|r| shard_of(r)).collect();
    tx.execute(
        "INSERT INTO gallery_deletions (reference_id, shard, seq) \
         SELECT * FROM unnest($1::text[], $2::int2[], $3::int8[])",
        &[&d_ref, &d_shard, &seqs],
    )?;
    tx.execute(
        "INSERT INTO abis_requests (request_id, operation, reference_id, gallery_seq, answered_at) \
         SELECT r, 'DELETE', f, s, now() FROM unnest($1::text[], $2::text[], $3::int8[]) AS u(r, f, s)",
        &[&d_req, &d_ref, &seqs],
    )?;
    tx.commit()?;
    Ok(d_ref.into_iter().map(str::to_owned).collect())
}

/// Largest page [`live_references`] reads.
pub const REFERENCE_PAGE: i64 = 5_000;

/// The references that have fingers in the gallery, in order, after `after` (`""` for the
/// first page): at most `limit` of them (capped at [`REFERENCE_PAGE`]). An empty answer is
/// the end.
pub fn live_references(
    client: &mut Client,
    after: &str,
    limit: i64,
) -> Result<Vec<String>, ShardError> {
    let limit = limit.clamp(1, REFERENCE_PAGE);
    let mut out = Vec::new();
    for row in client.query(
        "SELECT DISTINCT reference_id FROM gallery_fingers WHERE reference_id > $1 \
         ORDER BY reference_id LIMIT $2",
        &[&after, &limit],
    )? {
        out.push(row.try_get(0)?);
    }
    Ok(out)
}

/// Which of `references` were deleted (they have a tombstone and cannot be inserted again).
pub fn deleted_among(
    client: &mut Client,
    references: &[&str],
) -> Result<HashSet<String>, ShardError> {
    let mut out = HashSet::new();
    for row in client.query(
        "SELECT reference_id FROM gallery_deletions WHERE reference_id = ANY($1)",
        &[&references],
    )? {
        out.insert(row.try_get(0)?);
    }
    Ok(out)
}
