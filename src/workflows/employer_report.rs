//! The employer report: one employer's workers (an active alta with that registro patronal)
//! with their biometric status and the days left before restriction — what an employer
//! checks before the deadline.
//!
//! Every person passes through [`appears_in_employer_report`] first: the hook where a
//! person's opposition to this use (ARCO opposition) removes them from the report.
//!
//! Owns the selection and the rows; the faces write the table, CSV or PDF. Reading is audited
//! as one export (the report leaves the station).

use huella_sync::{AuditAction, PersonRecord, RecordError, StoreError};
use serde::Serialize;

use crate::identifiers::{IdentifierError, RegistroPatronal};
use crate::workflows::movements;
use crate::workflows::restriction;
use crate::workflows::session::Session;

/// Why the report could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The registro patronal is malformed.
    #[error(transparent)]
    Employer(#[from] IdentifierError),
    /// The store failed.
    #[error(transparent)]
    Store(Box<StoreError>),
    /// A record document is damaged.
    #[error(transparent)]
    Record(#[from] RecordError),
}

impl From<StoreError> for ReportError {
    fn from(e: StoreError) -> Self {
        ReportError::Store(Box::new(e))
    }
}

/// One worker of the report (serialised, a CSV row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmployerRow {
    /// CURP.
    pub curp: String,
    /// NSS.
    pub nss: String,
    /// Full name.
    pub nombre: String,
    /// Start of the active alta.
    pub fecha_alta: String,
    /// Effective biometric status today.
    pub estado_biometrico: String,
    /// Days left before restriction (`None`: not notified or already approved).
    pub dias_restantes: Option<i64>,
}

/// The report of one employer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployerReport {
    /// The registro patronal.
    pub employer: String,
    /// When it was made (UTC).
    pub made_at: String,
    /// Its workers, most urgent first (fewest days left, then name).
    pub rows: Vec<EmployerRow>,
}

/// Whether `record` may appear in an employer report: not when the person opposed it (ARCO
/// opposition `employer_report`, recorded in their record). The one place this report is
/// filtered.
pub fn appears_in_employer_report(record: &PersonRecord) -> bool {
    crate::workflows::arco::oppose::allows(
        record,
        crate::workflows::arco::oppose::SecondaryUse::EmployerReport,
    )
}

/// Builds the report of `employer` (audited as an export).
pub fn employer_report(session: &Session, employer: &str) -> Result<EmployerReport, ReportError> {
    let employer = RegistroPatronal::parse(employer)?.as_str().to_owned();
    let keys = session.keys();
    let today = restriction::today();
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    for e in session.store.status_entries()? {
        let Ok(open) = session.store.open_record(&keys, e.id) else {
            continue;
        };
        let r = &open.record;
        let (_, standing) = movements::history(r)?;
        let Some(alta) = standing.active.get(&employer) else {
            continue;
        };
        if !appears_in_employer_report(r) {
            continue;
        }
        let i = r.identity()?;
        let status = restriction::effective_status(e.status, e.notice.as_deref(), &today);
        let days = e
            .notice
            .as_deref()
            .filter(|_| restriction::restrictable(e.status))
            .and_then(|n| restriction::days_left(n, &today));
        rows.push(EmployerRow {
            curp: i.curp.clone(),
            nss: i.nss.clone(),
            nombre: i.nombre_completo(),
            fecha_alta: alta.since.clone(),
            estado_biometrico: status.as_str().to_owned(),
            dias_restantes: days,
        });
        ids.push(e.id);
    }
    rows.sort_by(|a, b| {
        a.dias_restantes
            .unwrap_or(i64::MAX)
            .cmp(&b.dias_restantes.unwrap_or(i64::MAX))
            .then(a.nombre.cmp(&b.nombre))
    });
    let made_at = huella_sync::time::now_utc();
    let mut batch = session.store.batch();
    batch.audit(
        AuditAction::Exportacion,
        &ids,
        &format!("reporte patronal {employer}, {} personas", ids.len()),
    );
    session
        .store
        .commit(batch, &session.credential.officer, &made_at)?;
    Ok(EmployerReport {
        employer,
        made_at,
        rows,
    })
}
