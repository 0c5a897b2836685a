//! The national gallery of the central node: the templates of every person already
//! registered (or under a duplicate case), in memory, searched with the fingers of a newly
//! approved person. One process, one full scan (the default); the sharded search of many
//! machines (`shards`, feature `postgres`) judges its merged candidates with [`judge_hits`]
//! too.
//!
//! A person's entry in a gallery is named by a reference: the record id in hex, optionally
//! followed by `.` and the digest of the capture set it holds ([`capture_reference`]), so that
//! a re-captured person's new fingers get a new reference (a reference is inserted once in
//! the sharded search) and every reference maps back to its record ([`record_of_reference`]).
//!
//! This module owns loading templates, naming references and judging hits. It must not write
//! records.

use std::collections::HashSet;

use huella_sync::{BlobKind, RecordId};
use sha2::{Digest, Sha256};

use super::CentralError;
use crate::matching::duplicate;
use crate::matching::{Candidate, Finger, Gallery, SearchOptions, Template, threshold_for_fmr};
use crate::workflows::session::Session;

/// False-match rate at which one finger counts as matching (the office search's, 1e-4; the
/// fused decision, `matching::duplicate::judge`, already grows stricter with the gallery).
pub const NATIONAL_FMR: f64 = 1e-4;

/// Another person whose fingers match.
#[derive(Debug, Clone, PartialEq)]
pub struct NationalHit {
    /// The other record.
    pub id: RecordId,
    /// Best single-finger score.
    pub score: f32,
    /// Fused evidence (sum of −log10 FMR over matching fingers).
    pub evidence: f64,
    /// Matching fingers.
    pub fingers: usize,
}

/// Templates of the people registered nationally, searchable.
#[derive(Debug, Default)]
pub struct NationalGallery {
    gallery: Gallery,
    loaded: HashSet<RecordId>,
}

impl NationalGallery {
    /// An empty gallery.
    pub fn new() -> Self {
        Self::default()
    }

    /// People loaded.
    pub fn people(&self) -> usize {
        self.loaded.len()
    }

    /// Adds `id`'s fingers (once).
    pub fn add(&mut self, session: &Session, id: RecordId) -> Result<(), CentralError> {
        if !self.loaded.insert(id) {
            return Ok(());
        }
        let name = id.to_hex();
        for f in fingers_of(session, id)? {
            self.gallery
                .add_prepared(&name, f.position, f.prepared.clone());
        }
        Ok(())
    }

    /// Searches with `probes` (the fingers of `id`, which is left out of the answer).
    pub fn search(&self, id: RecordId, probes: &[Finger]) -> Vec<NationalHit> {
        if probes.is_empty() || self.gallery.is_empty() {
            return Vec::new();
        }
        let found = self.gallery.search(probes, &SearchOptions::default());
        judge_hits(id, probes.len(), self.loaded.len(), found)
    }
}

/// The hits among `found` for a search with `probe_fingers` fingers of `id` in a gallery of
/// `people` people: `id` itself left out, each candidate judged by the fused decision
/// (`matching::duplicate::judge`). The in-process and the sharded search both judge here.
pub fn judge_hits(
    id: RecordId,
    probe_fingers: usize,
    people: usize,
    found: Vec<Candidate>,
) -> Vec<NationalHit> {
    let threshold = threshold_for_fmr(NATIONAL_FMR);
    let mut hits: Vec<NationalHit> = Vec::new();
    for c in found {
        // Any reference of `id` (an earlier capture set still in the gallery) is `id` itself.
        let Some(other) = record_of_reference(&c.person).filter(|r| *r != id) else {
            continue;
        };
        if duplicate::judge(&c, probe_fingers, people).is_none() {
            continue;
        }
        let hit = NationalHit {
            id: other,
            score: c.best_score,
            evidence: c.evidence,
            fingers: c.fingers.iter().filter(|f| f.2 >= threshold).count(),
        };
        // Two references of one record (a re-capture being replaced): one hit, the stronger.
        match hits.iter_mut().find(|h| h.id == other) {
            Some(h) if h.evidence < hit.evidence => *h = hit,
            Some(_) => {}
            None => hits.push(hit),
        }
    }
    hits
}

/// The record a gallery reference names: the record id before the first `.` (a plain record
/// id, as the first sharded galleries wrote, names its record too).
pub fn record_of_reference(reference: &str) -> Option<RecordId> {
    RecordId::parse(reference.split('.').next().unwrap_or_default())
}

/// The capture-set part of a reference (`""` for a plain record id): what follows the record
/// id's `.` up to the next `.`.
pub fn digest_of_reference(reference: &str) -> &str {
    reference.split('.').nth(1).unwrap_or_default()
}

