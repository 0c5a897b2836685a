//! Ridge texture: the sign of the enhanced ridge image on a grid of [`CELL`] px cells, stored
//! in the template next to the minutiae, and how well two prints' textures agree under the
//! alignment their minutiae found (issue #14, fifteenth pass, docs/matching.md).
//!
//! Minutiae say where ridges end; the texture says where every ridge runs. Two impressions
//! of one finger, once aligned, agree on it window after window; a chance alignment of two
//! fingers agrees only where parallel ridges happen to fall in phase. Each window of the
//! overlap may move by one cell either way (a minutia's position is only known to a pixel
//! or two, and the skin stretches), and only windows near the paired minutiae count: far from
//! them a distorted print is not where the alignment puts it.
//!
//! Owns the grid, its packing and the agreement factor (whose lattice loop, warp at window
//! corners and lattice rows also run as AVX2 kernels where the CPU has it: `texture_avx2.rs`,
//! the same bits). Must not choose the alignment (the matcher's minutia pairs give it) or
//! enhance images (`enhance`'s job).

use super::raster::Gray;
use super::segmentation::{BLOCK, BlockMap};

/// Cell size in pixels at 500 ppi (a 9 px ridge period spans four to five cells).
pub const CELL: usize = 2;
/// Cells per side of a mask block: validity is kept per block.
const CELLS_PER_BLOCK: usize = BLOCK / CELL;
/// Cells between two points of the lattice that is compared, along a row (4 px) and from
/// row to row (8 px): every other row of a 4 px lattice agrees as well at half the work.
const LATTICE: usize = 2;
/// See [`LATTICE`].
const LATTICE_ROWS: usize = 4;
/// Cells per side of a window whose shift is searched (32 px, three to four ridges).
const WINDOW: usize = 16;
/// Lattice points a window needs to count (of at most 32).
const MIN_WINDOW_POINTS: u32 = 10;
/// A window counts only when its centre lies this close (px) to a paired minutia of A.
const NEAR: f32 = 90.0;
/// Compared lattice points from which the agreement weighs in full (a 80 × 80 px overlap).
const FULL_FROM: f32 = 400.0;
/// Strength of the factor: exp(WEIGHT · w · (agreement − CENTRE)).
const WEIGHT: f32 = 3.0;
/// The agreement two different fingers typically reach (the median over the seven
/// development sets' impostors is 0.29): the factor is 1 there.
const CENTRE: f32 = 0.3;
/// The factor of a comparison where either template has no texture (templates of before
/// version 4, ISO imports): the ratio of the calibration thresholds fitted with and without
/// it (1.15–1.18 at FMR 1e-3 to 1e-5; 1.20 at 1e-7), so that one calibration holds for both.
pub const WITHOUT_TEXTURE: f32 = 1.17;
/// Minutia pairs needed to fit an alignment.
pub const MIN_PAIRS: usize = 3;
/// Reach (px) of one pair's residual in the warp, and the weight of "no displacement"
/// (the matcher's warp uses the same shape).
const WARP_REACH: f32 = 150.0;
const WARP_SHRINK: f32 = 0.3;
/// Pixels between two lattice points.
const STEP_PX: f32 = (LATTICE * CELL) as f32;
/// Cells per pixel.
const INV_CELL: f32 = 1.0 / CELL as f32;
/// `SPREAD[v]` holds bit `k` of `v` in byte `k`: eight counters added at once.
const SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut v = 0;
    while v < 256 {
        let mut k = 0;
        while k < 8 {
            t[v] |= ((v as u64 >> k) & 1) << (8 * k);
            k += 1;
        }
        v += 1;
    }
    t
};
const _: () = assert!(
    (WINDOW / LATTICE) * (WINDOW / LATTICE) < 256,
    "a byte per counter"
);
/// Residual (px) beyond which a pair no longer weighs in the alignment's fit (about the
/// matcher's pairing tolerance), and the rounds of reweighting.
const FIT_REACH: f32 = 12.0;
const FIT_ROUNDS: usize = 2;
/// Bytes before the bits: left, top, cols, rows (u16 each).
const HEADER: usize = 8;
/// Largest grid side in cells (a 16,383 px image).
const MAX_SIDE: usize = 16383 / CELL + 1;

/// The sign of one print's enhanced ridge image, cell by cell, over the box of its mask.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct RidgeTexture {
    /// Column of the first cell in the image (in cells, a multiple of a block's cells).
    pub left: u16,
    /// Row of the first cell in the image (in cells, a multiple of a block's cells).
    pub top: u16,
    /// Cells per row (a multiple of a block's cells).
    pub cols: u16,
    /// Cells per column (a multiple of a block's cells).
    pub rows: u16,
    /// One bit per mask block of the box (row-major, least significant bit first): ridges
    /// there.
    pub valid: Vec<u8>,
    /// One bit per cell (row-major, each row padded to whole bytes): the enhanced image is
    /// non-negative at the cell's top-left pixel.
    pub sign: Vec<u8>,
}

/// Why packed texture bytes could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextureError {
    /// The bytes end before the declared grid.
    #[error("ridge texture truncated")]
    Truncated,
    /// The box is not whole blocks or lies beyond the largest image.
    #[error("invalid ridge texture box")]
    Invalid,
}

impl RidgeTexture {
    /// The texture of an enhanced image (`enhance::enhance`'s output) over its mask's box.
    pub fn from_enhanced(enhanced: &Gray, mask: &BlockMap<bool>) -> Self {
        let mut box_ = None::<(usize, usize, usize, usize)>;
        for by in 0..mask.bh {
            for bx in 0..mask.bw {
                if mask.data.get(by * mask.bw + bx) == Some(&true) {
                    let (x0, y0, x1, y1) = box_.unwrap_or((bx, by, bx, by));
                    box_ = Some((x0.min(bx), y0.min(by), x1.max(bx), y1.max(by)));
                }
            }
        }
        let Some((bx0, by0, bx1, by1)) = box_ else {
            return Self::default();
        };
        let (bw, bh) = (bx1 - bx0 + 1, by1 - by0 + 1);
        let (cols, rows) = (bw * CELLS_PER_BLOCK, bh * CELLS_PER_BLOCK);
        let (left, top) = (bx0 * CELLS_PER_BLOCK, by0 * CELLS_PER_BLOCK);
        if left + cols > MAX_SIDE || top + rows > MAX_SIDE {
            return Self::default();
        }
        let mut valid = vec![0u8; (bw * bh).div_ceil(8)];
        for y in 0..bh {
            for x in 0..bw {
                if mask.data.get((by0 + y) * mask.bw + bx0 + x) == Some(&true) {
                    let k = y * bw + x;
                    valid[k / 8] |= 1 << (k % 8);
                }
            }
        }
        let stride = cols.div_ceil(8);
        let mut sign = vec![0u8; stride * rows];
        for r in 0..rows {
            let py = (top + r) * CELL;
            if py >= enhanced.height {
                break;
            }
            for c in 0..cols {
                let px = (left + c) * CELL;
                if px >= enhanced.width {
                    break;
                }
                if enhanced
                    .data
                    .get(py * enhanced.width + px)
                    .is_some_and(|&v| v >= 0.0)
                {
                    sign[r * stride + c / 8] |= 1 << (c % 8);
                }
            }
        }
        Self {
            left: left as u16,
            top: top as u16,
            cols: cols as u16,
            rows: rows as u16,
            valid,
            sign,
        }
    }

    /// True when the print had no mask (no texture to compare).
    pub fn is_empty(&self) -> bool {
        self.cols == 0 || self.rows == 0
    }

    /// Whether the box lies within the mask blocks of a `width` × `height` px image (what
    /// [`RidgeTexture::from_enhanced`] gives): a template's texture must describe its own image.
    pub fn fits(&self, width: u16, height: u16) -> bool {
        let cells = |px: u16| usize::from(px).div_ceil(BLOCK) * CELLS_PER_BLOCK;
        usize::from(self.left) + usize::from(self.cols) <= cells(width)
            && usize::from(self.top) + usize::from(self.rows) <= cells(height)
    }

    /// Bytes of [`RidgeTexture::encode_into`].
    pub fn encoded_len(&self) -> usize {
        HEADER + self.valid.len() + self.sign.len()
    }

    /// Appends the box (four little-endian u16), the block bits, then the cell bits.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        for v in [self.left, self.top, self.cols, self.rows] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&self.valid);
        out.extend_from_slice(&self.sign);
    }

    /// Reads a packed texture from the start of `bytes`; returns it and the bytes used.
    /// Never allocates more than `bytes` holds.
    pub fn decode(bytes: &[u8]) -> Result<(Self, usize), TextureError> {
        let head = bytes
            .first_chunk::<HEADER>()
            .ok_or(TextureError::Truncated)?;
        let field = |k: usize| u16::from_le_bytes([head[2 * k], head[2 * k + 1]]);
        let (left, top, cols, rows) = (field(0), field(1), field(2), field(3));
        let (l, t, c, r) = (
            usize::from(left),
            usize::from(top),
            usize::from(cols),
            usize::from(rows),
        );
        let whole = |v: usize| v.is_multiple_of(CELLS_PER_BLOCK);
        if !(whole(l) && whole(t) && whole(c) && whole(r)) || l + c > MAX_SIDE || t + r > MAX_SIDE {
            return Err(TextureError::Invalid);
        }
        if (c == 0) != (r == 0) {
            return Err(TextureError::Invalid);
        }
        let blocks = (c / CELLS_PER_BLOCK) * (r / CELLS_PER_BLOCK);
        let valid_len = blocks.div_ceil(8);
        let sign_len = c.div_ceil(8) * r;
        let end = HEADER + valid_len + sign_len;
        let body = bytes.get(HEADER..end).ok_or(TextureError::Truncated)?;
        let (valid, sign) = body.split_at(valid_len);
        Ok((
            Self {
                left,
                top,
                cols,
                rows,
                valid: valid.to_vec(),
                sign: sign.to_vec(),
            },
            end,
        ))
    }
}

