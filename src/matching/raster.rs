//! Grey-scale rasters: decoding fingerprint image files and resampling them to the internal
//! working resolution (500 ppi).
//!
//! Owns pixel storage and resolution normalisation. Must not interpret ridges or decide whether
//! an image is usable beyond "can it be decoded and is its size sane".

use std::io::Cursor;

use super::Unusable;

/// Internal working resolution in pixels per inch; every image is resampled to it.
pub const WORK_PPI: f32 = 500.0;

/// Smallest accepted capture resolution in pixels per inch.
pub const MIN_PPI: u32 = 250;
/// Largest accepted capture resolution in pixels per inch.
pub const MAX_PPI: u32 = 2000;

/// Largest accepted decoded image side in pixels (at the capture resolution).
pub const MAX_SIDE: u32 = 6000;

/// Largest working image (pixels at 500 ppi): 100 × 100 mm, far beyond any finger.
pub const MAX_WORK_PIXELS: usize = 2000 * 2000;

/// Smallest accepted fingerprint area side in millimetres (after resampling).
pub const MIN_SIDE_MM: f32 = 6.0;

/// Positions sampled together by [`Gray::bilinear_many`], one stage after the other.
const BILINEAR_RUN: usize = 64;

/// Images up to this many pixels (2^23) have every pixel index exact in `f32`, where
/// [`small_integer`] converts it.
const EXACT_CELLS: usize = 1 << 23;

/// `v`, a whole number in `0..=2^23` held in an `f32`, as an integer: adding 2^23 sets the
/// exponent so that the mantissa's low bits are `v` itself. Unlike `as`, which saturates and
/// maps NaN to 0 with scalar fix-ups, this is one vector addition and subtraction.
#[inline]
fn small_integer(v: f32) -> u32 {
    const TWO_23: f32 = EXACT_CELLS as f32;
    (v + TWO_23).to_bits() - TWO_23.to_bits()
}

/// A grey-scale image stored row-major as `f32` intensities (0 = black, 255 = white).
#[derive(Clone, Debug, PartialEq)]
pub struct Gray {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Row-major pixel values, `width * height` long.
    pub data: Vec<f32>,
}

impl Gray {
    /// Creates an image filled with `value`.
    pub fn filled(width: usize, height: usize, value: f32) -> Self {
        Self {
            width,
            height,
            data: vec![value; width.saturating_mul(height)],
        }
    }

    /// Builds an image from 8-bit pixels; `None` if the buffer length does not match.
    pub fn from_u8(width: usize, height: usize, pixels: &[u8]) -> Option<Self> {
        if width.checked_mul(height)? != pixels.len() {
            return None;
        }
        Some(Self {
            width,
            height,
            data: pixels.iter().map(|&p| f32::from(p)).collect(),
        })
    }

    /// Pixel value with coordinates clamped to the image (0 for an empty image).
    #[inline]
    pub fn at_clamped(&self, x: isize, y: isize) -> f32 {
        if self.width == 0 || self.height == 0 {
            return 0.0;
        }
        let xc = x.clamp(0, self.width as isize - 1) as usize;
        let yc = y.clamp(0, self.height as isize - 1) as usize;
        self.data.get(yc * self.width + xc).copied().unwrap_or(0.0)
    }

