//! The central node's verdicts in a person's record: `registrado` (no other person in the
//! national registry matches), a duplicate case under review, or the central supervisor's
//! decision on it. Each verdict is signed by the central station (and, for a decision, by the
//! supervisor), over [`CentralVerdict::signed_message`], so a station can check who wrote it.
//!
//! Layout: `dictamen_central{id → {resultado, caso, motivo, oficina, estacion, llave_estacion,
//! supervisor, llave_supervisor, firmado_en, capturas, firma, firma_supervisor,
//! coincidencias{record id → {puntaje, evidencia, dedos, oficina}}}}`. The map is created by the
//! first verdict (only the central node writes it, so no concurrent creation to merge).
//!
//! This module owns that shape and the signed bytes. It must not decide whether a signer is
//! trusted (that is the station's policy, in the root crate) nor change the record's status.

use automerge::ROOT;

use super::fields::{ensure_map, entries, get, need, new_map, put};
use super::{PersonRecord, RecordError, RecordId};

/// What the central node concluded about a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CentralOutcome {
    /// No other person in the national registry matches: "Biométrico registrado".
    Registrado,
    /// Other people match: a duplicate case waits for a central supervisor.
    EnRevision,
    /// A central supervisor decided the person is a duplicate of another record.
    Duplicado,
}

