//! The attendance kiosk's words, Spanish and English (see `console::kiosk`).

use huella_sync::MarkKind;

use super::Lang;

/// Fixed texts of the kiosk screen.
#[derive(Debug)]
pub struct KioskStrings {
    /// Screen title (followed by the station name).
    pub title: &'static str,
    /// Asks for the operator's user name.
    pub user: &'static str,
    /// Asks for the operator's passphrase.
    pub passphrase: &'static str,
    /// Waiting for a finger.
    pub place_finger: &'static str,
    /// Waiting for the finger to be lifted.
    pub lift_finger: &'static str,
    /// Nobody on the staff has the finger; nothing was recorded.
    pub not_identified: &'static str,
    /// The only keys the kiosk takes.
    pub hint: &'static str,
    /// The scanner is not answering (followed by why).
    pub no_scanner: &'static str,
    /// The session could not be opened (followed by why).
    pub login_failed: &'static str,
    /// Only clocking happens here.
    pub purpose: &'static str,
}

const ES: KioskStrings = KioskStrings {
    title: "Asistencia del personal",
    user: "Usuario del operador: ",
    passphrase: "Contraseña: ",
    place_finger: "Coloque su dedo en el lector",
    lift_finger: "Retire el dedo",
    not_identified: "no identificado: no se registró nada; intente de nuevo",
    hint: "Ctrl+q: salir",
    no_scanner: "el lector no responde",
    login_failed: "no se pudo abrir la sesión",
    purpose: "Solo registra entradas y salidas del personal; sus huellas no se usan para nada más.",
};

const EN: KioskStrings = KioskStrings {
    title: "Staff attendance",
    user: "Operator user: ",
    passphrase: "Passphrase: ",
    place_finger: "Place your finger on the reader",
    lift_finger: "Lift your finger",
    not_identified: "not identified: nothing was recorded; try again",
    hint: "Ctrl+q: quit",
    no_scanner: "the reader is not answering",
    login_failed: "the session could not be opened",
    purpose: "Only records staff clock-ins and clock-outs; your fingerprints are used for nothing else.",
};

impl Lang {
    /// The kiosk's fixed texts.
    pub fn kiosk(self) -> &'static KioskStrings {
        match self {
            Lang::Es => &ES,
            Lang::En => &EN,
        }
    }

    /// A recorded mark as the kiosk shows it.
    pub fn kiosk_mark(self, kind: MarkKind, user: &str, time: &str) -> String {
        match (self, kind) {
            (Lang::Es, MarkKind::Entrada) => format!("entrada registrada: {user} {time}"),
            (Lang::Es, MarkKind::Salida) => format!("salida registrada: {user} {time}"),
            (Lang::En, MarkKind::Entrada) => format!("clock-in recorded: {user} {time}"),
            (Lang::En, MarkKind::Salida) => format!("clock-out recorded: {user} {time}"),
        }
    }
}

/// Fixed texts of the justification queue.
#[derive(Debug)]
pub struct QueueStrings {
    /// Screen title.
    pub title: &'static str,
    /// The keys.
    pub hint: &'static str,
    /// Nothing waiting.
    pub empty: &'static str,
    /// Asks for the rejection note.
    pub note: &'static str,
    /// Only supervisors decide.
    pub supervisors_only: &'static str,
}

const QUEUE_ES: QueueStrings = QueueStrings {
    title: "Justificaciones por decidir",
    hint: "↑/↓ elegir · a aprobar · r rechazar · Ctrl+q salir",
    empty: "no hay justificaciones pendientes",
    note: "Motivo del rechazo: ",
    supervisors_only: "solo un supervisor decide justificaciones (Ctrl+q para salir)",
};

const QUEUE_EN: QueueStrings = QueueStrings {
    title: "Justifications to decide",
    hint: "↑/↓ choose · a approve · r reject · Ctrl+q quit",
    empty: "no justifications waiting",
    note: "Reason for rejecting: ",
    supervisors_only: "only a supervisor decides justifications (Ctrl+q to quit)",
};

impl Lang {
    /// The justification queue's fixed texts.
    pub fn justification_queue(self) -> &'static QueueStrings {
        match self {
            Lang::Es => &QUEUE_ES,
            Lang::En => &QUEUE_EN,
        }
    }

    /// A justification kind's name.
    pub fn justification_kind(self, k: huella_sync::JustificationKind) -> &'static str {
        use huella_sync::JustificationKind as K;
        match (self, k) {
            (Lang::Es, K::Falta) => "falta",
            (Lang::Es, K::Retardo) => "retardo",
            (Lang::Es, K::Pase) => "pase de salida",
            (Lang::En, K::Falta) => "absence",
            (Lang::En, K::Retardo) => "late arrival",
            (Lang::En, K::Pase) => "exit pass",
        }
    }

    /// What a decision did.
    pub fn justification_decided(self, folio: &str, user: &str, approved: bool) -> String {
        match (self, approved) {
            (Lang::Es, true) => format!("justificación aprobada: {folio} ({user})"),
            (Lang::Es, false) => format!("justificación rechazada: {folio} ({user})"),
            (Lang::En, true) => format!("justification approved: {folio} ({user})"),
            (Lang::En, false) => format!("justification rejected: {folio} ({user})"),
        }
    }
}
