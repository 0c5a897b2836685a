//! Looking people up by CURP, NSS or name, and the JSON form of a found person.

use anyhow::Result;
use huella_sync::{AuditAction, PersonRecord, RecordId};
use serde::Serialize;

use crate::identifiers::{Curp, Nss};
use crate::workflows::indexing;
use crate::workflows::session::Session;

/// What to look for.
#[derive(Debug, Clone)]
pub enum Query {
    /// By CURP.
    Curp(String),
    /// By NSS.
    Nss(String),
    /// By name tokens.
    Name(String),
}

impl Query {
    /// The field name for audit entries (never the value).
    fn field(&self) -> &'static str {
        match self {
            Query::Curp(_) => "curp",
            Query::Nss(_) => "nss",
            Query::Name(_) => "nombre",
        }
    }
}

/// A found person, as `find --json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PersonSummary {
    /// Record id.
    pub id: String,
    /// CURP.
    pub curp: String,
    /// NSS.
    pub nss: String,
    /// RFC.
    pub rfc: String,
    /// Given names.
    pub nombre: String,
    /// First surname.
    pub primer_apellido: String,
    /// Second surname.
    pub segundo_apellido: String,
    /// Birth date.
    pub fecha_nacimiento: String,
    /// Sex.
    pub sexo: String,
    /// State of birth.
    pub entidad: String,
    /// Biometric status.
    pub estado_biometrico: String,
    /// Employer registration of the pre-registration, if any.
    pub registro_patronal: Option<String>,
}

impl PersonSummary {
    /// Summarises a record.
    pub fn of(record: &PersonRecord) -> Result<Self, huella_sync::RecordError> {
        let i = record.identity()?;
        Ok(PersonSummary {
            id: record.id().to_hex(),
            curp: i.curp,
            nss: i.nss,
            rfc: i.rfc,
            nombre: i.nombre,
            primer_apellido: i.primer_apellido,
            segundo_apellido: i.segundo_apellido,
            fecha_nacimiento: i.fecha_nacimiento,
            sexo: i.sexo,
            entidad: i.entidad,
            estado_biometrico: record.status()?.as_str().to_owned(),
            registro_patronal: record.pre_registration()?.map(|p| p.registro_patronal),
        })
    }
}

/// Why a query could not be run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// A name query with no name or surname in it.
    #[error("escriba al menos un nombre o apellido para buscar")]
    EmptyName,
    /// The CURP or NSS is malformed.
    #[error(transparent)]
    Identifier(#[from] crate::identifiers::IdentifierError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] huella_sync::StoreError),
}

/// Validates the query's identifier (so a mistyped CURP or NSS is explained, not just "not
/// found") and returns the matching record ids.
pub fn find_ids(session: &Session, query: &Query) -> Result<Vec<RecordId>, LookupError> {
    let key = session.credential.station.index_key();
    let store = &session.store;
    Ok(match query {
        Query::Curp(c) => {
            let curp = Curp::parse(c)?;
            store.find(&indexing::curp_tag(key, curp.as_str()))?
        }
        Query::Nss(n) => {
            let nss = Nss::parse(n)?;
            store.find(&indexing::nss_tag(key, nss.as_str()))?
        }
        Query::Name(text) => {
            let tags = indexing::name_query_tags(key, text);
            if tags.is_empty() {
                return Err(LookupError::EmptyName);
            }
            let mut sets = Vec::new();
            for t in &tags {
                let mut ids = store.find(t)?;
                ids.sort();
                sets.push(ids);
            }
            sets.sort_by_key(Vec::len);
            let (first, rest) = sets
                .split_first()
                .map_or((&[][..], &[][..]), |(f, r)| (f.as_slice(), r));
            first
                .iter()
                .filter(|id| rest.iter().all(|s| s.binary_search(id).is_ok()))
                .copied()
                .collect()
        }
    })
}

/// Finds people, records the consultation in the audit trail, and summarises them.
pub fn find(session: &Session, query: &Query) -> Result<Vec<PersonSummary>> {
    find_as(session, query, |r| Ok(PersonSummary::of(r)?))
}

/// A found person as `find --json` prints it: the summary with the status as of today
/// (`restringido` past a notice's 30 days), the notice, and the movement history.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FoundPerson {
    /// The summary.
    #[serde(flatten)]
    pub summary: PersonSummary,
    /// Date of the notice of missing biometrics, if any.
    pub fecha_aviso: Option<String>,
    /// Movements (the pre-registration first), with who, when, before and after.
    pub movimientos: Vec<crate::workflows::movements::HistoryEntry>,
}

impl FoundPerson {
    /// Describes a record.
    pub fn of(record: &PersonRecord) -> Result<Self, huella_sync::RecordError> {
        let mut summary = PersonSummary::of(record)?;
        summary.estado_biometrico = crate::workflows::restriction::status_of(record)?
            .as_str()
            .to_owned();
        Ok(FoundPerson {
            summary,
            fecha_aviso: record.biometric_notice(),
            movimientos: crate::workflows::movements::history(record)?.0,
        })
    }
}

/// Like [`find`], with each person's movements and status as of today.
pub fn find_with_history(session: &Session, query: &Query) -> Result<Vec<FoundPerson>> {
    find_as(session, query, |r| Ok(FoundPerson::of(r)?))
}

fn find_as<T>(
    session: &Session,
    query: &Query,
    describe: impl Fn(&PersonRecord) -> Result<T>,
) -> Result<Vec<T>> {
    let ids = find_ids(session, query)?;
    let keys = session.keys();
    let mut out = Vec::with_capacity(ids.len());
    for id in &ids {
        let open = session.store.open_record(&keys, *id)?;
        out.push(describe(&open.record)?);
    }
    let mut batch = session.store.batch();
    batch.audit(
        AuditAction::Consulta,
        &ids,
        &format!("campo: {}, resultados: {}", query.field(), ids.len()),
    );
    session.commit(batch)?;
    Ok(out)
}
