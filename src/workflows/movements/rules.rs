//! The rules of worker movements, as pure functions over a person's movement history: which
//! altas are active, what each movement changed (before/after), and whether a new movement
//! is allowed. Nothing here reads the store or words a refusal for a person.

use std::collections::BTreeMap;

use huella_sync::{MovementKind, Regime};
use serde::Serialize;

use super::minimum_wage;

/// Where a history entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The employer's pre-registration (an import): the first alta.
    Importacion,
    /// Recorded at the counter.
    Ventanilla,
}

/// One movement of a person's history, with what it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// Folio (`None` for the pre-registration, which has its import batch instead).
    pub folio: Option<String>,
    /// Kind.
    #[serde(rename = "tipo", serialize_with = "kind_code")]
    pub kind: MovementKind,
    /// Effective date `YYYY-MM-DD`.
    #[serde(rename = "fecha")]
    pub date: String,
    /// Employer registration (empty for a defunción).
    #[serde(rename = "registro_patronal")]
    pub employer: String,
    /// Daily base salary (alta, salary change).
    #[serde(rename = "salario_diario")]
    pub salary: Option<String>,
    /// Regime (alta, regime change).
    #[serde(rename = "regimen", serialize_with = "regime_code")]
    pub regime: Option<Regime>,
    /// Reason (baja).
    #[serde(rename = "motivo")]
    pub reason: Option<String>,
    /// Who recorded it.
    #[serde(rename = "oficial")]
    pub officer: String,
    /// When it was recorded (UTC).
    #[serde(rename = "registrado_en")]
    pub recorded_at: String,
    /// What it replaced (salary, regime, or the alta a baja ended).
    #[serde(rename = "antes")]
    pub before: Option<String>,
    /// What it set.
    #[serde(rename = "despues")]
    pub after: Option<String>,
    /// Where it came from.
    #[serde(rename = "origen")]
    pub origin: Origin,
}

fn kind_code<S: serde::Serializer>(k: &MovementKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.as_str())
}

fn regime_code<S: serde::Serializer>(r: &Option<Regime>, s: S) -> Result<S::Ok, S::Error> {
    match r {
        Some(r) => s.serialize_some(r.as_str()),
        None => s.serialize_none(),
    }
}

/// An alta in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveAlta {
    /// Start date.
    pub since: String,
    /// Current daily salary.
    pub salary: String,
    /// Current regime.
    pub regime: Regime,
}

/// What a history adds up to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    /// Active altas by employer registration.
    pub active: BTreeMap<String, ActiveAlta>,
    /// Date of death, if recorded.
    pub deceased: Option<String>,
}

/// Replays `entries` (sorted here by effective date, then recording time) and fills in what
/// each changed; returns the standing they add up to.
pub fn replay(entries: &mut [HistoryEntry]) -> Standing {
    entries.sort_by(|a, b| (&a.date, &a.recorded_at).cmp(&(&b.date, &b.recorded_at)));
    let mut st = Standing::default();
    for e in entries.iter_mut() {
        match e.kind {
            MovementKind::Alta => {
                let regime = e.regime.unwrap_or(Regime::Permanente);
                let salary = e.salary.clone().unwrap_or_default();
                e.after = Some(format!("{salary} {}", regime.as_str()));
                st.active.insert(
                    e.employer.clone(),
                    ActiveAlta {
                        since: e.date.clone(),
                        salary,
                        regime,
                    },
                );
            }
            MovementKind::Baja => {
                if let Some(a) = st.active.remove(&e.employer) {
                    e.before = Some(format!("{} {}", a.salary, a.regime.as_str()));
                }
            }
            MovementKind::ModificacionSalario => {
                if let Some(a) = st.active.get_mut(&e.employer) {
                    e.before = Some(a.salary.clone());
                    a.salary = e.salary.clone().unwrap_or_default();
                    e.after = Some(a.salary.clone());
                }
            }
            MovementKind::CambioRegimen => {
                if let (Some(a), Some(r)) = (st.active.get_mut(&e.employer), e.regime) {
                    e.before = Some(a.regime.as_str().to_owned());
                    a.regime = r;
                    e.after = Some(r.as_str().to_owned());
                }
            }
            MovementKind::Defuncion => {
                let ended: Vec<String> = std::mem::take(&mut st.active).into_keys().collect();
                if !ended.is_empty() {
                    e.before = Some(ended.join(" "));
                }
                st.deceased.get_or_insert_with(|| e.date.clone());
            }
        }
    }
    st
}

