//! Contextual ridge enhancement: an oriented, frequency-tuned Gabor filter applied as two 1-D
//! passes in the rotated frame (Gaussian smoothing along the ridge, then an even Gabor
//! across it).
//!
//! Owns enhancement only. Must not binarise, thin or detect minutiae.

use std::f32::consts::PI;
use std::sync::OnceLock;

use super::frequency::PeriodField;
use super::orientation::OrientationField;
use super::raster::Gray;
use super::segmentation::{BLOCK, BlockMap, along_x, morph};

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

/// Number of quantised periods.
const NPER: usize =
    ((super::frequency::MAX_PERIOD - super::frequency::MIN_PERIOD) / PSTEP) as usize + 1;

/// One 1-D oriented filter: pixel offsets and weights.
#[derive(Clone)]
struct Kernel {
    dx: Vec<isize>,
    dy: Vec<isize>,
    w: Vec<f32>,
    /// Row-major offsets (`dy · width + dx`) minus `lo`, set by [`Kernel::for_width`]; `u32`
    /// so that a tap's read past a chunk's start needs no overflow check.
    rel: Vec<u32>,
    /// The largest of `rel` (`hi − lo`), to check a run's reads once for all taps.
    span: usize,
    /// Smallest and largest row-major offset of the taps.
    lo: isize,
    hi: isize,
    /// The taps' reach left, right, up and down of the pixel (`min dx`, `max dx`, `min dy`,
    /// `max dy`), set by [`Kernel::for_width`].
    reach: [isize; 4],
}

