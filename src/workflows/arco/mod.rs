//! ARCO rights (LFPDPPP): Access, Rectification, Cancellation and Opposition, as requests
//! with a folio, the requester's identification, a legal deadline of 20 business days and an
//! audit entry, kept in the person's record so they replicate to the office.
//!
//! Who may do what (enforced here, documented in docs/privacy.md):
//! - file a request, list requests, answer an access, record an opposition, rectify a
//!   non-identifier field: any officer;
//! - rectify the CURP or NSS, cancel (erase biometrics): a supervisor or administrator.
//!
//! Owns the request life cycle and the role rules. Must not word anything for a person nor
//! print; the faces (commands/arco.rs, the console's ARCO screen) do.

pub mod access;
pub mod cancel;
pub mod oppose;
pub mod rectify;
pub mod request;

use huella_keys::Role;
use huella_sync::record::privacy::{ArcoRequest, ArcoRight};
use huella_sync::store::OpenRecord;
use huella_sync::{AuditAction, PersonRecord, RecordError, RecordId, StoreError};
use serde::Serialize;

use crate::workflows::lookup::{self, LookupError, Query};
use crate::workflows::session::Session;
use request::Day;

/// Why an ARCO operation was refused or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArcoError {
    /// The acting user's role may not do this.
    #[error("su rol no permite esta operación ARCO: se requiere {needed}")]
    Role {
        /// The least role that may (`supervisor`).
        needed: &'static str,
    },
    /// No person has this CURP (current or former).
    #[error("no hay ninguna persona con la CURP {0}")]
    NotFound(String),
    /// More than one record has this CURP (a duplicate to resolve first).
    #[error("hay {0} registros con esa CURP; resuelva el duplicado antes")]
    Ambiguous(usize),
    /// The folio is not a request of this person.
    #[error("la solicitud {0} no existe para esta persona")]
    NoSuchFolio(String),
    /// The folio is a request for another right.
    #[error("la solicitud {folio} es de {right}, no de esta operación")]
    WrongRight {
        /// Folio.
        folio: String,
        /// The right it exercises (code).
        right: &'static str,
    },
    /// The folio was already answered.
    #[error("la solicitud {0} ya fue atendida")]
    Answered(String),
    /// Neither a folio nor the requester's identification was given.
    #[error("falta la identificación del solicitante (o el folio de una solicitud registrada)")]
    NeedIdentification,
    /// The person opposed the use asked for.
    #[error(transparent)]
    Opposed(#[from] oppose::Opposed),
    /// The CURP to look up is malformed.
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// The store failed.
    #[error(transparent)]
    Store(Box<StoreError>),
    /// The record could not be read.
    #[error(transparent)]
    Record(#[from] RecordError),
}

impl From<StoreError> for ArcoError {
    fn from(e: StoreError) -> Self {
        ArcoError::Store(Box::new(e))
    }
}

/// Which request an operation answers: one already filed, or a new one filed now.
#[derive(Debug, Clone)]
pub enum RequestRef {
    /// A request filed before (`huella arco file`).
    Folio(String),
    /// A request made at the counter now.
    New {
        /// Who asks (empty: the person themself).
        requester: String,
        /// The identification shown.
        identification: String,
    },
}

impl RequestRef {
    /// From the command line's `--folio` / `--requester` / `--identification`.
    pub fn from_options(
        folio: Option<&str>,
        requester: Option<&str>,
        identification: Option<&str>,
    ) -> Result<Self, ArcoError> {
        if let Some(f) = folio.filter(|f| !f.trim().is_empty()) {
            return Ok(RequestRef::Folio(f.trim().to_owned()));
        }
        let identification = identification
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .ok_or(ArcoError::NeedIdentification)?;
        Ok(RequestRef::New {
            requester: requester.unwrap_or_default().trim().to_owned(),
            identification: identification.to_owned(),
        })
    }
}

/// Who the requester is when none is named.
pub const THE_PERSON: &str = "titular";

/// Refuses unless the acting user is at least `needed`.
pub(crate) fn require(session: &Session, needed: Role) -> Result<(), ArcoError> {
    let role = session.credential.officer.role();
    let ok = match needed {
        Role::Officer => true,
        Role::Supervisor => role.can_supervise(),
        _ => role == Role::Admin,
    };
    if ok {
        Ok(())
    } else {
        Err(ArcoError::Role {
            needed: needed.as_str(),
        })
    }
}

/// The one record with this CURP (current or former).
pub(crate) fn person_by_curp(session: &Session, curp: &str) -> Result<RecordId, ArcoError> {
    let ids = lookup::find_ids(session, &Query::Curp(curp.to_owned()))?;
    match ids.as_slice() {
        [] => Err(ArcoError::NotFound(curp.trim().to_uppercase())),
        [one] => Ok(*one),
        many => Err(ArcoError::Ambiguous(many.len())),
    }
}

/// The request `r` refers to in `record` for `right` (a new one when `r` is `New`), still
/// open; the caller answers it with [`answer`].
pub(crate) fn take_request(
    session: &Session,
    record: &PersonRecord,
    right: ArcoRight,
    r: &RequestRef,
) -> Result<ArcoRequest, ArcoError> {
    match r {
        RequestRef::Folio(folio) => {
            let found = record
                .arco_requests()?
                .into_iter()
                .find(|q| q.folio.eq_ignore_ascii_case(folio))
                .ok_or_else(|| ArcoError::NoSuchFolio(folio.clone()))?;
            if found.right != right {
                return Err(ArcoError::WrongRight {
                    folio: found.folio,
                    right: found.right.as_str(),
                });
            }
            if !found.is_open() {
                return Err(ArcoError::Answered(found.folio));
            }
            Ok(found)
        }
        RequestRef::New {
            requester,
            identification,
        } => Ok(request::new_request(
            right,
            if requester.is_empty() {
                THE_PERSON
            } else {
                requester
            },
            identification,
            session.credential.officer.user(),
        )),
    }
}

/// Marks `req` answered now by the session's officer with `outcome` and writes it.
pub(crate) fn answer(
    session: &Session,
    record: &mut PersonRecord,
    mut req: ArcoRequest,
    outcome: &str,
) -> Result<ArcoRequest, ArcoError> {
    req.answered_at = huella_sync::time::now_utc();
    req.answered_by = session.credential.officer.user().to_owned();
    req.outcome = outcome.to_owned();
    record.put_arco_request(&req)?;
    Ok(req)
}

/// Saves `open` with its index tags and one audit entry, atomically.
pub(crate) fn save(
    session: &Session,
    open: &mut OpenRecord,
    action: AuditAction,
    detail: &str,
) -> Result<(), ArcoError> {
    let tags = crate::workflows::indexing::record_tags(
        session.credential.station.index_key(),
        &open.record,
    );
    let keys = session.keys();
    let mut batch = session.store.batch();
    batch.save_record(&keys, open, tags)?;
    batch.audit(action, &[open.id()], detail);
    session.commit(batch)?;
    Ok(())
}

/// Files a request at the counter (any officer): returns it with its folio and deadline.
pub fn file(
    session: &Session,
    curp: &str,
    right: ArcoRight,
    requester: &str,
    identification: &str,
) -> Result<ArcoRequest, ArcoError> {
    require(session, Role::Officer)?;
    let r = RequestRef::from_options(None, Some(requester), Some(identification))?;
    let id = person_by_curp(session, curp)?;
    let mut open = session.store.open_record(&session.keys(), id)?;
    let req = take_request(session, &open.record, right, &r)?;
    open.record.put_arco_request(&req)?;
    save(
        session,
        &mut open,
        AuditAction::RegistroModificado,
        &format!(
            "solicitud ARCO {} de {}, vence {}",
            req.folio,
            right.as_str(),
            req.deadline
        ),
    )?;
    Ok(req)
}

/// One open request as `arco list` shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OpenRequest {
    /// Folio.
    pub folio: String,
    /// Right (code).
    pub derecho: String,
    /// The person's current CURP.
    pub curp: String,
    /// Received `YYYY-MM-DD`.
    pub recibida: String,
    /// Deadline `YYYY-MM-DD`.
    pub vence: String,
    /// Business days left (negative: late by that many).
    pub dias_habiles_restantes: i64,
    /// Who asked.
    pub solicitante: String,
    /// Officer who filed it.
    pub registrada_por: String,
}

