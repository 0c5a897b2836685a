//! The signed payload of a document: what it asserts, its canonical bytes, the station's
//! signature over them, the token printed in the QR code and the short verification code.
//!
//! The canonical form is line-based UTF-8 text (`clave=valor`, fixed order, values without line
//! breaks or control characters), so the same bytes are rebuilt on any station from the token.
//! This module owns that format; it must not look up keys, rosters or records.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use huella_keys::{PublicKey, Signature, StationSecrets};
use sha2::{Digest, Sha256};

/// First line of every canonical payload (format version).
const HEADER: &str = "huella-documento-v1";
/// Prefix of the token (QR content and the copy embedded in files).
pub const TOKEN_PREFIX: &str = "HD1.";
/// Longest token accepted when parsing (a payload is a few hundred bytes).
const MAX_TOKEN: usize = 8192;
/// Crockford base32: no I, L, O, U, so a typed code is not misread.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// What kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// Receipt of an enrollment submission, approval or movement.
    Acuse,
    /// Certificate of current entitlement (constancia de vigencia de derechos).
    Constancia,
}

impl DocumentKind {
    /// The code used in payloads and contract lines.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Acuse => "acuse",
            DocumentKind::Constancia => "constancia",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "acuse" => Some(DocumentKind::Acuse),
            "constancia" => Some(DocumentKind::Constancia),
            _ => None,
        }
    }
}

/// What a document asserts (signed by the issuing station).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// Kind.
    pub kind: DocumentKind,
    /// Folio, unique in the office.
    pub folio: String,
    /// Office code.
    pub office: String,
    /// Issuing station.
    pub station: String,
    /// When it was issued (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub issued_at: String,
    /// Officer who did what the document records (or issued it).
    pub officer: String,
    /// Supervisor who decided, where one did (may be empty).
    pub supervisor: String,
    /// The person's CURP.
    pub curp: String,
    /// The person's full name.
    pub name: String,
    /// SHA-256 (hex) of the record state the document describes.
    pub state_hash: String,
    /// What was done or certified, as labelled lines (`etiqueta`, `valor`).
    pub lines: Vec<(String, String)>,
}

/// Why a token could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// Not a token of this format.
    #[error("not a document token")]
    NotAToken,
    /// A token whose payload is not well formed.
    #[error("malformed document payload")]
    Malformed,
}

/// A payload with its station signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedPayload {
    /// What it asserts.
    pub payload: Payload,
    /// Ed25519 signature of the issuing station over [`Payload::canonical`].
    pub signature: Signature,
}

/// Replaces line breaks and control characters so a value stays on its line.
fn clean(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

impl Payload {
    /// The exact bytes the station signs.
    pub fn canonical(&self) -> Vec<u8> {
        let mut out = String::from(HEADER);
        let fields = [
            ("tipo", self.kind.as_str()),
            ("folio", &self.folio),
            ("oficina", &self.office),
            ("estacion", &self.station),
            ("emitido", &self.issued_at),
            ("oficial", &self.officer),
            ("supervisor", &self.supervisor),
            ("curp", &self.curp),
            ("nombre", &self.name),
            ("estado", &self.state_hash),
        ];
        for (k, v) in fields {
            out.push('\n');
            out.push_str(k);
            out.push('=');
            out.push_str(&clean(v));
        }
        for (label, value) in &self.lines {
            out.push_str("\nlinea=");
            out.push_str(&clean(label).replace('|', "/"));
            out.push('|');
            out.push_str(&clean(value));
        }
        out.into_bytes()
    }

    /// Parses canonical bytes back (the inverse of [`Payload::canonical`]).
    pub fn from_canonical(bytes: &[u8]) -> Result<Self, PayloadError> {
        let text = std::str::from_utf8(bytes).map_err(|_| PayloadError::Malformed)?;
        let mut lines = text.split('\n');
        if lines.next() != Some(HEADER) {
            return Err(PayloadError::Malformed);
        }
        let mut want = |key: &str| -> Result<String, PayloadError> {
            let line = lines.next().ok_or(PayloadError::Malformed)?;
            let (k, v) = line.split_once('=').ok_or(PayloadError::Malformed)?;
            if k != key {
                return Err(PayloadError::Malformed);
            }
            Ok(v.to_owned())
        };
        let kind = DocumentKind::parse(&want("tipo")?).ok_or(PayloadError::Malformed)?;
        let mut p = Payload {
            kind,
            folio: want("folio")?,
            office: want("oficina")?,
            station: want("estacion")?,
            issued_at: want("emitido")?,
            officer: want("oficial")?,
            supervisor: want("supervisor")?,
            curp: want("curp")?,
            name: want("nombre")?,
            state_hash: want("estado")?,
            lines: Vec::new(),
        };
        for line in lines {
            let rest = line.strip_prefix("linea=").ok_or(PayloadError::Malformed)?;
            let (label, value) = rest.split_once('|').ok_or(PayloadError::Malformed)?;
            p.lines.push((label.to_owned(), value.to_owned()));
        }
        // Only what `canonical` would write back is accepted: one form per payload.
        if p.canonical() != bytes {
            return Err(PayloadError::Malformed);
        }
        Ok(p)
    }

    /// Signs with the station's key.
    pub fn sign(self, station: &StationSecrets) -> SignedPayload {
        let signature = station.sign(&self.canonical());
        SignedPayload {
            payload: self,
            signature,
        }
    }
}

impl SignedPayload {
    /// The token: `HD1.` + base64url(canonical) + `.` + base64url(signature).
    pub fn token(&self) -> String {
        format!(
            "{TOKEN_PREFIX}{}.{}",
            URL_SAFE_NO_PAD.encode(self.payload.canonical()),
            URL_SAFE_NO_PAD.encode(self.signature.to_bytes())
        )
    }

    /// Parses a token (the signature is not checked here).
    pub fn from_token(token: &str) -> Result<Self, PayloadError> {
        let token = token.trim();
        if token.len() > MAX_TOKEN {
            return Err(PayloadError::Malformed);
        }
        let rest = token
            .strip_prefix(TOKEN_PREFIX)
            .ok_or(PayloadError::NotAToken)?;
        let (body, sig) = rest.split_once('.').ok_or(PayloadError::Malformed)?;
        let body = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| PayloadError::Malformed)?;
        let sig = URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| PayloadError::Malformed)?;
        let signature =
            Signature::from_hex(&hex::encode(&sig)).map_err(|_| PayloadError::Malformed)?;
        if sig.len() != 64 {
            return Err(PayloadError::Malformed);
        }
        Ok(SignedPayload {
            payload: Payload::from_canonical(&body)?,
            signature,
        })
    }

    /// Whether `key` made the signature.
    pub fn signed_by(&self, key: &PublicKey) -> bool {
        key.verify(&self.payload.canonical(), &self.signature)
            .is_ok()
    }

    /// The short verification code: 12 Crockford base32 characters of the SHA-256 of the
    /// signature (60 bits), printed as `XXXX-XXXX-XXXX`.
    pub fn code(&self) -> String {
        verification_code(&self.signature.to_bytes())
    }
}

