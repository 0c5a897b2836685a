//! 1:1 comparison: Minutia Cylinder-Code local structures (bit version, after Cappelli,
//! Ferrara & Maltoni, "Minutia Cylinder-Code", IEEE TPAMI 2010) give rotation- and
//! translation-invariant local similarities; a seeded alignment consolidation (each of the best
//! local pairs aligns the prints, pairs that agree within a distortion-tolerant radius are
//! counted, normalised by the minutiae expected in the overlap) gives the global score.
//!
//! Owns template preparation (cylinders) and the similarity score. Must not extract features,
//! calibrate (see `calibration`) or manage galleries.

use std::f32::consts::{PI, TAU};

use super::template::Template;

/// Cylinder radius in pixels at 500 ppi (≈ 3.6 mm).
pub const RADIUS: f32 = 70.0;
/// Spatial cells per cylinder side.
pub const NS: usize = 8;
/// Directional cells.
pub const ND: usize = 6;
const BITS: usize = NS * NS * ND;
/// 64-bit words per cylinder bit vector.
pub const WORDS: usize = BITS / 64;
const DELTA_S: f32 = 2.0 * RADIUS / NS as f32;
const DELTA_D: f32 = TAU / ND as f32;
const SIGMA_S: f32 = 0.6 * DELTA_S;
const SIGMA_D: f32 = 2.0 * PI / 9.0;
/// Cell activation threshold on the (unnormalised, peak 1) contribution sum.
const MU_BIT: f32 = 0.4;
/// Margin around the convex hull of the minutiae inside which cells are valid (pixels).
const OMEGA: f32 = 40.0;
/// Largest rotation between two impressions considered (radians).
const MAX_ROTATION: f32 = PI / 2.0;
/// Local similarity below which a minutia pair is not considered at all.
const MIN_LOCAL: f32 = 0.2;
/// Seeds tried by the alignment consolidation.
const SEEDS: usize = 8;
/// Best local pairs from which the seeds are chosen (one-to-one, greedily).
const SEED_POOL: usize = 4 * SEEDS;
/// Seeds whose local similarity is below this fraction of the best seed's are not tried.
const SEED_RATIO: f32 = 0.6;
/// Position tolerance near the seed (pixels).
const DIST_TOL: f32 = 10.0;
/// Extra position tolerance per pixel of distance from the seed (elastic distortion).
const DIST_TOL_SLOPE: f32 = 0.08;
/// Largest position tolerance (pixels).
const DIST_TOL_MAX: f32 = 24.0;
/// Direction tolerance after alignment (radians).
const ANGLE_TOL: f32 = PI / 9.0;
/// Margin when deciding whether a minutia lies inside the other print's area (pixels).
const OVERLAP_MARGIN: f32 = 8.0;
/// Floor on the overlap minutiae counts used for normalisation.
const MIN_OVERLAP: f32 = 10.0;
/// Minimum fraction of a cylinder's in-circle cells that must be valid.
const MIN_VALID_FRACTION: f32 = 0.6;
/// Minimum number of common valid spatial cells for two cylinders to be comparable.
const MIN_COMMON_CELLS: u32 = 15;

/// One minutia cylinder: one 64-bit word of spatial cells per direction layer, plus the
/// spatial validity mask (the same for every layer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cylinder {
    /// Activated cells, word `k` = direction layer `k`, bit `j * NS + i` = spatial cell.
    pub bits: [u64; WORDS],
    /// Valid spatial cells.
    pub valid: u64,
}

const _: () = assert!(NS * NS == 64 && WORDS == ND, "one word per direction layer");

/// Popcount of several words. With the `popcnt` instruction available (e.g. `-C
/// target-cpu=x86-64-v2`, see `.cargo/config.toml`) this is one instruction per word;
/// otherwise a SWAR count with one horizontal sum.
#[inline(always)]
fn popcount_sum(words: [u64; WORDS]) -> u32 {
    if cfg!(target_feature = "popcnt") {
        return words.iter().map(|w| w.count_ones()).sum();
    }
    const M1: u64 = 0x5555_5555_5555_5555;
    const M2: u64 = 0x3333_3333_3333_3333;
    const M4: u64 = 0x0f0f_0f0f_0f0f_0f0f;
    let mut acc = 0u64;
    for x in words {
        let x = x - ((x >> 1) & M1);
        let x = (x & M2) + ((x >> 2) & M2);
        acc += (x + (x >> 4)) & M4;
    }
    (acc.wrapping_mul(0x0101_0101_0101_0101) >> 56) as u32
}

