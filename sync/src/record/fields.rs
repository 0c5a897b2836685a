//! Small helpers to read and write scalar strings in nested maps of a document.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value};

use super::RecordError;

/// The map at `key` under `parent`, created if absent.
pub(crate) fn ensure_map(
    doc: &mut AutoCommit,
    parent: &ObjId,
    key: &str,
) -> Result<ObjId, RecordError> {
    if let Some(id) = map_at(doc, parent, key) {
        return Ok(id);
    }
    Ok(doc.put_object(parent, key, ObjType::Map)?)
}

/// A fresh map at `key` under `parent`, replacing any previous value.
pub(crate) fn new_map(
    doc: &mut AutoCommit,
    parent: &ObjId,
    key: &str,
) -> Result<ObjId, RecordError> {
    Ok(doc.put_object(parent, key, ObjType::Map)?)
}

/// The map at `key` under `parent`, if there is one.
pub(crate) fn map_at(doc: &AutoCommit, parent: &ObjId, key: &str) -> Option<ObjId> {
    match doc.get(parent, key) {
        Ok(Some((Value::Object(ObjType::Map), id))) => Some(id),
        _ => None,
    }
}

/// Writes a string scalar.
pub(crate) fn put(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: &str,
) -> Result<(), RecordError> {
    doc.put(obj, key, ScalarValue::Str(value.into()))?;
    Ok(())
}

/// Reads a string scalar (absent or non-string gives `None`).
pub(crate) fn get(doc: &AutoCommit, obj: &ObjId, key: &str) -> Option<String> {
    match doc.get(obj, key) {
        Ok(Some((Value::Scalar(s), _))) => s.as_str().map(str::to_owned),
        _ => None,
    }
}

/// Reads a required string scalar.
pub(crate) fn need(
    doc: &AutoCommit,
    obj: &ObjId,
    key: &'static str,
) -> Result<String, RecordError> {
    get(doc, obj, key).ok_or(RecordError::MissingField { field: key })
}

/// The keys of the map at `parent.key`, or none.
pub(crate) fn entries(doc: &AutoCommit, parent: &ObjId, key: &str) -> Vec<(String, ObjId)> {
    let Some(map) = map_at(doc, parent, key) else {
        return Vec::new();
    };
    doc.keys(&map)
        .filter_map(|k| map_at(doc, &map, &k).map(|id| (k, id)))
        .collect()
}
