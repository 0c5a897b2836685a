//! Wrapping a person's [`DataKey`] to the recipients allowed to read the record.
//!
//! A wrapped key is an age file (one stanza per recipient) whose payload is the 32 key bytes.
//! Stanzas are X25519, except the wrapping station's own copy, which [`DataKey::wrap_at`]
//! makes symmetric (see `station_kek`). Destroying every wrapped copy of a key erases the
//! person (crypto-shredding).

use std::io::{Read, Write};
use std::str::FromStr;

use zeroize::Zeroizing;

use crate::error::{UnwrapError, WrapError};
use crate::identity::StationSecrets;
use crate::secret::DataKey;

/// One party allowed to read records: a station, an office, a regional or central office.
#[derive(Clone)]
pub struct Recipient {
    label: String,
    key: age::x25519::Recipient,
    text: String,
}

impl Recipient {
    /// Parses an `age1…` public key, naming it `label` (e.g. "oficina", "regional").
    pub fn parse(label: &str, text: &str) -> Result<Self, WrapError> {
        let key = age::x25519::Recipient::from_str(text.trim()).map_err(|_| {
            WrapError::InvalidRecipient {
                label: label.to_owned(),
            }
        })?;
        Ok(Recipient {
            label: label.to_owned(),
            text: key.to_string(),
            key,
        })
    }

    /// The label given at parse time.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The `age1…` text form.
    pub fn to_text(&self) -> String {
        self.text.clone()
    }

    pub(crate) fn age(&self) -> &age::x25519::Recipient {
        &self.key
    }
}

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recipient({}: {})", self.label, self.key)
    }
}

/// The set of recipients every record key of a station is wrapped to.
#[derive(Clone, Debug, Default)]
pub struct RecipientSet(Vec<Recipient>);

impl RecipientSet {
    /// An empty set.
    pub fn new() -> Self {
        RecipientSet(Vec::new())
    }

    /// Adds a recipient (duplicates by key are ignored).
    pub fn push(&mut self, r: Recipient) {
        if !self.0.iter().any(|x| x.text == r.text) {
            self.0.push(r);
        }
    }

    /// The recipients in order.
    pub fn iter(&self) -> impl Iterator<Item = &Recipient> {
        self.0.iter()
    }

    /// How many recipients there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A data key encrypted to a [`RecipientSet`].
#[derive(Clone, PartialEq, Eq)]
pub struct WrappedKey(Vec<u8>);

impl WrappedKey {
    /// Takes stored bytes as a wrapped key (checked only when unwrapped).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        WrappedKey(bytes)
    }

    /// The bytes to store or send.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Recovers the data key with any of `identities`.
    pub fn unwrap_with(&self, identities: &[&dyn age::Identity]) -> Result<DataKey, UnwrapError> {
        let decryptor = age::Decryptor::new(&self.0[..]).map_err(|_| UnwrapError::Corrupt)?;
        let mut reader = decryptor
            .decrypt(identities.iter().copied())
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys => UnwrapError::NotARecipient,
                _ => UnwrapError::Corrupt,
            })?;
        let mut buf = Zeroizing::new(Vec::with_capacity(32));
        reader
            .read_to_end(&mut buf)
            .map_err(|_| UnwrapError::Corrupt)?;
        let mut key: [u8; 32] = buf
            .as_slice()
            .try_into()
            .map_err(|_| UnwrapError::Corrupt)?;
        Ok(DataKey::from_bytes(&mut key))
    }
}

impl std::fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WrappedKey({} bytes)", self.0.len())
    }
}

impl DataKey {
    /// Wraps this key to every recipient of `set` (X25519 stanzas only).
    pub fn wrap(&self, set: &RecipientSet) -> Result<WrappedKey, WrapError> {
        self.wrap_stanzas(set.len(), set.iter().map(|r| &r.key as &dyn age::Recipient))
    }

    /// Wraps this key at `station` to every recipient of `set`; the station's own recipient,
    /// if in `set`, gets a symmetric stanza under the station's key-wrapping key (readable
    /// only with that station's secrets), every other recipient an X25519 stanza.
    pub fn wrap_at(
        &self,
        station: &StationSecrets,
        set: &RecipientSet,
    ) -> Result<WrappedKey, WrapError> {
        let own = station.recipient_text();
        self.wrap_stanzas(
            set.len(),
            set.iter().map(|r| {
                if r.text == own {
                    station.kek() as &dyn age::Recipient
                } else {
                    &r.key as &dyn age::Recipient
                }
            }),
        )
    }

