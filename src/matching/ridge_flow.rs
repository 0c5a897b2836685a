//! Ridge flow: the print's ridge orientation on a coarse grid of [`CELL`] px cells (500 ppi),
//! quantised to [`LEVELS`] directions, stored in the template next to the minutiae. Two prints
//! aligned on their minutiae must also agree on the ridge flow wherever they overlap; the
//! matcher uses that when the minutiae alone are too few to tell (small or wet prints).
//!
//! Owns the grid, its 4-bit packing, its cores (singular points, an alignment that does not
//! depend on the minutiae) and the agreement of two grids under an alignment (whose loop also
//! runs as an AVX2 kernel under a rigid map where the CPU has it: `ridge_flow_avx2.rs`, the
//! same bits). Must not extract orientation (that is `orientation`'s job) or choose the
//! alignments to check (the matcher's).

use std::f32::consts::PI;

use super::orientation::OrientationField;
use super::segmentation::{BLOCK, BlockMap};

/// Cell size in pixels at 500 ppi.
pub const CELL: usize = 16;
/// Orientation levels over [0, π); a cell holds 1..=LEVELS, 0 = no ridges there.
pub const LEVELS: u8 = 15;
/// Blocks per cell side.
const BLOCKS_PER_CELL: usize = CELL / BLOCK;
/// Encoded bytes before the cells: left, top, cols, rows.
const HEADER: usize = 4;
const _: () = assert!(BLOCKS_PER_CELL * BLOCK == CELL);

/// Coarse ridge orientation grid of one print, cropped to the cells that hold ridges.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct RidgeFlow {
    /// Column of the grid's first cell in the image (in cells).
    pub left: u8,
    /// Row of the grid's first cell in the image (in cells).
    pub top: u8,
    /// Cells per row.
    pub cols: u8,
    /// Cells per column.
    pub rows: u8,
    /// Row-major cells, `cols · rows` long: 0 = background, 1..=LEVELS orientation level.
    pub cells: Vec<u8>,
}

/// Why packed ridge-flow bytes could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    /// The bytes end before the declared grid.
    #[error("ridge flow truncated")]
    Truncated,
    /// A cell holds an impossible level, or the padding nibble is not zero.
    #[error("invalid ridge flow cell")]
    Invalid,
}

/// Centre angle in [0, π) of orientation level `level` (1..=LEVELS).
pub fn level_angle(level: u8) -> f32 {
    (f32::from(level.saturating_sub(1)) + 0.5) * PI / f32::from(LEVELS)
}

/// Orientation level (1..=LEVELS) of a ridge direction `theta` in [0, π).
pub fn level_of(theta: f32) -> u8 {
    ((theta / PI * f32::from(LEVELS)) as u8).min(LEVELS - 1) + 1
}

