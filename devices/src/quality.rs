//! Simple image measures computed on the host: contrast, foreground share, block orientation
//! field and an orientation-field similarity with alignment search. Used by `devices test`
//! and by tests of the synthetic generator; not a matcher.

use std::f32::consts::PI;

/// Block size in pixels for the local measures.
pub const BLOCK: usize = 16;
/// Local standard deviation above which a block counts as fingerprint foreground.
const FOREGROUND_STD: f32 = 14.0;

/// Simple quality indicators of a grayscale image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality {
    /// (95th − 5th percentile) / 255, 0..1.
    pub contrast: f32,
    /// Share of 16×16 blocks with ridge-like texture, 0..1.
    pub foreground: f32,
    /// Mean gray level, 0..255.
    pub mean: f32,
}

/// Computes contrast, foreground share and mean of a `w × h` image.
pub fn assess(pixels: &[u8], w: usize, h: usize) -> Quality {
    let mut hist = [0usize; 256];
    for p in pixels {
        hist[usize::from(*p)] += 1;
    }
    let n = pixels.len().max(1);
    let pct = |q: f32| {
        let target = (q * n as f32) as usize;
        let mut acc = 0;
        for (v, c) in hist.iter().enumerate() {
            acc += c;
            if acc > target {
                return v as f32;
            }
        }
        255.0
    };
    let mean = pixels.iter().map(|p| f32::from(*p)).sum::<f32>() / n as f32;
    let field = OrientationField::estimate(pixels, w, h);
    let fg = field.blocks.iter().filter(|b| b.foreground).count() as f32
        / field.blocks.len().max(1) as f32;
    Quality {
        contrast: (pct(0.95) - pct(0.05)) / 255.0,
        foreground: fg,
        mean,
    }
}

/// One block of an orientation field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Block {
    /// Ridge direction, radians modulo π.
    pub theta: f32,
    /// Orientation coherence 0..1.
    pub coherence: f32,
    /// True if the block holds fingerprint texture.
    pub foreground: bool,
}

/// Block-wise ridge orientation of an image.
#[derive(Debug, Clone)]
pub struct OrientationField {
    /// Blocks per row.
    pub cols: usize,
    /// Block rows.
    pub rows: usize,
    /// Row-major blocks.
    pub blocks: Vec<Block>,
}

impl OrientationField {
    /// Estimates the field from gradients (least-squares doubled-angle method).
    pub fn estimate(pixels: &[u8], w: usize, h: usize) -> Self {
        let (cols, rows) = (w / BLOCK, h / BLOCK);
        let px = |x: usize, y: usize| f32::from(pixels.get(y * w + x).copied().unwrap_or(255));
        let mut blocks = Vec::with_capacity(cols * rows);
        for by in 0..rows {
            for bx in 0..cols {
                let (mut gxx, mut gyy, mut gxy) = (0f32, 0f32, 0f32);
                let (mut sum, mut sum2, mut n) = (0f32, 0f32, 0f32);
                for y in by * BLOCK..(by + 1) * BLOCK {
                    for x in bx * BLOCK..(bx + 1) * BLOCK {
                        let v = px(x, y);
                        sum += v;
                        sum2 += v * v;
                        n += 1.0;
                        if x == 0 || y == 0 || x + 1 >= w || y + 1 >= h {
                            continue;
                        }
                        let gx = px(x + 1, y) - px(x - 1, y);
                        let gy = px(x, y + 1) - px(x, y - 1);
                        gxx += gx * gx;
                        gyy += gy * gy;
                        gxy += gx * gy;
                    }
                }
                let var = (sum2 / n - (sum / n).powi(2)).max(0.0);
                let theta = (0.5 * (2.0 * gxy).atan2(gxx - gyy) + PI / 2.0).rem_euclid(PI);
                let coherence =
                    ((gxx - gyy).powi(2) + 4.0 * gxy * gxy).sqrt() / (gxx + gyy).max(1e-6);
                blocks.push(Block {
                    theta,
                    coherence,
                    foreground: var.sqrt() > FOREGROUND_STD,
                });
            }
        }
        Self { cols, rows, blocks }
    }

    fn at(&self, x: f32, y: f32) -> Option<&Block> {
        if x < 0.0 || y < 0.0 {
            return None;
        }
        let (c, r) = ((x / BLOCK as f32) as usize, (y / BLOCK as f32) as usize);
        if c >= self.cols || r >= self.rows {
            return None;
        }
        self.blocks.get(r * self.cols + c)
    }

    /// Best coherence-weighted mean of cos(2Δθ) over rotations ±15° and shifts ±32 px.
    ///
    /// 1 = identical flow, about 0 = unrelated; `None` if the overlap is always too small.
    pub fn similarity(&self, other: &Self) -> Option<f32> {
        let (cx, cy) = (
            (self.cols * BLOCK) as f32 / 2.0,
            (self.rows * BLOCK) as f32 / 2.0,
        );
        let fg = self.blocks.iter().filter(|b| b.foreground).count();
        let mut best: Option<f32> = None;
        for ri in -5..=5 {
            let rot = ri as f32 * 3.0_f32.to_radians();
            let (s, c) = rot.sin_cos();
            for ty in -4..=4 {
                for tx in -4..=4 {
                    let (tx, ty) = (tx as f32 * 8.0, ty as f32 * 8.0);
                    let (mut score, mut weight, mut overlap) = (0f32, 0f32, 0usize);
                    for (i, a) in self.blocks.iter().enumerate() {
                        if !a.foreground {
                            continue;
                        }
                        let px = ((i % self.cols) * BLOCK + BLOCK / 2) as f32 - cx;
                        let py = ((i / self.cols) * BLOCK + BLOCK / 2) as f32 - cy;
                        let qx = c * px - s * py + cx + tx;
                        let qy = s * px + c * py + cy + ty;
                        let Some(b) = other.at(qx, qy).filter(|b| b.foreground) else {
                            continue;
                        };
                        let w = a.coherence * b.coherence;
                        score += w * (2.0 * (a.theta + rot - b.theta)).cos();
                        weight += w;
                        overlap += 1;
                    }
                    if overlap * 2 >= fg && weight > 0.0 {
                        let v = score / weight;
                        best = Some(best.map_or(v, |b: f32| b.max(v)));
                    }
                }
            }
        }
        best
    }
}
