//! The central node: a station of the central office whose office identity is the key every
//! station wraps record keys to with `init --central` (so it reads the records of every
//! office that configured it). It receives approved records through the hubs (ordinary
//! sync), runs the national duplicate search over them ([`run`]), and writes the outcome
//! into the person's record as a verdict signed by the central station: `registrado` when
//! no other person matches, or a duplicate case that a central supervisor decides
//! ([`cases`]). The verdict reaches the offices with their next sync, where [`verdict`]
//! checks it was signed by the central node they configured before showing it.
//!
//! This module owns those rules and their audit entries. It must print nothing and hold no
//! user-facing text (the faces word its results), and it must not open connections: sync
//! does that.

pub mod cases;
pub mod gallery;
pub mod run;
#[cfg(feature = "postgres")]
pub mod shards;
pub mod verdict;

use huella_sync::{RecordError, StoreError};

use crate::home::Home;
use crate::workflows::enroll::EnrollError;

/// Why a central operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CentralError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A record document could not be read or written.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// Saving a record failed.
    #[error(transparent)]
    Save(#[from] EnrollError),
    /// Only a supervisor or an administrator decides a duplicate case.
    #[error("solo un supervisor o administrador central decide casos de duplicado")]
    NotSupervisor,
    /// The passphrase given again does not open the acting officer's credential.
    #[error("la reautenticación falló: la contraseña no corresponde al usuario")]
    Reauth,
    /// No open duplicate case has this id.
    #[error("no hay un caso de duplicado abierto con el id {0}")]
    NoSuchCase(String),
    /// Deciding a case needs a reason.
    #[error("indique el motivo de la decisión (--reason)")]
    NoReason,
    /// No person has this CURP here.
    #[error("no hay una persona con la CURP {0} en esta estación")]
    NotFound(String),
    /// The sharded search failed.
    #[cfg(feature = "postgres")]
    #[error(transparent)]
    Shards(#[from] shards::ShardError),
}

/// The public key (`age1…`) stations give to `init --central` so the central node reads their
/// records: this station's office recipient (generation 0). Read without a passphrase.
pub fn central_key(home: &Home) -> Result<String, StoreError> {
    let station = crate::workflows::station::identity(home)?;
    Ok(station
        .recipients
        .iter()
        .find(|(label, _)| label == "oficina")
        .map(|(_, r)| r.clone())
        .unwrap_or_default())
}
