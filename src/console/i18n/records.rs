//! Record values in the console's language: movement kinds, decisions, and the fixed part of
//! the status reasons workflows store (Spanish codes in the record; free text a person typed
//! after the fixed part is shown as typed).

use crate::workflows::types::{Decision, MovementKind};

use super::Lang;

/// Fixed status reasons the workflows write, Spanish → English.
const REASONS: [(&str, &str); 7] = [
    ("captura completa", "capture complete"),
    ("posibles duplicados", "possible duplicates"),
    ("recaptura solicitada", "recapture requested"),
    ("rechazado", "rejected"),
    ("aprobado", "approved"),
    (
        "reabierto para una nueva captura",
        "reopened for a new capture",
    ),
    ("aprobación reemplazada", "approval superseded"),
];

impl Lang {
    /// A movement kind.
    pub fn movement(self, k: MovementKind) -> &'static str {
        match (self, k) {
            (Lang::Es, MovementKind::Alta) => "alta",
            (Lang::Es, MovementKind::Baja) => "baja",
            (Lang::Es, MovementKind::ModificacionSalario) => "modificación de salario",
            (Lang::Es, MovementKind::CambioRegimen) => "cambio de régimen",
            (Lang::En, MovementKind::Alta) => "registration",
            (Lang::En, MovementKind::Baja) => "termination",
            (Lang::En, MovementKind::ModificacionSalario) => "salary change",
            (Lang::En, MovementKind::CambioRegimen) => "regime change",
            (Lang::Es, MovementKind::Defuncion) => "defunción",
            (Lang::En, MovementKind::Defuncion) => "death",
        }
    }

    /// A supervisor's decision.
    pub fn decision(self, d: Decision) -> &'static str {
        let s = self.strings();
        match d {
            Decision::Aprobar => s.approve,
            Decision::Rechazar => s.reject,
            Decision::Recapturar => s.recapture,
        }
    }

    /// A stored status reason: its fixed words translated, typed text kept.
    pub fn status_reason(self, reason: &str) -> String {
        if self == Lang::Es {
            return reason.to_owned();
        }
        let mut out = reason.to_owned();
        for (es, en) in REASONS {
            if out.starts_with(es) || out.contains(&format!("; {es}")) {
                out = out.replacen(es, en, 1);
            }
        }
        out.replace("(dedos ", "(fingers ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_words_are_translated_and_typed_text_is_kept() {
        assert_eq!(
            Lang::En.status_reason("recaptura solicitada (dedos 2): dedo movido"),
            "recapture requested (fingers 2): dedo movido"
        );
        assert_eq!(
            Lang::En.status_reason("captura completa; posibles duplicados: ab12"),
            "capture complete; possible duplicates: ab12"
        );
        assert_eq!(Lang::Es.status_reason("rechazado: x"), "rechazado: x");
    }
}
