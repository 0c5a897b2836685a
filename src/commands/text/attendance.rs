//! The words of `huella attendance` in Spanish and English, and the English wording of
//! [`AttendanceError`] (its `Display` is the Spanish). The lines scripts parse (`entrada
//! registrada: …`, the CSV header) are in [`super::contract`] style here too: fixed in every
//! language, marked below. Owns wording only.

use std::fmt;

use huella_sync::{JustificationKind, MarkKind};

use super::{Lang, lang};
use crate::workflows::attendance::AttendanceError;
use crate::workflows::attendance::report::StaffMonth;

/// Contract: a recorded clocking (`entrada registrada: USER HH:MM` / `salida registrada: …`).
pub fn clocked(kind: MarkKind, user: &str, time: &str) -> String {
    match kind {
        MarkKind::Entrada => format!("entrada registrada: {user} {time}"),
        MarkKind::Salida => format!("salida registrada: {user} {time}"),
    }
}

/// Contract: a finger nobody on the staff has (nothing was recorded).
pub const NOT_IDENTIFIED: &str = "no identificado";

/// Contract: a staff member enrolled.
pub fn enrolled(user: &str, fingers: usize) -> String {
    format!("personal inscrito: {user} ({fingers} dedos)")
}

/// Contract: a justification filed (its folio).
pub fn filed(folio: &str) -> String {
    format!("justificación registrada: {folio}")
}

/// Contract: a justification decided.
pub fn decided(folio: &str, approved: bool) -> String {
    if approved {
        format!("justificación aprobada: {folio}")
    } else {
        format!("justificación rechazada: {folio}")
    }
}

/// Contract: the CSV header of `attendance report --csv`.
pub const CSV_HEADER: [&str; 9] = [
    "usuario",
    "nombre",
    "dias",
    "retardos",
    "minutos_retardo",
    "retardos_justificados",
    "faltas",
    "faltas_justificadas",
    "pases",
];

/// One CSV row of the report.
pub fn csv_row(r: &StaffMonth) -> [String; 9] {
    [
        r.user.clone(),
        r.name.clone(),
        r.days.to_string(),
        r.late.to_string(),
        r.late_minutes.to_string(),
        r.late_justified.to_string(),
        r.absences.to_string(),
        r.absences_justified.to_string(),
        r.passes.to_string(),
    ]
}

/// Progress and result lines a person reads.
#[derive(Debug)]
#[non_exhaustive]
pub enum AttendanceSay<'a> {
    /// The purpose notice, read to the staff member before their fingers are taken.
    Notice,
    /// Place finger `n` of `of`.
    PlaceFinger {
        /// The finger's name.
        finger: huella_sync::FingerPosition,
        /// Which.
        n: usize,
        /// Of how many.
        of: usize,
    },
    /// A finger kept with its quality.
    FingerKept {
        /// Quality.
        quality: u8,
    },
    /// A finger could not be used; try again.
    FingerRetry {
        /// Why.
        reason: &'a str,
    },
    /// Place any enrolled finger to clock in or out.
    PlaceAnyFinger,
    /// The report's title line.
    ReportTitle {
        /// `AAAA-MM`.
        month: &'a str,
        /// Start `HH:MM`.
        start: &'a str,
        /// Tolerance in minutes.
        tolerance: u32,
    },
    /// One person of the report.
    ReportRow(&'a StaffMonth),
    /// The CSV was written.
    CsvWritten {
        /// Where.
        path: &'a std::path::Path,
    },
    /// One pending or decided justification of the queue.
    QueueRow {
        /// Folio.
        folio: &'a str,
        /// Staff member.
        user: &'a str,
        /// Kind.
        kind: JustificationKind,
        /// Day.
        date: &'a str,
        /// Exit pass times (`HH:MM-HH:MM`) or empty.
        times: String,
        /// Reason.
        reason: &'a str,
        /// A decision was written but its signature or signer does not verify (it does not
        /// count, so the justification is still pending).
        invalid: bool,
    },
    /// The configuration was saved.
    ConfigSaved {
        /// Start `HH:MM`.
        start: &'a str,
        /// Tolerance.
        tolerance: u32,
    },
}

impl fmt::Display for AttendanceSay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match lang() {
            Lang::Es => es(self, f),
            Lang::En => en(self, f),
        }
    }
}

/// The Spanish name of a justification kind.
pub fn kind_es(k: JustificationKind) -> &'static str {
    match k {
        JustificationKind::Falta => "falta",
        JustificationKind::Retardo => "retardo",
        JustificationKind::Pase => "pase de salida",
    }
}

/// The English name of a justification kind.
pub fn kind_en(k: JustificationKind) -> &'static str {
    match k {
        JustificationKind::Falta => "absence",
        JustificationKind::Retardo => "late arrival",
        JustificationKind::Pase => "exit pass",
    }
}