    /// Bilinear sample at a real-valued position (clamped at the borders).
    #[inline]
    pub fn bilinear(&self, x: f32, y: f32) -> f32 {
        let x0 = x.floor();
        let y0 = y.floor();
        let fx = x - x0;
        let fy = y - y0;
        let (xi, yi) = (x0 as isize, y0 as isize);
        if xi >= 0
            && yi >= 0
            && (xi as usize) < self.width.saturating_sub(1)
            && (yi as usize) < self.height.saturating_sub(1)
        {
            // All four neighbours inside: the clamping below would not move any of them.
            let i = yi as usize * self.width + xi as usize;
            if let (Some(&[a, b]), Some(&[c, d])) = (
                self.data.get(i..i + 2),
                self.data.get(i + self.width..i + self.width + 2),
            ) {
                return (a * (1.0 - fx) + b * fx) * (1.0 - fy) + (c * (1.0 - fx) + d * fx) * fy;
            }
        }
        let a = self.at_clamped(xi, yi);
        let b = self.at_clamped(xi.saturating_add(1), yi);
        let c = self.at_clamped(xi, yi.saturating_add(1));
        let d = self.at_clamped(xi.saturating_add(1), yi.saturating_add(1));
        (a * (1.0 - fx) + b * fx) * (1.0 - fy) + (c * (1.0 - fx) + d * fx) * fy
    }
    /// [`Gray::bilinear`] at each position (`xs[j]`, `ys[j]`), written to `out[j]` (as far as
    /// the shortest of the three slices goes).
    ///
    /// The same arithmetic as one `bilinear` call per position, staged for speed by runs of
    /// up to [`BILINEAR_RUN`] positions so that the first and last stages vectorise: the
    /// floors, weights and pixel indices of the run, then its four-pixel fetches (scalar),
    /// then its blends. A cell whose four pixels are inside (the usual case) is found without
    /// a border branch and its index (`y0 · w + x0`, exact in `f32` for images of up to
    /// [`EXACT_CELLS`] pixels) without the saturating float-to-integer conversion of `as`,
    /// which is scalar with fix-ups; the others read their pixels clamped, as `bilinear`
    /// does. The ridge-period signatures take 231 samples per block.
    pub fn bilinear_many(&self, xs: &[f32], ys: &[f32], out: &mut [f32]) {
        const R: usize = BILINEAR_RUN;
        let (w, h) = (self.width, self.height);
        if w < 2 || h < 2 || w.saturating_mul(h) > EXACT_CELLS || self.data.len() != w * h {
            // Every sample at a border, or too many pixels for indices held in `f32`.
            for ((o, &x), &y) in out.iter_mut().zip(xs).zip(ys) {
                *o = self.bilinear(x, y);
            }
            return;
        }
        // A cell (x0, y0) has its four pixels inside when 0 ≤ x0 < w - 1 and 0 ≤ y0 < h - 1
        // (false for NaN, which takes the clamped path as in `bilinear`).
        let (wf, last_x, last_y) = (w as f32, (w - 1) as f32, (h - 1) as f32);
        // A cell's upper pixels at `top[i..i + 2]`, its lower ones at `bottom[i..i + 2]`: two
        // slices of one length, so that one bounds check serves both.
        let (top, bottom) = (&self.data[..w * h - w], &self.data[w..]);
        for ((xs, ys), out) in xs.chunks(R).zip(ys.chunks(R)).zip(out.chunks_mut(R)) {
            let n = out.len().min(xs.len()).min(ys.len()).min(R);
            let (xs, ys, out) = (&xs[..n], &ys[..n], &mut out[..n]);
            let (mut fx, mut fy, mut cell) = ([0.0f32; R], [0.0f32; R], [0u32; R]);
            for ((((&x, &y), fx), fy), cell) in
                xs.iter().zip(ys).zip(&mut fx).zip(&mut fy).zip(&mut cell)
            {
                let (x0, y0) = (x.floor(), y.floor());
                (*fx, *fy) = (x - x0, y - y0);
                let inside = (x0 >= 0.0) & (x0 < last_x) & (y0 >= 0.0) & (y0 < last_y);
                // Outside cells get the index `EXACT_CELLS`, past the pixels.
                let v = if inside {
                    y0 * wf + x0
                } else {
                    EXACT_CELLS as f32
                };
                *cell = small_integer(v);
            }
            let [mut a, mut b, mut c, mut d] = [[0.0f32; R]; 4];
            for j in 0..n {
                let i = cell[j] as usize;
                [a[j], b[j], c[j], d[j]] = match (top.get(i..i + 2), bottom.get(i..i + 2)) {
                    (Some(&[a, b]), Some(&[c, d])) => [a, b, c, d],
                    _ => self.corners(xs[j].floor() as isize, ys[j].floor() as isize),
                };
            }
            let weights = fx.iter().zip(&fy);
            let pixels = a.iter().zip(&b).zip(c.iter().zip(&d));
            for (o, ((&fx, &fy), ((&a, &b), (&c, &d)))) in out.iter_mut().zip(weights.zip(pixels)) {
                *o = (a * (1.0 - fx) + b * fx) * (1.0 - fy) + (c * (1.0 - fx) + d * fx) * fy;
            }
        }
    }

