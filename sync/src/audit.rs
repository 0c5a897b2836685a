//! The audit trail: append-only entries, each hash-chained to the previous one and signed by
//! the acting officer. Entries hold record ids and counts, never personal data.
//!
//! This module owns the entry format and chain checking; the store appends entries in the
//! same atomic batch as the change they describe.

use huella_keys::{OfficerKey, PublicKey, Signature};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// The station was created.
    EstacionCreada,
    /// An officer was added.
    OficialAgregado,
    /// A batch of pre-registrations was imported.
    Importacion,
    /// People were looked up.
    Consulta,
    /// A record was created or changed at the counter.
    RegistroModificado,
    /// Biometrics were captured.
    Captura,
    /// A supervisor decided on a capture.
    Aprobacion,
    /// A 1:1 verification.
    Verificacion,
    /// Data left the station (export, bundle, ARCO access).
    Exportacion,
    /// A person was erased.
    Borrado,
    /// A login attempt failed.
    AccesoFallido,
    /// A station was revoked and the office key rotated.
    EstacionRevocada,
    /// The central node wrote a verdict (registered, duplicate case, decision) into a record.
    DictamenCentral,
    /// An administrator changed the office roster (other than a revocation): the central key.
    ListaOficinaModificada,
}

impl AuditAction {
    const ALL: [AuditAction; 14] = [
        AuditAction::EstacionCreada,
        AuditAction::OficialAgregado,
        AuditAction::Importacion,
        AuditAction::Consulta,
        AuditAction::RegistroModificado,
        AuditAction::Captura,
        AuditAction::Aprobacion,
        AuditAction::Verificacion,
        AuditAction::Exportacion,
        AuditAction::Borrado,
        AuditAction::AccesoFallido,
        AuditAction::EstacionRevocada,
        AuditAction::DictamenCentral,
        AuditAction::ListaOficinaModificada,
    ];

    /// The code stored in entries.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::EstacionCreada => "estacion_creada",
            AuditAction::OficialAgregado => "oficial_agregado",
            AuditAction::Importacion => "importacion",
            AuditAction::Consulta => "consulta",
            AuditAction::RegistroModificado => "registro_modificado",
            AuditAction::Captura => "captura",
            AuditAction::Aprobacion => "aprobacion",
            AuditAction::Verificacion => "verificacion",
            AuditAction::Exportacion => "exportacion",
            AuditAction::Borrado => "borrado",
            AuditAction::AccesoFallido => "acceso_fallido",
            AuditAction::EstacionRevocada => "estacion_revocada",
            AuditAction::DictamenCentral => "dictamen_central",
            AuditAction::ListaOficinaModificada => "lista_oficina_modificada",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.as_str() == s)
    }
}

/// One audit entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// When (UTC).
    pub at: String,
    /// Station name.
    pub station: String,
    /// Acting officer.
    pub officer: String,
    /// Action code.
    pub action: String,
    /// Record ids concerned (hex), comma-separated, may be empty.
    pub records: String,
    /// Non-personal detail (counts, line numbers, digests).
    pub detail: String,
    /// Hash of the previous entry (hex; 64 zeros for the first).
    pub prev: String,
    /// Hash of this entry's content (hex).
    pub hash: String,
    /// The officer's signature over `hash` (hex).
    pub signature: String,
}

/// The hash that precedes the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

impl AuditEntry {
    /// Builds and signs the next entry after `prev`.
    #[allow(clippy::too_many_arguments)]
    pub fn sign_next(
        seq: u64,
        prev: &str,
        at: &str,
        station: &str,
        officer: &OfficerKey,
        action: AuditAction,
        records: &str,
        detail: &str,
    ) -> Self {
        let mut e = AuditEntry {
            seq,
            at: at.to_owned(),
            station: station.to_owned(),
            officer: officer.user().to_owned(),
            action: action.as_str().to_owned(),
            records: records.to_owned(),
            detail: detail.to_owned(),
            prev: prev.to_owned(),
            hash: String::new(),
            signature: String::new(),
        };
        e.hash = e.content_hash();
        e.signature = officer.sign(e.hash.as_bytes()).to_hex();
        e
    }