/// A texture laid out for comparison: cell rows as 64-bit words, block validity as bools.
#[derive(Clone, Debug, Default)]
pub struct PreparedTexture {
    left: i32,
    top: i32,
    cols: i32,
    rows: i32,
    /// Words per cell row.
    words: usize,
    /// Cell bits, row-major, `words` per row, then [`SIGN_PAD`] zero words (the AVX2 kernel
    /// reads four bytes from any byte of the rows).
    sign: Vec<u64>,
    /// Blocks per row of the box.
    bw: i32,
    /// Block validity, row-major, then [`VALID_PAD`] false (the AVX2 kernel reads four bytes
    /// from any block, eight from a lattice row's first); empty when the box holds no block.
    valid: Vec<bool>,
}

/// Zero words after a prepared texture's cell rows.
const SIGN_PAD: usize = 1;
/// False blocks after a prepared texture's blocks.
const VALID_PAD: usize = 7;

impl PreparedTexture {
    /// The box the texture covers, in pixels: (left, top, width, height).
    pub fn box_px(&self) -> (f32, f32, f32, f32) {
        let c = CELL as f32;
        (
            self.left as f32 * c,
            self.top as f32 * c,
            self.cols as f32 * c,
            self.rows as f32 * c,
        )
    }

    /// Lays `t` out for comparison.
    pub fn new(t: &RidgeTexture) -> Self {
        if t.is_empty() {
            return Self::default();
        }
        let (cols, rows) = (usize::from(t.cols), usize::from(t.rows));
        let stride = cols.div_ceil(8);
        let words = cols.div_ceil(64);
        let mut sign = vec![0u64; words * rows + SIGN_PAD];
        for (r, row) in t.sign.chunks_exact(stride).take(rows).enumerate() {
            for (k, &b) in row.iter().enumerate() {
                sign[r * words + k / 8] |= u64::from(b) << (8 * (k % 8));
            }
        }
        let (bw, bh) = (cols / CELLS_PER_BLOCK, rows / CELLS_PER_BLOCK);
        let mut valid: Vec<bool> = (0..bw * bh)
            .map(|k| t.valid.get(k / 8).is_some_and(|b| b >> (k % 8) & 1 == 1))
            .collect();
        if !valid.is_empty() {
            valid.extend([false; VALID_PAD]);
        }
        Self {
            left: i32::from(t.left),
            top: i32::from(t.top),
            cols: cols as i32,
            rows: rows as i32,
            words,
            sign,
            bw: bw as i32,
            valid,
        }
    }

    /// The first and last windows (in [`WINDOW`]s of the image's grid) that the box touches,
    /// each as (column, row).
    fn windows(&self) -> ((i32, i32), (i32, i32)) {
        let win = WINDOW as i32;
        (
            (self.left.div_euclid(win), self.top.div_euclid(win)),
            (
                (self.left + self.cols - 1).div_euclid(win),
                (self.top + self.rows - 1).div_euclid(win),
            ),
        )
    }

    /// True when there is no texture to compare.
    pub fn is_empty(&self) -> bool {
        self.valid.is_empty()
    }

    /// Releases spare capacity (galleries keep many prepared templates).
    pub fn shrink_to_fit(&mut self) {
        self.sign.shrink_to_fit();
        self.valid.shrink_to_fit();
    }

    /// The nine sign bits around image cell (`c`, `r`) (bit `3 (dy + 1) + dx + 1`), or None
    /// when the cell's block holds no ridges or the neighbourhood leaves the box.
    #[inline]
    fn around(&self, c: i32, r: i32) -> Option<u32> {
        let (x, y) = (c - self.left, r - self.top);
        // x in 1..cols - 1 and y in 1..rows - 1, each in one unsigned comparison.
        if (x - 1) as u32 >= (self.cols - 2) as u32 || (y - 1) as u32 >= (self.rows - 2) as u32 {
            return None;
        }
        let block =
            (y as usize / CELLS_PER_BLOCK) * self.bw as usize + x as usize / CELLS_PER_BLOCK;
        if !*self.valid.get(block)? {
            return None;
        }
        let k = (x - 1) as usize;
        let (word, shift) = (k / 64, k % 64);
        let mut bits = 0u32;
        for dy in 0..3 {
            let row = (y - 1 + dy) as usize * self.words + word;
            let mut v = *self.sign.get(row)? >> shift;
            if shift > 61 {
                v |= self.sign.get(row + 1).map_or(0, |w| w << (64 - shift));
            }
            bits |= ((v & 7) as u32) << (3 * dy);
        }
        Some(bits)
    }
}

/// The cell nearest to pixel coordinate `p` (rounded half up; far outside any box maps to
/// a cell no box holds). Without `f32::round`, which is a library call on baseline x86-64.
#[inline]
fn nearest_cell(p: f32) -> i32 {
    (p * INV_CELL + 0.5 + OFFSET) as i32 - OFFSET as i32
}

/// Added before truncating so that the cells left of the image round down, not to zero.
const OFFSET: f32 = 4096.0;

/// Reusable buffers of [`factor`].
#[derive(Clone, Debug, Default)]
pub struct TextureScratch {
    /// Only the portable loops (the lattice, the corners' warp, a window's rows), even where
    /// the CPU has AVX2 (the same bits; for checking the kernels and measuring them, as the
    /// matcher's `Kernels::Portable`).
    pub portable: bool,
    /// The pairs as (A x, A y, B x, B y), sorted so the fit does not depend on their order.
    pairs: Vec<[f32; 4]>,
    /// The pairs' weights in the fit.
    weights: Vec<f32>,
    /// A's paired positions and their residual displacement under the rigid fit.
    residuals: Vec<[f32; 4]>,
    /// The warp's displacement at window corners.
    corners: Vec<[f32; 2]>,
    /// The windows near the pairs (column, row in the window grid).
    near: Vec<[u32; 2]>,
    /// The corners they need.
    wanted: Vec<u32>,
}

/// The largest [`factor`] can be (full weight, every window agreeing), rounded up: a score
/// that cannot beat another even when multiplied by it need not be compared.
pub fn max_factor() -> f32 {
    (WEIGHT * (1.0 - CENTRE)).exp() * 1.001
}

/// The factor a comparison's score is multiplied by for the texture agreement under the
/// alignment of `pairs` (A index, B index, weight — unused — into `pa` / `pb`, positions
/// `[x, y, θ]`):
/// exp(WEIGHT · w · (agreement − CENTRE)), w = min(1, points / FULL_FROM); [`WITHOUT_TEXTURE`]
/// when either print has no texture; 1 when there are fewer than [`MIN_PAIRS`] pairs or no
/// window to compare (no evidence either way).
pub fn factor(
    a: &PreparedTexture,
    b: &PreparedTexture,
    pa: &[[f32; 3]],
    pb: &[[f32; 3]],
    pairs: &[(u16, u16, f32)],
    scratch: &mut TextureScratch,
) -> f32 {
    if a.is_empty() || b.is_empty() {
        return WITHOUT_TEXTURE;
    }
    let (agreement, points) = agreement(a, b, pa, pb, pairs, scratch);
    if points == 0 {
        return 1.0;
    }
    let w = (points as f32 / FULL_FROM).min(1.0);
    (WEIGHT * w * (agreement - CENTRE)).exp()
}