/// The code of a signature (see [`SignedPayload::code`]).
pub fn verification_code(signature: &[u8]) -> String {
    let digest = Sha256::digest(signature);
    let mut bits: u64 = 0;
    for b in &digest[..8] {
        bits = (bits << 8) | u64::from(*b);
    }
    let mut out = String::with_capacity(14);
    for i in 0..12 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let idx = ((bits >> (59 - 5 * i)) & 0x1f) as usize;
        out.push(char::from(CROCKFORD[idx]));
    }
    out
}

/// A typed code in the printed form: upper case, separators dropped and re-added, the letters
/// people confuse with digits (O, I, L) read as the digits; `None` when it is not 12 symbols.
pub fn normalize_code(typed: &str) -> Option<String> {
    let mut symbols = String::new();
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !CROCKFORD.contains(&(c as u8)) || !c.is_ascii() {
            return None;
        }
        symbols.push(c);
    }
    if symbols.len() != 12 {
        return None;
    }
    Some(format!(
        "{}-{}-{}",
        &symbols[..4],
        &symbols[4..8],
        &symbols[8..]
    ))
}

/// Finds the first token in `bytes` (a PDF's metadata, a text file, a scanned QR).
pub fn find_token(bytes: &[u8]) -> Option<String> {
    let prefix = TOKEN_PREFIX.as_bytes();
    let start = bytes.windows(prefix.len()).position(|w| w == prefix)?;
    let token: Vec<u8> = bytes[start..]
        .iter()
        .take(MAX_TOKEN + 1)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        .copied()
        .collect();
    String::from_utf8(token).ok()
}

/// SHA-256 (hex) of a record-state description.
pub fn state_hash(description: &str) -> String {
    hex::encode(Sha256::digest(description.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Payload {
        Payload {
            kind: DocumentKind::Acuse,
            folio: "0901-VENT-1-000007".into(),
            office: "0901".into(),
            station: "VENT-1".into(),
            issued_at: "2026-12-04T10:00:00Z".into(),
            officer: "ana".into(),
            supervisor: String::new(),
            curp: "GOMC800101HDFRRR09".into(),
            name: "Carlos Gómez\nRuiz".into(),
            state_hash: state_hash("x"),
            lines: vec![("Trámite".into(), "envío a aprobación | 10 dedos".into())],
        }
    }

    #[test]
    fn a_token_round_trips_and_verifies_only_with_the_signing_station() {
        let station = StationSecrets::generate("VENT-1", "0901");
        let other = StationSecrets::generate("VENT-2", "0901");
        let signed = sample().sign(&station);
        let back = SignedPayload::from_token(&signed.token()).expect("token");
        assert_eq!(back.payload.name, "Carlos Gómez Ruiz");
        assert!(back.signed_by(&station.public().key));
        assert!(!back.signed_by(&other.public().key));
        assert_eq!(back.code(), signed.code());
    }

    #[test]
    fn a_changed_payload_character_fails_the_signature() {
        let station = StationSecrets::generate("VENT-1", "0901");
        let mut signed = sample().sign(&station);
        signed.payload.folio = "0901-VENT-1-000008".into();
        assert!(!signed.signed_by(&station.public().key));
    }

    #[test]
    fn typed_codes_are_normalised_and_confusable_letters_read_as_digits() {
        assert_eq!(
            normalize_code("abcd efgh-jk0o").as_deref(),
            Some("ABCD-EFGH-JK00")
        );
        assert_eq!(normalize_code("ABCD-EFGH-JKM"), None);
        assert_eq!(normalize_code("ABCD-EFGH-JKMU"), None);
        let code = verification_code(&[7u8; 64]);
        assert_eq!(normalize_code(&code.to_lowercase()), Some(code));
    }

    #[test]
    fn a_token_is_found_inside_other_bytes_and_garbage_is_refused() {
        let station = StationSecrets::generate("VENT-1", "0901");
        let token = sample().sign(&station).token();
        let wrapped = format!("/Subject ({token})\n");
        assert_eq!(find_token(wrapped.as_bytes()), Some(token));
        assert_eq!(
            SignedPayload::from_token("HD1.@@.x"),
            Err(PayloadError::Malformed)
        );
        assert_eq!(
            SignedPayload::from_token("hola"),
            Err(PayloadError::NotAToken)
        );
    }
}
