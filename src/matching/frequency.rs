//! Local ridge period (wavelength in pixels at 500 ppi) from oriented signatures.
//!
//! Owns ridge-frequency estimation only. Must not decide the foreground nor enhance.

use super::orientation::OrientationField;
use super::raster::Gray;
use super::segmentation::{BLOCK, BlockMap};

/// Shortest plausible ridge period at 500 ppi (0.25 mm).
pub const MIN_PERIOD: f32 = 5.0;
/// Longest plausible ridge period at 500 ppi (0.8 mm).
pub const MAX_PERIOD: f32 = 16.0;
/// Typical adult ridge period at 500 ppi, used when nothing can be measured.
pub const DEFAULT_PERIOD: f32 = 9.0;

/// Ridge period per block, plus the fraction of foreground blocks with a clean measurement.
#[derive(Clone, Debug)]
pub struct PeriodField {
    /// Ridge period in pixels per block.
    pub period: BlockMap<f32>,
    /// Fraction of sampled foreground blocks whose signature was clearly periodic.
    pub valid_fraction: f32,
    /// Median measured period (pixels).
    pub median: f32,
    /// Mean normalised autocorrelation at the detected period over measured blocks (ridge clarity).
    pub clarity: f32,
}

/// Samples across the ridges in a block's signature (offsets -16..=16 pixels).
const SIG_LEN: usize = 33;
/// Offsets along the ridge averaged into each signature sample.
const ALONG: [f32; 7] = [-6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0];
/// The lags of the autocorrelation peak search: `MIN_PERIOD - 1 ..= MAX_PERIOD + 1`.
const LAG_LO: usize = MIN_PERIOD as usize - 1;
const LAGS: usize = MAX_PERIOD as usize + 1 - LAG_LO + 1;
/// Lanes of [`autocorrelations`]: the lags rounded up to a multiple of four.
const LANES: usize = LAGS.div_ceil(4) * 4;

/// The mean lagged products `Σ sig[i]·sig[i+l] / (n-l)` for the lags `LAG_LO..LAG_LO + LAGS`,
/// each sum taken in ascending `i` from 0.0 as a plain loop per lag would.
///
/// For speed the lags are lanes: while every lag still has a term (`i + LAG_LO + LANES - 1 <
/// n`), one step adds `sig[i]` times a contiguous run of `sig` to all of them at once (lanes
/// past the last lag are computed and dropped); each lag then finishes its own remaining terms.
fn autocorrelations(sig: &[f32; SIG_LEN]) -> [f32; LAGS] {
    let n = SIG_LEN;
    let mut padded = [0.0f32; SIG_LEN + LAG_LO + LANES];
    padded[..n].copy_from_slice(sig);
    let mut acc = [0.0f32; LANES];
    let common = n - (LAG_LO + LANES - 1);
    for (i, &s) in sig.iter().enumerate().take(common) {
        let run = &padded[i + LAG_LO..i + LAG_LO + LANES];
        for (a, &t) in acc.iter_mut().zip(run) {
            *a += s * t;
        }
    }
    std::array::from_fn(|k| {
        let l = LAG_LO + k;
        let mut a = acc[k];
        for i in common..n.saturating_sub(l) {
            a += sig[i] * sig[i + l];
        }
        a / (n - l) as f32
    })
}

