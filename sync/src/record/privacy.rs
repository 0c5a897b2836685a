//! The privacy part of a person record: ARCO requests, rectifications, oppositions to
//! secondary uses, identifiers the person had before a rectification, and the records a
//! cancellation replaced.
//!
//! Layout (maps created on first use, so records made before this schema read as empty):
//! `solicitudes_arco{folio → {…}}`, `rectificaciones{id → {…}}`, `oposiciones{uso → {…}}`,
//! `identificadores_anteriores{campo:valor → {…}}`, `registros_anteriores{id → {…}}`.
//! Two stations that create the same map concurrently keep one of them after a merge
//! (Automerge picks one object); the entries are re-read from the winner, so a request filed
//! at the same moment on two stations for a person who had none can lose one entry.
//!
//! This module owns the shape of those maps. It must not decide who may do what, nor what a
//! valid identifier or use is: `huella`'s workflows do.

use super::fields::{ensure_map, entries, get, need, new_map, put};
use super::{PersonRecord, RecordError};
use automerge::ROOT;

/// Which ARCO right a request exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArcoRight {
    /// Access: a copy of everything held about the person.
    Acceso,
    /// Rectification of a field.
    Rectificacion,
    /// Cancellation: erasure of the biometrics.
    Cancelacion,
    /// Opposition to a secondary use.
    Oposicion,
}

impl ArcoRight {
    /// All four, in the law's order.
    pub const ALL: [ArcoRight; 4] = [
        ArcoRight::Acceso,
        ArcoRight::Rectificacion,
        ArcoRight::Cancelacion,
        ArcoRight::Oposicion,
    ];

    /// The code used in documents, JSON and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ArcoRight::Acceso => "acceso",
            ArcoRight::Rectificacion => "rectificacion",
            ArcoRight::Cancelacion => "cancelacion",
            ArcoRight::Oposicion => "oposicion",
        }
    }

    /// Parses a code (English names are accepted too).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_lowercase().as_str() {
            "acceso" | "access" => ArcoRight::Acceso,
            "rectificacion" | "rectificación" | "rectify" | "rectification" => {
                ArcoRight::Rectificacion
            }
            "cancelacion" | "cancelación" | "cancel" | "cancellation" => ArcoRight::Cancelacion,
            "oposicion" | "oposición" | "oppose" | "opposition" => ArcoRight::Oposicion,
            _ => return None,
        })
    }
}

/// An ARCO request as recorded in the person's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArcoRequest {
    /// Folio (unique; the map key).
    pub folio: String,
    /// Right exercised.
    pub right: ArcoRight,
    /// Who asked (the person, or their legal representative).
    pub requester: String,
    /// The identification shown (document kind and number as written by the officer).
    pub identification: String,
    /// Day received `YYYY-MM-DD`.
    pub received: String,
    /// Legal deadline `YYYY-MM-DD` (last business day to answer).
    pub deadline: String,
    /// Officer who filed it.
    pub filed_by: String,
    /// When it was answered (UTC), empty while open.
    pub answered_at: String,
    /// Who answered it, empty while open.
    pub answered_by: String,
    /// What was done (non-personal summary), empty while open.
    pub outcome: String,
}

impl ArcoRequest {
    /// Whether the request still waits for an answer.
    pub fn is_open(&self) -> bool {
        self.answered_at.is_empty()
    }
}

/// One rectified field: old value, new value, who and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rectification {
    /// Entry id.
    pub id: String,
    /// Field code (`curp`, `nss`, `nombre`, …).
    pub field: String,
    /// Value before.
    pub old: String,
    /// Value after.
    pub new: String,
    /// Reason given.
    pub reason: String,
    /// Folio of the request it answered.
    pub folio: String,
    /// Officer.
    pub by: String,
    /// When (UTC).
    pub at: String,
}

/// An opposition to a secondary use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opposition {
    /// The use code (the map key).
    pub use_code: String,
    /// Folio of the request.
    pub folio: String,
    /// Officer who recorded it.
    pub by: String,
    /// When (UTC).
    pub at: String,
}

