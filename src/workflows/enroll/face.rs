//! Face photo checks before the officer accepts a photo: readable, exposure, even light, no
//! glare, sharpness, and a centred subject. Pure functions over the JPEG bytes.

use std::io::Cursor;

/// A small 8-bit grey image for previews (halfblocks in the console).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Thumb {
    /// Width in pixels.
    pub width: u16,
    /// Height in pixels.
    pub height: u16,
    /// `width * height` grey values.
    pub pixels: Vec<u8>,
}

impl Thumb {
    /// Box-downsamples `pixels` (`w × h`) to fit within `max_w × max_h`, keeping the aspect.
    pub fn fit(pixels: &[u8], w: usize, h: usize, max_w: usize, max_h: usize) -> Self {
        if w == 0 || h == 0 || pixels.len() < w * h || max_w == 0 || max_h == 0 {
            return Self::default();
        }
        let scale = (w as f32 / max_w as f32)
            .max(h as f32 / max_h as f32)
            .max(1.0);
        let tw = ((w as f32 / scale) as usize).max(1);
        let th = ((h as f32 / scale) as usize).max(1);
        let mut out = Vec::with_capacity(tw * th);
        for ty in 0..th {
            let (y0, y1) = (ty * h / th, ((ty + 1) * h / th).max(ty * h / th + 1));
            for tx in 0..tw {
                let (x0, x1) = (tx * w / tw, ((tx + 1) * w / tw).max(tx * w / tw + 1));
                let mut sum = 0u32;
                let mut n = 0u32;
                for y in y0..y1.min(h) {
                    for x in x0..x1.min(w) {
                        sum += u32::from(pixels[y * w + x]);
                        n += 1;
                    }
                }
                out.push((sum / n.max(1)) as u8);
            }
        }
        Thumb {
            width: tw as u16,
            height: th as u16,
            pixels: out,
        }
    }

    /// The grey value at (x, y), 0 outside.
    pub fn at(&self, x: usize, y: usize) -> u8 {
        if x >= usize::from(self.width) {
            return 0;
        }
        self.pixels
            .get(y * usize::from(self.width) + x)
            .copied()
            .unwrap_or(0)
    }
}

/// One check of a face photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceCheckKind {
    /// The JPEG decodes.
    Readable,
    /// Mean brightness is neither too dark nor too bright.
    Exposure,
    /// Left and right halves are lit alike.
    EvenLight,
    /// Few saturated pixels.
    NoGlare,
    /// Enough detail (not blurred or blank).
    Sharp,
    /// The subject is in the middle of the frame.
    Centred,
}

/// The result of checking a face photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceCheck {
    /// Overall quality 0–100.
    pub quality: u8,
    /// Each check and whether it passed.
    pub checks: Vec<(FaceCheckKind, bool)>,
    /// A preview.
    pub thumb: Thumb,
}

impl FaceCheck {
    /// True when every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|(_, ok)| *ok)
    }
}

/// Decodes a JPEG to grey pixels (width, height, pixels).
pub fn decode_gray(jpeg: &[u8]) -> Option<(usize, usize, Vec<u8>)> {
    let mut dec = zune_jpeg::JpegDecoder::new(Cursor::new(jpeg));
    let raw = dec.decode().ok()?;
    let (w, h) = dec.dimensions()?;
    if w == 0 || h == 0 {
        return None;
    }
    let channels = raw.len() / (w * h);
    if channels == 0 {
        return None;
    }
    let gray = raw
        .chunks_exact(channels)
        .map(|px| match px {
            [r, g, b, ..] => {
                ((u32::from(*r) * 299 + u32::from(*g) * 587 + u32::from(*b) * 114) / 1000) as u8
            }
            [v, ..] => *v,
            [] => 0,
        })
        .collect();
    Some((w, h, gray))
}

fn mean_std(px: impl Iterator<Item = u8>) -> (f32, f32) {
    let (mut n, mut s, mut s2) = (0f32, 0f32, 0f32);
    for v in px {
        let v = f32::from(v);
        n += 1.0;
        s += v;
        s2 += v * v;
    }
    if n == 0.0 {
        return (0.0, 0.0);
    }
    let m = s / n;
    (m, (s2 / n - m * m).max(0.0).sqrt())
}

/// Checks a face photo.
pub fn check_face(jpeg: &[u8]) -> FaceCheck {
    let Some((w, h, px)) = decode_gray(jpeg) else {
        return FaceCheck {
            quality: 0,
            checks: vec![(FaceCheckKind::Readable, false)],
            thumb: Thumb::default(),
        };
    };
    let (mean, std) = mean_std(px.iter().copied());
    let half = |left: bool| {
        mean_std((0..h).flat_map(|y| {
            let r = if left { 0..w / 2 } else { w / 2..w };
            let px = &px;
            r.map(move |x| px[y * w + x])
        }))
        .0
    };
    let glare = px.iter().filter(|&&v| v >= 250).count() as f32 / px.len() as f32;
    let centre = mean_std((h / 4..3 * h / 4).flat_map(|y| {
        let px = &px;
        (w / 4..3 * w / 4).map(move |x| px[y * w + x])
    }))
    .1;
    let checks = vec![
        (FaceCheckKind::Readable, true),
        (FaceCheckKind::Exposure, (60.0..=210.0).contains(&mean)),
        (
            FaceCheckKind::EvenLight,
            (half(true) - half(false)).abs() < 40.0,
        ),
        (FaceCheckKind::NoGlare, glare < 0.03),
        (FaceCheckKind::Sharp, std > 15.0),
        (FaceCheckKind::Centred, centre >= std * 0.6),
    ];
    let failed = checks.iter().filter(|(_, ok)| !ok).count() as u8;
    let quality = 100u8
        .saturating_sub(failed * 20)
        .saturating_sub((glare * 200.0) as u8);
    FaceCheck {
        quality,
        checks,
        thumb: Thumb::fit(&px, w, h, 48, 48),
    }
}