impl Kernel {
    /// Precomputes the taps' row-major offsets in an image `width` pixels wide (so that a run
    /// of pixels reads each tap from one slice of it) and their reach.
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
        // An offset beyond `u32` (an image millions of pixels wide) saturates; `span` keeps
        // the true extent, so the run check sends such a kernel to the pixel-by-pixel filter.
        self.rel = off
            .iter()
            .map(|&o| u32::try_from(o - self.lo).unwrap_or(u32::MAX))
            .collect();
        self.span = (self.hi - self.lo) as usize;
        let extent = |v: &[isize]| {
            (
                v.iter().copied().min().unwrap_or(0),
                v.iter().copied().max().unwrap_or(0),
            )
        };
        let ((x0, x1), (y0, y1)) = (extent(&self.dx), extent(&self.dy));
        self.reach = [x0, x1, y0, y1];
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
        span: 0,
        lo: 0,
        hi: 0,
        reach: [0; 4],
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
        span: 0,
        lo: 0,
        hi: 0,
        reach: [0; 4],
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

/// The response of `k` at pixel `(x, y)`, its taps clamped to the image.
fn apply(src: &Gray, x: usize, y: usize, k: &Kernel) -> f32 {
    let mut acc = 0.0;
    for ((&w, &dx), &dy) in k.w.iter().zip(&k.dx).zip(&k.dy) {
        acc += w * src.at_clamped(x as isize + dx, y as isize + dy);
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
    let bins = pixel_bins(orient, w, h, &wide);
    // A pixel's kernel slot, row by row: its orientation bin for the along pass; its bin and
    // its block's quantised period for the across pass; NONE outside the wide foreground.
    let row_slots =
        |y: usize, slots: &mut [u32], per_bin: u32, period_slot: &dyn Fn(usize) -> u32| {
            let by = y / BLOCK;
            let row = bins.get(y * w..(y + 1) * w).unwrap_or(&[]);
            let on = wide
                .data
                .get(by * wide.bw..(by + 1) * wide.bw)
                .unwrap_or(&[]);
            let fill = |bx: usize, o: &mut [u32], b: &[u8]| {
                if on.get(bx) == Some(&true) {
                    let p = period_slot(bx);
                    for (o, &b) in o.iter_mut().zip(b) {
                        *o = b as u32 * per_bin + p;
                    }
                } else {
                    o.fill(NONE);
                }
            };
            // Whole blocks as fixed-size chunks (which the compiler unrolls), then the rest.
            let mut o = slots.chunks_exact_mut(BLOCK);
            let mut b = row.chunks_exact(BLOCK);
            let mut bx = 0;
            for (o, b) in (&mut o).zip(&mut b) {
                fill(bx, o, b);
                bx += 1;
            }
            fill(bx, o.into_remainder(), b.remainder());
        };
    let mut along: Vec<Option<Kernel>> = (0..NBINS).map(|_| None).collect();
    let smooth = filter_pass(
        img,
        &|y, slots| row_slots(y, slots, 1, &|_| 0),
        &mut along,
        &|b, width| {
            // Each kernel's taps are computed once per process (an `exp` and a `cos` a tap),
            // then placed for this image's width.
            static ALONG: [OnceLock<Kernel>; NBINS] = [const { OnceLock::new() }; NBINS];
            let make = || along_kernel(b as f32 * PI / NBINS as f32, ALONG_SIGMA);
            let k = ALONG.get(b).map(|k| k.get_or_init(make));
            k.cloned().unwrap_or_else(make).for_width(width)
        },
    );
    // The period slot of every block.
    let pslots: Vec<u32> = (0..wide.bh)
        .flat_map(|by| (0..wide.bw).map(move |bx| (bx, by)))
        .map(|(bx, by)| {
            let p = period.period.get(bx as isize, by as isize);
            (((p - super::frequency::MIN_PERIOD) / PSTEP)
                .round()
                .max(0.0) as usize)
                .min(NPER - 1) as u32
        })
        .collect();
    let mut across: Vec<Option<Kernel>> = (0..NBINS * NPER).map(|_| None).collect();
    filter_pass(
        &smooth,
        &|y, slots| {
            let first = (y / BLOCK) * wide.bw;
            row_slots(y, slots, NPER as u32, &|bx| {
                pslots.get(first + bx).copied().unwrap_or(0)
            });
        },
        &mut across,
        &|slot, width| {
            // As the along kernels: once per process, then placed.
            static ACROSS: [OnceLock<Kernel>; NBINS * NPER] =
                [const { OnceLock::new() }; NBINS * NPER];
            let make = || {
                across_kernel(
                    (slot / NPER) as f32 * PI / NBINS as f32,
                    super::frequency::MIN_PERIOD + (slot % NPER) as f32 * PSTEP,
                )
            };
            let k = ACROSS.get(slot).map(|k| k.get_or_init(make));
            k.cloned().unwrap_or_else(make).for_width(width)
        },
    )
}

/// The slot of a pixel that is not filtered (outside the wide foreground).
const NONE: u32 = u32::MAX;

/// One 1-D filter pass: each pixel whose slot (`slots_of(y, row)` fills a row's) is not
/// [`NONE`] gets the response on `src` of `kernels[slot]`, made by `make` (for the padded
/// width, see [`Padded`]) when first needed; the other pixels get 0.
///
/// Why by runs: a row's neighbouring pixels mostly share one kernel (the orientation bin and
/// the block's period change slowly), so a run of them is filtered tap by tap over a
/// contiguous slice, which the compiler vectorises. Each pixel still sums its taps in the
/// kernel's order starting from 0.0, as [`apply`] does, and reads the values [`apply`]'s
/// clamped reads give, so the result is the pixel-by-pixel filter's to the bit.
fn filter_pass(
    src: &Gray,
    slots_of: &dyn Fn(usize, &mut [u32]),
    kernels: &mut [Option<Kernel>],
    make: &dyn Fn(usize, usize) -> Kernel,
) -> Gray {
    let (w, h) = (src.width, src.height);
    let padded = Padded::new(src, max_reach());
    let mut slots = vec![NONE; w];
    // Each row is made in `row` and appended, so the image is written once (not zeroed
    // first). A run's last chunk is stored whole, spilling up to LANES − 1 values into the
    // next run (which overwrites them) or into the LANES spare values at the end.
    let mut row = vec![0.0f32; w + LANES];
    let mut data = Vec::with_capacity(w * h);
    for y in 0..h {
        slots_of(y, &mut slots);
        let mut x = 0;
        while x < w {
            let s = slots.get(x).copied().unwrap_or(NONE);
            let end = run_end(&slots, x, s);
            let Some(out) = row.get_mut(x..) else {
                break;
            };
            let entry = if s == NONE {
                None
            } else {
                kernels.get_mut(s as usize)
            };
            match entry {
                Some(entry) => {
                    let k = &*entry.get_or_insert_with(|| make(s as usize, padded.width));
                    if !filter_run(&padded, out, end - x, y, x, k) {
                        for (xi, o) in (x..end).zip(out) {
                            *o = apply(src, xi, y, k);
                        }
                    }
                }
                None => out.iter_mut().take(end - x).for_each(|o| *o = 0.0),
            }
            x = end;
        }
        data.extend_from_slice(row.get(..w).unwrap_or(&[]));
    }
    Gray {
        width: w,
        height: h,
        data,
    }
}

/// The widest reach of a tap in pixels: the across kernel at the longest period (the along
/// kernel's is 2σ = 7).
fn max_reach() -> usize {
    (ACROSS_REACH * super::frequency::MAX_PERIOD).ceil() as usize
}

/// An image with `pad` pixels on every side holding its edge pixels repeated, so that every
/// tap within `pad` of the image reads what [`Gray::at_clamped`] reads, from one slice.
struct Padded {
    /// Row-major values, `width` per row.
    data: Vec<f32>,
    /// Width of a padded row.
    width: usize,
    /// Pixels added on each side.
    pad: usize,
}

impl Padded {
    fn new(src: &Gray, pad: usize) -> Self {
        let width = src.width + 2 * pad;
        let mut data = Vec::with_capacity(width * (src.height + 2 * pad));
        for y in 0..src.height + 2 * pad {
            let sy = y.saturating_sub(pad).min(src.height.saturating_sub(1));
            let row = src
                .data
                .get(sy * src.width..(sy + 1) * src.width)
                .unwrap_or(&[]);
            let (first, last) = (
                row.first().copied().unwrap_or(0.0),
                row.last().copied().unwrap_or(0.0),
            );
            data.extend(std::iter::repeat_n(first, pad));
            data.extend_from_slice(row);
            data.extend(std::iter::repeat_n(last, width - pad - row.len()));
        }
        // The last chunk of a run near the bottom right corner reads up to LANES pixels on.
        data.extend(std::iter::repeat_n(0.0, LANES));
        Self { data, width, pad }
    }
}

/// The end of the run of `s` that starts at `x` in `slots`: eight slots compared at once while
/// they match (a run is a dozen pixels on average), then one by one.
fn run_end(slots: &[u32], x: usize, s: u32) -> usize {
    let mut end = x + 1;
    while let Some(next) = slots.get(end..end + 8)
        && <[u32; 8]>::try_from(next).ok() == Some([s; 8])
    {
        end += 8;
    }
    let rest = slots.get(end..).unwrap_or(&[]);
    end + rest.iter().position(|&t| t != s).unwrap_or(rest.len())
}

/// Filters the `len` pixels from `x0` of row `y` with `k` (made for the padded width) tap by
/// tap into `out` (the row from `x0` on, at least `len` rounded up to LANES long: the last
/// chunk is stored whole); false if a tap reaches beyond the padding, which [`max_reach`]
/// rules out (the caller then filters the run pixel by pixel).
fn filter_run(src: &Padded, out: &mut [f32], len: usize, y: usize, x0: usize, k: &Kernel) -> bool {
    let [rx0, rx1, ry0, ry1] = k.reach;
    let pad = src.pad as isize;
    if -rx0 > pad || rx1 > pad || -ry0 > pad || ry1 > pad {
        return false;
    }
    let first = ((y + src.pad) * src.width + x0 + src.pad) as isize + k.lo;
    if first < 0 {
        return false;
    }
    let first = first as usize;
    // Whole chunks of LANES pixels are read even past the run's end (the padding's extra
    // LANES columns keep them inside the buffer). One check for all taps: every read lies
    // within `span` (the largest tap offset) plus the chunks.
    let chunks = len.div_ceil(LANES);
    if first + k.span + chunks * LANES > src.data.len() || out.len() < chunks * LANES {
        return false;
    }
    // Two chunks at a time while two remain (the taps' weights and offsets loaded once for
    // both), then the last one, as half a chunk when that covers it.
    let mut c = 0;
    while c + 2 <= chunks {
        store(
            out,
            c * LANES,
            &taps::<{ 2 * LANES }>(src, first + c * LANES, k),
        );
        c += 2;
    }
    if c < chunks {
        let at = first + c * LANES;
        if len - c * LANES <= LANES / 2 {
            store(out, c * LANES, &taps::<{ LANES / 2 }>(src, at, k));
        } else {
            store(out, c * LANES, &taps::<LANES>(src, at, k));
        }
    }
    true
}

/// The responses of `k` at `N` consecutive pixels whose taps start at `at` in `src` (checked
/// by the caller to lie inside it), each summed tap by tap in the kernel's order from 0.0.
#[inline(always)]
fn taps<const N: usize>(src: &Padded, at: usize, k: &Kernel) -> [f32; N] {
    let mut acc = [0.0f32; N];
    let Some(at) = src.data.get(at..) else {
        return acc;
    };
    for (&wi, &r) in k.w.iter().zip(&k.rel) {
        let Some(taps) = at.get(r as usize..r as usize + N) else {
            continue;
        };
        for (a, &v) in acc.iter_mut().zip(taps) {
            *a += wi * v;
        }
    }
    acc
}

/// Copies `values` into `out` from `at` (ignored if they do not fit).
#[inline(always)]
fn store(out: &mut [f32], at: usize, values: &[f32]) {
    if let Some(o) = out.get_mut(at..at + values.len()) {
        o.copy_from_slice(values);
    }
}

/// Pixels filtered together: a fixed count, so that the compiler keeps them in two vector
/// registers across the taps instead of looping over a run of unknown length per tap.
const LANES: usize = 8;

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
    // As in `segmentation::normalise`: each block row interpolated along x once, then a
    // pixel blends the two rows around it (the same operations as the bilinear formula).
    let rows = bh.max(1);
    let (cx, sx) = (along_x(&vc, bw, &cols, rows), along_x(&vs, bw, &cols, rows));
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        let fy = (y as f32 + 0.5) / BLOCK as f32 - 0.5;
        let by = fy.floor();
        let ty = fy - by;
        let j = by as isize;
        let (j0, j1) = (clampi(j, bh), clampi(j + 1, bh));
        let row = |j: usize| j * w..(j + 1) * w;
        let c0 = cx.get(row(j0)).unwrap_or(&[]);
        let c1 = cx.get(row(j1)).unwrap_or(&[]);
        let s0 = sx.get(row(j0)).unwrap_or(&[]);
        let s1 = sx.get(row(j1)).unwrap_or(&[]);
        let wide_row = wide
            .data
            .get((y / BLOCK) * wide.bw..(y / BLOCK + 1) * wide.bw)
            .unwrap_or(&[]);
        // A block's pixels at a time: their vectors, then their angles as one vector loop.
        let out_row = out.get_mut(y * w..(y + 1) * w).unwrap_or(&mut []);
        for (bx, (out, &on)) in out_row.chunks_mut(BLOCK).zip(wide_row).enumerate() {
            if !on {
                continue;
            }
            let xs = bx * BLOCK..bx * BLOCK + out.len();
            let (mut s, mut c) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
            let blend = |out: &mut [f32; BLOCK], r0: &[f32], r1: &[f32]| {
                let (r0, r1) = (r0.get(xs.clone()), r1.get(xs.clone()));
                for ((o, &a), &b) in out.iter_mut().zip(r0.unwrap_or(&[])).zip(r1.unwrap_or(&[])) {
                    *o = a * (1.0 - ty) + b * ty;
                }
            };
            blend(&mut s, s0, s1);
            blend(&mut c, c0, c1);
            let mut scaled = [0.0f32; BLOCK];
            for ((a, &s), &c) in scaled.iter_mut().zip(&s).zip(&c) {
                *a = scaled_angle(s, c);
            }
            for (((o, &a), &s), &c) in out.iter_mut().zip(&scaled).zip(&s).zip(&c) {
                *o = orientation_bin(a, s, c);
            }
        }
    }
    out
}

