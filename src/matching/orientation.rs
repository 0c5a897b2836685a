//! Ridge orientation field: per-block ridge direction (0..π) and its coherence, from
//! smoothed squared gradients.
//!
//! Owns orientation estimation only. Must not segment, enhance or detect minutiae.

use std::f32::consts::PI;

use super::noise::NOISE_SHARE;
use super::raster::Gray;
use super::segmentation::{BLOCK, BlockMap};

/// Orientation field on the block grid.
#[derive(Clone, Debug)]
pub struct OrientationField {
    /// Ridge direction per block in radians, in `[0, π)`.
    pub theta: BlockMap<f32>,
    /// Coherence per block in `[0, 1]` (1 = perfectly parallel ridges).
    pub coherence: BlockMap<f32>,
}

impl OrientationField {
    /// Ridge direction at pixel (`x`, `y`), bilinearly interpolated in the doubled-angle domain.
    pub fn at(&self, x: f32, y: f32) -> f32 {
        let fx = x / BLOCK as f32 - 0.5;
        let fy = y / BLOCK as f32 - 0.5;
        let bx = fx.floor();
        let by = fy.floor();
        let (tx, ty) = (fx - bx, fy - by);
        let (bx, by) = (bx as isize, by as isize);
        let mut c = 0.0;
        let mut s = 0.0;
        for (dx, dy, w) in [
            (0, 0, (1.0 - tx) * (1.0 - ty)),
            (1, 0, tx * (1.0 - ty)),
            (0, 1, (1.0 - tx) * ty),
            (1, 1, tx * ty),
        ] {
            let i = (bx + dx).clamp(0, self.theta.bw as isize - 1);
            let j = (by + dy).clamp(0, self.theta.bh as isize - 1);
            let t = self.theta.get(i, j);
            let k = self.coherence.get(i, j).max(0.05) * w;
            c += k * (2.0 * t).cos();
            s += k * (2.0 * t).sin();
        }
        let a = 0.5 * s.atan2(c);
        if a < 0.0 { a + PI } else { a }
    }
}

/// Sobel gradients of `img`.
pub fn gradients(img: &Gray) -> (Vec<f32>, Vec<f32>) {
    let w = img.width;
    let mut gx = vec![0.0f32; w * img.height];
    let mut gy = vec![0.0f32; w * img.height];
    for (y, (gxr, gyr)) in gx
        .chunks_exact_mut(w.max(1))
        .zip(gy.chunks_exact_mut(w.max(1)))
        .enumerate()
    {
        gradient_row(img, y, gxr, gyr);
    }
    (gx, gy)
}

/// Row `y` of [`gradients`], written to `gxr` and `gyr` (each `img.width` long).
fn gradient_row(img: &Gray, y: usize, gxr: &mut [f32], gyr: &mut [f32]) {
    let (w, h) = (img.width, img.height);
    let border = |x: isize, y: isize| {
        let p = |dx: isize, dy: isize| img.at_clamped(x + dx, y + dy);
        let sx = (p(1, -1) + 2.0 * p(1, 0) + p(1, 1)) - (p(-1, -1) + 2.0 * p(-1, 0) + p(-1, 1));
        let sy = (p(-1, 1) + 2.0 * p(0, 1) + p(1, 1)) - (p(-1, -1) + 2.0 * p(0, -1) + p(1, -1));
        (sx, sy)
    };
    let i0 = y * w;
    let (Some(gxr), Some(gyr)) = (gxr.get_mut(..w), gyr.get_mut(..w)) else {
        return;
    };
    // Interior rows read three row slices directly (same sums in the same order as the
    // clamped border path); the clamping is only needed on the outer ring.
    let rows = (y >= 1 && y + 1 < h && w >= 3)
        .then(|| {
            Some((
                img.data.get(i0 - w..i0)?,
                img.data.get(i0..i0 + w)?,
                img.data.get(i0 + w..i0 + 2 * w)?,
            ))
        })
        .flatten();
    let Some((up, mid, down)) = rows else {
        for x in 0..w {
            let (sx, sy) = border(x as isize, y as isize);
            gxr[x] = sx;
            gyr[x] = sy;
        }
        return;
    };
    for x in [0, w - 1] {
        let (sx, sy) = border(x as isize, y as isize);
        gxr[x] = sx;
        gyr[x] = sy;
    }
    let inner = up
        .windows(3)
        .zip(mid.windows(3))
        .zip(down.windows(3))
        .zip(gxr[1..w - 1].iter_mut().zip(&mut gyr[1..w - 1]));
    for (((u, m), d), (ox, oy)) in inner {
        let sx = (u[2] + 2.0 * m[2] + d[2]) - (u[0] + 2.0 * m[0] + d[0]);
        let sy = (d[0] + 2.0 * d[1] + d[2]) - (u[0] + 2.0 * u[1] + u[2]);
        *ox = sx;
        *oy = sy;
    }
}

