//! Signed envelopes: who sent a message, when, a fresh nonce, (for answers) which request it
//! answers, and whom it is meant for. Stations sign with their station key, hubs with their
//! hub key. Binding the receiver makes a message captured on its way to one hub or station
//! useless at another: the receiver refuses envelopes addressed to someone else.

use ed25519_dalek::{Signer as _, SigningKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::{SyncError, VERSION, decode, encode};
use crate::replica::{Replica, keys};

/// Largest clock difference accepted between sender and receiver.
pub const MAX_SKEW_MS: u64 = 5 * 60 * 1000;

/// Something that signs envelopes.
pub trait Signer {
    /// The Ed25519 public key.
    fn public_key(&self) -> [u8; 32];
    /// Signs `msg`.
    fn sign(&self, msg: &[u8]) -> Vec<u8>;
}

impl Signer for huella_keys::StationSecrets {
    fn public_key(&self) -> [u8; 32] {
        let mut k = [0u8; 32];
        // The hex form always decodes to 32 bytes.
        let _ = hex::decode_to_slice(self.public().key.to_hex(), &mut k);
        k
    }
    fn sign(&self, msg: &[u8]) -> Vec<u8> {
        hex::decode(huella_keys::StationSecrets::sign(self, msg).to_hex()).unwrap_or_default()
    }
}

/// A hub's own signing key (it authenticates the hub's answers and acknowledgements; it
/// reads no records).
pub struct HubKey(SigningKey);

impl HubKey {
    /// Loads the hub key kept in `replica`, creating it on first use.
    pub fn load_or_create(replica: &Replica) -> Result<Self, SyncError> {
        let name = [b"m".as_slice(), b"hub_key"].concat();
        // Insert-if-absent, then read back: hub processes sharing one database that start
        // together all end with the one key that was stored first.
        let fresh = SigningKey::generate(&mut rand::rngs::OsRng);
        let tree = replica.tree();
        if tree.insert_new(&name, fresh.to_bytes())? {
            replica.flush()?;
        }
        let stored = tree
            .get(&name)?
            .ok_or_else(|| SyncError::Decode("clave del concentrador".into()))?;
        let b: [u8; 32] = stored
            .as_slice()
            .try_into()
            .map_err(|_| SyncError::Decode("clave del concentrador".into()))?;
        Ok(HubKey(SigningKey::from_bytes(&b)))
    }

    /// A throwaway key (tests).
    pub fn generate() -> Self {
        HubKey(SigningKey::generate(&mut rand::rngs::OsRng))
    }
}

impl Signer for HubKey {
    fn public_key(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }
    fn sign(&self, msg: &[u8]) -> Vec<u8> {
        self.0.sign(msg).to_bytes().to_vec()
    }
}

/// A signed message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Envelope {
    /// Protocol version.
    pub version: u8,
    /// Sender's signing key.
    pub sender: [u8; 32],
    /// Sender's clock (ms since the Unix epoch).
    pub at_ms: u64,
    /// Fresh random nonce.
    pub nonce: [u8; 16],
    /// For answers: the nonce of the request answered.
    pub reply_to: Option<[u8; 16]>,
    /// The encoded message.
    pub body: Vec<u8>,
    /// Signature over [`Envelope::signed_bytes`].
    pub signature: Vec<u8>,
    /// The intended receiver's signing key; `None` only when the sender cannot know it yet
    /// (a station's opening summary to a peer never seen before, bundles).
    pub receiver: Option<[u8; 32]>,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Envelope {
    /// Signs `body` as `signer`, for no receiver in particular.
    pub fn seal(signer: &dyn Signer, body: Vec<u8>, reply_to: Option<[u8; 16]>) -> Self {
        Self::seal_to(signer, body, reply_to, None)
    }

    /// Signs `body` as `signer`, addressed to `receiver` (its signing key) when known.
    pub fn seal_to(
        signer: &dyn Signer,
        body: Vec<u8>,
        reply_to: Option<[u8; 16]>,
        receiver: Option<[u8; 32]>,
    ) -> Self {
        let mut nonce = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut nonce);
        let mut e = Envelope {
            version: VERSION,
            sender: signer.public_key(),
            at_ms: now_ms(),
            nonce,
            reply_to,
            body,
            signature: Vec::new(),
            receiver,
        };
        e.signature = signer.sign(&e.signed_bytes());
        e
    }

    /// The bytes covered by the signature.
    pub fn signed_bytes(&self) -> Vec<u8> {
        self.signed_bytes_with(&Sha256::digest(&self.body).into())
    }

    /// [`Envelope::signed_bytes`] with the body given by its SHA-256: a hub checks a
    /// request's signed head before it reads the body (see `hub::RequestHead`).
    pub fn signed_bytes_with(&self, body_hash: &[u8; 32]) -> Vec<u8> {
        let mut v = b"huella/sync/v1\0".to_vec();
        v.push(self.version);
        v.extend_from_slice(&self.sender);
        v.extend_from_slice(&self.at_ms.to_be_bytes());
        v.extend_from_slice(&self.nonce);
        match &self.reply_to {
            Some(r) => {
                v.push(1);
                v.extend_from_slice(r);
            }
            None => v.push(0),
        }
        v.extend_from_slice(body_hash);
        if let Some(r) = &self.receiver {
            v.push(1);
            v.extend_from_slice(r);
        }
        v
    }

    /// Refuses an envelope addressed to a receiver other than `me`.
    pub fn check_receiver(&self, me: &[u8; 32]) -> Result<(), SyncError> {
        match &self.receiver {
            Some(r) if r != me => Err(SyncError::Misdirected),
            _ => Ok(()),
        }
    }

    /// Checks version, signature and clock window (not the sender's standing).
    pub fn verify(&self, now: u64) -> Result<(), SyncError> {
        check_version(self.version)?;
        if !crate::roster::verify_raw(&self.sender, &self.signed_bytes(), &self.signature) {
            return Err(SyncError::Forged);
        }
        if self.at_ms.abs_diff(now) > MAX_SKEW_MS {
            return Err(SyncError::Expired);
        }
        Ok(())
    }

    /// The sender's key in hex.
    pub fn sender_hex(&self) -> String {
        hex::encode(self.sender)
    }

    /// Encodes the envelope.
    pub fn to_bytes(&self) -> Vec<u8> {
        encode(self)
    }

    /// Decodes an envelope (never panics). The version is read first, so bytes from a
    /// station on another protocol version get [`SyncError::Version`], not a decode error.
    pub fn from_bytes(b: &[u8]) -> Result<Self, SyncError> {
        if let Some(v) = b.first() {
            check_version(*v)?;
        }
        decode(b)
    }
}