/// The bin of the doubled-angle vector `(c, s)` whose [`scaled_angle`] is `scaled`:
/// `round((atan2(s, c) / 2 mod π) / π · NBINS) mod NBINS`.
///
/// Why not `atan2` alone: it was a third of the enhancement's instructions. A polynomial
/// arctangent (error below 1e-5 rad) gives the bin directly unless the angle lies within
/// [`BIN_EDGE`] of a bin's edge (or is undefined); there, and only there, the exact formula
/// decides, so every bin is the one `atan2` gives.
#[inline]
fn orientation_bin(scaled: f32, s: f32, c: f32) -> u8 {
    let edge = (scaled - scaled.floor() - 0.5).abs();
    if edge >= BIN_EDGE {
        (scaled.round() as usize % NBINS) as u8
    } else {
        exact_orientation_bin(s, c)
    }
}

/// The angle of `(c, s)` halved, in bins, in `[0, NBINS)` (within 1e-5 rad; NaN for the zero
/// vector): branch-free, so that a block's pixels run as one vector loop.
#[inline]
fn scaled_angle(s: f32, c: f32) -> f32 {
    let scaled = approx_atan2(s, c) * (0.5 * NBINS as f32 / PI);
    if scaled < 0.0 {
        scaled + NBINS as f32
    } else {
        scaled
    }
}

