//! Who may act at this station and with which role: the station's signed officer list.
//!
//! A credential file proves who an officer is (it holds their signing key and a copy of the
//! station secrets) but the officer can open and re-seal it with their own passphrase, so the
//! role written inside it is not trusted. The role comes from the station's officer list,
//! signed by an administrator listed in the office roster (`huella_sync::roster`). A
//! credential is refused before anything is written when it belongs to another station or
//! office, or when its user, key or role does not match the list.
//!
//! This module owns those checks and the signed changes to the list (a new station, a new
//! officer). It must not print nor hold user-facing text beyond its error messages.

use huella_keys::{Credential, OfficerKey, OfficerPublic, Role, StationSecrets};
use huella_sync::roster::{
    ListedOfficer, OfficerList, Roster, RosterAdmin, RosterError, RosterStation, SignedOfficerList,
    SignedRoster, Trust,
};
use huella_sync::{Store, StoreError};
use thiserror::Error;

/// Why a credential may not open a session here, or an officer list could not change.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AccessError {
    /// The credential holds the secrets of another station or office.
    #[error(
        "la credencial de {user} es de otra estación u oficina ({station}, oficina {office}); no se puede usar aquí"
    )]
    ForeignCredential {
        /// User.
        user: String,
        /// Station named in the credential.
        station: String,
        /// Office named in the credential.
        office: String,
    },
    /// The user is not in the station's officer list.
    #[error("el usuario {0} no está en la lista firmada de oficiales de esta estación")]
    NotListed(String),
    /// The credential's key is not the one listed for the user.
    #[error("la credencial de {0} no corresponde a la lista firmada de oficiales")]
    KeyMismatch(String),
    /// The credential claims another role than the signed list gives the user.
    #[error(
        "la credencial de {user} dice rol {claimed} pero la lista firmada de oficiales dice {listed}; se rechaza"
    )]
    RoleMismatch {
        /// User.
        user: String,
        /// Role written in the credential.
        claimed: String,
        /// Role in the signed list.
        listed: String,
    },
    /// The list or the roster could not be read, or does not verify.
    #[error(transparent)]
    Roster(#[from] RosterError),
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks `credential` against this station and its signed officer list; returns the role
/// the officer acts with. Stations made before officer lists existed fall back to the
/// store's officer table (same user, key and role required).
pub fn check_credential(store: &Store, credential: &Credential) -> Result<Role, AccessError> {
    let officer = &credential.officer;
    let station = store.station()?;
    let secrets = &credential.station;
    if secrets.public().key.to_hex() != station.station_key
        || secrets.office() != station.office
        || secrets.station() != station.station
    {
        return Err(AccessError::ForeignCredential {
            user: officer.user().to_owned(),
            station: secrets.station().to_owned(),
            office: secrets.office().to_owned(),
        });
    }
    let key = officer.public().key.to_hex();
    let (listed_key, listed_role) =
        match Trust::new(store.replica()).officer_list(&station.office, &station.station)? {
            Some(list) => {
                let o = list
                    .officer(officer.user())
                    .ok_or_else(|| AccessError::NotListed(officer.user().to_owned()))?;
                (o.key.clone(), o.role.clone())
            }
            None => {
                let o = store
                    .officers()?
                    .into_iter()
                    .find(|o| o.user == officer.user())
                    .ok_or_else(|| AccessError::NotListed(officer.user().to_owned()))?;
                (o.key.to_hex(), o.role.as_str().to_owned())
            }
        };
    if listed_key != key {
        return Err(AccessError::KeyMismatch(officer.user().to_owned()));
    }
    if listed_role != officer.role().as_str() {
        return Err(AccessError::RoleMismatch {
            user: officer.user().to_owned(),
            claimed: officer.role().as_str().to_owned(),
            listed: listed_role,
        });
    }
    Ok(officer.role())
}

/// The office roster known here, or version 1 signed by `admin` listing this station and
/// `admin` as its administrator (a station created with `init` anchors its office).
pub fn ensure_roster(
    store: &Store,
    secrets: &StationSecrets,
    admin: &OfficerKey,
) -> Result<(Roster, SignedRoster), AccessError> {
    let trust = Trust::new(store.replica());
    if let Some(r) = trust.roster(secrets.office())? {
        return Ok(r);
    }
    let p = secrets.public();
    let r = Roster {
        office: secrets.office().to_owned(),
        version: 1,
        issued_at: huella_sync::time::now_utc(),
        office_recipient: p.office_recipient.clone(),
        stations: vec![RosterStation {
            name: secrets.station().to_owned(),
            key: p.key.to_hex(),
            recipient: p.recipient,
            revoked: false,
            revoked_at: String::new(),
        }],
        admins: vec![RosterAdmin {
            user: admin.user().to_owned(),
            key: admin.public().key.to_hex(),
            station: secrets.station().to_owned(),
        }],
        office_keys: vec![],
    };
    let signed = SignedRoster::sign(&r, admin);
    trust.anchor(&signed)?;
    Ok((r, signed))
}

/// Starts the officer list of a new station with its first administrator (who must be an
/// administrator of the office roster already known here).
pub fn start_list(
    store: &Store,
    secrets: &StationSecrets,
    admin: &OfficerKey,
) -> Result<(), AccessError> {
    let list = OfficerList {
        office: secrets.office().to_owned(),
        station: secrets.station().to_owned(),
        version: 1,
        issued_at: huella_sync::time::now_utc(),
        officers: vec![listed(&admin.public())],
    };
    Trust::new(store.replica()).put_officer_list(&SignedOfficerList::sign(&list, admin))?;
    Ok(())
}

/// Adds `officer` to the station's list, signed by `admin`. An administrator is also added
/// to the office roster's administrators (a new roster version), so the office keeps more
/// than one signer and any station's administrator can revoke a lost station.
pub fn add_to_list(
    store: &Store,
    secrets: &StationSecrets,
    admin: &OfficerKey,
    officer: &OfficerPublic,
) -> Result<(), AccessError> {
    let trust = Trust::new(store.replica());
    let (office, station) = (secrets.office(), secrets.station());
    let mut list = match trust.officer_list(office, station)? {
        Some(l) => l,
        None => OfficerList {
            office: office.to_owned(),
            station: station.to_owned(),
            version: 0,
            issued_at: String::new(),
            officers: store.officers()?.iter().map(listed).collect(),
        },
    };
    list.officers.retain(|o| o.user != officer.user);
    list.officers.push(listed(officer));
    list.version += 1;
    list.issued_at = huella_sync::time::now_utc();
    if officer.role == Role::Admin {
        let (mut roster, _) = ensure_roster(store, secrets, admin)?;
        let key = officer.key.to_hex();
        if !roster.admins.iter().any(|a| a.key == key) {
            roster.admins.push(RosterAdmin {
                user: officer.user.clone(),
                key,
                station: station.to_owned(),
            });
            roster.version += 1;
            roster.issued_at = huella_sync::time::now_utc();
            trust.anchor(&SignedRoster::sign(&roster, admin))?;
        }
    }
    trust.put_officer_list(&SignedOfficerList::sign(&list, admin))?;
    Ok(())
}

fn listed(o: &OfficerPublic) -> ListedOfficer {
    ListedOfficer {
        user: o.user.clone(),
        role: o.role.as_str().to_owned(),
        key: o.key.to_hex(),
    }
}