    /// The pixels at (`xi`, `yi`), (`xi`+1, `yi`), (`xi`, `yi`+1), (`xi`+1, `yi`+1), clamped
    /// to the image as [`Gray::bilinear`] reads them.
    #[inline]
    fn corners(&self, xi: isize, yi: isize) -> [f32; 4] {
        if xi >= 0
            && yi >= 0
            && (xi as usize) < self.width.saturating_sub(1)
            && (yi as usize) < self.height.saturating_sub(1)
        {
            let i = yi as usize * self.width + xi as usize;
            if let (Some(&[a, b]), Some(&[c, d])) = (
                self.data.get(i..i + 2),
                self.data.get(i + self.width..i + self.width + 2),
            ) {
                return [a, b, c, d];
            }
        }
        [
            self.at_clamped(xi, yi),
            self.at_clamped(xi.saturating_add(1), yi),
            self.at_clamped(xi, yi.saturating_add(1)),
            self.at_clamped(xi.saturating_add(1), yi.saturating_add(1)),
        ]
    }
}

/// Decodes a PNG or TIFF (or any format the `image` crate was built with) into grey levels.
pub fn decode(bytes: &[u8]) -> Result<Gray, Unusable> {
    let mut reader = ::image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| Unusable::Undecodable)?;
    let mut limits = ::image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let dims = reader.into_dimensions();
    let mut reader = ::image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| Unusable::Undecodable)?;
    let mut limits = ::image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    match dims {
        Ok((w, h)) if w > MAX_SIDE || h > MAX_SIDE => return Err(Unusable::TooLarge),
        Ok(_) => {}
        Err(::image::ImageError::Limits(_)) => return Err(Unusable::TooLarge),
        Err(_) => return Err(Unusable::Undecodable),
    }
    let img = reader.decode().map_err(|e| match e {
        ::image::ImageError::Limits(_) => Unusable::TooLarge,
        _ => Unusable::Undecodable,
    })?;
    let luma = img.into_luma8();
    let (w, h) = luma.dimensions();
    Gray::from_u8(w as usize, h as usize, luma.as_raw()).ok_or(Unusable::Undecodable)
}

/// Resamples `img` captured at `ppi` to [`WORK_PPI`] with a cubic kernel (see [`resample`]).
pub fn to_work_resolution(img: &Gray, ppi: u32) -> Result<Gray, Unusable> {
    if !(MIN_PPI..=MAX_PPI).contains(&ppi) {
        return Err(Unusable::BadResolution(ppi));
    }
    let scale = WORK_PPI / ppi as f32;
    let min_side = MIN_SIDE_MM / 25.4 * WORK_PPI;
    let nw = (img.width as f32 * scale).round() as usize;
    let nh = (img.height as f32 * scale).round() as usize;
    if (nw as f32) < min_side || (nh as f32) < min_side {
        return Err(Unusable::TooSmall);
    }
    if nw.saturating_mul(nh) > MAX_WORK_PIXELS {
        return Err(Unusable::TooLarge);
    }
    if (scale - 1.0).abs() < 0.01 {
        return Ok(img.clone());
    }
    Ok(resample(img, nw, nh, scale))
}

/// Half-width of the cubic kernel in source pixels when enlarging.
const CUBIC_REACH: f32 = 2.0;

