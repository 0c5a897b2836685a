//! Worker movements at the counter: alta, baja, salary change, regime change and defunción.
//!
//! [`record`] resolves the CURP, replays the person's history ([`rules::replay`]; the
//! employer's pre-registration counts as the first alta), checks the request
//! ([`rules::check`]), allocates a folio ([`crate::workflows::folio`]) and commits the movement
//! with its audit entry in one batch. A refused movement writes nothing: no folio, no audit
//! entry, no record change. [`history`] is the history every face shows (who, when,
//! before/after).
//!
//! Who may: any officer records alta, baja, salary and regime changes (the employer declares
//! them; the officer transcribes, and every movement is attributed and audited). A defunción
//! ends every alta and the person's proof of life, so it needs a supervisor or an
//! administrator. Each movement is signed by the recording officer; a movement whose
//! signature or role does not verify (`huella_sync::roster::may_record`) does not count at
//! any station: [`history`] reads only the movements the store verified.
//!
//! Owns the movement workflow; the rules are pure ([`rules`]), the wage table is data
//! ([`minimum_wage`]). Must not word anything for a person beyond the typed refusals' Spanish
//! `Display` (the faces translate).

pub mod minimum_wage;
pub mod rules;

use huella_sync::{
    AuditAction, Movement, MovementKind, PersonRecord, RecordError, RecordId, Seal, StoreError,
};

pub use rules::{HistoryEntry, Origin, Refusal, Request, Standing};

use crate::identifiers::{Curp, IdentifierError, RegistroPatronal, parse_date_iso};
use crate::workflows::folio::{self, FolioError};
use crate::workflows::lookup::{self, Query};
use crate::workflows::session::Session;

/// Why a movement was not recorded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MovementError {
    /// The rules refuse it.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A CURP, registro patronal or date is malformed.
    #[error(transparent)]
    Identifier(#[from] IdentifierError),
    /// No person with that CURP at this station.
    #[error("no hay una persona registrada con la CURP {0}")]
    UnknownCurp(String),
    /// A defunción needs a supervisor or an administrator.
    #[error("solo un supervisor o un administrador registra una defunción")]
    NeedsSupervisor,
    /// The store failed.
    #[error(transparent)]
    Store(Box<StoreError>),
    /// The record document is damaged.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// No folio could be allocated.
    #[error(transparent)]
    Folio(#[from] FolioError),
    /// The movement's acuse could not be issued (nothing was recorded).
    #[error("no se pudo emitir el acuse: {0}")]
    Document(Box<crate::workflows::documents::DocumentError>),
}

impl From<crate::workflows::documents::DocumentError> for MovementError {
    fn from(e: crate::workflows::documents::DocumentError) -> Self {
        MovementError::Document(Box::new(e))
    }
}

impl From<StoreError> for MovementError {
    fn from(e: StoreError) -> Self {
        MovementError::Store(Box::new(e))
    }
}

/// A recorded movement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementOutcome {
    /// The person's record.
    pub record: RecordId,
    /// The folio (unique in the office).
    pub folio: String,
    /// The movement as it now reads in the history.
    pub entry: HistoryEntry,
}

/// A person's movements, oldest first by effective date, with what each changed; the
/// employer's pre-registration is the first alta. Also returns the standing they add up to.
pub fn history(record: &PersonRecord) -> Result<(Vec<HistoryEntry>, Standing), RecordError> {
    let mut out = Vec::new();
    if let Some(pre) = record.pre_registration()? {
        let first = record.status_history()?.into_iter().next();
        out.push(HistoryEntry {
            folio: None,
            kind: MovementKind::Alta,
            date: pre.fecha_alta,
            employer: pre.registro_patronal,
            salary: Some(pre.salario_diario),
            regime: Some(pre.regimen),
            reason: Some(format!("lote {}", pre.lote)),
            officer: first.as_ref().map(|s| s.by.clone()).unwrap_or_default(),
            recorded_at: first.map(|s| s.at).unwrap_or_default(),
            before: None,
            after: None,
            origin: Origin::Importacion,
        });
    }
    for m in record.movements()? {
        out.push(entry_of(m));
    }
    let standing = rules::replay(&mut out);
    Ok((out, standing))
}

fn entry_of(m: Movement) -> HistoryEntry {
    HistoryEntry {
        folio: Some(m.id),
        kind: m.kind,
        date: m.fecha,
        employer: m.registro_patronal,
        salary: m.salario_diario,
        regime: m.regimen,
        reason: m.motivo,
        officer: m.oficial,
        recorded_at: m.registrado_en,
        before: None,
        after: None,
        origin: Origin::Ventanilla,
    }
}

/// The date of death recorded for the person, if any.
pub fn deceased_on(record: &PersonRecord) -> Result<Option<String>, RecordError> {
    Ok(history(record)?.1.deceased)
}

/// A salary as written back: two decimals when it is an amount (`400` → `400.00`); left as
/// typed otherwise, for the rules to refuse.
fn normal_salary(s: &str) -> String {
    minimum_wage::cents(s).map_or_else(|| s.trim().to_owned(), minimum_wage::pesos)
}