/// Half-side of the gradient window of each block's orientation (a 25 × 25 window).
const WINDOW_REACH: isize = 12;

/// The start and end `[x0, x1)` of each block's window along an axis of `len` pixels, clipped
/// as [`Integral::sum`](super::segmentation::Integral::sum) clips them, and the distinct
/// window edges in ascending order.
fn window_edges(blocks: usize, len: usize) -> (Vec<[usize; 2]>, Vec<usize>) {
    let clip = |v: isize| v.clamp(0, len as isize) as usize;
    let windows: Vec<[usize; 2]> = (0..blocks)
        .map(|b| {
            let c = (b * BLOCK + BLOCK / 2) as isize;
            [clip(c - WINDOW_REACH), clip(c + WINDOW_REACH + 1)]
        })
        .collect();
    let mut edges: Vec<usize> = windows.iter().flatten().copied().collect();
    edges.sort_unstable();
    edges.dedup();
    (windows, edges)
}

/// The sums of gx², gy² and gx·gy over each block's window, from summed-area tables kept
/// only where a window starts or ends.
///
/// Each kept entry is bit for bit the entry of the whole image's
/// [`Integral`](super::segmentation::Integral) of the same values: a row's running sum is
/// taken in ascending x from 0.0 and each column's in ascending y, with the same operations
/// in the same order. Keeping only the window edges
/// (about one column and row in four) and making the gradients a row at a time, rather than
/// storing them and three whole tables, is what makes this cheap.
struct WindowSums {
    /// Window `[x0, x1)` of each block column, as indices into the kept columns.
    cols: Vec<[usize; 2]>,
    /// Window `[y0, y1)` of each block row, as indices into the kept rows.
    rows: Vec<[usize; 2]>,
    /// Pixel count of each block column's and row's window.
    widths: Vec<usize>,
    heights: Vec<usize>,
    /// Number of kept columns.
    stride: usize,
    /// The tables (gx², gy², gx·gy) at the kept rows × kept columns, row-major.
    table: Vec<[f64; 3]>,
}

impl WindowSums {
    /// The window sums of `img`'s Sobel gradients on the block grid `bw` × `bh`.
    fn new(img: &Gray, bw: usize, bh: usize) -> Self {
        let (w, h) = (img.width, img.height);
        let (col_windows, col_edges) = window_edges(bw, w);
        let (row_windows, row_edges) = window_edges(bh, h);
        let slot = |edges: &[usize], v: usize| edges.binary_search(&v).unwrap_or(0);
        let slots = |windows: &[[usize; 2]], edges: &[usize]| -> Vec<[usize; 2]> {
            windows
                .iter()
                .map(|&[a, b]| [slot(edges, a), slot(edges, b)])
                .collect()
        };
        let stride = col_edges.len();
        let mut table = Vec::with_capacity(row_edges.len() * stride);
        // Column sums at the kept columns through the rows so far (row 0 of the table).
        let mut column = vec![[0.0f64; 3]; stride];
        let mut kept_rows = row_edges.iter().peekable();
        if kept_rows.next_if_eq(&&0).is_some() {
            table.extend_from_slice(&column);
        }
        let (mut gxr, mut gyr) = (vec![0.0f32; w], vec![0.0f32; w]);
        for y in 0..h {
            if kept_rows.peek().is_none() {
                break;
            }
            gradient_row(img, y, &mut gxr, &mut gyr);
            let mut row = [0.0f64; 3];
            let mut x = 0;
            for (&edge, above) in col_edges.iter().zip(column.iter_mut()) {
                let (Some(gx), Some(gy)) = (gxr.get(x..edge), gyr.get(x..edge)) else {
                    continue;
                };
                for (&a, &b) in gx.iter().zip(gy) {
                    row[0] += f64::from(a * a);
                    row[1] += f64::from(b * b);
                    row[2] += f64::from(a * b);
                }
                x = edge;
                // The entry below = the entry above + this row's running sum.
                for (s, r) in above.iter_mut().zip(row) {
                    *s += r;
                }
            }
            if kept_rows.next_if_eq(&&(y + 1)).is_some() {
                table.extend_from_slice(&column);
            }
        }
        let lengths = |windows: &[[usize; 2]]| -> Vec<usize> {
            windows.iter().map(|&[a, b]| b.saturating_sub(a)).collect()
        };
        Self {
            widths: lengths(&col_windows),
            heights: lengths(&row_windows),
            cols: slots(&col_windows, &col_edges),
            rows: slots(&row_windows, &row_edges),
            stride,
            table,
        }
    }

