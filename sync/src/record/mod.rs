//! One Automerge document per person, with a typed API.
//!
//! Layout (all values are string scalars in nested maps; no Text objects, no blobs):
//! `esquema`, `id`, `identidad{…}`, `preregistro{…}`, `movimientos{id → {…}}`,
//! `consentimiento{…}`, `capturas{1..10 → {…}}`, `rostro{…}`, `aprobaciones{id → {…}}`,
//! `verificaciones{id → {…}}`, `estado`, `historial_estado{id → {…}}`.
//! Every container map is created in the record's first change, so concurrent edits on
//! different stations write into the same maps and merge field by field.
//!
//! This module owns the document shape. It must not touch storage, keys or the network.

mod central;
mod documents;
mod fields;
mod model;
mod orders;
pub mod privacy;
mod review;
mod staff;

use std::collections::HashMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT, ScalarValue, hydrate};
use thiserror::Error;

pub use central::{CentralMatch, CentralOutcome, CentralVerdict};
pub use documents::IssuedDocument;
use fields::{ensure_map, entries, get, map_at, need, new_map, put};
pub use model::{
    Approval, BiometricStatus, BlobKind, BlobRef, Consent, Decision, Face, FingerCapture,
    FingerException, FingerPosition, Identity, Movement, MovementKind, PreRegistration, RecordId,
    Regime, Signer, StatusChange, Verification, Written,
};
pub use orders::Seal;
pub use review::capture_digest;
pub use staff::{
    ClockMark, Justification, JustificationDecision, JustificationKind, MarkKind, STAFF_KIND,
    StaffMember, StaffTemplate,
};

const SCHEMA: &str = "1";
/// Root field holding the date of the notice of missing biometrics.
const NOTICE_FIELD: &str = "aviso_biometria";
const CONTAINERS: [&str; 8] = [
    "identidad",
    "preregistro",
    "movimientos",
    "capturas",
    "aprobaciones",
    "verificaciones",
    "historial_estado",
    "consentimiento",
];

/// A document that could not be read or written as a person record.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RecordError {
    /// Automerge rejected the bytes or the operation.
    #[error("documento de registro dañado: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    /// A required field is missing.
    #[error("al registro le falta el campo {field}")]
    MissingField {
        /// Field name.
        field: &'static str,
    },
    /// A field holds a value outside its domain.
    #[error("el campo {field} del registro tiene un valor inválido")]
    BadValue {
        /// Field name.
        field: &'static str,
    },
    /// The document belongs to another record id.
    #[error("el documento pertenece a otro registro")]
    WrongRecord,
}

/// A person's record document.
#[derive(Debug)]
pub struct PersonRecord {
    id: RecordId,
    doc: AutoCommit,
    /// The status as the store checked it against the record's signed decisions when it
    /// opened the record (see [`PersonRecord::status`]); cleared by any change of status.
    checked_status: Option<BiometricStatus>,
    /// Movements the store found unsigned or signed by someone not entitled to them when it
    /// opened the record (see [`PersonRecord::movements`]).
    refused_movements: Vec<String>,
}

impl PersonRecord {
    /// A new record for `identity`, status `pendiente`.
    pub fn create(
        id: RecordId,
        identity: &Identity,
        by: &str,
        at: &str,
    ) -> Result<Self, RecordError> {
        Self::create_with(id, identity, None, by, at)
    }

    /// A new record for `identity` with its employer pre-registration (what an import
    /// creates), status `pendiente`: the same document as [`PersonRecord::create`] followed
    /// by [`PersonRecord::set_pre_registration`], built in one bulk insertion.
    pub fn create_pre_registered(
        id: RecordId,
        identity: &Identity,
        pre: &PreRegistration,
        by: &str,
        at: &str,
    ) -> Result<Self, RecordError> {
        Self::create_with(id, identity, Some(pre), by, at)
    }

