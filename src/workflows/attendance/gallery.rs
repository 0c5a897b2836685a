//! The staff template gallery: the fingers of the office's staff, searched 1:N to clock in
//! and out. A separate type from the enrollment `OfficeGallery`: it is filled only from
//! staff attendance documents (found by their own blind tag, checked to be staff documents)
//! and only from their staff templates, so a person enrolled at the counter can never be
//! identified here, and enrollment duplicate searches never load staff (they read the
//! biometric-status index, which staff documents are not in).

use std::collections::HashSet;

use huella_sync::{BlobKind, RecordId};

use super::{AttendanceError, staff_ids};
use crate::matching::{Finger, Gallery, SearchOptions, Template, fmr_for_score};
use crate::workflows::session::Session;

/// Largest chance that one clocking attributes an unknown finger to some staff member
/// (per-comparison false-match rate times the fingers in the gallery).
pub const CLOCK_FALSE_ALARM: f64 = 1e-4;

/// Who a live finger belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Identified {
    /// The staff document.
    pub id: RecordId,
    /// Evidence (−log10 FMR of the best finger).
    pub evidence: f64,
}

/// The staff fingers of this station, in memory.
#[derive(Debug, Default)]
pub struct StaffGallery {
    gallery: Gallery,
    loaded: HashSet<RecordId>,
}

impl StaffGallery {
    /// An empty gallery (fills on the first identification).
    pub fn new() -> Self {
        Self::default()
    }

    /// Staff members loaded.
    pub fn people(&self) -> usize {
        self.loaded.len()
    }

    /// Loads the staff documents not loaded yet (a long-running kiosk calls this before each
    /// identification, so staff enrolled or synced meanwhile are found).
    pub fn refresh(&mut self, session: &Session) -> Result<(), AttendanceError> {
        let keys = session.keys();
        for id in staff_ids(session)? {
            if self.loaded.contains(&id) {
                continue;
            }
            let open = session.store.open_record(&keys, id)?;
            if !open.record.is_staff() {
                continue;
            }
            for t in open.record.staff_templates()? {
                if t.template.kind != BlobKind::FingerTemplate {
                    continue;
                }
                let bytes = session.store.get_blob(&keys, id, &t.template)?;
                if let Ok(template) = Template::decode(&bytes) {
                    self.gallery.add(&id.to_hex(), t.position.code(), &template);
                }
            }
            self.loaded.insert(id);
        }
        Ok(())
    }

    /// The staff member whose finger `template` is (position unknown), if the best candidate
    /// clears [`CLOCK_FALSE_ALARM`] for the gallery's size.
    pub fn identify(
        &mut self,
        session: &Session,
        template: &Template,
    ) -> Result<Option<Identified>, AttendanceError> {
        self.refresh(session)?;
        let fingers = self.gallery.len().max(1) as f64;
        let probe = [Finger::new(0, template)];
        let best = self
            .gallery
            .search(&probe, &SearchOptions::default())
            .into_iter()
            .next();
        Ok(best.and_then(|c| {
            let false_alarm = fmr_for_score(c.best_score) * fingers;
            (false_alarm <= CLOCK_FALSE_ALARM)
                .then(|| RecordId::parse(&c.person))
                .flatten()
                .map(|id| Identified {
                    id,
                    evidence: c.evidence,
                })
        }))
    }
}