/// Open requests of the people this station holds, most urgent first (audited as one
/// consultation). Only records tagged with an open request are opened.
pub fn list(session: &Session) -> Result<Vec<OpenRequest>, ArcoError> {
    require(session, Role::Officer)?;
    let key = session.credential.station.index_key();
    let ids = session
        .store
        .find(&crate::workflows::indexing::open_arco_tag(key))?;
    let keys = session.keys();
    let today = Day::today();
    let mut out = Vec::new();
    for id in &ids {
        let open = session.store.open_record(&keys, *id)?;
        let curp = open.record.identity()?.curp;
        for q in open.record.arco_requests()? {
            if !q.is_open() {
                continue;
            }
            let left = Day::parse(&q.deadline).map_or(0, |d| today.business_days_until(d));
            out.push(OpenRequest {
                folio: q.folio,
                derecho: q.right.as_str().to_owned(),
                curp: curp.clone(),
                recibida: q.received,
                vence: q.deadline,
                dias_habiles_restantes: left,
                solicitante: q.requester,
                registrada_por: q.filed_by,
            });
        }
    }
    out.sort_by(|a, b| (&a.vence, &a.folio).cmp(&(&b.vence, &b.folio)));
    let mut batch = session.store.batch();
    batch.audit(
        AuditAction::Consulta,
        &ids,
        &format!("solicitudes ARCO abiertas: {}", out.len()),
    );
    session.commit(batch)?;
    Ok(out)
}
