//! The replica's exchange units: what a node has of a record, and the data it sends.

use serde::{Deserialize, Serialize};

use super::Hash;

/// What one node has of one record.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecordHave {
    /// Record id.
    pub id: [u8; 16],
    /// The node holds an erasure entry for it.
    pub erased: bool,
    /// The node holds the wrapped data key.
    pub has_key: bool,
    /// Wire chunk hashes held.
    pub chunks: Vec<Hash>,
    /// Complete blob hashes held.
    pub blobs: Vec<Hash>,
    /// Blobs partly received: (hash, bytes held), so a transfer resumes where it stopped.
    pub partial: Vec<(Hash, u64)>,
}

/// Part (or all) of a sealed blob.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BlobPart {
    /// SHA-256 of the whole sealed blob.
    pub hash: Hash,
    /// Where these bytes start.
    pub offset: u64,
    /// Size of the whole sealed blob.
    pub total: u64,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A signed order to erase a person: replicates, and keeps them erased forever.
///
/// Signed twice: by the ordering station (which office it comes from) and by the ordering
/// officer (who, with which role). `officers` carries the station's officer list signed by
/// an office administrator, so any receiver (station, peer, hub) can check the officer's role
/// without holding that list; it is empty when the officer is an office administrator listed
/// in the roster itself.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Erasure {
    /// The record.
    pub id: [u8; 16],
    /// When it was ordered (UTC text).
    pub ordered_at: String,
    /// Officer who ordered it (user name, not personal data of the enrollee).
    pub officer: String,
    /// Office of the station that signed.
    pub office: String,
    /// Station signing key (Ed25519) that signed it.
    pub station_key: [u8; 32],
    /// Station signature over [`Erasure::signed_bytes`].
    pub signature: Vec<u8>,
    /// The ordering officer's signing key (Ed25519).
    pub officer_key: [u8; 32],
    /// The officer's signature over [`Erasure::signed_bytes`].
    pub officer_signature: Vec<u8>,
    /// The ordering station's signed officer list (JSON of a `SignedOfficerList`), or empty.
    pub officers: Vec<u8>,
}

impl Erasure {
    /// The bytes the station and the officer sign.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut v = b"huella/borrado/v2\0".to_vec();
        v.extend_from_slice(&self.id);
        for s in [&self.ordered_at, &self.officer, &self.office] {
            v.extend_from_slice(&(s.len() as u32).to_be_bytes());
            v.extend_from_slice(s.as_bytes());
        }
        v.extend_from_slice(&self.station_key);
        v.extend_from_slice(&self.officer_key);
        v
    }

    /// An order to erase record `id`, signed by `station` (of `office`) and `officer`;
    /// `officers` is the station's signed officer list (empty for an office administrator).
    pub fn order(
        id: [u8; 16],
        ordered_at: &str,
        office: &str,
        station: &dyn crate::protocol::Signer,
        officer: &huella_keys::OfficerKey,
        officers: Vec<u8>,
    ) -> Self {
        let officer_key = officer.public().key.to_bytes();
        let mut e = Erasure {
            id,
            ordered_at: ordered_at.to_owned(),
            officer: officer.user().to_owned(),
            office: office.to_owned(),
            station_key: station.public_key(),
            signature: Vec::new(),
            officer_key,
            officer_signature: Vec::new(),
            officers,
        };
        let bytes = e.signed_bytes();
        e.signature = station.sign(&bytes);
        e.officer_signature = officer.sign(&bytes).to_bytes().to_vec();
        e
    }
}

/// Data one node sends another for one record.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecordData {
    /// Record id.
    pub id: [u8; 16],
    /// The wrapped data key, when the receiver lacks it.
    pub wrapped_key: Option<Vec<u8>>,
    /// Sealed wire chunks the receiver lacks.
    pub chunks: Vec<Vec<u8>>,
    /// Blob parts the receiver lacks.
    pub blobs: Vec<BlobPart>,
    /// The erasure entry, when the receiver lacks it.
    pub erasure: Option<Erasure>,
    /// Who wrote each of `chunks` (same order): the station that signed it.
    pub authors: Vec<ChunkAuthor>,
}

/// The station that wrote a wire chunk, and its signature over
/// [`ChunkAuthor::signed_bytes`]: receivers accept a record's chunks only from stations of
/// the office that owns it (or that office's central key), without reading them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChunkAuthor {
    /// Station (or central) signing key (Ed25519).
    pub key: [u8; 32],
    /// Signature over [`ChunkAuthor::signed_bytes`].
    pub signature: Vec<u8>,
}

impl ChunkAuthor {
    /// The bytes an author signs for chunk `hash` of record `id`.
    pub fn signed_bytes(id: &[u8; 16], hash: &Hash) -> Vec<u8> {
        [b"huella/fragmento/autor/v1\0".as_slice(), id, hash].concat()
    }

    /// `signer`'s authorship of chunk `hash` of record `id`.
    pub fn sign(id: &[u8; 16], hash: &Hash, signer: &dyn crate::protocol::Signer) -> Self {
        ChunkAuthor {
            key: signer.public_key(),
            signature: signer.sign(&Self::signed_bytes(id, hash)),
        }
    }

    /// Whether the signature is `key`'s over chunk `hash` of record `id`.
    pub fn verifies(&self, id: &[u8; 16], hash: &Hash) -> bool {
        crate::roster::verify_raw(&self.key, &Self::signed_bytes(id, hash), &self.signature)
    }
}

impl RecordData {
    /// Approximate encoded size.
    pub fn size(&self) -> usize {
        16 + self.wrapped_key.as_ref().map_or(0, Vec::len)
            + self.chunks.iter().map(|c| c.len() + 4 + 100).sum::<usize>()
            + self.blobs.iter().map(|b| b.bytes.len() + 56).sum::<usize>()
            + self.erasure.as_ref().map_or(0, |_| 200)
    }

    /// Whether there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.wrapped_key.is_none()
            && self.chunks.is_empty()
            && self.blobs.is_empty()
            && self.erasure.is_none()
    }
}