impl RidgeFlow {
    /// The grid of an image's orientation field, keeping cells whose blocks are mostly
    /// foreground, cropped to the box around them (which starts within 255 cells of the image's
    /// top left corner and spans at most 255 × 255 cells, 4,080 px: far beyond any finger).
    pub fn from_field(orient: &OrientationField, mask: &BlockMap<bool>) -> Self {
        // Cells past 510 could never be kept (start ≤ 255, span ≤ 255).
        let cols = orient.theta.bw.div_ceil(BLOCKS_PER_CELL).min(510);
        let rows = orient.theta.bh.div_ceil(BLOCKS_PER_CELL).min(510);
        let mut full = Vec::with_capacity(cols * rows);
        for cy in 0..rows {
            for cx in 0..cols {
                let (mut sc, mut ss, mut fg) = (0.0f32, 0.0f32, 0usize);
                for dy in 0..BLOCKS_PER_CELL {
                    for dx in 0..BLOCKS_PER_CELL {
                        let (bx, by) = (
                            (cx * BLOCKS_PER_CELL + dx) as isize,
                            (cy * BLOCKS_PER_CELL + dy) as isize,
                        );
                        if !mask.get(bx, by) {
                            continue;
                        }
                        let (t, c) = (orient.theta.get(bx, by), orient.coherence.get(bx, by));
                        let (s2, c2) = (2.0 * t).sin_cos();
                        sc += c * c2;
                        ss += c * s2;
                        fg += 1;
                    }
                }
                let level = if 2 * fg >= BLOCKS_PER_CELL * BLOCKS_PER_CELL && sc.hypot(ss) > 1e-6 {
                    let t = (0.5 * ss.atan2(sc)).rem_euclid(PI);
                    level_of(t)
                } else {
                    0
                };
                full.push(level);
            }
        }
        // The box around the foreground cells.
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        for (k, _) in full.iter().enumerate().filter(|c| *c.1 != 0) {
            let (cx, cy) = (k % cols, k / cols);
            (x0, y0, x1, y1) = (x0.min(cx), y0.min(cy), x1.max(cx + 1), y1.max(cy + 1));
        }
        if x0 >= x1 || y0 >= y1 {
            return Self::default();
        }
        let (left, top) = (x0.min(255), y0.min(255));
        let (w, h) = ((x1 - left).min(255), (y1 - top).min(255));
        let mut cells = Vec::with_capacity(w * h);
        for row in full.chunks_exact(cols).skip(top).take(h) {
            cells.extend(row.iter().skip(left).take(w));
        }
        Self {
            left: left as u8,
            top: top as u8,
            cols: w as u8,
            rows: h as u8,
            cells,
        }
    }

    /// Bytes of [`RidgeFlow::encode_into`]: the four-byte box and two cells per byte.
    pub fn encoded_len(&self) -> usize {
        HEADER + self.cells.len().div_ceil(2)
    }

    /// Appends the packed grid: left, top, cols, rows, then cells two per byte (low nibble
    /// first).
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.push(self.left);
        out.push(self.top);
        out.push(self.cols);
        out.push(self.rows);
        for pair in self.cells.chunks(2) {
            let lo = pair.first().copied().unwrap_or(0) & 0x0f;
            let hi = pair.get(1).copied().unwrap_or(0) & 0x0f;
            out.push(lo | (hi << 4));
        }
    }

    /// Reads a packed grid from the start of `bytes`; returns it and the bytes used.
    pub fn decode(bytes: &[u8]) -> Result<(Self, usize), FlowError> {
        let [left, top, cols, rows] = *bytes.first_chunk::<HEADER>().ok_or(FlowError::Truncated)?;
        let n = usize::from(cols) * usize::from(rows);
        let packed = bytes
            .get(HEADER..HEADER + n.div_ceil(2))
            .ok_or(FlowError::Truncated)?;
        let mut cells = Vec::with_capacity(n);
        for &b in packed {
            cells.push(b & 0x0f);
            cells.push(b >> 4);
        }
        // An odd count leaves a padding nibble, which must be zero.
        if cells.len() > n && cells.pop() != Some(0) {
            return Err(FlowError::Invalid);
        }
        if cells.iter().any(|&c| c > LEVELS) {
            return Err(FlowError::Invalid);
        }
        let grid = Self {
            left,
            top,
            cols,
            rows,
            cells,
        };
        Ok((grid, HEADER + packed.len()))
    }

    /// Level of the cell containing pixel (`x`, `y`), 0 outside the grid or on background.
    #[inline]
    pub fn at(&self, x: f32, y: f32) -> u8 {
        if x < 0.0 || y < 0.0 {
            return 0;
        }
        let (cx, cy) = ((x / CELL as f32) as usize, (y / CELL as f32) as usize);
        let (Some(cx), Some(cy)) = (
            cx.checked_sub(usize::from(self.left)),
            cy.checked_sub(usize::from(self.top)),
        ) else {
            return 0;
        };
        if cx >= usize::from(self.cols) || cy >= usize::from(self.rows) {
            return 0;
        }
        self.cells
            .get(cy * usize::from(self.cols) + cx)
            .copied()
            .unwrap_or(0)
    }
}

