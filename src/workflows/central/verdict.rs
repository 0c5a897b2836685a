//! Central verdicts: signing them at the central node, and checking them at a station
//! before the station shows "Biométrico registrado".
//!
//! A verdict is accepted when its office's roster is known here (rosters travel with every
//! sync), that roster's office key is the central key this station wraps its records to
//! (`init --central`), the signing station is listed in it and not revoked, its signature
//! and (for a supervisor's decision) the supervisor's verify over the same bytes, and it
//! covers the captures the record has now. The central node itself accepts its own office.
//! Supervisors of the central node are vouched for by the central station's signature (officer
//! lists are not replicated, see sync.md).
//!
//! This module owns those checks. It must not change records.

use huella_keys::{PublicKey, Signature};
use huella_sync::record::{CentralMatch, CentralOutcome, CentralVerdict};
use huella_sync::roster::Trust;
use huella_sync::{PersonRecord, RecordError, RecordId};

use crate::workflows::session::Session;

/// Whose verdicts a station accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CentralAnchor {
    /// The central key given to `init --central` (`age1…`): the office whose roster lists it.
    Recipient(String),
    /// No central key configured: the station's own office (the central node itself).
    OwnOffice(String),
}

/// Why a verdict is not accepted here (no personal data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerdictRefusal {
    /// The verdict's office is not the central office this station configured.
    #[error("la oficina que firma no es la oficina central configurada")]
    NotCentralOffice,
    /// The signing station is not listed (or is revoked) in the central office's roster.
    #[error("la estación que firma no es de confianza en la oficina central")]
    UntrustedStation,
    /// A signature does not verify.
    #[error("firma inválida")]
    BadSignature,
    /// The record's captures changed after the verdict (a recapture): it no longer applies.
    #[error("las capturas cambiaron después del dictamen")]
    Superseded,
}

/// The central standing of a record as this station sees it (its newest verdict).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentralMark {
    /// What the central node concluded.
    pub outcome: CentralOutcome,
    /// Whether this station accepts it (and why not).
    pub check: Result<(), VerdictRefusal>,
    /// When it was signed.
    pub signed_at: String,
    /// Central office and station that signed.
    pub office: String,
    /// Central station name.
    pub station: String,
    /// The deciding supervisor (empty when the search alone decided).
    pub supervisor: String,
    /// Records matched.
    pub matches: Vec<RecordId>,
}

impl CentralMark {
    /// "Biométrico registrado": the newest verdict is a verified registration.
    pub fn registered(&self) -> bool {
        self.outcome == CentralOutcome::Registrado && self.check.is_ok()
    }
}

/// Whose verdicts this session's station accepts.
pub fn anchor(session: &Session) -> Result<CentralAnchor, huella_sync::StoreError> {
    let station = session.store.station()?;
    Ok(
        match station
            .recipients
            .iter()
            .find(|(label, _)| label == "central")
        {
            Some((_, r)) => CentralAnchor::Recipient(r.clone()),
            None => CentralAnchor::OwnOffice(station.office),
        },
    )
}

/// Checks verdict `v` of `record` against `trust` and `anchor`.
pub fn check(
    trust: &Trust,
    anchor: &CentralAnchor,
    record: &PersonRecord,
    v: &CentralVerdict,
) -> Result<(), VerdictRefusal> {
    let roster = match trust.roster(&v.office) {
        Ok(Some((r, _))) => r,
        _ => return Err(VerdictRefusal::NotCentralOffice),
    };
    let central = match anchor {
        CentralAnchor::Recipient(r) => roster.office_recipient == *r,
        CentralAnchor::OwnOffice(o) => roster.office == *o,
    };
    if !central {
        return Err(VerdictRefusal::NotCentralOffice);
    }
    if !roster
        .stations
        .iter()
        .any(|s| s.key == v.station_key && s.name == v.station && !s.revoked)
    {
        return Err(VerdictRefusal::UntrustedStation);
    }
    let msg = v.signed_message(&record.id());
    if !verifies(&v.station_key, &msg, &v.signature) {
        return Err(VerdictRefusal::BadSignature);
    }
    if !v.supervisor.is_empty() && !verifies(&v.supervisor_key, &msg, &v.supervisor_signature) {
        return Err(VerdictRefusal::BadSignature);
    }
    if record.capture_digest().ok().as_deref() != Some(v.capture_digest.as_str()) {
        return Err(VerdictRefusal::Superseded);
    }
    Ok(())
}

