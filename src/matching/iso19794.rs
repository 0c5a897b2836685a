//! ISO/IEC 19794-2:2005 finger minutiae record export and import (one finger view, no
//! extended data written; extended data skipped on import).
//!
//! Owns the interchange layout (big-endian, "FMR\0" / " 20\0", 24-byte record header, 4-byte
//! view header, 6 bytes per minutia). Must not extract or match; import never panics.

use thiserror::Error;

use super::minutiae::Kind;
use super::template::{StoredMinutia, Template};

/// Pixels per centimetre at the working resolution (500 ppi).
pub const WORK_PPCM: u16 = 197;

/// Why an ISO record could not be imported.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum IsoError {
    /// Not an FMR record of version " 20".
    #[error("not an ISO/IEC 19794-2:2005 finger minutiae record")]
    BadHeader,
    /// The record ends early or its length field disagrees with the data.
    #[error("ISO record truncated or inconsistent length")]
    Truncated,
    /// The record holds no finger view.
    #[error("ISO record has no finger view")]
    NoView,
    /// A resolution field is zero.
    #[error("ISO record has zero resolution")]
    ZeroResolution,
}

/// The finger position byte of an ISO/IEC 19794-2 record, as the record carries it (0 unknown, 1–5 right thumb..little, 6–10 left).
pub type IsoFingerCode = u8;

/// Exports `t` as a single-view ISO/IEC 19794-2:2005 record (30 + 6·n bytes).
pub fn export(t: &Template, finger: IsoFingerCode) -> Vec<u8> {
    let n = t.minutiae.len().min(255);
    let total = 30 + 6 * n;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"FMR\0");
    out.extend_from_slice(b" 20\0");
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&t.width.to_be_bytes());
    out.extend_from_slice(&t.height.to_be_bytes());
    out.extend_from_slice(&WORK_PPCM.to_be_bytes());
    out.extend_from_slice(&WORK_PPCM.to_be_bytes());
    out.push(1);
    out.push(0);
    out.push(finger.min(10));
    out.push(0); // view 0, live-scan plain
    out.push(t.quality.min(100));
    out.push(n as u8);
    for m in t.minutiae.iter().take(n) {
        let ty: u16 = match m.kind {
            Kind::Ending => 0b01,
            Kind::Bifurcation => 0b10,
        };
        out.extend_from_slice(&((ty << 14) | (m.x & 0x3fff)).to_be_bytes());
        out.extend_from_slice(&(m.y & 0x3fff).to_be_bytes());
        // ISO angles run counter-clockwise; ours clockwise (y down).
        out.push(0u8.wrapping_sub(m.angle));
        out.push(m.reliability.min(100));
    }
    out.extend_from_slice(&0u16.to_be_bytes());
    out
}