    /// The first change of every record: schema, id, every container map, the identity,
    /// the optional pre-registration and the first status entry, written in one bulk
    /// insertion (Automerge appends the whole tree at once instead of one splice per value).
    fn create_with(
        id: RecordId,
        identity: &Identity,
        pre: Option<&PreRegistration>,
        by: &str,
        at: &str,
    ) -> Result<Self, RecordError> {
        let pendiente = BiometricStatus::Pendiente.as_str();
        let preregistro = match pre {
            Some(p) => tree([
                ("registro_patronal", text(&p.registro_patronal)),
                ("salario_diario", text(&p.salario_diario)),
                ("fecha_alta", text(&p.fecha_alta)),
                ("regimen", text(p.regimen.as_str())),
                ("lote", text(&p.lote)),
            ]),
            None => tree([]),
        };
        let entry_key = format!("{at}-{}", short_random());
        let historial = tree([(
            entry_key.as_str(),
            tree([
                ("estado", text(pendiente)),
                ("en", text(at)),
                ("por", text(by)),
                ("motivo", text("alta de registro")),
            ]),
        )]);
        let hex_id = id.to_hex();
        let mut root: HashMap<&str, hydrate::Value> = HashMap::with_capacity(12);
        for c in CONTAINERS {
            root.insert(c, tree([]));
        }
        root.insert("esquema", text(SCHEMA));
        root.insert("id", text(&hex_id));
        root.insert(
            "identidad",
            tree(identity_fields(identity).map(|(k, v)| (k, text(v)))),
        );
        root.insert("preregistro", preregistro);
        root.insert("historial_estado", historial);
        root.insert("estado", text(pendiente));
        let mut doc = AutoCommit::new();
        doc.init_root_from_hydrate(&hydrate::Map::from(root))?;
        Ok(PersonRecord {
            id,
            doc,
            checked_status: None,
            refused_movements: Vec::new(),
        })
    }

    /// Loads a record from saved chunks (a full save followed by any incremental saves).
    pub fn load(id: RecordId, bytes: &[u8]) -> Result<Self, RecordError> {
        let doc = AutoCommit::load(bytes)?;
        if get(&doc, &ROOT, "id").as_deref() != Some(id.to_hex().as_str()) {
            return Err(RecordError::WrongRecord);
        }
        Ok(PersonRecord {
            id,
            doc,
            checked_status: None,
            refused_movements: Vec::new(),
        })
    }

    /// The record id.
    pub fn id(&self) -> RecordId {
        self.id
    }

    /// The whole document, compressed.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The changes since the last save (empty if none).
    pub fn save_incremental(&mut self) -> Vec<u8> {
        self.doc.save_incremental()
    }

    /// The underlying document, for sync sessions.
    pub fn doc_mut(&mut self) -> &mut AutoCommit {
        self.checked_status = None;
        &mut self.doc
    }

    /// Merges another replica of the same record into this one.
    pub fn merge(&mut self, other: &mut PersonRecord) -> Result<(), RecordError> {
        if other.id != self.id {
            return Err(RecordError::WrongRecord);
        }
        self.doc.merge(&mut other.doc)?;
        self.checked_status = None;
        Ok(())
    }

    fn container(&mut self, key: &str) -> Result<automerge::ObjId, RecordError> {
        ensure_map(&mut self.doc, &ROOT, key)
    }

    /// Who the person is.
    pub fn identity(&self) -> Result<Identity, RecordError> {
        let m = map_at(&self.doc, &ROOT, "identidad")
            .ok_or(RecordError::MissingField { field: "identidad" })?;
        let d = &self.doc;
        Ok(Identity {
            curp: need(d, &m, "curp")?,
            nss: need(d, &m, "nss")?,
            rfc: get(d, &m, "rfc").unwrap_or_default(),
            nombre: need(d, &m, "nombre")?,
            primer_apellido: need(d, &m, "primer_apellido")?,
            segundo_apellido: get(d, &m, "segundo_apellido").unwrap_or_default(),
            fecha_nacimiento: get(d, &m, "fecha_nacimiento").unwrap_or_default(),
            sexo: get(d, &m, "sexo").unwrap_or_default(),
            entidad: get(d, &m, "entidad").unwrap_or_default(),
        })
    }

