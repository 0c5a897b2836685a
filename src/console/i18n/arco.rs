//! The words of the console's ARCO requests screen, Spanish and English. Owns wording only.

use super::Lang;

/// Text of the ARCO screen.
#[derive(Debug)]
pub struct ArcoStrings {
    /// Panel title of the open requests.
    pub title: &'static str,
    /// No open request.
    pub empty: &'static str,
    /// Column: folio.
    pub folio: &'static str,
    /// Column: right.
    pub right: &'static str,
    /// Column: deadline.
    pub deadline: &'static str,
    /// Column: business days left.
    pub days_left: &'static str,
    /// Panel title of the filing form (followed by the CURP).
    pub form_title: &'static str,
    /// Label: who asks.
    pub requester: &'static str,
    /// Hint under an empty requester.
    pub requester_hint: &'static str,
    /// Label: identification shown.
    pub identification: &'static str,
    /// How to use the form.
    pub form_hint: &'static str,
    /// How to file one from a person.
    pub list_hint: &'static str,
    /// A request was filed (followed by folio and deadline).
    pub filed: &'static str,
    /// Before the deadline date.
    pub due: &'static str,
    /// Names of the four rights, in the law's order.
    pub rights: [&'static str; 4],
    /// Person's file: the day retention erases the biometrics.
    pub erased_on: &'static str,
}

const ES: ArcoStrings = ArcoStrings {
    title: "Solicitudes ARCO abiertas",
    empty: "No hay solicitudes ARCO abiertas.",
    folio: "Folio",
    right: "Derecho",
    deadline: "Vence",
    days_left: "Días hábiles",
    form_title: "Nueva solicitud ARCO de",
    requester: "Solicitante",
    requester_hint: "(vacío: el titular)",
    identification: "Identificación",
    form_hint: "←/→ derecho · Tab cambia de campo · Enter registra",
    list_hint: "Para registrar una solicitud abra el expediente de la persona y pulse la tecla ARCO.",
    filed: "Solicitud registrada:",
    due: "vence",
    rights: ["Acceso", "Rectificación", "Cancelación", "Oposición"],
    erased_on: "La biometría se borra el",
};

const EN: ArcoStrings = ArcoStrings {
    title: "Open ARCO requests",
    empty: "No open ARCO requests.",
    folio: "Folio",
    right: "Right",
    deadline: "Due",
    days_left: "Business days",
    form_title: "New ARCO request of",
    requester: "Requester",
    requester_hint: "(empty: the person)",
    identification: "Identification",
    form_hint: "←/→ right · Tab changes field · Enter files it",
    list_hint: "To file a request open the person's file and press the ARCO key.",
    filed: "Request filed:",
    due: "due",
    rights: ["Access", "Rectification", "Cancellation", "Opposition"],
    erased_on: "Biometrics erased on",
};

impl Lang {
    /// The ARCO screen's text in this language.
    pub fn arco(self) -> &'static ArcoStrings {
        match self {
            Lang::Es => &ES,
            Lang::En => &EN,
        }
    }
}

/// English wording of an ARCO error on the console (Spanish is its `Display`).
pub(super) fn error_en(e: &crate::workflows::arco::ArcoError) -> String {
    use crate::workflows::arco::ArcoError;
    match e {
        ArcoError::Role { needed } => {
            format!("Your role does not allow this ARCO operation: it needs a {needed}.")
        }
        ArcoError::NotFound(curp) => format!("Nobody has the CURP {curp}."),
        ArcoError::Ambiguous(n) => {
            format!("{n} records have that CURP; resolve the duplicate first.")
        }
        ArcoError::NeedIdentification => "The requester's identification is missing.".to_owned(),
        _ => "The ARCO request could not be saved; see the log.".to_owned(),
    }
}