impl CentralOutcome {
    /// The code stored in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            CentralOutcome::Registrado => "registrado",
            CentralOutcome::EnRevision => "en_revision",
            CentralOutcome::Duplicado => "duplicado",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        [
            CentralOutcome::Registrado,
            CentralOutcome::EnRevision,
            CentralOutcome::Duplicado,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

/// Another record the national search matched.
#[derive(Debug, Clone, PartialEq)]
pub struct CentralMatch {
    /// The other record.
    pub id: RecordId,
    /// Best single-finger score.
    pub score: f32,
    /// Fused evidence (sum of −log10 FMR over matching fingers).
    pub evidence: f64,
    /// Matching fingers.
    pub fingers: usize,
    /// The office the other record was captured at (empty when unknown).
    pub office: String,
}

/// One signed verdict of the central node.
#[derive(Debug, Clone, PartialEq)]
pub struct CentralVerdict {
    /// Entry id (32 hex).
    pub id: String,
    /// The outcome.
    pub outcome: CentralOutcome,
    /// The duplicate case (the record id of the person under review; empty for a clean
    /// registration).
    pub case: String,
    /// Why, in words of the central node (no personal data).
    pub reason: String,
    /// Central office code.
    pub office: String,
    /// Central station name.
    pub station: String,
    /// Central station signing key (hex).
    pub station_key: String,
    /// The deciding central supervisor (empty when the search alone decided).
    pub supervisor: String,
    /// The supervisor's signing key (hex; empty without a supervisor).
    pub supervisor_key: String,
    /// When (UTC).
    pub signed_at: String,
    /// Digest of the captures the verdict covers (as approvals sign).
    pub capture_digest: String,
    /// The records matched, best first.
    pub matches: Vec<CentralMatch>,
    /// The central station's Ed25519 signature over [`CentralVerdict::signed_message`] (hex).
    pub signature: String,
    /// The supervisor's signature over the same bytes (hex; empty without a supervisor).
    pub supervisor_signature: String,
}

impl CentralVerdict {
    /// The exact bytes the central station (and the supervisor) sign for record `record`.
    pub fn signed_message(&self, record: &RecordId) -> Vec<u8> {
        let mut s = format!(
            "huella-dictamen-central-v1\n{record}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.id,
            self.outcome.as_str(),
            self.case,
            self.reason,
            self.office,
            self.station,
            self.station_key,
            self.supervisor,
            self.supervisor_key,
            self.signed_at,
            self.capture_digest
        );
        for m in &self.matches {
            s.push_str(&format!(
                "\n{}|{}|{}|{}|{}",
                m.id,
                score_text(m.score),
                evidence_text(m.evidence),
                m.fingers,
                m.office
            ));
        }
        s.into_bytes()
    }
}

fn score_text(s: f32) -> String {
    format!("{s:.4}")
}

fn evidence_text(e: f64) -> String {
    format!("{e:.3}")
}

const MAP: &str = "dictamen_central";

impl PersonRecord {
    /// Adds a signed verdict of the central node (its fields as signed: scores are written
    /// with the precision the signature covers).
    pub fn add_central_verdict(&mut self, v: &CentralVerdict) -> Result<(), RecordError> {
        let parent = ensure_map(&mut self.doc, &ROOT, MAP)?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &v.id)?;
        put(d, &m, "resultado", v.outcome.as_str())?;
        put(d, &m, "caso", &v.case)?;
        put(d, &m, "motivo", &v.reason)?;
        put(d, &m, "oficina", &v.office)?;
        put(d, &m, "estacion", &v.station)?;
        put(d, &m, "llave_estacion", &v.station_key)?;
        put(d, &m, "supervisor", &v.supervisor)?;
        put(d, &m, "llave_supervisor", &v.supervisor_key)?;
        put(d, &m, "firmado_en", &v.signed_at)?;
        put(d, &m, "capturas", &v.capture_digest)?;
        put(d, &m, "firma", &v.signature)?;
        put(d, &m, "firma_supervisor", &v.supervisor_signature)?;
        let list = new_map(d, &m, "coincidencias")?;
        for (i, x) in v.matches.iter().enumerate() {
            // Keyed by rank so the signed order survives the map's key order.
            let e = new_map(d, &list, &format!("{i:03}"))?;
            put(d, &e, "registro", &x.id.to_hex())?;
            put(d, &e, "puntaje", &score_text(x.score))?;
            put(d, &e, "evidencia", &evidence_text(x.evidence))?;
            put(d, &e, "dedos", &x.fingers.to_string())?;
            put(d, &e, "oficina", &x.office)?;
        }
        Ok(())
    }

    /// The central node's verdicts, oldest first (none before the central node ran).
    pub fn central_verdicts(&self) -> Result<Vec<CentralVerdict>, RecordError> {
        let d = &self.doc;
        let mut out = Vec::new();
        for (id, m) in entries(d, &ROOT, MAP) {
            let bad = |field| RecordError::BadValue { field };
            let mut matches = Vec::new();
            let mut listed = entries(d, &m, "coincidencias");
            listed.sort_by(|a, b| a.0.cmp(&b.0));
            for (_, e) in listed {
                matches.push(CentralMatch {
                    id: RecordId::parse(&need(d, &e, "registro")?).ok_or(bad("coincidencias"))?,
                    score: need(d, &e, "puntaje")?
                        .parse()
                        .map_err(|_| bad("puntaje"))?,
                    evidence: need(d, &e, "evidencia")?
                        .parse()
                        .map_err(|_| bad("evidencia"))?,
                    fingers: need(d, &e, "dedos")?.parse().map_err(|_| bad("dedos"))?,
                    office: get(d, &e, "oficina").unwrap_or_default(),
                });
            }
            out.push(CentralVerdict {
                id,
                outcome: CentralOutcome::parse(&need(d, &m, "resultado")?)
                    .ok_or(bad("resultado"))?,
                case: get(d, &m, "caso").unwrap_or_default(),
                reason: get(d, &m, "motivo").unwrap_or_default(),
                office: need(d, &m, "oficina")?,
                station: need(d, &m, "estacion")?,
                station_key: need(d, &m, "llave_estacion")?,
                supervisor: get(d, &m, "supervisor").unwrap_or_default(),
                supervisor_key: get(d, &m, "llave_supervisor").unwrap_or_default(),
                signed_at: need(d, &m, "firmado_en")?,
                capture_digest: get(d, &m, "capturas").unwrap_or_default(),
                matches,
                signature: need(d, &m, "firma")?,
                supervisor_signature: get(d, &m, "firma_supervisor").unwrap_or_default(),
            });
        }
        // Timestamps have one-second resolution: within one second a supervisor's decision
        // comes after the search verdict it decides (a case is opened by the search, then
        // decided), never by the random entry id.
        out.sort_by(|a, b| {
            (&a.signed_at, !a.supervisor.is_empty(), &a.id).cmp(&(
                &b.signed_at,
                !b.supervisor.is_empty(),
                &b.id,
            ))
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Identity;

    fn verdict() -> CentralVerdict {
        CentralVerdict {
            id: "ab".repeat(16),
            outcome: CentralOutcome::EnRevision,
            case: "cd".repeat(16),
            reason: "coincide con otra persona".into(),
            office: "CENTRAL".into(),
            station: "C1".into(),
            station_key: "11".repeat(32),
            supervisor: String::new(),
            supervisor_key: String::new(),
            signed_at: "2026-12-04T21:00:00Z".into(),
            capture_digest: "ee".repeat(32),
            matches: vec![CentralMatch {
                id: RecordId([7; 16]),
                score: 0.51234,
                evidence: 12.3456,
                fingers: 3,
                office: "0901".into(),
            }],
            signature: "22".repeat(64),
            supervisor_signature: String::new(),
        }
    }

    #[test]
    fn a_verdict_reads_back_as_signed_and_survives_a_save() {
        let id = RecordId([1; 16]);
        let identity = Identity {
            curp: "X".into(),
            nss: "1".into(),
            nombre: "A".into(),
            primer_apellido: "B".into(),
            ..Identity::default()
        };
        let mut r = PersonRecord::create(id, &identity, "ana", "t").expect("create");
        assert!(r.central_verdicts().expect("none").is_empty());
        let v = verdict();
        r.add_central_verdict(&v).expect("add");
        let bytes = r.save();
        let back = PersonRecord::load(id, &bytes).expect("load");
        let got = back.central_verdicts().expect("read");
        assert_eq!(got.len(), 1);
        // Scores come back at the precision the signature covers, so the signed bytes match.
        assert_eq!(got[0].signed_message(&id), v.signed_message(&id));
        assert_eq!(got[0].outcome, CentralOutcome::EnRevision);
        assert_eq!(got[0].matches[0].office, "0901");
        // Another record id gives other bytes (a verdict cannot be moved between records).
        assert_ne!(
            got[0].signed_message(&RecordId([2; 16])),
            v.signed_message(&id)
        );
    }

    #[test]
    fn within_one_second_the_decision_comes_after_the_case_it_decides() {
        let id = RecordId([2; 16]);
        let identity = Identity {
            curp: "X".into(),
            nss: "1".into(),
            nombre: "A".into(),
            primer_apellido: "B".into(),
            ..Identity::default()
        };
        let mut r = PersonRecord::create(id, &identity, "ana", "t").expect("create");
        let case = verdict();
        // The decision's entry id sorts before the case's: only the rule orders them.
        let decision = CentralVerdict {
            id: "00".repeat(16),
            outcome: CentralOutcome::Duplicado,
            supervisor: "sup".into(),
            supervisor_key: "33".repeat(32),
            supervisor_signature: "44".repeat(64),
            ..verdict()
        };
        r.add_central_verdict(&decision).expect("decision");
        r.add_central_verdict(&case).expect("case");
        let got = r.central_verdicts().expect("read");
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].outcome, CentralOutcome::Duplicado, "{got:?}");
    }
}
