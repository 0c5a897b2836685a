//! Staff attendance documents: one Automerge document per staff member of the office, kept in
//! the same replica as person records (same sealing, same sync) but of a distinct kind.
//!
//! Layout: `esquema`, `id`, `tipo` = [`STAFF_KIND`], `personal{usuario, nombre, aviso, aviso_en,
//! aviso_por, alta_en, alta_por}`, `plantillas_personal{1..10 → {plantilla_*}}`,
//! `marcas{id → {…}}`, `justificaciones{id → {…}}`.
//!
//! Purpose limitation is structural: a staff document has no `estado`, no `identidad` and no
//! `capturas`, so it never enters the biometric-status index the enrollment gallery is loaded
//! from and its templates are under a key enrollment never reads. This module owns the shape
//! only; it must not touch storage, keys, policy or the network.

use std::collections::HashMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT, hydrate};

use super::fields::{entries, get, map_at, need, new_map, put};
use super::{PersonRecord, RecordError, get_blob, put_blob, text, tree};
use crate::record::{BlobRef, FingerPosition, RecordId, Signer};

/// The `tipo` of a staff attendance document (person records have no `tipo`).
pub const STAFF_KIND: &str = "asistencia_personal";

const SCHEMA: &str = "1";

/// A staff member and the purpose notice they acknowledged when enrolled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// User name (the same as their officer user name when they are one).
    pub user: String,
    /// Full name.
    pub name: String,
    /// Version of the attendance purpose notice read to them.
    pub notice: String,
    /// When they acknowledged it (UTC).
    pub notice_at: String,
    /// Officer who read it to them.
    pub notice_by: String,
}

/// One enrolled staff finger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffTemplate {
    /// Which finger.
    pub position: FingerPosition,
    /// The sealed template.
    pub template: BlobRef,
    /// Quality 0–100.
    pub quality: u8,
}

/// Entry or exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// Clock-in.
    Entrada,
    /// Clock-out.
    Salida,
}

impl MarkKind {
    /// The code used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            MarkKind::Entrada => "entrada",
            MarkKind::Salida => "salida",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "entrada" => Some(MarkKind::Entrada),
            "salida" => Some(MarkKind::Salida),
            _ => None,
        }
    }
}

/// One clock-in or clock-out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockMark {
    /// Mark id, unique within the document.
    pub id: String,
    /// Entry or exit.
    pub kind: MarkKind,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Local civil date `AAAA-MM-DD` at the station.
    pub date: String,
    /// Local time `HH:MM` at the station.
    pub time: String,
    /// Station that recorded it.
    pub station: String,
    /// Matcher evidence of the identification (thousandths).
    pub evidence: u32,
}

/// What a justification covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JustificationKind {
    /// A missed day.
    Falta,
    /// A late arrival.
    Retardo,
    /// An exit pass (pase de salida) between two times.
    Pase,
}

impl JustificationKind {
    /// The code used in documents and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            JustificationKind::Falta => "falta",
            JustificationKind::Retardo => "retardo",
            JustificationKind::Pase => "pase",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "falta" => Some(JustificationKind::Falta),
            "retardo" => Some(JustificationKind::Retardo),
            "pase" => Some(JustificationKind::Pase),
            _ => None,
        }
    }
}

/// A supervisor's decision on a justification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JustificationDecision {
    /// Approved (else rejected).
    pub approved: bool,
    /// Supervisor.
    pub by: String,
    /// When (UTC).
    pub at: String,
    /// Note (may be empty).
    pub note: String,
    /// The supervisor's Ed25519 signature over [`Justification::decision_message`] (hex;
    /// empty in decisions written before decisions were signed: those never count).
    pub signature: String,
    /// Who vouches for the signer (key and the deciding station's officer list).
    pub signer: Signer,
}

