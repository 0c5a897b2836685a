//! Office key generations: the office identity that replaces the shared one after a station
//! is revoked, and its grants to the stations still trusted.
//!
//! Generation 0 is the office identity every station of an office holds in its credential.
//! Each revocation creates generation n+1 ([`OfficeKey::generate`]); its secret reaches each
//! unrevoked station as a *grant*: an age file with one X25519 stanza to that station's own
//! recipient, so only that station can open it ([`OfficeKey::from_grant`]). A station keeps
//! the generations it was granted in an [`OfficeKeyring`]: new record keys are wrapped to the
//! newest, and every generation is tried when a record key is unwrapped.
//!
//! This module owns generating, granting and opening office keys. It must not know rosters,
//! stores or files, and it never prints or logs secret material.

use std::io::{Read, Write};
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use zeroize::Zeroizing;

use crate::error::{UnwrapError, WrapError};
use crate::identity::StationSecrets;
use crate::secret::DataKey;
use crate::wrap::{Recipient, WrappedKey};

/// One generation (≥ 1) of an office's X25519 identity; the secret is zeroized on drop and
/// this type is neither `Clone` nor printable.
pub struct OfficeKey {
    generation: u32,
    identity: age::x25519::Identity,
    recipient: String,
}

impl OfficeKey {
    /// A fresh office identity for `generation`.
    pub fn generate(generation: u32) -> Self {
        let identity = age::x25519::Identity::generate();
        OfficeKey {
            generation,
            recipient: identity.to_public().to_string(),
            identity,
        }
    }

    /// The generation number.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// The `age1…` recipient of this generation (public).
    pub fn recipient(&self) -> &str {
        &self.recipient
    }

    /// Seals this generation's secret to one station's recipient (`age1…`): only that
    /// station's X25519 identity opens the result.
    pub fn grant_to(&self, station_recipient: &str) -> Result<Vec<u8>, WrapError> {
        let to = Recipient::parse("estacion", station_recipient)?;
        let secret = Zeroizing::new(self.identity.to_string().expose_secret().to_owned());
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(to.age() as &dyn age::Recipient))?;
        let mut out = Vec::with_capacity(256);
        let mut w = encryptor.wrap_output(&mut out).map_err(WrapError::Io)?;
        w.write_all(secret.as_bytes()).map_err(WrapError::Io)?;
        w.finish().map_err(WrapError::Io)?;
        Ok(out)
    }

    /// Opens a grant made to `station` for `generation`, checking that the secret inside is
    /// the one whose public recipient is `recipient` (a grant of another key is refused).
    pub fn from_grant(
        generation: u32,
        recipient: &str,
        grant: &[u8],
        station: &StationSecrets,
    ) -> Result<Self, UnwrapError> {
        let decryptor = age::Decryptor::new(grant).map_err(|_| UnwrapError::Corrupt)?;
        let mut reader = decryptor
            .decrypt(std::iter::once(station.x25519() as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys => UnwrapError::NotARecipient,
                _ => UnwrapError::Corrupt,
            })?;
        let mut text = Zeroizing::new(Vec::with_capacity(80));
        reader
            .read_to_end(&mut text)
            .map_err(|_| UnwrapError::Corrupt)?;
        let text = std::str::from_utf8(&text).map_err(|_| UnwrapError::Corrupt)?;
        let identity = age::x25519::Identity::from_str(text).map_err(|_| UnwrapError::Corrupt)?;
        let found = identity.to_public().to_string();
        if found != recipient.trim() {
            return Err(UnwrapError::Corrupt);
        }
        Ok(OfficeKey {
            generation,
            identity,
            recipient: found,
        })
    }
}

impl std::fmt::Debug for OfficeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OfficeKey(generación {}, *****)", self.generation)
    }
}

/// The office generations (≥ 1) a station holds, oldest first; empty before any rotation.
#[derive(Debug, Default)]
pub struct OfficeKeyring(Vec<OfficeKey>);

