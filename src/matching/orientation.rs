//! Ridge orientation field: per-block ridge direction (0..π) and its coherence, from
//! smoothed squared gradients.
//!
//! Owns orientation estimation only. Must not segment, enhance or detect minutiae.

use std::f32::consts::PI;

use super::noise::NOISE_SHARE;
use super::raster::Gray;
use super::segmentation::{BLOCK, BlockMap, Integral};

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
    let (w, h) = (img.width, img.height);
    let mut gx = vec![0.0f32; w * h];
    let mut gy = vec![0.0f32; w * h];
    let border = |x: isize, y: isize| {
        let p = |dx: isize, dy: isize| img.at_clamped(x + dx, y + dy);
        let sx = (p(1, -1) + 2.0 * p(1, 0) + p(1, 1)) - (p(-1, -1) + 2.0 * p(-1, 0) + p(-1, 1));
        let sy = (p(-1, 1) + 2.0 * p(0, 1) + p(1, 1)) - (p(-1, -1) + 2.0 * p(0, -1) + p(1, -1));
        (sx, sy)
    };
    for y in 0..h {
        let i0 = y * w;
        let (Some(gxr), Some(gyr)) = (gx.get_mut(i0..i0 + w), gy.get_mut(i0..i0 + w)) else {
            continue;
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
            continue;
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
    (gx, gy)
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
    let (gx, gy) = gradients(img);
    let gxx = Integral::new(w, h, gx.iter().map(|&v| f64::from(v * v)));
    let gyy = Integral::new(w, h, gy.iter().map(|&v| f64::from(v * v)));
    let gxy = Integral::new(w, h, gx.iter().zip(&gy).map(|(&a, &b)| f64::from(a * b)));
    let mut vx = BlockMap::for_image(w, h, 0.0f32);
    let mut vy = vx.clone();
    let mut coherence = vx.clone();
    let mut denoised = noise.map(|_| vx.clone());
    let r = 12isize;
    for by in 0..vx.bh {
        for bx in 0..vx.bw {
            let cx = (bx * BLOCK + BLOCK / 2) as isize;
            let cy = (by * BLOCK + BLOCK / 2) as isize;
            let (a, _) = gxx.sum(cx - r, cy - r, cx + r + 1, cy + r + 1);
            let (b, _) = gyy.sum(cx - r, cy - r, cx + r + 1, cy + r + 1);
            let (c, n) = gxy.sum(cx - r, cy - r, cx + r + 1, cy + r + 1);
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
