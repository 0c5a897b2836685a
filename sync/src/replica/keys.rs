//! Key prefixes of the replicated state, next to the store's own prefixes (all lowercase,
//! see `store/layout.rs`). Replica prefixes are uppercase so the two never collide.
//!
//! | prefix | key rest | value |
//! |---|---|---|
//! | `W` | record id (16) | wrapped data key as created by the record's first station |
//! | `C` | record id (16) + chunk hash (32) | sealed wire chunk (Automerge changes) |
//! | `D` | record id (16) | [`super::RecordMeta`] (postcard) |
//! | `E` | record id (16) | signed erasure entry (postcard) |
//! | `Q` | record id (16) + blob hash (32) | first bytes of a blob still arriving |
//! | `P` | peer name | per-peer state (postcard) |
//! | `R` | office code | signed office roster (JSON) |
//! | `N` | nonce (16) | when a request nonce was seen (u64 BE ms) |
//! | `H` | nonce (16) | when a hub request head's nonce was seen (u64 BE ms) |
//! | `K` | conflict key | a semantic conflict for supervisors (JSON) |
//! | `L` | seq (u64 BE) | a refused peer or message (JSON, no personal data) |
//! | `G` | bundle hash (32) | when a bundle was imported |
//! | `O` | record id (16) | office of the station that first delivered the record here |
//! | `J` | office + `\0` + record id (16) | empty: index of records by first-delivering office |
//! | `b` | record id (16) + blob hash (32) | sealed blob (same key as the store's) |
//! | `U` | record id (16) | empty: data received that this station has not merged yet |
//! | `A` | record id (16) + chunk hash (32) | the chunk's [`super::ChunkAuthor`] (postcard) |

use super::Hash;
use crate::record::RecordId;

pub(crate) const META: &[u8] = b"D";
pub(crate) const ERASURE: &[u8] = b"E";

pub(crate) fn wrapped(id: &RecordId) -> Vec<u8> {
    [b"W".as_slice(), &id.0].concat()
}

pub(crate) fn chunk_prefix(id: &RecordId) -> Vec<u8> {
    [b"C".as_slice(), &id.0].concat()
}

pub(crate) fn chunk(id: &RecordId, h: &Hash) -> Vec<u8> {
    [b"C".as_slice(), &id.0, h].concat()
}

pub(crate) fn author_prefix(id: &RecordId) -> Vec<u8> {
    [b"A".as_slice(), &id.0].concat()
}

pub(crate) fn author(id: &RecordId, h: &Hash) -> Vec<u8> {
    [b"A".as_slice(), &id.0, h].concat()
}

pub(crate) fn meta(id: &RecordId) -> Vec<u8> {
    [META, &id.0].concat()
}

pub(crate) fn erasure(id: &RecordId) -> Vec<u8> {
    [ERASURE, &id.0].concat()
}

pub(crate) fn partial_prefix(id: &RecordId) -> Vec<u8> {
    [b"Q".as_slice(), &id.0].concat()
}

pub(crate) fn partial(id: &RecordId, h: &Hash) -> Vec<u8> {
    [b"Q".as_slice(), &id.0, h].concat()
}

pub(crate) fn blob_prefix(id: &RecordId) -> Vec<u8> {
    [b"b".as_slice(), &id.0].concat()
}

pub(crate) fn blob(id: &RecordId, h: &Hash) -> Vec<u8> {
    [b"b".as_slice(), &id.0, h].concat()
}

pub(crate) fn peer(name: &str) -> Vec<u8> {
    [b"P".as_slice(), name.as_bytes()].concat()
}

pub(crate) fn roster(office: &str) -> Vec<u8> {
    [b"R".as_slice(), office.as_bytes()].concat()
}

pub(crate) const ROSTER: &[u8] = b"R";

pub(crate) const NONCE: &[u8] = b"N";

/// Prefix of the hub's request-head nonces (see `NonceCache::for_heads`).
pub(crate) const HEAD_NONCE: &[u8] = b"H";

pub(crate) fn conflict(key: &str) -> Vec<u8> {
    [b"K".as_slice(), key.as_bytes()].concat()
}

pub(crate) const CONFLICT: &[u8] = b"K";

pub(crate) fn refusal(seq: u64) -> Vec<u8> {
    [b"L".as_slice(), &seq.to_be_bytes()].concat()
}

pub(crate) const REFUSAL: &[u8] = b"L";

pub(crate) fn bundle(h: &Hash) -> Vec<u8> {
    [b"G".as_slice(), h].concat()
}

/// Prefix of the pending-merge markers (stations only; see `Replica::apply_for_merge`).
pub(crate) const PENDING: &[u8] = b"U";

pub(crate) fn pending(id: &RecordId) -> Vec<u8> {
    [PENDING, &id.0].concat()
}

pub(crate) fn origin(id: &RecordId) -> Vec<u8> {
    [b"O".as_slice(), &id.0].concat()
}

pub(crate) fn office_prefix(office: &str) -> Vec<u8> {
    [b"J".as_slice(), office.as_bytes(), b"\0"].concat()
}

pub(crate) fn office_record(office: &str, id: &RecordId) -> Vec<u8> {
    [office_prefix(office).as_slice(), &id.0].concat()
}

/// The record id after a prefix of `offset` bytes.
pub(crate) fn id_after(key: &[u8], offset: usize) -> Option<RecordId> {
    let b: [u8; 16] = key.get(offset..offset + 16)?.try_into().ok()?;
    Some(RecordId(b))
}

/// The 32-byte hash after `offset` bytes.
pub(crate) fn hash_after(key: &[u8], offset: usize) -> Option<Hash> {
    key.get(offset..offset + 32)?.try_into().ok()
}
