//! Station and officer identities: their secret halves and the public halves others see.

use std::str::FromStr;

use age::secrecy::ExposeSecret;
use ed25519_dalek::{Signer, SigningKey};
use zeroize::Zeroizing;

use crate::blind::IndexKey;
use crate::error::CredentialError;
use crate::signature::{PublicKey, Signature};
use crate::station_kek::StationKek;

/// What an officer may do at a station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Captures data and biometrics.
    Officer,
    /// Approves or rejects captures; reads the audit trail.
    Supervisor,
    /// Manages officers and station keys (and may supervise).
    Admin,
}

impl Role {
    /// The role's name in the CLI and in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may approve or reject captures.
    pub fn can_supervise(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "officer" | "oficial" => Ok(Role::Officer),
            "supervisor" => Ok(Role::Supervisor),
            "admin" | "administrador" => Ok(Role::Admin),
            other => Err(format!(
                "rol desconocido \"{other}\" (use officer, supervisor o admin)"
            )),
        }
    }
}

/// An officer's secret signing key and who they are.
pub struct OfficerKey {
    user: String,
    role: Role,
    signing: SigningKey,
}

impl OfficerKey {
    /// A new officer with a fresh signing key.
    pub fn generate(user: &str, role: Role) -> Self {
        OfficerKey {
            user: user.to_owned(),
            role,
            signing: SigningKey::generate(&mut rand::rngs::OsRng),
        }
    }

    pub(crate) fn from_parts(user: String, role: Role, secret: &Zeroizing<[u8; 32]>) -> Self {
        OfficerKey {
            user,
            role,
            signing: SigningKey::from_bytes(secret),
        }
    }

    /// The same signing key under another user name and role (a joining station's first
    /// administrator takes the key its invite was made with, already listed in the roster).
    pub fn into_named(self, user: &str, role: Role) -> Self {
        OfficerKey {
            user: user.to_owned(),
            role,
            signing: self.signing,
        }
    }

    pub(crate) fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.signing.to_bytes())
    }

    /// The officer's user name.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The officer's role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Signs `message` as this officer.
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.signing.sign(message))
    }

    /// The public half, for rosters and verification.
    pub fn public(&self) -> OfficerPublic {
        OfficerPublic {
            user: self.user.clone(),
            role: self.role,
            key: PublicKey(self.signing.verifying_key()),
        }
    }
}

impl std::fmt::Debug for OfficerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OfficerKey({}, {:?}, *****)", self.user, self.role)
    }
}

/// What anyone may know about an officer: name, role and signature-checking key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerPublic {
    /// User name.
    pub user: String,
    /// Role.
    pub role: Role,
    /// Key that checks the officer's signatures.
    pub key: PublicKey,
}

/// The secret half of a station: decrypts its records, signs as the station, tags indexes.
pub struct StationSecrets {
    station: String,
    office: String,
    x25519: age::x25519::Identity,
    office_x25519: age::x25519::Identity,
    signing: SigningKey,
    index_key: IndexKey,
    kek: StationKek,
    recipient: String,
}

impl StationSecrets {
    fn assemble(
        station: String,
        office: String,
        x25519: age::x25519::Identity,
        office_x25519: age::x25519::Identity,
        signing: SigningKey,
        index_key: IndexKey,
    ) -> Self {
        let kek = StationKek::derive(&x25519);
        let recipient = x25519.to_public().to_string();
        StationSecrets {
            station,
            office,
            x25519,
            office_x25519,
            signing,
            index_key,
            kek,
            recipient,
        }
    }

    /// A new station. The first station of an office also creates the office identity;
    /// later stations receive it when they join (`office_identity = Some(..)`).
    pub fn generate(station: &str, office: &str) -> Self {
        Self::assemble(
            station.to_owned(),
            office.to_owned(),
            age::x25519::Identity::generate(),
            age::x25519::Identity::generate(),
            SigningKey::generate(&mut rand::rngs::OsRng),
            IndexKey::generate(),
        )
    }

    /// A new station of this station's office (the invite ceremony): fresh station, signing
    /// and index keys, the same office identity.
    pub fn new_station_in_office(&self, station: &str) -> Self {
        Self::assemble(
            station.to_owned(),
            self.office.clone(),
            age::x25519::Identity::generate(),
            self.office_x25519.clone(),
            SigningKey::generate(&mut rand::rngs::OsRng),
            IndexKey::generate(),
        )
    }

    pub(crate) fn from_parts(
        station: String,
        office: String,
        x25519: &str,
        office_x25519: &str,
        signing: &Zeroizing<[u8; 32]>,
        index: &mut [u8; 32],
        path: &str,
    ) -> Result<Self, CredentialError> {
        let corrupt = |detail| CredentialError::Corrupt {
            path: path.to_owned(),
            detail,
        };
        Ok(Self::assemble(
            station,
            office,
            age::x25519::Identity::from_str(x25519)
                .map_err(|_| corrupt("identidad de estación"))?,
            age::x25519::Identity::from_str(office_x25519)
                .map_err(|_| corrupt("identidad de oficina"))?,
            SigningKey::from_bytes(signing),
            IndexKey::from_bytes(index),
        ))
    }

    pub(crate) fn x25519_text(&self) -> Zeroizing<String> {
        Zeroizing::new(self.x25519.to_string().expose_secret().to_owned())
    }

    pub(crate) fn office_x25519_text(&self) -> Zeroizing<String> {
        Zeroizing::new(self.office_x25519.to_string().expose_secret().to_owned())
    }

    pub(crate) fn signing_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.signing.to_bytes())
    }

    pub(crate) fn index_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(*self.index_key.expose_bytes())
    }

    /// The station's name.
    pub fn station(&self) -> &str {
        &self.station
    }

    /// The office code.
    pub fn office(&self) -> &str {
        &self.office
    }

    /// The blind-index key.
    pub fn index_key(&self) -> &IndexKey {
        &self.index_key
    }

    /// Identities that can unwrap record keys here: the station's own symmetric copy first
    /// (no public-key work), then the station and office X25519 identities.
    pub fn identities(&self) -> [&dyn age::Identity; 3] {
        [&self.kek, &self.x25519, &self.office_x25519]
    }

    /// The station's own X25519 identity (opens grants of office generations).
    pub(crate) fn x25519(&self) -> &age::x25519::Identity {
        &self.x25519
    }

    /// The station's key-wrapping key, which stands in for the station's own X25519 recipient
    /// when this station wraps a data key.
    pub(crate) fn kek(&self) -> &StationKek {
        &self.kek
    }

    /// The station's own `age1…` recipient text.
    pub(crate) fn recipient_text(&self) -> &str {
        &self.recipient
    }

    /// Signs `message` as the station.
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.signing.sign(message))
    }

    /// The public half.
    pub fn public(&self) -> StationPublic {
        StationPublic {
            station: self.station.clone(),
            office: self.office.clone(),
            recipient: self.recipient.clone(),
            office_recipient: self.office_x25519.to_public().to_string(),
            key: PublicKey(self.signing.verifying_key()),
        }
    }
}

impl std::fmt::Debug for StationSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StationSecrets({}/{}, *****)", self.office, self.station)
    }
}

/// What anyone may know about a station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationPublic {
    /// Station name.
    pub station: String,
    /// Office code.
    pub office: String,
    /// age recipient of the station (`age1…`).
    pub recipient: String,
    /// age recipient of the station's office (`age1…`).
    pub office_recipient: String,
    /// Key that checks the station's signatures.
    pub key: PublicKey,
}
