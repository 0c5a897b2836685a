//! Rectification: one identity field corrected, with old value, new value, who, when and why
//! kept in the record's history. A new CURP or NSS is validated, refused when it belongs to
//! another person, and the old one keeps finding the person (indexed as a former identifier;
//! RENAPO corrects CURPs and employers keep sending the old one).
//!
//! Owns which fields may be rectified, by whom, and their validation. Must not word anything.

use huella_keys::Role;
use huella_sync::record::privacy::{ArcoRequest, ArcoRight, FormerIdentifier, Rectification};
use huella_sync::{AuditAction, Identity, RecordId};

use super::{ArcoError, RequestRef, answer, person_by_curp, require, save, take_request};
use crate::identifiers::{Curp, IdentifierError, Nss, Rfc, normalize_name, parse_date_iso};
use crate::workflows::indexing;
use crate::workflows::session::Session;

/// A field of the identity that may be rectified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Field {
    /// CURP (supervisors).
    Curp,
    /// NSS (supervisors).
    Nss,
    /// RFC.
    Rfc,
    /// Given names.
    Nombre,
    /// First surname.
    PrimerApellido,
    /// Second surname.
    SegundoApellido,
    /// Birth date.
    FechaNacimiento,
    /// Sex.
    Sexo,
    /// State of birth.
    Entidad,
}

impl Field {
    /// Every field.
    pub const ALL: [Field; 9] = [
        Field::Curp,
        Field::Nss,
        Field::Rfc,
        Field::Nombre,
        Field::PrimerApellido,
        Field::SegundoApellido,
        Field::FechaNacimiento,
        Field::Sexo,
        Field::Entidad,
    ];

    /// The code on the command line and in the history.
    pub fn code(self) -> &'static str {
        match self {
            Field::Curp => "curp",
            Field::Nss => "nss",
            Field::Rfc => "rfc",
            Field::Nombre => "nombre",
            Field::PrimerApellido => "primer_apellido",
            Field::SegundoApellido => "segundo_apellido",
            Field::FechaNacimiento => "fecha_nacimiento",
            Field::Sexo => "sexo",
            Field::Entidad => "entidad",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase().replace('-', "_");
        Self::ALL.iter().copied().find(|f| f.code() == s)
    }

    /// Whether the field identifies the person (a supervisor rectifies it).
    pub fn is_identifier(self) -> bool {
        matches!(self, Field::Curp | Field::Nss)
    }

    fn slot(self, i: &mut Identity) -> &mut String {
        match self {
            Field::Curp => &mut i.curp,
            Field::Nss => &mut i.nss,
            Field::Rfc => &mut i.rfc,
            Field::Nombre => &mut i.nombre,
            Field::PrimerApellido => &mut i.primer_apellido,
            Field::SegundoApellido => &mut i.segundo_apellido,
            Field::FechaNacimiento => &mut i.fecha_nacimiento,
            Field::Sexo => &mut i.sexo,
            Field::Entidad => &mut i.entidad,
        }
    }
}

/// Why a rectification was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RectifyError {
    /// The request, role or store failed.
    #[error(transparent)]
    Arco(#[from] ArcoError),
    /// The new value is not a valid value of the field.
    #[error("valor inválido para {field}: {source}")]
    Invalid {
        /// Field code.
        field: &'static str,
        /// What is wrong.
        #[source]
        source: IdentifierError,
    },
    /// A required field cannot be emptied, or the value is not one of its codes.
    #[error("valor inválido para {0}")]
    BadValue(&'static str),
    /// The new CURP or NSS is another person's.
    #[error("la {field} nueva pertenece a otra persona (registro {other})")]
    BelongsToAnother {
        /// Field code.
        field: &'static str,
        /// The other person's record id.
        other: RecordId,
    },
    /// The new value equals the current one.
    #[error("el valor nuevo es igual al actual")]
    Unchanged,
    /// No reason was given.
    #[error("la rectificación necesita un motivo")]
    NeedReason,
}

impl From<huella_sync::StoreError> for RectifyError {
    fn from(e: huella_sync::StoreError) -> Self {
        RectifyError::Arco(e.into())
    }
}

impl From<huella_sync::RecordError> for RectifyError {
    fn from(e: huella_sync::RecordError) -> Self {
        RectifyError::Arco(e.into())
    }
}

/// What a rectification changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rectified {
    /// The answered request.
    pub request: ArcoRequest,
    /// The history entry.
    pub entry: Rectification,
}

