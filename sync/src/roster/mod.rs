//! Office rosters and who is trusted: an office's stations (signing keys, age recipients,
//! revoked or not) and its administrators, signed by an administrator.
//!
//! A roster is accepted when no roster of that office is known yet and it comes from a trust
//! anchor (the admin's own station, an invite, or `huella hub --trust FILE`), or when its
//! version is higher than the known one and an administrator listed in the known roster
//! signed it. This module owns the roster format and those rules; it must not open
//! connections or decrypt records.

use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::replica::{Erasure, Replica, ReplicaError, keys};

mod decisions;
mod office_keys;
mod officers;
mod orders;
pub use decisions::{CheckedJustification, DecisionCheck, needs_check};
pub use office_keys::{OfficeKeyGeneration, OfficeKeyGrant};
pub use officers::{ListedOfficer, OfficerList, SignedOfficerList};
pub use orders::{CheckedOrder, may_record};

/// A station as listed in its office roster.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RosterStation {
    /// Station name.
    pub name: String,
    /// Station signing key (hex).
    pub key: String,
    /// Station age recipient (`age1…`).
    pub recipient: String,
    /// Whether the station was revoked (refused from then on).
    pub revoked: bool,
    /// When it was revoked (UTC), so that documents it signed before still verify; empty in
    /// rosters signed before this was recorded (then none of its documents verifies).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub revoked_at: String,
}

/// An administrator allowed to sign the office's next roster.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RosterAdmin {
    /// User name.
    pub user: String,
    /// Officer signing key (hex).
    pub key: String,
    /// The station the administrator works at (empty in rosters signed before it was
    /// recorded): revoking that station removes the administrator too.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub station: String,
}

/// An office roster.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Roster {
    /// Office code.
    pub office: String,
    /// Increases with every change.
    pub version: u64,
    /// When it was signed (UTC).
    pub issued_at: String,
    /// The office's age recipient (`age1…`), shared by its stations (generation 0).
    pub office_recipient: String,
    /// Stations.
    pub stations: Vec<RosterStation>,
    /// Administrators.
    pub admins: Vec<RosterAdmin>,
    /// Office key generations after generation 0, one per rotation (absent in older
    /// rosters).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub office_keys: Vec<OfficeKeyGeneration>,
    /// The central node this office accepts changes to its records from (e.g. the
    /// `registrado` status): its station signing key (Ed25519, hex), or the central office's
    /// recipient (`age1…`, any trusted station of the office with that office recipient);
    /// empty: none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub central_key: String,
}

/// A roster with the signature of one of its administrators.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SignedRoster {
    /// The roster as signed (JSON bytes, kept verbatim).
    pub roster: Vec<u8>,
    /// Signing administrator's key (hex).
    pub signer: String,
    /// Signature (hex).
    pub signature: String,
}

/// A roster that was refused.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum RosterError {
    /// Bytes that are not a roster.
    #[error("lista de estaciones ilegible: {0}")]
    Malformed(String),
    /// The signature does not verify, or the signer is not an administrator.
    #[error(
        "la lista de estaciones de la oficina {0} no está firmada por un administrador de confianza"
    )]
    BadSignature(String),
    /// Not newer than the known one.
    #[error(
        "la lista de estaciones de la oficina {office} (versión {got}) no es más nueva que la conocida ({known})"
    )]
    Stale {
        /// Office.
        office: String,
        /// Version offered.
        got: u64,
        /// Version known.
        known: u64,
    },
    /// Storage failed.
    #[error("{0}")]
    Store(String),
    /// A new office key could not be sealed to a station (its recipient is not valid).
    #[error("no se pudo entregar la llave de oficina a la estación {station}")]
    Grant {
        /// Station.
        station: String,
    },
    /// This station does not hold an office key generation the roster lists, so it cannot
    /// give it to another station.
    #[error(
        "esta estación no tiene la llave de oficina de la generación {0}; invite desde una estación que la tenga"
    )]
    MissingGeneration(u32),
    /// A station's officer list that is not signed by an administrator of its office roster
    /// (or whose office roster is unknown).
    #[error(
        "la lista de oficiales de la estación {0} no está firmada por un administrador de la oficina"
    )]
    BadOfficerList(String),
}

impl From<ReplicaError> for RosterError {
    fn from(e: ReplicaError) -> Self {
        RosterError::Store(e.to_string())
    }
}

impl From<sled::Error> for RosterError {
    fn from(e: sled::Error) -> Self {
        RosterError::Store(ReplicaError::from(e).to_string())
    }
}

pub(crate) fn verify_hex(key_hex: &str, msg: &[u8], sig_hex: &str) -> bool {
    let mut k = [0u8; 32];
    let mut s = [0u8; 64];
    if hex::decode_to_slice(key_hex, &mut k).is_err()
        || hex::decode_to_slice(sig_hex, &mut s).is_err()
    {
        return false;
    }
    verify_raw(&k, msg, &s)
}