/// Refuses a protocol version other than ours.
pub(crate) fn check_version(found: u8) -> Result<(), SyncError> {
    if found == VERSION {
        Ok(())
    } else {
        Err(SyncError::Version {
            found,
            ours: VERSION,
        })
    }
}

/// Nonces seen recently (persisted), to refuse replayed requests.
pub struct NonceCache {
    replica: Replica,
    /// Key prefix of this cache's entries (request envelopes, or hub request heads).
    prefix: &'static [u8],
}

impl NonceCache {
    /// The cache of request envelope nonces kept in `replica`.
    pub fn new(replica: Replica) -> Self {
        NonceCache {
            replica,
            prefix: keys::NONCE,
        }
    }

    /// The cache of hub request-head nonces kept in `replica`: apart from the envelopes'
    /// cache, since a sync request's head and body carry the same nonce.
    pub fn for_heads(replica: Replica) -> Self {
        NonceCache {
            replica,
            prefix: keys::HEAD_NONCE,
        }
    }

    /// Records `nonce`; refuses one already seen. Forgets nonces older than the clock window.
    pub fn check(&self, nonce: &[u8; 16], now: u64) -> Result<(), SyncError> {
        let tree = self.replica.tree();
        // Insert-if-absent is atomic in every storage (a unique key in PostgreSQL), so of two
        // hubs sharing one database only the first to see a nonce accepts it.
        if !tree.insert_new([self.prefix, nonce.as_slice()].concat(), now.to_be_bytes())? {
            return Err(SyncError::Replayed);
        }
        // Durable before answering, so a crash cannot make a replay look fresh.
        tree.flush()?;
        if nonce[0] == 0 {
            self.prune(now)?;
        }
        Ok(())
    }

    fn prune(&self, now: u64) -> Result<(), SyncError> {
        let tree = self.replica.tree();
        let mut stale = crate::replica::Batch::default();
        for (k, v) in tree.scan_prefix(self.prefix)? {
            let at = <[u8; 8]>::try_from(v.as_slice()).map_or(0, u64::from_be_bytes);
            if at + 2 * MAX_SKEW_MS < now {
                stale.remove(k);
            }
        }
        tree.apply_batch(stale)?;
        Ok(())
    }
}
