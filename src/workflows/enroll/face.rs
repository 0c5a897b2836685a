//! Face photo checks before the officer accepts a photo: readable, exposure, even light, no
//! glare, then on the face the detector finds (`face_detect`): exactly one face, its size,
//! position and margins in a passport-style frame, light on the face against the background,
//! and sharpness inside the face box. Pure functions over the JPEG bytes; the thresholds live
//! here, the detector and the measures in `face_detect.rs`.

use std::io::Cursor;

use super::face_detect::{FaceBox, detect_faces, face_and_background_light, face_sharpness};

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
    /// The face is in focus: enough detail inside the face box for its contrast.
    Sharp,
    /// The face's centre is in the middle of the frame (passport-style position).
    Centred,
    /// Exactly one face is found.
    OneFace,
    /// The face fills a passport-style share of the frame's height (not too far, not too near).
    FaceSize,
    /// The whole head fits in the frame with room above, below and at the sides.
    InFrame,
    /// The face is lit (not dark, not against a much brighter background).
    FaceLight,
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

/// Face box height as a share of the image height: passport frames put the head at roughly
/// 50–75 % of the height; SeetaFace's box covers brows to chin, about 60 % of the head.
const FACE_HEIGHT_SHARE: std::ops::RangeInclusive<f32> = 0.25..=0.70;
/// Largest horizontal distance of the face centre from the middle, as a share of the width.
const CENTRE_X_TOLERANCE: f32 = 0.12;
/// Allowed vertical position of the face centre, as a share of the height (eyes a little
/// above the middle).
const CENTRE_Y_SHARE: std::ops::RangeInclusive<f32> = 0.35..=0.62;
/// Room the frame must leave around the box, in box sizes: sides, above (forehead and hair),
/// below (chin and neck).
const MARGIN_SIDE: f32 = 0.25;
const MARGIN_TOP: f32 = 0.30;
const MARGIN_BOTTOM: f32 = 0.15;
/// Darkest acceptable mean grey on the face, and the least face/background light ratio
/// (below it the subject stands against a window or a lamp).
const FACE_MIN_LIGHT: f32 = 70.0;
const FACE_MIN_LIGHT_RATIO: f32 = 0.45;
/// Least `face_sharpness`: measured 0.31–0.41 on in-focus synthetic faces at 160–640 px,
/// 0.23 after a 5×5 box blur of a 640×480 photo, 0.15 after 9×9.
const FACE_MIN_SHARPNESS: f32 = 0.20;

/// The passport-frame checks of the one face found in a `w × h` grey image.
fn frame_checks(px: &[u8], w: usize, h: usize, face: &FaceBox) -> Vec<(FaceCheckKind, bool)> {
    let (wf, hf) = (w as f32, h as f32);
    let (bw, bh) = (face.width as f32, face.height as f32);
    let size = FACE_HEIGHT_SHARE.contains(&(bh / hf));
    let centred = (face.centre_x() / wf - 0.5).abs() <= CENTRE_X_TOLERANCE
        && CENTRE_Y_SHARE.contains(&(face.centre_y() / hf));
    let (left, top) = (face.left as f32, face.top as f32);
    let in_frame = left >= MARGIN_SIDE * bw
        && wf - (left + bw) >= MARGIN_SIDE * bw
        && top >= MARGIN_TOP * bh
        && hf - (top + bh) >= MARGIN_BOTTOM * bh;
    let lit = match face_and_background_light(px, w, h, face) {
        (Some(f), Some(b)) => f >= FACE_MIN_LIGHT && f >= FACE_MIN_LIGHT_RATIO * b,
        (Some(f), None) => f >= FACE_MIN_LIGHT,
        _ => false,
    };
    vec![
        (FaceCheckKind::FaceSize, size),
        (FaceCheckKind::Centred, centred),
        (FaceCheckKind::InFrame, in_frame),
        (FaceCheckKind::FaceLight, lit),
        (
            FaceCheckKind::Sharp,
            face_sharpness(px, w, h, face) >= FACE_MIN_SHARPNESS,
        ),
    ]
}

/// Checks a face photo (JPEG bytes as the camera sent them).
pub fn check_face(jpeg: &[u8]) -> FaceCheck {
    match decode_gray(jpeg) {
        Some((w, h, px)) => check_face_gray(&px, w, h),
        None => FaceCheck {
            quality: 0,
            checks: vec![(FaceCheckKind::Readable, false)],
            thumb: Thumb::default(),
        },
    }
}

/// Checks a face photo already decoded to `w × h` grey pixels.
pub fn check_face_gray(px: &[u8], w: usize, h: usize) -> FaceCheck {
    if w == 0 || h == 0 || px.len() < w * h {
        return FaceCheck {
            quality: 0,
            checks: vec![(FaceCheckKind::Readable, false)],
            thumb: Thumb::default(),
        };
    }
    let px = &px[..w * h];
    let (mean, _) = mean_std(px.iter().copied());
    let half = |left: bool| {
        mean_std((0..h).flat_map(|y| {
            let r = if left { 0..w / 2 } else { w / 2..w };
            r.map(move |x| px[y * w + x])
        }))
        .0
    };
    let glare = px.iter().filter(|&&v| v >= 250).count() as f32 / px.len() as f32;
    let faces = detect_faces(px, w, h);
    let mut checks = vec![
        (FaceCheckKind::Readable, true),
        (FaceCheckKind::Exposure, (60.0..=210.0).contains(&mean)),
        (
            FaceCheckKind::EvenLight,
            (half(true) - half(false)).abs() < 40.0,
        ),
        (FaceCheckKind::NoGlare, glare < 0.03),
        (FaceCheckKind::OneFace, faces.len() == 1),
    ];
    // With no face or several, size, position and light have no subject: only "one face"
    // is reported, so the officer sees the one thing to fix.
    if let [face] = faces.as_slice() {
        checks.extend(frame_checks(px, w, h, face));
    }
    let failed = checks.iter().filter(|(_, ok)| !ok).count() as u8;
    let quality = 100u8
        .saturating_sub(failed.saturating_mul(20))
        .saturating_sub((glare * 200.0) as u8);
    FaceCheck {
        quality,
        checks,
        thumb: Thumb::fit(px, w, h, 48, 48),
    }
}