/// Verifies an Ed25519 signature given raw key and signature bytes.
pub fn verify_raw(key: &[u8; 32], msg: &[u8], sig: &[u8]) -> bool {
    let Ok(vk) = VerifyingKey::from_bytes(key) else {
        return false;
    };
    let Ok(sig) = <[u8; 64]>::try_from(sig) else {
        return false;
    };
    vk.verify_strict(msg, &Signature::from_bytes(&sig)).is_ok()
}

impl Roster {
    /// Whether `station` is listed as revoked (an empty name never is).
    pub fn is_revoked(&self, station: &str) -> bool {
        !station.is_empty() && self.stations.iter().any(|s| s.name == station && s.revoked)
    }
}

impl SignedRoster {
    /// Signs `roster` with an administrator's key.
    pub fn sign(roster: &Roster, admin: &huella_keys::OfficerKey) -> Self {
        let bytes = serde_json::to_vec_pretty(roster).unwrap_or_default();
        let signature = admin.sign(&bytes).to_hex();
        SignedRoster {
            roster: bytes,
            signer: admin.public().key.to_hex(),
            signature,
        }
    }

    /// The roster inside (not yet checked).
    pub fn roster(&self) -> Result<Roster, RosterError> {
        serde_json::from_slice(&self.roster).map_err(|e| RosterError::Malformed(e.to_string()))
    }

    /// Checks that the roster is signed by one of its own administrators (self-consistent).
    pub fn verify_self(&self) -> Result<Roster, RosterError> {
        let r = self.roster()?;
        self.verify_by(&r)?;
        Ok(r)
    }

    /// Checks that the signer is an administrator of `by` and the signature verifies.
    pub fn verify_by(&self, by: &Roster) -> Result<(), RosterError> {
        let office = self.roster().map(|r| r.office).unwrap_or_default();
        // An administrator of a revoked station signs no roster: its thief cannot re-admit it.
        let listed = by
            .admins
            .iter()
            .any(|a| a.key == self.signer && !by.is_revoked(&a.station));
        if !listed || !verify_hex(&self.signer, &self.roster, &self.signature) {
            return Err(RosterError::BadSignature(office));
        }
        Ok(())
    }

    /// The file form (JSON).
    pub fn to_file_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// Parses the file form.
    pub fn from_file_bytes(b: &[u8]) -> Result<Self, RosterError> {
        serde_json::from_slice(b).map_err(|e| RosterError::Malformed(e.to_string()))
    }
}

/// Where a station key stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Listed and not revoked.
    Trusted {
        /// Office code.
        office: String,
        /// Station name.
        station: String,
    },
    /// Listed as revoked.
    Revoked {
        /// Office code.
        office: String,
        /// Station name.
        station: String,
    },
    /// Not in any known roster.
    Unknown,
}

/// The rosters a node trusts, kept in its replica tree under `R`.
#[derive(Clone)]
pub struct Trust {
    replica: Replica,
}

impl Trust {
    /// The trust store of `replica`.
    pub fn new(replica: Replica) -> Self {
        Trust { replica }
    }

    /// The known roster of `office`.
    pub fn roster(&self, office: &str) -> Result<Option<(Roster, SignedRoster)>, RosterError> {
        match self.replica.tree().get(keys::roster(office))? {
            None => Ok(None),
            Some(v) => {
                let s = SignedRoster::from_file_bytes(&v)?;
                Ok(Some((s.roster()?, s)))
            }
        }
    }

    /// A fingerprint (SHA-256 of the stored bytes) of the known roster of `office`: cheap
    /// to compare, so a long session notices a newer roster without parsing it.
    pub fn stamp(&self, office: &str) -> Result<Option<[u8; 32]>, RosterError> {
        Ok(self
            .replica
            .tree()
            .get(keys::roster(office))?
            .map(|v| crate::store::sha256(&v)))
    }

    /// Every known roster.
    pub fn all(&self) -> Result<Vec<(Roster, SignedRoster)>, RosterError> {
        let mut out = Vec::new();
        for (_, v) in self.replica.tree().scan_prefix(keys::ROSTER)? {
            let s = SignedRoster::from_file_bytes(&v)?;
            out.push((s.roster()?, s));
        }
        Ok(out)
    }

    /// Installs a roster from a trust anchor (self-signed by one of its admins), replacing
    /// an older version.
    pub fn anchor(&self, s: &SignedRoster) -> Result<Roster, RosterError> {
        let r = s.verify_self()?;
        if let Some((known, _)) = self.roster(&r.office)?
            && known.version > r.version
        {
            return Ok(known);
        }
        self.store(&r, s)?;
        Ok(r)
    }

    /// Accepts a roster received from a peer: newer than the known one and signed by a known
    /// admin of that office. Unknown offices are accepted only from `vouched` peers (a hub the
    /// station already trusts). Returns true when it replaced the known one.
    pub fn accept(&self, s: &SignedRoster, vouched: bool) -> Result<bool, RosterError> {
        let r = s.roster()?;
        match self.roster(&r.office)? {
            Some((known, _)) => {
                if r.version <= known.version {
                    return Ok(false);
                }
                s.verify_by(&known)?;
            }
            None => {
                if !vouched {
                    return Err(RosterError::BadSignature(r.office));
                }
                s.verify_by(&r)?;
            }
        }
        self.store(&r, s)?;
        Ok(true)
    }