/// A justification filed by a staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Justification {
    /// Justification id (folio), unique in the office.
    pub id: String,
    /// What it covers.
    pub kind: JustificationKind,
    /// Day it covers `AAAA-MM-DD`.
    pub date: String,
    /// Start `HH:MM` (exit passes).
    pub from: String,
    /// End `HH:MM` (exit passes).
    pub to: String,
    /// Why.
    pub reason: String,
    /// Who filed it (the staff member).
    pub requested_by: String,
    /// When (UTC).
    pub requested_at: String,
    /// The decision, once made.
    pub decision: Option<JustificationDecision>,
}

impl Justification {
    /// The exact bytes a supervisor signs to decide this justification of record `record`:
    /// what it covers and who filed it, so that none of it can be changed after the decision.
    pub fn decision_message(&self, record: &RecordId, d: &JustificationDecision) -> Vec<u8> {
        format!(
            "huella-justificacion-v1\n{record}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.id,
            self.kind.as_str(),
            self.date,
            self.from,
            self.to,
            self.requested_by,
            self.requested_at,
            if d.approved { "aprobada" } else { "rechazada" },
            d.by,
            d.at,
            d.note
        )
        .into_bytes()
    }
}

impl PersonRecord {
    /// A new staff attendance document for `member`.
    pub fn create_staff(id: RecordId, member: &StaffMember) -> Result<Self, RecordError> {
        let hex_id = id.to_hex();
        let mut root: HashMap<&str, hydrate::Value> = HashMap::with_capacity(8);
        root.insert("esquema", text(SCHEMA));
        root.insert("id", text(&hex_id));
        root.insert("tipo", text(STAFF_KIND));
        root.insert(
            "personal",
            tree([
                ("usuario", text(&member.user)),
                ("nombre", text(&member.name)),
                ("aviso", text(&member.notice)),
                ("aviso_en", text(&member.notice_at)),
                ("aviso_por", text(&member.notice_by)),
            ]),
        );
        for c in ["plantillas_personal", "marcas", "justificaciones"] {
            root.insert(c, tree([]));
        }
        let mut doc = AutoCommit::new();
        doc.init_root_from_hydrate(&hydrate::Map::from(root))?;
        Ok(PersonRecord {
            id,
            doc,
            checked_status: None,
            refused_movements: Vec::new(),
        })
    }

    /// The document's kind (`None` for a person record).
    pub fn kind(&self) -> Option<String> {
        get(&self.doc, &ROOT, "tipo")
    }

    /// Whether this is a staff attendance document.
    pub fn is_staff(&self) -> bool {
        self.kind().as_deref() == Some(STAFF_KIND)
    }

    fn staff_map(&self) -> Result<automerge::ObjId, RecordError> {
        if !self.is_staff() {
            return Err(RecordError::BadValue { field: "tipo" });
        }
        map_at(&self.doc, &ROOT, "personal").ok_or(RecordError::MissingField { field: "personal" })
    }

    /// The staff member of a staff document.
    pub fn staff_member(&self) -> Result<StaffMember, RecordError> {
        let m = self.staff_map()?;
        let d = &self.doc;
        Ok(StaffMember {
            user: need(d, &m, "usuario")?,
            name: get(d, &m, "nombre").unwrap_or_default(),
            notice: need(d, &m, "aviso")?,
            notice_at: need(d, &m, "aviso_en")?,
            notice_by: get(d, &m, "aviso_por").unwrap_or_default(),
        })
    }