    /// Sets (or rectifies) the identity; previous values stay in the document history.
    pub fn set_identity(&mut self, i: &Identity) -> Result<(), RecordError> {
        let m = self.container("identidad")?;
        let d = &mut self.doc;
        for (k, v) in identity_fields(i) {
            if get(d, &m, k).as_deref() != Some(v) {
                put(d, &m, k, v)?;
            }
        }
        Ok(())
    }

    /// Records the employer pre-registration and its alta movement.
    pub fn set_pre_registration(&mut self, p: &PreRegistration) -> Result<(), RecordError> {
        let m = self.container("preregistro")?;
        let d = &mut self.doc;
        put(d, &m, "registro_patronal", &p.registro_patronal)?;
        put(d, &m, "salario_diario", &p.salario_diario)?;
        put(d, &m, "fecha_alta", &p.fecha_alta)?;
        put(d, &m, "regimen", p.regimen.as_str())?;
        put(d, &m, "lote", &p.lote)?;
        Ok(())
    }

    /// The employer pre-registration, if any.
    pub fn pre_registration(&self) -> Result<Option<PreRegistration>, RecordError> {
        let Some(m) = map_at(&self.doc, &ROOT, "preregistro") else {
            return Ok(None);
        };
        let d = &self.doc;
        let Some(rp) = get(d, &m, "registro_patronal") else {
            return Ok(None);
        };
        Ok(Some(PreRegistration {
            registro_patronal: rp,
            salario_diario: need(d, &m, "salario_diario")?,
            fecha_alta: need(d, &m, "fecha_alta")?,
            regimen: Regime::parse(&need(d, &m, "regimen")?)
                .ok_or(RecordError::BadValue { field: "regimen" })?,
            lote: get(d, &m, "lote").unwrap_or_default(),
        }))
    }

    /// Adds a worker movement (unsigned; see [`PersonRecord::add_signed_movement`]).
    pub fn add_movement(&mut self, mv: &Movement) -> Result<(), RecordError> {
        self.put_movement(mv).map(|_| ())
    }