/// A movement asked for, validated in form (identifiers, dates) by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Registration with an employer.
    Alta {
        /// Employer registration.
        employer: String,
        /// Daily base salary.
        salary: String,
        /// Start date.
        date: String,
        /// Regime.
        regime: Regime,
    },
    /// Termination.
    Baja {
        /// Employer (required only when more than one alta is active).
        employer: Option<String>,
        /// Date.
        date: String,
        /// Reason.
        reason: String,
    },
    /// Salary change.
    Salario {
        /// Employer (required only when more than one alta is active).
        employer: Option<String>,
        /// New daily salary.
        salary: String,
        /// Effective date.
        date: String,
    },
    /// Regime change.
    Regimen {
        /// Employer (required only when more than one alta is active).
        employer: Option<String>,
        /// New regime.
        regime: Regime,
        /// Effective date.
        date: String,
    },
    /// Death of the person.
    Defuncion {
        /// Date of death.
        date: String,
    },
}

impl Request {
    /// The movement kind recorded for it.
    pub fn kind(&self) -> MovementKind {
        match self {
            Request::Alta { .. } => MovementKind::Alta,
            Request::Baja { .. } => MovementKind::Baja,
            Request::Salario { .. } => MovementKind::ModificacionSalario,
            Request::Regimen { .. } => MovementKind::CambioRegimen,
            Request::Defuncion { .. } => MovementKind::Defuncion,
        }
    }

    /// The effective date.
    pub fn date(&self) -> &str {
        match self {
            Request::Alta { date, .. }
            | Request::Baja { date, .. }
            | Request::Salario { date, .. }
            | Request::Regimen { date, .. }
            | Request::Defuncion { date } => date,
        }
    }
}

/// Longest reason of a baja, in characters.
pub const MAX_REASON_CHARS: usize = 200;

/// Why a movement is not allowed (nothing was written).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// Baja or change with no active alta.
    #[error("la persona no tiene un alta activa{}", employer_suffix(.employer))]
    NoActiveAlta {
        /// The employer named, if any.
        employer: Option<String>,
    },
    /// More than one alta is active and none was named.
    #[error("la persona tiene más de un alta activa ({}): indique --registro-patronal", .active.join(", "))]
    WhichEmployer {
        /// The active employers.
        active: Vec<String>,
    },
    /// The date is before the start of the active alta.
    #[error("la fecha {date} es anterior al alta activa del {since}")]
    DateBeforeAlta {
        /// Date asked.
        date: String,
        /// Start of the alta.
        since: String,
    },
    /// The salary is not an amount in pesos.
    #[error("el salario \"{0}\" no es un importe en pesos (ej. 315.04)")]
    BadSalary(String),
    /// The salary is zero.
    #[error("el salario debe ser mayor que cero")]
    SalaryNotPositive,
    /// The salary is below the general minimum wage in force on that date.
    #[error(
        "el salario {salary} es menor que el salario mínimo general vigente el {date}: {minimum} ({official})"
    )]
    BelowMinimumWage {
        /// Salary asked.
        salary: String,
        /// Minimum in force.
        minimum: String,
        /// Date.
        date: String,
        /// Official source of the minimum.
        official: &'static str,
    },
    /// The date is before the minimum wage table (salary cannot be checked).
    #[error("no hay salario mínimo registrado para el {date} (la tabla empieza el {first})")]
    NoMinimumWage {
        /// Date asked.
        date: String,
        /// First day of the table.
        first: &'static str,
    },
    /// An alta with an employer already active for this person.
    #[error("la persona ya tiene un alta activa con el registro patronal {employer}")]
    AlreadyActive {
        /// Employer.
        employer: String,
    },
    /// The regime asked is already the current one.
    #[error("el régimen ya es {0}")]
    SameRegime(&'static str),
    /// A baja without a reason, or with one too long or with control characters.
    #[error(
        "escriba el motivo de la baja (hasta {MAX_REASON_CHARS} caracteres, sin caracteres de control)"
    )]
    BadReason,
    /// The person's death is recorded.
    #[error("la defunción de la persona está registrada ({0}): no admite más movimientos")]
    Deceased(String),
}

