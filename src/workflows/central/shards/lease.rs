//! Shard leases: a row per shard naming the worker that holds it, until when (the
//! database's clock, so machines need not agree on the time) and up to which gallery
//! sequence it is loaded. A worker claims the shards of its own range that nobody holds, and
//! any shard whose holder let its lease expire (a dead or stalled worker's); it renews what
//! it holds well before expiry and drops what it failed to renew. PostgreSQL's row locks
//! make a claim atomic: two workers racing for an expired shard, one gets it.
//!
//! Ranges come back to their workers: a worker marks the shards of its own range that others
//! hold as wanted; a holder hands back, at its next renewal, the wanted shards outside its
//! own range; for one lease length nobody but the one who wants a handed-back shard claims it
//! (a worker that wants and then dies delays its shards by one lease, no more).
//!
//! This module owns the lease rows. It must not load or search templates.

use postgres::Client;

use super::ShardError;

/// Claims, for `worker`, the shards not in `held` whose lease expired and that either lie in
/// `range` or were held by some worker before (a never-leased shard waits for the worker
/// whose range it is); a shard another worker wants is left to it for one lease length.
/// Returns the shards claimed, in order.
pub fn claim(
    client: &mut Client,
    worker: &str,
    held: &[i16],
    range: &[i16],
    lease_secs: i32,
    loaded_seq: i64,
) -> Result<Vec<i16>, ShardError> {
    let rows = client.query(
        "UPDATE shard_leases SET worker = $1, expires_at = now() + make_interval(secs => $4), \
           loaded_seq = $5, wanted_by = NULL \
         WHERE NOT (shard = ANY($2)) AND expires_at < now() \
           AND (shard = ANY($3) OR worker IS NOT NULL) \
           AND (wanted_by IS NULL OR wanted_by = $1 \
                OR expires_at < now() - make_interval(secs => $4)) \
         RETURNING shard",
        &[&worker, &held, &range, &f64::from(lease_secs), &loaded_seq],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows.iter().take(256) {
        out.push(r.try_get::<_, i16>(0)?);
    }
    out.sort_unstable();
    Ok(out)
}

/// Gives back `worker`'s leases on `shards` (expired at once, so the next claim takes them).
pub fn release(client: &mut Client, worker: &str, shards: &[i16]) -> Result<(), ShardError> {
    client.execute(
        "UPDATE shard_leases SET expires_at = '-infinity' WHERE worker = $1 AND shard = ANY($2)",
        &[&worker, &shards],
    )?;
    Ok(())
}

/// What a renewal found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renewal {
    /// Shards still held (one missing was taken over and must be dropped).
    pub kept: Vec<i16>,
    /// Of those, the shards another worker wants back.
    pub wanted: Vec<i16>,
}

/// Renews `worker`'s lease on `held` and records `loaded_seq`.
pub fn renew(
    client: &mut Client,
    worker: &str,
    held: &[i16],
    lease_secs: i32,
    loaded_seq: i64,
) -> Result<Renewal, ShardError> {
    if held.is_empty() {
        return Ok(Renewal::default());
    }
    let rows = client.query(
        "UPDATE shard_leases SET expires_at = now() + make_interval(secs => $3), loaded_seq = $4 \
         WHERE worker = $1 AND shard = ANY($2) \
         RETURNING shard, coalesce(wanted_by <> $1, false)",
        &[&worker, &held, &f64::from(lease_secs), &loaded_seq],
    )?;
    let mut out = Renewal::default();
    for r in rows.iter().take(256) {
        let shard = r.try_get::<_, i16>(0)?;
        out.kept.push(shard);
        if r.try_get::<_, bool>(1)? {
            out.wanted.push(shard);
        }
    }
    out.kept.sort_unstable();
    out.wanted.sort_unstable();
    Ok(out)
}

/// Marks, for `worker`, the shards of `own` that another worker holds live as wanted back;
/// returns how many were newly marked.
pub fn want(client: &mut Client, worker: &str, own: &[i16]) -> Result<u64, ShardError> {
    if own.is_empty() {
        return Ok(0);
    }
    Ok(client.execute(
        "UPDATE shard_leases SET wanted_by = $1 \
         WHERE shard = ANY($2) AND worker IS NOT NULL AND worker <> $1 AND expires_at > now() \
           AND wanted_by IS DISTINCT FROM $1",
        &[&worker, &own],
    )?)
}

/// Hands `shards` back to the workers that want them: the lease ends now, and for one lease
/// length only the one who wants a shard may claim it.
pub fn hand_back(client: &mut Client, worker: &str, shards: &[i16]) -> Result<(), ShardError> {
    client.execute(
        "UPDATE shard_leases SET expires_at = now() - interval '1 millisecond' \
         WHERE worker = $1 AND shard = ANY($2)",
        &[&worker, &shards],
    )?;
    Ok(())
}

/// One lease row as an operator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRow {
    /// The shard.
    pub shard: i16,
    /// Its holder (empty: never leased).
    pub worker: String,
    /// Whether the lease is still valid now.
    pub live: bool,
    /// Gallery sequence the holder has loaded.
    pub loaded_seq: i64,
}

/// Every lease row, by shard.
pub fn list(client: &mut Client) -> Result<Vec<LeaseRow>, ShardError> {
    let rows = client.query(
        "SELECT shard, coalesce(left(worker, 200), ''), expires_at > now(), loaded_seq \
         FROM shard_leases ORDER BY shard LIMIT 256",
        &[],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(LeaseRow {
            shard: r.try_get(0)?,
            worker: r.try_get(1)?,
            live: r.try_get(2)?,
            loaded_seq: r.try_get(3)?,
        });
    }
    Ok(out)
}

/// One worker's leases as an operator reads them (`huella central leases`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The worker's name.
    pub worker: String,
    /// Whether these leases are live now.
    pub live: bool,
    /// The shards, in order.
    pub shards: Vec<i16>,
    /// Highest gallery sequence the worker reported loaded.
    pub loaded_seq: i64,
}

/// Every lease grouped by holder and liveness (live first, then by name), and the shards
/// that no worker holds live.
pub fn holders(client: &mut Client) -> Result<(Vec<Holder>, Vec<i16>), ShardError> {
    let mut out: Vec<Holder> = Vec::new();
    let mut free = Vec::new();
    for row in list(client)? {
        if !row.live {
            free.push(row.shard);
        }
        if row.worker.is_empty() {
            continue;
        }
        match out
            .iter_mut()
            .find(|h| h.worker == row.worker && h.live == row.live)
        {
            Some(h) => {
                h.shards.push(row.shard);
                h.loaded_seq = h.loaded_seq.max(row.loaded_seq);
            }
            None => out.push(Holder {
                worker: row.worker,
                live: row.live,
                shards: vec![row.shard],
                loaded_seq: row.loaded_seq,
            }),
        }
    }
    out.sort_by(|a, b| b.live.cmp(&a.live).then(a.worker.cmp(&b.worker)));
    Ok((out, free))
}

/// `shards` (in order) written as ranges: `0-127,200,210-215`.
pub fn ranges(shards: &[i16]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < shards.len() {
        let start = shards[i];
        let mut end = start;
        while i + 1 < shards.len() && shards[i + 1] == end + 1 {
            i += 1;
            end = shards[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn shards_are_written_as_ranges() {
        assert_eq!(ranges(&[]), "");
        assert_eq!(ranges(&[5]), "5");
        assert_eq!(ranges(&[0, 1, 2, 7, 9, 10]), "0-2,7,9-10");
    }
}