    /// The sums over block (`bx`, `by`)'s window and its pixel count, as
    /// [`Integral::sum`](super::segmentation::Integral::sum) gives them.
    fn get(&self, bx: usize, by: usize) -> ([f64; 3], f64) {
        let ([x0, x1], [y0, y1]) = (self.cols[bx], self.rows[by]);
        let (width, height) = (self.widths[bx], self.heights[by]);
        if width == 0 || height == 0 {
            return ([0.0; 3], 0.0);
        }
        let g = |x: usize, y: usize| {
            self.table
                .get(y * self.stride + x)
                .copied()
                .unwrap_or([0.0; 3])
        };
        let (a, b, c, d) = (g(x1, y1), g(x0, y1), g(x1, y0), g(x0, y0));
        (
            std::array::from_fn(|k| a[k] - b[k] - c[k] + d[k]),
            (width * height) as f64,
        )
    }
}

/// Estimates the orientation field of a contrast-normalised image.
pub fn estimate(img: &Gray) -> OrientationField {
    estimate_inner(img, None).0
}

/// Gradient energy per pixel of white noise of unit variance through the Sobel kernels,
/// both components: 2 × (1 + 4 + 1) × (1 + 1).
const SOBEL_NOISE_GAIN: f64 = 24.0;

/// As [`estimate`], and with it the coherence each block would have without the image's
/// white noise, whose variance per block (in the units of `img`) is `noise`: the noise's
/// expected gradient energy is taken out of the window's total before the ratio, where it
/// is at least [`NOISE_SHARE`] of it. Noise adds the same energy in every direction, so it
/// lowers the coherence of ridges that are there; the field itself is unchanged.
pub fn estimate_with_noise(img: &Gray, noise: &BlockMap<f32>) -> (OrientationField, BlockMap<f32>) {
    let (field, denoised) = estimate_inner(img, Some(noise));
    let denoised = denoised.unwrap_or_else(|| field.coherence.clone());
    (field, denoised)
}

