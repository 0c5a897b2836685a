//! Which blind-index tags a person gets, and how a query becomes tags.
//!
//! CURP and NSS are indexed whole (normalised); names by token, so "juan perez" finds
//! "Juan Carlos Pérez López". The tags are keyed hashes: no plaintext reaches the store.

use huella_keys::{BlindTag, IndexKey};
use huella_sync::Identity;

use crate::identifiers::name_tokens;

/// The tags of a person's identity.
pub fn tags_for(key: &IndexKey, id: &Identity) -> Vec<BlindTag> {
    let mut tags = vec![
        key.tag("curp", &id.curp.trim().to_uppercase()),
        key.tag("nss", id.nss.trim()),
    ];
    for part in [&id.nombre, &id.primer_apellido, &id.segundo_apellido] {
        for t in name_tokens(part) {
            tags.push(key.tag("nombre", &t));
        }
    }
    tags.sort();
    tags.dedup();
    tags
}

/// The tag to look up a CURP.
pub fn curp_tag(key: &IndexKey, curp: &str) -> BlindTag {
    key.tag("curp", &curp.trim().to_uppercase())
}

/// The tag to look up an NSS.
pub fn nss_tag(key: &IndexKey, nss: &str) -> BlindTag {
    key.tag("nss", nss.trim())
}

/// The tags of every token of a name query (all must match).
pub fn name_query_tags(key: &IndexKey, query: &str) -> Vec<BlindTag> {
    name_tokens(query)
        .iter()
        .map(|t| key.tag("nombre", t))
        .collect()
}

/// The tags of a whole record: its identity's, the CURPs and NSSs it had before a
/// rectification (so the old identifier still finds the person), and the open-ARCO-request
/// tag while a request waits for an answer. Every write of a record should index with this.
pub fn record_tags(key: &IndexKey, record: &huella_sync::PersonRecord) -> Vec<BlindTag> {
    let mut tags = record
        .identity()
        .map(|i| tags_for(key, &i))
        .unwrap_or_default();
    for f in record.former_identifiers() {
        match f.field.as_str() {
            "curp" => tags.push(curp_tag(key, &f.value)),
            "nss" => tags.push(nss_tag(key, &f.value)),
            _ => {}
        }
    }
    if record
        .arco_requests()
        .is_ok_and(|rs| rs.iter().any(|r| r.is_open()))
    {
        tags.push(open_arco_tag(key));
    }
    tags.sort();
    tags.dedup();
    tags
}

/// The tag every record with an open ARCO request carries (`huella arco list`).
pub fn open_arco_tag(key: &IndexKey) -> BlindTag {
    key.tag("arco", "abierta")
}
