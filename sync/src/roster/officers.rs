//! The signed officer list of one station: who may act there and in which role, signed by an
//! administrator listed in the office roster.
//!
//! A credential file only proves who an officer is (it holds their signing key); the role an
//! officer acts with is read from this list, so editing one's own credential changes nothing.
//! A list is accepted when its signer is an administrator of the office's known roster and its
//! version is newer than the one held. This module owns the list's format and those rules; it
//! must not open credentials nor decide what a role allows.

use huella_keys::{OfficerKey, Role};
use serde::{Deserialize, Serialize};

use super::{Roster, RosterError, Trust, verify_hex};

/// Domain separation: an administrator's signature over a list can never be read as a
/// signature over a roster or an audit entry.
const DOMAIN: &[u8] = b"huella/oficiales/v1\0";

/// One officer as listed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ListedOfficer {
    /// User name.
    pub user: String,
    /// Role (`officer`, `supervisor`, `admin`).
    pub role: String,
    /// Officer signing key (hex).
    pub key: String,
}

impl ListedOfficer {
    /// The listed role (`None` for a name this build does not know).
    pub fn role(&self) -> Option<Role> {
        self.role.parse().ok()
    }
}

/// The officers of one station.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OfficerList {
    /// Office code.
    pub office: String,
    /// Station name.
    pub station: String,
    /// Increases with every change.
    pub version: u64,
    /// When it was signed (UTC).
    pub issued_at: String,
    /// Officers.
    pub officers: Vec<ListedOfficer>,
}

impl OfficerList {
    /// The entry of `user`.
    pub fn officer(&self, user: &str) -> Option<&ListedOfficer> {
        self.officers.iter().find(|o| o.user == user)
    }

    /// The entry whose signing key is `key_hex`.
    pub fn by_key(&self, key_hex: &str) -> Option<&ListedOfficer> {
        self.officers.iter().find(|o| o.key == key_hex)
    }
}

/// An officer list with an administrator's signature.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SignedOfficerList {
    /// The list as signed (JSON bytes, kept verbatim).
    pub list: Vec<u8>,
    /// Signing administrator's key (hex).
    pub signer: String,
    /// Signature (hex) over the domain tag and `list`.
    pub signature: String,
}

impl SignedOfficerList {
    /// Signs `list` with an administrator's key.
    pub fn sign(list: &OfficerList, admin: &OfficerKey) -> Self {
        let bytes = serde_json::to_vec_pretty(list).unwrap_or_default();
        let signature = admin.sign(&[DOMAIN, &bytes].concat()).to_hex();
        SignedOfficerList {
            list: bytes,
            signer: admin.public().key.to_hex(),
            signature,
        }
    }

    /// The list inside (not yet checked).
    pub fn list(&self) -> Result<OfficerList, RosterError> {
        serde_json::from_slice(&self.list).map_err(|e| RosterError::Malformed(e.to_string()))
    }

    /// Checks that the list is of `roster`'s office and signed by one of its administrators.
    pub fn verify_by(&self, roster: &Roster) -> Result<OfficerList, RosterError> {
        let list = self.list()?;
        // An administrator of a revoked station still signs its own station's list (its
        // officers keep reading what they could), never another station's.
        let listed = roster.admins.iter().any(|a| {
            a.key == self.signer && (!roster.is_revoked(&a.station) || a.station == list.station)
        });
        if list.office != roster.office
            || !listed
            || !verify_hex(
                &self.signer,
                &[DOMAIN, &self.list].concat(),
                &self.signature,
            )
        {
            return Err(RosterError::BadOfficerList(list.station));
        }
        Ok(list)
    }

    /// The stored form.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses the stored form.
    pub fn from_bytes(b: &[u8]) -> Result<Self, RosterError> {
        serde_json::from_slice(b).map_err(|e| RosterError::Malformed(e.to_string()))
    }
}

/// Where a station's officer list is kept in the replica tree (`F` office `\0` station; the
/// replica's other prefixes are listed in `replica/keys.rs`).
fn list_key(office: &str, station: &str) -> Vec<u8> {
    [b"F", office.as_bytes(), b"\0", station.as_bytes()].concat()
}

impl Trust {
    /// The officer list of `station` of `office`, checked against the office's known roster.
    /// `None` when the station has none yet; an error when the stored list does not verify
    /// (edited on disk, or signed by someone who is not an administrator).
    pub fn officer_list(
        &self,
        office: &str,
        station: &str,
    ) -> Result<Option<OfficerList>, RosterError> {
        let Some(v) = self.replica.tree().get(list_key(office, station))? else {
            return Ok(None);
        };
        let signed = SignedOfficerList::from_bytes(&v)?;
        let (roster, _) = self
            .roster(office)?
            .ok_or_else(|| RosterError::BadOfficerList(station.to_owned()))?;
        let list = signed.verify_by(&roster)?;
        if list.station != station {
            return Err(RosterError::BadOfficerList(station.to_owned()));
        }
        Ok(Some(list))
    }

    /// The stored signed officer list of `station` of `office`, unchecked (to send along).
    pub fn signed_officer_list(
        &self,
        office: &str,
        station: &str,
    ) -> Result<Option<SignedOfficerList>, RosterError> {
        match self.replica.tree().get(list_key(office, station))? {
            None => Ok(None),
            Some(v) => Ok(Some(SignedOfficerList::from_bytes(&v)?)),
        }
    }

    /// Stores a signed officer list that is newer than the known one and signed by an
    /// administrator of its office's known roster.
    pub fn put_officer_list(&self, s: &SignedOfficerList) -> Result<OfficerList, RosterError> {
        let list = s.list()?;
        let (roster, _) = self
            .roster(&list.office)?
            .ok_or_else(|| RosterError::BadOfficerList(list.station.clone()))?;
        s.verify_by(&roster)?;
        if let Some(v) = self
            .replica
            .tree()
            .get(list_key(&list.office, &list.station))?
            && let Ok(known) = SignedOfficerList::from_bytes(&v).and_then(|k| k.list())
            && known.version >= list.version
        {
            return Err(RosterError::Stale {
                office: list.office,
                got: list.version,
                known: known.version,
            });
        }
        self.replica
            .tree()
            .insert(list_key(&list.office, &list.station), s.to_bytes())?;
        self.replica.tree().flush()?;
        Ok(list)
    }
}
