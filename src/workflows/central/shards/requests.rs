//! INSERT and DELETE requests (MOSIP ABIS shaped: a request id, a reference id). An insert
//! takes the next gallery sequence number and writes the person's sealed fingers under it;
//! a delete takes one too, removes the fingers and leaves a tombstone that workers follow.
//! Both update the one `gallery_head` row inside their transaction, so they commit in
//! sequence order. A request id already recorded is not applied twice (a retried request is
//! answered with its first outcome).
//!
//! This module owns those writes. It must not search, and it never stores a template in the
//! clear (only what [`GalleryKey`] sealed).

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

/// Inserts several people in one transaction (one sequence number each, in order).
pub fn insert_many(
    client: &mut Client,
    key: &GalleryKey,
    requests: &[InsertRequest<'_>],
) -> Result<Vec<i64>, ShardError> {
    let mut tx = client.transaction()?;
    let record = tx.prepare(
        "INSERT INTO abis_requests (request_id, operation, reference_id, gallery_seq, answered_at) \
         VALUES ($1, 'INSERT', $2, $3, now()) ON CONFLICT (request_id) DO NOTHING",
    )?;
    let finger = tx.prepare(
        "INSERT INTO gallery_fingers (reference_id, finger, shard, seq, sealed) \
         VALUES ($1, $2, $3, $4, $5)",
    )?;
    let mut out = Vec::with_capacity(requests.len());
    for r in requests {
        if let Some(row) = tx.query_opt(
            "SELECT gallery_seq FROM abis_requests WHERE request_id = $1 AND operation = 'INSERT'",
            &[&r.request_id],
        )? {
            out.push(row.try_get(0)?);
            continue;
        }
        let seq: i64 = tx
            .query_one(
                "UPDATE gallery_head SET seq = seq + 1 WHERE id = 1 RETURNING seq",
                &[],
            )?
            .try_get(0)?;
        let used = tx.query_opt(
            "SELECT 1 FROM gallery_fingers WHERE reference_id = $1 \
             UNION ALL SELECT 1 FROM gallery_deletions WHERE reference_id = $1 LIMIT 1",
            &[&r.reference_id],
        )?;
        if used.is_some() {
            return Err(ShardError::ReferenceExists(r.reference_id.to_owned()));
        }
        tx.execute(&record, &[&r.request_id, &r.reference_id, &seq])?;
        let shard = shard_of(r.reference_id);
        for (position, t) in r.fingers {
            let sealed = key.seal_finger(r.reference_id, *position, t);
            let position = i16::from((*position).min(10));
            tx.execute(
                &finger,
                &[&r.reference_id, &position, &shard, &seq, &sealed],
            )?;
        }
        out.push(seq);
    }
    tx.commit()?;
    Ok(out)
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