/// (mean agreement in [−1, 1], lattice points compared) of A's texture with B's under the
/// alignment of `pairs`: the rigid least-squares fit of the pairs, each point moved by the
/// pairs' residuals around it, each window at its best shift of up to one cell.
pub fn agreement(
    a: &PreparedTexture,
    b: &PreparedTexture,
    pa: &[[f32; 3]],
    pb: &[[f32; 3]],
    pairs: &[(u16, u16, f32)],
    scratch: &mut TextureScratch,
) -> (f32, u32) {
    if a.is_empty() || b.is_empty() || pairs.len() < MIN_PAIRS {
        return (0.0, 0);
    }
    let pts = &mut scratch.pairs;
    pts.clear();
    // The pairs' own weights are not used: they depend on which pairing round last found
    // them, their positions do not.
    for &(i, j, _) in pairs {
        let (Some(p), Some(q)) = (pa.get(usize::from(i)), pb.get(usize::from(j))) else {
            continue;
        };
        pts.push([p[0], p[1], q[0], q[1]]);
    }
    if pts.len() < MIN_PAIRS {
        return (0.0, 0);
    }
    pts.sort_unstable_by(|x, y| {
        x.iter()
            .zip(y.iter())
            .map(|(u, v)| u.total_cmp(v))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    // Rigid least-squares fit of A onto B under the pairs' weights `ws`, every pair alike at
    // first.
    let fit = |ws: &[f32]| {
        let sw: f32 = ws.iter().sum::<f32>();
        if sw < 1e-3 {
            return None;
        }
        let mean = |k: usize| pts.iter().zip(ws).map(|(p, &w)| w * p[k]).sum::<f32>() / sw;
        let (ax, ay, bx, by) = (mean(0), mean(1), mean(2), mean(3));
        let (mut sd, mut sc) = (0.0f32, 0.0f32);
        for (p, &w) in pts.iter().zip(ws) {
            let (u, v, s, t) = (p[0] - ax, p[1] - ay, p[2] - bx, p[3] - by);
            sd += w * (u * s + v * t);
            sc += w * (u * t - v * s);
        }
        Some((ax, ay, bx, by, sc.atan2(sd)))
    };
    let ws = &mut scratch.weights;
    ws.clear();
    ws.resize(pts.len(), 1.0);
    // Then reweighted twice by each pair's residual (Tukey's biweight): a pair the fit does
    // not explain stops pulling it.
    let Some((mut ax, mut ay, mut bx, mut by, mut rot)) = fit(ws) else {
        return (0.0, 0);
    };
    for _ in 0..FIT_ROUNDS {
        let (rs, rc) = rot.sin_cos();
        let weight = |p: &[f32; 4]| {
            let (u, v) = (p[0] - ax, p[1] - ay);
            let (mx, my) = (bx + rc * u - rs * v, by + rs * u + rc * v);
            let t = ((p[2] - mx).powi(2) + (p[3] - my).powi(2)) / (FIT_REACH * FIT_REACH);
            if t < 1.0 { (1.0 - t) * (1.0 - t) } else { 0.0 }
        };
        for (w, p) in ws.iter_mut().zip(pts.iter()) {
            *w = weight(p);
        }
        // No pair within reach of the fit: keep it as it is.
        let Some(next) = fit(ws) else {
            break;
        };
        (ax, ay, bx, by, rot) = next;
    }
    let (rs, rc) = rot.sin_cos();
    let map = |x: f32, y: f32| {
        let (u, v) = (x - ax, y - ay);
        (bx + rc * u - rs * v, by + rs * u + rc * v)
    };
    let res = &mut scratch.residuals;
    res.clear();
    res.extend(pts.iter().map(|p| {
        let (mx, my) = map(p[0], p[1]);
        [p[0], p[1], p[2] - mx, p[3] - my]
    }));
    // Windows of A's box, aligned to the image's window grid; the warp at their corners.
    let win = WINDOW as i32;
    let ((wx0, wy0), (wx1, wy1)) = a.windows();
    let (nwx, nwy) = ((wx1 - wx0 + 1) as usize, (wy1 - wy0 + 1) as usize);
    let window_px = (WINDOW * CELL) as f32;
    // The AVX2 lattice kernel where the CPU has it and the scratch allows it (the same bits,
    // see `texture_avx2.rs`).
    #[cfg(target_arch = "x86_64")]
    let kernel = if scratch.portable {
        None
    } else {
        avx2::Pair::new(a, b)
    };
    // The windows near the pairs, and the corners they need (NaN: not needed).
    let near2 = NEAR * NEAR;
    let (near, corners, wanted) = (&mut scratch.near, &mut scratch.corners, &mut scratch.wanted);
    near.clear();
    wanted.clear();
    corners.clear();
    corners.resize((nwx + 1) * (nwy + 1), [f32::NAN; 2]);
    for wy in 0..nwy {
        for wx in 0..nwx {
            let (c0, r0) = ((wx0 + wx as i32) * win, (wy0 + wy as i32) * win);
            let (mx, my) = (
                (c0 as f32 + 0.5 * win as f32) * CELL as f32,
                (r0 as f32 + 0.5 * win as f32) * CELL as f32,
            );
            if !res
                .iter()
                .any(|r| (r[0] - mx).powi(2) + (r[1] - my).powi(2) <= near2)
            {
                continue;
            }
            near.push([wx as u32, wy as u32]);
            let k = wy * (nwx + 1) + wx;
            for k in [k, k + 1, k + nwx + 1, k + nwx + 2] {
                if let Some(d) = corners.get_mut(k)
                    && d[0].is_nan()
                {
                    *d = [0.0; 2];
                    wanted.push(k as u32);
                }
            }
        }
    }
    let corner_at = |k: u32| {
        let (cx, cy) = (k as usize % (nwx + 1), k as usize / (nwx + 1));
        (
            (wx0 + cx as i32) as f32 * window_px,
            (wy0 + cy as i32) as f32 * window_px,
        )
    };
    let mut computed = false;
    #[cfg(target_arch = "x86_64")]
    if let Some(pair) = &kernel {
        computed = true;
        // Eight corners at a time, the last group filled up with its last corner.
        for group in wanted.chunks(8) {
            let (mut x, mut y) = ([0.0f32; 8], [0.0f32; 8]);
            for (l, (x, y)) in x.iter_mut().zip(y.iter_mut()).enumerate() {
                let k = group.get(l).or(group.last()).copied().unwrap_or(0);
                (*x, *y) = corner_at(k);
            }
            let (dx, dy) = pair.warp(res, x, y);
            for (l, &k) in group.iter().enumerate() {
                if let Some(d) = corners.get_mut(k as usize) {
                    *d = [dx[l], dy[l]];
                }
            }
        }
    }
    if !computed {
        for &k in wanted.iter() {
            let (x, y) = corner_at(k);
            if let Some(d) = corners.get_mut(k as usize) {
                *d = warp_at(res, x, y);
            }
        }
    }
    let corner = |k: usize| corners.get(k).copied().unwrap_or([0.0; 2]);
    let mut tally = Tally::new(a, b, scratch.portable);
    for &[wx, wy] in near.iter() {
        let (wx, wy) = (wx as usize, wy as usize);
        let (c0, r0) = ((wx0 + wx as i32) * win, (wy0 + wy as i32) * win);
        let k = wy * (nwx + 1) + wx;
        let (d00, d10, d01, d11) = (
            corner(k),
            corner(k + 1),
            corner(k + nwx + 1),
            corner(k + nwx + 2),
        );
        let (cstart, cend) = (c0.max(a.left), (c0 + win).min(a.left + a.cols));
        let (rstart, rend) = (r0.max(a.top), (r0 + win).min(a.top + a.rows));
        let span = win as f32;
        let mut rows = [LatticeRow::default(); WINDOW_ROWS];
        let (mut nrows, mut filled) = (0, false);
        #[cfg(target_arch = "x86_64")]
        if let Some(pair) = &kernel {
            // The four rows at once (the same operations, one row per lane); those from
            // `rend` on are not used.
            let out = pair.rows(
                [ax, ay, bx, by, rc, rs],
                [d00, d10, d01, d11],
                (c0, r0),
                (cstart, rstart),
            );
            for (i, (row, o)) in rows.iter_mut().zip(out).enumerate() {
                *row = LatticeRow {
                    r: rstart + (i * LATTICE_ROWS) as i32,
                    q: [o[0], o[1]],
                    s: [o[2], o[3]],
                };
            }
            nrows = ((rend - rstart).max(0) as usize)
                .div_ceil(LATTICE_ROWS)
                .min(WINDOW_ROWS);
            filled = true;
        }
        // Else one row after the other (the definition).
        if !filled {
            for (row, r) in rows.iter_mut().zip((rstart..rend).step_by(LATTICE_ROWS)) {
                // The warp is bilinear between the window's corners, so along a row it
                // moves by the same step from point to point, as the rigid map does.
                let fy = (r - r0) as f32 / span;
                let left = [
                    (1.0 - fy) * d00[0] + fy * d01[0],
                    (1.0 - fy) * d00[1] + fy * d01[1],
                ];
                let right = [
                    (1.0 - fy) * d10[0] + fy * d11[0],
                    (1.0 - fy) * d10[1] + fy * d11[1],
                ];
                let fx = (cstart - c0) as f32 / span;
                let (mut qx, mut qy) = map((cstart * CELL as i32) as f32, (r * CELL as i32) as f32);
                qx += left[0] + fx * (right[0] - left[0]);
                qy += left[1] + fx * (right[1] - left[1]);
                let along = LATTICE as f32 / span;
                *row = LatticeRow {
                    r,
                    q: [qx, qy],
                    s: [
                        rc * STEP_PX + along * (right[0] - left[0]),
                        rs * STEP_PX + along * (right[1] - left[1]),
                    ],
                };
                nrows += 1;
            }
        }
        tally.window(rows.get(..nrows).unwrap_or(&[]), cstart, cend);
    }
    tally.mean()
}

/// The windows' agreements at their best shifts (2 · agreeing − compared, summed) and the
/// points compared, of A's texture with B's.
struct Tally<'t> {
    a: &'t PreparedTexture,
    b: &'t PreparedTexture,
    /// B's neighbourhoods laid out (a rigid search's): read instead of B's rows.
    lut: Option<&'t lut::Neighbourhoods>,
    /// The AVX2 kernel for these textures, when there is one (the same counts).
    #[cfg(target_arch = "x86_64")]
    kernel: Option<avx2::Pair<'t>>,
    acc: f32,
    total: u32,
}

impl<'t> Tally<'t> {
    /// Nothing counted yet; the AVX2 kernel unless `portable`.
    fn new(a: &'t PreparedTexture, b: &'t PreparedTexture, portable: bool) -> Self {
        #[cfg(not(target_arch = "x86_64"))]
        let _ = portable;
        Tally {
            a,
            b,
            lut: None,
            #[cfg(target_arch = "x86_64")]
            kernel: if portable {
                None
            } else {
                avx2::Pair::new(a, b)
            },
            acc: 0.0,
            total: 0,
        }
    }

    /// Adds a window of `rows` between cell columns `cstart` and `cend` unless fewer than
    /// [`MIN_WINDOW_POINTS`] of its points were compared.
    fn window(&mut self, rows: &[LatticeRow], cstart: i32, cend: i32) {
        let (lanes, last, n) = self.counts(rows, cstart, cend);
        if n < MIN_WINDOW_POINTS {
            return;
        }
        self.acc += 2.0 * best_shift(lanes, last) as f32 - n as f32;
        self.total += n;
    }

    /// A window's agreements per shift and its points compared (see [`window_portable`]).
    fn counts(&self, rows: &[LatticeRow], cstart: i32, cend: i32) -> (u64, u32, u32) {
        #[cfg(target_arch = "x86_64")]
        if let Some(pair) = &self.kernel {
            return match self.lut {
                Some(table) => pair.window_lut(table, rows, cstart, cend),
                None => pair.window(rows, cstart, cend),
            };
        }
        match self.lut {
            Some(table) => lut::window_portable(self.a, table, rows, cstart, cend),
            None => window_portable(self.a, self.b, rows, cstart, cend),
        }
    }

    /// (mean agreement, points compared); (0, 0) without any.
    fn mean(self) -> (f32, u32) {
        if self.total == 0 {
            return (0.0, 0);
        }
        (self.acc / self.total as f32, self.total)
    }
}

/// The most agreeing of a window's nine shifts (see [`window_portable`]).
fn best_shift(lanes: u64, last: u32) -> u32 {
    (0..8)
        .map(|k| (lanes >> (8 * k)) as u32 & 0xff)
        .fold(last, u32::max)
}

/// The warp's displacement at (`x`, `y`) (px in A): the residuals' displacements (`r[2]`,
/// `r[3]`) of the pairs within [`WARP_REACH`] of it (at `r[0]`, `r[1]`), weighed by their
/// distance, shrunk towards none. The definition `avx2::Pair::warp` must match.
fn warp_at(res: &[[f32; 4]], x: f32, y: f32) -> [f32; 2] {
    let (mut dx, mut dy, mut wsum) = (0.0f32, 0.0f32, WARP_SHRINK);
    for r in res {
        let t = ((r[0] - x).powi(2) + (r[1] - y).powi(2)) / (WARP_REACH * WARP_REACH);
        if t < 1.0 {
            let w = (1.0 - t) * (1.0 - t);
            dx += w * r[2];
            dy += w * r[3];
            wsum += w;
        }
    }
    [dx / wsum, dy / wsum]
}

/// Lattice rows a window holds at most.
const WINDOW_ROWS: usize = WINDOW.div_ceil(LATTICE_ROWS);

/// One lattice row of a window: its image cell row, where its first point falls in B (px),
/// and the move from one point to the next (px).
#[derive(Clone, Copy, Debug, Default)]
struct LatticeRow {
    r: i32,
    q: [f32; 2],
    s: [f32; 2],
}

/// A window's agreements per shift (shifts 0–7 one byte each of the first: a window has at
/// most 64 points; shift 8 the second) and its lattice points compared, over its `rows` from
/// image cell column `cstart` to `cend` (excluded, within A's box): the definition the AVX2
/// kernel must match. Each row's point is advanced by repeated addition, as the kernel's are.
fn window_portable(
    a: &PreparedTexture,
    b: &PreparedTexture,
    rows: &[LatticeRow],
    cstart: i32,
    cend: i32,
) -> (u64, u32, u32) {
    window_reading(a, rows, (cstart, cend), |c, r| b.around(c, r))
}

/// [`window_portable`] with B's nine bits around a cell (or None) read by `around`.
#[inline]
fn window_reading(
    a: &PreparedTexture,
    rows: &[LatticeRow],
    (cstart, cend): (i32, i32),
    around: impl Fn(i32, i32) -> Option<u32>,
) -> (u64, u32, u32) {
    let (mut lanes, mut last, mut n) = (0u64, 0u32, 0u32);
    for row in rows {
        let ([mut qx, mut qy], [sx, sy]) = (row.q, row.s);
        // A's row in its box: its block row and its words.
        let ay = (row.r - a.top) as usize;
        let (blocks, words) = (
            a.valid
                .get((ay / CELLS_PER_BLOCK) * a.bw as usize..)
                .unwrap_or(&[]),
            a.sign.get(ay * a.words..).unwrap_or(&[]),
        );
        for c in (cstart..cend).step_by(LATTICE) {
            let (px, py) = (qx, qy);
            qx += sx;
            qy += sy;
            let ax = (c - a.left) as usize;
            if !blocks.get(ax / CELLS_PER_BLOCK).copied().unwrap_or(false) {
                continue;
            }
            let Some(around) = around(nearest_cell(px), nearest_cell(py)) else {
                continue;
            };
            let ridge = words.get(ax / 64).map_or(0, |w| w >> (ax % 64) & 1);
            let agree = if ridge == 1 { around } else { !around & 0x1ff };
            lanes += SPREAD[(agree & 0xff) as usize];
            last += agree >> 8;
            n += 1;
        }
    }
    (lanes, last, n)
}

/// One rigid alignment of A onto B found by [`search_rigid`]: turn (radians) about A's box
/// centre, then A's box centre moved onto B's plus (`dx`, `dy`) px; the agreement there and
/// the lattice points it was measured on.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RigidFound {
    /// Mean agreement in [−1, 1].
    pub agreement: f32,
    /// Lattice points compared.
    pub points: u32,
    /// Turn, radians.
    pub rot: f32,
    /// Shift of A's box centre from B's, px.
    pub dx: f32,
    /// Shift of A's box centre from B's, px.
    pub dy: f32,
}