fn es(s: &AttendanceSay<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match s {
        AttendanceSay::Notice => write!(
            f,
            "Aviso de finalidad ({}): sus huellas se usan solo para registrar su asistencia; \
             nunca se buscan en los registros de derechohabientes ni al revés.",
            crate::workflows::attendance::STAFF_NOTICE_VERSION
        ),
        AttendanceSay::PlaceFinger { finger, n, of } => {
            write!(f, "coloque el {} ({n} de {of})", finger.nombre())
        }
        AttendanceSay::FingerKept { quality } => write!(f, "huella guardada: calidad {quality}"),
        AttendanceSay::FingerRetry { reason } => {
            write!(
                f,
                "huella inutilizable ({reason}): coloque el dedo de nuevo"
            )
        }
        AttendanceSay::PlaceAnyFinger => f.write_str("coloque su dedo en el lector"),
        AttendanceSay::ReportTitle {
            month,
            start,
            tolerance,
        } => write!(
            f,
            "asistencia de {month} (entrada {start}, tolerancia {tolerance} min)"
        ),
        AttendanceSay::ReportRow(r) => write!(
            f,
            "{}\tdías {}\tretardos {} ({} min, {} justificados)\tfaltas {} ({} justificadas)\tpases {}",
            r.user,
            r.days,
            r.late,
            r.late_minutes,
            r.late_justified,
            r.absences,
            r.absences_justified,
            r.passes
        ),
        AttendanceSay::CsvWritten { path } => write!(f, "reporte escrito en {}", path.display()),
        AttendanceSay::QueueRow {
            folio,
            user,
            kind,
            date,
            times,
            reason,
            invalid,
        } => write!(
            f,
            "{folio}\t{user}\t{}\t{date}{}\t{reason}{}",
            kind_es(*kind),
            if times.is_empty() {
                String::new()
            } else {
                format!(" {times}")
            },
            if *invalid {
                " [decisión con firma no válida: no cuenta]"
            } else {
                ""
            }
        ),
        AttendanceSay::ConfigSaved { start, tolerance } => write!(
            f,
            "configuración de asistencia guardada: entrada {start}, tolerancia {tolerance} min"
        ),
    }
}

fn en(s: &AttendanceSay<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match s {
        AttendanceSay::Notice => write!(
            f,
            "Purpose notice ({}): your fingerprints are used only to record your attendance; \
             they are never searched against the enrolled people's records, nor the reverse.",
            crate::workflows::attendance::STAFF_NOTICE_VERSION
        ),
        AttendanceSay::PlaceFinger { finger, n, of } => {
            write!(f, "place the {} ({n} of {of})", Lang::En.finger(*finger))
        }
        AttendanceSay::FingerKept { quality } => write!(f, "fingerprint kept: quality {quality}"),
        AttendanceSay::FingerRetry { reason } => {
            write!(f, "unusable fingerprint ({reason}): place the finger again")
        }
        AttendanceSay::PlaceAnyFinger => f.write_str("place your finger on the reader"),
        AttendanceSay::ReportTitle {
            month,
            start,
            tolerance,
        } => write!(
            f,
            "attendance for {month} (start {start}, tolerance {tolerance} min)"
        ),
        AttendanceSay::ReportRow(r) => write!(
            f,
            "{}\tdays {}\tlate {} ({} min, {} justified)\tabsences {} ({} justified)\texit passes {}",
            r.user,
            r.days,
            r.late,
            r.late_minutes,
            r.late_justified,
            r.absences,
            r.absences_justified,
            r.passes
        ),
        AttendanceSay::CsvWritten { path } => write!(f, "report written to {}", path.display()),
        AttendanceSay::QueueRow {
            folio,
            user,
            kind,
            date,
            times,
            reason,
            invalid,
        } => write!(
            f,
            "{folio}\t{user}\t{}\t{date}{}\t{reason}{}",
            kind_en(*kind),
            if times.is_empty() {
                String::new()
            } else {
                format!(" {times}")
            },
            if *invalid {
                " [decision with an invalid signature: does not count]"
            } else {
                ""
            }
        ),
        AttendanceSay::ConfigSaved { start, tolerance } => write!(
            f,
            "attendance settings saved: start {start}, tolerance {tolerance} min"
        ),
    }
}

/// [`AttendanceError`] in English (`None` for a wrapped error another layer words).
pub fn error_en(e: &AttendanceError) -> Option<String> {
    Some(match e {
        AttendanceError::Store(_) | AttendanceError::Record(_) => return None,
        AttendanceError::Role { needed } => format!("this operation needs the {needed} role"),
        AttendanceError::NoNotice => {
            "the purpose notice was not acknowledged: no fingerprints are taken without it".into()
        }
        AttendanceError::BadUser(u) => format!("invalid user name: {u}"),
        AttendanceError::AlreadyEnrolled(u) => format!("{u} is already enrolled for attendance"),
        AttendanceError::NotStaff(u) => format!("{u} is not enrolled for attendance"),
        AttendanceError::Unusable(r) => format!("no usable fingerprint: {r}"),
        AttendanceError::NoJustification(j) => format!("there is no justification {j}"),
        AttendanceError::AlreadyDecided(j) => format!("justification {j} was already decided"),
        AttendanceError::OwnJustification => {
            "nobody decides their own justification: another supervisor decides it".into()
        }
        AttendanceError::BadDate(d) => format!("invalid date or time: {d}"),
        AttendanceError::BadPassTimes => {
            "an exit pass takes --from and --to (HH:MM, the first earlier); absences and late arrivals take neither".into()
        }
        AttendanceError::NoReason => "the reason is missing".into(),
        AttendanceError::Config(io) => format!("could not save the attendance settings: {io}"),
    })
}
