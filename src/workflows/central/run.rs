//! One pass of the central node over the approved records it has received: each one not yet
//! judged is searched against the national gallery, oldest approval first, and gets a signed
//! verdict: `registrado` (status `registrado`) when nobody else matches, or a duplicate case
//! (status stays `aprobado`) for a central supervisor. A record judged here joins the gallery
//! at once, so two copies of one person approved at two offices in the same pass make one
//! registration and one case, never two registrations.
//!
//! This module owns the pass. It must not decide cases (that is [`super::cases`]).

use huella_sync::record::{CentralMatch, CentralOutcome};
use huella_sync::roster::Trust;
use huella_sync::{AuditAction, BiometricStatus, PersonRecord, RecordId, StatusChange};

use super::CentralError;
#[cfg(feature = "postgres")]
use super::gallery::capture_digest;
use super::gallery::{NationalGallery, NationalHit, templates_of};
use super::verdict::{self, VerdictDraft};
use crate::matching::Finger;
use crate::workflows::enroll;
use crate::workflows::session::Session;

/// Reason written in the status history of a clean registration (no personal data).
pub const REGISTERED_REASON: &str = "registro nacional: sin duplicados";

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Approved records judged in this pass.
    pub examined: usize,
    /// Records registered (no other person matched).
    pub registered: Vec<RecordId>,
    /// Records that opened a duplicate case.
    pub cases: Vec<RecordId>,
    /// People in the national gallery at the end of the pass.
    pub gallery: usize,
}

/// Where the national gallery is searched.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum SearchAt {
    /// In this process, the whole gallery in memory (the default).
    #[default]
    InProcess,
    /// On the sharded search in PostgreSQL (`--search postgres://…`), answered by
    /// `central worker` processes; an identify waiting longer than `timeout` fails.
    #[cfg(feature = "postgres")]
    Sharded {
        /// The search database.
        url: String,
        /// Longest wait for every shard to answer one identify.
        timeout: std::time::Duration,
    },
}

/// The gallery the pass searches: in memory, or the sharded search.
enum Searcher {
    InProcess(NationalGallery),
    #[cfg(feature = "postgres")]
    Sharded(Box<super::shards::national::ShardedGallery>),
}

impl Searcher {
    fn open(session: &Session, at: &SearchAt) -> Result<Self, CentralError> {
        #[cfg(not(feature = "postgres"))]
        let _ = session;
        Ok(match at {
            SearchAt::InProcess => Searcher::InProcess(NationalGallery::new()),
            #[cfg(feature = "postgres")]
            SearchAt::Sharded { url, timeout } => Searcher::Sharded(Box::new(
                super::shards::national::ShardedGallery::open(url, session, *timeout)?,
            )),
        })
    }

    /// Makes `id`'s current captures searchable (on the sharded search: inserts its capture
    /// set unless it is there, and deletes the person's older sets).
    fn add(&mut self, session: &Session, id: RecordId) -> Result<(), CentralError> {
        self.add_all(session, &[id])
    }

    /// [`Searcher::add`] for many people: on the sharded search, the references read when
    /// the gallery was opened say who is missing, and only they are inserted, in batches.
    fn add_all(&mut self, session: &Session, ids: &[RecordId]) -> Result<(), CentralError> {
        match self {
            Searcher::InProcess(g) => {
                for id in ids {
                    g.add(session, *id)?;
                }
                Ok(())
            }
            #[cfg(feature = "postgres")]
            Searcher::Sharded(g) => {
                let mut people = Vec::with_capacity(ids.len());
                for id in ids {
                    people.push((*id, capture_digest(session, *id)?));
                }
                let put = g.put_all(&people, |id| templates_of(session, id))?;
                if put.inserted + put.replaced > 0 {
                    tracing::info!(
                        target: "huella::central",
                        "sharded gallery: {} capture sets inserted, {} older ones deleted",
                        put.inserted,
                        put.replaced
                    );
                }
                Ok(())
            }
        }
    }

    fn search(
        &mut self,
        session: &Session,
        id: RecordId,
    ) -> Result<(Vec<NationalHit>, usize), CentralError> {
        let probes = templates_of(session, id)?;
        let hits = match self {
            Searcher::InProcess(g) => {
                let fingers: Vec<Finger> = probes.iter().map(|(p, t)| Finger::new(*p, t)).collect();
                g.search(id, &fingers)
            }
            #[cfg(feature = "postgres")]
            Searcher::Sharded(g) => g.search(id, &probes)?,
        };
        Ok((hits, probes.len()))
    }

    /// Removes from a persistent gallery whoever `keep` refuses (the in-process one is rebuilt
    /// at every pass from the store).
    fn drop_unless(&mut self, keep: impl Fn(RecordId) -> bool) -> Result<(), CentralError> {
        match self {
            Searcher::InProcess(_) => {
                let _ = keep;
                Ok(())
            }
            #[cfg(feature = "postgres")]
            Searcher::Sharded(g) => {
                let removed = g.drop_unless(keep)?;
                if removed > 0 {
                    tracing::info!(target: "huella::central", "{removed} people deleted from the sharded gallery");
                }
                Ok(())
            }
        }
    }

