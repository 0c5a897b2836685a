//! The words of the console's national duplicate cases screen (the central node), Spanish
//! and English, and the English wording of its errors. Owns wording only.

use super::Lang;
use crate::workflows::central::CentralError;

/// Text of the central cases screen.
#[derive(Debug)]
pub struct CentralStrings {
    /// Panel title of the open cases.
    pub title: &'static str,
    /// No open case.
    pub empty: &'static str,
    /// Column: office.
    pub office: &'static str,
    /// Column: name.
    pub name: &'static str,
    /// Column: matches.
    pub matches: &'static str,
    /// Column: opened.
    pub opened: &'static str,
    /// Panel title of the selected case's matches.
    pub detail: &'static str,
    /// Fingers that matched (after a count).
    pub fingers: &'static str,
    /// Score label.
    pub score: &'static str,
    /// How to decide.
    pub hint: &'static str,
    /// Prompt title: distinct people.
    pub distinct: &'static str,
    /// Prompt title: the same person.
    pub duplicate: &'static str,
    /// Label: reason.
    pub reason: &'static str,
    /// Label: passphrase again.
    pub passphrase: &'static str,
    /// How to use the prompt.
    pub prompt_hint: &'static str,
    /// A reason is needed.
    pub need_reason: &'static str,
    /// Decided: registered.
    pub registered: &'static str,
    /// Decided: rejected as a national duplicate.
    pub rejected: &'static str,
    /// Only supervisors decide.
    pub only_supervisors: &'static str,
}

const ES: CentralStrings = CentralStrings {
    title: "Casos de duplicado nacional",
    empty: "No hay casos abiertos. Los abre «huella central run» en el nodo central.",
    office: "Oficina",
    name: "Nombre",
    matches: "Coinc.",
    opened: "Abierto",
    detail: "Coincide con",
    fingers: "dedos",
    score: "puntaje",
    hint: "a: personas distintas (registrar) · r: misma persona (duplicado) · ↑↓ elegir",
    distinct: "Personas distintas: registrar a",
    duplicate: "Misma persona: rechazar como duplicado a",
    reason: "Motivo",
    passphrase: "Contraseña (otra vez)",
    prompt_hint: "Tab: cambiar de campo · Enter: firmar la decisión · Esc: cancelar",
    need_reason: "Escriba el motivo de la decisión",
    registered: "Caso decidido: biométrico registrado",
    rejected: "Caso decidido: rechazado como duplicado nacional",
    only_supervisors: "Solo un supervisor o administrador decide casos",
};

const EN: CentralStrings = CentralStrings {
    title: "National duplicate cases",
    empty: "No open cases. «huella central run» opens them at the central node.",
    office: "Office",
    name: "Name",
    matches: "Hits",
    opened: "Opened",
    detail: "Matches",
    fingers: "fingers",
    score: "score",
    hint: "a: different people (register) · r: same person (duplicate) · ↑↓ select",
    distinct: "Different people: register",
    duplicate: "Same person: reject as a duplicate",
    reason: "Reason",
    passphrase: "Passphrase (again)",
    prompt_hint: "Tab: switch field · Enter: sign the decision · Esc: cancel",
    need_reason: "Type the reason for the decision",
    registered: "Case decided: biometrics registered",
    rejected: "Case decided: rejected as a national duplicate",
    only_supervisors: "Only a supervisor or administrator decides cases",
};

impl Lang {
    /// The central cases screen's words.
    pub fn central(self) -> &'static CentralStrings {
        match self {
            Lang::Es => &ES,
            Lang::En => &EN,
        }
    }
}

/// English wording of a central workflow error on the console (Spanish is its `Display`).
pub fn error_en(e: &CentralError) -> String {
    match e {
        CentralError::NotSupervisor => {
            "Only a central supervisor or administrator decides duplicate cases.".to_owned()
        }
        CentralError::Reauth => {
            "Re-authentication failed: the passphrase does not match the user.".to_owned()
        }
        CentralError::NoSuchCase(_) => {
            "That case is no longer open (another supervisor decided it).".to_owned()
        }
        CentralError::NoReason => "Type the reason for the decision.".to_owned(),
        _ => super::errors::EN_TECHNICAL.to_owned(),
    }
}