/// The value as stored, validated for `field`.
fn normalize(field: Field, value: &str) -> Result<String, RectifyError> {
    let invalid = |source| RectifyError::Invalid {
        field: field.code(),
        source,
    };
    let v = value.trim();
    Ok(match field {
        Field::Curp => Curp::parse(v).map_err(invalid)?.as_str().to_owned(),
        Field::Nss => Nss::parse(v).map_err(invalid)?.as_str().to_owned(),
        Field::Rfc if v.is_empty() => String::new(),
        Field::Rfc => Rfc::parse(v).map_err(invalid)?.as_str().to_owned(),
        Field::FechaNacimiento => {
            let (y, m, d) = parse_date_iso(v).map_err(invalid)?;
            format!("{y:04}-{m:02}-{d:02}")
        }
        Field::Sexo => match v.to_uppercase().as_str() {
            s @ ("H" | "M" | "X") => s.to_owned(),
            _ => return Err(RectifyError::BadValue("sexo")),
        },
        Field::Entidad => {
            let e = v.to_uppercase();
            if !crate::identifiers::STATE_CODES.contains(&e.as_str()) {
                return Err(RectifyError::BadValue("entidad"));
            }
            e
        }
        Field::SegundoApellido => normalize_name(v),
        Field::Nombre | Field::PrimerApellido => {
            let n = normalize_name(v);
            if n.is_empty() {
                return Err(RectifyError::BadValue(field.code()));
            }
            n
        }
    })
}

/// Rectifies `field` of the person with `curp` to `value`, for `reason`.
pub fn rectify(
    session: &Session,
    curp: &str,
    field: Field,
    value: &str,
    reason: &str,
    r: &RequestRef,
) -> Result<Rectified, RectifyError> {
    require(
        session,
        if field.is_identifier() {
            Role::Supervisor
        } else {
            Role::Officer
        },
    )?;
    if reason.trim().is_empty() {
        return Err(RectifyError::NeedReason);
    }
    let new = normalize(field, value)?;
    let id = person_by_curp(session, curp)?;
    let key = session.credential.station.index_key();
    let holders = match field {
        Field::Curp => session.store.find(&indexing::curp_tag(key, &new))?,
        Field::Nss => session.store.find(&indexing::nss_tag(key, &new))?,
        _ => Vec::new(),
    };
    if let Some(other) = holders.into_iter().find(|h| *h != id) {
        return Err(RectifyError::BelongsToAnother {
            field: field.code(),
            other,
        });
    }
    let mut open = session.store.open_record(&session.keys(), id)?;
    let mut identity = open.record.identity()?;
    let old = std::mem::replace(field.slot(&mut identity), new.clone());
    if old == new {
        return Err(RectifyError::Unchanged);
    }
    let req = take_request(session, &open.record, ArcoRight::Rectificacion, r)?;
    let now = huella_sync::time::now_utc();
    let entry = Rectification {
        // Sortable within one second, unique across stations.
        id: format!(
            "{now}-{:04}-{}",
            open.record.rectifications()?.len(),
            &RecordId::generate().to_hex()[..8]
        ),
        field: field.code().to_owned(),
        old: old.clone(),
        new,
        reason: reason.trim().to_owned(),
        folio: req.folio.clone(),
        by: session.credential.officer.user().to_owned(),
        at: now.clone(),
    };
    open.record.set_identity(&identity)?;
    open.record.add_rectification(&entry)?;
    if field.is_identifier() && !old.is_empty() {
        open.record.add_former_identifier(&FormerIdentifier {
            field: field.code().to_owned(),
            value: old,
            until: now,
        })?;
    }
    let request = answer(
        session,
        &mut open.record,
        req,
        &format!("rectificado: {}", field.code()),
    )?;
    save(
        session,
        &mut open,
        AuditAction::RegistroModificado,
        &format!("ARCO {}: rectificación de {}", request.folio, field.code()),
    )?;
    Ok(Rectified { request, entry })
}
