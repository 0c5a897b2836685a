//! Semantic conflicts a merge cannot settle by itself, kept for a supervisor: two records
//! with the same CURP, concurrent contradictory biometric statuses, and an approval that no
//! longer covers the captures (a recapture merged from another station replaced what the
//! supervisor approved). Entries hold record ids and a kind, never personal data.
//!
//! This module must not resolve anything. The one thing it changes is a status that would
//! otherwise claim an approval nobody gave: a record whose approval was superseded goes back
//! from `aprobado` to `capturado` (into the supervisors' queue), with a history entry by
//! `sistema`; the superseded approval stays in the record, signed and visible.

use automerge::ReadDoc;
use huella_keys::OfficerKey;
use serde::{Deserialize, Serialize};

use crate::audit::AuditAction;
use crate::record::{BiometricStatus, RecordId, StatusChange};
use crate::replica::keys;
use crate::store::{Indexer, OpenRecord, Store, StoreError, StoreKeys};

/// Who the status history names when a superseded approval sends a record back to review.
pub const SYSTEM: &str = "sistema";

/// Kinds of conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConflictKind {
    /// Two record ids carry the same CURP (possible duplicate enrollment).
    CurpDuplicada,
    /// Stations set different biometric statuses concurrently.
    EstadoContradictorio,
    /// The approval in force was signed over captures the record no longer has.
    AprobacionReemplazada,
}

impl ConflictKind {
    /// Text for listings.
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictKind::CurpDuplicada => "curp_duplicada",
            ConflictKind::EstadoContradictorio => "estado_contradictorio",
            ConflictKind::AprobacionReemplazada => "aprobacion_reemplazada",
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
/// A record left `aprobado` on superseded captures goes back to `capturado` (audited as
/// `officer`, the one syncing).
pub fn detect(
    store: &Store,
    keys_: &StoreKeys<'_>,
    officer: &OfficerKey,
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
        found += superseded(store, keys_, officer, &mut open, indexer, &now)?;
    }
    Ok(found)
}

/// Lists a superseded approval of `open` and takes the record out of `aprobado`.
fn superseded(
    store: &Store,
    keys_: &StoreKeys<'_>,
    officer: &OfficerKey,
    open: &mut OpenRecord,
    indexer: &dyn Indexer,
    now: &str,
) -> Result<usize, StoreError> {
    let id = open.record.id();
    let bad = |source| StoreError::Record {
        id,
        source: Box::new(source),
    };
    let Some(approval) = open.record.superseded_approval().map_err(bad)? else {
        return Ok(0);
    };
    let c = Conflict {
        kind: ConflictKind::AprobacionReemplazada,
        records: vec![id.to_hex()],
        found_at: now.to_owned(),
        detail: format!(
            "la aprobación {} de {} ({}) cubre capturas que ya no son las actuales",
            approval.id, approval.supervisor, approval.signed_at
        ),
    };
    let new = usize::from(put(store, &c)?);
    if open.record.status().ok() == Some(BiometricStatus::Aprobado) {
        open.record
            .set_status(&StatusChange {
                status: BiometricStatus::Capturado,
                at: now.to_owned(),
                by: SYSTEM.to_owned(),
                reason: format!(
                    "aprobación reemplazada: la aprobación {} cubre capturas anteriores; requiere una nueva decisión",
                    approval.id
                ),
            })
            .map_err(bad)?;
        let tags = indexer.tags(&open.record);
        let mut b = store.batch();
        b.save_record(keys_, open, tags)?;
        b.audit(
            AuditAction::RegistroModificado,
            &[id],
            "aprobación reemplazada por una recaptura concurrente: vuelve a capturado",
        );
        store.commit(b, officer, now)?;
    }
    Ok(new)
}

fn put(store: &Store, c: &Conflict) -> Result<bool, StoreError> {
    let key = keys::conflict(&c.key());
    if store.tree().contains_key(&key)? {
        return Ok(false);
    }
    let v = serde_json::to_vec(c).map_err(|e| StoreError::Meta(e.to_string()))?;
    store.tree().insert(key, v)?;
    Ok(true)
}

/// Every recorded conflict.
pub fn list(store: &Store) -> Result<Vec<Conflict>, StoreError> {
    let mut out = Vec::new();
    for kv in store.tree().scan_prefix(keys::CONFLICT) {
        let (_, v) = kv?;
        out.push(serde_json::from_slice(&v).map_err(|e| StoreError::Meta(e.to_string()))?);
    }
    Ok(out)
}
