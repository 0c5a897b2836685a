//! The words of `huella arco …` and `huella retention …`: the contract lines scripts parse
//! (the same in every language, listed in docs/cli.md), the lines for a person in Spanish and
//! English, and the English wording of the ARCO and retention errors (Spanish is their
//! `Display`). Owns wording only; must not print or decide.

use std::error::Error;

use super::{Lang, lang};
use crate::workflows::arco::ArcoError;
use crate::workflows::arco::cancel::CancelError;
use crate::workflows::arco::oppose::Opposed;
use crate::workflows::arco::rectify::RectifyError;
use crate::workflows::retention::RetentionError;

/// A command-line value the ARCO commands do not know.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArcoCliError {
    /// Not a right code.
    #[error("derecho desconocido \"{0}\" (use acceso, rectificacion, cancelacion u oposicion)")]
    Right(String),
    /// Not a field that may be rectified.
    #[error(
        "campo desconocido \"{0}\" (use curp, nss, rfc, nombre, primer_apellido, segundo_apellido, fecha_nacimiento, sexo o entidad)"
    )]
    Field(String),
    /// Not a documented secondary use.
    #[error(
        "uso desconocido \"{0}\" (use employer_report, photo_on_documents o fingerprint_proof_of_life)"
    )]
    Use(String),
}

/// Contract: a request was filed.
pub fn filed(folio: &str, right: &str, deadline: &str) -> String {
    format!("solicitud registrada: {folio}\t{right}\tvence {deadline}")
}

/// Contract: the request a right's command answered.
pub fn answered(folio: &str) -> String {
    format!("solicitud atendida: {folio}")
}

/// Contract: a file the access command wrote.
pub fn wrote(path: &std::path::Path) -> String {
    format!("archivo: {}", path.display())
}

/// Contract: a field rectified.
pub fn rectified(field: &str, old: &str, new: &str) -> String {
    format!("rectificado: {field}\t{old} -> {new}")
}

/// Contract: biometrics cancelled.
pub fn cancelled(fingers: usize, face: bool, kept: &str) -> String {
    format!(
        "biometría borrada: huellas {fingers}, foto {}\tregistro conservado {kept}",
        if face { 1 } else { 0 }
    )
}

/// Contract: an opposition recorded.
pub fn opposed(use_code: &str) -> String {
    format!("oposición registrada: {use_code}")
}

/// Contract: one open request of `arco list`.
pub fn list_item(folio: &str, right: &str, curp: &str, deadline: &str, left: i64) -> String {
    format!("{folio}\t{right}\t{curp}\tvence {deadline}\tdías hábiles {left}")
}

/// Contract: what a retention run erased.
pub fn purged(n: usize) -> String {
    format!("retención: {n} personas depuradas")
}

/// For a person: what a cancellation kept.
pub fn kept_by_law() -> &'static str {
    match lang() {
        Lang::En => {
            "Kept, as the law requires: identity, movements, consents and decisions. The person's procedures continue by the supervised alternative path."
        }
        Lang::Es => {
            "Se conservan, como exige la ley: identidad, movimientos, consentimientos y decisiones. Los trámites de la persona siguen por la vía alterna supervisada."
        }
    }
}

/// For a person: no open requests.
pub fn none_open() -> &'static str {
    match lang() {
        Lang::En => "no open ARCO requests",
        Lang::Es => "no hay solicitudes ARCO abiertas",
    }
}

/// For a person: the retention period in force.
pub fn retention_years(years: u32) -> String {
    match lang() {
        Lang::En => format!("biometrics are kept {years} years after a baja or a death"),
        Lang::Es => {
            format!("la biometría se conserva {years} años después de una baja o defunción")
        }
    }
}

/// English wording of an opposition refusal.
pub fn opposed_en(o: &Opposed) -> String {
    format!(
        "the person opposed this use of their data ({}); follow the supervised alternative path",
        o.use_code
    )
}