fn estimate_inner(
    img: &Gray,
    noise: Option<&BlockMap<f32>>,
) -> (OrientationField, Option<BlockMap<f32>>) {
    let (w, h) = (img.width, img.height);
    let mut vx = BlockMap::for_image(w, h, 0.0f32);
    let mut vy = vx.clone();
    let mut coherence = vx.clone();
    let mut denoised = noise.map(|_| vx.clone());
    let sums = WindowSums::new(img, vx.bw, vx.bh);
    for by in 0..vx.bh {
        for bx in 0..vx.bw {
            let ([a, b, c], n) = sums.get(bx, by);
            let e = a + b;
            let dx = a - b;
            let dy = 2.0 * c;
            let mag = (dx * dx + dy * dy).sqrt();
            let coh = if e > 1e-9 { (mag / e) as f32 } else { 0.0 };
            coherence.set(bx, by, coh);
            if let (Some(d), Some(nv)) = (denoised.as_mut(), noise) {
                let e_noise = SOBEL_NOISE_GAIN * f64::from(nv.get(bx as isize, by as isize)) * n;
                let e_ridges = if e_noise > f64::from(NOISE_SHARE) * e {
                    (e - e_noise).max(mag)
                } else {
                    e
                };
                d.set(
                    bx,
                    by,
                    if e_ridges > 1e-9 {
                        (mag / e_ridges) as f32
                    } else {
                        0.0
                    },
                );
            }
            // Unit doubled-angle vector weighted by coherence.
            if mag > 1e-12 {
                vx.set(bx, by, (dx / mag) as f32 * coh);
                vy.set(bx, by, (dy / mag) as f32 * coh);
            }
        }
    }
    // Gaussian-like smoothing of the doubled-angle vectors over 5×5 blocks.
    let k = [1.0f32, 4.0, 6.0, 4.0, 1.0];
    let mut theta = BlockMap::for_image(w, h, 0.0f32);
    for by in 0..vx.bh as isize {
        for bx in 0..vx.bw as isize {
            let mut sx = 0.0;
            let mut sy = 0.0;
            for (j, kj) in k.iter().enumerate() {
                for (i, ki) in k.iter().enumerate() {
                    let (x, y) = (bx + i as isize - 2, by + j as isize - 2);
                    sx += ki * kj * vx.get(x, y);
                    sy += ki * kj * vy.get(x, y);
                }
            }
            // Gradient direction is half the doubled angle; ridges run perpendicular to it.
            let mut t = 0.5 * sy.atan2(sx) + PI / 2.0;
            if t >= PI {
                t -= PI;
            }
            if t < 0.0 {
                t += PI;
            }
            theta.set(bx as usize, by as usize, t);
        }
    }
    (OrientationField { theta, coherence }, denoised)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::segmentation::Integral;

    #[test]
    fn window_sums_are_the_integral_sums_bit_for_bit() {
        use rand::{Rng, SeedableRng, rngs::StdRng};
        let mut rng = StdRng::seed_from_u64(3);
        for (w, h) in [(1, 1), (2, 7), (5, 3), (37, 29), (64, 40), (101, 77)] {
            // Values over several orders of magnitude, so that the f64 sums round.
            let data = (0..w * h)
                .map(|_| rng.gen_range(-3.0f32..3.0) * 10f32.powi(rng.gen_range(-3..4)))
                .collect();
            let img = Gray {
                width: w,
                height: h,
                data,
            };
            let (gx, gy) = gradients(&img);
            let gxx = Integral::new(w, h, gx.iter().map(|&v| f64::from(v * v)));
            let gyy = Integral::new(w, h, gy.iter().map(|&v| f64::from(v * v)));
            let gxy = Integral::new(w, h, gx.iter().zip(&gy).map(|(&a, &b)| f64::from(a * b)));
            let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
            let sums = WindowSums::new(&img, bw, bh);
            let r = WINDOW_REACH;
            for by in 0..bh {
                for bx in 0..bw {
                    let (cx, cy) = (
                        (bx * BLOCK + BLOCK / 2) as isize,
                        (by * BLOCK + BLOCK / 2) as isize,
                    );
                    let window = (cx - r, cy - r, cx + r + 1, cy + r + 1);
                    let whole =
                        [&gxx, &gyy, &gxy].map(|t| t.sum(window.0, window.1, window.2, window.3));
                    let (kept, n) = sums.get(bx, by);
                    for k in 0..3 {
                        assert_eq!(
                            kept[k].to_bits(),
                            whole[k].0.to_bits(),
                            "{w}×{h} ({bx}, {by}) {k}"
                        );
                        assert_eq!(n.to_bits(), whole[k].1.to_bits(), "{w}×{h} ({bx}, {by})");
                    }
                }
            }
        }
    }

    #[test]
    fn vertical_ridges_have_vertical_orientation() {
        let (w, h) = (96, 96);
        let mut img = Gray::filled(w, h, 0.0);
        for y in 0..h {
            for x in 0..w {
                img.data[y * w + x] = (2.0 * PI * x as f32 / 9.0).cos();
            }
        }
        let f = estimate(&img);
        let t = f.at(48.0, 48.0);
        assert!((t - PI / 2.0).abs() < 0.05, "theta {t}");
        assert!(f.coherence.get(6, 6) > 0.9);
    }
}
