//! Access: everything the station holds about a person, as one report (the faces write it as
//! JSON and PDF): identity, movements, consents with the notice version, biometric status and
//! its history, what biometrics are on file (never the images or templates themselves),
//! proofs of life, receipts issued, rectifications, oppositions, ARCO requests, when the
//! biometrics will be erased, and every access to the file recorded in this station's audit
//! trail (who, when, why). Audited as an export.
//!
//! Owns the report's content. Must not write files or word anything.

use huella_keys::Role;
use huella_sync::record::privacy::{ArcoRequest, ArcoRight};
use huella_sync::{AuditAction, RecordId};
use serde::Serialize;

use super::{ArcoError, RequestRef, answer, person_by_curp, require, save, take_request};
use crate::home::Home;
use crate::workflows::enroll;
use crate::workflows::lookup::PersonSummary;
use crate::workflows::retention::{self, RetentionPolicy};
use crate::workflows::session::Session;

/// A movement.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MovementItem {
    /// Kind code.
    pub tipo: String,
    /// Effective date.
    pub fecha: String,
    /// Employer registration.
    pub registro_patronal: String,
    /// Daily salary, if any.
    pub salario_diario: Option<String>,
    /// Reason (baja), if any.
    pub motivo: Option<String>,
    /// Officer who recorded it.
    pub oficial: String,
}

/// The consent given.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ConsentItem {
    /// Version of the privacy notice.
    pub aviso_version: String,
    /// When (UTC).
    pub otorgado_en: String,
    /// Officer.
    pub oficial: String,
    /// Station.
    pub estacion: String,
}

/// A finger on file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FingerItem {
    /// ISO position 1–10.
    pub dedo: u8,
    /// Quality 0–100.
    pub calidad: u8,
    /// A template is on file.
    pub plantilla: bool,
    /// An image is on file.
    pub imagen: bool,
    /// Exception code, if the finger was not captured.
    pub excepcion: Option<String>,
    /// When (UTC).
    pub capturado_en: String,
    /// Officer.
    pub oficial: String,
}

/// Biometric status, history and what is on file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BiometricsItem {
    /// Current status code.
    pub estado: String,
    /// Status history (status, when, who, why).
    pub historial: Vec<HistoryItem>,
    /// Fingers on file.
    pub huellas: Vec<FingerItem>,
    /// When the face photo was taken, if one is on file.
    pub foto_capturada_en: Option<String>,
    /// Day the biometrics will be erased by retention, if the clock runs.
    pub se_borra_el: Option<String>,
    /// Records this one replaced after an erasure (id, why, when).
    pub registros_anteriores: Vec<FormerRecordItem>,
}

/// A status change.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HistoryItem {
    /// Status code.
    pub estado: String,
    /// When (UTC).
    pub en: String,
    /// Who.
    pub por: String,
    /// Why.
    pub motivo: String,
}

/// An erased record this one replaced.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FormerRecordItem {
    /// Old record id.
    pub id: String,
    /// Why.
    pub motivo: String,
    /// When (UTC).
    pub en: String,
}

/// A proof of life or other verification.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ProofItem {
    /// Purpose.
    pub proposito: String,
    /// When (UTC).
    pub en: String,
    /// Finger.
    pub dedo: u8,
    /// Score (thousandths).
    pub puntaje: u32,
    /// Whether it matched.
    pub coincide: bool,
    /// Officer.
    pub oficial: String,
}

/// A receipt (signed decision) issued.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DocumentItem {
    /// Kind.
    pub tipo: String,
    /// Folio.
    pub folio: String,
    /// Decision code.
    pub decision: String,
    /// Signed by.
    pub firmado_por: String,
    /// When (UTC).
    pub en: String,
}

/// A rectification.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RectificationItem {
    /// Field.
    pub campo: String,
    /// Old value.
    pub anterior: String,
    /// New value.
    pub nuevo: String,
    /// Why.
    pub motivo: String,
    /// Who.
    pub por: String,
    /// When (UTC).
    pub en: String,
}

