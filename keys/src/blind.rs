//! Blind-index tags: keyed hashes of normalised identifiers, so a station can look records up
//! by CURP, NSS or name without any plaintext on disk.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The station's secret key for blind-index tags.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct IndexKey([u8; 32]);

/// A 16-byte tag of one (field, value) pair.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct BlindTag(pub [u8; 16]);

impl IndexKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        IndexKey(k)
    }

    /// Rebuilds the key from its bytes; the input is zeroized.
    pub(crate) fn from_bytes(bytes: &mut [u8; 32]) -> Self {
        let k = IndexKey(*bytes);
        bytes.zeroize();
        k
    }

    /// The raw bytes, for sealing into a credential file.
    pub(crate) fn expose_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The tag of an already normalised `value` in `field` (e.g. "curp", "nss", "nombre").
    pub fn tag(&self, field: &str, value: &str) -> BlindTag {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(field.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; 16];
        out.copy_from_slice(&full[..16]);
        BlindTag(out)
    }
}

impl std::fmt::Debug for IndexKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndexKey(*****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_depend_on_key_field_and_value() {
        let k = IndexKey::generate();
        assert_eq!(k.tag("curp", "A"), k.tag("curp", "A"));
        assert_ne!(k.tag("curp", "A"), k.tag("nss", "A"));
        assert_ne!(k.tag("curp", "A"), k.tag("curp", "B"));
        assert_ne!(k.tag("curp", "A"), IndexKey::generate().tag("curp", "A"));
    }
}