fn verifies(key: &str, msg: &[u8], sig: &str) -> bool {
    match (PublicKey::from_hex(key), Signature::from_hex(sig)) {
        (Ok(k), Ok(s)) => k.verify(msg, &s).is_ok(),
        _ => false,
    }
}

/// The newest central verdict of `record`, checked here (`None` before the central node ran).
pub fn mark(session: &Session, record: &PersonRecord) -> Result<Option<CentralMark>, RecordError> {
    let Some(v) = record.central_verdicts()?.pop() else {
        return Ok(None);
    };
    let trust = Trust::new(session.store.replica());
    let check = match anchor(session) {
        Ok(a) => check(&trust, &a, record, &v),
        Err(_) => Err(VerdictRefusal::NotCentralOffice),
    };
    Ok(Some(CentralMark {
        outcome: v.outcome,
        check,
        signed_at: v.signed_at,
        office: v.office,
        station: v.station,
        supervisor: v.supervisor,
        matches: v.matches.iter().map(|m| m.id).collect(),
    }))
}

/// What a new verdict says (the signer fields are filled by [`sign`]).
pub struct VerdictDraft<'a> {
    /// The outcome.
    pub outcome: CentralOutcome,
    /// The case (record id under review) or empty.
    pub case: String,
    /// Why (no personal data).
    pub reason: String,
    /// Records matched.
    pub matches: Vec<CentralMatch>,
    /// Whether the acting officer signs too (a supervisor's decision).
    pub by_supervisor: bool,
    /// The record it is about.
    pub record: &'a PersonRecord,
}

/// A verdict signed by this station (and by the acting officer when `by_supervisor`).
pub fn sign(
    session: &Session,
    draft: VerdictDraft<'_>,
    at: &str,
) -> Result<CentralVerdict, RecordError> {
    let station = &session.credential.station;
    let officer = &session.credential.officer;
    let mut v = CentralVerdict {
        id: RecordId::generate().to_hex(),
        outcome: draft.outcome,
        case: draft.case,
        reason: draft.reason,
        office: station.office().to_owned(),
        station: station.station().to_owned(),
        station_key: station.public().key.to_hex(),
        supervisor: if draft.by_supervisor {
            officer.user().to_owned()
        } else {
            String::new()
        },
        supervisor_key: if draft.by_supervisor {
            officer.public().key.to_hex()
        } else {
            String::new()
        },
        signed_at: at.to_owned(),
        capture_digest: draft.record.capture_digest()?,
        matches: draft.matches,
        signature: String::new(),
        supervisor_signature: String::new(),
    };
    let msg = v.signed_message(&draft.record.id());
    v.signature = station.sign(&msg).to_hex();
    if draft.by_supervisor {
        v.supervisor_signature = officer.sign(&msg).to_hex();
    }
    Ok(v)
}

/// The newest central verdict of record `id`, checked here (audited as a consultation).
pub fn mark_of(
    session: &Session,
    id: RecordId,
) -> Result<Option<CentralMark>, super::CentralError> {
    let open = session.store.open_record(&session.keys(), id)?;
    let mark = mark(session, &open.record)?;
    let mut batch = session.store.batch();
    batch.audit(
        huella_sync::AuditAction::Consulta,
        &[id],
        "dictamen central",
    );
    session.commit(batch)?;
    Ok(mark)
}

#[cfg(test)]
mod tests {
    use super::*;
    use huella_keys::{OfficerKey, Role, StationSecrets};
    use huella_sync::roster::{Roster, RosterAdmin, RosterStation, SignedRoster};
    use huella_sync::{FingerCapture, FingerPosition, Identity, Station, Store};