/// An ARCO request.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RequestItem {
    /// Folio.
    pub folio: String,
    /// Right.
    pub derecho: String,
    /// Requester.
    pub solicitante: String,
    /// Identification shown.
    pub identificacion: String,
    /// Received.
    pub recibida: String,
    /// Deadline.
    pub vence: String,
    /// Answered (UTC), empty while open.
    pub atendida_en: String,
    /// Outcome.
    pub resultado: String,
}

/// One recorded access to the file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AccessItem {
    /// When (UTC).
    pub en: String,
    /// Station.
    pub estacion: String,
    /// Who.
    pub oficial: String,
    /// What (audit action code).
    pub accion: String,
    /// Why / detail.
    pub detalle: String,
}

/// Everything held about a person.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AccessReport {
    /// Folio of the request answered.
    pub folio: String,
    /// When the report was made (UTC).
    pub generado_en: String,
    /// Station that made it.
    pub estacion: String,
    /// Identity.
    pub identidad: PersonSummary,
    /// CURPs and NSSs the person had before (field, value, until).
    pub identificadores_anteriores: Vec<(String, String, String)>,
    /// Movements.
    pub movimientos: Vec<MovementItem>,
    /// Consents.
    pub consentimientos: Vec<ConsentItem>,
    /// Biometrics.
    pub biometria: BiometricsItem,
    /// Proofs of life.
    pub pruebas_de_vida: Vec<ProofItem>,
    /// Documents issued.
    pub documentos: Vec<DocumentItem>,
    /// Rectifications.
    pub rectificaciones: Vec<RectificationItem>,
    /// Uses opposed (codes).
    pub oposiciones: Vec<String>,
    /// ARCO requests (this one included, answered).
    pub solicitudes_arco: Vec<RequestItem>,
    /// Recorded accesses to the file, oldest first.
    pub accesos: Vec<AccessItem>,
}

/// Builds the access report of the person with `curp` (any officer), answers the request and
/// audits the export.
pub fn access(
    home: &Home,
    session: &Session,
    curp: &str,
    r: &RequestRef,
) -> Result<AccessReport, ArcoError> {
    require(session, Role::Officer)?;
    let id = person_by_curp(session, curp)?;
    let mut open = session.store.open_record(&session.keys(), id)?;
    let req = take_request(session, &open.record, ArcoRight::Acceso, r)?;
    let req = answer(
        session,
        &mut open.record,
        req,
        "copia entregada (JSON y PDF)",
    )?;
    let mut report = build(home, session, &open.record, &req)?;
    save(
        session,
        &mut open,
        AuditAction::Exportacion,
        &format!("ARCO {}: acceso del titular a su expediente", req.folio),
    )?;
    // The export itself is an access: it is the last one listed.
    report.accesos.push(AccessItem {
        en: req.answered_at.clone(),
        estacion: report.estacion.clone(),
        oficial: req.answered_by.clone(),
        accion: AuditAction::Exportacion.as_str().to_owned(),
        detalle: format!("ARCO {}: acceso del titular a su expediente", req.folio),
    });
    Ok(report)
}