/// Distance to a bin edge, in bins, below which [`orientation_bin`] asks `atan2`: 0.01 bin is
/// 1.3e-3 rad of ridge angle, a hundred times the polynomial's error. NaN (a zero vector)
/// compares false and also goes to `atan2`.
const BIN_EDGE: f32 = 0.01;

/// [`orientation_bin`] by `atan2`.
fn exact_orientation_bin(s: f32, c: f32) -> u8 {
    let mut t = 0.5 * s.atan2(c);
    if t < 0.0 {
        t += PI;
    }
    ((t / PI * NBINS as f32).round() as usize % NBINS) as u8
}

/// `atan2(s, c)` within 1e-5 rad (a minimax polynomial of the arctangent on [0, 1]); NaN for
/// the zero vector.
#[inline]
fn approx_atan2(s: f32, c: f32) -> f32 {
    let (ax, ay) = (c.abs(), s.abs());
    let z = ax.min(ay) / ax.max(ay);
    let z2 = z * z;
    let mut a = z
        * (0.999_977_26
            + z2 * (-0.332_623_47
                + z2 * (0.193_543_46
                    + z2 * (-0.116_432_87 + z2 * (0.052_653_32 - z2 * 0.011_721_2)))));
    if ay > ax {
        a = std::f32::consts::FRAC_PI_2 - a;
    }
    if c < 0.0 {
        a = PI - a;
    }
    if s < 0.0 { -a } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run filter gives each pixel the bits of the pixel-by-pixel clamped filter, for
    /// every kernel shape, on every row and column of a small image (so runs that touch all
    /// four edges, start and end anywhere, and kernels wider than the image are covered).
    #[test]
    fn runs_filter_as_the_pixel_by_pixel_filter() {
        let (w, h) = (45, 38);
        let mut img = Gray::filled(w, h, 0.0);
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for v in img.data.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *v = (x >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
        }
        let mut kernels = Vec::new();
        for b in 0..NBINS {
            let theta = b as f32 * PI / NBINS as f32;
            let pw = w + 2 * max_reach();
            kernels.push(along_kernel(theta, ALONG_SIGMA).for_width(pw));
            for p in [5.0, 9.5, 16.0] {
                kernels.push(across_kernel(theta, p).for_width(pw));
            }
        }
        let padded = Padded::new(&img, max_reach());
        let mut dst = Gray::filled(w, h, f32::NAN);
        for k in &kernels {
            for y in 0..h {
                for (a, b) in [(0, w), (3, 17), (20, 21), (w - 9, w)] {
                    let mut out = vec![f32::NAN; b - a + LANES];
                    assert!(filter_run(&padded, &mut out, b - a, y, a, k));
                    dst.data[y * w + a..y * w + b].copy_from_slice(&out[..b - a]);
                    for x in a..b {
                        assert_eq!(
                            dst.data[y * w + x].to_bits(),
                            apply(&img, x, y, k).to_bits(),
                            "x={x} y={y} reach={:?}",
                            k.reach
                        );
                    }
                }
            }
        }
    }

    /// The fast bin is `atan2`'s bin for every direction: a dense sweep of angles (including
    /// the bin edges and the axes), random vectors of all magnitudes, and the zero vector.
    #[test]
    fn orientation_bin_is_the_atan2_bin() {
        let mut n = 0u64;
        let mut check = |s: f32, c: f32| {
            assert_eq!(
                orientation_bin(scaled_angle(s, c), s, c),
                exact_orientation_bin(s, c),
                "s={s} c={c}"
            );
            n += 1;
        };
        for i in 0..2_000_000u32 {
            let phi = (i as f64 / 2_000_000.0) * std::f64::consts::TAU - std::f64::consts::PI;
            let (sn, cs) = phi.sin_cos();
            check(sn as f32, cs as f32);
            check(0.37 * sn as f32, 0.37 * cs as f32);
        }
        for k in 0..(2 * NBINS) {
            let edge = (k as f64 + 0.5) * std::f64::consts::PI / NBINS as f64 * 2.0;
            for d in -50..=50 {
                let phi = edge + d as f64 * 1e-7;
                check(phi.sin() as f32, phi.cos() as f32);
            }
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..1_000_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let s =
                (x as u32 as f32 / u32::MAX as f32 - 0.5) * 10f32.powi((x >> 40) as i32 % 7 - 3);
            let c = ((x >> 32) as u32 as f32 / u32::MAX as f32 - 0.5)
                * 10f32.powi((x >> 50) as i32 % 7 - 3);
            check(s, c);
        }
        for (s, c) in [
            (0.0, 0.0),
            (-0.0, 0.0),
            (0.0, -0.0),
            (-0.0, -1.0),
            (0.0, -1.0),
            (1.0, 0.0),
            (-1.0, 0.0),
        ] {
            check(s, c);
        }
        assert!(n > 5_000_000);
    }
}