/// Measures the ridge period of one block from its oriented signature; returns (period, strength).
///
/// The 7 × 33 sample positions are computed first and sampled by [`Gray::bilinear_many`]
/// (vectorised), each signature value still the sum of its seven samples in order.
fn block_period(img: &Gray, cx: f32, cy: f32, theta: f32) -> Option<(f32, f32)> {
    // Unit vectors along the ridge (t) and across it (n).
    let (ts, tc) = theta.sin_cos();
    let (nx, ny) = (-ts, tc);
    const HALF: isize = 16;
    // Position (v, k) at index v·33 + k: all the block's samples in one call.
    let mut xs = [0.0f32; ALONG.len() * SIG_LEN];
    let mut ys = [0.0f32; ALONG.len() * SIG_LEN];
    for ((xrow, yrow), v) in xs
        .chunks_exact_mut(SIG_LEN)
        .zip(ys.chunks_exact_mut(SIG_LEN))
        .zip(ALONG)
    {
        for (k, (x, y)) in xrow.iter_mut().zip(yrow.iter_mut()).enumerate() {
            let u = (k as isize - HALF) as f32;
            *x = cx + u * nx + v * tc;
            *y = cy + u * ny + v * ts;
        }
    }
    let mut samples = [0.0f32; ALONG.len() * SIG_LEN];
    img.bilinear_many(&xs, &ys, &mut samples);
    let mut sig = [0.0f32; SIG_LEN];
    for row in samples.chunks_exact(SIG_LEN) {
        for (acc, &p) in sig.iter_mut().zip(row) {
            *acc += p;
        }
    }
    for s in sig.iter_mut() {
        *s /= 7.0;
    }
    let mean = sig.iter().sum::<f32>() / sig.len() as f32;
    for s in sig.iter_mut() {
        *s -= mean;
    }
    let n = sig.len();
    let ac = |l: usize| -> f32 {
        let mut a = 0.0;
        for i in 0..n - l {
            a += sig[i] * sig[i + l];
        }
        a / (n - l) as f32
    };
    let a0 = ac(0);
    if a0 <= 1e-6 {
        return None;
    }
    let lo = MIN_PERIOD as usize;
    let vals = autocorrelations(&sig);
    let mut best: Option<(usize, f32)> = None;
    for i in 1..vals.len() - 1 {
        if vals[i] >= vals[i - 1] && vals[i] >= vals[i + 1] && best.is_none_or(|(_, b)| vals[i] > b)
        {
            best = Some((i, vals[i]));
        }
    }
    let (i, v) = best?;
    let strength = v / a0;
    if strength < 0.2 {
        return None;
    }
    let (a, b, c) = (vals[i - 1], vals[i], vals[i + 1]);
    let den = a - 2.0 * b + c;
    let off = if den.abs() > 1e-9 {
        (0.5 * (a - c) / den).clamp(-0.5, 0.5)
    } else {
        0.0
    };
    let period = (lo - 1 + i) as f32 + off;
    Some((period, strength))
}

/// Each block's [`block_period`] measurement, computed once: the periodicity tests (clear and
/// wet) and the period estimate ask for the same blocks of the same image and orientation.
pub struct BlockPeriods<'a> {
    img: &'a Gray,
    orient: &'a OrientationField,
    cache: Vec<Option<Option<(f32, f32)>>>,
}

impl<'a> BlockPeriods<'a> {
    /// An empty cache for `img` and its orientation field.
    pub fn new(img: &'a Gray, orient: &'a OrientationField) -> Self {
        let n = orient.theta.bw * orient.theta.bh;
        Self {
            img,
            orient,
            cache: vec![None; n],
        }
    }

    /// Period and strength of block (`bx`, `by`), `None` where it is not periodic.
    fn get(&mut self, bx: usize, by: usize) -> Option<(f32, f32)> {
        let i = by * self.orient.theta.bw + bx;
        if let Some(Some(v)) = self.cache.get(i) {
            return *v;
        }
        let cx = (bx * BLOCK + BLOCK / 2) as f32;
        let cy = (by * BLOCK + BLOCK / 2) as f32;
        let theta = self.orient.theta.get(bx as isize, by as isize);
        let v = block_period(self.img, cx, cy, theta);
        if let Some(slot) = self.cache.get_mut(i) {
            *slot = Some(v);
        }
        v
    }

    /// Whether block (`bx`, `by`) is periodic with strength ≥ `min_strength` (the test of
    /// [`periodic_blocks`] for one block).
    pub fn is_periodic(&mut self, bx: usize, by: usize, min_strength: f32) -> bool {
        self.get(bx, by).is_some_and(|(_, s)| s >= min_strength)
    }
}

/// Blocks of `mask` whose oriented signature is clearly periodic (strength ≥ `min_strength`):
/// where ridges are, as opposed to texture, dust or shading that only has contrast.
pub fn periodic_blocks(
    periods: &mut BlockPeriods,
    mask: &BlockMap<bool>,
    min_strength: f32,
) -> BlockMap<bool> {
    let mut out = BlockMap::new(mask.bw, mask.bh, false);
    for by in 0..mask.bh {
        for bx in 0..mask.bw {
            if !mask.get(bx as isize, by as isize) {
                continue;
            }
            if periods.is_periodic(bx, by, min_strength) {
                out.set(bx, by, true);
            }
        }
    }
    out
}