/// Keys' cubic convolution kernel with a = −0.5 (Catmull–Rom): 1 at 0, 0 at every other
/// integer, zero beyond ±2.
fn cubic(t: f32) -> f32 {
    let t = t.abs();
    if t < 1.0 {
        (1.5 * t - 2.5) * t * t + 1.0
    } else if t < 2.0 {
        ((-0.5 * t + 2.5) * t - 4.0) * t + 2.0
    } else {
        0.0
    }
}

/// Per output sample along one axis, the source samples it reads and their weights.
struct Taps {
    /// Taps per output sample (unused ones weigh 0).
    per: usize,
    /// Source index of each tap, clamped to the image (edge samples repeat).
    index: Vec<usize>,
    /// Weight of each tap; each output's weights sum to 1.
    weight: Vec<f32>,
}

impl Taps {
    /// Taps for `n_out` samples from `n_in` (≥ 1) at `scale` output samples per source sample.
    /// When shrinking the kernel is widened by 1/`scale`, so that it also removes the detail
    /// the output grid cannot hold (no aliasing).
    fn new(n_in: usize, n_out: usize, scale: f32) -> Self {
        let stretch = if scale < 1.0 { 1.0 / scale } else { 1.0 };
        let reach = CUBIC_REACH * stretch;
        let per = 2 * reach.ceil() as usize + 1;
        let last = n_in.saturating_sub(1) as isize;
        let mut index = Vec::with_capacity(n_out * per);
        let mut weight = Vec::with_capacity(n_out * per);
        for o in 0..n_out {
            let centre = (o as f32 + 0.5) / scale - 0.5;
            let first = (centre - reach).floor() as isize;
            let start = weight.len();
            for k in 0..per as isize {
                let i = first + k;
                index.push(i.clamp(0, last) as usize);
                weight.push(cubic((i as f32 - centre) / stretch));
            }
            let row = &mut weight[start..];
            let sum: f32 = row.iter().sum();
            if sum.abs() > f32::EPSILON {
                row.iter_mut().for_each(|w| *w /= sum);
            }
        }
        Self { per, index, weight }
    }

    /// Output sample `o`'s taps: (source index, weight).
    fn of(&self, o: usize) -> impl Iterator<Item = (usize, f32)> + '_ {
        let range = o * self.per..(o + 1) * self.per;
        let index = self.index.get(range.clone()).unwrap_or(&[]);
        let weight = self.weight.get(range).unwrap_or(&[]);
        index.iter().copied().zip(weight.iter().copied())
    }
}

