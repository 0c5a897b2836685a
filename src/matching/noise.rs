//! The capture's white noise, for the foreground decision on a noisy capture: its estimate,
//! its variance in the contrast-normalised image, and the block contrast with it taken out
//! (the coherence without it is `orientation::estimate_with_noise`).
//!
//! Owns the noise measure only. Must not decide the mask (`segmentation`, `extract` do) nor
//! change the image or the orientation field the later stages use.

use super::raster::Gray;
use super::segmentation::{BLOCK, BlockMap, MIN_NORMALISE_STD};

/// Share of a block's variance (or gradient energy) from which the noise is taken out of it.
/// Below it the block is left exactly as measured: on a clean capture the correction would
/// only move the border of the print by a block here and there, and nothing is gained.
pub const NOISE_SHARE: f32 = 0.3;

/// Standard deviation in grey levels of the white noise of `img` (Immerkær, "Fast noise
/// variance estimation", 1996): the mean absolute response to the kernel
/// [1 −2 1; −2 4 −2; 1 −2 1] × √(π/2) / 6, per 8×8 block, and the median over the blocks.
/// The kernel is the product of two second differences, so ridges of period ≥ 5 px answer
/// it weakly (under 1 % of their gradient energy at 9 px) and the median keeps a print's
/// texture from dominating. 0 for an image under 3×3.
pub fn sigma(img: &Gray) -> f32 {
    let (w, h) = (img.width, img.height);
    if w < 3 || h < 3 || img.data.len() < w * h {
        return 0.0;
    }
    let bw = w.div_ceil(BLOCK);
    let mut sums = vec![0.0f32; bw * h.div_ceil(BLOCK)];
    // Per row: the horizontal second difference of each of the three rows, then their
    // vertical second difference, as straight slice arithmetic; index i is pixel i + 1.
    let mut second = [
        vec![0.0f32; w - 2],
        vec![0.0f32; w - 2],
        vec![0.0f32; w - 2],
    ];
    let horizontal = |row: &[f32], out: &mut [f32]| {
        for (o, t) in out.iter_mut().zip(row.windows(3)) {
            *o = t[0] - 2.0 * t[1] + t[2];
        }
    };
    let mut response = vec![0.0f32; w - 2];
    for y in 0..h {
        let row = &img.data[y * w..(y + 1) * w];
        second.rotate_left(1);
        horizontal(row, &mut second[2]);
        if y < 2 {
            continue;
        }
        // The response of pixel row y − 1.
        for (((r, u), m), d) in response
            .iter_mut()
            .zip(&second[0])
            .zip(&second[1])
            .zip(&second[2])
        {
            *r = (u - 2.0 * m + d).abs();
        }
        let by = (y - 1) / BLOCK;
        let Some(block_row) = sums.get_mut(by * bw..(by + 1) * bw) else {
            continue;
        };
        // Pixel columns 1..BLOCK fall in block 0, then BLOCK at a time.
        let (first, rest) = response.split_at(response.len().min(BLOCK - 1));
        if let Some(b) = block_row.first_mut() {
            *b += first.iter().sum::<f32>();
        }
        for (b, chunk) in block_row.iter_mut().skip(1).zip(rest.chunks(BLOCK)) {
            *b += chunk.iter().sum::<f32>();
        }
    }
    // Pixels per block that have a response (the image's outer ring has none); blocks cut by
    // the image's edge to a few pixels say little, so a quarter of a block is kept.
    let span = |b: usize, n: usize| {
        let lo = (b * BLOCK).max(1);
        let hi = ((b + 1) * BLOCK).min(n - 1);
        hi.saturating_sub(lo)
    };
    let mut means: Vec<f32> = sums
        .iter()
        .enumerate()
        .filter_map(|(i, &sum)| {
            let count = span(i % bw, w) * span(i / bw, h);
            (count >= BLOCK * BLOCK / 4).then(|| sum / count as f32)
        })
        .collect();
    if means.is_empty() {
        return 0.0;
    }
    let mid = means.len() / 2;
    let (_, median, _) = means.select_nth_unstable_by(mid, f32::total_cmp);
    (std::f32::consts::PI / 2.0).sqrt() / 6.0 * *median
}

/// The noise variance of the contrast-normalised image per block: `sigma`² over the block's
/// normalising deviation (`std`, as `segmentation::normalise` divides by it).
pub fn normalised_variance(std: &BlockMap<f32>, sigma: f32) -> BlockMap<f32> {
    let s2 = sigma * sigma;
    std.map(|s| s2 / s.max(MIN_NORMALISE_STD).powi(2))
}

/// Block contrast with the noise taken out, √(std² − σ²), where the noise is at least
/// [`NOISE_SHARE`] of the block's variance; the other blocks keep their contrast.
pub fn contrast_without(std: &BlockMap<f32>, sigma: f32) -> BlockMap<f32> {
    let s2 = sigma * sigma;
    std.map(|s| {
        if s2 > NOISE_SHARE * s * s {
            (s * s - s2).max(0.0).sqrt()
        } else {
            s
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ridges of period 9 px at 30°, amplitude 40 around 128, plus uniform noise of
    /// standard deviation `noise` (a fixed linear congruential sequence).
    fn ridges(noise: f32) -> Gray {
        let (w, h) = (200, 180);
        let mut img = Gray::filled(w, h, 0.0);
        let mut state = 12345u32;
        let (c, s) = (30f32.to_radians().cos(), 30f32.to_radians().sin());
        for y in 0..h {
            for x in 0..w {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let u = (state >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
                let phase = (x as f32 * c + y as f32 * s) * std::f32::consts::TAU / 9.0;
                img.data[y * w + x] = 128.0 + 40.0 * phase.cos() + u * noise * 12f32.sqrt();
            }
        }
        img
    }

    #[test]
    fn the_noise_is_measured_and_the_ridges_are_not() {
        let clean = sigma(&ridges(0.0));
        assert!(clean < 1.5, "clean ridges read as noise {clean}");
        for n in [5.0, 10.0, 20.0] {
            let s = sigma(&ridges(n));
            assert!((s - n).abs() < 0.15 * n, "noise {n} measured as {s}");
        }
    }

    #[test]
    fn small_and_flat_images_have_no_noise() {
        assert_eq!(sigma(&Gray::filled(2, 50, 7.0)), 0.0);
        assert_eq!(sigma(&Gray::filled(40, 40, 7.0)), 0.0);
    }

    #[test]
    fn only_noisy_blocks_lose_contrast() {
        let std = BlockMap {
            bw: 3,
            bh: 1,
            data: vec![40.0, 20.0, 5.0],
        };
        let out = contrast_without(&std, 10.0);
        // 100 / 1600 is under the share: unchanged; 100 / 400 too; 100 / 25: all noise.
        assert_eq!(out.data, vec![40.0, 20.0, 0.0]);
        let out = contrast_without(&std, 15.0);
        assert_eq!(out.data[0], 40.0);
        assert!((out.data[1] - (400.0f32 - 225.0).sqrt()).abs() < 1e-4);
    }
}