fn arco_en(e: &ArcoError) -> Option<String> {
    Some(match e {
        ArcoError::Role { needed } => {
            format!("your role does not allow this ARCO operation: it needs a {needed}")
        }
        ArcoError::NotFound(curp) => format!("nobody has the CURP {curp}"),
        ArcoError::Ambiguous(n) => {
            format!("{n} records have that CURP; resolve the duplicate first")
        }
        ArcoError::NoSuchFolio(f) => format!("request {f} does not exist for this person"),
        ArcoError::WrongRight { folio, right } => {
            format!("request {folio} is for {right}, not for this operation")
        }
        ArcoError::Answered(f) => format!("request {f} was already answered"),
        ArcoError::NeedIdentification => {
            "the requester's identification is missing (or the folio of a filed request)".to_owned()
        }
        ArcoError::Opposed(o) => opposed_en(o),
        ArcoError::Lookup(inner) => return super::en::error(inner),
        ArcoError::Store(inner) => return super::en::error(inner.as_ref()),
        ArcoError::Record(inner) => return super::en::error(inner),
    })
}

/// English wording of the ARCO and retention errors (`None`: not one of them, or a cause
/// worded by another layer).
pub fn error_en(e: &(dyn Error + 'static)) -> Option<String> {
    if let Some(e) = e.downcast_ref::<ArcoError>() {
        return arco_en(e);
    }
    if let Some(e) = e.downcast_ref::<ArcoCliError>() {
        return Some(match e {
            ArcoCliError::Right(t) => format!(
                "unknown right \"{t}\" (use acceso, rectificacion, cancelacion or oposicion)"
            ),
            ArcoCliError::Field(t) => format!(
                "unknown field \"{t}\" (use curp, nss, rfc, nombre, primer_apellido, segundo_apellido, fecha_nacimiento, sexo or entidad)"
            ),
            ArcoCliError::Use(t) => format!(
                "unknown use \"{t}\" (use employer_report, photo_on_documents or fingerprint_proof_of_life)"
            ),
        });
    }
    if let Some(e) = e.downcast_ref::<Opposed>() {
        return Some(opposed_en(e));
    }
    if let Some(e) = e.downcast_ref::<RectifyError>() {
        return Some(match e {
            RectifyError::Arco(a) => return arco_en(a),
            RectifyError::Invalid { field, .. } => format!("invalid value for {field}"),
            RectifyError::BadValue(field) => format!("invalid value for {field}"),
            RectifyError::BelongsToAnother { field, other } => {
                format!("the new {field} belongs to another person (record {other})")
            }
            RectifyError::Unchanged => "the new value equals the current one".to_owned(),
            RectifyError::NeedReason => "a rectification needs a reason".to_owned(),
        });
    }
    if let Some(e) = e.downcast_ref::<CancelError>() {
        return match e {
            CancelError::Arco(a) => arco_en(a),
            CancelError::NeedReason => Some("a cancellation needs a reason".to_owned()),
            CancelError::Erase(inner) => super::en::error(inner),
        };
    }
    if let Some(e) = e.downcast_ref::<RetentionError>() {
        return Some(match e {
            RetentionError::NotAdmin => "only an administrator sets or runs retention".to_owned(),
            RetentionError::BadYears => {
                "the retention period must be between 0 and 100 years".to_owned()
            }
            RetentionError::Write(io) => {
                format!("the station's retention setting could not be saved: {io}")
            }
            RetentionError::Cancel(inner) => return error_en(inner),
            RetentionError::Store(inner) => return super::en::error(inner.as_ref()),
        });
    }
    None
}

/// The printable copy of an access report: section headings and labelled lines in the
/// process's language (values as recorded).
pub fn access_pdf(
    r: &crate::workflows::arco::access::AccessReport,
) -> crate::workflows::documents::pdf::PageContent {
    let en = lang() == Lang::En;
    let t = |es: &str, en_text: &str| if en { en_text } else { es }.to_owned();
    let mut lines: Vec<(String, String)> = Vec::new();
    let head = |lines: &mut Vec<(String, String)>, es: &str, en_text: &str| {
        lines.push((String::new(), String::new()));
        lines.push((t(es, en_text).to_uppercase(), String::new()));
    };
    let i = &r.identidad;
    lines.push((t("Folio de la solicitud", "Request folio"), r.folio.clone()));
    lines.push((t("Generado", "Made"), r.generado_en.clone()));
    head(&mut lines, "Identidad", "Identity");
    for (label, value) in [
        ("CURP", &i.curp),
        ("NSS", &i.nss),
        ("RFC", &i.rfc),
        (if en { "Name" } else { "Nombre" }, &i.nombre),
        (
            if en {
                "First surname"
            } else {
                "Primer apellido"
            },
            &i.primer_apellido,
        ),
        (
            if en {
                "Second surname"
            } else {
                "Segundo apellido"
            },
            &i.segundo_apellido,
        ),
        (
            if en {
                "Birth date"
            } else {
                "Fecha de nacimiento"
            },
            &i.fecha_nacimiento,
        ),
        (if en { "Sex" } else { "Sexo" }, &i.sexo),
        (if en { "State" } else { "Entidad" }, &i.entidad),
    ] {
        lines.push((label.to_owned(), value.clone()));
    }
    for (field, value, until) in &r.identificadores_anteriores {
        lines.push((
            t("Anterior", "Former") + " " + field,
            format!("{value} ({until})"),
        ));
    }
    head(&mut lines, "Movimientos", "Movements");
    for m in &r.movimientos {
        lines.push((
            m.fecha.clone(),
            format!("{} {}", m.tipo, m.registro_patronal),
        ));
    }
    head(&mut lines, "Consentimientos", "Consents");
    for c in &r.consentimientos {
        lines.push((
            c.otorgado_en.clone(),
            format!(
                "{} {} ({})",
                t("aviso", "notice"),
                c.aviso_version,
                c.oficial
            ),
        ));
    }
    head(&mut lines, "Biometría", "Biometrics");
    let b = &r.biometria;
    lines.push((t("Estado", "Status"), b.estado.clone()));
    lines.push((
        t("Huellas en archivo", "Fingers on file"),
        b.huellas.len().to_string(),
    ));
    lines.push((
        t("Fotografía", "Photo"),
        b.foto_capturada_en
            .clone()
            .unwrap_or_else(|| t("no", "none")),
    ));
    lines.push((
        t("Se borra el", "Erased on"),
        b.se_borra_el.clone().unwrap_or_else(|| "-".to_owned()),
    ));
    for h in &b.historial {
        lines.push((
            h.en.clone(),
            format!("{} ({}) {}", h.estado, h.por, h.motivo),
        ));
    }
    for f in &b.registros_anteriores {
        lines.push((f.en.clone(), format!("{} {}", f.motivo, f.id)));
    }
    head(&mut lines, "Pruebas de vida", "Proofs of life");
    for p in &r.pruebas_de_vida {
        lines.push((
            p.en.clone(),
            format!(
                "{} {} {}",
                p.proposito,
                p.dedo,
                if p.coincide { "✓" } else { "✗" }
            ),
        ));
    }
    head(&mut lines, "Documentos emitidos", "Documents issued");
    for d in &r.documentos {
        lines.push((
            d.en.clone(),
            format!("{} {} {}", d.tipo, d.folio, d.decision),
        ));
    }
    head(&mut lines, "Rectificaciones", "Rectifications");
    for x in &r.rectificaciones {
        lines.push((
            x.en.clone(),
            format!(
                "{}: {} -> {} ({}, {})",
                x.campo, x.anterior, x.nuevo, x.por, x.motivo
            ),
        ));
    }
    head(&mut lines, "Oposiciones", "Oppositions");
    for o in &r.oposiciones {
        lines.push((o.clone(), String::new()));
    }
    head(&mut lines, "Solicitudes ARCO", "ARCO requests");
    for q in &r.solicitudes_arco {
        lines.push((
            q.folio.clone(),
            format!(
                "{} {} -> {} {}",
                q.derecho, q.recibida, q.vence, q.resultado
            ),
        ));
    }
    head(
        &mut lines,
        "Accesos a su expediente",
        "Accesses to the file",
    );
    for a in &r.accesos {
        lines.push((
            a.en.clone(),
            format!("{} {} {}: {}", a.estacion, a.oficial, a.accion, a.detalle),
        ));
    }
    crate::workflows::documents::pdf::PageContent {
        title: t(
            "Acceso a datos personales (ARCO)",
            "Access to personal data (ARCO)",
        ),
        subtitle: format!("{} · {}", r.estacion, r.folio),
        lines,
        footer: vec![t(
            "Copia de los datos personales en poder de la estación (LFPDPPP).",
            "Copy of the personal data held by the station (LFPDPPP).",
        )],
        page_word: t("página", "page"),
        ..Default::default()
    }
}