/// Most cores reported per print (a whorl has two; more are noise).
const MAX_CORES: usize = 2;
/// Poincaré sum (radians) over the ring of eight cells above which the centre cell holds a
/// core (an ideal core gives π; a delta −π, an ordinary flow 0).
const CORE_INDEX: f32 = 0.75 * PI;

/// The ring of eight cells around a cell, in order of increasing angle φ (image axes).
const RING: [(isize, isize); 8] = [
    (-1, -1),
    (0, -1),
    (1, -1),
    (1, 0),
    (1, 1),
    (0, 1),
    (-1, 1),
    (-1, 0),
];

/// The cores of a grid: cells whose Poincaré index over the ring of their eight neighbours
/// (all foreground) is +½, adjacent ones merged, at most [`MAX_CORES`] in raster order. Each is
/// (x, y, β): the position in 500 ppi pixels and the pattern's turn β, where the doubled ridge
/// angle around the core follows 2θ ≈ φ + β; turning the print by ρ turns β by ρ, so two
/// cores give the rotation between two prints (and their positions the translation).
pub fn cores(grid: &RidgeFlow) -> Vec<[f32; 3]> {
    let (cols, rows) = (usize::from(grid.cols), usize::from(grid.rows));
    let at = |c: isize, r: isize| -> u8 {
        if c < 0 || r < 0 || c as usize >= cols || r as usize >= rows {
            return 0;
        }
        grid.cells
            .get(r as usize * cols + c as usize)
            .copied()
            .unwrap_or(0)
    };
    // (sum x, sum y, sum cos β, sum sin β, cells) per merged core.
    let mut found: Vec<(f32, f32, f32, f32, u32)> = Vec::new();
    for r in 1..rows.saturating_sub(1) as isize {
        for c in 1..cols.saturating_sub(1) as isize {
            if at(c, r) == 0 {
                continue;
            }
            let levels = RING.map(|(dx, dy)| at(c + dx, r + dy));
            if levels.contains(&0) {
                continue;
            }
            let theta = levels.map(level_angle);
            let mut index = 0.0;
            for k in 0..RING.len() {
                let mut d = theta[(k + 1) % RING.len()] - theta[k];
                if d > PI / 2.0 {
                    d -= PI;
                } else if d <= -PI / 2.0 {
                    d += PI;
                }
                index += d;
            }
            if index < CORE_INDEX {
                continue;
            }
            let (mut bx, mut by) = (0.0f32, 0.0f32);
            for (&(dx, dy), &t) in RING.iter().zip(&theta) {
                let beta = 2.0 * t - (dy as f32).atan2(dx as f32);
                bx += beta.cos();
                by += beta.sin();
            }
            let x = (f32::from(grid.left) + c as f32 + 0.5) * CELL as f32;
            let y = (f32::from(grid.top) + r as f32 + 0.5) * CELL as f32;
            let near = |f: &&mut (f32, f32, f32, f32, u32)| {
                let n = f.4 as f32;
                (f.0 / n - x).hypot(f.1 / n - y) < 1.6 * CELL as f32
            };
            if let Some(f) = found.iter_mut().find(near) {
                *f = (f.0 + x, f.1 + y, f.2 + bx, f.3 + by, f.4 + 1);
            } else {
                found.push((x, y, bx, by, 1));
            }
        }
    }
    found.truncate(MAX_CORES);
    found
        .into_iter()
        .map(|(x, y, bx, by, n)| [x / n as f32, y / n as f32, by.atan2(bx)])
        .collect()
}

/// One cell in this many (a diagonal lattice) is mapped onto the other print: the flow is
/// smooth, and every fourth cell gave the FVC EER phase means of all of them (within 0.05
/// point, docs/matching.md) at a quarter of the cost.
const SAMPLE_EVERY: usize = 4;

