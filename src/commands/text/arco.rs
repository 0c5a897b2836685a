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

/// For a person: the PDF could not be made (the JSON was written).
pub fn no_pdf() -> &'static str {
    match lang() {
        Lang::En => "the PDF copy is not available in this version; the JSON holds everything",
        Lang::Es => "la copia PDF no está disponible en esta versión; el JSON contiene todo",
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