    fn put_movement(&mut self, mv: &Movement) -> Result<automerge::ObjId, RecordError> {
        let parent = self.container("movimientos")?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &mv.id)?;
        put(d, &m, "tipo", mv.kind.as_str())?;
        put(d, &m, "fecha", &mv.fecha)?;
        put(d, &m, "registro_patronal", &mv.registro_patronal)?;
        if let Some(s) = &mv.salario_diario {
            put(d, &m, "salario_diario", s)?;
        }
        if let Some(r) = mv.regimen {
            put(d, &m, "regimen", r.as_str())?;
        }
        if let Some(r) = &mv.motivo {
            put(d, &m, "motivo", r)?;
        }
        put(d, &m, "oficial", &mv.oficial)?;
        put(d, &m, "registrado_en", &mv.registrado_en)?;
        Ok(m)
    }

    /// Worker movements that count, oldest first by effective date: for a record opened from
    /// a store, those whose signature the store verified (see
    /// `Trust::checked_movements`); for a record built in memory, every one written.
    pub fn movements(&self) -> Result<Vec<Movement>, RecordError> {
        Ok(self
            .sealed_movements()?
            .into_iter()
            .map(|(m, _)| m)
            .filter(|m| !self.refused_movements.contains(&m.id))
            .collect())
    }

    /// Every worker movement as written, oldest first by effective date, each with the
    /// signature it carries (`None`: written unsigned, by an earlier build or a modified one).
    pub fn sealed_movements(&self) -> Result<Vec<(Movement, Option<Seal>)>, RecordError> {
        let d = &self.doc;
        let mut out = Vec::new();
        for (id, m) in entries(d, &ROOT, "movimientos") {
            let seal = orders::seal_of(d, &m);
            out.push((
                Movement {
                    id,
                    kind: MovementKind::parse(&need(d, &m, "tipo")?)
                        .ok_or(RecordError::BadValue { field: "tipo" })?,
                    fecha: need(d, &m, "fecha")?,
                    registro_patronal: get(d, &m, "registro_patronal").unwrap_or_default(),
                    salario_diario: get(d, &m, "salario_diario"),
                    regimen: get(d, &m, "regimen").and_then(|r| Regime::parse(&r)),
                    motivo: get(d, &m, "motivo"),
                    oficial: get(d, &m, "oficial").unwrap_or_default(),
                    registrado_en: get(d, &m, "registrado_en").unwrap_or_default(),
                },
                seal,
            ));
        }
        out.sort_by(|(a, _), (b, _)| {
            (&a.fecha, &a.registrado_en).cmp(&(&b.fecha, &b.registrado_en))
        });
        Ok(out)
    }

    /// Records the date (`YYYY-MM-DD`) the person was notified of missing biometrics (a root
    /// scalar: a later notice replaces it, and concurrent notices merge last-writer-wins).
    pub fn set_biometric_notice(&mut self, date: &str) -> Result<(), RecordError> {
        put(&mut self.doc, &ROOT, NOTICE_FIELD, date)
    }

    /// The date the person was notified of missing biometrics, if ever.
    pub fn biometric_notice(&self) -> Option<String> {
        get(&self.doc, &ROOT, NOTICE_FIELD)
    }

    /// Records consent.
    pub fn set_consent(&mut self, c: &Consent) -> Result<(), RecordError> {
        let m = self.container("consentimiento")?;
        let d = &mut self.doc;
        put(d, &m, "aviso_version", &c.aviso_version)?;
        put(d, &m, "otorgado_en", &c.otorgado_en)?;
        put(d, &m, "oficial", &c.oficial)?;
        put(d, &m, "estacion", &c.estacion)?;
        Ok(())
    }

    /// The recorded consent, if any.
    pub fn consent(&self) -> Option<Consent> {
        let m = map_at(&self.doc, &ROOT, "consentimiento")?;
        let d = &self.doc;
        Some(Consent {
            aviso_version: get(d, &m, "aviso_version")?,
            otorgado_en: get(d, &m, "otorgado_en")?,
            oficial: get(d, &m, "oficial").unwrap_or_default(),
            estacion: get(d, &m, "estacion").unwrap_or_default(),
        })
    }

    /// Sets one finger's capture (replacing any earlier one for that finger).
    pub fn set_capture(&mut self, c: &FingerCapture) -> Result<(), RecordError> {
        let parent = self.container("capturas")?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &c.position.code().to_string())?;
        put(d, &m, "calidad", &c.quality.to_string())?;
        put(d, &m, "intentos", &c.attempts.to_string())?;
        if let Some(b) = &c.template {
            put_blob(d, &m, "plantilla", b)?;
        }
        if let Some(b) = &c.image {
            put_blob(d, &m, "imagen", b)?;
        }
        if let Some((e, why)) = &c.exception {
            put(d, &m, "excepcion", e.as_str())?;
            put(d, &m, "motivo_excepcion", why)?;
        }
        put(d, &m, "capturado_en", &c.captured_at)?;
        put(d, &m, "oficial", &c.officer)?;
        Ok(())
    }

    /// All finger captures, in finger order.
    pub fn captures(&self) -> Result<Vec<FingerCapture>, RecordError> {
        let d = &self.doc;
        let mut out = Vec::new();
        for (k, m) in entries(d, &ROOT, "capturas") {
            let position = k
                .parse::<u8>()
                .ok()
                .and_then(FingerPosition::from_code)
                .ok_or(RecordError::BadValue { field: "capturas" })?;
            let exception = match get(d, &m, "excepcion") {
                Some(e) => Some((
                    FingerException::parse(&e)
                        .ok_or(RecordError::BadValue { field: "excepcion" })?,
                    get(d, &m, "motivo_excepcion").unwrap_or_default(),
                )),
                None => None,
            };
            out.push(FingerCapture {
                position,
                quality: num(d, &m, "calidad")?,
                attempts: num(d, &m, "intentos")?,
                template: get_blob(d, &m, "plantilla")?,
                image: get_blob(d, &m, "imagen")?,
                exception,
                captured_at: get(d, &m, "capturado_en").unwrap_or_default(),
                officer: get(d, &m, "oficial").unwrap_or_default(),
            });
        }
        out.sort_by_key(|c| c.position);
        Ok(out)
    }

    /// Where the capture of `position` stands in the record's history.
    pub fn capture_written(&self, position: FingerPosition) -> Option<Written> {
        let d = &self.doc;
        let m = map_at(
            d,
            &map_at(d, &ROOT, "capturas")?,
            &position.code().to_string(),
        )?;
        Some(Written::new(
            get(d, &m, "capturado_en").unwrap_or_default(),
            m,
        ))
    }

    /// Where the face photo stands in the record's history.
    pub fn face_written(&self) -> Option<Written> {
        let d = &self.doc;
        let m = map_at(d, &ROOT, "rostro")?;
        Some(Written::new(
            get(d, &m, "capturado_en").unwrap_or_default(),
            m,
        ))
    }

    /// Where the supervisor decision `id` stands in the record's history.
    pub fn approval_written(&self, id: &str) -> Option<Written> {
        let d = &self.doc;
        let m = map_at(d, &map_at(d, &ROOT, "aprobaciones")?, id)?;
        Some(Written::new(
            get(d, &m, "firmado_en").unwrap_or_default(),
            m,
        ))
    }

    /// Sets the face photo.
    pub fn set_face(&mut self, f: &Face) -> Result<(), RecordError> {
        let d = &mut self.doc;
        let m = new_map(d, &ROOT, "rostro")?;
        put_blob(d, &m, "imagen", &f.image)?;
        put(d, &m, "calidad", &f.quality.to_string())?;
        put(d, &m, "capturado_en", &f.captured_at)?;
        put(d, &m, "oficial", &f.officer)?;
        Ok(())
    }

    /// The face photo, if captured.
    pub fn face(&self) -> Result<Option<Face>, RecordError> {
        let d = &self.doc;
        let Some(m) = map_at(d, &ROOT, "rostro") else {
            return Ok(None);
        };
        let Some(image) = get_blob(d, &m, "imagen")? else {
            return Ok(None);
        };
        Ok(Some(Face {
            image,
            quality: num(d, &m, "calidad")?,
            captured_at: get(d, &m, "capturado_en").unwrap_or_default(),
            officer: get(d, &m, "oficial").unwrap_or_default(),
        }))
    }

    /// Adds a signed supervisor decision.
    pub fn add_approval(&mut self, a: &Approval) -> Result<(), RecordError> {
        self.checked_status = None;
        let parent = self.container("aprobaciones")?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &a.id)?;
        put(d, &m, "decision", a.decision.as_str())?;
        put(d, &m, "motivo", &a.reason)?;
        put(d, &m, "supervisor", &a.supervisor)?;
        put(d, &m, "firmado_en", &a.signed_at)?;
        put(d, &m, "capturas", &a.capture_digest)?;
        put(d, &m, "firma", &a.signature)?;
        if !a.signer.key.is_empty() {
            put(d, &m, "firmante", &a.signer.key)?;
        }
        if !a.signer.officers.is_empty() {
            put(d, &m, "lista_oficiales", &a.signer.officers)?;
        }
        Ok(())
    }

    /// Supervisor decisions, oldest first.
    pub fn approvals(&self) -> Result<Vec<Approval>, RecordError> {
        let d = &self.doc;
        let mut out = Vec::new();
        for (id, m) in entries(d, &ROOT, "aprobaciones") {
            out.push((
                m.clone(),
                Approval {
                    id,
                    decision: Decision::parse(&need(d, &m, "decision")?)
                        .ok_or(RecordError::BadValue { field: "decision" })?,
                    reason: get(d, &m, "motivo").unwrap_or_default(),
                    supervisor: need(d, &m, "supervisor")?,
                    signed_at: need(d, &m, "firmado_en")?,
                    capture_digest: get(d, &m, "capturas").unwrap_or_default(),
                    signature: need(d, &m, "firma")?,
                    signer: Signer {
                        key: get(d, &m, "firmante").unwrap_or_default(),
                        officers: get(d, &m, "lista_oficiales").unwrap_or_default(),
                    },
                },
            ));
        }
        // Within one second, causal order (see `sealed_status_history`).
        out.sort_by(|(ia, a), (ib, b)| (&a.signed_at, ia).cmp(&(&b.signed_at, ib)));
        Ok(out.into_iter().map(|(_, a)| a).collect())
    }

    /// Adds a 1:1 verification result.
    pub fn add_verification(&mut self, v: &Verification) -> Result<(), RecordError> {
        let parent = self.container("verificaciones")?;
        let d = &mut self.doc;
        let m = new_map(d, &parent, &v.id)?;
        put(d, &m, "proposito", &v.purpose)?;
        put(d, &m, "dedo", &v.finger.code().to_string())?;
        put(d, &m, "puntaje", &v.score.to_string())?;
        put(
            d,
            &m,
            "resultado",
            if v.matched { "coincide" } else { "no_coincide" },
        )?;
        put(d, &m, "oficial", &v.officer)?;
        put(d, &m, "en", &v.at)?;
        Ok(())
    }

    /// Verifications, oldest first.
    pub fn verifications(&self) -> Result<Vec<Verification>, RecordError> {
        let d = &self.doc;
        let mut out = Vec::new();
        for (id, m) in entries(d, &ROOT, "verificaciones") {
            out.push(Verification {
                id,
                purpose: get(d, &m, "proposito").unwrap_or_default(),
                finger: FingerPosition::from_code(num(d, &m, "dedo")?)
                    .ok_or(RecordError::BadValue { field: "dedo" })?,
                score: num(d, &m, "puntaje")?,
                matched: get(d, &m, "resultado").as_deref() == Some("coincide"),
                officer: get(d, &m, "oficial").unwrap_or_default(),
                at: get(d, &m, "en").unwrap_or_default(),
            });
        }
        out.sort_by(|a, b| a.at.cmp(&b.at));
        Ok(out)
    }

    /// Changes the biometric status and appends to its history (unsigned; see
    /// [`PersonRecord::set_signed_status`]).
    pub fn set_status(&mut self, change: &StatusChange) -> Result<(), RecordError> {
        self.put_status(change).map(|_| ())
    }

    fn put_status(&mut self, change: &StatusChange) -> Result<automerge::ObjId, RecordError> {
        self.checked_status = None;
        let hist = self.container("historial_estado")?;
        let d = &mut self.doc;
        put(d, &ROOT, "estado", change.status.as_str())?;
        let key = format!("{}-{}", change.at, short_random());
        let m = new_map(d, &hist, &key)?;
        put(d, &m, "estado", change.status.as_str())?;
        put(d, &m, "en", &change.at)?;
        put(d, &m, "por", &change.by)?;
        put(d, &m, "motivo", &change.reason)?;
        Ok(m)
    }

    /// The current biometric status: for a record opened from a store, the status its
    /// verified supervisor decisions give (the store checks them when it opens the record,
    /// see `Trust::verified_status`: a forged `aprobado` reads as the status before it);
    /// for a record built or changed in memory since, the status as written.
    pub fn status(&self) -> Result<BiometricStatus, RecordError> {
        match self.checked_status {
            Some(s) => Ok(s),
            None => self.written_status(),
        }
    }

    /// The biometric status as written in the document, unchecked: anyone who can write
    /// into the record can write it. Readers use [`PersonRecord::status`].
    pub fn written_status(&self) -> Result<BiometricStatus, RecordError> {
        BiometricStatus::parse(&need(&self.doc, &ROOT, "estado")?)
            .ok_or(RecordError::BadValue { field: "estado" })
    }

    /// Notes the status the store derived from the record's verified decisions.
    pub(crate) fn note_checked_status(&mut self, status: BiometricStatus) {
        self.checked_status = Some(status);
    }

    /// The status history, oldest first.
    pub fn status_history(&self) -> Result<Vec<StatusChange>, RecordError> {
        Ok(self
            .sealed_status_history()?
            .into_iter()
            .map(|(h, _)| h)
            .collect())
    }

    /// The status history, oldest first, each entry with the signature it carries (`None`:
    /// written unsigned).
    pub fn sealed_status_history(&self) -> Result<Vec<(StatusChange, Option<Seal>)>, RecordError> {
        let d = &self.doc;
        let mut out = Vec::new();
        for (_, m) in entries(d, &ROOT, "historial_estado") {
            let seal = orders::seal_of(d, &m);
            out.push((
                m.clone(),
                StatusChange {
                    status: BiometricStatus::parse(&need(d, &m, "estado")?)
                        .ok_or(RecordError::BadValue { field: "estado" })?,
                    at: need(d, &m, "en")?,
                    by: get(d, &m, "por").unwrap_or_default(),
                    reason: get(d, &m, "motivo").unwrap_or_default(),
                },
                seal,
            ));
        }
        // Times have one-second resolution. Within one second the entry's object id orders
        // them: its Lamport counter is above every operation its writer had seen, so an
        // entry written after another (a reopening after a rejection) sorts after it on
        // every replica, and concurrent ones sort the same way everywhere.
        out.sort_by(|(ia, a, _), (ib, b, _)| (&a.at, ia).cmp(&(&b.at, ib)));
        Ok(out.into_iter().map(|(_, h, seal)| (h, seal)).collect())
    }
}

