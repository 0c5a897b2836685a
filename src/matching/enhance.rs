//! Contextual ridge enhancement: an oriented, frequency-tuned Gabor filter applied as two 1-D
//! passes in the rotated frame (Gaussian smoothing along the ridge, then an even Gabor
//! across it).
//!
//! Owns enhancement only. Must not binarise, thin or detect minutiae.

use std::f32::consts::PI;

use super::frequency::PeriodField;
use super::orientation::OrientationField;
use super::raster::Gray;
use super::segmentation::{BLOCK, BlockMap, morph};

/// Number of quantised orientations.
const NBINS: usize = 24;
/// Period quantisation step in pixels.
const PSTEP: f32 = 0.5;
/// Gaussian envelope across the ridges, in ridge periods.
const ACROSS_SIGMA: f32 = 0.6;
/// Half-length of the across kernel in ridge periods.
const ACROSS_REACH: f32 = 1.6;
/// Gaussian smoothing along the ridges in pixels at 500 ppi (0.18 mm).
const ALONG_SIGMA: f32 = 3.5;

/// One 1-D oriented filter: pixel offsets and weights.
struct Kernel {
    dx: Vec<isize>,
    dy: Vec<isize>,
    w: Vec<f32>,
    /// Row-major offsets (`dy · width + dx`) minus `lo`, set by [`Kernel::for_width`].
    rel: Vec<usize>,
    /// Smallest and largest row-major offset of the taps.
    lo: isize,
    hi: isize,
}

impl Kernel {
    /// Precomputes the taps' row-major offsets in an image `width` pixels wide, so that an
    /// interior pixel reads them from one slice of the image.
    fn for_width(mut self, width: usize) -> Self {
        let w = width as isize;
        let off: Vec<isize> = self
            .dx
            .iter()
            .zip(&self.dy)
            .map(|(&dx, &dy)| dy * w + dx)
            .collect();
        self.lo = off.iter().copied().min().unwrap_or(0);
        self.hi = off.iter().copied().max().unwrap_or(0);
        self.rel = off.iter().map(|&o| (o - self.lo) as usize).collect();
        self
    }
}

fn along_kernel(theta: f32, sigma: f32) -> Kernel {
    let (s, c) = theta.sin_cos();
    let l = (2.0 * sigma).ceil() as isize;
    let mut k = Kernel {
        dx: Vec::new(),
        dy: Vec::new(),
        w: Vec::new(),
        rel: Vec::new(),
        lo: 0,
        hi: 0,
    };
    let mut total = 0.0;
    for t in -l..=l {
        let tf = t as f32;
        k.dx.push((tf * c).round() as isize);
        k.dy.push((tf * s).round() as isize);
        let w = (-tf * tf / (2.0 * sigma * sigma)).exp();
        k.w.push(w);
        total += w;
    }
    for w in k.w.iter_mut() {
        *w /= total;
    }
    k
}

fn across_kernel(theta: f32, period: f32) -> Kernel {
    let (s, c) = theta.sin_cos();
    let sigma = ACROSS_SIGMA * period;
    let l = (ACROSS_REACH * period).ceil() as isize;
    let mut k = Kernel {
        dx: Vec::new(),
        dy: Vec::new(),
        w: Vec::new(),
        rel: Vec::new(),
        lo: 0,
        hi: 0,
    };
    let mut env = Vec::new();
    for u in -l..=l {
        let uf = u as f32;
        k.dx.push((-uf * s).round() as isize);
        k.dy.push((uf * c).round() as isize);
        let g = (-uf * uf / (2.0 * sigma * sigma)).exp();
        env.push(g);
        k.w.push(g * (2.0 * PI * uf / period).cos());
    }
    // Remove the DC response so flat areas map to zero.
    let mean = k.w.iter().sum::<f32>() / env.iter().sum::<f32>();
    for (w, g) in k.w.iter_mut().zip(&env) {
        *w -= mean * g;
    }
    k
}

#[inline]
fn apply(src: &Gray, x: usize, y: usize, k: &Kernel, interior: bool) -> f32 {
    let mut acc = 0.0;
    if interior {
        let base = (y * src.width + x) as isize;
        // All taps inside the buffer (the usual case): one slice, no per-tap range test beyond
        // the slice's own. Taps past either end of the buffer read 0, as below.
        let window = (base + k.lo >= 0)
            .then(|| {
                src.data
                    .get((base + k.lo) as usize..=(base + k.hi) as usize)
            })
            .flatten();
        if let Some(win) = window {
            for (wi, &r) in k.w.iter().zip(&k.rel) {
                acc += wi * win.get(r).copied().unwrap_or(0.0);
            }
            return acc;
        }
        let w = src.width as isize;
        for i in 0..k.w.len() {
            let idx = base + k.dy[i] * w + k.dx[i];
            acc += k.w[i] * src.data.get(idx as usize).copied().unwrap_or(0.0);
        }
    } else {
        for i in 0..k.w.len() {
            acc += k.w[i] * src.at_clamped(x as isize + k.dx[i], y as isize + k.dy[i]);
        }
    }
    acc
}