/// Imports the first finger view of an ISO/IEC 19794-2:2005 record, rescaling to 500 ppi.
/// Returns the template and the finger position.
pub fn import(bytes: &[u8]) -> Result<(Template, IsoFingerCode), IsoError> {
    let h = bytes.get(..24).ok_or(IsoError::Truncated)?;
    if &h[..4] != b"FMR\0" || &h[4..8] != b" 20\0" {
        return Err(IsoError::BadHeader);
    }
    let total = u32::from_be_bytes([h[8], h[9], h[10], h[11]]) as usize;
    if total > bytes.len() || total < 24 {
        return Err(IsoError::Truncated);
    }
    let be16 = |i: usize| u16::from_be_bytes([h[i], h[i + 1]]);
    let (w, hh, rx, ry) = (be16(14), be16(16), be16(18), be16(20));
    if rx == 0 || ry == 0 {
        return Err(IsoError::ZeroResolution);
    }
    if h[22] == 0 {
        return Err(IsoError::NoView);
    }
    let rec = &bytes[..total];
    let v = rec.get(24..28).ok_or(IsoError::Truncated)?;
    let finger = v[0];
    let quality = v[2].min(100);
    let n = usize::from(v[3]);
    let body = rec.get(28..28 + 6 * n).ok_or(IsoError::Truncated)?;
    let sx = f32::from(WORK_PPCM) / f32::from(rx);
    let sy = f32::from(WORK_PPCM) / f32::from(ry);
    let scale = |v: u16, s: f32| -> u16 {
        if (s - 1.0).abs() < 1e-6 {
            v
        } else {
            (f32::from(v) * s).round().clamp(0.0, 16383.0) as u16
        }
    };
    let mut minutiae = Vec::with_capacity(n);
    for c in body.chunks_exact(6) {
        let xw = u16::from_be_bytes([c[0], c[1]]);
        let yw = u16::from_be_bytes([c[2], c[3]]);
        let kind = if xw >> 14 == 0b10 {
            Kind::Bifurcation
        } else {
            Kind::Ending
        };
        minutiae.push(StoredMinutia {
            x: scale(xw & 0x3fff, sx),
            y: scale(yw & 0x3fff, sy),
            angle: 0u8.wrapping_sub(c[4]),
            kind,
            reliability: c[5].min(100),
        });
    }
    let t = Template {
        width: scale(w, sx).max(if w > 0 { 1 } else { 0 }),
        height: scale(hh, sy).max(if hh > 0 { 1 } else { 0 }),
        quality,
        minutiae,
        flow: Default::default(),
        ridge_counts: Vec::new(),
        texture: Default::default(),
        second_view: None,
    };
    Ok((t, finger))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::arb_template;
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn roundtrip(t in arb_template(), finger in 0u8..=10) {
            let rec = export(&t, finger);
            prop_assert_eq!(rec.len(), 30 + 6 * t.minutiae.len());
            // The ridge flow and the ridge counts have no place in the ISO record: everything
            // else round-trips.
            let minutiae_only = Template { flow: Default::default(), ridge_counts: Vec::new(), texture: Default::default(), second_view: None, ..t };
            prop_assert_eq!(import(&rec), Ok((minutiae_only, finger)));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = import(&bytes);
        }

        #[test]
        fn fmr_prefixed_garbage_never_panics(tail in prop::collection::vec(any::<u8>(), 0..400)) {
            let mut b = b"FMR\0 20\0".to_vec();
            b.extend_from_slice(&tail);
            let _ = import(&b);
        }
    }

    #[test]
    fn header_matches_brief_layout() {
        let t = Template {
            width: 388,
            height: 374,
            quality: 80,
            minutiae: vec![StoredMinutia {
                x: 100,
                y: 200,
                angle: 64,
                kind: Kind::Bifurcation,
                reliability: 50,
            }],
            flow: Default::default(),
            ridge_counts: Vec::new(),
            texture: Default::default(),
            second_view: None,
        };
        let r = export(&t, 2);
        assert_eq!(&r[..8], b"FMR\0 20\0");
        assert_eq!(u32::from_be_bytes([r[8], r[9], r[10], r[11]]), 36);
        assert_eq!(u16::from_be_bytes([r[18], r[19]]), 197);
        assert_eq!(r[22], 1);
        assert_eq!((r[24], r[25], r[26], r[27]), (2, 0, 80, 1));
        assert_eq!(u16::from_be_bytes([r[28], r[29]]), (0b10 << 14) | 100);
        assert_eq!(r[32], 192); // 90° clockwise = 270° counter-clockwise
    }

    #[test]
    fn rescales_other_resolutions() {
        let t = Template {
            width: 200,
            height: 200,
            quality: 0,
            minutiae: vec![StoredMinutia {
                x: 100,
                y: 50,
                angle: 0,
                kind: Kind::Ending,
                reliability: 0,
            }],
            flow: Default::default(),
            ridge_counts: Vec::new(),
            texture: Default::default(),
            second_view: None,
        };
        let mut r = export(&t, 0);
        // Pretend the record was captured at 1000 ppi (394 px/cm).
        r[18..20].copy_from_slice(&394u16.to_be_bytes());
        r[20..22].copy_from_slice(&394u16.to_be_bytes());
        let (u, _) = import(&r).expect("valid");
        assert_eq!((u.minutiae[0].x, u.minutiae[0].y), (50, 25));
    }
}
