//! The words of `huella movement`, `huella restriction` and `huella report employer`, in both
//! languages: English for the refusals whose own `Display` is Spanish, and the report's
//! labels. Wording only: the rules are `workflows::movements`, `workflows::restriction` and
//! `workflows::employer_report`.

use super::{Lang, lang};
use crate::workflows::employer_report::ReportError;
use crate::workflows::movements::{MovementError, Refusal};
use crate::workflows::restriction::RestrictionError;

/// English for a refused movement; `None` for causes worded by their own layer.
pub fn movement_en(e: &MovementError) -> Option<String> {
    Some(match e {
        MovementError::Refused(r) => refusal_en(r),
        MovementError::Identifier(e) => super::en_identifiers::identifier(e),
        MovementError::UnknownCurp(c) => format!("no person with the CURP {c} is registered here"),
        MovementError::NeedsSupervisor => {
            "only a supervisor or an administrator records a death".to_owned()
        }
        _ => return None,
    })
}

fn refusal_en(r: &Refusal) -> String {
    match r {
        Refusal::NoActiveAlta { employer: None } => {
            "the person has no active registration (alta)".to_owned()
        }
        Refusal::NoActiveAlta { employer: Some(e) } => {
            format!("the person has no active registration (alta) with employer {e}")
        }
        Refusal::WhichEmployer { active } => format!(
            "the person has more than one active registration ({}): give --registro-patronal",
            active.join(", ")
        ),
        Refusal::DateBeforeAlta { date, since } => {
            format!("the date {date} is before the active registration of {since}")
        }
        Refusal::BadSalary(s) => {
            format!("the salary \"{s}\" is not an amount in pesos (e.g. 315.04)")
        }
        Refusal::SalaryNotPositive => "the salary must be above zero".to_owned(),
        Refusal::BelowMinimumWage {
            salary,
            minimum,
            date,
            official,
        } => format!(
            "the salary {salary} is below the general minimum daily wage in force on {date}: {minimum} ({official})"
        ),
        Refusal::NoMinimumWage { date, first } => {
            format!("no minimum wage is on record for {date} (the table starts on {first})")
        }
        Refusal::AlreadyActive { employer } => {
            format!("the person already has an active registration with employer {employer}")
        }
        Refusal::SameRegime(r) => format!("the regime is already {r}"),
        Refusal::BadReason => format!(
            "write the reason of the termination (up to {} characters, no control characters)",
            crate::workflows::movements::rules::MAX_REASON_CHARS
        ),
        Refusal::Deceased(d) => {
            format!("the person's death is recorded ({d}): no further movements")
        }
    }
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
