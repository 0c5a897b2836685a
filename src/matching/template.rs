//! The huella fingerprint template: quantised minutiae at 500 ppi, the coarse ridge flow, the
//! ridge counts between neighbouring minutiae, the ridge texture, the capture's second view,
//! and its compact versioned binary encoding: `HUT` and version 5 (version 4's fields, then
//! the second view as a length-prefixed template of its own). Version 4 (without a second
//! view), 3 (without the texture) and 2 (without ridge counts either) are written for a
//! template without them; versions 4, 3, 2 and 1 (minutiae only) are still read.
//!
//! Owns the stored representation and its codec. Must not extract or compare; decoding must
//! never panic on arbitrary bytes.

use thiserror::Error;

use super::minutiae::{Kind, Minutia};
use super::ridge_count::{Counts, LINKS};
use super::ridge_flow::{FlowError, RidgeFlow};
use super::texture::{RidgeTexture, TextureError};

/// Magic bytes at the start of every encoded template.
pub const MAGIC: [u8; 3] = *b"HUT";
/// Current encoding version (5: version 4's fields, then the second view).
pub const VERSION: u8 = 5;
/// Minutiae, the ridge flow, the ridge counts, then the ridge texture (one view).
const VERSION_TEXTURE: u8 = 4;
/// Minutiae, the ridge flow, then the ridge counts (a template without texture).
const VERSION_COUNTS: u8 = 3;
/// Minutiae, then the ridge flow (what a template without ridge counts is written as).
const VERSION_FLOW: u8 = 2;
/// The first version: minutiae only, no ridge flow.
const VERSION_MINUTIAE_ONLY: u8 = 1;
/// Bytes per encoded minutia.
const MINUTIA_BYTES: usize = 6;
/// Bytes of ridge counts per minutia (two 4-bit counts a byte).
const COUNT_BYTES: usize = LINKS / 2;
const _: () = assert!(LINKS.is_multiple_of(2), "two counts a byte");
/// Header bytes: magic, version, width, height, quality, count.
const HEADER_BYTES: usize = 10;
/// Bytes of the second view's length prefix (u32, little endian).
const VIEW_LEN_BYTES: usize = 4;
/// Most pixels the second view's image size may differ from the first's: both are the
/// capture at 500 ppi, one of them through a second resampling's rounding.
const VIEW_SIZE_SLACK: u16 = 2;

/// One minutia as stored: 500 ppi pixel position, direction in 1/256 turns, reliability 0–100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StoredMinutia {
    /// Column in pixels at 500 ppi (0..16383).
    pub x: u16,
    /// Row in pixels at 500 ppi (0..16383), y pointing down.
    pub y: u16,
    /// Direction in units of 360/256 degrees, image axes (x right, y down, clockwise).
    pub angle: u8,
    /// Ending or bifurcation.
    pub kind: Kind,
    /// Reliability 0–100 (0 = unknown).
    pub reliability: u8,
}

impl StoredMinutia {
    /// Quantises a detected minutia.
    pub fn from_minutia(m: &Minutia) -> Self {
        Self {
            x: m.x.round().clamp(0.0, 16383.0) as u16,
            y: m.y.round().clamp(0.0, 16383.0) as u16,
            angle: ((m.angle / std::f32::consts::TAU * 256.0).round() as i32).rem_euclid(256) as u8,
            kind: m.kind,
            reliability: (m.reliability * 100.0).round().clamp(0.0, 100.0) as u8,
        }
    }

    /// Direction in radians in `[0, 2π)`.
    pub fn radians(&self) -> f32 {
        f32::from(self.angle) * std::f32::consts::TAU / 256.0
    }
}

