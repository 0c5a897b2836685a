//! Frontal face detection for the photo step: SeetaFace's funnel cascade (crate `rustface`,
//! model embedded from `face_model/`) over an 8-bit grey image, and the measures the photo
//! checks take inside and around a face box (light, sharpness). Owns the detector and its
//! tuning; must not decode JPEG nor decide what passes (`face.rs` holds the thresholds).

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use rustface::{ImageData, Model};

/// SeetaFace frontal model v1.0 (BSD-2-Clause, see `face_model/README.md`). Embedded because
/// `rustface` ships the file in its source but exposes no bytes, and a station must not depend
/// on a model file lying next to the binary.
static MODEL_BYTES: &[u8] = include_bytes!("face_model/seeta_fd_frontal_v1.0.bin");

/// Detector score below which a window is not a face (SeetaFace's own default).
const SCORE_THRESHOLD: f64 = 2.0;
/// Smallest face the cascade looks for, in pixels (SeetaFace's lower bound).
const MIN_FACE_PX: usize = 20;
/// Side of the square a face box is resampled to before measuring sharpness, so the measure
/// means "blur relative to the face" whatever the camera resolution.
const SHARP_SIDE: usize = 64;

/// A face the detector found, in image pixels. The box may reach outside the image when the
/// face is cut by the frame, hence signed coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceBox {
    /// Left edge.
    pub left: i64,
    /// Top edge.
    pub top: i64,
    /// Width (SeetaFace boxes are square: brows to chin).
    pub width: i64,
    /// Height.
    pub height: i64,
    /// Detector confidence (higher is surer).
    pub score: f64,
}

impl FaceBox {
    /// Horizontal centre.
    pub fn centre_x(&self) -> f32 {
        self.left as f32 + self.width as f32 / 2.0
    }

    /// Vertical centre.
    pub fn centre_y(&self) -> f32 {
        self.top as f32 + self.height as f32 / 2.0
    }

    /// The box clipped to a `w × h` image as `(x0, y0, x1, y1)`, or `None` if nothing is left.
    fn clipped(&self, w: usize, h: usize) -> Option<(usize, usize, usize, usize)> {
        let c = |v: i64, max: usize| v.clamp(0, max as i64) as usize;
        let (x0, x1) = (c(self.left, w), c(self.left + self.width, w));
        let (y0, y1) = (c(self.top, h), c(self.top + self.height, h));
        (x1 > x0 && y1 > y0).then_some((x0, y0, x1, y1))
    }
}

fn model() -> Option<&'static Model> {
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| rustface::read_model(Cursor::new(MODEL_BYTES)).ok())
        .as_ref()
}

/// Finds frontal faces in a `w × h` grey image, best first. Returns no faces for an image
/// too small to hold one, or if the detector fails (it is third-party code fed with camera
/// data, so a panic inside it is caught and means "no face").
pub fn detect_faces(pixels: &[u8], w: usize, h: usize) -> Vec<FaceBox> {
    if w < MIN_FACE_PX || h < MIN_FACE_PX || pixels.len() < w * h {
        return Vec::new();
    }
    let (Ok(wu), Ok(hu)) = (u32::try_from(w), u32::try_from(h)) else {
        return Vec::new();
    };
    let Some(model) = model() else {
        return Vec::new();
    };
    let found = catch_unwind(AssertUnwindSafe(|| {
        let mut detector = rustface::create_detector_with_model(model.clone());
        // Faces smaller than a tenth of the short side fail the size check anyway, but a
        // small second face in the background must still be seen (it fails "one face").
        detector.set_min_face_size((w.min(h) / 10).max(MIN_FACE_PX) as u32);
        detector.set_score_thresh(SCORE_THRESHOLD);
        detector.set_pyramid_scale_factor(0.8);
        detector.set_slide_window_step(4, 4);
        detector.detect(&ImageData::new(&pixels[..w * h], wu, hu))
    }));
    let mut faces: Vec<FaceBox> = found
        .unwrap_or_default()
        .iter()
        .map(|f| {
            let b = f.bbox();
            FaceBox {
                left: i64::from(b.x()),
                top: i64::from(b.y()),
                width: i64::from(b.width()),
                height: i64::from(b.height()),
                score: f.score(),
            }
        })
        .collect();
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    faces
}

/// Mean grey level inside the face box and of the background beside the head (the image
/// columns left and right of the box widened by half its width, above the box's bottom).
/// `None` for a side that has no pixels.
pub fn face_and_background_light(
    pixels: &[u8],
    w: usize,
    h: usize,
    face: &FaceBox,
) -> (Option<f32>, Option<f32>) {
    let Some((x0, y0, x1, y1)) = face.clipped(w, h) else {
        return (None, None);
    };
    let inner = mean((y0..y1).flat_map(|y| (x0..x1).map(move |x| pixels[y * w + x])));
    let pad = face.width / 2;
    let head = FaceBox {
        left: face.left - pad,
        width: face.width + 2 * pad,
        ..*face
    };
    let (hx0, hx1) = head.clipped(w, h).map_or((x0, x1), |(a, _, b, _)| (a, b));
    let bottom = y1;
    let outer =
        mean((0..bottom).flat_map(|y| (0..hx0).chain(hx1..w).map(move |x| pixels[y * w + x])));
    (inner, outer)
}

/// Sharpness of the face: mean absolute Laplacian of the face box resampled to
/// `SHARP_SIDE²`, divided by the box's grey standard deviation, so that neither the face's
/// size in the image nor its contrast changes the measure, only focus and motion blur.
pub fn face_sharpness(pixels: &[u8], w: usize, h: usize, face: &FaceBox) -> f32 {
    let Some((x0, y0, x1, y1)) = face.clipped(w, h) else {
        return 0.0;
    };
    let n = SHARP_SIDE;
    let mut small = vec![0f32; n * n];
    for (i, v) in small.iter_mut().enumerate() {
        let (ty, tx) = (i / n, i % n);
        let (sy0, sy1) = span(y0, y1, ty, n);
        let (sx0, sx1) = span(x0, x1, tx, n);
        let mut sum = 0f32;
        for y in sy0..sy1 {
            for x in sx0..sx1 {
                sum += f32::from(pixels[y * w + x]);
            }
        }
        *v = sum / ((sy1 - sy0) * (sx1 - sx0)) as f32;
    }
    let m = small.iter().sum::<f32>() / small.len() as f32;
    let std = (small.iter().map(|v| (v - m).powi(2)).sum::<f32>() / small.len() as f32).sqrt();
    let mut lap = 0f32;
    for y in 1..n - 1 {
        for x in 1..n - 1 {
            let c = small[y * n + x];
            lap += (4.0 * c
                - small[(y - 1) * n + x]
                - small[(y + 1) * n + x]
                - small[y * n + x - 1]
                - small[y * n + x + 1])
                .abs();
        }
    }
    lap / ((n - 2) * (n - 2)) as f32 / (std + 1.0)
}

/// The source range `[a, b)` that output cell `i` of `n` covers in `[lo, hi)`; never empty.
fn span(lo: usize, hi: usize, i: usize, n: usize) -> (usize, usize) {
    let len = hi - lo;
    let a = lo + i * len / n;
    (a, (lo + (i + 1) * len / n).max(a + 1))
}

fn mean(px: impl Iterator<Item = u8>) -> Option<f32> {
    let (mut n, mut s) = (0u64, 0u64);
    for v in px {
        n += 1;
        s += u64::from(v);
    }
    (n > 0).then(|| s as f32 / n as f32)
}