    /// Stores (or replaces) one enrolled staff finger.
    pub fn set_staff_template(&mut self, t: &StaffTemplate) -> Result<(), RecordError> {
        self.staff_map()?;
        let parent = self.container("plantillas_personal")?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &t.position.code().to_string())?;
        put_blob(d, &m, "plantilla", &t.template)?;
        put(d, &m, "calidad", &t.quality.to_string())?;
        Ok(())
    }

    /// The enrolled staff fingers, by position.
    pub fn staff_templates(&self) -> Result<Vec<StaffTemplate>, RecordError> {
        self.staff_map()?;
        let d = &self.doc;
        let mut out = Vec::new();
        for (k, m) in entries(d, &ROOT, "plantillas_personal") {
            let Some(position) = k.parse().ok().and_then(FingerPosition::from_code) else {
                return Err(RecordError::BadValue { field: "dedo" });
            };
            let Some(template) = get_blob(d, &m, "plantilla")? else {
                continue;
            };
            out.push(StaffTemplate {
                position,
                template,
                quality: get(d, &m, "calidad")
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(0),
            });
        }
        out.sort_by_key(|t| t.position);
        Ok(out)
    }

    /// Appends a clock mark.
    pub fn add_clock_mark(&mut self, mark: &ClockMark) -> Result<(), RecordError> {
        self.staff_map()?;
        let parent = self.container("marcas")?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &mark.id)?;
        put(d, &m, "tipo", mark.kind.as_str())?;
        put(d, &m, "en", &mark.at)?;
        put(d, &m, "fecha", &mark.date)?;
        put(d, &m, "hora", &mark.time)?;
        put(d, &m, "estacion", &mark.station)?;
        put(d, &m, "evidencia", &mark.evidence.to_string())?;
        Ok(())
    }

    /// Clock marks, oldest first.
    pub fn clock_marks(&self) -> Result<Vec<ClockMark>, RecordError> {
        self.staff_map()?;
        let d = &self.doc;
        let mut out = Vec::new();
        for (id, m) in entries(d, &ROOT, "marcas") {
            out.push(ClockMark {
                id,
                kind: MarkKind::parse(&need(d, &m, "tipo")?)
                    .ok_or(RecordError::BadValue { field: "tipo" })?,
                at: need(d, &m, "en")?,
                date: need(d, &m, "fecha")?,
                time: need(d, &m, "hora")?,
                station: get(d, &m, "estacion").unwrap_or_default(),
                evidence: get(d, &m, "evidencia")
                    .and_then(|e| e.parse().ok())
                    .unwrap_or(0),
            });
        }
        out.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Files a justification (undecided).
    pub fn add_justification(&mut self, j: &Justification) -> Result<(), RecordError> {
        self.staff_map()?;
        let parent = self.container("justificaciones")?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &j.id)?;
        put(d, &m, "tipo", j.kind.as_str())?;
        put(d, &m, "fecha", &j.date)?;
        put(d, &m, "desde", &j.from)?;
        put(d, &m, "hasta", &j.to)?;
        put(d, &m, "motivo", &j.reason)?;
        put(d, &m, "solicita", &j.requested_by)?;
        put(d, &m, "solicitada_en", &j.requested_at)?;
        Ok(())
    }

    /// Records the decision on justification `id`.
    pub fn decide_justification(
        &mut self,
        id: &str,
        decision: &JustificationDecision,
    ) -> Result<(), RecordError> {
        self.staff_map()?;
        let parent = self.container("justificaciones")?;
        let m = map_at(&self.doc, &parent, id).ok_or(RecordError::MissingField {
            field: "justificacion",
        })?;
        let d = &mut self.doc;
        put(
            d,
            &m,
            "decision",
            if decision.approved {
                "aprobada"
            } else {
                "rechazada"
            },
        )?;
        put(d, &m, "decide", &decision.by)?;
        put(d, &m, "decidida_en", &decision.at)?;
        put(d, &m, "nota", &decision.note)?;
        put(d, &m, "firma", &decision.signature)?;
        put(d, &m, "firmante", &decision.signer.key)?;
        put(d, &m, "lista_oficiales", &decision.signer.officers)?;
        Ok(())
    }

    /// Justifications, oldest first.
    pub fn justifications(&self) -> Result<Vec<Justification>, RecordError> {
        self.staff_map()?;
        let d = &self.doc;
        let mut out = Vec::new();
        for (id, m) in entries(d, &ROOT, "justificaciones") {
            let decision = match get(d, &m, "decision").as_deref() {
                Some(v @ ("aprobada" | "rechazada")) => Some(JustificationDecision {
                    approved: v == "aprobada",
                    by: get(d, &m, "decide").unwrap_or_default(),
                    at: get(d, &m, "decidida_en").unwrap_or_default(),
                    note: get(d, &m, "nota").unwrap_or_default(),
                    signature: get(d, &m, "firma").unwrap_or_default(),
                    signer: Signer {
                        key: get(d, &m, "firmante").unwrap_or_default(),
                        officers: get(d, &m, "lista_oficiales").unwrap_or_default(),
                    },
                }),
                _ => None,
            };
            out.push(Justification {
                id,
                kind: JustificationKind::parse(&need(d, &m, "tipo")?)
                    .ok_or(RecordError::BadValue { field: "tipo" })?,
                date: need(d, &m, "fecha")?,
                from: get(d, &m, "desde").unwrap_or_default(),
                to: get(d, &m, "hasta").unwrap_or_default(),
                reason: get(d, &m, "motivo").unwrap_or_default(),
                requested_by: need(d, &m, "solicita")?,
                requested_at: need(d, &m, "solicitada_en")?,
                decision,
            });
        }
        out.sort_by(|a, b| a.requested_at.cmp(&b.requested_at).then(a.id.cmp(&b.id)));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::BlobKind;

    fn member() -> StaffMember {
        StaffMember {
            user: "luz".into(),
            name: "Luz Ramírez".into(),
            notice: "aviso-asistencia-2026.1".into(),
            notice_at: "2026-12-01T15:00:00Z".into(),
            notice_by: "sup".into(),
        }
    }

    #[test]
    fn a_staff_document_round_trips_and_is_never_a_person_record() {
        let id = RecordId::generate();
        let mut r = PersonRecord::create_staff(id, &member()).expect("create");
        assert!(r.is_staff());
        assert!(
            r.status().is_err(),
            "no biometric status: never in that index"
        );
        assert!(r.identity().is_err());
        assert!(r.captures().expect("captures").is_empty());
        r.set_staff_template(&StaffTemplate {
            position: FingerPosition::RightIndex,
            template: BlobRef {
                hash: "ab".repeat(32),
                size: 10,
                kind: BlobKind::FingerTemplate,
            },
            quality: 61,
        })
        .expect("template");
        r.add_clock_mark(&ClockMark {
            id: "m1".into(),
            kind: MarkKind::Entrada,
            at: "2026-12-01T15:01:00Z".into(),
            date: "2026-12-01".into(),
            time: "09:01".into(),
            station: "A".into(),
            evidence: 4200,
        })
        .expect("mark");
        r.add_justification(&Justification {
            id: "j1".into(),
            kind: JustificationKind::Pase,
            date: "2026-12-01".into(),
            from: "12:00".into(),
            to: "13:00".into(),
            reason: "cita médica".into(),
            requested_by: "luz".into(),
            requested_at: "2026-12-01T16:00:00Z".into(),
            decision: None,
        })
        .expect("justify");
        r.decide_justification(
            "j1",
            &JustificationDecision {
                approved: true,
                by: "sup".into(),
                at: "2026-12-01T17:00:00Z".into(),
                note: String::new(),
                signature: String::new(),
                signer: Signer::default(),
            },
        )
        .expect("decide");
        let back = PersonRecord::load(id, &r.save()).expect("load");
        assert_eq!(back.staff_member().expect("member"), member());
        assert_eq!(back.staff_templates().expect("t")[0].quality, 61);
        assert_eq!(back.clock_marks().expect("m")[0].time, "09:01");
        let j = &back.justifications().expect("j")[0];
        assert!(j.decision.as_ref().is_some_and(|d| d.approved));
        let mut person = PersonRecord::create(id, &Default::default(), "a", "t").expect("p");
        assert!(!person.is_staff());
        assert!(person.staff_templates().is_err());
        assert!(
            person
                .add_clock_mark(&back.clock_marks().expect("m")[0])
                .is_err()
        );
    }
}