/// Enhances a contrast-normalised image; pixels outside the (dilated) foreground become 0.
pub fn enhance(
    img: &Gray,
    orient: &OrientationField,
    period: &PeriodField,
    mask: &BlockMap<bool>,
) -> Gray {
    let (w, h) = (img.width, img.height);
    let wide = morph(&morph(mask, true), true);
    let along: Vec<Kernel> = (0..NBINS)
        .map(|b| along_kernel(b as f32 * PI / NBINS as f32, ALONG_SIGMA).for_width(w))
        .collect();
    let nper = ((super::frequency::MAX_PERIOD - super::frequency::MIN_PERIOD) / PSTEP) as usize + 1;
    let mut across: Vec<Option<Kernel>> = (0..NBINS * nper).map(|_| None).collect();
    // The widest reach of a tap: the across kernel at the longest period (the along kernel's
    // is 2σ = 7). Within it an interior pixel's taps stay on its own row band; a smaller
    // margin would let a tap left of column 0 read the end of the row above.
    let margin = (ACROSS_REACH * super::frequency::MAX_PERIOD).ceil() as usize;
    let interior =
        |x: usize, y: usize| x >= margin && y >= margin && x + margin < w && y + margin < h;

    let bins = pixel_bins(orient, w, h, &wide);
    let mut smooth = Gray::filled(w, h, 0.0);
    for by in 0..wide.bh {
        for bx in 0..wide.bw {
            if !wide.get(bx as isize, by as isize) {
                continue;
            }
            for y in by * BLOCK..((by + 1) * BLOCK).min(h) {
                for x in bx * BLOCK..((bx + 1) * BLOCK).min(w) {
                    let b = bins.get(y * w + x).copied().unwrap_or(0) as usize;
                    let Some(k) = along.get(b) else { continue };
                    let v = apply(img, x, y, k, interior(x, y));
                    if let Some(p) = smooth.data.get_mut(y * w + x) {
                        *p = v;
                    }
                }
            }
        }
    }
    let mut out = Gray::filled(w, h, 0.0);
    for by in 0..mask.bh {
        for bx in 0..mask.bw {
            if !wide.get(bx as isize, by as isize) {
                continue;
            }
            let p = period.period.get(bx as isize, by as isize);
            let pi = (((p - super::frequency::MIN_PERIOD) / PSTEP)
                .round()
                .max(0.0) as usize)
                .min(nper - 1);
            for y in by * BLOCK..((by + 1) * BLOCK).min(h) {
                for x in bx * BLOCK..((bx + 1) * BLOCK).min(w) {
                    let b = bins.get(y * w + x).copied().unwrap_or(0) as usize;
                    let slot = b * nper + pi;
                    let Some(entry) = across.get_mut(slot) else {
                        continue;
                    };
                    let k = entry.get_or_insert_with(|| {
                        across_kernel(
                            b as f32 * PI / NBINS as f32,
                            super::frequency::MIN_PERIOD + pi as f32 * PSTEP,
                        )
                        .for_width(w)
                    });
                    let v = apply(&smooth, x, y, k, interior(x, y));
                    if let Some(o) = out.data.get_mut(y * w + x) {
                        *o = v;
                    }
                }
            }
        }
    }
    out
}

/// Quantised ridge orientation per pixel (bilinear in the doubled-angle domain) inside `wide`.
fn pixel_bins(orient: &OrientationField, w: usize, h: usize, wide: &BlockMap<bool>) -> Vec<u8> {
    let (bw, bh) = (orient.theta.bw, orient.theta.bh);
    let mut vc = vec![0.0f32; bw * bh];
    let mut vs = vec![0.0f32; bw * bh];
    for i in 0..bw * bh {
        let t = orient.theta.data.get(i).copied().unwrap_or(0.0);
        let k = orient
            .coherence
            .data
            .get(i)
            .copied()
            .unwrap_or(0.0)
            .max(0.05);
        vc[i] = k * (2.0 * t).cos();
        vs[i] = k * (2.0 * t).sin();
    }
    // Block columns (clamped to the map) and weights of each pixel column, the same on every
    // row.
    let clampi = |i: isize, n: usize| i.min(n as isize - 1).max(0) as usize;
    let cols: Vec<(usize, usize, f32)> = (0..w)
        .map(|x| {
            let fx = (x as f32 + 0.5) / BLOCK as f32 - 0.5;
            let bx = fx.floor();
            let tx = fx - bx;
            let i = bx as isize;
            (clampi(i, bw), clampi(i + 1, bw), tx)
        })
        .collect();
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        let fy = (y as f32 + 0.5) / BLOCK as f32 - 0.5;
        let by = fy.floor();
        let ty = fy - by;
        let j = by as isize;
        let (j0, j1) = (clampi(j, bh) * bw, clampi(j + 1, bh) * bw);
        let wide_row = wide
            .data
            .get((y / BLOCK) * wide.bw..(y / BLOCK + 1) * wide.bw)
            .unwrap_or(&[]);
        for (x, &(i0, i1, tx)) in cols.iter().enumerate() {
            if !wide_row.get(x / BLOCK).copied().unwrap_or(false) {
                continue;
            }
            let interp = |v: &[f32]| {
                let at = |k: usize| v.get(k).copied().unwrap_or(0.0);
                (at(j0 + i0) * (1.0 - tx) + at(j0 + i1) * tx) * (1.0 - ty)
                    + (at(j1 + i0) * (1.0 - tx) + at(j1 + i1) * tx) * ty
            };
            let mut t = 0.5 * interp(&vs).atan2(interp(&vc));
            if t < 0.0 {
                t += PI;
            }
            if let Some(o) = out.get_mut(y * w + x) {
                *o = ((t / PI * NBINS as f32).round() as usize % NBINS) as u8;
            }
        }
    }
    out
}