fn employer_suffix(e: &Option<String>) -> String {
    e.as_ref()
        .map(|e| format!(" con el registro patronal {e}"))
        .unwrap_or_default()
}

fn check_salary(salary: &str, date: &str) -> Result<(), Refusal> {
    let cents = minimum_wage::cents(salary)
        .ok_or_else(|| Refusal::BadSalary(salary.chars().take(24).collect::<String>()))?;
    if cents == 0 {
        return Err(Refusal::SalaryNotPositive);
    }
    let row = minimum_wage::in_force(date).ok_or(Refusal::NoMinimumWage {
        date: date.to_owned(),
        first: minimum_wage::TABLE[0].from,
    })?;
    if cents < row.general_cents {
        return Err(Refusal::BelowMinimumWage {
            salary: minimum_wage::pesos(cents),
            minimum: minimum_wage::pesos(row.general_cents),
            date: date.to_owned(),
            official: row.source,
        });
    }
    Ok(())
}

/// The active alta a baja or change applies to.
fn target<'a>(
    st: &'a Standing,
    employer: Option<&str>,
) -> Result<(&'a String, &'a ActiveAlta), Refusal> {
    match employer {
        Some(e) => st.active.get_key_value(e).ok_or(Refusal::NoActiveAlta {
            employer: Some(e.to_owned()),
        }),
        None => {
            let mut it = st.active.iter();
            match (it.next(), it.next()) {
                (Some(one), None) => Ok(one),
                (None, _) => Err(Refusal::NoActiveAlta { employer: None }),
                (Some(_), Some(_)) => Err(Refusal::WhichEmployer {
                    active: st.active.keys().cloned().collect(),
                }),
            }
        }
    }
}

fn not_before(date: &str, alta: &ActiveAlta) -> Result<(), Refusal> {
    if date < alta.since.as_str() {
        return Err(Refusal::DateBeforeAlta {
            date: date.to_owned(),
            since: alta.since.clone(),
        });
    }
    Ok(())
}

