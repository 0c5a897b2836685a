//! The gallery key: one random key that seals every template and probe the search keeps in
//! PostgreSQL, stored there wrapped (age X25519) to the central office recipient, so only a
//! holder of the central node's office identity opens it. A sealed finger is bound to its
//! reference id and finger position: a row copied to another person does not open.
//!
//! This module owns the key and the sealed formats. It must not log or print the key (it is
//! zeroized on drop and has a redacted `Debug`), and it must not touch any other table.

use huella_keys::{DataKey, Recipient, RecipientSet, StationSecrets, WrappedKey};
use postgres::Client;

use super::ShardError;
use crate::matching::Template;

/// Most fingers in one probe.
pub const MAX_PROBE_FINGERS: usize = 10;
/// Largest sealed row read back (a template's first view is ≈ 1.5–10 KB; 64 KB holds a
/// print of about 7 × 7 cm; anything larger is damage).
pub const MAX_SEALED: usize = 64 * 1024;

/// The key that seals the gallery's templates; not `Clone`, zeroized on drop.
pub struct GalleryKey(DataKey);

impl std::fmt::Debug for GalleryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GalleryKey(*****)")
    }
}

impl GalleryKey {
    /// Creates the gallery key of a new search database, wrapped to `central_recipient`
    /// (`age1…`); [`ShardError::GalleryKeyExists`] when the database already has one.
    pub fn create(client: &mut Client, central_recipient: &str) -> Result<Self, ShardError> {
        let mut set = RecipientSet::new();
        set.push(Recipient::parse("central", central_recipient)?);
        let key = DataKey::generate();
        let wrapped = key.wrap(&set)?;
        let n = client.execute(
            "INSERT INTO gallery_key (id, recipient, wrapped) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO NOTHING",
            &[&central_recipient.trim(), &wrapped.as_bytes()],
        )?;
        if n == 0 {
            return Err(ShardError::GalleryKeyExists);
        }
        Ok(GalleryKey(key))
    }

    /// Opens the stored gallery key with the central node's identities (`station` holds the
    /// central office identity).
    pub fn open(client: &mut Client, station: &StationSecrets) -> Result<Self, ShardError> {
        let row = client
            .query_opt(
                "SELECT wrapped FROM gallery_key WHERE id = 1 AND length(wrapped) <= $1",
                &[&(MAX_SEALED as i32)],
            )?
            .ok_or(ShardError::NoGalleryKey)?;
        let wrapped = WrappedKey::from_bytes(row.try_get(0)?);
        let key = wrapped
            .unwrap_with(&station.identities())
            .map_err(|_| ShardError::GalleryKeyNotOurs)?;
        Ok(GalleryKey(key))
    }

    /// Opens the stored key, or creates it wrapped to `central_recipient` when there is none
    /// (the first central pass on a new database).
    pub fn open_or_create(
        client: &mut Client,
        central_recipient: &str,
        station: &StationSecrets,
    ) -> Result<Self, ShardError> {
        match Self::create(client, central_recipient) {
            Err(ShardError::GalleryKeyExists) => Self::open(client, station),
            other => other,
        }
    }

    /// Seals one finger's template for `reference`: its first view only, the one the 1:N
    /// search reads (a second view would double the gallery for nothing it does).
    pub fn seal_finger(&self, reference: &str, finger: u8, template: &Template) -> Vec<u8> {
        let plain = zeroize::Zeroizing::new(template.encode_first_view());
        self.0.seal(&plain, &finger_context(reference, finger))
    }

    /// Opens a finger sealed by [`GalleryKey::seal_finger`] for the same reference and finger.
    pub fn open_finger(
        &self,
        reference: &str,
        finger: u8,
        sealed: &[u8],
    ) -> Result<Template, ShardError> {
        if sealed.len() > MAX_SEALED {
            return Err(ShardError::BadRow {
                table: "gallery_fingers",
            });
        }
        let plain = zeroize::Zeroizing::new(
            self.0
                .open(sealed, &finger_context(reference, finger))
                .map_err(|_| ShardError::BadRow {
                    table: "gallery_fingers",
                })?,
        );
        Template::decode(&plain).map_err(|_| ShardError::BadRow {
            table: "gallery_fingers",
        })
    }