/// A fingerprint template: image size at 500 ppi, overall quality, minutiae and ridge flow.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Template {
    /// Image width in pixels at 500 ppi.
    pub width: u16,
    /// Image height in pixels at 500 ppi.
    pub height: u16,
    /// Image quality 0–100.
    pub quality: u8,
    /// Minutiae (at most 255).
    pub minutiae: Vec<StoredMinutia>,
    /// Coarse ridge orientation grid (empty when unknown, e.g. imported from ISO).
    pub flow: RidgeFlow,
    /// Per minutia, the ridge counts to its nearest neighbours (see
    /// [`super::ridge_count`]); empty when unknown, else parallel to `minutiae`.
    pub ridge_counts: Vec<Counts>,
    /// The sign of the enhanced ridge image on a 2 px grid (see [`super::texture`]); empty
    /// when unknown (ISO imports, templates of before version 4).
    pub texture: RidgeTexture,
    /// The same capture read again at 450 ppi and brought back to 500 ppi (see
    /// [`super::extract`]): what 1:1 verification compares a second time. `None` for ISO
    /// imports and templates of before version 5; it never has a second view of its own.
    pub second_view: Option<Box<Template>>,
}

/// Why a byte string is not a valid huella template.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum TemplateError {
    /// The bytes do not start with `HUT`.
    #[error("not a huella template (bad magic)")]
    BadMagic,
    /// The version byte is not supported by this build.
    #[error("unsupported template version {0}")]
    UnsupportedVersion(u8),
    /// The data ends before the declared content.
    #[error("template truncated")]
    Truncated,
    /// Bytes remain after the declared content.
    #[error("trailing bytes after template")]
    TrailingBytes,
    /// A field holds an impossible value.
    #[error("invalid template field: {0}")]
    Invalid(&'static str),
}