/// The grid of rigid alignments [`search_rigid`] tries.
#[derive(Clone, Copy, Debug)]
pub struct RigidGrid {
    /// Largest turn either way, radians.
    pub max_rot: f32,
    /// Turn step, radians.
    pub rot_step: f32,
    /// Largest shift either way, px.
    pub reach: f32,
    /// Shift step, px.
    pub step: f32,
    /// Fewest lattice points an alignment counts with.
    pub min_points: u32,
    /// Every `stride`-th window (in both directions) in the first stage; 1 = every window.
    pub stride: usize,
    /// Alignments of the first stage measured again on every window.
    pub keep: usize,
    /// The kept alignments also measured half a turn step either way.
    pub refine: bool,
}

/// The agreement of A's texture with B's under the rigid map `(ax, ay, bx, by, sin, cos)`
/// (A's point (`ax`, `ay`) onto B's (`bx`, `by`), turned), over every `stride`-th window of
/// A's box in both directions.
fn rigid_agreement(
    (a, b, reads): (&PreparedTexture, &PreparedTexture, &Reads),
    map: (f32, f32, f32, f32, f32, f32),
    stride: usize,
) -> (f32, u32) {
    let (ax0, ay0, bx0, by0, rs, rc) = map;
    let win = WINDOW as i32;
    let ((wx0, wy0), (wx1, wy1)) = a.windows();
    let (bl, bt) = ((b.left * CELL as i32) as f32, (b.top * CELL as i32) as f32);
    let (br, bb) = (
        ((b.left + b.cols) * CELL as i32) as f32,
        ((b.top + b.rows) * CELL as i32) as f32,
    );
    let half = (WINDOW * CELL) as f32 / 2.0;
    let mapf = |x: f32, y: f32| {
        let (u, v) = (x - ax0, y - ay0);
        (bx0 + rc * u - rs * v, by0 + rs * u + rc * v)
    };
    let mut tally = Tally::new(a, b, reads.portable);
    tally.lut = reads.table.as_ref();
    let stride = stride.max(1);
    for wy in (wy0..=wy1).step_by(stride) {
        for wx in (wx0..=wx1).step_by(stride) {
            let (c0, r0) = (wx * win, wy * win);
            // A window whose centre falls outside B's box by more than half a window has
            // nothing to compare.
            let (mx, my) = mapf(
                (c0 * CELL as i32) as f32 + half,
                (r0 * CELL as i32) as f32 + half,
            );
            if mx < bl - half || my < bt - half || mx > br + half || my > bb + half {
                continue;
            }
            let (rows, nrows, (cstart, cend)) = window_lattice(a, (c0, r0), &mapf, (rs, rc));
            tally.window(rows.get(..nrows).unwrap_or(&[]), cstart, cend);
        }
    }
    tally.mean()
}

/// The lattice rows of A's window whose first cell is (`c0`, `r0`), each row's first point
/// mapped into B by `mapf` and stepped along the turn (`sin`, `cos`): the rows, how many
/// there are, and the window's cell columns within A's box.
fn window_lattice(
    a: &PreparedTexture,
    (c0, r0): (i32, i32),
    mapf: &impl Fn(f32, f32) -> (f32, f32),
    (rs, rc): (f32, f32),
) -> ([LatticeRow; WINDOW_ROWS], usize, (i32, i32)) {
    let win = WINDOW as i32;
    let (cstart, cend) = (c0.max(a.left), (c0 + win).min(a.left + a.cols));
    let (rstart, rend) = (r0.max(a.top), (r0 + win).min(a.top + a.rows));
    let mut rows = [LatticeRow::default(); WINDOW_ROWS];
    let mut nrows = 0;
    for (row, r) in rows.iter_mut().zip((rstart..rend).step_by(LATTICE_ROWS)) {
        let (qx, qy) = mapf((cstart * CELL as i32) as f32, (r * CELL as i32) as f32);
        *row = LatticeRow {
            r,
            q: [qx, qy],
            s: [rc * STEP_PX, rs * STEP_PX],
        };
        nrows += 1;
    }
    (rows, nrows, (cstart, cend))
}

