//! Semantic conflicts a merge cannot settle by itself, kept for a supervisor: two records
//! with the same CURP, and concurrent contradictory biometric statuses. Entries hold record
//! ids and a kind, never personal data. This module must not resolve anything.

use automerge::ReadDoc;
use serde::{Deserialize, Serialize};

use crate::record::RecordId;
use crate::replica::keys;
use crate::store::{Indexer, Store, StoreError, StoreKeys};

/// Kinds of conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConflictKind {
    /// Two record ids carry the same CURP (possible duplicate enrollment).
    CurpDuplicada,
    /// Stations set different biometric statuses concurrently.
    EstadoContradictorio,
}

impl ConflictKind {
    /// Text for listings.
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictKind::CurpDuplicada => "curp_duplicada",
            ConflictKind::EstadoContradictorio => "estado_contradictorio",
        }
    }
}

/// A conflict waiting for a supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// Kind.
    pub kind: ConflictKind,
    /// Records involved (hex ids).
    pub records: Vec<String>,
    /// When it was found.
    pub found_at: String,
    /// Details without personal data (e.g. the competing status codes).
    pub detail: String,
}

impl Conflict {
    fn key(&self) -> String {
        format!("{}/{}", self.kind.as_str(), self.records.join("+"))
    }
}

/// Checks `ids` (just merged) for conflicts and records new ones; returns how many are new.
pub fn detect(
    store: &Store,
    keys_: &StoreKeys<'_>,
    ids: &[RecordId],
    indexer: &dyn Indexer,
) -> Result<usize, StoreError> {
    let mut found = 0;
    let now = crate::time::now_utc();
    for &id in ids {
        let mut open = store.open_record(keys_, id)?;
        if let Some(tag) = indexer.curp_tag(&open.record) {
            let mut same: Vec<RecordId> = store.find(&tag)?;
            if same.len() > 1 {
                same.sort();
                let c = Conflict {
                    kind: ConflictKind::CurpDuplicada,
                    records: same.iter().map(RecordId::to_hex).collect(),
                    found_at: now.clone(),
                    detail: format!("{} registros con la misma CURP", same.len()),
                };
                found += usize::from(put(store, &c)?);
            }
        }
        let doc = open.record.doc_mut();
        if let Ok(values) = doc.get_all(automerge::ROOT, "estado")
            && values.len() > 1
        {
            let mut states: Vec<String> = values
                .iter()
                .filter_map(|(v, _)| {
                    v.clone()
                        .into_scalar()
                        .ok()
                        .and_then(|s| s.as_str().map(str::to_owned))
                })
                .collect();
            states.sort();
            states.dedup();
            if states.len() > 1 {
                let c = Conflict {
                    kind: ConflictKind::EstadoContradictorio,
                    records: vec![id.to_hex()],
                    found_at: now.clone(),
                    detail: format!("estados concurrentes: {}", states.join(", ")),
                };
                found += usize::from(put(store, &c)?);
            }
        }
    }
    Ok(found)
}

fn put(store: &Store, c: &Conflict) -> Result<bool, StoreError> {
    let tree = store.replica();
    let key = keys::conflict(&c.key());
    if tree.tree().contains_key(&key)? {
        return Ok(false);
    }
    let v = serde_json::to_vec(c).map_err(|e| StoreError::Meta(e.to_string()))?;
    tree.tree().insert(key, v)?;
    Ok(true)
}

/// Every recorded conflict.
pub fn list(store: &Store) -> Result<Vec<Conflict>, StoreError> {
    let mut out = Vec::new();
    for kv in store.replica().tree().scan_prefix(keys::CONFLICT) {
        let (_, v) = kv?;
        out.push(serde_json::from_slice(&v).map_err(|e| StoreError::Meta(e.to_string()))?);
    }
    Ok(out)
}
