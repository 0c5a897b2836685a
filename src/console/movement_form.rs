//! The movement form on a person's file: which movement, and its fields as typed. Pure
//! state and transitions (typing, moving between fields, choosing the kind) and the
//! [`Request`] it becomes; the rules and the folio are the movements workflow's.

use crate::workflows::movements::Request;
use crate::workflows::types::MovementKind;

/// A field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Effective date `AAAA-MM-DD`.
    Date,
    /// Registro patronal.
    Employer,
    /// Daily salary.
    Salary,
    /// Regime (`permanente`, `eventual`, `construccion`).
    Regime,
    /// Reason of a baja.
    Reason,
}

/// The kinds offered, in the order ←/→ cycles them.
pub const KINDS: [MovementKind; 5] = [
    MovementKind::Alta,
    MovementKind::Baja,
    MovementKind::ModificacionSalario,
    MovementKind::CambioRegimen,
    MovementKind::Defuncion,
];

/// Longest text accepted in a field.
const MAX_FIELD_CHARS: usize = 120;

/// The form as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementForm {
    /// Index in [`KINDS`].
    pub kind: usize,
    /// Field with the cursor (index in [`MovementForm::fields`]).
    pub focus: usize,
    /// Date typed.
    pub date: String,
    /// Employer typed.
    pub employer: String,
    /// Salary typed.
    pub salary: String,
    /// Regime typed.
    pub regime: String,
    /// Reason typed.
    pub reason: String,
    /// Sent to the desk, waiting for its answer.
    pub busy: bool,
}

impl MovementForm {
    /// An empty form dated `today`, for an alta.
    pub fn new(today: &str) -> Self {
        MovementForm {
            kind: 0,
            focus: 0,
            date: today.to_owned(),
            employer: String::new(),
            salary: String::new(),
            regime: String::new(),
            reason: String::new(),
            busy: false,
        }
    }

    /// The movement kind chosen.
    pub fn kind(&self) -> MovementKind {
        KINDS[self.kind % KINDS.len()]
    }

    /// The fields this kind asks for, in order.
    pub fn fields(&self) -> &'static [Field] {
        match self.kind() {
            MovementKind::Alta => &[Field::Employer, Field::Salary, Field::Date, Field::Regime],
            MovementKind::Baja => &[Field::Date, Field::Reason, Field::Employer],
            MovementKind::ModificacionSalario => &[Field::Salary, Field::Date, Field::Employer],
            MovementKind::CambioRegimen => &[Field::Regime, Field::Date, Field::Employer],
            MovementKind::Defuncion => &[Field::Date],
        }
    }

    /// The field with the cursor.
    pub fn focused(&self) -> Field {
        let f = self.fields();
        f[self.focus % f.len()]
    }

    /// Text of a field.
    pub fn value(&self, field: Field) -> &str {
        match field {
            Field::Date => &self.date,
            Field::Employer => &self.employer,
            Field::Salary => &self.salary,
            Field::Regime => &self.regime,
            Field::Reason => &self.reason,
        }
    }

    fn value_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::Date => &mut self.date,
            Field::Employer => &mut self.employer,
            Field::Salary => &mut self.salary,
            Field::Regime => &mut self.regime,
            Field::Reason => &mut self.reason,
        }
    }

    /// Chooses the next (`forward`) or previous kind; the cursor goes to its first field.
    pub fn cycle_kind(&mut self, forward: bool) {
        let n = KINDS.len();
        self.kind = if forward {
            (self.kind + 1) % n
        } else {
            (self.kind + n - 1) % n
        };
        self.focus = 0;
    }

    /// Moves the cursor to the next field.
    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % self.fields().len();
    }

    /// Types a character into the focused field.
    pub fn type_char(&mut self, c: char) {
        let f = self.focused();
        let v = self.value_mut(f);
        if v.chars().count() < MAX_FIELD_CHARS && !c.is_control() {
            v.push(c);
        }
    }

    /// Deletes the last character of the focused field.
    pub fn backspace(&mut self) {
        let f = self.focused();
        self.value_mut(f).pop();
    }

    /// The request the form asks for (`None`: the regime typed is not one).
    pub fn request(&self) -> Option<Request> {
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let regime = || crate::workflows::types::Regime::parse(&self.regime);
        let date = self.date.trim().to_owned();
        Some(match self.kind() {
            MovementKind::Alta => Request::Alta {
                employer: self.employer.trim().to_owned(),
                salary: self.salary.trim().to_owned(),
                date,
                regime: regime()?,
            },
            MovementKind::Baja => Request::Baja {
                employer: optional(&self.employer),
                date,
                reason: self.reason.trim().to_owned(),
            },
            MovementKind::ModificacionSalario => Request::Salario {
                employer: optional(&self.employer),
                salary: self.salary.trim().to_owned(),
                date,
            },
            MovementKind::CambioRegimen => Request::Regimen {
                employer: optional(&self.employer),
                regime: regime()?,
                date,
            },
            MovementKind::Defuncion => Request::Defuncion { date },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_salary_change_typed_field_by_field() {
        let mut f = MovementForm::new("2026-12-01");
        f.cycle_kind(true);
        f.cycle_kind(true);
        assert_eq!(f.kind(), MovementKind::ModificacionSalario);
        for c in "400.5".chars() {
            f.type_char(c);
        }
        f.next_field();
        assert_eq!(f.focused(), Field::Date);
        f.backspace();
        f.type_char('2');
        assert_eq!(
            f.request(),
            Some(Request::Salario {
                employer: None,
                salary: "400.5".into(),
                date: "2026-12-02".into()
            })
        );
        f.cycle_kind(false);
        f.cycle_kind(false);
        f.cycle_kind(false);
        assert_eq!(f.kind(), MovementKind::Defuncion);
        f.cycle_kind(true);
        assert_eq!(f.kind(), MovementKind::Alta);
        assert_eq!(f.request(), None, "no regime typed");
    }
}