/// A print's flow prepared for matching: the doubled-angle vector of every [`SAMPLE_EVERY`]th
/// foreground cell (the side mapped onto the other print), plus the whole grid (the side
/// looked up).
#[derive(Clone, Debug, Default)]
pub struct PreparedFlow {
    /// (x, y, cos 2θ, sin 2θ) per sampled foreground cell.
    pub cells: Vec<[f32; 4]>,
    /// The grid itself.
    pub grid: RidgeFlow,
}

/// Cosine and sine of twice each level's angle, index = level (0 = background: zeros).
fn doubled_table() -> &'static [[f32; 2]; TABLE_LEN] {
    static TABLE: std::sync::OnceLock<[[f32; 2]; TABLE_LEN]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [[0.0; 2]; TABLE_LEN];
        for (level, slot) in t.iter_mut().enumerate().skip(1) {
            let (s, c) = (2.0 * level_angle(level as u8)).sin_cos();
            *slot = [c, s];
        }
        t
    })
}

/// Entries of the level tables: every 4-bit value, so a nibble indexes them without a check.
const TABLE_LEN: usize = 16;
const _: () = assert!(LEVELS as usize + 1 == TABLE_LEN);

impl PreparedFlow {
    /// Prepares a grid.
    pub fn new(grid: &RidgeFlow) -> Self {
        let table = doubled_table();
        let mut cells = Vec::new();
        for (k, &level) in grid.cells.iter().enumerate() {
            if level == 0 || grid.cols == 0 {
                continue;
            }
            let cx = k % usize::from(grid.cols) + usize::from(grid.left);
            let cy = k / usize::from(grid.cols) + usize::from(grid.top);
            if (cx + cy) % SAMPLE_EVERY != 0 {
                continue;
            }
            let [c, s] = table[usize::from(level) % TABLE_LEN];
            cells.push([
                (cx as f32 + 0.5) * CELL as f32,
                (cy as f32 + 0.5) * CELL as f32,
                c,
                s,
            ]);
        }
        Self {
            cells,
            grid: grid.clone(),
        }
    }
}

/// Weight of the flow agreement in the score: a pair whose flows agree perfectly keeps its
/// minutiae score, one whose flows are unrelated (mean cos 2Δθ = 0) keeps e⁻² of it.
const FLOW_WEIGHT: f32 = 2.0;
/// Overlapping cells (≈ 16 mm² at 40) from which the agreement counts in full; fewer count
/// proportionally less.
const FULL_OVERLAP_CELLS: f32 = 40.0;

/// Factor for a pair where either print has no flow (version 1 templates, ISO imports): the
/// ratio of the calibrated thresholds with and without the flow at FMR 1e-3 … 1e-5 (0.73 –
/// 0.77, `huella eval calibrate` on the development sets), so that one calibration table
/// serves both kinds of comparison in the tail that thresholds are set in.
pub const NO_FLOW_FACTOR: f32 = 0.75;

/// A rigid map of A's pixels into B's: A's point `pa` onto B's `pb`, turned by the angle
/// whose sine and cosine are `rs` and `rc` (the matcher's alignments; its `seed_map` is this
/// map).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rigid {
    /// A's point (x, y) that lands on `pb`.
    pub pa: [f32; 2],
    /// B's point (x, y) it lands on.
    pub pb: [f32; 2],
    /// Sine of the rotation.
    pub rs: f32,
    /// Cosine of the rotation.
    pub rc: f32,
}

impl Rigid {
    /// A's pixel (`x`, `y`) in B: (pb.x + dx · rc) − dy · rs, (pb.y + dx · rs) + dy · rc with
    /// (dx, dy) = (x, y) − pa. The vector kernels repeat these f32 operations in this order.
    #[inline]
    pub fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let (dx, dy) = (x - self.pa[0], y - self.pa[1]);
        (
            self.pb[0] + dx * self.rc - dy * self.rs,
            self.pb[1] + dx * self.rs + dy * self.rc,
        )
    }
}