/// Popcount of one word (SWAR without the `popcnt` instruction).
#[inline(always)]
fn popcount(x: u64) -> u32 {
    if cfg!(target_feature = "popcnt") {
        return x.count_ones();
    }
    let mut w = [0u64; WORDS];
    w[0] = x;
    popcount_sum(w)
}

/// A template prepared for fast repeated comparison.
#[derive(Clone, Debug, Default)]
pub struct Prepared {
    /// Position and direction (x, y, angle) of minutiae with a valid cylinder.
    pub points: Vec<[f32; 3]>,
    /// Unit direction vectors (cos, sin), parallel to `points`.
    pub dirs: Vec<[f32; 2]>,
    /// Cylinders, parallel to `points`.
    pub cylinders: Vec<Cylinder>,
    /// Minutiae reliability 0–1, parallel to `points`.
    pub reliability: Vec<f32>,
    /// Convex hull of all minutiae (the area where minutiae could be observed).
    pub hull: Vec<(f32, f32)>,
    /// The hull (plus margin) rasterised on a coarse grid for O(1) inside tests.
    pub area: AreaGrid,
    /// Indices of `points` sorted by y, for range queries during alignment.
    pub by_y: Vec<u16>,
    /// The y coordinates in `by_y` order.
    pub ys: Vec<f32>,
    /// For each 8-pixel band of y, the first position in `ys` at or below it.
    pub y_start: Vec<u16>,
    /// Directions (radians, `[0, 2π)`, ascending), parallel to `points`.
    pub angles: Vec<f32>,
}

impl Prepared {
    /// Index range of `ys` that may hold values ≥ `y` (a superset starting at most one band early).
    #[inline]
    fn y_from(&self, y: f32) -> usize {
        let k = (y * (1.0 / Y_BUCKET)).clamp(0.0, (self.y_start.len().max(1) - 1) as f32) as u32;
        self.y_start.get(k as usize).map_or(0, |&v| usize::from(v))
    }
}

/// Coarse occupancy grid of a print's observed area.
#[derive(Clone, Debug, Default)]
pub struct AreaGrid {
    x0: f32,
    y0: f32,
    cols: usize,
    rows: usize,
    /// Row-major cell bits.
    cells: Vec<u64>,
}

/// Side of one area-grid cell in pixels.
const AREA_CELL: f32 = 8.0;

impl AreaGrid {
    fn new(hull: &[(f32, f32)], margin: f32) -> Self {
        if hull.is_empty() {
            return Self::default();
        }
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for &(x, y) in hull {
            x0 = x0.min(x - margin);
            y0 = y0.min(y - margin);
            x1 = x1.max(x + margin);
            y1 = y1.max(y + margin);
        }
        let cols = (((x1 - x0) / AREA_CELL).ceil() as usize + 1).min(4096);
        let rows = (((y1 - y0) / AREA_CELL).ceil() as usize + 1).min(4096);
        let mut cells = vec![0u64; (cols * rows).div_ceil(64)];
        for r in 0..rows {
            for c in 0..cols {
                let p = (
                    x0 + (c as f32 + 0.5) * AREA_CELL,
                    y0 + (r as f32 + 0.5) * AREA_CELL,
                );
                if near_hull(hull, p, margin) {
                    let i = r * cols + c;
                    cells[i / 64] |= 1 << (i % 64);
                }
            }
        }
        Self {
            x0,
            y0,
            cols,
            rows,
            cells,
        }
    }