fn build(
    home: &Home,
    session: &Session,
    r: &huella_sync::PersonRecord,
    req: &ArcoRequest,
) -> Result<AccessReport, ArcoError> {
    let id = r.id();
    let station = session.store.station()?;
    let former: Vec<RecordId> = r
        .former_records()
        .iter()
        .filter_map(|f| RecordId::parse(&f.id))
        .collect();
    let mine = |records: &str| {
        records
            .split(',')
            .filter_map(RecordId::parse)
            .any(|x| x == id || former.contains(&x))
    };
    let accesos = session
        .store
        .audit_entries()
        .filter_map(Result::ok)
        .filter(|e| mine(&e.records))
        .map(|e| AccessItem {
            en: e.at,
            estacion: e.station,
            oficial: e.officer,
            accion: e.action,
            detalle: e.detail,
        })
        .collect();
    Ok(AccessReport {
        folio: req.folio.clone(),
        generado_en: huella_sync::time::now_utc(),
        estacion: station.station.clone(),
        identidad: PersonSummary::of(r)?,
        identificadores_anteriores: r
            .former_identifiers()
            .into_iter()
            .map(|f| (f.field, f.value, f.until))
            .collect(),
        movimientos: r
            .movements()?
            .into_iter()
            .map(|m| MovementItem {
                tipo: m.kind.as_str().to_owned(),
                fecha: m.fecha,
                registro_patronal: m.registro_patronal,
                salario_diario: m.salario_diario,
                motivo: m.motivo,
                oficial: m.oficial,
            })
            .collect(),
        consentimientos: r
            .consent()
            .into_iter()
            .map(|c| ConsentItem {
                aviso_version: c.aviso_version,
                otorgado_en: c.otorgado_en,
                oficial: c.oficial,
                estacion: c.estacion,
            })
            .collect(),
        biometria: BiometricsItem {
            estado: r.status()?.as_str().to_owned(),
            historial: r
                .status_history()?
                .into_iter()
                .map(|h| HistoryItem {
                    estado: h.status.as_str().to_owned(),
                    en: h.at,
                    por: h.by,
                    motivo: h.reason,
                })
                .collect(),
            huellas: r
                .captures()?
                .into_iter()
                .map(|c| FingerItem {
                    dedo: c.position.code(),
                    calidad: c.quality,
                    plantilla: c.template.is_some(),
                    imagen: c.image.is_some(),
                    excepcion: c.exception.map(|(e, _)| e.as_str().to_owned()),
                    capturado_en: c.captured_at,
                    oficial: c.officer,
                })
                .collect(),
            foto_capturada_en: r.face()?.map(|f| f.captured_at),
            se_borra_el: retention::erase_on(r, RetentionPolicy::load(home)),
            registros_anteriores: r
                .former_records()
                .into_iter()
                .map(|f| FormerRecordItem {
                    id: f.id,
                    motivo: f.reason,
                    en: f.at,
                })
                .collect(),
        },
        pruebas_de_vida: r
            .verifications()?
            .into_iter()
            .map(|v| ProofItem {
                proposito: v.purpose,
                en: v.at,
                dedo: v.finger.code(),
                puntaje: v.score,
                coincide: v.matched,
                oficial: v.officer,
            })
            .collect(),
        documentos: r
            .approvals()?
            .into_iter()
            .map(|a| DocumentItem {
                tipo: "comprobante_de_decision".to_owned(),
                folio: enroll::folio(id),
                decision: a.decision.as_str().to_owned(),
                firmado_por: a.supervisor,
                en: a.signed_at,
            })
            .chain(r.documents()?.into_iter().map(|doc| DocumentItem {
                tipo: doc.kind,
                folio: doc.folio,
                decision: String::new(),
                firmado_por: format!("estación (código {})", doc.code),
                en: doc.issued_at,
            }))
            .collect(),
        rectificaciones: r
            .rectifications()?
            .into_iter()
            .map(|x| RectificationItem {
                campo: x.field,
                anterior: x.old,
                nuevo: x.new,
                motivo: x.reason,
                por: x.by,
                en: x.at,
            })
            .collect(),
        oposiciones: r.oppositions().into_iter().map(|o| o.use_code).collect(),
        solicitudes_arco: r
            .arco_requests()?
            .into_iter()
            .map(|q| RequestItem {
                folio: q.folio,
                derecho: q.right.as_str().to_owned(),
                solicitante: q.requester,
                identificacion: q.identification,
                recibida: q.received,
                vence: q.deadline,
                atendida_en: q.answered_at,
                resultado: q.outcome,
            })
            .collect(),
        accesos,
    })
}