    fn store(&self, r: &Roster, s: &SignedRoster) -> Result<(), RosterError> {
        self.replica
            .tree()
            .insert(keys::roster(&r.office), s.to_file_bytes())?;
        self.replica.tree().flush()?;
        Ok(())
    }

    /// Versions of the known rosters.
    pub fn versions(&self) -> Result<Vec<(String, u64)>, RosterError> {
        Ok(self
            .all()?
            .into_iter()
            .map(|(r, _)| (r.office, r.version))
            .collect())
    }

    /// Where a station key (hex) stands.
    pub fn standing(&self, key_hex: &str) -> Result<Standing, RosterError> {
        for (r, _) in self.all()? {
            if let Some(s) = r.stations.iter().find(|s| s.key == key_hex) {
                let (office, station) = (r.office.clone(), s.name.clone());
                return Ok(if s.revoked {
                    Standing::Revoked { office, station }
                } else {
                    Standing::Trusted { office, station }
                });
            }
        }
        Ok(Standing::Unknown)
    }

    /// Whether an erasure order may be applied here: signed by a trusted station of its
    /// office and by an officer who, in that office's signed data, is a supervisor or an
    /// administrator; and the record, when this node knows which office first delivered it,
    /// belongs to that office. A station also refuses orders of another office for records
    /// it holds readable (see `node::StationSide`).
    pub fn erasure_allowed(&self, e: &Erasure) -> bool {
        self.erasure_refusal(e).is_none()
    }

    /// Why an erasure order is refused (`None`: allowed); the reason has no personal data.
    pub fn erasure_refusal(&self, e: &Erasure) -> Option<&'static str> {
        let key = hex::encode(e.station_key);
        let station = match self.standing(&key) {
            Ok(Standing::Trusted { office, station }) if office == e.office => station,
            _ => return Some("firmada por una estación que no es de confianza en su oficina"),
        };
        let bytes = e.signed_bytes();
        if !verify_raw(&e.station_key, &bytes, &e.signature)
            || !verify_raw(&e.officer_key, &bytes, &e.officer_signature)
        {
            return Some("firma inválida");
        }
        if !self.officer_may_erase(e, &station) {
            return Some("el oficial no es supervisor ni administrador en la lista firmada");
        }
        match self.replica.origin(&crate::record::RecordId(e.id)) {
            Ok(Some(owner)) if owner != e.office => Some("el registro pertenece a otra oficina"),
            Ok(_) => None,
            Err(_) => Some("origen del registro ilegible"),
        }
    }

    /// Whether the order's officer is an administrator of its office roster, or is listed as
    /// supervisor or administrator in the ordering station's signed officer list.
    fn officer_may_erase(&self, e: &Erasure, station: &str) -> bool {
        let officer_key = hex::encode(e.officer_key);
        let Ok(Some((roster, _))) = self.roster(&e.office) else {
            return false;
        };
        if roster.admins.iter().any(|a| a.key == officer_key) {
            return true;
        }
        let Ok(list) =
            SignedOfficerList::from_bytes(&e.officers).and_then(|s| s.verify_by(&roster))
        else {
            return false;
        };
        list.station == station
            && list.by_key(&officer_key).is_some_and(|o| {
                o.user == e.officer && o.role().is_some_and(huella_keys::Role::can_supervise)
            })
    }
}

impl Trust {
    /// Where a chunk author's signing key stands: a station of its office (trusted, or
    /// revoked since), and the central key of the offices whose rosters name it; `None` for
    /// any other key.
    pub fn author_standing(&self, key: &[u8; 32]) -> Option<crate::replica::AuthorStanding> {
        let hex_key = hex::encode(key);
        // A revoked station still authors what it wrote before its revocation: those chunks
        // must keep replicating (chunks carry no trusted time to tell before from after).
        let station_of = match self.standing(&hex_key) {
            Ok(Standing::Trusted { office, .. } | Standing::Revoked { office, .. }) => Some(office),
            _ => None,
        };
        let rosters = self.all().ok()?;
        // A station of an office whose office recipient another office names as its central
        // key (`init --central age1…`) is that office's central node.
        let own_recipient = station_of.as_ref().and_then(|o| {
            rosters
                .iter()
                .find(|(r, _)| &r.office == o)
                .map(|(r, _)| r.office_recipient.clone())
        });
        let central_for: Vec<String> = rosters
            .into_iter()
            .filter(|(r, _)| {
                !r.central_key.is_empty()
                    && (r.central_key == hex_key
                        || own_recipient.as_deref() == Some(r.central_key.as_str()))
            })
            .map(|(r, _)| r.office)
            .collect();
        (station_of.is_some() || !central_for.is_empty()).then_some(
            crate::replica::AuthorStanding {
                station_of,
                central_for,
            },
        )
    }
}

impl crate::replica::ErasureCheck for Trust {
    fn allowed(&self, e: &Erasure) -> bool {
        self.erasure_allowed(e)
    }

    fn author(&self, key: &[u8; 32]) -> Option<crate::replica::AuthorStanding> {
        self.author_standing(key)
    }
}

#[cfg(test)]
mod tests;