    fn wrap_stanzas<'a>(
        &self,
        n: usize,
        recipients: impl Iterator<Item = &'a dyn age::Recipient>,
    ) -> Result<WrappedKey, WrapError> {
        if n == 0 {
            return Err(WrapError::NoRecipients);
        }
        let encryptor = age::Encryptor::with_recipients(recipients)?;
        let mut out = Vec::with_capacity(64 + 100 * n);
        let mut w = encryptor.wrap_output(&mut out).map_err(WrapError::Io)?;
        w.write_all(self.expose_bytes()).map_err(WrapError::Io)?;
        w.finish().map_err(WrapError::Io)?;
        Ok(WrappedKey(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::StationSecrets;

    fn set_for(s: &StationSecrets) -> RecipientSet {
        let p = s.public();
        let mut set = RecipientSet::new();
        set.push(Recipient::parse("estacion", &p.recipient).expect("r"));
        set.push(Recipient::parse("oficina", &p.office_recipient).expect("r"));
        set
    }

    #[test]
    fn wrap_unwrap_round_trip_and_outsiders_cannot() {
        let a = StationSecrets::generate("A", "0101");
        let b = StationSecrets::generate("B", "0202");
        let k = DataKey::generate();
        let w = k.wrap(&set_for(&a)).expect("wrap");
        let back = w.unwrap_with(&a.identities()).expect("unwrap");
        assert_eq!(back.expose_bytes(), k.expose_bytes());
        assert!(matches!(
            w.unwrap_with(&b.identities()),
            Err(UnwrapError::NotARecipient)
        ));
        assert!(matches!(
            WrappedKey::from_bytes(b"basura".to_vec()).unwrap_with(&a.identities()),
            Err(UnwrapError::Corrupt)
        ));
    }

    fn stanza_tags(w: &WrappedKey) -> Vec<String> {
        String::from_utf8_lossy(w.as_bytes())
            .lines()
            .filter_map(|l| l.strip_prefix("-> "))
            .map(|l| l.split(' ').next().unwrap_or("").to_owned())
            // age adds a random "grease" stanza to some files; it carries no key.
            .filter(|t| !t.ends_with("-grease"))
            .collect()
    }

    #[test]
    fn wrap_at_station_is_symmetric_for_itself_and_age_for_the_office() {
        let a = StationSecrets::generate("A", "0101");
        let a2 = a.new_station_in_office("A2");
        let b = StationSecrets::generate("B", "0202");
        let k = DataKey::generate();
        let w = k.wrap_at(&a, &set_for(&a)).expect("wrap");
        assert_eq!(stanza_tags(&w), ["huella-estacion", "X25519"]);
        // The wrapping station reads its symmetric copy (even from a reloaded credential:
        // the key-wrapping key is derived from the station identity)...
        let back = w.unwrap_with(&a.identities()).expect("unwrap");
        assert_eq!(back.expose_bytes(), k.expose_bytes());
        let only_kek: [&dyn age::Identity; 1] = [a.kek()];
        let back = w
            .unwrap_with(&only_kek)
            .expect("unwrap with the station key alone");
        assert_eq!(back.expose_bytes(), k.expose_bytes());
        // ...another station of the office reads the office copy, an outsider nothing.
        let back = w.unwrap_with(&a2.identities()).expect("office unwrap");
        assert_eq!(back.expose_bytes(), k.expose_bytes());
        let office_only: [&dyn age::Identity; 1] = [a2.identities()[2]];
        assert!(w.unwrap_with(&office_only).is_ok());
        assert!(matches!(
            w.unwrap_with(&b.identities()),
            Err(UnwrapError::NotARecipient)
        ));
        // Another station's symmetric stanza is not ours: a2 alone (no office) cannot read.
        let a2_station: [&dyn age::Identity; 2] = [a2.identities()[0], a2.identities()[1]];
        assert!(matches!(
            w.unwrap_with(&a2_station),
            Err(UnwrapError::NotARecipient)
        ));
        // A recipient set without the station itself gets X25519 stanzas only.
        let mut office = RecipientSet::new();
        office.push(Recipient::parse("oficina", &a.public().office_recipient).expect("r"));
        assert_eq!(stanza_tags(&k.wrap_at(&a, &office).expect("w")), ["X25519"]);
        assert!(matches!(
            k.wrap_at(&a, &RecipientSet::new()),
            Err(WrapError::NoRecipients)
        ));
    }

    #[test]
    fn a_damaged_station_stanza_is_refused_not_misread() {
        let a = StationSecrets::generate("A", "0101");
        let k = DataKey::generate();
        let w = k.wrap_at(&a, &set_for(&a)).expect("wrap");
        let only_kek: [&dyn age::Identity; 1] = [a.kek()];
        // Change one base64 character of the symmetric stanza body: it must not open.
        let text = w.as_bytes().to_vec();
        let start = text
            .windows(16)
            .position(|x| x == b"huella-estacion ")
            .expect("stanza");
        let body = start + text[start..].iter().position(|&c| c == b'\n').expect("nl") + 1;
        let mut bad = text.clone();
        bad[body + 3] = if bad[body + 3] == b'A' { b'B' } else { b'A' };
        assert!(WrappedKey::from_bytes(bad).unwrap_with(&only_kek).is_err());
        let mut truncated = text.clone();
        truncated.truncate(body + 10);
        assert!(
            WrappedKey::from_bytes(truncated)
                .unwrap_with(&a.identities())
                .is_err()
        );
    }

    #[test]
    fn bad_recipient_text_is_refused() {
        assert!(Recipient::parse("regional", "age1nope").is_err());
    }
}