/// Estimates the ridge period field over the foreground.
pub fn estimate(periods: &mut BlockPeriods, mask: &BlockMap<bool>) -> PeriodField {
    let (bw, bh) = (mask.bw, mask.bh);
    let mut measured = BlockMap::new(bw, bh, 0.0f32);
    let mut sampled = 0usize;
    let mut good = Vec::new();
    let mut clarity = 0.0;
    for by in (0..bh).step_by(2) {
        for bx in (0..bw).step_by(2) {
            if !mask.get(bx as isize, by as isize) {
                continue;
            }
            sampled += 1;
            if let Some((p, s)) = periods.get(bx, by) {
                measured.set(bx, by, p);
                good.push(p);
                clarity += s;
            }
        }
    }
    let valid_fraction = if sampled > 0 {
        good.len() as f32 / sampled as f32
    } else {
        0.0
    };
    if !good.is_empty() {
        clarity /= good.len() as f32;
    }
    good.sort_by(f32::total_cmp);
    let median = good.get(good.len() / 2).copied().unwrap_or(DEFAULT_PERIOD);
    // Smooth: each block takes the mean of measured periods within a 5×5 sample neighbourhood
    // (the blocks 4 or fewer away), rejecting outliers far from the median; the median fills
    // gaps. Only the sampled blocks (even coordinates) hold a measurement, so the window
    // visits those alone, in the same order; the outliers are rejected once per sample.
    let (sw, sh) = (bw.div_ceil(2), bh.div_ceil(2));
    let kept: Vec<f32> = (0..sw * sh)
        .map(|i| {
            let p = measured.get((2 * (i % sw)) as isize, (2 * (i / sw)) as isize);
            let keep = p > 0.0 && (p - median).abs() < 0.4 * median;
            if keep { p } else { 0.0 }
        })
        .collect();
    // The samples within 4 blocks of block `b` along an axis with `n` samples.
    let reach = |b: usize, n: usize| b.saturating_sub(4).div_ceil(2)..((b + 4) / 2 + 1).min(n);
    let mut period = BlockMap::new(bw, bh, median);
    for by in 0..bh {
        let rows = reach(by, sh);
        for bx in 0..bw {
            let cols = reach(bx, sw);
            let mut s = 0.0;
            let mut n = 0.0;
            for row in kept.chunks_exact(sw.max(1)).take(rows.end).skip(rows.start) {
                for &p in row.get(cols.clone()).unwrap_or(&[]) {
                    if p > 0.0 {
                        s += p;
                        n += 1.0;
                    }
                }
            }
            let v = if n > 0.0 {
                (s + median) / (n + 1.0)
            } else {
                median
            };
            period.set(bx, by, v.clamp(MIN_PERIOD, MAX_PERIOD));
        }
    }
    PeriodField {
        period,
        valid_fraction,
        median,
        clarity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::PI;

    #[test]
    fn autocorrelations_are_the_plain_sums_bit_for_bit() {
        use rand::{Rng, SeedableRng, rngs::StdRng};
        let mut rng = StdRng::seed_from_u64(5);
        for _ in 0..200 {
            let sig: [f32; SIG_LEN] = std::array::from_fn(|_| rng.gen_range(-3.0f32..3.0));
            let vals = autocorrelations(&sig);
            for (k, v) in vals.iter().enumerate() {
                let l = LAG_LO + k;
                let mut a = 0.0f32;
                for i in 0..SIG_LEN - l {
                    a += sig[i] * sig[i + l];
                }
                assert_eq!(v.to_bits(), (a / (SIG_LEN - l) as f32).to_bits(), "lag {l}");
            }
        }
    }

    #[test]
    fn measures_synthetic_period() {
        let (w, h) = (96, 96);
        let mut img = Gray::filled(w, h, 0.0);
        for y in 0..h {
            for x in 0..w {
                img.data[y * w + x] = (2.0 * PI * x as f32 / 10.0).cos();
            }
        }
        let (p, s) = block_period(&img, 48.0, 48.0, PI / 2.0).expect("periodic");
        assert!((p - 10.0).abs() < 0.5, "period {p}");
        assert!(s > 0.5);
    }
}