/// The reference of `id`'s capture set `digest` (see [`capture_digest`]):
/// `<record hex>.<digest>`.
pub fn capture_reference(id: RecordId, digest: &str) -> String {
    format!("{}.{digest}", id.to_hex())
}

/// The digest naming record `id`'s current capture set: 8 hex digits of SHA-256 over the
/// position and blob id of each finger template, in position order. New captures are new
/// blobs, so a re-capture gives a new digest; the blobs themselves are not read.
pub fn capture_digest(session: &Session, id: RecordId) -> Result<String, CentralError> {
    let open = session.store.open_record(&session.keys(), id)?;
    let mut blobs: Vec<(u8, String)> = open
        .record
        .captures()?
        .into_iter()
        .filter_map(|c| {
            let blob = c.template.filter(|b| b.kind == BlobKind::FingerTemplate)?;
            Some((c.position.code(), blob.hash))
        })
        .collect();
    blobs.sort();
    Ok(digest_of_blobs(&blobs))
}

/// 8 hex digits of SHA-256 over `position:blob\n` lines (the order given).
fn digest_of_blobs(blobs: &[(u8, String)]) -> String {
    let mut h = Sha256::new();
    for (position, blob) in blobs {
        h.update(format!("{position}:{blob}\n").as_bytes());
    }
    hex::encode(&h.finalize()[..4])
}

/// The prepared fingers of record `id` (templates that do not decode are left out).
pub fn fingers_of(session: &Session, id: RecordId) -> Result<Vec<Finger>, CentralError> {
    Ok(templates_of(session, id)?
        .iter()
        .map(|(position, t)| Finger::new(*position, t))
        .collect())
}

/// The finger templates of record `id` with their ISO positions (templates that do not
/// decode are left out).
pub fn templates_of(session: &Session, id: RecordId) -> Result<Vec<(u8, Template)>, CentralError> {
    let keys = session.keys();
    let open = session.store.open_record(&keys, id)?;
    let mut out = Vec::new();
    for c in open.record.captures()? {
        let Some(blob) = c.template.filter(|b| b.kind == BlobKind::FingerTemplate) else {
            continue;
        };
        let bytes = session.store.get_blob(&keys, id, &blob)?;
        if let Ok(t) = Template::decode(&bytes) {
            out.push((c.position.code(), t));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(person: &str, evidence: f64) -> Candidate {
        Candidate {
            person: person.to_owned(),
            evidence,
            best_score: 0.9,
            fingers: vec![(0, 1, 0.9), (1, 2, 0.9), (2, 3, 0.9)],
        }
    }

    #[test]
    fn references_of_any_capture_set_map_back_to_their_record() {
        let id = RecordId::generate();
        let plain = id.to_hex();
        let current = capture_reference(id, "0badf00d");
        assert_eq!(current, format!("{plain}.0badf00d"));
        for r in [
            plain.as_str(),
            current.as_str(),
            &format!("{current}.12345678"),
        ] {
            assert_eq!(record_of_reference(r), Some(id), "{r}");
        }
        assert_eq!(digest_of_reference(&plain), "");
        assert_eq!(digest_of_reference(&current), "0badf00d");
        assert_eq!(
            digest_of_reference(&format!("{current}.12345678")),
            "0badf00d"
        );
        assert_eq!(record_of_reference("not-a-record.0badf00d"), None);
        // The digest follows the blobs: a new template blob is a new capture set.
        let one = digest_of_blobs(&[(1, "aa".into()), (2, "bb".into())]);
        assert_eq!(one.len(), 8);
        assert_ne!(one, digest_of_blobs(&[(1, "aa".into()), (2, "cc".into())]));
        assert_ne!(one, digest_of_blobs(&[(1, "aa".into()), (3, "bb".into())]));
    }

    #[test]
    fn hits_leave_out_every_reference_of_the_probe_and_count_a_person_once() {
        let me = RecordId::generate();
        let other = RecordId::generate();
        let found = vec![
            // The probe's own older capture set (a re-capture not yet replaced) and its plain
            // reference are the probe, not a duplicate.
            candidate(&capture_reference(me, "11111111"), 40.0),
            candidate(&me.to_hex(), 40.0),
            // Another person under two references (being replaced): one hit, the stronger.
            candidate(&capture_reference(other, "22222222"), 30.0),
            candidate(&other.to_hex(), 35.0),
            // Not a record.
            candidate("rubbish", 40.0),
        ];
        let hits = judge_hits(me, 3, 10, found);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].id, other);
        assert_eq!(hits[0].evidence, 35.0);
        assert_eq!(hits[0].fingers, 3);
    }
}