    /// Whether point (`x`, `y`) lies in the observed area.
    #[inline]
    pub fn contains(&self, x: f32, y: f32) -> bool {
        let c = (x - self.x0) / AREA_CELL;
        let r = (y - self.y0) / AREA_CELL;
        if c < 0.0 || r < 0.0 || c >= self.cols as f32 || r >= self.rows as f32 {
            return false;
        }
        let i = r as usize * self.cols + c as usize;
        self.cells
            .get(i / 64)
            .is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }
}

fn convex_hull(pts: &[(f32, f32)]) -> Vec<(f32, f32)> {
    let mut p: Vec<(f32, f32)> = pts.to_vec();
    p.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    p.dedup();
    if p.len() < 3 {
        return p;
    }
    let cross = |o: (f32, f32), a: (f32, f32), b: (f32, f32)| {
        (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
    };
    let mut hull: Vec<(f32, f32)> = Vec::with_capacity(2 * p.len());
    for &q in p.iter().chain(p.iter().rev().skip(1)) {
        while hull.len() >= 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], q) <= 0.0 {
            hull.pop();
        }
        hull.push(q);
    }
    hull.pop();
    hull
}

/// Whether `q` lies inside the polygon `hull` (counter-clockwise) or within `margin` of it.
fn near_hull(hull: &[(f32, f32)], q: (f32, f32), margin: f32) -> bool {
    if hull.len() < 3 {
        return hull.iter().any(|h| (h.0 - q.0).hypot(h.1 - q.1) <= margin);
    }
    let mut inside = true;
    let mut best = f32::MAX;
    for i in 0..hull.len() {
        let a = hull[i];
        let b = hull[(i + 1) % hull.len()];
        let (ex, ey) = (b.0 - a.0, b.1 - a.1);
        let (qx, qy) = (q.0 - a.0, q.1 - a.1);
        if ex * qy - ey * qx < 0.0 {
            inside = false;
        }
        let len2 = ex * ex + ey * ey;
        let t = if len2 > 0.0 {
            ((qx * ex + qy * ey) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let d = (qx - t * ex).hypot(qy - t * ey);
        best = best.min(d);
    }
    inside || best <= margin
}

/// Builds the cylinders of a template.
pub fn prepare(t: &Template) -> Prepared {
    // Minutiae in direction order, so that a comparison visits only the direction-compatible
    // range of the other print's cylinders.
    let mut order: Vec<usize> = (0..t.minutiae.len()).collect();
    order.sort_by_key(|&i| t.minutiae[i].angle);
    let pts: Vec<[f32; 3]> = order
        .iter()
        .map(|&i| {
            let m = &t.minutiae[i];
            [f32::from(m.x), f32::from(m.y), m.radians()]
        })
        .collect();
    let hull = convex_hull(&pts.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>());
    let mut out = Prepared {
        hull: hull.clone(),
        area: AreaGrid::new(&hull, OVERLAP_MARGIN),
        ..Prepared::default()
    };
    let reach = RADIUS + 3.0 * SIGMA_S;
    let gd_norm = -0.5 / (SIGMA_D * SIGMA_D);
    let gs_norm = -0.5 / (SIGMA_S * SIGMA_S);
    let mut in_circle = 0usize;
    let half = (NS as f32 - 1.0) / 2.0;
    for i in 0..NS {
        for j in 0..NS {
            let (u, v) = ((i as f32 - half) * DELTA_S, (j as f32 - half) * DELTA_S);
            if u.hypot(v) <= RADIUS {
                in_circle += 1;
            }
        }
    }
    for (mi, m) in pts.iter().enumerate() {
        let (s, c) = m[2].sin_cos();
        // Neighbours within reach, with per-direction-cell weights.
        let mut nb: Vec<(f32, f32, [f32; ND])> = Vec::new();
        for (ti, tp) in pts.iter().enumerate() {
            if ti == mi {
                continue;
            }
            let (dx, dy) = (tp[0] - m[0], tp[1] - m[1]);
            if dx * dx + dy * dy > reach * reach {
                continue;
            }
            let dtheta = signed_diff(tp[2], m[2]);
            let mut gd = [0.0f32; ND];
            for (k, g) in gd.iter_mut().enumerate() {
                let centre = -PI + (k as f32 + 0.5) * DELTA_D;
                let a = signed_diff(dtheta, centre);
                *g = (a * a * gd_norm).exp();
            }
            nb.push((tp[0], tp[1], gd));
        }
        if nb.len() < 2 {
            continue;
        }
        let mut cyl = Cylinder {
            bits: [0; WORDS],
            valid: 0,
        };
        let mut valid_cells = 0usize;
        for i in 0..NS {
            for j in 0..NS {
                let (u, v) = ((i as f32 - half) * DELTA_S, (j as f32 - half) * DELTA_S);
                if u.hypot(v) > RADIUS {
                    continue;
                }
                // Cell centre rotated into the minutia's frame.
                let px = m[0] + u * c - v * s;
                let py = m[1] + u * s + v * c;
                if !near_hull(&hull, (px, py), OMEGA) {
                    continue;
                }
                valid_cells += 1;
                cyl.valid |= 1 << (j * NS + i);
                let mut acc = [0.0f32; ND];
                for (nx, ny, gd) in &nb {
                    let d2 = (nx - px) * (nx - px) + (ny - py) * (ny - py);
                    if d2 > 9.0 * SIGMA_S * SIGMA_S {
                        continue;
                    }
                    let gs = (d2 * gs_norm).exp();
                    for k in 0..ND {
                        acc[k] += gs * gd[k];
                    }
                }
                for (k, a) in acc.iter().enumerate() {
                    let bit = (k * NS + j) * NS + i;
                    if *a >= MU_BIT {
                        cyl.bits[bit / 64] |= 1 << (bit % 64);
                    }
                }
            }
        }
        if (valid_cells as f32) < MIN_VALID_FRACTION * in_circle as f32 {
            continue;
        }
        out.points.push(*m);
        out.dirs.push([c, s]);
        out.cylinders.push(cyl);
        out.reliability.push(
            order
                .get(mi)
                .and_then(|&i| t.minutiae.get(i))
                .map_or(0.0, |sm| f32::from(sm.reliability) / 100.0),
        );
    }
    let mut by_y: Vec<u16> = (0..out.points.len() as u16).collect();
    by_y.sort_by(|&i, &j| out.points[usize::from(i)][1].total_cmp(&out.points[usize::from(j)][1]));
    out.ys = by_y
        .iter()
        .map(|&i| out.points[usize::from(i)][1])
        .collect();
    out.by_y = by_y;
    let top = out.ys.last().map_or(0.0, |&y| y.max(0.0));
    let buckets = (top / Y_BUCKET) as usize + 2;
    out.y_start = (0..buckets)
        .map(|k| out.ys.partition_point(|&y| y < k as f32 * Y_BUCKET) as u16)
        .collect();
    out.angles = out.points.iter().map(|p| p[2]).collect();
    out
}

/// Height of the buckets of [`Prepared::y_start`] (pixels).
const Y_BUCKET: f32 = 8.0;

/// Signed angle difference `a - b` wrapped to `(-π, π]`.
#[inline]
pub fn signed_diff(a: f32, b: f32) -> f32 {
    let d = (a - b).rem_euclid(TAU);
    if d > PI { d - TAU } else { d }
}

/// Square roots of 0..=BITS (popcounts), computed once.
fn sqrt_table() -> &'static [f32; BITS + 1] {
    static T: std::sync::OnceLock<[f32; BITS + 1]> = std::sync::OnceLock::new();
    T.get_or_init(|| std::array::from_fn(|i| (i as f32).sqrt()))
}

/// Local similarity of two cylinders in `[0, 1]` (0 when not comparable).
#[inline]
pub fn local_similarity(a: &Cylinder, b: &Cylinder) -> f32 {
    local_similarity_with(a, b, sqrt_table())
}

#[inline(always)]
fn local_similarity_with(a: &Cylinder, b: &Cylinder, sq: &[f32; BITS + 1]) -> f32 {
    let v = a.valid & b.valid;
    if popcount(v) < MIN_COMMON_CELLS {
        return 0.0;
    }
    let (na, nb, nx) = if cfg!(target_feature = "popcnt") {
        let (mut na, mut nb, mut nx) = (0, 0, 0);
        for (&wa, &wb) in a.bits.iter().zip(&b.bits) {
            let (x, y) = (wa & v, wb & v);
            na += x.count_ones();
            nb += y.count_ones();
            nx += (x ^ y).count_ones();
        }
        (na, nb, nx)
    } else {
        let ca = a.bits.map(|w| w & v);
        let cb = b.bits.map(|w| w & v);
        let mut x = [0u64; WORDS];
        for k in 0..WORDS {
            x[k] = ca[k] ^ cb[k];
        }
        (popcount_sum(ca), popcount_sum(cb), popcount_sum(x))
    };
    if na + nb == 0 {
        return 0.0;
    }
    let root = |n: u32| sq.get(n as usize).copied().unwrap_or(0.0);
    let d = root(na) + root(nb);
    let x = root(nx);
    // Cheap rejection before the division.
    if x >= (1.0 - MIN_LOCAL) * d {
        return 0.0;
    }
    1.0 - x / d
}

/// Fast `atan2` (max error ≈ 0.005 rad).
#[inline]
pub fn fast_atan2(y: f32, x: f32) -> f32 {
    let ax = x.abs();
    let ay = y.abs();
    let mx = ax.max(ay);
    if mx == 0.0 {
        return 0.0;
    }
    let a = ax.min(ay) / mx;
    let s = a * a;
    let mut r = ((-0.046_496_475 * s + 0.159_314_22) * s - 0.327_622_77) * s * a + a;
    if ay > ax {
        r = PI / 2.0 - r;
    }
    if x < 0.0 {
        r = PI - r;
    }
    if y < 0.0 { -r } else { r }
}

/// Scratch buffers reused across comparisons.
#[derive(Default, Debug)]
pub struct Scratch {
    pairs: Vec<(f32, u16, u16)>,
    /// Local similarities, row-major `na × nb` (0 = not a candidate pair).
    sim: Vec<f32>,
    cand: Vec<(f32, u16, u16)>,
    used_a: Vec<bool>,
    used_b: Vec<bool>,
}

/// Similarity score of two prepared templates in `[0, 1]`.
pub fn compare(a: &Prepared, b: &Prepared) -> f32 {
    compare_with(a, b, &mut Scratch::default())
}

/// [`compare`] reusing scratch buffers (for loops over galleries).
pub fn compare_with(a: &Prepared, b: &Prepared, scratch: &mut Scratch) -> f32 {
    let (na, nb) = (a.cylinders.len(), b.cylinders.len());
    if na < 2 || nb < 2 {
        return 0.0;
    }
    let top = local_stage(a, b, scratch);
    let pairs = &mut scratch.pairs;
    // Only pairs within SEED_RATIO of the best can become seeds.
    pairs.retain(|p| p.0 >= SEED_RATIO * top);
    let nr = na.min(nb).min(SEEDS);
    // Greedy one-to-one choice of the best pairs as alignment seeds.
    let take = (4 * nr).min(SEED_POOL).min(pairs.len());
    if take == 0 {
        return 0.0;
    }
    if take < pairs.len() {
        pairs.select_nth_unstable_by(take - 1, |x, y| y.0.total_cmp(&x.0));
        pairs.truncate(take);
    }
    pairs.sort_unstable_by(|x, y| y.0.total_cmp(&x.0));
    scratch.used_a.clear();
    scratch.used_a.resize(na, false);
    scratch.used_b.clear();
    scratch.used_b.resize(nb, false);
    let mut sel: Vec<(f32, usize, usize)> = Vec::with_capacity(nr);
    for &(s, i, j) in pairs.iter() {
        let (i, j) = (usize::from(i), usize::from(j));
        if scratch.used_a[i] || scratch.used_b[j] {
            continue;
        }
        scratch.used_a[i] = true;
        scratch.used_b[j] = true;
        sel.push((s, i, j));
        if sel.len() == nr {
            break;
        }
    }
    align_and_count(a, b, &sel, scratch)
}

/// Local similarities of all direction-compatible cylinder pairs into `scratch.sim`, and the
/// pairs that may become alignment seeds into `scratch.pairs`; returns the best similarity.
#[inline(never)]
fn local_stage(a: &Prepared, b: &Prepared, scratch: &mut Scratch) -> f32 {
    let nb = b.cylinders.len();
    let na = a.cylinders.len();
    let pairs = &mut scratch.pairs;
    pairs.clear();
    scratch.sim.clear();
    scratch.sim.resize(na * nb, 0.0);
    let min_cos = MAX_ROTATION.cos() - 1e-6;
    let sq = sqrt_table();
    let mut top = 0.0f32;
    let mut floor = 0.0f32;
    // Direction window (a little wider than MAX_ROTATION; the exact test is below).
    let half = MAX_ROTATION + 0.01;
    for (i, ((ca, da), row)) in a
        .cylinders
        .iter()
        .zip(&a.dirs)
        .zip(scratch.sim.chunks_exact_mut(nb))
        .enumerate()
    {
        let theta = a.points[i][2];
        let (lo, hi) = (theta - half, theta + half);
        let ranges = if lo < 0.0 {
            [(0.0, hi), (lo + TAU, TAU)]
        } else if hi >= TAU {
            [(lo, TAU), (0.0, hi - TAU)]
        } else {
            [(lo, hi), (0.0, -1.0)]
        };
        for (lo, hi) in ranges {
            if hi < lo {
                continue;
            }
            let from = b.angles.partition_point(|&t| t < lo);
            let to = b.angles.partition_point(|&t| t <= hi);
            let to = to.max(from);
            for (j, ((cb, db), slot)) in b.cylinders[from..to]
                .iter()
                .zip(&b.dirs[from..to])
                .zip(&mut row[from..to])
                .enumerate()
            {
                let j = from + j;
                if da[0] * db[0] + da[1] * db[1] < min_cos {
                    continue;
                }
                let s = local_similarity_with(ca, cb, sq);
                if s > MIN_LOCAL {
                    *slot = s;
                    if s >= floor && s >= SEED_RATIO * top {
                        pairs.push((s, i as u16, j as u16));
                        top = top.max(s);
                        if pairs.len() == 4 * SEED_POOL {
                            // Keep the best SEED_POOL; later pairs must beat the worst kept.
                            pairs.select_nth_unstable_by(SEED_POOL - 1, |x, y| y.0.total_cmp(&x.0));
                            pairs.truncate(SEED_POOL);
                            floor = pairs.iter().fold(f32::MAX, |m, p| m.min(p.0));
                        }
                    }
                }
            }
        }
    }
    top
}

/// Seeded alignment consolidation: for each of the best pairs as a seed, rotate and translate
/// A onto B, pair minutiae that agree in position and direction (one-to-one, similarity
/// weighted) and score the agreement relative to the minutiae expected in the overlap.
fn align_and_count(
    a: &Prepared,
    b: &Prepared,
    sel: &[(f32, usize, usize)],
    scratch: &mut Scratch,
) -> f32 {
    let mut best = 0.0f32;
    let seeds = sel.len().min(SEEDS);
    let min_cos = ANGLE_TOL.cos();
    let top = sel.first().map_or(0.0, |p| p.0);
    for &(sim, si, sj) in sel.iter().take(seeds) {
        // Weak seeds rarely beat a strong one; skipping them halves the work.
        if sim < SEED_RATIO * top {
            break;
        }
        let (pa, pb) = (a.points[si], b.points[sj]);
        let rot = signed_diff(pb[2], pa[2]);
        let (rs, rc) = rot.sin_cos();
        let map = |p: &[f32; 3]| {
            let (dx, dy) = (p[0] - pa[0], p[1] - pa[1]);
            (pb[0] + dx * rc - dy * rs, pb[1] + dx * rs + dy * rc)
        };
        scratch.cand.clear();
        let nbp = b.points.len();
        for (i, (ai, row)) in a
            .points
            .iter()
            .zip(scratch.sim.chunks_exact(nbp))
            .enumerate()
        {
            let (x, y) = map(ai);
            let (rx, ry) = (ai[0] - pa[0], ai[1] - pa[1]);
            let tol = (DIST_TOL + DIST_TOL_SLOPE * (rx * rx + ry * ry).sqrt()).min(DIST_TOL_MAX);
            let da = a.dirs[i];
            let (ux, uy) = (da[0] * rc - da[1] * rs, da[1] * rc + da[0] * rs);
            // B minutiae within `tol` of the mapped position, found through the y order.
            // Candidates within the y band, tested without data-dependent branches (about half
            // of them are direction-incompatible, which a branch would mispredict).
            let lo = b.y_from(y - tol);
            let hi = b.y_from(y + tol + Y_BUCKET).max(lo);
            for (&j, &yj) in b.by_y[lo..hi].iter().zip(&b.ys[lo..hi]) {
                let j = usize::from(j);
                let s = row.get(j).copied().unwrap_or(0.0);
                let bj = &b.points[j];
                let (ex, ey) = (x - bj[0], y - yj);
                let d2 = ex * ex + ey * ey;
                let db = b.dirs[j];
                let ok = (s > 0.0) & (d2 <= tol * tol) & (ux * db[0] + uy * db[1] >= min_cos);
                if ok {
                    let w = s * (1.0 - 0.8 * d2.sqrt() / tol);
                    scratch.cand.push((w, i as u16, j as u16));
                }
            }
        }
        scratch.cand.sort_unstable_by(|x, y| y.0.total_cmp(&x.0));
        scratch.used_a.iter_mut().for_each(|u| *u = false);
        scratch.used_b.iter_mut().for_each(|u| *u = false);
        let mut m = 0.0f32;
        let mut count = 0usize;
        for &(w, i, j) in scratch.cand.iter() {
            let (i, j) = (usize::from(i), usize::from(j));
            if scratch.used_a[i] || scratch.used_b[j] {
                continue;
            }
            scratch.used_a[i] = true;
            scratch.used_b[j] = true;
            m += w;
            count += 1;
        }
        // The overlap counts are floored at MIN_OVERLAP: skip them when even that cannot win.
        if count < 2 || m * m <= best * MIN_OVERLAP * MIN_OVERLAP {
            continue;
        }
        // Minutiae of each print that fall where the other print was observed.
        let inv = |p: &[f32; 3]| {
            let (dx, dy) = (p[0] - pb[0], p[1] - pb[1]);
            (pa[0] + dx * rc + dy * rs, pa[1] - dx * rs + dy * rc)
        };
        let na_ov = a
            .points
            .iter()
            .filter(|p| {
                let (x, y) = map(p);
                b.area.contains(x, y)
            })
            .count();
        let nb_ov = b
            .points
            .iter()
            .filter(|p| {
                let (x, y) = inv(p);
                a.area.contains(x, y)
            })
            .count();
        let na = (na_ov as f32).max(MIN_OVERLAP);
        let nb = (nb_ov as f32).max(MIN_OVERLAP);
        let score = (m * m / (na * nb)).min(1.0);
        best = best.max(score);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::super::test_support::random_template;
    use super::*;

    #[test]
    fn atan2_is_close() {
        for i in 0..100 {
            let a = i as f32 * 0.0628 - PI;
            let (s, c) = a.sin_cos();
            assert!((fast_atan2(s * 3.0, c * 3.0) - s.atan2(c)).abs() < 0.01);
        }
    }

    #[test]
    fn self_match_beats_random() {
        let t = random_template(1, 40);
        let u = random_template(2, 40);
        let (pt, pu) = (prepare(&t), prepare(&u));
        let same = compare(&pt, &pt);
        let diff = compare(&pt, &pu);
        assert!(same > 0.5, "same {same}");
        assert!(diff < same * 0.5, "diff {diff} same {same}");
    }

    #[test]
    fn empty_templates_score_zero() {
        let e = prepare(&Template::default());
        assert_eq!(compare(&e, &e), 0.0);
    }
}
