//! The words of movements and restriction, in both languages: the console's movement form,
//! the person file's history and countdown, the home countdown, and English for the
//! movement workflow's refusals (whose own `Display` is Spanish; the command line uses
//! these too).

use super::Lang;
use crate::console::movement_form::Field;
use crate::workflows::movements::{MovementError, Refusal};

/// Texts of the movement form and the restriction countdown.
#[derive(Debug)]
pub struct MovementStrings {
    /// Title of the form.
    pub form_title: &'static str,
    /// "Movement" label before the kind.
    pub kind: &'static str,
    /// Hint: ←/→ chooses the kind.
    pub choose_kind: &'static str,
    /// Hint: Tab next field, Enter records, Esc closes.
    pub form_keys: &'static str,
    /// Key hint on the person file.
    pub to_record: &'static str,
    /// Sending.
    pub recording: &'static str,
    /// Recorded (followed by the folio).
    pub recorded: &'static str,
    /// The regime typed is not one of the three.
    pub bad_regime: &'static str,
    /// Notice line label.
    pub notice: &'static str,
    /// "days left".
    pub days_left: &'static str,
    /// Restricted line.
    pub restricted: &'static str,
    /// "overdue by N days".
    pub overdue_days: &'static str,
    /// Home: restriction panel label.
    pub home_restriction: &'static str,
    /// Home: restricted people.
    pub home_restricted: &'static str,
    /// Home: next deadline.
    pub home_next: &'static str,
    /// "by" (who recorded a movement).
    pub by: &'static str,
    /// "from import" (the pre-registration's alta).
    pub from_import: &'static str,
}

static ES: MovementStrings = MovementStrings {
    form_title: "Registrar movimiento",
    kind: "Movimiento",
    choose_kind: "←/→ elige el movimiento",
    form_keys: "Tab: siguiente campo · Enter: registrar · Esc: cerrar",
    to_record: "registrar un movimiento",
    recording: "Registrando…",
    recorded: "Movimiento registrado, folio",
    bad_regime: "Régimen: escriba permanente, eventual o construccion.",
    notice: "Aviso de falta de biometría",
    days_left: "días restantes",
    restricted: "Trámite restringido por falta de biometría",
    overdue_days: "días vencido",
    home_restriction: "Restricción",
    home_restricted: "restringidos",
    home_next: "próximo vencimiento en",
    by: "por",
    from_import: "preregistro",
};

static EN: MovementStrings = MovementStrings {
    form_title: "Record a movement",
    kind: "Movement",
    choose_kind: "←/→ chooses the movement",
    form_keys: "Tab: next field · Enter: record · Esc: close",
    to_record: "record a movement",
    recording: "Recording…",
    recorded: "Movement recorded, folio",
    bad_regime: "Regime: type permanente, eventual or construccion.",
    notice: "Notice of missing biometrics",
    days_left: "days left",
    restricted: "Procedures restricted for missing biometrics",
    overdue_days: "days overdue",
    home_restriction: "Restriction",
    home_restricted: "restricted",
    home_next: "next deadline in",
    by: "by",
    from_import: "pre-registration",
};

impl Lang {
    /// The movement and restriction texts of this language.
    pub fn mv(self) -> &'static MovementStrings {
        match self {
            Lang::Es => &ES,
            Lang::En => &EN,
        }
    }

    /// A field label of the movement form.
    pub fn movement_field(self, f: Field) -> &'static str {
        match (self, f) {
            (Lang::Es, Field::Date) => "Fecha (AAAA-MM-DD)",
            (Lang::Es, Field::Employer) => "Registro patronal",
            (Lang::Es, Field::Salary) => "Salario diario",
            (Lang::Es, Field::Regime) => "Régimen",
            (Lang::Es, Field::Reason) => "Motivo",
            (Lang::En, Field::Date) => "Date (YYYY-MM-DD)",
            (Lang::En, Field::Employer) => "Employer registration",
            (Lang::En, Field::Salary) => "Daily salary",
            (Lang::En, Field::Regime) => "Regime",
            (Lang::En, Field::Reason) => "Reason",
        }
    }

    /// A refused movement in this language (`None` in English for causes of a lower layer).
    pub fn movement_error(self, e: &MovementError) -> Option<String> {
        if self == Lang::Es {
            return Some(e.to_string());
        }
        Some(match e {
            MovementError::Refused(r) => refusal_en(r),
            MovementError::Identifier(e) => crate::commands::text::identifier_en(e),
            MovementError::UnknownCurp(c) => {
                format!("no person with the CURP {c} is registered here")
            }
            MovementError::NeedsSupervisor => {
                "only a supervisor or an administrator records a death".to_owned()
            }
            _ => return None,
        })
    }
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