/// Checks the form of a request: a real date, a valid registro patronal.
fn check_form(req: &Request) -> Result<Request, MovementError> {
    parse_date_iso(req.date())?;
    let employer = |e: &Option<String>| -> Result<Option<String>, IdentifierError> {
        e.as_deref()
            .map(|e| RegistroPatronal::parse(e).map(|r| r.as_str().to_owned()))
            .transpose()
    };
    Ok(match req {
        Request::Alta {
            employer: e,
            salary,
            date,
            regime,
        } => Request::Alta {
            employer: RegistroPatronal::parse(e)?.as_str().to_owned(),
            salary: normal_salary(salary),
            date: date.clone(),
            regime: *regime,
        },
        Request::Baja {
            employer: e,
            date,
            reason,
        } => Request::Baja {
            employer: employer(e)?,
            date: date.clone(),
            reason: reason.trim().to_owned(),
        },
        Request::Salario {
            employer: e,
            salary,
            date,
        } => Request::Salario {
            employer: employer(e)?,
            salary: normal_salary(salary),
            date: date.clone(),
        },
        Request::Regimen {
            employer: e,
            regime,
            date,
        } => Request::Regimen {
            employer: employer(e)?,
            regime: *regime,
            date: date.clone(),
        },
        Request::Defuncion { date } => Request::Defuncion { date: date.clone() },
    })
}

/// The record id of the person with `curp` at this station.
pub fn person_by_curp(session: &Session, curp: &str) -> Result<RecordId, MovementError> {
    let curp = Curp::parse(curp)?;
    match lookup::find_ids(session, &Query::Curp(curp.as_str().to_owned())) {
        Ok(ids) => ids
            .first()
            .copied()
            .ok_or_else(|| MovementError::UnknownCurp(curp.as_str().to_owned())),
        Err(lookup::LookupError::Identifier(e)) => Err(e.into()),
        Err(lookup::LookupError::Store(e)) => Err(e.into()),
        Err(_) => Err(MovementError::UnknownCurp(curp.as_str().to_owned())),
    }
}

/// Records movement `req` for the person `id`, as the session's officer.
pub fn record(
    session: &Session,
    id: RecordId,
    req: &Request,
) -> Result<MovementOutcome, MovementError> {
    let req = check_form(req)?;
    if req.kind() == MovementKind::Defuncion && !session.credential.officer.role().can_supervise() {
        return Err(MovementError::NeedsSupervisor);
    }
    let keys = session.keys();
    let mut open = session.store.open_record(&keys, id)?;
    let (_, standing) = history(&open.record)?;
    let employer = rules::check(&standing, &req)?;
    let folio = folio::next_folio(session)?;
    let now = huella_sync::time::now_utc();
    let officer = session.credential.officer.user().to_owned();
    let (salary, regime, reason) = match &req {
        Request::Alta { salary, regime, .. } => (Some(salary.clone()), Some(*regime), None),
        Request::Baja { reason, .. } => (None, None, Some(reason.clone())),
        Request::Salario { salary, .. } => (Some(salary.clone()), None, None),
        Request::Regimen { regime, .. } => (None, Some(*regime), None),
        Request::Defuncion { .. } => (None, None, None),
    };
    let movement = Movement {
        id: folio.clone(),
        kind: req.kind(),
        fecha: req.date().to_owned(),
        registro_patronal: employer,
        salario_diario: salary,
        regimen: regime,
        motivo: reason,
        oficial: officer,
        registrado_en: now.clone(),
    };
    // Signed by the recording officer: every station checks the signature and the role
    // (`huella_sync::roster::may_record`) before the movement counts.
    let seal = Seal {
        signature: session
            .credential
            .officer
            .sign(&movement.signed_message(&id))
            .to_hex(),
        signer: crate::workflows::review::signer_of(session)?,
    };
    open.record.add_signed_movement(&movement, &seal)?;
    // Its acuse (same folio) goes into the same commit: no movement without its receipt.
    crate::workflows::documents::acuse::for_movement(session, &mut open.record, &movement, &folio)?;
    // The whole record's tags: former CURPs and open ARCO requests stay indexed.
    let tags = crate::workflows::indexing::record_tags(
        session.credential.station.index_key(),
        &open.record,
    );
    let mut batch = session.store.batch();
    batch.save_record(&keys, &mut open, tags)?;
    batch.audit(
        AuditAction::RegistroModificado,
        &[id],
        &format!("movimiento {}, folio {folio}", movement.kind.as_str()),
    );
    session
        .store
        .commit(batch, &session.credential.officer, &now)?;
    let (entries, _) = history(&open.record)?;
    let entry = entries
        .into_iter()
        .find(|e| e.folio.as_deref() == Some(folio.as_str()))
        .unwrap_or_else(|| entry_of(movement));
    Ok(MovementOutcome {
        record: id,
        folio,
        entry,
    })
}
