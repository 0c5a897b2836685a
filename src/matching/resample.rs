//! Separable Lanczos-3 resampling of grey rasters (any scale factor, anti-aliased when
//! shrinking).
//!
//! Owns the interpolation kernel and its weights. Must not choose the target resolution nor
//! decide whether an image is usable (that is `raster`).

use super::raster::Gray;

/// Lobes of the Lanczos kernel (support ±3 source pixels when enlarging).
const LOBES: f32 = 3.0;

/// Lanczos-3 kernel: sinc(x)·sinc(x/3) for |x| < 3, else 0.
fn lanczos(x: f32) -> f32 {
    let x = x.abs();
    if x < 1e-6 {
        return 1.0;
    }
    if x >= LOBES {
        return 0.0;
    }
    let px = std::f32::consts::PI * x;
    LOBES * px.sin() * (px / LOBES).sin() / (px * px)
}

/// Taps of one output sample: first source index and normalised weights.
struct Taps {
    start: Vec<usize>,
    len: usize,
    weights: Vec<f32>,
}

/// Weights mapping `n_in` source samples onto `n_out` output samples (pixel centres aligned;
/// the kernel is widened by the shrink factor so that shrinking averages instead of aliasing).
fn taps(n_in: usize, n_out: usize) -> Taps {
    let scale = n_out as f32 / n_in.max(1) as f32;
    let stretch = (1.0 / scale).max(1.0);
    let radius = LOBES * stretch;
    let len = (2.0 * radius).ceil() as usize + 1;
    let mut start = Vec::with_capacity(n_out);
    let mut weights = vec![0.0f32; n_out * len];
    let last = n_in.saturating_sub(1) as isize;
    for (o, w) in weights.chunks_exact_mut(len).enumerate() {
        let centre = (o as f32 + 0.5) / scale - 0.5;
        let first = (centre - radius).ceil() as isize;
        // Clamp the window inside the source; border samples repeat the edge pixel.
        let s = first.clamp(0, (last + 1 - len as isize).max(0));
        start.push(s as usize);
        let mut sum = 0.0;
        for k in 0..len {
            let i = first + k as isize;
            let v = lanczos((i as f32 - centre) / stretch);
            let idx = (i.clamp(0, last) - s).clamp(0, len as isize - 1) as usize;
            w[idx] += v;
            sum += v;
        }
        if sum.abs() > 1e-6 {
            for x in w.iter_mut() {
                *x /= sum;
            }
        }
    }
    Taps {
        start,
        len,
        weights,
    }
}

/// Resamples `img` to `nw` × `nh` pixels with a separable Lanczos-3 filter; values are
/// clamped to 0..=255.
pub fn resize(img: &Gray, nw: usize, nh: usize) -> Gray {
    let (w, h) = (img.width, img.height);
    if w == 0 || h == 0 || nw == 0 || nh == 0 {
        return Gray::filled(nw, nh, 0.0);
    }
    let tx = taps(w, nw);
    let ty = taps(h, nh);
    // Horizontal pass: h rows of nw samples.
    let mut tmp = vec![0.0f32; h * nw];
    for (src, dst) in img.data.chunks_exact(w).zip(tmp.chunks_exact_mut(nw)) {
        for ((d, &s), wt) in dst
            .iter_mut()
            .zip(&tx.start)
            .zip(tx.weights.chunks_exact(tx.len))
        {
            let row = &src[s..(s + tx.len).min(w)];
            *d = row.iter().zip(wt).map(|(a, b)| a * b).sum();
        }
    }
    // Vertical pass.
    let mut out = Gray::filled(nw, nh, 0.0);
    for ((dst, &s), wt) in out
        .data
        .chunks_exact_mut(nw)
        .zip(&ty.start)
        .zip(ty.weights.chunks_exact(ty.len))
    {
        for (k, &c) in wt.iter().enumerate() {
            if c == 0.0 {
                continue;
            }
            let Some(row) = tmp.get((s + k) * nw..(s + k + 1) * nw) else {
                continue;
            };
            for (d, v) in dst.iter_mut().zip(row) {
                *d += c * v;
            }
        }
    }
    for v in &mut out.data {
        *v = v.clamp(0.0, 255.0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripes(w: usize, h: usize, period: f32) -> Gray {
        let mut g = Gray::filled(w, h, 0.0);
        for y in 0..h {
            for x in 0..w {
                let t = (x as f32 + 0.5) / period * std::f32::consts::TAU;
                g.data[y * w + x] = 128.0 + 100.0 * t.cos();
            }
        }
        g
    }

    #[test]
    fn flat_image_stays_flat_and_sizes_are_exact() {
        let img = Gray::filled(37, 23, 91.0);
        for (nw, nh) in [(30, 19), (46, 29), (37, 23), (1, 1)] {
            let out = resize(&img, nw, nh);
            assert_eq!((out.width, out.height), (nw, nh));
            assert!(out.data.iter().all(|&v| (v - 91.0).abs() < 1e-3));
        }
    }

    #[test]
    fn ridges_keep_their_period_and_contrast_at_600_and_400_ppi() {
        // A 9 px period at 500 ppi is 10.8 px at 600 ppi: shrinking it back must give 9 px
        // stripes with nearly their full amplitude, the same at every sub-pixel phase
        // (bilinear sampling loses up to a quarter of it where samples fall between pixels).
        for (src_w, period) in [(360, 10.8), (240, 7.2)] {
            let img = stripes(src_w, 8, period);
            let out = resize(&img, 300, 8);
            let row = &out.data[4 * 300..5 * 300];
            for (x, &v) in row.iter().enumerate().skip(10).take(280) {
                let want = 128.0 + 100.0 * ((x as f32 + 0.5) / 9.0 * std::f32::consts::TAU).cos();
                assert!((v - want).abs() < 2.0, "x {x}: {v} vs {want}");
            }
        }
    }
}
