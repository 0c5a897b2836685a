//! Words of the `document` commands that are not contract lines: the reasons a document is
//! invalid and the document errors, in English (Spanish is the errors' own `Display`).

use crate::workflows::documents::DocumentError;
use crate::workflows::documents::verify::{Invalid, VerifyError};

use super::{Lang, lang};

/// Why a document is invalid, in the process's language.
pub fn invalid(e: &Invalid) -> String {
    match lang() {
        Lang::Es => e.to_string(),
        Lang::En => en_invalid(e),
    }
}

fn en_invalid(e: &Invalid) -> String {
    match e {
        Invalid::NoDocument => "it holds no signed document".to_owned(),
        Invalid::Malformed => "its signed content is damaged".to_owned(),
        Invalid::Altered => "the file was altered (its seal does not match)".to_owned(),
        Invalid::BadSignature => {
            "the signature is not the station's it claims to come from".to_owned()
        }
        Invalid::OtherOffice { office } => format!("issued by office {office}, not this one"),
        Invalid::UnknownStation { station } => {
            format!("station {station} is not in the office's list")
        }
        Invalid::Revoked { station, since } => {
            format!("station {station} was revoked ({since}) before issuing it")
        }
        Invalid::UnknownCode => {
            "no document with that code at this station (sync and try again)".to_owned()
        }
        Invalid::Store(detail) => format!("the station list could not be read: {detail}"),
    }
}

/// English wording of a document error (`None`: let the cause speak).
pub fn en_error(e: &DocumentError) -> Option<String> {
    Some(match e {
        DocumentError::UnknownCurp => "no person with that CURP".to_owned(),
        DocumentError::UnknownFolio(f) => format!("no document with folio {f} at this station"),
        DocumentError::Damaged(f) => format!("stored document {f} is damaged"),
        DocumentError::Folio(d) => format!("no folio could be allocated: {d}"),
        DocumentError::Pdf(d) => format!("the PDF could not be written: {d}"),
        DocumentError::Qr(_) => "the QR code could not be made".to_owned(),
        _ => return None,
    })
}

/// English wording of a verification failure that is not a verdict.
pub fn en_verify_error(e: &VerifyError) -> Option<String> {
    Some(match e {
        VerifyError::Invalid(i) => format!("invalid document: {}", en_invalid(i)),
        VerifyError::Read(_) => "the file could not be read".to_owned(),
        VerifyError::Document(d) => return en_error(d),
        _ => return None,
    })
}

/// `document verify CODE` without credentials.
pub fn code_needs_credentials() -> &'static str {
    match lang() {
        Lang::Es => {
            "para verificar un código dé --as USUARIO y --passphrase-file ARCHIVO (se busca en los registros de la estación)"
        }
        Lang::En => {
            "to verify a code give --as USER and --passphrase-file FILE (it is looked up in the station's records)"
        }
    }
}

/// `document acuse|constancia`: an output file could not be written.
pub fn not_written(path: &std::path::Path) -> String {
    match lang() {
        Lang::Es => format!("no se pudo escribir {}", path.display()),
        Lang::En => format!("could not write {}", path.display()),
    }
}

/// `document ... --paper` with an unknown size.
pub fn bad_paper(given: &str) -> String {
    match lang() {
        Lang::Es => format!("tamaño de papel desconocido \"{given}\" (use a4 o carta)"),
        Lang::En => format!("unknown paper size \"{given}\" (use a4 or carta)"),
    }
}