/// The factor in (0, 1] that scales the minutiae score of an alignment by how well the two
/// prints' ridge flows agree under it: exp(FLOW_WEIGHT · (w · c − 1)), c the mean cos 2Δθ
/// over the overlapping cells and w = min(1, cells / FULL_OVERLAP_CELLS); [`NO_FLOW_FACTOR`]
/// when either print has no flow.
pub fn factor(
    a: &PreparedFlow,
    b: &PreparedFlow,
    rot: f32,
    map: impl Fn(f32, f32) -> (f32, f32),
) -> f32 {
    if a.cells.is_empty() || b.cells.is_empty() {
        return NO_FLOW_FACTOR;
    }
    factor_of(agreement(a, b, rot, map))
}

/// [`factor`] under the rigid map `rigid` (rotation `rot`): the same bits, with the AVX2
/// kernel where the CPU has it unless `portable` (see `ridge_flow_avx2.rs`). Not inlined: one
/// function in profiles, as [`factor`] is.
#[inline(never)]
pub fn factor_rigid(
    a: &PreparedFlow,
    b: &PreparedFlow,
    rot: f32,
    rigid: Rigid,
    portable: bool,
) -> f32 {
    if a.cells.is_empty() || b.cells.is_empty() {
        return NO_FLOW_FACTOR;
    }
    factor_of(agreement_rigid(a, b, rot, rigid, portable))
}

/// The factor of an agreement (cells, mean cos 2Δθ): see [`factor`].
fn factor_of((n, c): (usize, f32)) -> f32 {
    let w = (n as f32 * SAMPLE_EVERY as f32 / FULL_OVERLAP_CELLS).min(1.0);
    (FLOW_WEIGHT * (w * c - 1.0)).exp().min(1.0)
}

/// Agreement of A's flow mapped onto B by `map` (rotation `rot`): the number of A's sampled
/// cells that land on a foreground cell of B, and the mean cos 2Δθ over them (1 = same flow,
/// 0 = crossing at 45° on average, −1 = perpendicular).
pub fn agreement(
    a: &PreparedFlow,
    b: &PreparedFlow,
    rot: f32,
    map: impl Fn(f32, f32) -> (f32, f32),
) -> (usize, f32) {
    mean(accumulate(&a.cells, &b.grid, &turned(rot), map, (0, 0.0)))
}