    /// A store whose trust knows the central office's roster, listing `central`.
    fn trust_of(dir: &std::path::Path, central: &StationSecrets) -> (Store, Trust) {
        let admin = OfficerKey::generate("jefa", Role::Admin);
        let public = central.public();
        let roster = Roster {
            office: "CENTRAL".into(),
            version: 1,
            issued_at: "2026-12-04T00:00:00Z".into(),
            office_recipient: public.office_recipient.clone(),
            stations: vec![RosterStation {
                name: "C1".into(),
                key: public.key.to_hex(),
                recipient: public.recipient.clone(),
                revoked: false,
                revoked_at: String::new(),
            }],
            admins: vec![RosterAdmin {
                user: "jefa".into(),
                key: admin.public().key.to_hex(),
                station: "C1".into(),
            }],
            office_keys: vec![],
            central_key: String::new(),
        };
        let station = Station {
            office: "0901".into(),
            station: "A".into(),
            created_at: "2026-12-04T00:00:00Z".into(),
            station_key: "00".repeat(32),
            recipients: vec![],
        };
        let store = Store::create(&dir.join("a"), &station).expect("store");
        let trust = Trust::new(store.replica());
        trust
            .anchor(&SignedRoster::sign(&roster, &admin))
            .expect("anchor");
        (store, trust)
    }

    fn signed(
        by: &StationSecrets,
        record: &PersonRecord,
        outcome: CentralOutcome,
    ) -> CentralVerdict {
        let mut v = CentralVerdict {
            id: "ab".repeat(16),
            outcome,
            case: String::new(),
            reason: "registro nacional: sin duplicados".into(),
            office: "CENTRAL".into(),
            station: "C1".into(),
            station_key: by.public().key.to_hex(),
            supervisor: String::new(),
            supervisor_key: String::new(),
            signed_at: "2026-12-04T21:00:00Z".into(),
            capture_digest: record.capture_digest().expect("digest"),
            matches: vec![],
            signature: String::new(),
            supervisor_signature: String::new(),
        };
        v.signature = by.sign(&v.signed_message(&record.id())).to_hex();
        v
    }

    #[test]
    fn only_a_verdict_of_the_configured_central_station_over_the_current_captures_counts() {
        let dir = tempfile::tempdir().expect("tmp");
        let central = StationSecrets::generate("C1", "CENTRAL");
        let (_store, trust) = trust_of(dir.path(), &central);
        let anchor = CentralAnchor::Recipient(central.public().office_recipient);
        let identity = Identity {
            curp: "X".into(),
            nss: "1".into(),
            nombre: "A".into(),
            primer_apellido: "B".into(),
            ..Identity::default()
        };
        let mut record =
            PersonRecord::create(RecordId([3; 16]), &identity, "ana", "t").expect("record");
        let v = signed(&central, &record, CentralOutcome::Registrado);
        assert_eq!(check(&trust, &anchor, &record, &v), Ok(()));

        // A station that configured another central key does not take it.
        let other = StationSecrets::generate("X", "OTRA");
        let elsewhere = CentralAnchor::Recipient(other.public().office_recipient);
        assert_eq!(
            check(&trust, &elsewhere, &record, &v),
            Err(VerdictRefusal::NotCentralOffice)
        );
        // An edited outcome breaks the signature.
        let mut edited = signed(&central, &record, CentralOutcome::EnRevision);
        edited.outcome = CentralOutcome::Registrado;
        assert_eq!(
            check(&trust, &anchor, &record, &edited),
            Err(VerdictRefusal::BadSignature)
        );
        // A station calling itself C1 of CENTRAL but not listed in its roster is refused.
        let impostor = StationSecrets::generate("C1", "CENTRAL");
        let forged = signed(&impostor, &record, CentralOutcome::Registrado);
        assert_eq!(
            check(&trust, &anchor, &record, &forged),
            Err(VerdictRefusal::UntrustedStation)
        );
        // A recapture after the verdict: it no longer applies.
        record
            .set_capture(&FingerCapture {
                position: FingerPosition::RightIndex,
                quality: 80,
                attempts: 1,
                template: None,
                image: None,
                exception: None,
                captured_at: "t2".into(),
                officer: "ana".into(),
            })
            .expect("capture");
        assert_eq!(
            check(&trust, &anchor, &record, &v),
            Err(VerdictRefusal::Superseded)
        );
    }
}