impl OfficeKeyring {
    /// An empty keyring (only generation 0, held in the station secrets).
    pub fn new() -> Self {
        OfficeKeyring(Vec::new())
    }

    /// Adds a generation (a generation already held is ignored).
    pub fn push(&mut self, key: OfficeKey) {
        if !self.0.iter().any(|k| k.generation == key.generation) {
            self.0.push(key);
            self.0.sort_by_key(|k| k.generation);
        }
    }

    /// The newest generation held, if any.
    pub fn newest(&self) -> Option<&OfficeKey> {
        self.0.last()
    }

    /// The generation with number `generation`.
    pub fn get(&self, generation: u32) -> Option<&OfficeKey> {
        self.0.iter().find(|k| k.generation == generation)
    }

    /// The generations held, in order.
    pub fn iter(&self) -> impl Iterator<Item = &OfficeKey> {
        self.0.iter()
    }

    /// How many generations are held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no generation is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl WrappedKey {
    /// Recovers the data key at `station`: its own symmetric copy, then the office
    /// generations in `office` newest first (what other stations of the office write since
    /// the last rotation), then the station's X25519 identity and office generation 0 in the
    /// order [`StationSecrets::identities`] gives them. age tries identities in turn, each
    /// against every X25519 stanza (one scalar multiplication per try).
    pub fn unwrap_at(
        &self,
        station: &StationSecrets,
        office: &OfficeKeyring,
    ) -> Result<DataKey, UnwrapError> {
        let [kek, own, office0] = station.identities();
        let mut ids: Vec<&dyn age::Identity> = Vec::with_capacity(3 + office.0.len());
        ids.push(kek);
        ids.extend(
            office
                .0
                .iter()
                .rev()
                .map(|k| &k.identity as &dyn age::Identity),
        );
        ids.push(own);
        ids.push(office0);
        self.unwrap_with(&ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wrap::RecipientSet;

    #[test]
    fn a_grant_opens_only_at_its_station_and_reads_what_the_generation_wraps() {
        let a = StationSecrets::generate("A", "0101");
        let b = a.new_station_in_office("B");
        let c = a.new_station_in_office("C");
        let g1 = OfficeKey::generate(1);
        let to_b = g1.grant_to(&b.public().recipient).expect("grant");
        let at_b = OfficeKey::from_grant(1, g1.recipient(), &to_b, &b).expect("B opens its grant");
        assert_eq!(at_b.recipient(), g1.recipient());
        assert!(matches!(
            OfficeKey::from_grant(1, g1.recipient(), &to_b, &c),
            Err(UnwrapError::NotARecipient)
        ));
        // A grant of another key under this generation's name is refused.
        let other = OfficeKey::generate(1);
        let forged = other.grant_to(&b.public().recipient).expect("grant");
        assert!(OfficeKey::from_grant(1, g1.recipient(), &forged, &b).is_err());
        assert!(OfficeKey::from_grant(1, g1.recipient(), b"basura", &b).is_err());

        // A key wrapped at A to generation 1 (not generation 0) opens at B with the
        // keyring, and not at C, which holds only generation 0.
        let mut set = RecipientSet::new();
        set.push(Recipient::parse("estacion", &a.public().recipient).expect("r"));
        set.push(Recipient::parse("oficina", g1.recipient()).expect("r"));
        let k = DataKey::generate();
        let w = k.wrap_at(&a, &set).expect("wrap");
        let mut ring = OfficeKeyring::new();
        ring.push(at_b);
        let back = w.unwrap_at(&b, &ring).expect("B reads");
        assert_eq!(back.expose_bytes(), k.expose_bytes());
        assert!(matches!(
            w.unwrap_at(&c, &OfficeKeyring::new()),
            Err(UnwrapError::NotARecipient)
        ));
        assert!(!format!("{ring:?}").contains("AGE-SECRET"));
    }
}
