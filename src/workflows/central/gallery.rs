//! The national gallery of the central node: the templates of every person already
//! registered (or under a duplicate case), in memory, searched with the fingers of a newly
//! approved person. One process, one full scan: the sharded search of many machines is the
//! later step (docs/central.md).
//!
//! This module owns loading templates and judging hits. It must not write records.

use std::collections::HashSet;

use huella_sync::{BlobKind, RecordId};

use super::CentralError;
use crate::matching::duplicate;
use crate::matching::{Finger, Gallery, SearchOptions, Template, threshold_for_fmr};
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
        let threshold = threshold_for_fmr(NATIONAL_FMR);
        let me = id.to_hex();
        let people = self.loaded.len();
        self.gallery
            .search(probes, &SearchOptions::default())
            .into_iter()
            .filter(|c| c.person != me)
            .filter_map(|c| {
                duplicate::judge(&c, probes.len(), people)?;
                Some(NationalHit {
                    id: RecordId::parse(&c.person)?,
                    score: c.best_score,
                    evidence: c.evidence,
                    fingers: c.fingers.iter().filter(|f| f.2 >= threshold).count(),
                })
            })
            .collect()
    }
}

/// The prepared fingers of record `id` (templates that do not decode are left out).
pub fn fingers_of(session: &Session, id: RecordId) -> Result<Vec<Finger>, CentralError> {
    let keys = session.keys();
    let open = session.store.open_record(&keys, id)?;
    let mut out = Vec::new();
    for c in open.record.captures()? {
        let Some(blob) = c.template.filter(|b| b.kind == BlobKind::FingerTemplate) else {
            continue;
        };
        let bytes = session.store.get_blob(&keys, id, &blob)?;
        if let Ok(t) = Template::decode(&bytes) {
            out.push(Finger::new(c.position.code(), &t));
        }
    }
    Ok(out)
}