/// `img` resampled to `nw` × `nh` at `scale` output pixels per source pixel: separable cubic
/// convolution (Keys 1981, a = −0.5), widened when shrinking. Bilinear interpolation blurs by
/// how far each output pixel falls between source pixels, a blur that changes from column to
/// column at every scale but 1 and that a ridge at 400 or 569 ppi turns into a pattern of its
/// own. The filter is linear and not clamped: next to a sharp edge a value can overshoot 0–255
/// by a few grey levels, which the normalisation downstream absorbs; clamping would flatten
/// the ridges that touch black or white instead.
pub fn resample(img: &Gray, nw: usize, nh: usize, scale: f32) -> Gray {
    let (w, h) = (img.width, img.height);
    if w == 0 || h == 0 || img.data.len() < w * h {
        return Gray::filled(nw, nh, 0.0);
    }
    let (across, down) = (Taps::new(w, nw, scale), Taps::new(h, nh, scale));
    let mut rows = Gray::filled(nw, h, 0.0);
    for (src, dst) in img
        .data
        .chunks_exact(w)
        .zip(rows.data.chunks_exact_mut(nw.max(1)))
    {
        for (x, d) in dst.iter_mut().enumerate() {
            *d = across
                .of(x)
                .map(|(i, w)| w * src.get(i).copied().unwrap_or(0.0))
                .sum();
        }
    }
    // Down the columns a whole source row at a time: each output row is a weighted sum of
    // `down.per` rows.
    let mut out = Gray::filled(nw, nh, 0.0);
    for (y, dst) in out.data.chunks_exact_mut(nw.max(1)).enumerate() {
        for (i, wgt) in down.of(y) {
            let Some(src) = rows.data.get(i * nw..(i + 1) * nw) else {
                continue;
            };
            dst.iter_mut().zip(src).for_each(|(d, v)| *d += wgt * v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilinear_many_is_bilinear_bit_for_bit() {
        use rand::{Rng, SeedableRng, rngs::StdRng};
        let mut rng = StdRng::seed_from_u64(11);
        let (w, h) = (37, 29);
        let img = Gray {
            width: w,
            height: h,
            data: (0..w * h).map(|_| rng.gen_range(-3.0f32..3.0)).collect(),
        };
        // Inside, on and beyond every border (mostly groups with a border sample), then all
        // inside (whole groups); a length that is not a multiple of the group.
        let n = 1003;
        for (xr, yr) in [(-4.0f32..41.0, -4.0f32..33.0), (0.0..35.9, 0.0..27.9)] {
            let xs: Vec<f32> = (0..n).map(|_| rng.gen_range(xr.clone())).collect();
            let ys: Vec<f32> = (0..n).map(|_| rng.gen_range(yr.clone())).collect();
            let mut out = vec![0.0f32; n];
            img.bilinear_many(&xs, &ys, &mut out);
            for j in 0..n {
                let one = img.bilinear(xs[j], ys[j]);
                assert_eq!(out[j].to_bits(), one.to_bits(), "{j}");
            }
        }
        // NaN and far-away positions, and an image one pixel wide (every sample at a border).
        let xs = [f32::NAN, 1e9, -1e9, 3.5, 2.0, f32::INFINITY];
        let ys = [2.5, f32::NAN, 1.0, -1e9, 1e9, 0.5];
        let column = Gray {
            width: 1,
            height: h,
            data: img.data[..h].to_vec(),
        };
        for img in [&img, &column] {
            let mut out = [0.0f32; 6];
            img.bilinear_many(&xs, &ys, &mut out);
            for j in 0..xs.len() {
                let one = img.bilinear(xs[j], ys[j]);
                assert_eq!(out[j].to_bits(), one.to_bits(), "{j}");
            }
        }
    }

    /// A capture at `ppi` of ridges whose period is `period` px at 500 ppi, plus a fine texture
    /// (pores, sensor grain) of `fine` source px with amplitude `grain`: `w500` × 128 px at
    /// 500 ppi. Pixel centres map as the resampler maps them.
    fn capture(ppi: f32, period: f32, fine: f32, grain: f32, w500: usize) -> Gray {
        let s = ppi / 500.0;
        let (w, h) = (
            (w500 as f32 * s).round() as usize,
            (128.0 * s).round() as usize,
        );
        let mut img = Gray::filled(w, h, 0.0);
        for (i, v) in img.data.iter_mut().enumerate() {
            let x = (i % w) as f32;
            let x500 = (x + 0.5) / s - 0.5;
            *v = 128.0
                + 60.0 * (std::f32::consts::TAU * x500 / period).cos()
                + grain * (std::f32::consts::TAU * x / fine).cos();
        }
        img
    }

    /// Largest and root-mean-square difference from the ridges alone, away from the borders.
    fn ridge_error(img: &Gray, period: f32) -> (f32, f32) {
        let (mut max, mut sq, mut n) = (0.0f32, 0.0f32, 0.0f32);
        for y in 6..img.height - 6 {
            for x in 12..img.width - 12 {
                let want = 128.0 + 60.0 * (std::f32::consts::TAU * x as f32 / period).cos();
                let e = (img.data[y * img.width + x] - want).abs();
                max = max.max(e);
                sq += e * e;
                n += 1.0;
            }
        }
        (max, (sq / n).sqrt())
    }

    #[test]
    fn ridges_captured_at_another_resolution_keep_their_shape() {
        // Dense ridges (7 px at 500 ppi) from coarser and finer sensors: (ppi, largest error
        // allowed in grey levels of the ±60 wave). Bilinear interpolation (with a box blur
        // when shrinking) was off by 11.8, 9.2, 7.2, 4.6, 2.9 and 5.4; this resampler by 3.2,
        // 2.0, 1.3, 0.7, 0.8 and 0.5.
        for (ppi, allowed) in [
            (350u32, 4.5f32),
            (400, 3.0),
            (450, 2.0),
            (569, 1.5),
            (700, 1.5),
            (1000, 1.5),
        ] {
            let img = capture(ppi as f32, 7.0, 1.0, 0.0, 240);
            let out = to_work_resolution(&img, ppi).expect("resample");
            assert_eq!(out.width, 240, "{ppi}");
            let (max, rms) = ridge_error(&out, 7.0);
            assert!(max < allowed, "{ppi} ppi: off by {max} (rms {rms})");
        }
    }

    #[test]
    fn detail_finer_than_500_ppi_is_removed_not_folded_back() {
        // A grain finer than the 500 ppi grid can hold (±30 grey levels, of 2.2 source px at
        // 700 ppi and 2.6 at 1000) must not come back as a coarser false pattern over the
        // ridges: (ppi, grain period, largest rms left). Bilinear sampling left 13.0 and 2.6.
        for (ppi, fine, allowed) in [(700u32, 2.2f32, 6.0f32), (1000, 2.6, 1.8)] {
            let img = capture(ppi as f32, 9.0, fine, 30.0, 240);
            let out = to_work_resolution(&img, ppi).expect("resample");
            let (max, rms) = ridge_error(&out, 9.0);
            assert!(
                rms < allowed,
                "{ppi} ppi: grain folded back, rms {rms} (max {max})"
            );
        }
    }

    #[test]
    fn resampling_tiny_and_flat_images_is_safe() {
        let one = Gray::filled(1, 1, 77.0);
        let out = resample(&one, 3, 2, 2.5);
        assert_eq!((out.width, out.height), (3, 2));
        assert!(out.data.iter().all(|&v| (v - 77.0).abs() < 1e-3), "{out:?}");
        let empty = Gray {
            width: 0,
            height: 0,
            data: Vec::new(),
        };
        assert_eq!(resample(&empty, 2, 2, 2.0).data, vec![0.0; 4]);
        // Short data for its size reads as nothing rather than panicking.
        let short = Gray {
            width: 5,
            height: 5,
            data: vec![1.0; 3],
        };
        assert_eq!(resample(&short, 4, 4, 0.8).data.len(), 16);
        let flat = Gray::filled(333, 280, 140.0);
        for ppi in [250, 569, 2000] {
            let out = to_work_resolution(&flat, ppi);
            if let Ok(out) = out {
                assert!(out.data.iter().all(|&v| (v - 140.0).abs() < 1e-3), "{ppi}");
            }
        }
    }

    #[test]
    fn garbage_is_undecodable() {
        assert_eq!(decode(b"not an image"), Err(Unusable::Undecodable));
        assert_eq!(decode(&[]), Err(Unusable::Undecodable));
    }

    #[test]
    fn resample_halves_1000ppi() {
        let img = Gray::filled(400, 400, 100.0);
        let out = to_work_resolution(&img, 1000).expect("resample");
        assert_eq!((out.width, out.height), (200, 200));
        assert!(out.data.iter().all(|&v| (v - 100.0).abs() < 1e-3));
    }

    #[test]
    fn rejects_bad_ppi_and_tiny() {
        let img = Gray::filled(400, 400, 100.0);
        assert_eq!(
            to_work_resolution(&img, 10),
            Err(Unusable::BadResolution(10))
        );
        let tiny = Gray::filled(1, 1, 0.0);
        assert_eq!(to_work_resolution(&tiny, 500), Err(Unusable::TooSmall));
        let big = Gray::filled(3000, 3000, 0.0);
        assert_eq!(to_work_resolution(&big, 500), Err(Unusable::TooLarge));
        assert_eq!(to_work_resolution(&big, 250), Err(Unusable::TooLarge));
    }
}
