//! Key layout of the station's single sled tree. One tree so that a record, its index
//! entries and its audit entries commit in one atomic batch.
//!
//! | prefix | key rest | value |
//! |---|---|---|
//! | `k` | record id (16) | data key wrapped to the station's recipients (age) |
//! | `c` | record id (16) + chunk seq (u32 BE) | sealed Automerge chunk |
//! | `x` | record id (16) | the record's blind tags (n × 16 bytes) |
//! | `i` | blind tag (16) + bucket (1) | posting list: sorted record ids (n × 16) |
//! | `i` | blind tag (16) + record id (16) | empty (older stores; still read and removed) |
//! | `s` | record id (16) | biometric status byte, then the notice date `YYYY-MM-DD` if any |
//! | `b` | record id (16) + blob hash (32) | sealed blob |
//! | `a` | audit seq (u64 BE) | audit entry (JSON, signed, no personal data) |
//! | `m` | name | station metadata (JSON, public) |
//! | `n` | name | a station-local sequence (u64 BE), e.g. the folio counter |

use huella_keys::BlindTag;

use crate::record::RecordId;

pub(crate) fn wrapped_key(id: &RecordId) -> Vec<u8> {
    [b"k".as_slice(), &id.0].concat()
}

pub(crate) fn chunk_prefix(id: &RecordId) -> Vec<u8> {
    [b"c".as_slice(), &id.0].concat()
}

pub(crate) fn chunk(id: &RecordId, seq: u32) -> Vec<u8> {
    [b"c".as_slice(), &id.0, &seq.to_be_bytes()].concat()
}

pub(crate) fn chunk_seq(key: &[u8]) -> Option<u32> {
    let tail: [u8; 4] = key.get(17..21)?.try_into().ok()?;
    Some(u32::from_be_bytes(tail))
}

pub(crate) fn tags(id: &RecordId) -> Vec<u8> {
    [b"x".as_slice(), &id.0].concat()
}

/// The index entry of one record under one tag as older stores wrote it (one key per pair).
pub(crate) fn legacy_index(tag: &BlindTag, id: &RecordId) -> Vec<u8> {
    [b"i".as_slice(), &tag.0, &id.0].concat()
}

/// The posting list holding `id` under `tag`. Records are spread over 256 lists per tag by
/// the first byte of their (random) id, so a common name token costs 256 keys instead of one
/// key per person, and no list grows past a few hundred ids on a large station.
pub(crate) fn posting(tag: &BlindTag, id: &RecordId) -> Vec<u8> {
    [b"i".as_slice(), &tag.0, &[id.0[0]]].concat()
}

/// Length of a posting-list key (`i` + tag + bucket).
pub(crate) const POSTING_KEY_LEN: usize = 18;

/// Length of an older one-pair index key (`i` + tag + record id).
pub(crate) const LEGACY_INDEX_KEY_LEN: usize = 33;

pub(crate) fn index_prefix(tag: &BlindTag) -> Vec<u8> {
    [b"i".as_slice(), &tag.0].concat()
}

pub(crate) fn status(id: &RecordId) -> Vec<u8> {
    [b"s".as_slice(), &id.0].concat()
}

pub(crate) fn blob(id: &RecordId, hash: &[u8; 32]) -> Vec<u8> {
    [b"b".as_slice(), &id.0, hash].concat()
}

pub(crate) fn blob_prefix(id: &RecordId) -> Vec<u8> {
    [b"b".as_slice(), &id.0].concat()
}

pub(crate) fn audit(seq: u64) -> Vec<u8> {
    [b"a".as_slice(), &seq.to_be_bytes()].concat()
}

/// Longest notice date kept in a status entry (`YYYY-MM-DD`).
pub(crate) const NOTICE_LEN: usize = 10;

pub(crate) fn sequence(name: &str) -> Vec<u8> {
    [b"n".as_slice(), name.as_bytes()].concat()
}

pub(crate) fn meta(name: &str) -> Vec<u8> {
    [b"m".as_slice(), name.as_bytes()].concat()
}

/// The record id in the 16 bytes after a one-byte prefix.
pub(crate) fn id_after(key: &[u8], offset: usize) -> Option<RecordId> {
    let b: [u8; 16] = key.get(offset..offset + 16)?.try_into().ok()?;
    Some(RecordId(b))
}

/// Splits a posting list into record ids (a trailing partial id is ignored).
pub(crate) fn split_ids(bytes: &[u8]) -> impl Iterator<Item = RecordId> + '_ {
    bytes
        .chunks_exact(16)
        .filter_map(|c| c.try_into().ok().map(RecordId))
}

/// Splits stored tags back into blind tags.
pub(crate) fn split_tags(bytes: &[u8]) -> Vec<BlindTag> {
    bytes
        .chunks_exact(16)
        .filter_map(|c| c.try_into().ok().map(BlindTag))
        .collect()
}