impl Template {
    /// Encodes to the compact binary format (10 + 6·n bytes of minutiae, the flow grid, then
    /// LINKS/2 bytes of ridge counts per minutia, two 4-bit counts a byte, when the template
    /// has them for every minutia, the texture, then the second view's length and encoding).
    /// A second view is written only beside a first view with ridge counts and texture, and
    /// without a second view of its own.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.encode_first_view();
        let second = self.second_view.as_deref().map(Template::encode_first_view);
        if let Some(second) = second
            && out[3] == VERSION_TEXTURE
            && u32::try_from(second.len()).is_ok()
        {
            out[3] = VERSION;
            out.extend_from_slice(&(second.len() as u32).to_le_bytes());
            out.extend_from_slice(&second);
        }
        out
    }

    /// The first view's encoding alone (versions 2–4): what a store that only searches 1:N
    /// keeps (the central gallery), half the bytes of [`Template::encode`].
    pub fn encode_first_view(&self) -> Vec<u8> {
        let n = self.minutiae.len().min(255);
        let mut out =
            Vec::with_capacity(HEADER_BYTES + MINUTIA_BYTES * n + self.flow.encoded_len());
        out.extend_from_slice(&MAGIC);
        let with_counts = self.ridge_counts.len() == n && n > 0;
        let with_texture = with_counts && !self.texture.is_empty();
        // Without ridge counts (an ISO import, a test template) version 2 is written, which
        // a station of before version 3 still reads; without texture, version 3.
        out.push(if with_texture {
            VERSION_TEXTURE
        } else if with_counts {
            VERSION_COUNTS
        } else {
            VERSION_FLOW
        });
        out.extend_from_slice(&self.width.to_le_bytes());
        out.extend_from_slice(&self.height.to_le_bytes());
        out.push(self.quality.min(100));
        out.push(n as u8);
        for m in self.minutiae.iter().take(n) {
            let kind_bit: u16 = if m.kind == Kind::Bifurcation {
                0x8000
            } else {
                0
            };
            out.extend_from_slice(&((m.x & 0x3fff) | kind_bit).to_le_bytes());
            out.extend_from_slice(&(m.y & 0x3fff).to_le_bytes());
            out.push(m.angle);
            out.push(m.reliability.min(100));
        }
        self.flow.encode_into(&mut out);
        if with_counts {
            for counts in self.ridge_counts.iter().take(n) {
                for c in counts.chunks_exact(2) {
                    out.push((c[0] & 0x0f) | (c[1] & 0x0f) << 4);
                }
            }
        }
        if with_texture {
            self.texture.encode_into(&mut out);
        }
        out
    }

    /// Decodes the compact binary format; never panics.
    pub fn decode(bytes: &[u8]) -> Result<Self, TemplateError> {
        let (mut first, rest) = Self::decode_view(bytes)?;
        if bytes.get(3) == Some(&VERSION) {
            let len = rest.get(..VIEW_LEN_BYTES).ok_or(TemplateError::Truncated)?;
            let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
            let view = &rest[VIEW_LEN_BYTES..];
            if view.len() < len {
                return Err(TemplateError::Truncated);
            }
            if view.len() > len {
                return Err(TemplateError::TrailingBytes);
            }
            if view.get(3) == Some(&VERSION) {
                return Err(TemplateError::Invalid("second view"));
            }
            let (second, rest) = Self::decode_view(view)?;
            if !rest.is_empty() {
                return Err(TemplateError::TrailingBytes);
            }
            // Both views are the same capture at 500 ppi: their images differ by rounding.
            if second.width.abs_diff(first.width) > VIEW_SIZE_SLACK
                || second.height.abs_diff(first.height) > VIEW_SIZE_SLACK
            {
                return Err(TemplateError::Invalid("second view"));
            }
            first.second_view = Some(Box::new(second));
        } else if !rest.is_empty() {
            return Err(TemplateError::TrailingBytes);
        }
        Ok(first)
    }

    /// Decodes one view (versions 1–4, or version 5's first view) and returns the bytes after
    /// it.
    fn decode_view(bytes: &[u8]) -> Result<(Self, &[u8]), TemplateError> {
        let header = bytes.get(..HEADER_BYTES).ok_or_else(|| {
            if bytes.len() >= 3 && bytes[..3] != MAGIC {
                TemplateError::BadMagic
            } else {
                TemplateError::Truncated
            }
        })?;
        if header[..3] != MAGIC {
            return Err(TemplateError::BadMagic);
        }
        let version = header[3];
        if ![
            VERSION,
            VERSION_TEXTURE,
            VERSION_COUNTS,
            VERSION_FLOW,
            VERSION_MINUTIAE_ONLY,
        ]
        .contains(&version)
        {
            return Err(TemplateError::UnsupportedVersion(version));
        }
        let width = u16::from_le_bytes([header[4], header[5]]);
        let height = u16::from_le_bytes([header[6], header[7]]);
        let quality = header[8];
        if quality > 100 {
            return Err(TemplateError::Invalid("quality"));
        }
        let n = usize::from(header[9]);
        let rest = &bytes[HEADER_BYTES..];
        let need = n * MINUTIA_BYTES;
        let body = rest.get(..need).ok_or(TemplateError::Truncated)?;
        let rest = &rest[need..];
        let (flow, used) = if version == VERSION_MINUTIAE_ONLY {
            (RidgeFlow::default(), 0)
        } else {
            RidgeFlow::decode(rest).map_err(|e| match e {
                FlowError::Truncated => TemplateError::Truncated,
                FlowError::Invalid => TemplateError::Invalid("ridge flow"),
            })?
        };
        let rest = rest.get(used..).ok_or(TemplateError::Truncated)?;
        let counts_len = if version >= VERSION_COUNTS {
            n * COUNT_BYTES
        } else {
            0
        };
        let counts = rest.get(..counts_len).ok_or(TemplateError::Truncated)?;
        let rest = &rest[counts_len..];
        let (texture, used) = if version >= VERSION_TEXTURE {
            RidgeTexture::decode(rest).map_err(|e| match e {
                TextureError::Truncated => TemplateError::Truncated,
                TextureError::Invalid => TemplateError::Invalid("ridge texture"),
            })?
        } else {
            (RidgeTexture::default(), 0)
        };
        let after = &rest[used.min(rest.len())..];
        // A box beyond the image would only make comparisons slower, never better.
        if !texture.fits(width, height) {
            return Err(TemplateError::Invalid("ridge texture"));
        }
        let ridge_counts = counts
            .chunks_exact(COUNT_BYTES)
            .map(|c| {
                let mut out: Counts = [0; LINKS];
                for (pair, b) in out.chunks_exact_mut(2).zip(c) {
                    pair[0] = b & 0x0f;
                    pair[1] = b >> 4;
                }
                out
            })
            .collect();
        let mut minutiae = Vec::with_capacity(n);
        for c in body.chunks_exact(MINUTIA_BYTES) {
            let xw = u16::from_le_bytes([c[0], c[1]]);
            let yw = u16::from_le_bytes([c[2], c[3]]);
            if xw & 0x4000 != 0 || yw & 0xc000 != 0 {
                return Err(TemplateError::Invalid("minutia position"));
            }
            if c[5] > 100 {
                return Err(TemplateError::Invalid("minutia reliability"));
            }
            minutiae.push(StoredMinutia {
                x: xw & 0x3fff,
                y: yw,
                angle: c[4],
                kind: if xw & 0x8000 != 0 {
                    Kind::Bifurcation
                } else {
                    Kind::Ending
                },
                reliability: c[5],
            });
        }
        let view = Self {
            width,
            height,
            quality,
            minutiae,
            flow,
            ridge_counts,
            texture,
            second_view: None,
        };
        Ok((view, after))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::arb_template;
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn roundtrip(t in arb_template()) {
            let bytes = t.encode();
            let counts = if t.ridge_counts.is_empty() { 0 } else { COUNT_BYTES * t.minutiae.len() };
            let texture = if t.texture.is_empty() { 0 } else { t.texture.encoded_len() };
            let second = t.second_view.as_ref().map_or(0, |v| VIEW_LEN_BYTES + v.encode().len());
            prop_assert_eq!(
                bytes.len(),
                10 + 6 * t.minutiae.len() + t.flow.encoded_len() + counts + texture + second
            );
            let version = if second > 0 { 5 } else if texture > 0 { 4 } else if counts > 0 { 3 } else { 2 };
            prop_assert_eq!(bytes[3], version);
            prop_assert_eq!(Template::decode(&bytes), Ok(t));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
            let _ = Template::decode(&bytes);
        }

        #[test]
        fn truncation_is_an_error(t in arb_template(), cut in 1usize..64) {
            let bytes = t.encode();
            let keep = bytes.len().saturating_sub(cut);
            prop_assert!(Template::decode(&bytes[..keep]).is_err());
        }

        #[test]
        fn a_damaged_template_never_panics(t in arb_template(), at in any::<usize>(), byte in any::<u8>()) {
            let mut bytes = t.encode();
            let at = at % bytes.len();
            bytes[at] = byte;
            let _ = Template::decode(&bytes);
        }

        #[test]
        fn version_4_templates_still_decode(t in arb_template()) {
            // A stored v4 template (one view): the same bytes up to the second view.
            let mut v4 = t.encode();
            if let Some(second) = &t.second_view {
                v4.truncate(v4.len() - VIEW_LEN_BYTES - second.encode().len());
                v4[3] = 4;
            }
            let without = Template { second_view: None, ..t };
            prop_assert_eq!(Template::decode(&v4), Ok(without));
        }
    }

    proptest! {
        #[test]
        fn version_1_templates_still_decode(t in arb_template()) {
            // A stored v1 template: the same header and minutiae, no ridge flow.
            let t = Template { ridge_counts: Vec::new(), texture: RidgeTexture::default(), second_view: None, ..t };
            let mut v1 = t.encode();
            v1.truncate(v1.len() - t.flow.encoded_len());
            v1[3] = 1;
            let minutiae_only = Template { flow: RidgeFlow::default(), ..t };
            prop_assert_eq!(Template::decode(&v1), Ok(minutiae_only));
        }

        #[test]
        fn version_2_templates_still_decode(t in arb_template()) {
            // A stored v2 template (before the ridge counts): the same bytes up to the flow.
            let t = Template { texture: RidgeTexture::default(), second_view: None, ..t };
            let mut v2 = t.encode();
            let counts = if t.ridge_counts.is_empty() { 0 } else { COUNT_BYTES * t.minutiae.len() };
            v2.truncate(v2.len() - counts);
            v2[3] = 2;
            let without = Template { ridge_counts: Vec::new(), ..t };
            prop_assert_eq!(Template::decode(&v2), Ok(without));
        }

        #[test]
        fn version_3_templates_still_decode(t in arb_template()) {
            // A stored v3 template (before the texture): the same bytes up to the counts.
            let t = Template { second_view: None, ..t };
            let mut v3 = t.encode();
            let texture = if t.texture.is_empty() { 0 } else { t.texture.encoded_len() };
            v3.truncate(v3.len() - texture);
            if texture > 0 {
                v3[3] = 3;
            }
            let without = Template { texture: RidgeTexture::default(), ..t };
            prop_assert_eq!(Template::decode(&v3), Ok(without));
        }
    }

    #[test]
    fn a_texture_beyond_its_image_is_refused() {
        let mut t = super::super::test_support::random_template(7, 12);
        t.ridge_counts = vec![[1; LINKS]; t.minutiae.len()];
        // 400 × 400 px: 200 cells a side; a box of 8 cells from cell 196 ends beyond it.
        t.texture = RidgeTexture {
            left: 196,
            top: 0,
            cols: 8,
            rows: 4,
            valid: vec![0; 1],
            sign: vec![0; 4],
        };
        assert_eq!(
            Template::decode(&t.encode()),
            Err(TemplateError::Invalid("ridge texture"))
        );
        t.texture.left = 192;
        assert_eq!(Template::decode(&t.encode()), Ok(t));
    }

    #[test]
    fn the_second_views_length_must_be_exact() {
        let t = super::super::test_support::two_view_template();
        let bytes = t.encode();
        assert_eq!(bytes[3], VERSION);
        assert_eq!(Template::decode(&bytes), Ok(t.clone()));
        let second = t.second_view.as_ref().expect("two views").encode();
        let at = bytes.len() - second.len() - VIEW_LEN_BYTES;
        let with_len = |len: u32| {
            let mut b = bytes.clone();
            b[at..at + VIEW_LEN_BYTES].copy_from_slice(&len.to_le_bytes());
            Template::decode(&b)
        };
        let len = second.len() as u32;
        assert_eq!(with_len(len + 1), Err(TemplateError::Truncated));
        // A length claiming 4 GB is refused before anything is read or allocated.
        assert_eq!(with_len(u32::MAX), Err(TemplateError::Truncated));
        assert_eq!(with_len(len - 1), Err(TemplateError::TrailingBytes));
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Template::decode(&longer), Err(TemplateError::TrailingBytes));
    }

    #[test]
    fn a_second_view_cannot_nest_another() {
        let t = super::super::test_support::two_view_template();
        let mut bytes = t.encode();
        let second = t.second_view.as_ref().expect("two views").encode();
        let at = bytes.len() - second.len();
        // The second view claims version 5 itself.
        bytes[at + 3] = VERSION;
        assert_eq!(
            Template::decode(&bytes),
            Err(TemplateError::Invalid("second view"))
        );
        // A nested second view is not written either: encoding keeps one level.
        let mut nested = t.clone();
        if let Some(second) = nested.second_view.as_mut() {
            second.second_view = Some(Box::new(t.clone()));
        }
        assert_eq!(nested.encode(), t.encode());
    }

    #[test]
    fn a_second_view_of_another_image_size_is_refused() {
        let mut t = super::super::test_support::two_view_template();
        for (dw, ok) in [(2u16, true), (3, false)] {
            if let Some(second) = t.second_view.as_mut() {
                second.width = t.width + dw;
                second.height = t.height;
            }
            let got = Template::decode(&t.encode());
            assert_eq!(got.is_ok(), ok, "{dw}: {got:?}");
        }
    }

    #[test]
    fn a_second_view_needs_a_full_first_view() {
        // Without ridge counts and texture the first view is version 2 or 3, whose layout
        // has no place for a second view: it is left out rather than written unreadable.
        let mut t = super::super::test_support::two_view_template();
        t.texture = RidgeTexture::default();
        let bytes = t.encode();
        assert_eq!(bytes[3], 3);
        assert_eq!(
            Template::decode(&bytes),
            Ok(Template {
                second_view: None,
                ..t
            })
        );
    }

    #[test]
    fn rejects_bad_header() {
        assert_eq!(
            Template::decode(b"XYZ1000000"),
            Err(TemplateError::BadMagic)
        );
        assert_eq!(
            Template::decode(b"HUT\x09\0\0\0\0\0\0"),
            Err(TemplateError::UnsupportedVersion(9))
        );
        assert_eq!(
            Template::decode(b"HUT\x06\0\0\0\0\0\0"),
            Err(TemplateError::UnsupportedVersion(6))
        );
        assert_eq!(Template::decode(b"HU"), Err(TemplateError::Truncated));
    }
}
