//! Ed25519 signatures and public keys in the text form documents and audit entries carry.

use ed25519_dalek::{Signature as DalekSignature, VerifyingKey};

use crate::error::SignatureError;

/// A public signing key (officer or station), printed as 64 hex characters.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(pub(crate) VerifyingKey);

impl PublicKey {
    /// Parses the hex form.
    pub fn from_hex(text: &str) -> Result<Self, SignatureError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| SignatureError::Malformed)?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| SignatureError::Malformed)
    }

    /// The hex form.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// The raw 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Checks that `signature` was made over `message` by this key (strict verification).
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<(), SignatureError> {
        self.0
            .verify_strict(message, &signature.0)
            .map_err(|_| SignatureError::Invalid)
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

/// An Ed25519 signature, printed as 128 hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Signature(pub(crate) DalekSignature);

impl Signature {
    /// Parses the hex form.
    pub fn from_hex(text: &str) -> Result<Self, SignatureError> {
        let mut bytes = [0u8; 64];
        hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| SignatureError::Malformed)?;
        Ok(Signature(DalekSignature::from_bytes(&bytes)))
    }

    /// The hex form.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// The raw 64 bytes.
    pub fn to_bytes(&self) -> [u8; 64] {
        self.0.to_bytes()
    }
}