/// [`agreement`] under the rigid map `rigid`: the same bits, computed by the AVX2 kernel
/// where the CPU has it unless `portable` (see `ridge_flow_avx2.rs`).
pub fn agreement_rigid(
    a: &PreparedFlow,
    b: &PreparedFlow,
    rot: f32,
    rigid: Rigid,
    portable: bool,
) -> (usize, f32) {
    let table = turned(rot);
    #[cfg(target_arch = "x86_64")]
    if !portable && let Some(sums) = avx2::agreement(a, b, &table, rigid) {
        return mean(sums);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = portable;
    let map = |x, y| rigid.apply(x, y);
    mean(accumulate(&a.cells, &b.grid, &table, map, (0, 0.0)))
}

/// B's doubled-angle table turned back by the rotation `rot`: cos 2Δθ is then one dot product
/// per cell, and background (level 0) contributes zeros.
fn turned(rot: f32) -> [[f32; 2]; TABLE_LEN] {
    let (s2, c2) = (2.0 * rot).sin_cos();
    let mut turned = *doubled_table();
    for v in turned.iter_mut() {
        *v = [v[0] * c2 + v[1] * s2, v[1] * c2 - v[0] * s2];
    }
    turned
}

/// The mean of the sums (cells, sum of cos 2Δθ): (cells, sum / cells), 0 without cells.
fn mean((n, sum): (usize, f32)) -> (usize, f32) {
    (n, if n == 0 { 0.0 } else { sum / n as f32 })
}

/// The sums of the agreement (cells on B's foreground, sum of cos 2Δθ) continued from `sums`
/// over `cells` of A mapped into `grid` by `map`, one cell after the other (the order of the
/// f32 sum is part of the result). The portable loop, and the AVX2 kernel's tail.
#[inline]
fn accumulate(
    cells: &[[f32; 4]],
    grid: &RidgeFlow,
    turned: &[[f32; 2]; TABLE_LEN],
    map: impl Fn(f32, f32) -> (f32, f32),
    (mut n, mut sum): (usize, f32),
) -> (usize, f32) {
    let (cols, rows) = (i32::from(grid.cols), i32::from(grid.rows));
    let (left, top) = (i32::from(grid.left), i32::from(grid.top));
    let inv = 1.0 / CELL as f32;
    // Cells outside B (about half) read level 0 through a conditional index, not a skip. A
    // cell index far out (the cast saturates) wraps when the box's corner is subtracted: it
    // stays outside the box (at most 255 cells wide).
    for &[x, y, c, s] in cells {
        let (u, v) = map(x, y);
        let cx = ((u * inv).floor() as i32).wrapping_sub(left);
        let cy = ((v * inv).floor() as i32).wrapping_sub(top);
        let inside = (0..cols).contains(&cx) & (0..rows).contains(&cy);
        let k = if inside {
            (cy * cols + cx) as usize
        } else {
            usize::MAX
        };
        let level = grid.cells.get(k).copied().unwrap_or(0);
        let [bc, bs] = turned[usize::from(level) % TABLE_LEN];
        sum += c * bc + s * bs;
        n += usize::from(level != 0);
    }
    (n, sum)
}

#[cfg(target_arch = "x86_64")]
#[path = "ridge_flow_avx2.rs"]
mod avx2;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn packing_roundtrips(g in super::super::test_support::arb_flow()) {
            let mut out = Vec::new();
            g.encode_into(&mut out);
            prop_assert_eq!(out.len(), g.encoded_len());
            prop_assert_eq!(RidgeFlow::decode(&out), Ok((g, out.len())));
        }

        #[test]
        fn decoding_garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            if let Ok((g, used)) = RidgeFlow::decode(&bytes) {
                prop_assert!(used <= bytes.len());
                prop_assert_eq!(g.cells.len(), usize::from(g.cols) * usize::from(g.rows));
            }
        }
    }

    /// A 20 × 20 cell grid of an ideal core at cell (10, 9) whose pattern is turned by `beta`
    /// (2θ = φ + β), with its grid origin at cell (3, 2).
    fn core_grid(beta: f32) -> RidgeFlow {
        let (cols, rows) = (20u8, 20u8);
        let mut cells = Vec::new();
        for r in 0..rows {
            for c in 0..cols {
                let (dx, dy) = (f32::from(c) - 10.0, f32::from(r) - 9.0);
                let theta = if dx == 0.0 && dy == 0.0 {
                    0.0
                } else {
                    (dy.atan2(dx) + beta) / 2.0
                };
                cells.push(level_of(theta.rem_euclid(PI)));
            }
        }
        RidgeFlow {
            left: 3,
            top: 2,
            cols,
            rows,
            cells,
        }
    }

    #[test]
    fn a_core_is_found_with_its_position_and_turn() {
        for beta in [0.0f32, 1.0, -2.0, 3.0] {
            let found = cores(&core_grid(beta));
            assert_eq!(found.len(), 1, "β {beta}: {found:?}");
            let [x, y, b] = found[0];
            assert!((x - 13.5 * CELL as f32).abs() <= CELL as f32, "x {x}");
            assert!((y - 11.5 * CELL as f32).abs() <= CELL as f32, "y {y}");
            let err = (b - beta).rem_euclid(2.0 * PI);
            assert!(err.min(2.0 * PI - err) < 0.25, "β {beta} found {b}");
        }
    }

    #[test]
    fn a_plain_flow_has_no_core_and_bad_grids_do_not_panic() {
        let plain = RidgeFlow {
            left: 0,
            top: 0,
            cols: 10,
            rows: 10,
            cells: vec![4; 100],
        };
        assert!(cores(&plain).is_empty());
        assert!(cores(&RidgeFlow::default()).is_empty());
        // Fewer cells than the declared size: missing cells read as background.
        let short = RidgeFlow {
            cells: vec![4; 7],
            ..plain
        };
        assert!(cores(&short).is_empty());
    }

    #[test]
    fn a_level_above_the_range_is_rejected() {
        assert_eq!(RidgeFlow::decode(&[0, 0, 1, 1, 0x0f]).map(|g| g.1), Ok(5));
        assert_eq!(RidgeFlow::decode(&[3, 4, 2, 1, 0x1f]).map(|g| g.1), Ok(5));
        // Padding nibble of an odd count must be zero; level 0 is background.
        assert_eq!(
            RidgeFlow::decode(&[0, 0, 1, 1, 0x10]),
            Err(FlowError::Invalid)
        );
        assert_eq!(RidgeFlow::decode(&[0, 0, 1, 1]), Err(FlowError::Truncated));
        assert_eq!(RidgeFlow::decode(&[0, 0, 1]), Err(FlowError::Truncated));
    }

    #[test]
    fn the_grid_is_cropped_to_the_print() {
        let (bw, bh) = (10, 10);
        let mut mask = BlockMap::new(bw, bh, false);
        for by in 2..6 {
            for bx in 4..8 {
                mask.set(bx, by, true);
            }
        }
        let orient = OrientationField {
            theta: BlockMap::new(bw, bh, 0.3),
            coherence: BlockMap::new(bw, bh, 1.0),
        };
        let g = RidgeFlow::from_field(&orient, &mask);
        assert_eq!((g.left, g.top, g.cols, g.rows), (2, 1, 2, 2));
        assert_eq!(g.cells, vec![2; 4]);
        // Lookups are in image pixels, wherever the box starts.
        assert_eq!(g.at(2.0 * 16.0 + 1.0, 16.0 + 1.0), 2);
        assert_eq!(g.at(4.0 * 16.0 - 1.0, 3.0 * 16.0 - 1.0), 2);
        assert_eq!(g.at(1.0, 1.0), 0);
        assert_eq!(g.at(4.0 * 16.0 + 1.0, 20.0), 0);
        // No foreground at all: an empty grid.
        let none = RidgeFlow::from_field(&orient, &BlockMap::new(bw, bh, false));
        assert_eq!(none, RidgeFlow::default());
    }

    #[test]
    fn same_flow_agrees_and_crossed_flow_does_not() {
        let grid = |level: u8| RidgeFlow {
            left: 0,
            top: 0,
            cols: 10,
            rows: 10,
            cells: vec![level; 100],
        };
        let horizontal = PreparedFlow::new(&grid(1));
        let same = agreement(&horizontal, &horizontal, 0.0, |x, y| (x, y));
        assert!(same.1 > 0.99, "{same:?}");
        let vertical = PreparedFlow::new(&grid(1 + LEVELS / 2));
        let crossed = agreement(&horizontal, &vertical, 0.0, |x, y| (x, y));
        assert!(crossed.1 < -0.9, "{crossed:?}");
        // Rotating the horizontal flow by 90° makes it agree with the vertical one.
        let turned = agreement(&horizontal, &vertical, PI / 2.0, |x, y| (x, y));
        assert!(turned.1 > 0.9, "{turned:?}");
        // Shifted half out of the grid: the sampled cells of the left half overlap.
        assert_eq!(same.0, horizontal.cells.len());
        let shifted = agreement(&horizontal, &horizontal, 0.0, |x, y| (x + 80.0, y));
        let staying = horizontal
            .cells
            .iter()
            .filter(|c| c[0] + 80.0 < 160.0)
            .count();
        assert!(staying > 0 && staying < same.0);
        assert_eq!(shifted.0, staying);
    }
}