    /// Seals an identify's probe fingers (position, template) for `request`, first views
    /// only, as [`GalleryKey::seal_finger`].
    pub fn seal_probe(&self, request: &str, fingers: &[(u8, Template)]) -> Vec<u8> {
        let mut plain = zeroize::Zeroizing::new(Vec::new());
        for (position, t) in fingers.iter().take(MAX_PROBE_FINGERS) {
            let bytes = zeroize::Zeroizing::new(t.encode_first_view());
            plain.push(*position);
            plain.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            plain.extend_from_slice(&bytes);
        }
        self.0.seal(&plain, &probe_context(request))
    }

    /// Opens a probe sealed by [`GalleryKey::seal_probe`]; never panics on damaged bytes.
    pub fn open_probe(
        &self,
        request: &str,
        sealed: &[u8],
    ) -> Result<Vec<(u8, Template)>, ShardError> {
        let bad = ShardError::BadRow {
            table: "abis_requests",
        };
        if sealed.len() > MAX_SEALED * MAX_PROBE_FINGERS {
            return Err(bad);
        }
        let plain = zeroize::Zeroizing::new(self.0.open(sealed, &probe_context(request)).map_err(
            |_| ShardError::BadRow {
                table: "abis_requests",
            },
        )?);
        let mut rest: &[u8] = &plain;
        let mut out = Vec::new();
        while let [position, a, b, c, d, tail @ ..] = rest {
            let len = u32::from_le_bytes([*a, *b, *c, *d]) as usize;
            if len > tail.len() || out.len() >= MAX_PROBE_FINGERS {
                return Err(bad);
            }
            let (bytes, after) = tail.split_at(len);
            let t = Template::decode(bytes).map_err(|_| ShardError::BadRow {
                table: "abis_requests",
            })?;
            out.push((*position, t));
            rest = after;
        }
        if !rest.is_empty() {
            return Err(bad);
        }
        Ok(out)
    }
}

fn finger_context(reference: &str, finger: u8) -> Vec<u8> {
    let mut c = b"huella-galeria-dedo\0".to_vec();
    c.extend_from_slice(reference.as_bytes());
    c.push(0);
    c.push(finger);
    c
}

fn probe_context(request: &str) -> Vec<u8> {
    let mut c = b"huella-galeria-sonda\0".to_vec();
    c.extend_from_slice(request.as_bytes());
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::test_support::random_template;

    #[test]
    fn a_sealed_finger_opens_only_for_its_reference_and_position() {
        let key = GalleryKey(DataKey::generate());
        let t = random_template(7, 30);
        let sealed = key.seal_finger("ref-a", 3, &t);
        assert_eq!(key.open_finger("ref-a", 3, &sealed).ok(), Some(t.clone()));
        assert!(key.open_finger("ref-b", 3, &sealed).is_err());
        assert!(key.open_finger("ref-a", 4, &sealed).is_err());
        let probe = key.seal_probe("req", &[(1, t.clone()), (2, random_template(8, 20))]);
        let opened = key.open_probe("req", &probe).expect("probe");
        assert_eq!(opened.len(), 2);
        assert_eq!(opened[0], (1, t));
        assert!(key.open_probe("other", &probe).is_err());
        assert!(key.open_probe("req", &probe[..probe.len() - 1]).is_err());
        assert_eq!(format!("{key:?}"), "GalleryKey(*****)");
    }

    /// The gallery searches first views only, so it seals nothing more.
    #[test]
    fn a_second_view_is_not_sealed_into_the_gallery() {
        let key = GalleryKey(DataKey::generate());
        let two = crate::matching::test_support::two_view_template();
        assert_eq!(two.encode()[3], crate::matching::template::VERSION);
        let first = Template {
            second_view: None,
            ..two.clone()
        };
        let sealed = key.seal_finger("ref-a", 3, &two);
        assert_eq!(
            key.open_finger("ref-a", 3, &sealed).ok(),
            Some(first.clone())
        );
        let probe = key.seal_probe("req", &[(1, two)]);
        assert_eq!(key.open_probe("req", &probe).ok(), Some(vec![(1, first)]));
    }
}