/// Most turn steps either way [`search_rigid`] takes.
const MAX_TURNS: i32 = 90;
/// Most shift steps either way [`search_rigid`] takes.
const MAX_SHIFTS: i32 = 64;
/// The sparsest first stage [`search_rigid`] takes (every this many windows).
const MAX_STRIDE: usize = 16;
/// The largest box side, px, [`search_rigid`] searches: twice a rolled print at 500 ppi
/// (the FBI's 1.6 in). A larger texture, which only a crafted template can carry, finds
/// nothing rather than costing seconds.
pub const MAX_SEARCHED_SIDE: f32 = 1024.0;

/// How a rigid search reads B: through its neighbourhoods' table or its rows, and with the
/// portable loops or the AVX2 kernels (the same counts every way).
struct Reads {
    /// B's neighbourhoods laid out, when the search reads them.
    table: Option<lut::Neighbourhoods>,
    /// Only the portable loops.
    portable: bool,
}

/// The rigid alignment of A onto B whose texture agreement is the most significant,
/// (agreement − CENTRE) · √points, over `grid`: a first stage on every `stride`-th window,
/// then its `keep` best alignments on every window.
pub fn search_rigid(a: &PreparedTexture, b: &PreparedTexture, grid: &RigidGrid) -> RigidFound {
    search_rigid_reading(a, b, grid, true, false)
}

/// [`search_rigid`] reading B through its neighbourhoods' table (`table`) or its rows, with
/// the portable loops only (`portable`) or the AVX2 kernels where the CPU has them.
fn search_rigid_reading(
    a: &PreparedTexture,
    b: &PreparedTexture,
    grid: &RigidGrid,
    table: bool,
    portable: bool,
) -> RigidFound {
    let mut found = RigidFound::default();
    if a.is_empty() || b.is_empty() || grid.rot_step <= 0.0 || grid.step <= 0.0 {
        return found;
    }
    let (al, at, aw, ah) = a.box_px();
    let (bl, bt, bw, bh) = b.box_px();
    if aw.max(ah).max(bw).max(bh) > MAX_SEARCHED_SIDE {
        return found;
    }
    let (ca, cb) = (
        (al + aw / 2.0, at + ah / 2.0),
        (bl + bw / 2.0, bt + bh / 2.0),
    );
    let reads = Reads {
        table: table.then(|| lut::Neighbourhoods::new(b)),
        portable,
    };
    let pair = (a, b, &reads);
    let stride = grid.stride.clamp(1, MAX_STRIDE);
    let sub_min = grid.min_points / (stride * stride) as u32;
    let z = |c: f32, n: u32| (c - CENTRE) * (n as f32).sqrt();
    let mut first: Vec<(f32, f32, f32, f32)> = Vec::new();
    // At most half a turn either way in whole steps, and MAX_SHIFTS steps either way: a
    // grid of tiny steps is cut, not run for hours.
    let nr =
        ((grid.max_rot.min(std::f32::consts::PI) / grid.rot_step).floor() as i32).min(MAX_TURNS);
    let ns = ((grid.reach / grid.step).floor() as i32).min(MAX_SHIFTS);
    for ir in -nr..=nr {
        let rot = ir as f32 * grid.rot_step;
        let (rs, rc) = rot.sin_cos();
        for iy in -ns..=ns {
            for ix in -ns..=ns {
                let (dx, dy) = (ix as f32 * grid.step, iy as f32 * grid.step);
                let map = (ca.0, ca.1, cb.0 + dx, cb.1 + dy, rs, rc);
                let (c, n) = rigid_agreement(pair, map, stride);
                if n >= sub_min.max(1) {
                    first.push((z(c, n), rot, dx, dy));
                }
            }
        }
    }
    let keep = grid.keep.max(1).min(first.len());
    if keep == 0 {
        return found;
    }
    if keep < first.len() {
        first.select_nth_unstable_by(keep - 1, |x, y| y.0.total_cmp(&x.0));
        first.truncate(keep);
    }
    let mut best = f32::NEG_INFINITY;
    let turns: &[f32] = if grid.refine {
        &[0.0, -0.5, 0.5]
    } else {
        &[0.0]
    };
    for &(_, rot0, dx, dy) in &first {
        for &t in turns {
            let rot = rot0 + t * grid.rot_step;
            let (rs, rc) = rot.sin_cos();
            let map = (ca.0, ca.1, cb.0 + dx, cb.1 + dy, rs, rc);
            let (c, n) = rigid_agreement(pair, map, 1);
            if n >= grid.min_points && z(c, n) > best {
                best = z(c, n);
                found = RigidFound {
                    agreement: c,
                    points: n,
                    rot,
                    dx,
                    dy,
                };
            }
        }
    }
    found
}

#[cfg(target_arch = "x86_64")]
#[path = "texture_avx2.rs"]
mod avx2;

#[path = "texture_lut.rs"]
mod lut;

