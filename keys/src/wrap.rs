//! Wrapping a person's [`DataKey`] to the recipients allowed to read the record.
//!
//! A wrapped key is an age file (X25519 stanzas, one per recipient) whose payload is the 32
//! key bytes. Destroying every wrapped copy of a key erases the person (crypto-shredding).

use std::io::{Read, Write};
use std::str::FromStr;

use zeroize::Zeroizing;

use crate::error::{UnwrapError, WrapError};
use crate::secret::DataKey;

/// One party allowed to read records: a station, an office, a regional or central office.
#[derive(Clone)]
pub struct Recipient {
    label: String,
    key: age::x25519::Recipient,
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
            key,
        })
    }

    /// The label given at parse time.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The `age1…` text form.
    pub fn to_text(&self) -> String {
        self.key.to_string()
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
        if !self.0.iter().any(|x| x.to_text() == r.to_text()) {
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
    /// Wraps this key to every recipient of `set`.
    pub fn wrap(&self, set: &RecipientSet) -> Result<WrappedKey, WrapError> {
        if set.is_empty() {
            return Err(WrapError::NoRecipients);
        }
        let recipients = set.iter().map(|r| &r.key as &dyn age::Recipient);
        let encryptor = age::Encryptor::with_recipients(recipients)?;
        let mut out = Vec::with_capacity(64 + 80 * set.len());
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

    #[test]
    fn bad_recipient_text_is_refused() {
        assert!(Recipient::parse("regional", "age1nope").is_err());
    }
}
