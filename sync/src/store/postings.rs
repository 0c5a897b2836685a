//! Blind-index posting lists: which records carry each tag.
//!
//! A tag's records are spread over up to 256 lists keyed by the first byte of the record id
//! (see [`layout::posting`]), each a sorted run of 16-byte ids. Updating a list is a
//! read-modify-write, so changes are collected while a batch is prepared and applied at commit
//! time under the store's write lock. Lists written by older stores (one key per tag and record)
//! are still read here and removed when their record leaves the tag. This module owns that
//! format; it must not decide which tags a record has.

use std::collections::BTreeMap;

use huella_keys::BlindTag;

use super::layout;
use crate::record::RecordId;

/// One record entering or leaving one tag.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IndexChange {
    pub(crate) tag: BlindTag,
    pub(crate) id: RecordId,
    pub(crate) add: bool,
}

/// Queues into `ops` the new contents of every posting list that `changes` touch, read from
/// `tree`. Changes apply in order. The caller holds the store's write lock until `ops` is
/// applied, so no other writer reads a list in between.
pub(crate) fn queue_changes(
    tree: &sled::Tree,
    changes: &[IndexChange],
    ops: &mut sled::Batch,
) -> Result<(), sled::Error> {
    let mut lists: BTreeMap<Vec<u8>, Vec<[u8; 16]>> = BTreeMap::new();
    for c in changes {
        let key = layout::posting(&c.tag, &c.id);
        let list = match lists.entry(key) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => {
                let current = tree.get(e.key())?;
                let ids = current
                    .map(|v| layout::split_ids(&v).map(|id| id.0).collect())
                    .unwrap_or_default();
                e.insert(ids)
            }
        };
        match (list.binary_search(&c.id.0), c.add) {
            (Err(at), true) => list.insert(at, c.id.0),
            (Ok(at), false) => {
                list.remove(at);
            }
            _ => {}
        }
        if !c.add {
            ops.remove(layout::legacy_index(&c.tag, &c.id));
        }
    }
    for (key, ids) in lists {
        if ids.is_empty() {
            ops.remove(key);
        } else {
            ops.insert(key, ids.concat());
        }
    }
    Ok(())
}

/// The records under `tag`, sorted, each once.
pub(crate) fn records_under(
    tree: &sled::Tree,
    tag: &BlindTag,
) -> Result<Vec<RecordId>, sled::Error> {
    let mut out = Vec::new();
    for kv in tree.scan_prefix(layout::index_prefix(tag)) {
        let (k, v) = kv?;
        match k.len() {
            layout::POSTING_KEY_LEN => out.extend(layout::split_ids(&v)),
            layout::LEGACY_INDEX_KEY_LEN => out.extend(layout::id_after(&k, 17)),
            _ => {}
        }
    }
    out.sort_by_key(|id| id.0);
    out.dedup();
    Ok(out)
}
