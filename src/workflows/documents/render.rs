//! A signed payload as the files a person takes away: a PDF page and a plain-text copy. Both
//! carry the token (the PDF in its metadata, the text on a line) and end with a file seal,
//! `%huella-firma: <hex>`, the issuing station's signature over every byte before it, so one
//! changed byte anywhere in the file fails verification, not only a byte of the token. PDF
//! readers ignore a comment line after `%%EOF`.
//!
//! Owns the layout of a document and the seal; it must not look up keys or records.

use huella_keys::{Signature, StationSecrets};

use super::pdf::{self, PageContent, PaperSize};
use super::qr::QrMatrix;
use super::{DocumentError, DocumentKind, SignedPayload, wording as w};

/// The seal line's prefix.
pub const SEAL: &str = "%huella-firma: ";
/// First line of a text copy.
pub const TEXT_HEADER: &str = "HUELLA — documento firmado";

fn title(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Acuse => w::ACUSE_TITLE,
        DocumentKind::Constancia => w::CONSTANCIA_TITLE,
    }
}

/// The labelled lines of a document, header fields first.
fn lines(s: &SignedPayload) -> Vec<(String, String)> {
    let p = &s.payload;
    let mut out: Vec<(String, String)> = vec![
        (w::FOLIO.into(), p.folio.clone()),
        (w::OFFICE.into(), p.office.clone()),
        (w::STATION.into(), p.station.clone()),
        (w::ISSUED.into(), p.issued_at.clone()),
        (w::PERSON.into(), p.name.clone()),
        (w::CURP.into(), p.curp.clone()),
        (w::OFFICER.into(), p.officer.clone()),
    ];
    if !p.supervisor.is_empty() {
        out.push((w::SUPERVISOR.into(), p.supervisor.clone()));
    }
    out.extend(p.lines.iter().cloned());
    out.push((w::STATE.into(), p.state_hash.chars().take(32).collect()));
    out
}

/// Appends the seal: `%huella-firma: STATION HEX`, the signature of the station that wrote
/// the file (the issuing one, or another of the office that re-printed it) over `body`.
pub fn seal(mut body: Vec<u8>, station: &StationSecrets) -> Vec<u8> {
    if !body.ends_with(b"\n") {
        body.push(b'\n');
    }
    let sig = station.sign(&body);
    body.extend_from_slice(SEAL.as_bytes());
    body.extend_from_slice(station.station().as_bytes());
    body.push(b' ');
    body.extend_from_slice(sig.to_hex().as_bytes());
    body.push(b'\n');
    body
}

/// A file split at its seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed<'a> {
    /// Every byte before the seal line (what was signed).
    pub body: &'a [u8],
    /// The station that sealed it.
    pub station: String,
    /// Its signature over `body`.
    pub signature: Signature,
}

/// Splits a sealed file; `None` when it does not end with a well-formed seal line (nothing
/// may follow it).
pub fn unseal(file: &[u8]) -> Option<Sealed<'_>> {
    let marker = SEAL.as_bytes();
    let at = file.windows(marker.len()).rposition(|w| w == marker)?;
    let (body, rest) = file.split_at(at);
    let line = rest.get(marker.len()..)?;
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = std::str::from_utf8(line).ok()?;
    let (station, hex_part) = line.rsplit_once(' ')?;
    if hex_part.len() != 128 || station.is_empty() || !body.ends_with(b"\n") {
        return None;
    }
    Some(Sealed {
        body,
        station: station.to_owned(),
        signature: Signature::from_hex(hex_part).ok()?,
    })
}

/// The PDF of a document, sealed.
pub fn pdf(
    s: &SignedPayload,
    size: PaperSize,
    station: &StationSecrets,
) -> Result<Vec<u8>, DocumentError> {
    let token = s.token();
    let p = &s.payload;
    let content = PageContent {
        title: title(p.kind).to_owned(),
        subtitle: format!("{} {} · {} {}", w::OFFICE, p.office, w::STATION, p.station),
        lines: lines(s),
        qr: Some(QrMatrix::encode(&token)?),
        qr_caption: vec![
            w::CODE.to_owned(),
            s.code(),
            String::new(),
            w::FOOTER.to_owned(),
        ],
        footer: vec![format!("{} {} · {}", w::FOLIO, p.folio, p.issued_at)],
        page_word: w::PAGE.to_owned(),
        metadata: token,
    };
    Ok(seal(pdf::render(&content, size)?, station))
}

/// The plain-text copy of a document, sealed.
pub fn text(s: &SignedPayload, station: &StationSecrets) -> Vec<u8> {
    let mut out = format!("{TEXT_HEADER}\n{}\n\n", title(s.payload.kind));
    for (label, value) in lines(s) {
        out.push_str(&format!("{label}: {value}\n"));
    }
    out.push_str(&format!("\n{} {}\n{}\n\n", w::CODE, s.code(), w::FOOTER));
    out.push_str(&format!("token: {}\n", s.token()));
    seal(out.into_bytes(), station)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seal_covers_every_byte_before_it_and_nothing_may_follow() {
        let station = StationSecrets::generate("VENT-1", "0901");
        let sealed = seal(b"hola\nmundo".to_vec(), &station);
        let sealed_file = unseal(&sealed).expect("sealed");
        assert_eq!(sealed_file.body, b"hola\nmundo\n");
        assert_eq!(sealed_file.station, "VENT-1");
        assert!(
            station
                .public()
                .key
                .verify(sealed_file.body, &sealed_file.signature)
                .is_ok()
        );
        let mut appended = sealed.clone();
        appended.extend_from_slice(b"x");
        assert!(unseal(&appended).is_none());
    }
}