    /// SHA-256 over the canonical content (everything but `hash` and `signature`).
    pub fn content_hash(&self) -> String {
        let mut h = Sha256::new();
        for part in [
            "huella-auditoria-v1",
            &self.seq.to_string(),
            &self.at,
            &self.station,
            &self.officer,
            &self.action,
            &self.records,
            &self.detail,
            &self.prev,
        ] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// The first problem found in a chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("entrada {seq}: {reason}")]
pub struct AuditProblem {
    /// The entry's position (as expected from the chain).
    pub seq: u64,
    /// What is wrong, in Spanish.
    pub reason: String,
}

/// Checks a chain in storage order. `key_of` gives an officer's public key by user name.
/// Returns the number of entries when the chain is intact.
pub fn verify_chain<'a>(
    entries: impl IntoIterator<Item = Result<AuditEntry, AuditProblem>>,
    key_of: impl Fn(&str) -> Option<&'a PublicKey>,
) -> Result<u64, AuditProblem> {
    let mut expected = 1u64;
    let mut prev = GENESIS.to_owned();
    for entry in entries {
        let e = entry?;
        let bad = |reason: &str| AuditProblem {
            seq: expected,
            reason: reason.to_owned(),
        };
        if e.seq != expected {
            return Err(bad(&format!(
                "se esperaba la entrada {expected} y aparece la {} (entrada borrada o reordenada)",
                e.seq
            )));
        }
        if e.prev != prev {
            return Err(bad(
                "no encadena con la entrada anterior (borrada, editada o reordenada)",
            ));
        }
        if e.content_hash() != e.hash {
            return Err(bad("su contenido fue modificado (el hash no coincide)"));
        }
        if AuditAction::parse(&e.action).is_none() {
            return Err(bad("acción desconocida"));
        }
        let key = key_of(&e.officer).ok_or_else(|| bad("firmada por un oficial desconocido"))?;
        let sig = Signature::from_hex(&e.signature).map_err(|_| bad("firma ilegible"))?;
        key.verify(e.hash.as_bytes(), &sig)
            .map_err(|_| bad("la firma del oficial no es válida"))?;
        prev = e.hash;
        expected += 1;
    }
    Ok(expected - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use huella_keys::Role;

    fn chain(officer: &OfficerKey, n: u64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let e = AuditEntry::sign_next(
                    seq,
                    &prev,
                    "2026-01-01T00:00:00Z",
                    "E1",
                    officer,
                    AuditAction::Consulta,
                    "",
                    &format!("resultados: {seq}"),
                );
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn check(officer: &OfficerKey, entries: Vec<AuditEntry>) -> Result<u64, AuditProblem> {
        let key = officer.public().key;
        verify_chain(entries.into_iter().map(Ok), |u| {
            (u == officer.user()).then_some(&key)
        })
    }

    #[test]
    fn intact_chain_verifies_and_tampering_is_located() {
        let o = OfficerKey::generate("ana", Role::Officer);
        assert_eq!(check(&o, chain(&o, 5)), Ok(5));

        let mut edited = chain(&o, 5);
        edited[2].detail = "resultados: 99".into();
        assert_eq!(check(&o, edited).map_err(|p| p.seq), Err(3));

        let mut deleted = chain(&o, 5);
        deleted.remove(1);
        assert_eq!(check(&o, deleted).map_err(|p| p.seq), Err(2));

        let mut reordered = chain(&o, 5);
        reordered.swap(3, 4);
        assert_eq!(check(&o, reordered).map_err(|p| p.seq), Err(4));

        let mut resigned = chain(&o, 3);
        let other = OfficerKey::generate("ana", Role::Officer);
        resigned[1] = AuditEntry::sign_next(
            2,
            &resigned[0].hash,
            "2026-01-01T00:00:00Z",
            "E1",
            &other,
            AuditAction::Consulta,
            "",
            "falsa",
        );
        let r = check(&o, resigned);
        assert_eq!(r.map_err(|p| p.seq), Err(2));
    }
}