fn identity_fields(i: &Identity) -> [(&'static str, &str); 9] {
    [
        ("curp", &i.curp),
        ("nss", &i.nss),
        ("rfc", &i.rfc),
        ("nombre", &i.nombre),
        ("primer_apellido", &i.primer_apellido),
        ("segundo_apellido", &i.segundo_apellido),
        ("fecha_nacimiento", &i.fecha_nacimiento),
        ("sexo", &i.sexo),
        ("entidad", &i.entidad),
    ]
}

/// A string scalar for a bulk insertion.
fn text(value: &str) -> hydrate::Value {
    hydrate::Value::Scalar(ScalarValue::Str(value.into()))
}

/// A map of `entries` for a bulk insertion.
fn tree<'a>(entries: impl IntoIterator<Item = (&'a str, hydrate::Value)>) -> hydrate::Value {
    hydrate::Value::Map(hydrate::Map::from(
        entries.into_iter().collect::<HashMap<_, _>>(),
    ))
}

fn put_blob(
    d: &mut AutoCommit,
    m: &automerge::ObjId,
    prefix: &str,
    b: &BlobRef,
) -> Result<(), RecordError> {
    put(d, m, &format!("{prefix}_hash"), &b.hash)?;
    put(d, m, &format!("{prefix}_tam"), &b.size.to_string())?;
    put(d, m, &format!("{prefix}_tipo"), b.kind.as_str())?;
    Ok(())
}

fn get_blob(
    d: &AutoCommit,
    m: &automerge::ObjId,
    prefix: &str,
) -> Result<Option<BlobRef>, RecordError> {
    let Some(hash) = get(d, m, &format!("{prefix}_hash")) else {
        return Ok(None);
    };
    let size = get(d, m, &format!("{prefix}_tam"))
        .and_then(|s| s.parse().ok())
        .ok_or(RecordError::BadValue { field: "blob_tam" })?;
    let kind = get(d, m, &format!("{prefix}_tipo"))
        .and_then(|s| BlobKind::parse(&s))
        .ok_or(RecordError::BadValue { field: "blob_tipo" })?;
    Ok(Some(BlobRef { hash, size, kind }))
}

fn num<T: std::str::FromStr>(
    d: &AutoCommit,
    m: &automerge::ObjId,
    key: &'static str,
) -> Result<T, RecordError> {
    need(d, m, key)?
        .parse()
        .map_err(|_| RecordError::BadValue { field: key })
}

fn short_random() -> String {
    let mut b = [0u8; 4];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
    hex::encode(b)
}

#[cfg(test)]
mod tests;