/// Checks `req` against the standing; on success, the employer the movement applies to.
pub fn check(st: &Standing, req: &Request) -> Result<String, Refusal> {
    if let Some(d) = &st.deceased {
        return Err(Refusal::Deceased(d.clone()));
    }
    match req {
        Request::Alta {
            employer,
            salary,
            date,
            ..
        } => {
            if st.active.contains_key(employer) {
                return Err(Refusal::AlreadyActive {
                    employer: employer.clone(),
                });
            }
            check_salary(salary, date)?;
            Ok(employer.clone())
        }
        Request::Baja {
            employer,
            date,
            reason,
        } => {
            let (e, alta) = target(st, employer.as_deref())?;
            not_before(date, alta)?;
            let r = reason.trim();
            if r.is_empty()
                || r.chars().count() > MAX_REASON_CHARS
                || r.chars().any(crate::identifiers::text::is_forbidden)
            {
                return Err(Refusal::BadReason);
            }
            Ok(e.clone())
        }
        Request::Salario {
            employer,
            salary,
            date,
        } => {
            let (e, alta) = target(st, employer.as_deref())?;
            not_before(date, alta)?;
            check_salary(salary, date)?;
            Ok(e.clone())
        }
        Request::Regimen {
            employer,
            regime,
            date,
        } => {
            let (e, alta) = target(st, employer.as_deref())?;
            not_before(date, alta)?;
            if alta.regime == *regime {
                return Err(Refusal::SameRegime(regime.as_str()));
            }
            Ok(e.clone())
        }
        Request::Defuncion { date } => {
            if let Some(alta) = st
                .active
                .values()
                .find(|a| date.as_str() < a.since.as_str())
            {
                not_before(date, alta)?;
            }
            Ok(String::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: MovementKind, date: &str, employer: &str, salary: Option<&str>) -> HistoryEntry {
        HistoryEntry {
            folio: Some(format!("0901-A-{date}")),
            kind,
            date: date.into(),
            employer: employer.into(),
            salary: salary.map(str::to_owned),
            regime: (kind == MovementKind::Alta).then_some(Regime::Permanente),
            reason: None,
            officer: "ana".into(),
            recorded_at: format!("{date}T10:00:00Z"),
            before: None,
            after: None,
            origin: Origin::Ventanilla,
        }
    }

    #[test]
    fn replay_tracks_active_altas_and_what_each_movement_changed() {
        let mut h = vec![
            entry(
                MovementKind::ModificacionSalario,
                "2026-03-01",
                "E1",
                Some("400.00"),
            ),
            entry(MovementKind::Alta, "2026-01-10", "E1", Some("320.00")),
            entry(MovementKind::Alta, "2026-02-01", "E2", Some("330.00")),
            entry(MovementKind::Baja, "2026-04-01", "E2", None),
        ];
        let st = replay(&mut h);
        assert_eq!(st.active.keys().collect::<Vec<_>>(), ["E1"]);
        assert_eq!(st.active["E1"].salary, "400.00");
        assert_eq!(h[2].before.as_deref(), Some("320.00"));
        assert_eq!(h[2].after.as_deref(), Some("400.00"));
        assert_eq!(h[3].before.as_deref(), Some("330.00 permanente"));
    }

    #[test]
    fn refusals() {
        let mut h = vec![entry(
            MovementKind::Alta,
            "2026-01-10",
            "E1",
            Some("320.00"),
        )];
        let st = replay(&mut h);
        let baja = |date: &str, reason: &str| Request::Baja {
            employer: None,
            date: date.into(),
            reason: reason.into(),
        };
        assert!(matches!(
            check(&Standing::default(), &baja("2026-02-01", "renuncia")),
            Err(Refusal::NoActiveAlta { .. })
        ));
        assert!(matches!(
            check(&st, &baja("2026-01-01", "renuncia")),
            Err(Refusal::DateBeforeAlta { .. })
        ));
        assert_eq!(
            check(&st, &baja("2026-02-01", " ")),
            Err(Refusal::BadReason)
        );
        assert_eq!(check(&st, &baja("2026-02-01", "renuncia")), Ok("E1".into()));
        let salario = |s: &str, d: &str| Request::Salario {
            employer: None,
            salary: s.into(),
            date: d.into(),
        };
        assert_eq!(
            check(&st, &salario("0", "2026-02-01")),
            Err(Refusal::SalaryNotPositive)
        );
        assert!(matches!(
            check(&st, &salario("300.00", "2026-02-01")),
            Err(Refusal::BelowMinimumWage { .. })
        ));
        assert_eq!(
            check(&st, &salario("315.04", "2026-02-01")),
            Ok("E1".into())
        );
        let alta = Request::Alta {
            employer: "E1".into(),
            salary: "400".into(),
            date: "2026-05-01".into(),
            regime: Regime::Eventual,
        };
        assert!(matches!(
            check(&st, &alta),
            Err(Refusal::AlreadyActive { .. })
        ));
        let mut dead = h.clone();
        dead.push(entry(MovementKind::Defuncion, "2026-06-01", "", None));
        let st = replay(&mut dead);
        assert!(st.active.is_empty());
        assert!(matches!(
            check(&st, &salario("400", "2026-07-01")),
            Err(Refusal::Deceased(_))
        ));
    }
}