#[path = "texture_warp.rs"]
pub mod warp;

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    /// Ridges of period 9 px running at `angle`, shifted by `phase` px across them.
    fn waves(w: usize, h: usize, angle: f32, phase: f32) -> Gray {
        let (s, c) = angle.sin_cos();
        let data = (0..w * h)
            .map(|k| {
                let (x, y) = ((k % w) as f32, (k / w) as f32);
                let d = -s * x + c * y + phase;
                (d * std::f32::consts::TAU / 9.0).cos()
            })
            .collect();
        Gray {
            width: w,
            height: h,
            data,
        }
    }

    /// Concentric rings of period 9 px around (`cx`, `cy`): a pattern whose phase differs
    /// from place to place, unlike parallel ridges.
    fn rings(w: usize, h: usize, cx: f32, cy: f32) -> Gray {
        let data = (0..w * h)
            .map(|k| {
                let (x, y) = ((k % w) as f32, (k / w) as f32);
                ((x - cx).hypot(y - cy) * std::f32::consts::TAU / 9.0).cos()
            })
            .collect();
        Gray {
            width: w,
            height: h,
            data,
        }
    }

    fn full_mask(w: usize, h: usize) -> BlockMap<bool> {
        BlockMap {
            bw: w / BLOCK,
            bh: h / BLOCK,
            data: vec![true; (w / BLOCK) * (h / BLOCK)],
        }
    }

    fn prepared(g: &Gray) -> PreparedTexture {
        PreparedTexture::new(&RidgeTexture::from_enhanced(
            g,
            &full_mask(g.width, g.height),
        ))
    }

    /// A's and B's minutia positions and the pairs between them.
    type Paired = (Vec<[f32; 3]>, Vec<[f32; 3]>, Vec<(u16, u16, f32)>);

    /// Pairs at the same places in both prints, moved by (`dx`, `dy`) in B.
    fn identity_pairs(dx: f32, dy: f32) -> Paired {
        let pa: Vec<[f32; 3]> = [(60.0, 60.0), (180.0, 70.0), (120.0, 180.0), (70.0, 170.0)]
            .iter()
            .map(|&(x, y)| [x, y, 0.0])
            .collect();
        let pb = pa.iter().map(|p| [p[0] + dx, p[1] + dy, 0.0]).collect();
        let pairs = (0..pa.len() as u16).map(|i| (i, i, 0.5)).collect();
        (pa, pb, pairs)
    }

    #[test]
    fn the_same_ridges_agree_and_other_ridges_do_not() {
        let a = rings(240, 240, 110.0, 120.0);
        let (pa, pb, pairs) = identity_pairs(0.0, 0.0);
        let mut s = TextureScratch::default();
        let (same, n) = agreement(&prepared(&a), &prepared(&a), &pa, &pb, &pairs, &mut s);
        assert!(same > 0.95 && n >= 400, "same print: {same} over {n}");
        // Another finger: rings about another centre (same period), under the same alignment.
        let other = rings(240, 240, 30.0, 200.0);
        let (diff, _) = agreement(&prepared(&a), &prepared(&other), &pa, &pb, &pairs, &mut s);
        assert!(diff < 0.6, "other print: {diff}");
        assert!(
            factor(&prepared(&a), &prepared(&a), &pa, &pb, &pairs, &mut s)
                > 2.0 * factor(&prepared(&a), &prepared(&other), &pa, &pb, &pairs, &mut s)
        );
    }

    /// The search of the twenty-second pass's grid, at 6 px and 6°.
    fn grid(stride: usize, keep: usize) -> RigidGrid {
        RigidGrid {
            max_rot: 30f32.to_radians(),
            rot_step: 6f32.to_radians(),
            reach: 90.0,
            step: 6.0,
            min_points: 400,
            stride,
            keep,
            refine: false,
        }
    }

    #[test]
    fn the_rigid_search_finds_where_the_same_ridges_lie() {
        // A's rings centred at (110, 120) in a 240 px box (centre 120, 120); B's at (140, 96)
        // in a 300 px box (centre 150, 150): A's centre lands on B's moved by (0, −54).
        let a = prepared(&rings(240, 240, 110.0, 120.0));
        let b = prepared(&rings(300, 300, 140.0, 96.0));
        for (stride, keep, refine) in [(1, 1, false), (3, 32, false), (4, 64, true)] {
            let mut g = grid(stride, keep);
            g.refine = refine;
            let f = search_rigid(&a, &b, &g);
            assert!(f.agreement > 0.9 && f.points >= 400, "{f:?}");
            assert!(
                f.rot.abs() < 0.01 && f.dx.abs() < 1.0 && (f.dy + 54.0).abs() < 1.0,
                "{f:?}"
            );
        }
        // Rings about a centre off every print: the best chance alignment agrees less, and
        // is less significant.
        let other = prepared(&rings(300, 300, 420.0, -150.0));
        let same = search_rigid(&a, &b, &grid(1, 1));
        let diff = search_rigid(&a, &other, &grid(1, 1));
        let z = |f: RigidFound| (f.agreement - CENTRE) * (f.points as f32).sqrt();
        assert!(z(diff) < 0.7 * z(same), "{diff:?} against {same:?}");
    }

    /// The search through B's neighbourhoods' table finds what it finds through B's rows,
    /// bit for bit, with the AVX2 kernels and the portable loops, on patterns and real prints
    /// (partial masks, textures of other sizes, boxes off the origin).
    #[test]
    fn the_rigid_search_reads_the_same_through_the_table() {
        let print = |set: &str, name: &str| super::super::test_support::fvc_prepared(set, name);
        let mut textures = vec![
            prepared(&rings(240, 240, 110.0, 120.0)),
            prepared(&rings(300, 300, 140.0, 96.0)),
            prepared(&waves(200, 260, 0.7, 2.0)),
        ];
        for (set, name) in [
            ("FVC2002_DB1_B", "101_1"),
            ("FVC2002_DB1_B", "101_2"),
            ("FVC2004_DB2_B", "106_1"),
            ("FVC2000_DB3_B", "103_1"),
        ] {
            textures.push(print(set, name).texture);
        }
        let mut g = grid(4, 64);
        g.refine = true;
        g.reach = 150.0;
        g.step = 12.0;
        let mut found = 0;
        for a in &textures {
            for b in &textures {
                for grid in [&grid(8, 4), &g] {
                    let rows = search_rigid_reading(a, b, grid, false, false);
                    found += usize::from(rows.points > 0);
                    for (table, portable) in [(true, false), (true, true), (false, true)] {
                        let other = search_rigid_reading(a, b, grid, table, portable);
                        assert_eq!(rows, other, "table {table}, portable {portable}");
                    }
                }
            }
        }
        assert!(found >= textures.len() * textures.len(), "{found}");
    }

    #[test]
    fn the_rigid_search_does_not_search_an_oversized_texture() {
        let a = prepared(&rings(240, 240, 110.0, 120.0));
        let huge = prepared(&rings(1100, 260, 110.0, 120.0));
        assert!(huge.box_px().2 > MAX_SEARCHED_SIDE);
        assert_eq!(search_rigid(&a, &huge, &grid(4, 64)), RigidFound::default());
        assert_eq!(search_rigid(&huge, &a, &grid(4, 64)), RigidFound::default());
        // The same rings within the limit are searched.
        let fits = prepared(&rings(1000, 260, 110.0, 120.0));
        assert!(search_rigid(&a, &fits, &grid(4, 64)).points > 0);
    }

    #[test]
    fn the_rigid_search_without_texture_or_grid_finds_nothing() {
        let a = prepared(&rings(240, 240, 110.0, 120.0));
        let none = PreparedTexture::default();
        assert_eq!(search_rigid(&a, &none, &grid(1, 1)), RigidFound::default());
        assert_eq!(search_rigid(&none, &a, &grid(1, 1)), RigidFound::default());
        let mut g = grid(1, 1);
        g.step = 0.0;
        assert_eq!(search_rigid(&a, &a, &g), RigidFound::default());
        // No alignment overlaps enough.
        g = grid(1, 1);
        g.min_points = u32::MAX;
        assert_eq!(search_rigid(&a, &a, &g).points, 0);
        // An absurd stride is the sparsest first stage, not an overflow; the second stage
        // still finds the same ridges.
        g = grid(usize::MAX, 64);
        assert!(search_rigid(&a, &a, &g).agreement > 0.9);
    }

    #[test]
    fn a_translated_impression_agrees_where_its_pairs_say() {
        // B is A moved by (6, 4) px: the pairs carry the move, the texture follows it.
        let a = waves(260, 260, 0.4, 0.0);
        let b = Gray {
            width: 260,
            height: 260,
            data: (0..260 * 260)
                .map(|k| {
                    let (x, y) = (k % 260 - 6, k / 260 - 4);
                    if x < 0 || y < 0 {
                        0.0
                    } else {
                        a.data[y as usize * 260 + x as usize]
                    }
                })
                .collect(),
        };
        let (pa, pb, pairs) = identity_pairs(6.0, 4.0);
        let mut s = TextureScratch::default();
        let (c, _) = agreement(&prepared(&a), &prepared(&b), &pa, &pb, &pairs, &mut s);
        assert!(c > 0.9, "translated copy: {c}");
    }

    #[test]
    fn without_pairs_the_factor_is_one_and_without_texture_the_calibrated_one() {
        let a = prepared(&rings(200, 200, 100.0, 100.0));
        let empty = PreparedTexture::new(&RidgeTexture::default());
        let (pa, pb, pairs) = identity_pairs(0.0, 0.0);
        let mut s = TextureScratch::default();
        assert_eq!(
            factor(&a, &empty, &pa, &pb, &pairs, &mut s),
            WITHOUT_TEXTURE
        );
        assert_eq!(
            factor(&empty, &a, &pa, &pb, &pairs, &mut s),
            WITHOUT_TEXTURE
        );
        assert_eq!(factor(&a, &a, &pa, &pb, &pairs[..2], &mut s), 1.0);
        // Pair indices beyond the minutiae are skipped, not read.
        let wild = [(200u16, 0u16, 1.0f32), (0, 200, 1.0), (1, 1, 1.0)];
        assert_eq!(factor(&a, &a, &pa, &pb, &wild, &mut s), 1.0);
    }

    #[test]
    fn the_pairs_order_does_not_change_the_factor() {
        let a = prepared(&rings(240, 240, 110.0, 120.0));
        let b = prepared(&rings(240, 240, 100.0, 110.0));
        let (pa, pb, mut pairs) = identity_pairs(0.0, 0.0);
        let mut s = TextureScratch::default();
        let f = factor(&a, &b, &pa, &pb, &pairs, &mut s);
        pairs.reverse();
        assert_eq!(
            f.to_bits(),
            factor(&a, &b, &pa, &pb, &pairs, &mut s).to_bits()
        );
    }

    #[test]
    fn encoding_round_trips_and_hostile_bytes_are_refused() {
        let mut mask = full_mask(120, 96);
        mask.data[0] = false;
        mask.data[5] = false;
        let t = RidgeTexture::from_enhanced(&rings(120, 96, 50.0, 40.0), &mask);
        assert!(!t.is_empty());
        let mut bytes = Vec::new();
        t.encode_into(&mut bytes);
        assert_eq!(bytes.len(), t.encoded_len());
        let (back, used) = RidgeTexture::decode(&bytes).expect("decodes");
        assert_eq!((back, used), (t.clone(), bytes.len()));
        for cut in [0, 3, HEADER, bytes.len() - 1] {
            assert_eq!(
                RidgeTexture::decode(&bytes[..cut]),
                Err(TextureError::Truncated)
            );
        }
        // A box that is not whole blocks, or larger than any image, or half empty.
        for (k, v) in [(2usize, 3u16), (4, 9000), (0, 16380), (6, 0)] {
            let mut bad = bytes.clone();
            bad[k..k + 2].copy_from_slice(&v.to_le_bytes());
            assert_eq!(
                RidgeTexture::decode(&bad),
                Err(TextureError::Invalid),
                "{k} {v}"
            );
        }
        // A huge declared grid with few bytes is refused without allocating it.
        let mut huge = Vec::new();
        for v in [0u16, 0, 8188, 8188] {
            huge.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(RidgeTexture::decode(&huge), Err(TextureError::Truncated));
        let empty = RidgeTexture::default();
        let mut e = Vec::new();
        empty.encode_into(&mut e);
        assert_eq!(RidgeTexture::decode(&e), Ok((empty, HEADER)));
    }

    #[test]
    fn the_neighbourhood_reads_every_cell_up_to_the_box_edges() {
        // Boxes 40 to 72 cells wide (the widest crosses a 64-bit word), random cell bits and
        // blocks, each cell's neighbourhood against the bits read one by one.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for blocks in [10usize, 13, 16, 18] {
            let (cols, rows) = (blocks * CELLS_PER_BLOCK, (blocks + 1) * CELLS_PER_BLOCK);
            let stride = cols.div_ceil(8);
            let t = RidgeTexture {
                left: 4,
                top: 8,
                cols: cols as u16,
                rows: rows as u16,
                valid: (0..(blocks * (blocks + 1)).div_ceil(8))
                    .map(|_| next() as u8 | 0x81)
                    .collect(),
                sign: (0..stride * rows).map(|_| next() as u8).collect(),
            };
            let p = PreparedTexture::new(&t);
            let cell = |x: usize, y: usize| u32::from(t.sign[y * stride + x / 8] >> (x % 8) & 1);
            let block = |x: usize, y: usize| {
                let k = (y / CELLS_PER_BLOCK) * blocks + x / CELLS_PER_BLOCK;
                t.valid[k / 8] >> (k % 8) & 1 == 1
            };
            for y in 0..rows {
                for x in 0..cols {
                    let inside = (1..cols - 1).contains(&x) && (1..rows - 1).contains(&y);
                    let want = (inside && block(x, y)).then(|| {
                        (0..9).fold(0, |m, k| m | cell(x + k % 3 - 1, y + k / 3 - 1) << k)
                    });
                    assert_eq!(p.around(x as i32 + 4, y as i32 + 8), want, "{cols} {x} {y}");
                }
            }
        }
    }

    /// A texture of `bw` × `bh` blocks at block (`bx`, `by`) of its image: random cells, and
    /// random blocks without ridges (about one in `holes`).
    fn random_texture(
        rng: &mut StdRng,
        bx: u16,
        by: u16,
        bw: usize,
        bh: usize,
        holes: u32,
    ) -> RidgeTexture {
        let (cols, rows) = (bw * CELLS_PER_BLOCK, bh * CELLS_PER_BLOCK);
        RidgeTexture {
            left: bx * CELLS_PER_BLOCK as u16,
            top: by * CELLS_PER_BLOCK as u16,
            cols: cols as u16,
            rows: rows as u16,
            valid: (0..(bw * bh).div_ceil(8))
                .map(|_| {
                    (0..8).fold(0u8, |m, k| {
                        m | u8::from(rng.gen_ratio(holes - 1, holes)) << k
                    })
                })
                .collect(),
            sign: (0..cols.div_ceil(8) * rows).map(|_| rng.r#gen()).collect(),
        }
    }

    /// `n` pairs of random minutiae of A (`na` of them) and B (`nb`), repeats allowed.
    fn random_pairs(rng: &mut StdRng, n: usize, na: usize, nb: usize) -> Vec<(u16, u16, f32)> {
        (0..n)
            .map(|_| {
                (
                    rng.gen_range(0..na) as u16,
                    rng.gen_range(0..nb) as u16,
                    1.0,
                )
            })
            .collect()
    }

    /// A pixel coordinate over a box of `len` cells from cell `lo`, or up to 20 px beyond it.
    fn b_px(rng: &mut StdRng, lo: i32, len: i32) -> f32 {
        (lo * CELL as i32) as f32 + rng.gen_range(-20.0..(len * CELL as i32) as f32 + 20.0)
    }

    /// The AVX2 lattice kernel (where the CPU has it) gives `window_portable`'s counts, window
    /// by window, on random textures (boxes 40 to 136 cells wide, across one and two 64-bit
    /// words) and random rows: points on and around B's box, on its edges, far outside it,
    /// steps small and large, windows cut by A's box.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_windows_are_the_portable_ones() {
        if !avx2::available() {
            eprintln!("no AVX2 on this CPU: the texture kernel is not checked");
            return;
        }
        let mut rng = StdRng::seed_from_u64(11);
        let (mut windows, mut counted) = (0, 0u64);
        for (abw, bbw) in [
            (10usize, 16usize),
            (13, 10),
            (16, 17),
            (17, 18),
            (18, 32),
            (33, 34),
        ] {
            for holes in [2, 6, 1000] {
                let ta = random_texture(&mut rng, 1, 2, abw, abw + 3, holes);
                let tb = random_texture(&mut rng, 3, 0, bbw, bbw - 2, holes);
                let (a, b) = (PreparedTexture::new(&ta), PreparedTexture::new(&tb));
                let pair = avx2::Pair::new(&a, &b).expect("laid out as `new` does");

                for _ in 0..400 {
                    let win = WINDOW as i32;
                    let c0 = win * rng.gen_range(a.left / win..=(a.left + a.cols - 1) / win);
                    let r0 = win * rng.gen_range(a.top / win..=(a.top + a.rows - 1) / win);
                    let (cstart, cend) = (c0.max(a.left), (c0 + win).min(a.left + a.cols));
                    let (rstart, rend) = (r0.max(a.top), (r0 + win).min(a.top + a.rows));
                    let mut rows = Vec::new();
                    for r in (rstart..rend).step_by(LATTICE_ROWS) {
                        let (bx, by) = (
                            b_px(&mut rng, b.left, b.cols),
                            b_px(&mut rng, b.top, b.rows),
                        );
                        let angle: f32 = rng.gen_range(-3.2..3.2);
                        let len = if rng.gen_bool(0.8) {
                            STEP_PX
                        } else {
                            rng.gen_range(0.0..40.0)
                        };
                        let (q, s) = match rng.gen_range(0..6) {
                            // Far outside, either way (within what truncates to an i32).
                            0 => (
                                [rng.gen_range(-1e9..1e9), rng.gen_range(-1e9..1e9)],
                                [rng.gen_range(-1e6..1e6), rng.gen_range(-1e6..1e6)],
                            ),
                            // On cell edges (whole and half pixels).
                            1 => (
                                [(bx * 2.0).round() / 2.0, (by * 2.0).round() / 2.0],
                                [len.round(), 0.0],
                            ),
                            _ => ([bx, by], [len * angle.cos(), len * angle.sin()]),
                        };
                        rows.push(LatticeRow { r, q, s });
                    }
                    let want = window_portable(&a, &b, &rows, cstart, cend);
                    assert_eq!(
                        pair.window(&rows, cstart, cend),
                        want,
                        "{rows:?} {cstart} {cend}"
                    );
                    windows += 1;
                    counted += u64::from(want.2);
                }
            }
        }
        assert!(
            counted > windows * 4,
            "{counted} points in {windows} windows"
        );
    }

    /// The AVX2 lattice kernel (where the CPU has it) gives `window_portable`'s counts for
    /// windows starting at any column of A's box (every alignment to A's bytes and blocks)
    /// and ending anywhere up to 16 columns on, on rows anywhere in A's box, its last ones
    /// most often (A's reads from its row's first point then reach its padding), on boxes
    /// from one block to three 64-bit words wide.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_windows_at_any_column_and_row_are_the_portable_ones() {
        if !avx2::available() {
            eprintln!("no AVX2 on this CPU: the texture kernel is not checked");
            return;
        }
        let mut rng = StdRng::seed_from_u64(17);
        let (mut windows, mut counted) = (0u64, 0u64);
        let mut alignments = [0u64; 8];
        for (abw, abh) in [
            (1usize, 1usize),
            (2, 1),
            (3, 2),
            (10, 5),
            (16, 3),
            (17, 4),
            (33, 2),
            (48, 6),
        ] {
            for holes in [2, 1000] {
                let (bx, by) = (rng.gen_range(0..5), rng.gen_range(0..5));
                let ta = random_texture(&mut rng, bx, by, abw, abh, holes);
                let tb = random_texture(&mut rng, 0, 0, 24, 24, holes);
                let (a, b) = (PreparedTexture::new(&ta), PreparedTexture::new(&tb));
                let pair = avx2::Pair::new(&a, &b).expect("laid out as `new` does");
                for _ in 0..2000 {
                    let cstart = a.left + rng.gen_range(0..a.cols);
                    let cend = (cstart + rng.gen_range(1..=WINDOW as i32)).min(a.left + a.cols);
                    let rows: Vec<LatticeRow> = (0..rng.gen_range(1..=WINDOW_ROWS))
                        .map(|_| {
                            let r = if rng.gen_bool(0.5) {
                                a.top + a.rows - 1 - rng.gen_range(0..a.rows.min(4))
                            } else {
                                a.top + rng.gen_range(0..a.rows)
                            };
                            let angle: f32 = rng.gen_range(-3.2..3.2);
                            LatticeRow {
                                r,
                                q: [
                                    b_px(&mut rng, b.left, b.cols),
                                    b_px(&mut rng, b.top, b.rows),
                                ],
                                s: [STEP_PX * angle.cos(), STEP_PX * angle.sin()],
                            }
                        })
                        .collect();
                    let want = window_portable(&a, &b, &rows, cstart, cend);
                    assert_eq!(
                        pair.window(&rows, cstart, cend),
                        want,
                        "{rows:?} {cstart} {cend}"
                    );
                    windows += 1;
                    counted += u64::from(want.2);
                    alignments[((cstart - a.left) % 8) as usize] += u64::from(want.2);
                }
            }
        }
        assert!(
            counted > windows * 2,
            "{counted} points in {windows} windows"
        );
        assert!(alignments.iter().all(|&n| n > 1000), "{alignments:?}");
    }

    /// The AVX2 warp (where the CPU has it) is `warp_at`, bit for bit, at eight points at
    /// once: none to many residuals, residuals exactly at the reach and just within it, at
    /// window corners and anywhere, and on values no template holds (infinite, NaN, huge).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_warp_is_warp_at() {
        if !avx2::available() {
            eprintln!("no AVX2 on this CPU: the texture kernel is not checked");
            return;
        }
        let t = PreparedTexture::new(&random_texture(
            &mut StdRng::seed_from_u64(1),
            0,
            0,
            8,
            8,
            5,
        ));
        let pair = avx2::Pair::new(&t, &t).expect("laid out as `new` does");
        let mut rng = StdRng::seed_from_u64(13);
        let win_px = (WINDOW * CELL) as f32;
        let same = |u: f32, v: f32| u.to_bits() == v.to_bits() || (u.is_nan() && v.is_nan());
        let mut inside = 0u64;
        for n in [0usize, 1, 2, 3, 4, 7, 12, 25, 60, 200] {
            for round in 0..200 {
                let (mut x, mut y) = ([0.0f32; 8], [0.0f32; 8]);
                for (x, y) in x.iter_mut().zip(y.iter_mut()) {
                    (*x, *y) = if rng.gen_bool(0.7) {
                        (
                            rng.gen_range(-2..20) as f32 * win_px,
                            rng.gen_range(-2..20) as f32 * win_px,
                        )
                    } else {
                        (rng.gen_range(-100.0..700.0), rng.gen_range(-100.0..700.0))
                    };
                }
                let res: Vec<[f32; 4]> = (0..n)
                    .map(|_| {
                        let l = rng.gen_range(0..8);
                        let (ox, oy) = match rng.gen_range(0..8) {
                            0 => (WARP_REACH, 0.0),
                            1 => (0.0, -WARP_REACH),
                            2 => (-90.0, 120.0),
                            3 => (120.0, -90.0),
                            4 => (90.0, 119.99),
                            _ => (rng.gen_range(-200.0..200.0), rng.gen_range(-200.0..200.0)),
                        };
                        let d = if round % 50 == 49 {
                            // Values no template holds.
                            [f32::INFINITY, f32::NAN, -0.0, 1e38][rng.gen_range(0..4)]
                        } else {
                            rng.gen_range(-30.0..30.0)
                        };
                        [x[l] + ox, y[l] + oy, d, rng.gen_range(-30.0..30.0)]
                    })
                    .collect();
                let (dx, dy) = pair.warp(&res, x, y);
                for l in 0..8 {
                    let want = warp_at(&res, x[l], y[l]);
                    assert!(
                        same(dx[l], want[0]) && same(dy[l], want[1]),
                        "{n} {l} ({}, {}) {:?} vs {want:?}",
                        x[l],
                        y[l],
                        (dx[l], dy[l])
                    );
                    inside += u64::from(want != [0.0; 2]);
                }
            }
        }
        assert!(inside > 5_000, "{inside}");
    }

    /// The agreement with the AVX2 kernel (where the CPU has it) is the portable one, result
    /// and points, on random textures under random alignments (boxes across 64-bit words,
    /// A's box cut anywhere by B's), on textures the kernel declines, and on real prints.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_agreement_is_the_portable_one() {
        if !avx2::available() {
            eprintln!("no AVX2 on this CPU: the texture kernel is not checked");
            return;
        }
        let mut rng = StdRng::seed_from_u64(12);
        let (mut fast, mut portable) = (
            TextureScratch::default(),
            TextureScratch {
                portable: true,
                ..TextureScratch::default()
            },
        );
        let mut check = |a: &PreparedTexture,
                         b: &PreparedTexture,
                         pa: &[[f32; 3]],
                         pb: &[[f32; 3]],
                         pairs: &[(u16, u16, f32)]| {
            let f = agreement(a, b, pa, pb, pairs, &mut fast);
            let p = agreement(a, b, pa, pb, pairs, &mut portable);
            assert_eq!((f.0.to_bits(), f.1), (p.0.to_bits(), p.1), "{f:?} vs {p:?}");
            p.1
        };
        let mut points = 0u64;
        let mut textures: Vec<(PreparedTexture, Vec<[f32; 3]>)> = Vec::new();
        for (k, bw) in [10usize, 15, 16, 17, 24, 33].into_iter().enumerate() {
            let t = random_texture(&mut rng, k as u16, 1, bw, 34 - bw / 2, 5);
            let (x0, y0) = (
                f32::from(t.left) * CELL as f32,
                f32::from(t.top) * CELL as f32,
            );
            let (w, h) = (
                f32::from(t.cols) * CELL as f32,
                f32::from(t.rows) * CELL as f32,
            );
            let pts = (0..12)
                .map(|_| [x0 + rng.gen_range(0.0..w), y0 + rng.gen_range(0.0..h), 0.0])
                .collect();
            textures.push((PreparedTexture::new(&t), pts));
        }
        for (a, pa) in &textures {
            for (b, pb) in &textures {
                for _ in 0..30 {
                    // From the fewest pairs to many (indices repeat).
                    let n = if rng.gen_bool(0.5) {
                        rng.gen_range(MIN_PAIRS..=pa.len().min(pb.len()))
                    } else {
                        rng.gen_range(MIN_PAIRS..=60)
                    };
                    let pairs = random_pairs(&mut rng, n, pa.len(), pb.len());
                    points += u64::from(check(a, b, pa, pb, &pairs));
                    // B's points as A's, rotated and moved: one consistent alignment.
                    let (angle, dx, dy) = (
                        rng.gen_range(-0.6f32..0.6),
                        rng.gen_range(-60.0..60.0),
                        rng.gen_range(-60.0..60.0),
                    );
                    let (s, c) = angle.sin_cos();
                    let moved: Vec<[f32; 3]> = pa
                        .iter()
                        .map(|p| [c * p[0] - s * p[1] + dx, s * p[0] + c * p[1] + dy, 0.0])
                        .collect();
                    let same: Vec<(u16, u16, f32)> =
                        (0..pa.len() as u16).map(|i| (i, i, 1.0)).collect();
                    points += u64::from(check(a, b, pa, &moved, &same));
                }
            }
        }
        // Minutiae of A exactly at the warp's reach from window corners (150 px along an
        // axis, or (90, 120) px), and just within it, moved alike in B.
        let win_px = (WINDOW * CELL) as f32;
        for (a, pa) in &textures {
            for (b, _) in &textures {
                for _ in 0..10 {
                    let pts: Vec<[f32; 3]> = pa
                        .iter()
                        .map(|p| {
                            let (cx, cy) = (
                                (p[0] / win_px).round() * win_px,
                                (p[1] / win_px).round() * win_px,
                            );
                            let (ox, oy) = match rng.gen_range(0..5) {
                                0 => (WARP_REACH, 0.0),
                                1 => (0.0, -WARP_REACH),
                                2 => (-90.0, 120.0),
                                3 => (90.0, 119.99),
                                _ => (0.0, 0.0),
                            };
                            [cx + ox, cy + oy, 0.0]
                        })
                        .collect();
                    let (dx, dy) = (rng.gen_range(-9.0..9.0), rng.gen_range(-9.0..9.0));
                    let moved: Vec<[f32; 3]> = pts
                        .iter()
                        .map(|p| {
                            [
                                p[0] + dx + rng.gen_range(-6.0..6.0),
                                p[1] + dy + rng.gen_range(-6.0..6.0),
                                0.0,
                            ]
                        })
                        .collect();
                    let same: Vec<(u16, u16, f32)> =
                        (0..pts.len() as u16).map(|i| (i, i, 1.0)).collect();
                    points += u64::from(check(a, b, &pts, &moved, &same));
                }
            }
        }
        assert!(points > 100_000, "{points}");
        // A box not whole blocks (only a hand-made texture has one): the kernel declines it.
        let mut odd = random_texture(&mut rng, 1, 1, 12, 12, 5);
        odd.cols = 46;
        odd.sign = vec![0x5a; 6 * 48];
        let odd = PreparedTexture::new(&odd);
        assert!(avx2::Pair::new(&odd, &textures[0].0).is_none());
        check(
            &odd,
            &textures[0].0,
            &textures[0].1,
            &textures[0].1,
            &[(0, 0, 1.0), (1, 1, 1.0), (2, 2, 1.0)],
        );
        // Real prints, each against each under the pairs of random minutiae and under its own.
        let dir = super::super::test_support::fvc_dir("FVC2002_DB3_B");
        let prints: Vec<(PreparedTexture, Vec<[f32; 3]>)> = ["101_1", "101_2", "105_1", "109_1"]
            .iter()
            .map(|n| {
                let bytes = std::fs::read(dir.join(format!("{n}.tif"))).expect("FVC image");
                let t = super::super::extract(&bytes, 500).expect("usable").template;
                let pts = t
                    .minutiae
                    .iter()
                    .map(|m| [f32::from(m.x), f32::from(m.y), 0.0])
                    .collect();
                (PreparedTexture::new(&t.texture), pts)
            })
            .collect();
        let mut real = 0u64;
        for (a, pa) in &prints {
            for (b, pb) in &prints {
                let same: Vec<(u16, u16, f32)> = (0..pa.len().min(pb.len()) as u16)
                    .map(|i| (i, i, 1.0))
                    .collect();
                real += u64::from(check(a, b, pa, pb, &same));
                for _ in 0..20 {
                    let n = rng.gen_range(3..12);
                    let pairs = random_pairs(&mut rng, n, pa.len(), pb.len());
                    real += u64::from(check(a, b, pa, pb, &pairs));
                }
            }
        }
        assert!(real > 10_000, "{real}");
    }

    #[test]
    fn a_mask_without_ridges_gives_no_texture() {
        let g = rings(64, 64, 30.0, 30.0);
        let none = BlockMap {
            bw: 8,
            bh: 8,
            data: vec![false; 64],
        };
        assert!(RidgeTexture::from_enhanced(&g, &none).is_empty());
        assert!(PreparedTexture::new(&RidgeTexture::from_enhanced(&g, &none)).is_empty());
    }
}
