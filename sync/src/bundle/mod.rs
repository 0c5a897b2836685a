//! USB bundles: the sync protocol folded into two files. A station exports what the other
//! side is not known to have (plus what it has of every record); the hub (or another
//! station) applies it and answers with an acknowledgement bundle carrying what the
//! receiver now holds of the exporter's records (so the exporter's next bundle is small) and
//! what the exporter lacks of them and of its own office's records (see [`answer`]).
//!
//! A bundle is `MAGIC` + a signed [`Envelope`] whose body is a [`BundleBody`]. Record data in
//! it is sealed (chunks, blobs) or wrapped (keys); the envelope signature makes it tamper
//! evident; a bundle is applied once (its hash is remembered) and applying is idempotent.
//! This module must not decrypt records itself.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::protocol::{Envelope, LocalSide, Signer, SyncError};
use crate::record::RecordId;
use crate::replica::{Applied, Hash, RecordData, RecordHave, keys};
use crate::roster::{SignedRoster, Standing};

/// First bytes of every bundle file.
pub const MAGIC: &[u8] = b"HUELLA-PAQUETE\x01";
/// Largest bundle accepted.
pub const MAX_BUNDLE: usize = 1 << 30;

/// What kind of bundle.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum BundleKind {
    /// Changes from a station.
    Export,
    /// The answer to an export.
    Ack,
}

/// The signed content of a bundle.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BundleBody {
    /// Export or acknowledgement.
    pub kind: BundleKind,
    /// When it was made (UTC text).
    pub created_at: String,
    /// For an acknowledgement: hash of the bundle acknowledged.
    pub acknowledges: Option<Hash>,
    /// What the sender has of every record (export) or of the records touched (ack).
    pub haves: Vec<RecordHave>,
    /// Record data the receiver is not known to have.
    pub data: Vec<RecordData>,
    /// Rosters the sender knows.
    pub rosters: Vec<SignedRoster>,
}

/// The result of importing a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// What applying did.
    pub applied: Applied,
    /// Export or acknowledgement.
    pub kind: BundleKind,
    /// The signer's key.
    pub signer: [u8; 32],
    /// Hash of the bundle file.
    pub hash: Hash,
    /// What the signer holds (to remember as the peer's state).
    pub haves: Vec<RecordHave>,
}

fn seal(signer: &dyn Signer, body: &BundleBody) -> Vec<u8> {
    let env = Envelope::seal(signer, postcard::to_stdvec(body).unwrap_or_default(), None);
    [MAGIC, &env.to_bytes()].concat()
}

/// Reads and checks a bundle file: magic, size, envelope signature. Never panics.
pub fn open(bytes: &[u8]) -> Result<(Envelope, BundleBody, Hash), SyncError> {
    if bytes.len() > MAX_BUNDLE {
        return Err(SyncError::TooLarge(bytes.len()));
    }
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or_else(|| SyncError::Decode("no es un paquete de huella".into()))?;
    if let Some(v) = rest.first() {
        crate::protocol::check_version(*v)?;
    }
    let (env, extra): (Envelope, &[u8]) =
        postcard::take_from_bytes(rest).map_err(|e| SyncError::Decode(format!("paquete: {e}")))?;
    // Bytes after the envelope are not covered by its signature: refused, so a bundle
    // cannot be made to look new by appending to it.
    if !extra.is_empty() {
        return Err(SyncError::Decode(format!(
            "paquete con {} bytes sobrantes tras la firma",
            extra.len()
        )));
    }
    crate::protocol::check_version(env.version)?;
    if !crate::roster::verify_raw(&env.sender, &env.signed_bytes(), &env.signature) {
        return Err(SyncError::Forged);
    }
    let (body, extra): (BundleBody, &[u8]) = postcard::take_from_bytes(&env.body)
        .map_err(|e| SyncError::Decode(format!("contenido del paquete: {e}")))?;
    if !extra.is_empty() {
        return Err(SyncError::Decode(
            "contenido del paquete con bytes sobrantes".into(),
        ));
    }
    // The replay key is the hash of the canonical encoding of what was signed, so another
    // encoding of the same signed bundle is the same bundle.
    let hash: Hash = Sha256::digest([MAGIC, &env.to_bytes()].concat()).into();
    Ok((env, body, hash))
}

