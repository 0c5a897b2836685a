//! The office gallery for the local 1:N duplicate search: templates of everyone already
//! captured, approved or registered at this station, loaded incrementally in memory.

use std::collections::HashSet;

use huella_sync::{BiometricStatus, BlobKind, RecordId};

use super::EnrollError;
use crate::matching::duplicate;
use crate::matching::{Finger, Gallery, HitStrength, SearchOptions, Template, threshold_for_fmr};
use crate::workflows::session::Session;

/// False-match rate at which one finger of a flagged person counts as matching (the
/// decision itself is `matching::duplicate::judge`, on the fused evidence and gallery size).
pub const DUPLICATE_FMR: f64 = 1e-4;

/// A possible duplicate: another person whose fingers match.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateHit {
    /// The other record.
    pub id: RecordId,
    /// Best single-finger score.
    pub score: f32,
    /// Fused evidence (sum of −log10 FMR over matching fingers).
    pub evidence: f64,
    /// Matching fingers.
    pub fingers: usize,
    /// How strongly the fingers say "the same person" (the supervisor reads this, not the score).
    pub strength: HitStrength,
}

/// Templates of the office, searchable.
#[derive(Debug, Default)]
pub struct OfficeGallery {
    gallery: Gallery,
    loaded: HashSet<RecordId>,
}

impl OfficeGallery {
    /// An empty gallery (fills on the first search).
    pub fn new() -> Self {
        Self::default()
    }

    /// People loaded.
    pub fn people(&self) -> usize {
        self.loaded.len()
    }

    /// Loads the templates of records with biometrics that are not loaded yet.
    pub fn refresh(&mut self, session: &Session) -> Result<(), EnrollError> {
        let keys = session.keys();
        for status in [
            BiometricStatus::Capturado,
            BiometricStatus::Aprobado,
            BiometricStatus::Registrado,
        ] {
            for id in session.store.ids_with_status(status)? {
                if self.loaded.contains(&id) {
                    continue;
                }
                let open = session.store.open_record(&keys, id)?;
                for c in open.record.captures()? {
                    let Some(blob) = c.template.filter(|b| b.kind == BlobKind::FingerTemplate)
                    else {
                        continue;
                    };
                    let bytes = session.store.get_blob(&keys, id, &blob)?;
                    if let Ok(t) = Template::decode(&bytes) {
                        self.gallery.add(&id.to_hex(), c.position.code(), &t);
                    }
                }
                self.loaded.insert(id);
            }
        }
        Ok(())
    }

    /// Searches with the fingers captured for `id` (excluding `id` itself).
    pub fn search(
        &mut self,
        session: &Session,
        id: RecordId,
    ) -> Result<Vec<DuplicateHit>, EnrollError> {
        self.refresh(session)?;
        let keys = session.keys();
        let open = session.store.open_record(&keys, id)?;
        let mut probes = Vec::new();
        for c in open.record.captures()? {
            if let Some(blob) = c.template.filter(|b| b.kind == BlobKind::FingerTemplate)
                && let Ok(t) = Template::decode(&session.store.get_blob(&keys, id, &blob)?)
            {
                probes.push(Finger::new(c.position.code(), &t));
            }
        }
        let threshold = threshold_for_fmr(DUPLICATE_FMR);
        let me = id.to_hex();
        let people = self.loaded.len();
        Ok(self
            .gallery
            .search(&probes, &SearchOptions::default())
            .into_iter()
            .filter(|c| c.person != me)
            .filter_map(|c| {
                let decision = duplicate::judge(&c, probes.len(), people)?;
                Some(DuplicateHit {
                    id: RecordId::parse(&c.person)?,
                    score: c.best_score,
                    evidence: c.evidence,
                    fingers: c.fingers.iter().filter(|f| f.2 >= threshold).count(),
                    strength: decision.strength,
                })
            })
            .collect())
    }
}
