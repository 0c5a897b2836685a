//! The words of `huella movement`, `huella restriction` and `huella report employer`, in both
//! languages: English for the refusals whose own `Display` is Spanish, and the report's
//! labels. Wording only: the rules are `workflows::movements`, `workflows::restriction` and
//! `workflows::employer_report`.

use super::{Lang, lang};
use crate::workflows::employer_report::ReportError;
use crate::workflows::movements::MovementError;
use crate::workflows::restriction::RestrictionError;

/// English for a refused movement; `None` for causes worded by their own layer.
pub fn movement_en(e: &MovementError) -> Option<String> {
    Lang::En.movement_error(e)
}

/// English for a refused notice or list.
pub fn restriction_en(e: &RestrictionError) -> Option<String> {
    Some(match e {
        RestrictionError::Date(e) => super::en_identifiers::identifier(e),
        RestrictionError::FutureNotice(d) => format!("the notice date ({d}) is after today"),
        RestrictionError::AlreadyApproved(s) => format!(
            "the person's biometrics are already approved (status: {}): no notice needed",
            Lang::En.status(s)
        ),
        _ => return None,
    })
}

/// English for a failed employer report.
pub fn report_en(e: &ReportError) -> Option<String> {
    match e {
        ReportError::Employer(e) => Some(super::en_identifiers::identifier(e)),
        _ => None,
    }
}

/// The header of the employer report's terminal table.
pub fn employer_header() -> [&'static str; 6] {
    match lang() {
        Lang::Es => ["CURP", "NSS", "Nombre", "Alta", "Estado", "Días"],
        Lang::En => ["CURP", "NSS", "Name", "Since", "Status", "Days"],
    }
}

/// A status code in the reader's language.
pub fn status(code: &str) -> String {
    lang().status(code).to_owned()
}

/// The title line of the employer report.
pub fn employer_title(employer: &str, workers: usize, made_at: &str) -> String {
    match lang() {
        Lang::Es => format!("registro patronal {employer}: {workers} trabajadores ({made_at})"),
        Lang::En => format!("employer {employer}: {workers} workers ({made_at})"),
    }
}

/// The line after writing a file.
pub fn written(path: &std::path::Path) -> String {
    match lang() {
        Lang::Es => format!("escrito en {}", path.display()),
        Lang::En => format!("written to {}", path.display()),
    }
}

/// Days left as a person reads them (`—` when not notified).
pub fn days(d: Option<i64>) -> String {
    match (d, lang()) {
        (None, _) => "—".to_owned(),
        (Some(n), Lang::Es) if n < 0 => format!("vencido hace {}", -n),
        (Some(n), Lang::En) if n < 0 => format!("overdue by {}", -n),
        (Some(n), _) => n.to_string(),
    }
}

/// The employer report's PDF title.
pub fn employer_pdf_title() -> &'static str {
    match lang() {
        Lang::Es => "Reporte patronal: estado biométrico de los trabajadores",
        Lang::En => "Employer report: workers' biometric status",
    }
}

/// "page" in a PDF footer.
pub fn page_word() -> &'static str {
    match lang() {
        Lang::Es => "página",
        Lang::En => "page",
    }
}