    fn people(&self) -> usize {
        match self {
            Searcher::InProcess(g) => g.people(),
            #[cfg(feature = "postgres")]
            Searcher::Sharded(g) => g.people(),
        }
    }
}

/// Runs one pass as the session's officer, searching in this process.
pub fn run(session: &Session) -> Result<RunReport, CentralError> {
    run_at(session, &SearchAt::InProcess)
}

/// Runs one pass as the session's officer, searching where `at` says.
pub fn run_at(session: &Session, at: &SearchAt) -> Result<RunReport, CentralError> {
    let keys = session.keys();
    let trust = Trust::new(session.store.replica());
    let mut gallery = Searcher::open(session, at)?;
    // The gallery: everyone registered and everyone under an open case, with their current
    // captures.
    let mut members = session.store.ids_with_status(BiometricStatus::Registrado)?;
    let mut pending: Vec<(String, RecordId)> = Vec::new();
    for id in session.store.ids_with_status(BiometricStatus::Aprobado)? {
        let open = session.store.open_record(&keys, id)?;
        if open_case(&open.record)? {
            members.push(id);
            continue;
        }
        let approved_at = open
            .record
            .approvals()?
            .pop()
            .map(|a| a.signed_at)
            .unwrap_or_default();
        pending.push((approved_at, id));
    }
    // Before any search: nobody erased here (an office's erasure order: ARCO cancellation,
    // retention), rejected as a duplicate or restricted is matched against any more. A
    // person re-captured and awaiting a new verdict keeps the capture set last judged until
    // the new one is judged (then the new set replaces it).
    let mut gone: std::collections::HashSet<RecordId> = std::collections::HashSet::new();
    for status in [BiometricStatus::Rechazado, BiometricStatus::Restringido] {
        gone.extend(session.store.ids_with_status(status)?);
    }
    gallery.drop_unless(|id| session.store.contains(&id).unwrap_or(true) && !gone.contains(&id))?;
    // Also what an earlier pass killed between a verdict and its insert left undone.
    gallery.add_all(session, &members)?;
    pending.sort();
    let mut report = RunReport::default();
    for (_, id) in pending {
        report.examined += 1;
        let (hits, probe_fingers) = gallery.search(session, id)?;
        let mut open = session.store.open_record(&keys, id)?;
        let now = enroll::now();
        if hits.is_empty() {
            let v = verdict::sign(
                session,
                VerdictDraft {
                    outcome: CentralOutcome::Registrado,
                    case: String::new(),
                    reason: REGISTERED_REASON.to_owned(),
                    matches: Vec::new(),
                    by_supervisor: false,
                    record: &open.record,
                },
                &now,
            )?;
            open.record.add_central_verdict(&v)?;
            open.record.set_status(&StatusChange {
                status: BiometricStatus::Registrado,
                at: now,
                by: session.credential.officer.user().to_owned(),
                reason: REGISTERED_REASON.to_owned(),
            })?;
            enroll::save(
                session,
                &mut open,
                AuditAction::DictamenCentral,
                &format!(
                    "registrado; galería nacional {} personas, {} dedos comparados",
                    gallery.people(),
                    probe_fingers
                ),
            )?;
            report.registered.push(id);
        } else {
            let mut matches = Vec::with_capacity(hits.len());
            for h in &hits {
                matches.push(CentralMatch {
                    id: h.id,
                    score: h.score,
                    evidence: h.evidence,
                    fingers: h.fingers,
                    office: office_of(session, &trust, h.id),
                });
            }
            let v = verdict::sign(
                session,
                VerdictDraft {
                    outcome: CentralOutcome::EnRevision,
                    case: id.to_hex(),
                    reason: "posible duplicado nacional".to_owned(),
                    matches,
                    by_supervisor: false,
                    record: &open.record,
                },
                &now,
            )?;
            open.record.add_central_verdict(&v)?;
            enroll::save(
                session,
                &mut open,
                AuditAction::DictamenCentral,
                &format!("caso de duplicado abierto; coincidencias {}", hits.len()),
            )?;
            report.cases.push(id);
        }
        gallery.add(session, id)?;
    }
    report.gallery = gallery.people();
    Ok(report)
}

/// Whether `record`'s newest verdict is an open duplicate case over its current captures.
pub fn open_case(record: &PersonRecord) -> Result<bool, CentralError> {
    let Some(v) = record.central_verdicts()?.pop() else {
        return Ok(false);
    };
    Ok(v.outcome == CentralOutcome::EnRevision && v.capture_digest == record.capture_digest()?)
}

/// The office where `id` was captured: the office whose roster lists the station named in
/// the record's consent (empty when unknown or ambiguous; station names are unique only
/// within an office).
pub fn office_of(session: &Session, trust: &Trust, id: RecordId) -> String {
    let Ok(open) = session.store.open_record(&session.keys(), id) else {
        return String::new();
    };
    let Some(station) = open.record.consent().map(|c| c.estacion) else {
        return String::new();
    };
    let offices: Vec<String> = trust
        .all()
        .unwrap_or_default()
        .into_iter()
        .filter(|(r, _)| r.stations.iter().any(|s| s.name == station))
        .map(|(r, _)| r.office)
        .collect();
    match offices.as_slice() {
        [one] => one.clone(),
        _ => String::new(),
    }
}
