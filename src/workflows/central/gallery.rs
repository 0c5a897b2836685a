//! The national gallery of the central node: the templates of every person already
//! registered (or under a duplicate case), in memory, searched with the fingers of a newly
//! approved person. One process, one full scan (the default); the sharded search of many
//! machines (`shards`, feature `postgres`) judges its merged candidates with [`judge_hits`]
//! too.
//!
//! This module owns loading templates and judging hits. It must not write records.

use std::collections::HashSet;

use huella_sync::{BlobKind, RecordId};

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
    let me = id.to_hex();
    found
        .into_iter()
        .filter(|c| c.person != me)
        .filter_map(|c| {
            duplicate::judge(&c, probe_fingers, people)?;
            Some(NationalHit {
                id: RecordId::parse(&c.person)?,
                score: c.best_score,
                evidence: c.evidence,
                fingers: c.fingers.iter().filter(|f| f.2 >= threshold).count(),
            })
        })
        .collect()
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