/// Per-peer knowledge: what `peer` was last known to hold of each record.
fn peer_key(peer: &str, id: &[u8; 16]) -> Vec<u8> {
    [keys::peer(peer).as_slice(), b"\0", id].concat()
}

/// Remembers what `peer` holds.
pub fn remember(local: &dyn LocalSide, peer: &str, haves: &[RecordHave]) -> Result<(), SyncError> {
    let tree = local.replica().tree();
    for h in haves {
        let v = postcard::to_stdvec(h).unwrap_or_default();
        tree.insert(peer_key(peer, &h.id), v)?;
    }
    local.replica().flush()?;
    Ok(())
}

fn known(local: &dyn LocalSide, peer: &str, id: &[u8; 16]) -> Result<RecordHave, SyncError> {
    let tree = local.replica().tree();
    Ok(match tree.get(peer_key(peer, id))? {
        Some(v) => postcard::from_bytes(&v).unwrap_or_else(|_| RecordHave {
            id: *id,
            ..RecordHave::default()
        }),
        None => RecordHave {
            id: *id,
            ..RecordHave::default()
        },
    })
}

/// Makes an export bundle for `peer` (a name for the per-peer state, e.g. "hub").
pub fn export(
    local: &dyn LocalSide,
    signer: &dyn Signer,
    peer: &str,
    roster: Option<SignedRoster>,
) -> Result<(Vec<u8>, usize), SyncError> {
    let replica = local.replica();
    let mut haves = Vec::new();
    let mut theirs = Vec::new();
    for (id, _) in replica.entries()? {
        haves.push(replica.have(&id)?);
        theirs.push(known(local, peer, &id.0)?);
    }
    let (data, _) = replica.data_for(&theirs, usize::MAX)?;
    let n = data.len();
    let body = BundleBody {
        kind: BundleKind::Export,
        created_at: crate::time::now_utc(),
        acknowledges: None,
        haves,
        data,
        rosters: roster.into_iter().collect(),
    };
    Ok((seal(signer, &body), n))
}

fn check_new(local: &dyn LocalSide, hash: &Hash) -> Result<(), SyncError> {
    if local.replica().tree().contains_key(keys::bundle(hash))? {
        return Err(SyncError::Replayed);
    }
    Ok(())
}

fn mark_done(local: &dyn LocalSide, hash: &Hash) -> Result<(), SyncError> {
    local
        .replica()
        .tree()
        .insert(keys::bundle(hash), crate::time::now_utc().into_bytes())?;
    local.replica().flush()?;
    Ok(())
}

/// Imports an export bundle from a trusted station and returns the acknowledgement bundle.
///
/// The acknowledgement is scoped, so a regional merge of many bundles stays linear: it
/// carries what this node holds of the records the exporter listed (so the exporter learns
/// what arrived and gets newer changes to them) and of the records first delivered here by
/// stations of the exporter's own office; never the rest of the region.
///
/// The bundle counts as imported (a second import is refused as a replay) as soon as this
/// returns; a caller that writes the acknowledgement to a file uses [`answer_unconfirmed`]
/// and [`confirm_answered`] instead, so a failed write can be retried.
pub fn answer(
    local: &dyn LocalSide,
    signer: &dyn Signer,
    bytes: &[u8],
) -> Result<Vec<u8>, SyncError> {
    let (ack, hash) = answer_unconfirmed(local, signer, bytes)?;
    confirm_answered(local, &hash)?;
    Ok(ack)
}

