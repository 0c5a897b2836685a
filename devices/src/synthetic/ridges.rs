//! Ridge growth: starting from sparse random seeds, iterate a bank of oriented Gabor-like
//! filters (kernel chosen per pixel from the orientation and period fields) with saturation
//! until a ridge pattern with natural minutiae emerges. Pure numeric; must not render.

use std::f32::consts::PI;

use super::orientation::FlowModel;
use super::rng::Rng;

const RADIUS: usize = 5;
const SIDE: usize = 2 * RADIUS + 1;
const ORIENT_BINS: usize = 36;
/// Kernel periods in pixels: fingers draw their mean period from 7.5–11 px (real prints at
/// 500 ppi: about 8–11), and the field varies about ±1.6 px around it.
const PERIODS: [f32; 7] = [7.0, 7.7, 8.4, 9.1, 9.8, 10.5, 11.2];
const ITERATIONS: usize = 9;
/// Share of pixels seeded with a random ridge/valley value. Every seed whose phase disagrees
/// with its neighbours' leaves a dislocation (a minutia pair): at 2 % the prints had about
/// twice the minutia density of real ones, which made unrelated synthetic fingers match by
/// chance far more often than real impostors do (docs/matching.md, issue #14).
const SEED_DENSITY: f32 = 0.004;

/// A bank of zero-mean oriented kernels indexed by (orientation bin, period bin).
struct Bank {
    kernels: Vec<[f32; SIDE * SIDE]>,
}

impl Bank {
    fn new() -> Self {
        let mut kernels = Vec::with_capacity(ORIENT_BINS * PERIODS.len());
        for o in 0..ORIENT_BINS {
            let theta = o as f32 * PI / ORIENT_BINS as f32;
            let (s, c) = theta.sin_cos();
            for period in PERIODS {
                let mut k = [0f32; SIDE * SIDE];
                let (su, sv) = (period * 0.36, period * 0.48);
                let mut sum = 0.0;
                for ky in 0..SIDE {
                    for kx in 0..SIDE {
                        let (x, y) = (kx as f32 - RADIUS as f32, ky as f32 - RADIUS as f32);
                        let along = x * c + y * s;
                        let across = -x * s + y * c;
                        let env = (-(across * across) / (2.0 * su * su)
                            - (along * along) / (2.0 * sv * sv))
                            .exp();
                        let v = env * (2.0 * PI * across / period).cos();
                        k[ky * SIDE + kx] = v;
                        sum += v;
                    }
                }
                let mean = sum / (SIDE * SIDE) as f32;
                let mut energy = 0.0;
                for v in &mut k {
                    *v -= mean;
                    energy += v.abs();
                }
                let norm = 2.0 / energy.max(1e-6);
                for v in &mut k {
                    *v *= norm;
                }
                kernels.push(k);
            }
        }
        Self { kernels }
    }

    fn index(theta: f32, period: f32) -> usize {
        let o = ((theta / PI * ORIENT_BINS as f32).round() as usize) % ORIENT_BINS;
        let p = PERIODS
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - period).abs().total_cmp(&(b.1 - period).abs()))
            .map_or(0, |(i, _)| i);
        o * PERIODS.len() + p
    }
}

/// Grows a `w × h` ridge map in [-1, 1] (positive = ridge) for `flow`, restricted to `inside`.
pub fn grow(
    flow: &FlowModel,
    rng: &mut Rng,
    w: usize,
    h: usize,
    inside: &dyn Fn(f32, f32) -> bool,
) -> Vec<f32> {
    let bank = Bank::new();
    let stride = w + 2 * RADIUS;
    let mut kernel_of = vec![u16::MAX; w * h];
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as f32, y as f32);
            if inside(fx, fy) {
                kernel_of[y * w + x] =
                    Bank::index(flow.orientation(fx, fy), flow.period(fx, fy)) as u16;
            }
        }
    }
    let mut img = vec![0f32; stride * (h + 2 * RADIUS)];
    for y in 0..h {
        for x in 0..w {
            if kernel_of[y * w + x] != u16::MAX && rng.unit() < SEED_DENSITY {
                img[(y + RADIUS) * stride + x + RADIUS] = if rng.unit() < 0.5 { -1.0 } else { 1.0 };
            }
        }
    }
    let mut next = img.clone();
    for iter in 0..ITERATIONS {
        let gain = if iter + 1 == ITERATIONS { 1.5 } else { 3.0 };
        for y in 0..h {
            for x in 0..w {
                let k = kernel_of[y * w + x];
                let Some(kernel) = bank.kernels.get(usize::from(k)) else {
                    continue;
                };
                let mut acc = 0.0f32;
                for ky in 0..SIDE {
                    let row = &img[(y + ky) * stride + x..(y + ky) * stride + x + SIDE];
                    let krow = &kernel[ky * SIDE..ky * SIDE + SIDE];
                    acc += row.iter().zip(krow).map(|(a, b)| a * b).sum::<f32>();
                }
                next[(y + RADIUS) * stride + x + RADIUS] = (acc * gain).clamp(-1.0, 1.0);
            }
        }
        std::mem::swap(&mut img, &mut next);
    }
    let mut out = vec![0f32; w * h];
    for y in 0..h {
        out[y * w..(y + 1) * w].copy_from_slice(
            &img[(y + RADIUS) * stride + RADIUS..(y + RADIUS) * stride + RADIUS + w],
        );
    }
    out
}
