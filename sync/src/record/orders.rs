//! Orders an officer signs when writing them into a record: a worker movement and a status
//! change carry, beside their fields, the acting officer's Ed25519 signature over the entry's
//! canonical message and who vouches for the key ([`Seal`]), the way a supervisor's decision
//! does ([`super::Approval`]).
//!
//! This module owns the canonical messages and how a seal is stored in the entry it signs
//! (`firma`, `firmante`, `lista_oficiales`). It must not decide whether a seal counts: that
//! is `roster::orders`, which knows the office's roster and officer lists.

use automerge::{AutoCommit, ObjId};

use super::fields::{get, put};
use super::{Movement, PersonRecord, RecordError, RecordId, Signer, StatusChange};

const SIGNATURE: &str = "firma";
const SIGNER_KEY: &str = "firmante";
const SIGNER_LIST: &str = "lista_oficiales";

/// An officer's signature on an order written into a record, with its proof of who signed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seal {
    /// The officer's Ed25519 signature over the order's canonical message (hex).
    pub signature: String,
    /// The signer's key and the signing station's officer list (see [`Signer`]).
    pub signer: Signer,
}

/// Writes `seal` into the entry map `m`.
fn put_seal(d: &mut AutoCommit, m: &ObjId, seal: &Seal) -> Result<(), RecordError> {
    put(d, m, SIGNATURE, &seal.signature)?;
    put(d, m, SIGNER_KEY, &seal.signer.key)?;
    if !seal.signer.officers.is_empty() {
        put(d, m, SIGNER_LIST, &seal.signer.officers)?;
    }
    Ok(())
}

/// The seal of the entry map `m` (`None`: the entry was written unsigned).
pub(super) fn seal_of(d: &AutoCommit, m: &ObjId) -> Option<Seal> {
    let signature = get(d, m, SIGNATURE)?;
    Some(Seal {
        signature,
        signer: Signer {
            key: get(d, m, SIGNER_KEY).unwrap_or_default(),
            officers: get(d, m, SIGNER_LIST).unwrap_or_default(),
        },
    })
}

impl Movement {
    /// The exact bytes the recording officer signs for this movement of record `record`.
    pub fn signed_message(&self, record: &RecordId) -> Vec<u8> {
        format!(
            "huella-movimiento-v1\n{record}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.id,
            self.kind.as_str(),
            self.fecha,
            self.registro_patronal,
            self.salario_diario.as_deref().unwrap_or("-"),
            self.regimen.map_or("-", |r| r.as_str()),
            self.motivo.as_deref().unwrap_or("-"),
            self.oficial,
            self.registrado_en,
        )
        .into_bytes()
    }
}

impl StatusChange {
    /// The exact bytes the acting officer signs for this status change of record `record`.
    pub fn signed_message(&self, record: &RecordId) -> Vec<u8> {
        format!(
            "huella-estado-v1\n{record}\n{}\n{}\n{}\n{}",
            self.status.as_str(),
            self.at,
            self.by,
            self.reason
        )
        .into_bytes()
    }
}

impl PersonRecord {
    /// Adds a worker movement signed by the officer who records it.
    pub fn add_signed_movement(&mut self, mv: &Movement, seal: &Seal) -> Result<(), RecordError> {
        let m = self.put_movement(mv)?;
        put_seal(&mut self.doc, &m, seal)
    }

    /// Changes the biometric status with an order signed by the officer who gives it.
    pub fn set_signed_status(
        &mut self,
        change: &StatusChange,
        seal: &Seal,
    ) -> Result<(), RecordError> {
        let m = self.put_status(change)?;
        put_seal(&mut self.doc, &m, seal)
    }

    /// Notes the movements the store found not to count when it opened the record.
    pub(crate) fn note_refused_movements(&mut self, ids: Vec<String>) {
        self.refused_movements = ids;
    }
}