/// Marks the export bundle `hash` as imported once its acknowledgement is durable (written
/// and fsynced): from then on the same bundle is refused as a replay.
pub fn confirm_answered(local: &dyn LocalSide, hash: &Hash) -> Result<(), SyncError> {
    mark_done(local, hash)
}

/// Like [`answer`], without marking the bundle imported: applies it (durably) and returns the
/// acknowledgement and the bundle's hash for [`confirm_answered`]. Until then the same bundle
/// may be answered again (applying is idempotent), so an acknowledgement lost to a full disk,
/// a pulled USB stick or a crash is made again by importing the bundle again.
pub fn answer_unconfirmed(
    local: &dyn LocalSide,
    signer: &dyn Signer,
    bytes: &[u8],
) -> Result<(Vec<u8>, Hash), SyncError> {
    let (env, body, hash) = open(bytes)?;
    if body.kind != BundleKind::Export {
        return Err(SyncError::Unexpected);
    }
    let office = match local.trust().standing(&env.sender_hex())? {
        Standing::Trusted { office, .. } => office,
        Standing::Revoked { office, station } => {
            return Err(SyncError::Revoked { office, station });
        }
        Standing::Unknown => return Err(SyncError::UnknownStation),
    };
    check_new(local, &hash)?;
    for r in &body.rosters {
        let _ = local.trust().accept(r, false);
    }
    local.replica().note_new_origins(&body.data, &office)?;
    let applied = local.apply(body.data)?;
    let replica = local.replica();
    replica.note_origin(&applied.changed, &office)?;
    // The scope: what the exporter listed, plus its office's records it does not list.
    let mut theirs = body.haves;
    let mut listed: HashSet<[u8; 16]> = theirs.iter().map(|h| h.id).collect();
    for id in replica.office_records(&office)? {
        if listed.insert(id.0) {
            theirs.push(RecordHave {
                id: id.0,
                ..RecordHave::default()
            });
        }
    }
    let (data, _) = replica.data_for(&theirs, usize::MAX)?;
    let mut haves = Vec::with_capacity(theirs.len());
    for t in &theirs {
        haves.push(replica.have(&RecordId(t.id))?);
    }
    replica.flush()?;
    tracing::info!(target: "huella::sync", changed = applied.changed.len(), "bundle imported");
    let ack = BundleBody {
        kind: BundleKind::Ack,
        created_at: crate::time::now_utc(),
        acknowledges: Some(hash),
        haves,
        data,
        rosters: local.trust().all()?.into_iter().map(|(_, s)| s).collect(),
    };
    Ok((seal(signer, &ack), hash))
}

/// Imports a bundle at a station: an export from a station of a trusted roster, or an
/// acknowledgement from the hub `hub_key` (pinned on first use when `None`). Records what
/// the signer holds as the state of peer `peer`.
pub fn import(
    local: &dyn LocalSide,
    bytes: &[u8],
    peer: &str,
    hub_key: Option<[u8; 32]>,
) -> Result<Imported, SyncError> {
    let (env, body, hash) = open(bytes)?;
    match body.kind {
        BundleKind::Ack => {
            if let Some(k) = hub_key
                && k != env.sender
            {
                return Err(SyncError::WrongPeer);
            }
        }
        BundleKind::Export => match local.trust().standing(&env.sender_hex())? {
            Standing::Trusted { .. } => {}
            Standing::Revoked { office, station } => {
                return Err(SyncError::Revoked { office, station });
            }
            Standing::Unknown => return Err(SyncError::UnknownStation),
        },
    }
    check_new(local, &hash)?;
    for r in &body.rosters {
        let _ = local.trust().accept(r, body.kind == BundleKind::Ack);
    }
    let applied = local.apply(body.data)?;
    remember(local, peer, &body.haves)?;
    mark_done(local, &hash)?;
    Ok(Imported {
        applied,
        kind: body.kind,
        signer: env.sender,
        hash,
        haves: body.haves,
    })
}