/// An identifier the person had before a rectification (still finds them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormerIdentifier {
    /// `curp` or `nss`.
    pub field: String,
    /// The old value.
    pub value: String,
    /// When it stopped being current (UTC).
    pub until: String,
}

/// A record a cancellation or a retention erasure replaced (its key was destroyed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormerRecord {
    /// The old record id, hex.
    pub id: String,
    /// Why (`cancelacion` or `retencion`).
    pub reason: String,
    /// Folio of the request, if any.
    pub folio: String,
    /// Who.
    pub by: String,
    /// When (UTC).
    pub at: String,
}

const REQUESTS: &str = "solicitudes_arco";
const RECTIFICATIONS: &str = "rectificaciones";
const OPPOSITIONS: &str = "oposiciones";
const FORMER_IDS: &str = "identificadores_anteriores";
const FORMER_RECORDS: &str = "registros_anteriores";

impl PersonRecord {
    /// Records an ARCO request (or its answer: the same folio is written again).
    pub fn put_arco_request(&mut self, r: &ArcoRequest) -> Result<(), RecordError> {
        let parent = ensure_map(&mut self.doc, &ROOT, REQUESTS)?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &r.folio)?;
        put(d, &m, "derecho", r.right.as_str())?;
        put(d, &m, "solicitante", &r.requester)?;
        put(d, &m, "identificacion", &r.identification)?;
        put(d, &m, "recibida", &r.received)?;
        put(d, &m, "vence", &r.deadline)?;
        put(d, &m, "registrada_por", &r.filed_by)?;
        put(d, &m, "atendida_en", &r.answered_at)?;
        put(d, &m, "atendida_por", &r.answered_by)?;
        put(d, &m, "resultado", &r.outcome)?;
        Ok(())
    }

    /// ARCO requests, oldest deadline first.
    pub fn arco_requests(&self) -> Result<Vec<ArcoRequest>, RecordError> {
        let d = &self.doc;
        let mut out = Vec::new();
        for (folio, m) in entries(d, &ROOT, REQUESTS) {
            out.push(ArcoRequest {
                folio,
                right: ArcoRight::parse(&need(d, &m, "derecho")?)
                    .ok_or(RecordError::BadValue { field: "derecho" })?,
                requester: get(d, &m, "solicitante").unwrap_or_default(),
                identification: get(d, &m, "identificacion").unwrap_or_default(),
                received: need(d, &m, "recibida")?,
                deadline: need(d, &m, "vence")?,
                filed_by: get(d, &m, "registrada_por").unwrap_or_default(),
                answered_at: get(d, &m, "atendida_en").unwrap_or_default(),
                answered_by: get(d, &m, "atendida_por").unwrap_or_default(),
                outcome: get(d, &m, "resultado").unwrap_or_default(),
            });
        }
        out.sort_by(|a, b| (&a.deadline, &a.folio).cmp(&(&b.deadline, &b.folio)));
        Ok(out)
    }

    /// Adds a rectification entry.
    pub fn add_rectification(&mut self, r: &Rectification) -> Result<(), RecordError> {
        let parent = ensure_map(&mut self.doc, &ROOT, RECTIFICATIONS)?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &r.id)?;
        put(d, &m, "campo", &r.field)?;
        put(d, &m, "anterior", &r.old)?;
        put(d, &m, "nuevo", &r.new)?;
        put(d, &m, "motivo", &r.reason)?;
        put(d, &m, "folio", &r.folio)?;
        put(d, &m, "por", &r.by)?;
        put(d, &m, "en", &r.at)?;
        Ok(())
    }

    /// Rectifications, oldest first.
    pub fn rectifications(&self) -> Result<Vec<Rectification>, RecordError> {
        let d = &self.doc;
        let mut out = Vec::new();
        for (id, m) in entries(d, &ROOT, RECTIFICATIONS) {
            out.push(Rectification {
                id,
                field: need(d, &m, "campo")?,
                old: get(d, &m, "anterior").unwrap_or_default(),
                new: get(d, &m, "nuevo").unwrap_or_default(),
                reason: get(d, &m, "motivo").unwrap_or_default(),
                folio: get(d, &m, "folio").unwrap_or_default(),
                by: get(d, &m, "por").unwrap_or_default(),
                at: get(d, &m, "en").unwrap_or_default(),
            });
        }
        out.sort_by(|a, b| (&a.at, &a.id).cmp(&(&b.at, &b.id)));
        Ok(out)
    }

    /// Records an opposition to the use `o.use_code`.
    pub fn put_opposition(&mut self, o: &Opposition) -> Result<(), RecordError> {
        let parent = ensure_map(&mut self.doc, &ROOT, OPPOSITIONS)?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &o.use_code)?;
        put(d, &m, "folio", &o.folio)?;
        put(d, &m, "por", &o.by)?;
        put(d, &m, "en", &o.at)?;
        Ok(())
    }

    /// Oppositions in force, by use code.
    pub fn oppositions(&self) -> Vec<Opposition> {
        let d = &self.doc;
        let mut out: Vec<Opposition> = entries(d, &ROOT, OPPOSITIONS)
            .into_iter()
            .map(|(use_code, m)| Opposition {
                use_code,
                folio: get(d, &m, "folio").unwrap_or_default(),
                by: get(d, &m, "por").unwrap_or_default(),
                at: get(d, &m, "en").unwrap_or_default(),
            })
            .collect();
        out.sort_by(|a, b| a.use_code.cmp(&b.use_code));
        out
    }

    /// Whether the person opposed the use `use_code`.
    pub fn opposes(&self, use_code: &str) -> bool {
        self.oppositions().iter().any(|o| o.use_code == use_code)
    }

    /// Remembers an identifier the person no longer has, so it still finds them.
    pub fn add_former_identifier(&mut self, f: &FormerIdentifier) -> Result<(), RecordError> {
        let parent = ensure_map(&mut self.doc, &ROOT, FORMER_IDS)?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &format!("{}:{}", f.field, f.value))?;
        put(d, &m, "campo", &f.field)?;
        put(d, &m, "valor", &f.value)?;
        put(d, &m, "hasta", &f.until)?;
        Ok(())
    }

    /// Identifiers the person had before.
    pub fn former_identifiers(&self) -> Vec<FormerIdentifier> {
        let d = &self.doc;
        entries(d, &ROOT, FORMER_IDS)
            .into_iter()
            .filter_map(|(_, m)| {
                Some(FormerIdentifier {
                    field: get(d, &m, "campo")?,
                    value: get(d, &m, "valor")?,
                    until: get(d, &m, "hasta").unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Records that this record replaced an erased one.
    pub fn add_former_record(&mut self, f: &FormerRecord) -> Result<(), RecordError> {
        let parent = ensure_map(&mut self.doc, &ROOT, FORMER_RECORDS)?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &f.id)?;
        put(d, &m, "motivo", &f.reason)?;
        put(d, &m, "folio", &f.folio)?;
        put(d, &m, "por", &f.by)?;
        put(d, &m, "en", &f.at)?;
        Ok(())
    }

    /// Records this one replaced (their keys were destroyed), oldest first.
    pub fn former_records(&self) -> Vec<FormerRecord> {
        let d = &self.doc;
        let mut out: Vec<FormerRecord> = entries(d, &ROOT, FORMER_RECORDS)
            .into_iter()
            .map(|(id, m)| FormerRecord {
                id,
                reason: get(d, &m, "motivo").unwrap_or_default(),
                folio: get(d, &m, "folio").unwrap_or_default(),
                by: get(d, &m, "por").unwrap_or_default(),
                at: get(d, &m, "en").unwrap_or_default(),
            })
            .collect();
        out.sort_by(|a, b| a.at.cmp(&b.at));
        out
    }
}

impl PersonRecord {
    /// A copy of this record under `new_id` with its finger captures and face removed (the
    /// document history keeps that captures were made, never an image or a template: those
    /// are blobs sealed with the old record's key). What a cancellation or a retention
    /// erasure keeps, before the old record is erased everywhere.
    pub fn fork_without_biometrics(
        &mut self,
        new_id: super::RecordId,
    ) -> Result<PersonRecord, RecordError> {
        use automerge::ObjType;
        use automerge::transaction::Transactable;
        let mut doc = self.doc.fork();
        put(&mut doc, &ROOT, "id", &new_id.to_hex())?;
        doc.put_object(&ROOT, "capturas", ObjType::Map)?;
        if super::fields::map_at(&doc, &ROOT, "rostro").is_some() {
            doc.delete(&ROOT, "rostro")?;
        }
        Ok(PersonRecord {
            id: new_id,
            doc,
            checked_status: None,
            refused_movements: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{
        BlobKind, BlobRef, Face, FingerCapture, FingerPosition, Identity, RecordId,
    };

    fn person() -> PersonRecord {
        let identity = Identity {
            curp: "MORF991110HBCRSR07".into(),
            nss: "12345678901".into(),
            nombre: "FERNANDA".into(),
            primer_apellido: "MORALES".into(),
            ..Identity::default()
        };
        let mut r = PersonRecord::create(
            RecordId::generate(),
            &identity,
            "ana",
            "2026-01-01T00:00:00Z",
        )
        .expect("record");
        let blob = |kind| BlobRef {
            hash: "ab".repeat(32),
            size: 3,
            kind,
        };
        r.set_capture(&FingerCapture {
            position: FingerPosition::RightIndex,
            quality: 70,
            attempts: 1,
            template: Some(blob(BlobKind::FingerTemplate)),
            image: Some(blob(BlobKind::FingerImage)),
            exception: None,
            captured_at: "2026-01-02T00:00:00Z".into(),
            officer: "ana".into(),
        })
        .expect("capture");
        r.set_face(&Face {
            image: blob(BlobKind::FaceImage),
            quality: 90,
            captured_at: "2026-01-02T00:00:00Z".into(),
            officer: "ana".into(),
        })
        .expect("face");
        r
    }

    #[test]
    fn requests_oppositions_and_former_identifiers_round_trip() {
        let mut r = person();
        let req = ArcoRequest {
            folio: "ARCO-20260105-ABCDEF".into(),
            right: ArcoRight::Oposicion,
            requester: "titular".into(),
            identification: "INE 1".into(),
            received: "2026-01-05".into(),
            deadline: "2026-02-03".into(),
            filed_by: "ana".into(),
            answered_at: String::new(),
            answered_by: String::new(),
            outcome: String::new(),
        };
        r.put_arco_request(&req).expect("request");
        r.put_opposition(&Opposition {
            use_code: "employer_report".into(),
            folio: req.folio.clone(),
            by: "ana".into(),
            at: "2026-01-05T10:00:00Z".into(),
        })
        .expect("opposition");
        r.add_former_identifier(&FormerIdentifier {
            field: "curp".into(),
            value: "MORF991110HBCRSR99".into(),
            until: "2026-01-05T10:00:00Z".into(),
        })
        .expect("former");
        let bytes = r.save();
        let back = PersonRecord::load(r.id(), &bytes).expect("load");
        assert_eq!(back.arco_requests().expect("requests"), vec![req]);
        assert!(back.arco_requests().expect("requests")[0].is_open());
        assert!(back.opposes("employer_report"));
        assert!(!back.opposes("photo_on_documents"));
        assert_eq!(back.former_identifiers()[0].value, "MORF991110HBCRSR99");
    }

    #[test]
    fn a_fork_without_biometrics_keeps_identity_and_loses_captures_and_face() {
        let mut r = person();
        let new_id = RecordId::generate();
        let mut fork = r.fork_without_biometrics(new_id).expect("fork");
        assert_eq!(fork.id(), new_id);
        assert_eq!(
            fork.identity().expect("identity"),
            r.identity().expect("identity")
        );
        assert!(fork.captures().expect("captures").is_empty());
        assert!(fork.face().expect("face").is_none());
        // It saves and loads as the new record, not as the old one.
        let bytes = fork.save();
        assert!(PersonRecord::load(new_id, &bytes).is_ok());
        assert!(PersonRecord::load(r.id(), &bytes).is_err());
        // The original is untouched.
        assert_eq!(r.captures().expect("captures").len(), 1);
    }
}
