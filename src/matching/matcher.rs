//! 1:1 comparison: Minutia Cylinder-Code local structures (bit version, after Cappelli,
//! Ferrara & Maltoni, "Minutia Cylinder-Code", IEEE TPAMI 2010) give rotation- and
//! translation-invariant local similarities; a seeded alignment consolidation (each of the best
//! local pairs aligns the prints, pairs that agree within a distortion-tolerant radius are
//! counted, normalised by the minutiae expected in the overlap) gives the global score.
//!
//! Owns template preparation (cylinders) and the similarity score. Must not extract features,
//! calibrate (see `calibration`) or manage galleries.

use std::f32::consts::{PI, TAU};

use super::ridge_count;
use super::ridge_flow::{self, PreparedFlow, Rigid};
use super::template::Template;
use super::texture::{self, PreparedTexture, TextureScratch};

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
/// Seeds tried by the alignment consolidation (7, not 8, since the grid-phase union gave
/// templates ~20 % more minutiae: same accuracy, the 1:1 rate back above 50,000/s).
const SEEDS: usize = 7;
/// Best local pairs from which the seeds are chosen (one-to-one, greedily).
const SEED_POOL: usize = 4 * SEEDS;
/// Seed candidates gathered before they are cut down to the best `SEED_POOL` (any size
/// above `SEED_POOL` gives the same seeds; larger means fewer but longer selections and a
/// floor that rises later, so more pairs pushed: twice the pool measured cheapest of 2, 4, 8).
const SEED_BUFFER: usize = 2 * SEED_POOL;
/// Seeds whose local similarity is below this fraction of the best seed's are not tried.
const SEED_RATIO: f32 = 0.6;
/// The runner-up alignment has its ridge flow checked too when its minutiae score is at least
/// this fraction of the best's.
const RUNNER_UP: f32 = 0.7;
/// How far (pixels) a minutia pair may lie from where the two prints' cores put it to become
/// the core pair's seed (the cores are located to about one 16 px flow cell).
const CORE_SEED_REACH: f32 = 24.0;
/// Largest direction difference of that pair after the cores' rotation (30°).
const CORE_SEED_ANGLE: f32 = PI / 6.0;
/// How far (pixels) beyond B's x range an A minutia may be mapped and still be paired: more
/// than the largest tolerance, so that |Δx| > tol holds strictly after rounding too (Δx² ≥
/// tol² could otherwise round to equal and pass).
const X_REACH: f32 = DIST_TOL_MAX + 1.0;
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
/// The best alignment is refitted by least squares on its minutia pairs when the fused score
/// reaches this (above the median impostor score, ≈ 0.0032: clear impostors do not pay).
const REFIT_FROM: f32 = 0.004;
/// The ridge texture is compared when the score (after the ridge counts) reaches this: about
/// a quarter of the comparisons; below it the texture changes no decision on the seven
/// development sets (issue #14, fifteenth pass).
const TEXTURE_FROM: f32 = 0.005;
/// The cores' seeds are tried when the ordinary seeds' fused score reaches this (below the
/// median impostor score, ≈ 0.0032: the genuine pairs they rescue score 0.003–0.004 without
/// them; the clearest impostors, about 40 % of all, skip the extra alignments).
const CORE_SEEDS_FROM: f32 = 0.003;
/// The fewest minutia pairs a refit is made from.
const REFIT_MIN_PAIRS: usize = 3;
/// The most a refit may turn the alignment it refits (a larger turn follows wrong pairs).
const REFIT_MAX_TURN: f32 = 5.0 * PI / 180.0;
/// The fewest minutia pairs the best alignment needs for its warped re-pairing (the
/// displacement field is interpolated between them).
const WARP_MIN_PAIRS: usize = 5;
/// Reach (pixels) of each pair's residual displacement in the warp: a biweight kernel
/// (1 − d²/R²)², about a Gaussian of σ = 57 px (a Gaussian of 50–90 px measured the same).
const WARP_RADIUS: f32 = 150.0;
/// Pair weight of a zero displacement added to the field everywhere: far from every pair the
/// field fades to the rigid alignment.
const WARP_SHRINK: f32 = 0.3;
/// Rounds of warped re-pairing, each from the previous round's pairs.
const WARP_ROUNDS: usize = 2;

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

/// Words stored per cylinder: the direction layers, then the valid cells.
const PLANES: usize = WORDS + 1;

/// The cylinders of a template as a structure of arrays: plane `k < WORDS` holds direction
/// layer `k` of every cylinder, plane `WORDS` their valid cells, each plane one contiguous run
/// in cylinder order (the AVX-512 local stage loads eight cylinders' words at once). The same
/// 56 bytes per cylinder as an array of [`Cylinder`]s.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cylinders {
    /// `PLANES * len` words, plane-major.
    words: Vec<u64>,
}

impl Cylinders {
    /// Number of cylinders.
    #[inline]
    pub fn len(&self) -> usize {
        self.words.len() / PLANES
    }

    /// Whether there are no cylinders.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Cylinder `i`, if there is one.
    #[inline]
    pub fn get(&self, i: usize) -> Option<Cylinder> {
        self.planes().get(i)
    }

    /// Cylinder `i`; panics when out of range.
    #[inline]
    pub fn at(&self, i: usize) -> Cylinder {
        self.get(i).expect("cylinder index in range")
    }

    /// The cylinders in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Cylinder> + '_ {
        let planes = self.planes();
        (0..planes.n).map(move |i| {
            planes.get(i).unwrap_or(Cylinder {
                bits: [0; WORDS],
                valid: 0,
            })
        })
    }

    /// The planes, each exactly `len` words long.
    #[inline(always)]
    fn planes(&self) -> Planes<'_> {
        // Splitting gives planes whose length the compiler knows to be `n`, so indexing below
        // `n` needs no more checks.
        let n = self.len();
        let mut rest = self.words.as_slice();
        let mut p: [&[u64]; PLANES] = [&[]; PLANES];
        for slot in &mut p {
            let (head, tail) = rest.split_at(n);
            *slot = head;
            rest = tail;
        }
        Planes { n, p }
    }

    /// Releases spare capacity.
    fn shrink_to_fit(&mut self) {
        self.words.shrink_to_fit();
    }
}

impl FromIterator<Cylinder> for Cylinders {
    fn from_iter<I: IntoIterator<Item = Cylinder>>(iter: I) -> Self {
        let all: Vec<Cylinder> = iter.into_iter().collect();
        let len = all.len();
        let mut words = Vec::with_capacity(PLANES * len);
        for k in 0..WORDS {
            words.extend(all.iter().map(|c| c.bits[k]));
        }
        words.extend(all.iter().map(|c| c.valid));
        Self { words }
    }
}

/// Borrowed planes of [`Cylinders`] (each plane `n` words long).
#[derive(Clone, Copy)]
struct Planes<'a> {
    n: usize,
    p: [&'a [u64]; PLANES],
}

impl Planes<'_> {
    /// Cylinder `i`, if there is one.
    #[inline(always)]
    fn get(&self, i: usize) -> Option<Cylinder> {
        if i >= self.n {
            return None;
        }
        let mut bits = [0u64; WORDS];
        for (w, plane) in bits.iter_mut().zip(&self.p) {
            *w = *plane.get(i)?;
        }
        Some(Cylinder {
            bits,
            valid: *self.p[WORDS].get(i)?,
        })
    }
}

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
    pub cylinders: Cylinders,
    /// Set bits of each cylinder, parallel to `points`.
    pub counts: Vec<u16>,
    /// Indices of the full cylinders (valid wherever the circle is, see [`in_circle_mask`]),
    /// in direction order, and their directions (1/256 turns).
    pub full_idx: Vec<u16>,
    /// Directions of the full cylinders, parallel to `full_idx`.
    pub full_angle8: Vec<u8>,
    /// Indices of the other cylinders, in direction order.
    pub part_idx: Vec<u16>,
    /// Directions of the other cylinders, parallel to `part_idx`.
    pub part_angle8: Vec<u8>,
    /// Minutiae reliability 0–1, parallel to `points`.
    pub reliability: Vec<f32>,
    /// Convex hull of all minutiae (the area where minutiae could be observed).
    pub hull: Vec<(f32, f32)>,
    /// The hull (plus margin) rasterised on a coarse grid for O(1) inside tests.
    pub area: AreaGrid,
    /// Indices of `points` sorted by y, for range queries during alignment.
    pub by_y: Vec<u16>,
    /// Position, direction and unit direction (x, y, cos, sin) in `by_y` order.
    pub ypts: Vec<[f32; 4]>,
    /// `ypts` as four planes (every x, then every y, cos, sin), each `ypts.len()` long: the
    /// AVX2 pairing loads eight minutiae's values of one kind at once.
    pub yplanes: Vec<f32>,
    /// For each index of `points`, its position in `by_y`.
    pub y_rank: Vec<u16>,
    /// For each 8-pixel band of y, the first position in `ypts` at or below it.
    pub y_start: Vec<u16>,
    /// The smallest and largest x of `points` (0, 0 when there are none).
    pub x_range: [f32; 2],
    /// Directions in 1/256 turns (ascending), parallel to `points`.
    pub angle8: Vec<u8>,
    /// Entry `k` (0 ≤ k ≤ 256): how many of `angle8` are below `k`, so that a comparison's
    /// direction windows are lookups (empty when there are 256 or more points).
    pub angle_start: Vec<u8>,
    /// Coarse ridge flow (empty for templates without one).
    pub flow: PreparedFlow,
    /// Cores of the ridge flow (x, y, β), see [`ridge_flow::cores`].
    pub cores: Vec<[f32; 3]>,
    /// Ridge counts to neighbours, parallel to `points`, neighbours as indices of `points`
    /// (empty when the template has none, see [`ridge_count`]).
    pub links: Vec<ridge_count::Links>,
    /// Ridge texture (empty when the template has none, see [`texture`]).
    pub texture: PreparedTexture,
    /// The template's second view, prepared by [`prepare_for_verification`] only: 1:1
    /// verification compares it too; a gallery, ranking by the first view, does without.
    pub second_view: Option<Box<Prepared>>,
}

impl Prepared {
    /// Releases the spare capacity of every buffer (a gallery keeps millions of prepared
    /// templates, and preparation leaves about a fifth of each unused).
    pub fn shrink_to_fit(&mut self) {
        // Every field named, so that a field added to `Prepared` does not compile until it
        // is shrunk here too.
        let Prepared {
            points,
            dirs,
            cylinders,
            counts,
            full_idx,
            full_angle8,
            part_idx,
            part_angle8,
            reliability,
            hull,
            area,
            by_y,
            ypts,
            yplanes,
            y_rank,
            y_start,
            x_range: _,
            angle8,
            angle_start,
            flow,
            cores,
            links,
            texture,
            second_view,
        } = self;
        if let Some(view) = second_view {
            view.shrink_to_fit();
        }
        points.shrink_to_fit();
        dirs.shrink_to_fit();
        cylinders.shrink_to_fit();
        counts.shrink_to_fit();
        full_idx.shrink_to_fit();
        full_angle8.shrink_to_fit();
        part_idx.shrink_to_fit();
        part_angle8.shrink_to_fit();
        reliability.shrink_to_fit();
        hull.shrink_to_fit();
        area.cells.shrink_to_fit();
        by_y.shrink_to_fit();
        ypts.shrink_to_fit();
        yplanes.shrink_to_fit();
        y_rank.shrink_to_fit();
        y_start.shrink_to_fit();
        angle8.shrink_to_fit();
        angle_start.shrink_to_fit();
        flow.cells.shrink_to_fit();
        links.shrink_to_fit();
        flow.grid.cells.shrink_to_fit();
        cores.shrink_to_fit();
        texture.shrink_to_fit();
    }

    /// Index range of `ypts` that may hold values ≥ `y` (a superset starting at most one band early).
    #[inline]
    fn y_from(&self, y: f32) -> usize {
        // Truncating first and clamping the integer gives the same bucket as clamping the float.
        let last = self.y_start.len().saturating_sub(1).min(i32::MAX as usize) as i32;
        let k = ((y * (1.0 / Y_BUCKET)) as i32).clamp(0, last);
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
        // Multiplying by the reciprocal of a power of two is exact (same as dividing).
        let c = (x - self.x0) * (1.0 / AREA_CELL);
        let r = (y - self.y0) * (1.0 / AREA_CELL);
        if c < 0.0 || r < 0.0 || c >= self.cols as f32 || r >= self.rows as f32 {
            return false;
        }
        // In range (checked above), so the cheaper i32 conversion truncates the same way.
        let i = r as i32 as usize * self.cols + c as i32 as usize;
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

/// [`prepare`], and the template's second view prepared too (for [`super::verify`]).
pub fn prepare_for_verification(t: &Template) -> Prepared {
    let mut out = prepare(t);
    out.second_view = t.second_view.as_deref().map(|v| Box::new(prepare(v)));
    out
}

/// Builds the cylinders of the template's first view (its second view is left out: see
/// [`prepare_for_verification`]).
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
        flow: PreparedFlow::new(&t.flow),
        cores: ridge_flow::cores(&t.flow),
        texture: PreparedTexture::new(&t.texture),
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
    let mut cylinders: Vec<Cylinder> = Vec::with_capacity(pts.len());
    // The template index of each kept minutia (for the ridge counts' neighbours).
    let mut kept: Vec<usize> = Vec::with_capacity(pts.len());
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
        out.counts
            .push(cyl.bits.iter().map(|w| w.count_ones()).sum::<u32>() as u16);
        cylinders.push(cyl);
        kept.push(order.get(mi).copied().unwrap_or(usize::MAX));
        let stored = order.get(mi).and_then(|&i| t.minutiae.get(i));
        out.reliability
            .push(stored.map_or(0.0, |sm| f32::from(sm.reliability) / 100.0));
        out.angle8.push(stored.map_or(0, |sm| sm.angle));
    }
    out.cylinders = cylinders.iter().copied().collect();
    out.angle_start = angle_starts(&out.angle8);
    out.links = prepared_links(t, &kept);
    let full = in_circle_mask();
    for (j, (c, &t)) in cylinders.iter().zip(&out.angle8).enumerate() {
        if c.valid == full {
            out.full_idx.push(j as u16);
            out.full_angle8.push(t);
        } else {
            out.part_idx.push(j as u16);
            out.part_angle8.push(t);
        }
    }
    let mut by_y: Vec<u16> = (0..out.points.len() as u16).collect();
    by_y.sort_by(|&i, &j| out.points[usize::from(i)][1].total_cmp(&out.points[usize::from(j)][1]));
    out.ypts = by_y
        .iter()
        .map(|&i| {
            let (p, d) = (out.points[usize::from(i)], out.dirs[usize::from(i)]);
            [p[0], p[1], d[0], d[1]]
        })
        .collect();
    out.yplanes = (0..4)
        .flat_map(|k| out.ypts.iter().map(move |p| p[k]))
        .collect();
    out.y_rank = vec![0; by_y.len()];
    for (k, &i) in by_y.iter().enumerate() {
        out.y_rank[usize::from(i)] = k as u16;
    }
    out.by_y = by_y;
    out.x_range = out
        .points
        .iter()
        .fold([f32::INFINITY, f32::NEG_INFINITY], |[lo, hi], p| {
            [lo.min(p[0]), hi.max(p[0])]
        });
    if out.points.is_empty() {
        out.x_range = [0.0; 2];
    }
    let top = out.ypts.last().map_or(0.0, |p| p[1].max(0.0));
    let buckets = (top / Y_BUCKET) as usize + 2;
    out.y_start = (0..buckets)
        .map(|k| out.ypts.partition_point(|p| p[1] < k as f32 * Y_BUCKET) as u16)
        .collect();
    out
}

/// The template's ridge-count links for the kept minutiae (`kept[p]` = template index of
/// point `p`), their neighbours renumbered as points; a neighbour without a point (its
/// cylinder was dropped) is left out. Empty when the template has no ridge counts.
fn prepared_links(t: &Template, kept: &[usize]) -> Vec<ridge_count::Links> {
    let by_template = ridge_count::links(&t.minutiae, &t.ridge_counts);
    if by_template.is_empty() {
        return Vec::new();
    }
    let mut point_of = vec![ridge_count::NONE; t.minutiae.len()];
    for (p, &ti) in kept.iter().enumerate() {
        if let (Some(s), Ok(p)) = (point_of.get_mut(ti), u8::try_from(p)) {
            *s = p;
        }
    }
    kept.iter()
        .map(|&ti| {
            let mut links = [[ridge_count::NONE; 2]; ridge_count::LINKS];
            let renumbered = by_template
                .get(ti)
                .into_iter()
                .flatten()
                .filter_map(|&[k, c]| {
                    let p = *point_of.get(usize::from(k))?;
                    (p != ridge_count::NONE).then_some([p, c])
                });
            for (l, r) in links.iter_mut().zip(renumbered) {
                *l = r;
            }
            links
        })
        .collect()
}

/// Height of the buckets of [`Prepared::y_start`] (pixels).
const Y_BUCKET: f32 = 8.0;

/// Signed angle difference `a - b` wrapped to `(-π, π]`.
#[inline]
pub fn signed_diff(a: f32, b: f32) -> f32 {
    let d = (a - b).rem_euclid(TAU);
    if d > PI { d - TAU } else { d }
}

/// Entries of the square-root table: a power of two above `BITS`, so that masking an index
/// keeps it in bounds without a check.
const SQRT_LEN: usize = 512;
const _: () = assert!(SQRT_LEN > BITS && SQRT_LEN.is_power_of_two());

/// Square roots of 0..SQRT_LEN (popcounts), computed once.
fn sqrt_table() -> &'static [f32; SQRT_LEN] {
    static T: std::sync::OnceLock<[f32; SQRT_LEN]> = std::sync::OnceLock::new();
    T.get_or_init(|| std::array::from_fn(|i| (i as f32).sqrt()))
}

/// Local similarity of two cylinders in `[0, 1]` (0 when not comparable).
#[inline]
pub fn local_similarity(a: &Cylinder, b: &Cylinder) -> f32 {
    local_similarity_with(a, b, sqrt_table())
}

#[inline(always)]
fn local_similarity_with(a: &Cylinder, b: &Cylinder, sq: &[f32; SQRT_LEN]) -> f32 {
    let v = a.valid & b.valid;
    if popcount(v) < MIN_COMMON_CELLS {
        return 0.0;
    }
    let (na, nb, nx) = if cfg!(target_feature = "popcnt") {
        let (mut na, mut nb, mut nx) = (0, 0, 0);
        for k in 0..WORDS {
            let (x, y) = (a.bits[k] & v, b.bits[k] & v);
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
    similarity_of_counts(na, nb, nx, sq)
}

/// The local similarity from the set-bit counts of the two cylinders (`na`, `nb`) and of their
/// difference (`nx`), all over their common valid cells.
#[inline(always)]
fn similarity_of_counts(na: u32, nb: u32, nx: u32, sq: &[f32; SQRT_LEN]) -> f32 {
    // (No test for na + nb = 0: then d = x = 0 and the rejection below returns 0.)
    // Popcounts are at most BITS < SQRT_LEN, so the mask never changes the index.
    let root = |n: u32| sq[n as usize & (SQRT_LEN - 1)];
    let d = root(na) + root(nb);
    let x = root(nx);
    // Cheap rejection before the division.
    if x >= (1.0 - MIN_LOCAL) * d {
        return 0.0;
    }
    1.0 - x / d
}

/// The spatial cells inside the cylinder's circle: the valid cells of a cylinder whose circle
/// lies wholly where minutiae were observed ("full"; every cylinder's valid cells are a subset).
fn in_circle_mask() -> u64 {
    static M: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *M.get_or_init(|| {
        let half = (NS as f32 - 1.0) / 2.0;
        let mut m = 0u64;
        for i in 0..NS {
            for j in 0..NS {
                let (u, v) = ((i as f32 - half) * DELTA_S, (j as f32 - half) * DELTA_S);
                if u.hypot(v) <= RADIUS {
                    m |= 1 << (j * NS + i);
                }
            }
        }
        m
    })
}

/// [`local_similarity`] when `a` is full: the common cells are `b`'s valid cells (at least
/// `MIN_VALID_FRACTION` of the circle, so never fewer than `MIN_COMMON_CELLS`), and `b`'s bits,
/// which lie in its valid cells, count in full (`count_b`). The same counts as the general
/// path, fewer popcounts.
#[inline(always)]
fn similarity_full_a(a: &Cylinder, b: &Cylinder, count_b: u32, sq: &[f32; SQRT_LEN]) -> f32 {
    if !cfg!(target_feature = "popcnt") {
        return local_similarity_with(a, b, sq);
    }
    let v = b.valid;
    let (mut na, mut nx) = (0, 0);
    for k in 0..WORDS {
        let x = a.bits[k] & v;
        na += x.count_ones();
        nx += (x ^ b.bits[k]).count_ones();
    }
    similarity_of_counts(na, count_b, nx, sq)
}

/// [`similarity_full_a`] with the roles swapped: `b` full, `a` counted in full.
#[inline(always)]
fn similarity_full_b(a: &Cylinder, b: &Cylinder, count_a: u32, sq: &[f32; SQRT_LEN]) -> f32 {
    if !cfg!(target_feature = "popcnt") {
        return local_similarity_with(a, b, sq);
    }
    let v = a.valid;
    let (mut nb, mut nx) = (0, 0);
    for k in 0..WORDS {
        let y = b.bits[k] & v;
        nb += y.count_ones();
        nx += (a.bits[k] ^ y).count_ones();
    }
    similarity_of_counts(count_a, nb, nx, sq)
}

/// [`local_similarity`] of two full cylinders: every in-circle cell is common.
#[inline(always)]
fn similarity_full_both(
    a: &Cylinder,
    b: &Cylinder,
    count_a: u32,
    count_b: u32,
    sq: &[f32; SQRT_LEN],
) -> f32 {
    if !cfg!(target_feature = "popcnt") {
        return local_similarity_with(a, b, sq);
    }
    let mut nx = 0;
    for k in 0..WORDS {
        nx += (a.bits[k] ^ b.bits[k]).count_ones();
    }
    similarity_of_counts(count_a, count_b, nx, sq)
}

/// Largest direction difference of a local pair in 1/256 turns: `MAX_ROTATION` (90°). Template
/// directions are whole 1/256 turns, so this integer test is exactly the dot-product test
/// `cos Δ ≥ cos MAX_ROTATION` (checked for all 256 × 256 directions in the tests).
const MAX_TURN8: u16 = (MAX_ROTATION / TAU * 256.0) as u16;
const _: () = assert!(MAX_TURN8 == 64);

/// The index ranges of `angles` (ascending, 1/256 turns) within `MAX_TURN8` of `theta`: the
/// unwrapped part first, then the part across 0 (empty when the window does not wrap).
/// Not inlined: once per A cylinder, and inlined its two binary searches took registers the
/// AVX2 local stage's loop needed (its kept-lane loop spilled: 1,417.6 → 1,335.9 M
/// instructions over the lab's 8,640 comparisons when it became a call).
#[inline(never)]
fn direction_window(angles: &[u8], theta: u8) -> [(usize, usize); 2] {
    let t = u16::from(theta);
    let first = |k: u16| angles.partition_point(|&a| u16::from(a) < k);
    let after = |k: u16| angles.partition_point(|&a| u16::from(a) <= k);
    let n = angles.len();
    if t <= MAX_TURN8 {
        [(0, after(t + MAX_TURN8)), (first(t + 256 - MAX_TURN8), n)]
    } else if t + MAX_TURN8 >= 256 {
        [(first(t - MAX_TURN8), n), (0, after(t + MAX_TURN8 - 256))]
    } else {
        [(first(t - MAX_TURN8), after(t + MAX_TURN8)), (0, 0)]
    }
}

/// [`Prepared::angle_start`] of the ascending directions `angles`: empty when a count would
/// not fit a byte.
fn angle_starts(angles: &[u8]) -> Vec<u8> {
    if u8::try_from(angles.len()).is_err() {
        return Vec::new();
    }
    let mut starts = Vec::with_capacity(257);
    let mut below = 0u8;
    for k in 0..=256u16 {
        while angles
            .get(usize::from(below))
            .is_some_and(|&a| u16::from(a) < k)
        {
            below += 1;
        }
        starts.push(below);
    }
    starts
}

/// [`direction_window`] of B's cylinders (`b.angle8`) by lookups in `b.angle_start`: the same
/// ranges.
#[inline]
fn window_of(b: &Prepared, theta: u8) -> [(usize, usize); 2] {
    let starts = &b.angle_start;
    let below = |k: usize| starts.get(k).map_or(0, |&v| usize::from(v));
    if starts.len() != 257 {
        return direction_window(&b.angle8, theta);
    }
    let (t, m) = (usize::from(theta), usize::from(MAX_TURN8));
    // `first(k)` = below(k), `after(k)` = below(k + 1).
    let n = below(256);
    if t <= m {
        [(0, below(t + m + 1)), (below(t + 256 - m), n)]
    } else if t + m >= 256 {
        [(below(t - m), n), (0, below(t + m + 1 - 256))]
    } else {
        [(below(t - m), below(t + m + 1)), (0, 0)]
    }
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

/// Sort key ordering by `value` descending, then `i` and `j` ascending: a total order, so that
/// ties are broken the same way by any sort or selection. `value` must be positive (then its
/// bit pattern grows with it).
#[inline(always)]
fn rank_key(value: f32, i: u16, j: u16) -> u64 {
    (u64::from(!value.to_bits()) << 32) | (u64::from(i) << 16) | u64::from(j)
}

/// The value of a [`rank_key`].
#[inline(always)]
fn key_value(key: u64) -> f32 {
    f32::from_bits(!((key >> 32) as u32))
}

/// The `i` of a [`rank_key`].
#[inline(always)]
fn key_i(key: u64) -> usize {
    ((key >> 16) & 0xffff) as usize
}

/// The `j` of a [`rank_key`].
#[inline(always)]
fn key_j(key: u64) -> usize {
    (key & 0xffff) as usize
}

/// Scratch buffers reused across comparisons.
#[derive(Default, Debug)]
pub struct Scratch {
    /// Seed candidates as [`rank_key`]s (local similarity, A index, B index).
    pairs: Vec<u64>,
    /// Local similarities, row-major `na × nb`, columns in B's `by_y` order (0 = not a
    /// candidate pair).
    sim: Vec<f32>,
    /// Alignment candidates as [`rank_key`]s (weight, A index, B index).
    cand: Vec<u64>,
    /// Alignment seeds (local similarity, A index, B index).
    sel: Vec<(f32, usize, usize)>,
    /// Extra seeds (A index, B index) guided by the cores, tried after `sel`.
    core_sel: Vec<(usize, usize)>,
    used_a: Vec<bool>,
    used_b: Vec<bool>,
    /// The minutia pairs (A index, B index, weight) of the last paired alignment, in pairing
    /// order.
    rec: Vec<(u16, u16, f32)>,
    /// The minutia pairs of the best kept alignment.
    best_pairs: Vec<(u16, u16, f32)>,
    /// The warp's residuals: A's position, the displacement onto B's paired minutia, weight.
    residuals: Vec<[f32; 5]>,
    /// B's cells' direction counts for the AVX2 local stage: three bit planes (weights 1, 2,
    /// 4) per cylinder, plane-major (see `matcher_avx2.rs`).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    cell_counts: Vec<u64>,
    /// The AVX2 local stage's best similarity of each row of `sim` (A's cylinders), as bits
    /// (non-negative floats order as their bits): the seed scan's lower bound and row skips.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    row_max: Vec<u32>,
    /// A copy of `row_max` reordered by the selection of its `SEED_POOL`-th largest.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    row_order: Vec<u32>,
    /// The vector kernels the comparisons may use.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    kernels: Kernels,
    /// A's point → B's paired point, for the ridge counts' agreement.
    partner: Vec<u8>,
    /// Buffers of the texture's agreement.
    texture: TextureScratch,
    /// The runner-up alignment of the last comparison, when it reached `RUNNER_UP` of the best.
    runner_up: Option<Kept>,
    /// The pairing's sieve of the comparison under way (see `pairing_sieve.rs`).
    #[cfg(target_arch = "x86_64")]
    sieve: avx2::Sieve,
    /// Comparisons whose score the runner-up alignment gave (to check that tests reach it).
    #[cfg(test)]
    runner_up_won: usize,
    /// Similarity rows the AVX2 seed scan did not read (to check that tests reach it).
    #[cfg(test)]
    rows_skipped: usize,
}

/// Which kernels a [`Scratch`]'s comparisons may use; all give the same bits, so this only
/// matters for checking that they agree and for measuring them.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kernels {
    /// The fastest the CPU has: the AVX-512 local stage and pairing, else the AVX2 ones,
    /// else the portable ones; the AVX2 warp candidates, overlap counts, texture lattice and
    /// ridge-flow agreement wherever the CPU has AVX2 (AVX-512 has no kernels of its own for
    /// them).
    #[default]
    Auto,
    /// The AVX2 local stage, pairing, warped re-pairing, texture lattice and ridge-flow
    /// agreement where the CPU has AVX2 (what a CPU without AVX-512 runs), else the portable
    /// ones.
    Avx2,
    /// The portable (scalar) local stage, pairing, texture lattice and ridge-flow agreement
    /// only.
    Portable,
}

impl Scratch {
    /// Scratch whose comparisons always use the portable (scalar) local stage, pairing,
    /// texture lattice and ridge-flow agreement, even on a CPU with AVX-512: the same scores,
    /// for checking that the kernels agree.
    pub fn portable() -> Self {
        Self::with_kernels(Kernels::Portable)
    }

    /// Scratch whose comparisons use `kernels` (where the CPU has them).
    pub fn with_kernels(kernels: Kernels) -> Self {
        let mut scratch = Self {
            kernels,
            ..Self::default()
        };
        scratch.texture.portable = kernels == Kernels::Portable;
        scratch
    }
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
    pairs.retain(|&k| key_value(k) >= SEED_RATIO * top);
    let nr = na.min(nb).min(SEEDS);
    // Greedy one-to-one choice of the best pairs as alignment seeds.
    let take = (4 * nr).min(SEED_POOL).min(pairs.len());
    if take == 0 {
        return 0.0;
    }
    if take < pairs.len() {
        pairs.select_nth_unstable(take - 1);
        pairs.truncate(take);
    }
    pairs.sort_unstable();
    scratch.used_a.clear();
    scratch.used_a.resize(na, false);
    scratch.used_b.clear();
    scratch.used_b.resize(nb, false);
    let sel = &mut scratch.sel;
    sel.clear();
    for &k in pairs.iter() {
        let (s, i, j) = (key_value(k), key_i(k), key_j(k));
        let (Some(ua), Some(ub)) = (scratch.used_a.get_mut(i), scratch.used_b.get_mut(j)) else {
            continue;
        };
        if *ua || *ub {
            continue;
        }
        *ua = true;
        *ub = true;
        sel.push((s, i, j));
        if sel.len() == nr {
            break;
        }
    }
    align_and_count(a, b, scratch)
}

/// Local similarities of all direction-compatible cylinder pairs into `scratch.sim`, and the
/// pairs that may become alignment seeds into `scratch.pairs`; returns the best similarity.
/// With the AVX-512 kernel where the CPU has it (see `matcher_avx512.rs`), else the AVX2 one
/// (`matcher_avx2.rs`), else the portable one (as `scratch.kernels` allows); all give the same
/// bits.
#[inline(never)]
fn local_stage(a: &Prepared, b: &Prepared, scratch: &mut Scratch) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        // Built again for these templates by their first AVX2 pairing, if any.
        scratch.sieve.clear();
        if scratch.kernels == Kernels::Auto
            && let Some(top) = avx512::local_stage(a, b, scratch)
        {
            return top;
        }
        if scratch.kernels != Kernels::Portable
            && let Some(top) = avx2::local_stage(a, b, scratch)
        {
            return top;
        }
    }
    local_stage_portable(a, b, scratch)
}

/// [`local_stage`] without vector instructions (popcounts per word).
fn local_stage_portable(a: &Prepared, b: &Prepared, scratch: &mut Scratch) -> f32 {
    let bp = b.cylinders.planes();
    let nb = b.cylinders.len();
    let na = a.cylinders.len();
    let pairs = &mut scratch.pairs;
    pairs.clear();
    scratch.sim.clear();
    scratch.sim.resize(na * nb, 0.0);
    let sq = sqrt_table();
    let full = in_circle_mask();
    let mut seeds = SeedGate::default();
    for (i, (((ca, &count_a), &theta), row)) in a
        .cylinders
        .iter()
        .zip(&a.counts)
        .zip(&a.angle8)
        .zip(scratch.sim.chunks_exact_mut(nb))
        .enumerate()
    {
        let ca = &ca;
        let count_a = u32::from(count_a);
        let a_full = ca.valid == full;
        // B's full cylinders, then the others: each kind of pair has its own exact count
        // (the order of the visits changes neither the similarities nor the seeds kept).
        for (b_full, idx, angles) in [
            (true, &b.full_idx, &b.full_angle8),
            (false, &b.part_idx, &b.part_angle8),
        ] {
            for (from, to) in direction_window(angles, theta) {
                let Some(js) = idx.get(from..to) else {
                    continue;
                };
                match (a_full, b_full) {
                    (true, true) => visit(b, &bp, js, row, pairs, &mut seeds, i, |cb, count_b| {
                        similarity_full_both(ca, cb, count_a, count_b, sq)
                    }),
                    (true, false) => visit(b, &bp, js, row, pairs, &mut seeds, i, |cb, count_b| {
                        similarity_full_a(ca, cb, count_b, sq)
                    }),
                    (false, true) => visit(b, &bp, js, row, pairs, &mut seeds, i, |cb, _| {
                        similarity_full_b(ca, cb, count_a, sq)
                    }),
                    (false, false) => visit(b, &bp, js, row, pairs, &mut seeds, i, |cb, _| {
                        local_similarity_with(ca, cb, sq)
                    }),
                }
            }
        }
    }
    seeds.top
}

/// The local similarities of A's cylinder `i` with B's cylinders `js` (by `kernel`, given B's
/// cylinder and its set-bit count): into `row` (by B's y rank) and offered as seeds.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn visit(
    b: &Prepared,
    bp: &Planes<'_>,
    js: &[u16],
    row: &mut [f32],
    pairs: &mut Vec<u64>,
    seeds: &mut SeedGate,
    i: usize,
    kernel: impl Fn(&Cylinder, u32) -> f32,
) {
    for &j in js {
        let ju = usize::from(j);
        let (Some(cb), Some(&r), Some(&count_b)) = (bp.get(ju), b.y_rank.get(ju), b.counts.get(ju))
        else {
            continue;
        };
        let s = kernel(&cb, u32::from(count_b));
        if s <= MIN_LOCAL {
            continue;
        }
        if let Some(slot) = row.get_mut(usize::from(r)) {
            *slot = s;
        }
        seeds.offer(pairs, s, i, j);
    }
}

/// The seed candidates' running gate: a pair is kept when s ≥ max(floor, SEED_RATIO · top).
#[derive(Default)]
struct SeedGate {
    top: f32,
    floor: f32,
    gate: f32,
}

impl SeedGate {
    /// A gate that knows the best similarity `top` of all the pairs to be offered.
    #[cfg(target_arch = "x86_64")]
    fn knowing_top(top: f32) -> Self {
        Self {
            top,
            floor: 0.0,
            gate: SEED_RATIO * top,
        }
    }

    /// Cuts `kept` (candidates at or above the gate, at least `SEED_BUFFER` of them) to its
    /// best `SEED_POOL` as [`SeedGate::offer`] does, raising the gate; returns how many are
    /// left (at the start of `kept`). For a gate made by [`SeedGate::knowing_top`].
    #[cfg(target_arch = "x86_64")]
    #[inline(never)]
    fn cut(&mut self, kept: &mut [u64]) -> usize {
        if kept.len() <= SEED_POOL {
            return kept.len();
        }
        // The SEED_POOL-th key, in its place: the largest (worst) of the first SEED_POOL.
        let (_, &mut worst, _) = kept.select_nth_unstable(SEED_POOL - 1);
        self.floor = key_value(worst);
        self.gate = self.floor.max(SEED_RATIO * self.top);
        SEED_POOL
    }

    /// Raises the floor to `floor`, a value that at least `SEED_POOL` of the pairs to be
    /// offered reach (so the best `SEED_POOL` all pass the gate).
    #[cfg(target_arch = "x86_64")]
    fn raise_floor(&mut self, floor: f32) {
        self.floor = self.floor.max(floor);
        self.gate = self.floor.max(SEED_RATIO * self.top);
    }

    #[inline(always)]
    fn offer(&mut self, pairs: &mut Vec<u64>, s: f32, i: usize, j: u16) {
        if s < self.gate {
            return;
        }
        pairs.push(rank_key(s, i as u16, j));
        self.top = self.top.max(s);
        if pairs.len() == SEED_BUFFER {
            // Keep the best SEED_POOL; later pairs must beat the worst kept.
            pairs.select_nth_unstable(SEED_POOL - 1);
            pairs.truncate(SEED_POOL);
            self.floor = pairs.iter().max().map_or(0.0, |&k| key_value(k));
        }
        self.gate = self.floor.max(SEED_RATIO * self.top);
    }
}

/// The rigid map of an alignment: A's seed minutia `pa` onto B's `pb`, turned by the angle
/// whose sine and cosine are `rs` and `rc`.
#[inline]
fn seed_map(pa: [f32; 3], pb: [f32; 3], rs: f32, rc: f32) -> impl Fn(f32, f32) -> (f32, f32) {
    let rigid = seed_rigid(pa, pb, rs, rc);
    move |x, y| rigid.apply(x, y)
}

/// [`seed_map`] as parameters: (pb.x + dx · rc) − dy · rs, (pb.y + dx · rs) + dy · rc with
/// (dx, dy) = (x, y) − pa (the operations and their order that the vector kernels repeat).
#[inline]
fn seed_rigid(pa: [f32; 3], pb: [f32; 3], rs: f32, rc: f32) -> Rigid {
    Rigid {
        pa: [pa[0], pa[1]],
        pb: [pb[0], pb[1]],
        rs,
        rc,
    }
}

/// One kept alignment: its minutiae score, A's and B's seed minutiae, the rotation, and its
/// ridge-flow factor once computed.
type Kept = (f32, [f32; 3], [f32; 3], f32, Option<f32>);

/// Seeded alignment consolidation: for each seed in `scratch.sel`, rotate and translate A onto
/// B, pair minutiae that agree in position and direction (one-to-one, similarity weighted) and
/// score the agreement relative to the minutiae expected in the overlap.
fn align_and_count(a: &Prepared, b: &Prepared, scratch: &mut Scratch) -> f32 {
    let score = align(a, b, scratch);
    // The ridge counts between the pairs the best alignment found must agree as a genuine
    // comparison's do (issue #14, tenth pass).
    let score = score
        * ridge_count::weigh(
            &a.links,
            &b.links,
            &scratch.best_pairs,
            &mut scratch.partner,
        );
    let best = with_texture(a, b, score, &scratch.best_pairs, &mut scratch.texture);
    // Only where the texture lowered the best alignment's score (its ridges agree less than
    // two different fingers' typically do) is the runner-up looked at; not where there are no
    // ridges to tell the two apart.
    let textured = !a.texture.is_empty() && !b.texture.is_empty();
    let second = if textured && best < score {
        runner_up(a, b, scratch, best)
    } else {
        0.0
    };
    #[cfg(test)]
    if second > best {
        scratch.runner_up_won += 1;
    }
    best.max(second)
}

/// The runner-up alignment (`scratch.runner_up`) judged on its own minutia pairs: its score
/// times its ridge-flow factor, weighed by the ridge counts and the texture of the pairs it
/// finds (0 when there is none, when it scores below [`TEXTURE_FROM`], or when even the
/// texture's largest factor could not lift it above `best`). The minutiae of a chance
/// alignment can outscore those of the right one by a little; their ridges cannot (issue #14,
/// sixteenth pass).
fn runner_up(a: &Prepared, b: &Prepared, scratch: &mut Scratch, best: f32) -> f32 {
    let Some((second, pa, pb, rot, factor)) = scratch.runner_up.take() else {
        return 0.0;
    };
    let portable = scratch.kernels == Kernels::Portable;
    let score = second * factor.unwrap_or_else(|| flow_factor(a, b, pa, pb, rot, portable));
    // The ridge counts' factor is at most 1.
    if score < TEXTURE_FROM || score * texture::max_factor() <= best {
        return 0.0;
    }
    pair_minutiae(a, b, scratch, pa, pb, rot);
    let score = score * ridge_count::weigh(&a.links, &b.links, &scratch.rec, &mut scratch.partner);
    with_texture(a, b, score, &scratch.rec, &mut scratch.texture)
}

/// `score` weighed by the ridge texture's agreement under the alignment of `pairs` (issue
/// #14, fifteenth pass), when it reaches [`TEXTURE_FROM`]; at most 1.
pub(super) fn with_texture(
    a: &Prepared,
    b: &Prepared,
    score: f32,
    pairs: &[(u16, u16, f32)],
    scratch: &mut TextureScratch,
) -> f32 {
    if score < TEXTURE_FROM {
        return score;
    }
    let f = texture::factor(&a.texture, &b.texture, &a.points, &b.points, pairs, scratch);
    (score * f).min(1.0)
}

/// The best alignment's score (seeds, cores, refit, warp, ridge flow); its pairs are left in
/// `scratch.best_pairs`.
fn align(a: &Prepared, b: &Prepared, scratch: &mut Scratch) -> f32 {
    // The two best alignments, best first.
    let mut kept: [Kept; 2] = [(0.0, [0.0; 3], [0.0; 3], 0.0, None); 2];
    // The pairs of the previous comparison must never be refitted against these templates.
    scratch.best_pairs.clear();
    scratch.runner_up = None;
    // `best` is the weaker of the two kept: a seed must beat it to be kept.
    let mut best = 0.0f32;
    let top = scratch.sel.first().map_or(0.0, |p| p.0);
    let mut tried = 0usize;
    for k in 0..scratch.sel.len().min(SEEDS) {
        let (sim, si, sj) = scratch.sel[k];
        // Weak seeds rarely beat a strong one; skipping them halves the work.
        if sim < SEED_RATIO * top {
            break;
        }
        tried = k + 1;
        seed_alignment(a, b, scratch, si, sj, &mut kept, &mut best);
    }
    let portable = scratch.kernels == Kernels::Portable;
    let fused = fuse(a, b, &mut kept, portable);
    if fused < CORE_SEEDS_FROM || a.cores.is_empty() || b.cores.is_empty() {
        return refit(a, b, scratch, &mut kept, fused);
    }
    core_seeds(a, b, scratch, tried);
    let mut changed = false;
    for k in 0..scratch.core_sel.len() {
        let (si, sj) = scratch.core_sel[k];
        changed |= seed_alignment(a, b, scratch, si, sj, &mut kept, &mut best);
    }
    let fused = if changed {
        fuse(a, b, &mut kept, portable)
    } else {
        fused
    };
    refit(a, b, scratch, &mut kept, fused)
}

/// Least-squares refit of the best kept alignment. A seed fixes the rotation from one
/// minutia's direction (a few degrees off, i.e. 10–17 px at 100 px from the seed); the rigid
/// map that best fits all the pairs it found (weighted by their pair weights) pairs the
/// minutiae again, and replaces the seed's alignment when it pairs at least as many minutiae
/// and turns it by at most `REFIT_MAX_TURN`. Only when the fused score reaches `REFIT_FROM`;
/// the runner-up counts as in [`fuse`] (against the seed's score).
fn refit(
    a: &Prepared,
    b: &Prepared,
    scratch: &mut Scratch,
    kept: &mut [Kept; 2],
    fused: f32,
) -> f32 {
    // Every seed has been tried: the runner-up is final (it is judged on its own pairs after
    // the ridge counts, see [`runner_up`]).
    scratch.runner_up = (kept[1].0 > 0.0 && kept[1].0 > RUNNER_UP * kept[0].0).then_some(kept[1]);
    let n0 = scratch.best_pairs.len();
    if fused < REFIT_FROM || n0 < REFIT_MIN_PAIRS {
        return fused;
    }
    let (first, pa0, pb0, rot0, factor0) = kept[0];
    let portable = scratch.kernels == Kernels::Portable;
    let (qa, qb) = rigid_fit(a, b, &scratch.best_pairs);
    let rot = qb[2];
    let refitted = (signed_diff(rot, rot0).abs() <= REFIT_MAX_TURN)
        .then(|| pair_minutiae(a, b, scratch, qa, qb, rot))
        .filter(|&(_, count)| count >= n0);
    let Some((m, count)) = refitted else {
        // The seed's alignment stays; its pairs are still in `best_pairs`.
        if n0 < WARP_MIN_PAIRS {
            return fused;
        }
        let (rs, rc) = rot0.sin_cos();
        let f = factor0.unwrap_or_else(|| {
            let rigid = seed_rigid(pa0, pb0, rs, rc);
            ridge_flow::factor_rigid(&a.flow, &b.flow, rot0, rigid, portable)
        });
        let (na, nb) = overlap(a, b, pa0, pb0, rs, rc);
        return fused.max(warp(a, b, scratch, (pa0, pb0, rot0), na * nb, f));
    };
    let (rs, rc) = rot.sin_cos();
    let (na, nb) = overlap(a, b, qa, qb, rs, rc);
    let score = (m * m / (na * nb)).min(1.0);
    let ff = ridge_flow::factor_rigid(&a.flow, &b.flow, rot, seed_rigid(qa, qb, rs, rc), portable);
    let mut out = score * ff;
    if count >= WARP_MIN_PAIRS {
        std::mem::swap(&mut scratch.best_pairs, &mut scratch.rec);
        out = out.max(warp(a, b, scratch, (qa, qb, rot), na * nb, ff));
    }
    let (second, pa, pb, rot1, factor) = &mut kept[1];
    if *second > out && *second > RUNNER_UP * first {
        let f = *factor.get_or_insert_with(|| flow_factor(a, b, *pa, *pb, *rot1, portable));
        out = out.max(*second * f);
    }
    out
}

/// The weighted least-squares rigid map of minutia pairs (A index, B index, weight): A's
/// weighted centroid (direction 0) onto B's, turned by the angle in B's third field.
fn rigid_fit(a: &Prepared, b: &Prepared, pairs: &[(u16, u16, f32)]) -> ([f32; 3], [f32; 3]) {
    let (mut sw, mut ax, mut ay, mut bx, mut by) = (0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32);
    for &(i, j, w) in pairs {
        let (p, q) = (a.points[usize::from(i)], b.points[usize::from(j)]);
        sw += w;
        ax += w * p[0];
        ay += w * p[1];
        bx += w * q[0];
        by += w * q[1];
    }
    let (ax, ay, bx, by) = (ax / sw, ay / sw, bx / sw, by / sw);
    let (mut sxx, mut sxy) = (0.0f32, 0.0f32);
    for &(i, j, w) in pairs {
        let (p, q) = (a.points[usize::from(i)], b.points[usize::from(j)]);
        let (u, v, x, y) = (p[0] - ax, p[1] - ay, q[0] - bx, q[1] - by);
        sxx += w * (u * x + v * y);
        sxy += w * (u * y - v * x);
    }
    ([ax, ay, 0.0], [bx, by, sxy.atan2(sxx)])
}

/// The ridge-flow factor of the alignment of A's `pa` onto B's `pb` turned by `rot`, with
/// the AVX2 kernel where the CPU has it unless `portable` (the same bits).
fn flow_factor(
    a: &Prepared,
    b: &Prepared,
    pa: [f32; 3],
    pb: [f32; 3],
    rot: f32,
    portable: bool,
) -> f32 {
    let (rs, rc) = rot.sin_cos();
    ridge_flow::factor_rigid(&a.flow, &b.flow, rot, seed_rigid(pa, pb, rs, rc), portable)
}

/// The ridge flows must agree under the alignment (the best product over the two kept
/// alignments: the second catches a best-scoring chance alignment of the minutiae).
fn fuse(a: &Prepared, b: &Prepared, kept: &mut [Kept; 2], portable: bool) -> f32 {
    let mut fused = 0.0f32;
    let first = kept[0].0;
    for (score, pa, pb, rot, factor) in kept.iter_mut() {
        // The runner-up counts above RUNNER_UP of the best (a tie with the best always does).
        if *score <= fused || *score <= RUNNER_UP * first && *score < first {
            break;
        }
        let f = *factor.get_or_insert_with(|| flow_factor(a, b, *pa, *pb, *rot, portable));
        fused = fused.max(*score * f);
    }
    fused
}

/// Seeds from the cores: for each pair of cores (one per print) within `MAX_ROTATION`, the
/// minutia pair that best agrees with the alignment the cores give (local similarity, less for
/// distance, within `CORE_SEED_REACH` and `CORE_SEED_ANGLE`) into `scratch.core_sel`, unless it
/// is one of the first `tried` ordinary seeds. The cylinders choose the ordinary seeds from the
/// minutiae alone; on prints with few or unrepeatable minutiae none of them may be the right
/// alignment, which the ridge flow's singular points still give.
fn core_seeds(a: &Prepared, b: &Prepared, scratch: &mut Scratch, tried: usize) {
    scratch.core_sel.clear();
    let nbp = b.ypts.len();
    let min_cos = CORE_SEED_ANGLE.cos();
    let reach2 = CORE_SEED_REACH * CORE_SEED_REACH;
    // The pairing's sieve narrows each band to the B minutiae within reach in x, in the
    // band's order (those left out would fail the distance test), unless the portable
    // kernels are asked for.
    #[cfg(target_arch = "x86_64")]
    let sieved = scratch.kernels != Kernels::Portable && scratch.sieve.for_comparison(b) > 0;
    for ca in &a.cores {
        for cb in &b.cores {
            let rot = signed_diff(cb[2], ca[2]);
            if rot.abs() > MAX_ROTATION {
                continue;
            }
            let (rs, rc) = rot.sin_cos();
            let to_b = seed_map(*ca, *cb, rs, rc);
            // The best candidate so far (its value, A index, B index); a value above
            // NEG_INFINITY only once a candidate passed.
            let mut found = (f32::NEG_INFINITY, 0usize, 0usize);
            for (i, ((ai, da), row)) in a
                .points
                .iter()
                .zip(&a.dirs)
                .zip(scratch.sim.chunks_exact(nbp))
                .enumerate()
            {
                let (x, y) = to_b(ai[0], ai[1]);
                let (ux, uy) = (da[0] * rc - da[1] * rs, da[1] * rc + da[0] * rs);
                let lo = b.y_from(y - CORE_SEED_REACH);
                let hi = b.y_from(y + CORE_SEED_REACH + Y_BUCKET).max(lo);
                let (Some(ss), Some(ps), Some(js)) =
                    (row.get(lo..hi), b.ypts.get(lo..hi), b.by_y.get(lo..hi))
                else {
                    continue;
                };
                // Without data-dependent branches, as in the pairing: about half the
                // candidates fail a test, and a branch per test would mispredict. A passing
                // candidate's value is above 0.5 s > 0, so NEG_INFINITY never wins.
                let mut consider = |s: f32, p: &[f32; 4], j: u16| {
                    let (ex, ey) = (x - p[0], y - p[1]);
                    let d2 = ex * ex + ey * ey;
                    let ok = (s > 0.0) & (d2 <= reach2) & (ux * p[2] + uy * p[3] >= min_cos);
                    let v = s * (1.0 - 0.5 * d2.sqrt() / CORE_SEED_REACH);
                    let v = if ok { v } else { f32::NEG_INFINITY };
                    if v > found.0 {
                        found = (v, i, usize::from(j));
                    }
                };
                #[cfg(target_arch = "x86_64")]
                if let Some(sets) = sieved
                    .then(|| scratch.sieve.near(lo, hi, x, CORE_SEED_REACH))
                    .flatten()
                {
                    // Ascending ranks: the band's order, so ties go the same way.
                    for (w, &set) in sets.iter().enumerate() {
                        let mut bits = set;
                        while bits != 0 {
                            let r = 64 * w + bits.trailing_zeros() as usize;
                            bits &= bits - 1;
                            if let (Some(&s), Some(p), Some(&j)) =
                                (row.get(r), b.ypts.get(r), b.by_y.get(r))
                            {
                                consider(s, p, j);
                            }
                        }
                    }
                    continue;
                }
                for ((&s, p), &j) in ss.iter().zip(ps).zip(js) {
                    consider(s, p, j);
                }
            }
            if found.0 > f32::NEG_INFINITY {
                let (_, i, j) = found;
                let ordinary = scratch.sel[..tried]
                    .iter()
                    .any(|&(_, si, sj)| (si, sj) == (i, j));
                if !ordinary && !scratch.core_sel.contains(&(i, j)) {
                    scratch.core_sel.push((i, j));
                }
            }
        }
    }
}

/// One seeded alignment: A's minutia `si` onto B's `sj`; the alignment enters `kept` when its
/// score beats `best` (the weaker kept one; then `true`).
fn seed_alignment(
    a: &Prepared,
    b: &Prepared,
    scratch: &mut Scratch,
    si: usize,
    sj: usize,
    kept: &mut [Kept; 2],
    best: &mut f32,
) -> bool {
    let (Some(&pa), Some(&pb)) = (a.points.get(si), b.points.get(sj)) else {
        return false;
    };
    let rot = signed_diff(pb[2], pa[2]);
    let (m, count) = pair_minutiae(a, b, scratch, pa, pb, rot);
    // The overlap counts are floored at MIN_OVERLAP: skip them when even that cannot win.
    if count < 2 || m * m <= *best * MIN_OVERLAP * MIN_OVERLAP {
        return false;
    }
    let (rs, rc) = rot.sin_cos();
    // (The AVX2 kernel wherever the CPU has AVX2, AVX-512 CPUs included, unless the portable
    // kernels are asked for: the same counts.)
    #[cfg(target_arch = "x86_64")]
    let avx2_side = scratch.kernels != Kernels::Portable;
    #[cfg(target_arch = "x86_64")]
    let na = match avx2_side
        .then(|| avx2::overlap_a(a, b, pa, pb, rs, rc))
        .flatten()
    {
        Some(n) => (n as f32).max(MIN_OVERLAP),
        None => overlap_a(a, b, pa, pb, rs, rc),
    };
    #[cfg(not(target_arch = "x86_64"))]
    let na = overlap_a(a, b, pa, pb, rs, rc);
    // Same test with B's count at its floor: skip B's count when even that cannot win.
    if m * m <= *best * na * MIN_OVERLAP {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    let nb = match avx2_side
        .then(|| avx2::overlap_b(a, b, pa, pb, rs, rc))
        .flatten()
    {
        Some(n) => (n as f32).max(MIN_OVERLAP),
        None => overlap_b(a, b, pa, pb, rs, rc),
    };
    #[cfg(not(target_arch = "x86_64"))]
    let nb = overlap_b(a, b, pa, pb, rs, rc);
    let score = (m * m / (na * nb)).min(1.0);
    if score > *best {
        if score > kept[0].0 {
            kept[1] = kept[0];
            kept[0] = (score, pa, pb, rot, None);
            std::mem::swap(&mut scratch.best_pairs, &mut scratch.rec);
        } else {
            kept[1] = (score, pa, pb, rot, None);
        }
        *best = kept[1].0.max(RUNNER_UP * kept[0].0);
        return true;
    }
    false
}

/// The overlap counts of an alignment (A's `pa` onto B's `pb`, turned by the angle whose sine
/// and cosine are `rs` and `rc`), floored at MIN_OVERLAP: A's minutiae that fall where B was
/// observed, and B's that fall where A was.
fn overlap(a: &Prepared, b: &Prepared, pa: [f32; 3], pb: [f32; 3], rs: f32, rc: f32) -> (f32, f32) {
    (
        overlap_a(a, b, pa, pb, rs, rc),
        overlap_b(a, b, pa, pb, rs, rc),
    )
}

/// A's side of [`overlap`].
fn overlap_a(a: &Prepared, b: &Prepared, pa: [f32; 3], pb: [f32; 3], rs: f32, rc: f32) -> f32 {
    let to_b = seed_map(pa, pb, rs, rc);
    let na_ov = a
        .points
        .iter()
        .filter(|p| {
            let (x, y) = to_b(p[0], p[1]);
            b.area.contains(x, y)
        })
        .count();
    (na_ov as f32).max(MIN_OVERLAP)
}

/// B's side of [`overlap`].
fn overlap_b(a: &Prepared, b: &Prepared, pa: [f32; 3], pb: [f32; 3], rs: f32, rc: f32) -> f32 {
    let inv = |p: &[f32; 3]| {
        let (dx, dy) = (p[0] - pb[0], p[1] - pb[1]);
        (pa[0] + dx * rc + dy * rs, pa[1] - dx * rs + dy * rc)
    };
    let nb_ov = b
        .points
        .iter()
        .filter(|p| {
            let (x, y) = inv(p);
            a.area.contains(x, y)
        })
        .count();
    (nb_ov as f32).max(MIN_OVERLAP)
}

/// An A minutia mapped into B and the B minutiae in its y band (see [`collect_candidates`]).
struct Band<'a> {
    /// A's index.
    i: u16,
    /// Mapped position.
    x: f32,
    y: f32,
    /// Mapped unit direction.
    ux: f32,
    uy: f32,
    /// Position tolerance and its square.
    tol: f32,
    tol2: f32,
    /// Cosine of the direction tolerance.
    min_cos: f32,
    /// The band's local similarities (A's row), B minutiae (`ypts`) and B indices (`by_y`).
    ss: &'a [f32],
    ps: &'a [[f32; 4]],
    js: &'a [u16],
}

/// The pairing candidates of an alignment (A's `pa` onto B's `pb`, turned by `rot`) into
/// `scratch.cand` as [`rank_key`]s (weight, A index, B index): for each A minutia, `band`
/// pushes the B minutiae of its y band that agree in position (a tolerance growing with the
/// distance from `pa`) and direction, with a similarity, weighted by similarity less for
/// distance: `s · (1 − 0.8 · d / tol)`.
#[inline(always)]
fn collect_candidates(
    a: &Prepared,
    b: &Prepared,
    scratch: &mut Scratch,
    pa: [f32; 3],
    pb: [f32; 3],
    rot: f32,
    mut band: impl FnMut(&mut Vec<u64>, &Band<'_>),
) {
    let min_cos = ANGLE_TOL.cos();
    let nbp = b.ypts.len();
    let (rs, rc) = rot.sin_cos();
    let to_b = seed_map(pa, pb, rs, rc);
    // B's y range widened by more than the largest tolerance: an A minutia mapped outside it
    // has no B minutia within `tol` (about a fifth of them, whose band would be empty).
    let reach = DIST_TOL_MAX + Y_BUCKET;
    let y_min = b.ypts.first().map_or(0.0, |p| p[1]) - reach;
    let y_max = b.ypts.last().map_or(0.0, |p| p[1]) + reach;
    // The same for x ([`X_REACH`]).
    let (x_min, x_max) = (b.x_range[0] - X_REACH, b.x_range[1] + X_REACH);
    let cand = &mut scratch.cand;
    cand.clear();
    for (i, ((ai, da), row)) in a
        .points
        .iter()
        .zip(&a.dirs)
        .zip(scratch.sim.chunks_exact(nbp))
        .enumerate()
    {
        let (x, y) = to_b(ai[0], ai[1]);
        if !(y >= y_min && y <= y_max && x >= x_min && x <= x_max) {
            continue;
        }
        let (rx, ry) = (ai[0] - pa[0], ai[1] - pa[1]);
        let tol = (DIST_TOL + DIST_TOL_SLOPE * (rx * rx + ry * ry).sqrt()).min(DIST_TOL_MAX);
        let tol2 = tol * tol;
        let (ux, uy) = (da[0] * rc - da[1] * rs, da[1] * rc + da[0] * rs);
        // B minutiae within `tol` of the mapped position, found through the y order (the
        // similarity row is in the same order). Candidates within the y band are tested
        // without data-dependent branches (about half of them are direction-incompatible,
        // which a branch would mispredict).
        let lo = b.y_from(y - tol);
        let hi = b.y_from(y + tol + Y_BUCKET).max(lo);
        let (Some(ss), Some(ps), Some(js)) =
            (row.get(lo..hi), b.ypts.get(lo..hi), b.by_y.get(lo..hi))
        else {
            continue;
        };
        band(
            cand,
            &Band {
                i: i as u16,
                x,
                y,
                ux,
                uy,
                tol,
                tol2,
                min_cos,
                ss,
                ps,
                js,
            },
        );
    }
}

/// Pairs the minutiae under an alignment (A's `pa` onto B's `pb`, turned by `rot`): pairs that
/// agree in position (a tolerance growing with the distance from `pa`) and direction,
/// one-to-one, greedy by weight (local similarity, less for distance). Returns the summed
/// weight and the count; the pairs, in pairing order, are left in `scratch.rec`.
#[inline]
fn pair_minutiae(
    a: &Prepared,
    b: &Prepared,
    scratch: &mut Scratch,
    pa: [f32; 3],
    pb: [f32; 3],
    rot: f32,
) -> (f32, usize) {
    // With AVX-512 where the CPU has it (see `matcher_avx512.rs`), else AVX2
    // (`matcher_avx2.rs`), else the portable band (as `scratch.kernels` allows).
    #[cfg(target_arch = "x86_64")]
    let done = match scratch.kernels {
        Kernels::Auto => {
            avx512::pair_candidates(a, b, scratch, pa, pb, rot)
                || avx2::pair_candidates(a, b, scratch, pa, pb, rot)
        }
        Kernels::Avx2 => avx2::pair_candidates(a, b, scratch, pa, pb, rot),
        Kernels::Portable => false,
    };
    #[cfg(not(target_arch = "x86_64"))]
    let done = false;
    if !done {
        collect_candidates(a, b, scratch, pa, pb, rot, push_band);
    }
    take_greedy(scratch)
}

/// The portable band: pushes the B minutiae of `band` that agree in position and direction
/// with a similarity into `cand`, weighted `s · (1 − 0.8 · d / tol)` (the tests without
/// data-dependent branches: about half the candidates are direction-incompatible, which a
/// branch would mispredict).
#[inline(always)]
fn push_band(cand: &mut Vec<u64>, band: &Band<'_>) {
    for ((&s, p), &j) in band.ss.iter().zip(band.ps).zip(band.js) {
        let (ex, ey) = (band.x - p[0], band.y - p[1]);
        let d2 = ex * ex + ey * ey;
        let ok = (s > 0.0) & (d2 <= band.tol2) & (band.ux * p[2] + band.uy * p[3] >= band.min_cos);
        if ok {
            let w = s * (1.0 - 0.8 * d2.sqrt() / band.tol);
            cand.push(rank_key(w, band.i, j));
        }
    }
}

/// One-to-one pairing of `scratch.cand`, greedy by weight: the summed weight and the count;
/// the pairs, in pairing order, into `scratch.rec`.
#[inline(always)]
fn take_greedy(scratch: &mut Scratch) -> (f32, usize) {
    scratch.cand.sort_unstable();
    scratch.used_a.fill(false);
    scratch.used_b.fill(false);
    scratch.rec.clear();
    let mut m = 0.0f32;
    for &k in scratch.cand.iter() {
        let (i, j) = (key_i(k), key_j(k));
        let (Some(ua), Some(ub)) = (scratch.used_a.get_mut(i), scratch.used_b.get_mut(j)) else {
            continue;
        };
        if *ua || *ub {
            continue;
        }
        *ua = true;
        *ub = true;
        let w = key_value(k);
        m += w;
        scratch.rec.push((i as u16, j as u16, w));
    }
    (m, scratch.rec.len())
}

/// Warped re-pairing (elastic distortion): a rigid alignment (A's `pa` onto B's `pb`, turned
/// by `rot`) leaves its pairs (`scratch.best_pairs`) with residual displacements that vary
/// smoothly over a distorted print. Each A minutia is moved by the kernel-weighted mean of the
/// residuals around it (biweight kernel of reach `WARP_RADIUS`, pair weights, plus `WARP_SHRINK` of zero
/// displacement) and paired again with the same tolerances; `WARP_ROUNDS` rounds, each from
/// the last round's pairs while they do not shrink. Returns the best round's score: its
/// minutiae score over the rigid alignment's overlap product `overlap` (the observed areas do
/// not move with the warp), times the alignment's ridge-flow `factor`. Overwrites
/// `scratch.best_pairs`.
fn warp(
    a: &Prepared,
    b: &Prepared,
    scratch: &mut Scratch,
    (pa, pb, rot): ([f32; 3], [f32; 3], f32),
    overlap: f32,
    factor: f32,
) -> f32 {
    let nbp = b.ypts.len();
    let (rs, rc) = rot.sin_cos();
    let to_b = seed_map(pa, pb, rs, rc);
    let inv_r2 = 1.0 / (WARP_RADIUS * WARP_RADIUS);
    let min_cos = ANGLE_TOL.cos();
    let mut best = 0.0f32;
    for _ in 0..WARP_ROUNDS {
        let n0 = scratch.best_pairs.len();
        scratch.residuals.clear();
        for &(i, j, w) in &scratch.best_pairs {
            let (Some(p), Some(q)) = (a.points.get(usize::from(i)), b.points.get(usize::from(j)))
            else {
                continue;
            };
            let (x, y) = to_b(p[0], p[1]);
            scratch.residuals.push([p[0], p[1], q[0] - x, q[1] - y, w]);
        }
        // The AVX2 kernel wherever the CPU has AVX2, AVX-512 CPUs included (see
        // `matcher_avx2.rs`), unless the portable kernels are asked for; else the portable
        // loop: the same candidates.
        #[cfg(target_arch = "x86_64")]
        let done = scratch.kernels != Kernels::Portable
            && avx2::warp_candidates(a, b, scratch, pa, pb, rot);
        #[cfg(not(target_arch = "x86_64"))]
        let done = false;
        if !done {
            scratch.cand.clear();
            for (i, ((ai, da), row)) in a
                .points
                .iter()
                .zip(&a.dirs)
                .zip(scratch.sim.chunks_exact(nbp))
                .enumerate()
            {
                let (x, y) = to_b(ai[0], ai[1]);
                let (rx, ry) = (ai[0] - pa[0], ai[1] - pa[1]);
                let tol =
                    (DIST_TOL + DIST_TOL_SLOPE * (rx * rx + ry * ry).sqrt()).min(DIST_TOL_MAX);
                let (ux, uy) = (da[0] * rc - da[1] * rs, da[1] * rc + da[0] * rs);
                let (mut sx, mut sy, mut sw) = (0.0f32, 0.0f32, 0.0f32);
                for r in &scratch.residuals {
                    let (ex, ey) = (ai[0] - r[0], ai[1] - r[1]);
                    let u = (1.0 - (ex * ex + ey * ey) * inv_r2).max(0.0);
                    let g = r[4] * (u * u);
                    sx += g * r[2];
                    sy += g * r[3];
                    sw += g;
                }
                let den = sw + WARP_SHRINK;
                let (x, y) = (x + sx / den, y + sy / den);
                let lo = b.y_from(y - tol);
                let hi = b.y_from(y + tol + Y_BUCKET).max(lo);
                let (Some(ss), Some(ps), Some(js)) =
                    (row.get(lo..hi), b.ypts.get(lo..hi), b.by_y.get(lo..hi))
                else {
                    continue;
                };
                let band = Band {
                    i: i as u16,
                    x,
                    y,
                    ux,
                    uy,
                    tol,
                    tol2: tol * tol,
                    min_cos,
                    ss,
                    ps,
                    js,
                };
                push_band(&mut scratch.cand, &band);
            }
        }
        let (m, count) = take_greedy(scratch);
        best = best.max((m * m / overlap).min(1.0) * factor);
        if count < n0 {
            break;
        }
        std::mem::swap(&mut scratch.best_pairs, &mut scratch.rec);
    }
    best
}

#[cfg(target_arch = "x86_64")]
#[path = "matcher_avx512.rs"]
mod avx512;

#[cfg(target_arch = "x86_64")]
#[path = "matcher_avx2.rs"]
mod avx2;

#[cfg(test)]
#[path = "matcher_reference.rs"]
mod reference;

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng, rngs::StdRng};

    use super::super::ridge_flow::{RidgeFlow, level_angle, level_of};
    use super::super::template::StoredMinutia;
    use super::super::test_support::{fvc_dir, random_template};
    use super::*;

    /// `t` moved like another impression: rotated, translated, jittered, with minutiae lost
    /// and spurious ones added.
    fn impression_of(t: &Template, seed: u64) -> Template {
        let mut rng = StdRng::seed_from_u64(seed);
        let rot: f32 = rng.gen_range(-1.2..1.2);
        let (tx, ty): (f32, f32) = (rng.gen_range(-40.0..40.0), rng.gen_range(-40.0..40.0));
        let (s, c) = rot.sin_cos();
        let turn = (rot / TAU * 256.0).round() as i32;
        let mut minutiae: Vec<StoredMinutia> = Vec::new();
        for m in &t.minutiae {
            if rng.gen_bool(0.2) {
                continue;
            }
            let (x, y) = (f32::from(m.x) - 200.0, f32::from(m.y) - 200.0);
            let nx = 200.0 + x * c - y * s + tx + rng.gen_range(-3.0..3.0);
            let ny = 200.0 + x * s + y * c + ty + rng.gen_range(-3.0..3.0);
            minutiae.push(StoredMinutia {
                x: nx.clamp(0.0, 1000.0) as u16,
                y: ny.clamp(0.0, 1000.0) as u16,
                angle: (i32::from(m.angle) + turn + rng.gen_range(-3..=3)).rem_euclid(256) as u8,
                ..*m
            });
        }
        minutiae.extend(random_template(seed ^ 0x5eed, 6).minutiae);
        // The same ridge flow, moved like the minutiae (cells sampled back in the original).
        let mut flow = t.flow.clone();
        for (k, cell) in flow.cells.iter_mut().enumerate() {
            let cols = usize::from(t.flow.cols);
            let (left, top) = (f32::from(t.flow.left), f32::from(t.flow.top));
            let cx = ((k % cols) as f32 + left + 0.5) * CELL_PX - 200.0 - tx;
            let cy = ((k / cols) as f32 + top + 0.5) * CELL_PX - 200.0 - ty;
            let (ox, oy) = (200.0 + cx * c + cy * s, 200.0 - cx * s + cy * c);
            let level = t.flow.at(ox, oy);
            *cell = if level == 0 {
                0
            } else {
                level_of((level_angle(level) + rot).rem_euclid(PI))
            };
        }
        Template {
            minutiae,
            flow,
            ..t.clone()
        }
    }

    const CELL_PX: f32 = ridge_flow::CELL as f32;

    /// A print under a smooth elastic distortion (a bend that grows with the square of the
    /// distance from the centre, up to ≈ 40 px at the corners) loses its far minutiae under the
    /// rigid alignment's tolerance (10 px + 8 % of the distance, ≤ 24 px); the warp follows the
    /// residuals of the near pairs outwards and pairs them again.
    #[test]
    fn warp_pairs_again_the_minutiae_a_distortion_moved_out_of_tolerance() {
        let t = random_template(41, 45);
        let mut bent = t.clone();
        for m in &mut bent.minutiae {
            let (x, y) = (f32::from(m.x) - 200.0, f32::from(m.y) - 200.0);
            let push = 0.25 * ((x * x + y * y).sqrt() - 60.0).max(0.0);
            m.x = (200.0 + x + 0.8 * push).round() as u16;
            m.y = (200.0 + y - 0.6 * push).round() as u16;
        }
        let (a, b) = (prepare(&t), prepare(&bent));
        let mut scratch = Scratch::default();
        let whole = compare_with(&a, &b, &mut scratch);
        // The identity alignment at the centre, where the bend is nil.
        let centre = [200.0, 200.0, 0.0];
        let (m, rigid) = pair_minutiae(&a, &b, &mut scratch, centre, centre, 0.0);
        std::mem::swap(&mut scratch.best_pairs, &mut scratch.rec);
        let overlap = 45.0 * 45.0;
        let warped = warp(&a, &b, &mut scratch, (centre, centre, 0.0), overlap, 1.0);
        let after = scratch.best_pairs.len();
        assert!(
            after >= rigid + 8 && after >= 40,
            "pairs: rigid {rigid}, warped {after} of 45"
        );
        assert!(
            warped > 1.5 * (m * m / overlap),
            "{warped} vs {}",
            m * m / overlap
        );
        // And the whole comparison finds it (its own seeds, refit and warp).
        assert!(whole >= warped * 0.9, "{whole} vs {warped}");
    }

    /// The template with ridge counts as geometry gives them (one ridge per 9 px between two
    /// minutiae), each count off by one in about a third of the links (seeded).
    fn with_counts(mut t: Template, seed: u64) -> Template {
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
        let near = ridge_count::neighbours(&t.minutiae);
        t.ridge_counts = near
            .iter()
            .zip(&t.minutiae)
            .map(|(row, m)| {
                row.map(|j| match t.minutiae.get(usize::from(j)) {
                    Some(o) => {
                        let d = (f32::from(o.x) - f32::from(m.x))
                            .hypot(f32::from(o.y) - f32::from(m.y));
                        ((d / 9.0) as u8 + u8::from(rng.gen_range(0..3) == 0)).min(14)
                    }
                    None => ridge_count::UNKNOWN,
                })
            })
            .collect();
        t
    }

    /// A template with a ridge texture: rings of period 9 px about a centre that depends on
    /// `seed` (the comparisons only need both sides to have one, so the factor is computed).
    fn with_texture(mut t: Template, seed: u64) -> Template {
        let (cx, cy) = (
            150.0 + (seed % 7) as f32 * 15.0,
            180.0 + (seed % 5) as f32 * 10.0,
        );
        let (w, h) = (400usize, 400usize);
        let image = super::super::raster::Gray {
            width: w,
            height: h,
            data: (0..w * h)
                .map(|k| {
                    let (x, y) = ((k % w) as f32, (k / w) as f32);
                    ((x - cx).hypot(y - cy) * TAU / 9.0).cos()
                })
                .collect(),
        };
        let mask = super::super::segmentation::BlockMap {
            bw: w / 8,
            bh: h / 8,
            data: vec![true; (w / 8) * (h / 8)],
        };
        t.texture = super::super::texture::RidgeTexture::from_enhanced(&image, &mask);
        t
    }

    /// A template with a smooth ridge flow over its 400 × 400 px (a gentle whorl-like field).
    fn with_flow(mut t: Template) -> Template {
        let cols = 400 / ridge_flow::CELL;
        let cells = (0..cols * cols)
            .map(|k| {
                let (x, y) = ((k % cols) as f32 - 12.0, (k / cols) as f32 - 12.0);
                if x.hypot(y) > 11.0 {
                    0
                } else {
                    level_of((y.atan2(x) + 0.5 * PI).rem_euclid(PI))
                }
            })
            .collect();
        t.flow = RidgeFlow {
            left: 0,
            top: 0,
            cols: cols as u8,
            rows: cols as u8,
            cells,
        };
        t
    }

    #[test]
    fn ridge_flow_agreement_lifts_the_score() {
        let mut lifted = 0;
        for seed in 0..20u64 {
            let t = with_flow(random_template(seed, 40));
            let genuine = impression_of(&t, seed);
            // The same minutiae with the flow turned by 90° everywhere.
            let mut crossed = genuine.clone();
            for cell in crossed.flow.cells.iter_mut().filter(|c| **c != 0) {
                *cell = level_of((level_angle(*cell) + 0.5 * PI).rem_euclid(PI));
            }
            let without = Template {
                flow: RidgeFlow::default(),
                ..genuine.clone()
            };
            let p = prepare(&t);
            let (agree, cross, none) = (
                compare(&p, &prepare(&genuine)),
                compare(&p, &prepare(&crossed)),
                compare(&p, &prepare(&without)),
            );
            // A crossed flow is worse than an unknown one, and never better than an agreeing one.
            assert!(
                cross < none && cross <= agree,
                "{seed}: {agree} {cross} {none}"
            );
            if agree > 0.1 && agree > 3.0 * cross {
                lifted += 1;
            }
        }
        assert!(lifted >= 15, "{lifted}");
    }

    #[test]
    fn direction_windows_by_lookup_are_the_binary_searches() {
        let mut rng = StdRng::seed_from_u64(25);
        for case in 0..400 {
            let n = match case {
                0 => 0,
                1 => 1,
                2 => 255,
                _ => rng.gen_range(0..120),
            };
            let mut angles: Vec<u8> = (0..n).map(|_| rng.r#gen()).collect();
            if case == 3 {
                angles = vec![0, 0, 64, 128, 192, 255, 255];
            }
            angles.sort_unstable();
            let b = Prepared {
                angle_start: angle_starts(&angles),
                angle8: angles.clone(),
                ..Prepared::default()
            };
            assert_eq!(b.angle_start.len(), 257, "{n}");
            for theta in 0..=255u8 {
                assert_eq!(
                    window_of(&b, theta),
                    direction_window(&angles, theta),
                    "{angles:?} {theta}"
                );
            }
        }
        // 256 points do not fit the byte counts: the binary searches answer.
        let many: Vec<u8> = (0..=255).collect();
        assert!(angle_starts(&many).is_empty());
        let b = Prepared {
            angle8: many.clone(),
            ..Prepared::default()
        };
        assert_eq!(window_of(&b, 7), direction_window(&many, 7));
    }

    #[test]
    fn integer_direction_window_is_the_dot_product_test() {
        let min_cos = MAX_ROTATION.cos() - 1e-6;
        let all: Vec<u8> = (0..=255).collect();
        let unit = |t: u8| {
            let (s, c) = (f32::from(t) * TAU / 256.0).sin_cos();
            [c, s]
        };
        for ta in 0..=255u8 {
            let mut inside = [false; 256];
            for (from, to) in direction_window(&all, ta) {
                for slot in &mut inside[from..to] {
                    assert!(!*slot, "{ta}: ranges overlap");
                    *slot = true;
                }
            }
            for tb in 0..=255u8 {
                let (da, db) = (unit(ta), unit(tb));
                let dot = da[0] * db[0] + da[1] * db[1] >= min_cos;
                assert_eq!(inside[usize::from(tb)], dot, "{ta} {tb}");
            }
        }
    }

    #[test]
    fn fast_comparison_is_bit_identical_to_the_reference() {
        let mut scratch = Scratch::default();
        let mut genuine_hits = 0;
        let mut checked = 0;
        let mut textured = 0;
        for seed in 0..80u64 {
            let t = random_template(seed, 16 + (seed as usize * 7) % 50);
            let other = random_template(seed + 1000, 16 + (seed as usize * 11) % 50);
            // Half the seeds carry a ridge flow, so the flow factor is checked too.
            let (t, other) = if seed % 2 == 0 {
                (with_flow(t), with_flow(other))
            } else {
                (t, other)
            };
            let q = impression_of(&t, seed);
            // Two seeds in three carry ridge counts, so their agreement is checked too.
            let (t, q, other) = if seed % 3 != 2 {
                (
                    with_counts(t, seed),
                    with_counts(q, seed + 1),
                    with_counts(other, seed + 2),
                )
            } else {
                (t, q, other)
            };
            // One seed in three carries a ridge texture, so its factor is checked too.
            let (t, q, other) = if seed % 3 == 1 {
                (
                    with_texture(t, seed),
                    with_texture(q, seed),
                    with_texture(other, seed + 3),
                )
            } else {
                (t, q, other)
            };
            let (p, q, r) = (prepare(&t), prepare(&q), prepare(&other));
            for (x, y) in [(&p, &q), (&q, &p), (&p, &r), (&r, &q)] {
                let fast = compare_with(x, y, &mut scratch);
                let slow = reference::compare(x, y);
                if !x.texture.is_empty() && fast >= TEXTURE_FROM {
                    textured += 1;
                }
                assert_eq!(
                    fast.to_bits(),
                    slow.to_bits(),
                    "seed {seed}: {fast} vs {slow}"
                );
                checked += 1;
            }
            if reference::compare(&p, &q) > 0.1 {
                genuine_hits += 1;
            }
        }
        assert_eq!(checked, 320);
        // The genuine-like pairs exercise the alignment, not only the zero paths.
        assert!(genuine_hits >= 60, "{genuine_hits}");
        assert!(
            textured >= 20,
            "comparisons weighed by the texture: {textured}"
        );
    }

    /// On real prints, the runner-up alignment included: 101_5 against 110_3 and 101_1
    /// against 103_7 are scored by it.
    #[test]
    fn fast_comparison_is_bit_identical_on_real_prints() {
        let dir = fvc_dir("FVC2002_DB3_B");
        let names = [
            "105_1", "105_2", "109_1", "110_1", "110_4", "101_1", "101_5", "110_3", "103_7",
        ];
        let prints: Vec<Prepared> = names
            .iter()
            .map(|n| {
                let bytes = std::fs::read(dir.join(format!("{n}.tif"))).expect("FVC image");
                prepare(&super::super::extract(&bytes, 500).expect("usable").template)
            })
            .collect();
        let mut scratch = Scratch::default();
        for a in &prints {
            for b in &prints {
                let fast = compare_with(a, b, &mut scratch);
                assert_eq!(fast.to_bits(), reference::compare(a, b).to_bits());
            }
        }
        assert!(
            scratch.runner_up_won >= 2,
            "comparisons the runner-up gave: {}",
            scratch.runner_up_won
        );
    }

    /// The AVX-512 and the AVX2 local stage and pairing (where the CPU has them) give the
    /// portable ones' bits: the same scores, similarity rows, best local similarity
    /// and alignment seeds, on real prints (two FVC sets, genuine and impostor pairs) and on
    /// random templates and impressions of them (some with fewer than four minutiae, one with
    /// 150).
    #[test]
    fn vector_kernels_are_bit_identical_to_the_portable_ones() {
        #[cfg(target_arch = "x86_64")]
        let (has512, has2) = (avx512::available(), avx2::available());
        #[cfg(not(target_arch = "x86_64"))]
        let (has512, has2) = (false, false);
        if !has512 {
            eprintln!("no AVX-512 on this CPU: its kernels are not checked");
        }
        if !has2 {
            eprintln!("no AVX2 on this CPU: its kernel is not checked");
        }
        let mut prints: Vec<Prepared> = Vec::new();
        for (set, names) in [
            (
                "FVC2002_DB3_B",
                ["101_1", "101_2", "105_1", "105_2", "109_1", "110_4"],
            ),
            (
                "FVC2004_DB1_B",
                ["101_1", "101_3", "102_2", "103_1", "103_5", "107_7"],
            ),
        ] {
            let dir = fvc_dir(set);
            for n in names {
                let bytes = std::fs::read(dir.join(format!("{n}.tif"))).expect("FVC image");
                let t = super::super::extract(&bytes, 500).expect("usable").template;
                prints.push(prepare(&t));
            }
        }
        for seed in 0..6u64 {
            prints.push(prepare(&random_template(seed, 12 + 9 * seed as usize)));
        }
        for (seed, n) in [(7u64, 3usize), (8, 4), (9, 5)] {
            prints.push(prepare(&random_template(seed, n)));
        }
        // Sizes around the AVX2 kernels' lanes (blocks of eight A minutiae, steps of eight B
        // minutiae of a band: fewer, exactly eight, a partial last block), and a crowded
        // template with an impression of it (many blocks, bands at both ends of B, pairs).
        for (seed, n) in [(10u64, 7usize), (11, 8), (12, 9), (13, 17)] {
            let t = random_template(seed, n);
            prints.push(prepare(&impression_of(&t, seed)));
            prints.push(prepare(&t));
        }
        let crowded = random_template(14, 150);
        prints.push(prepare(&impression_of(&crowded, 3)));
        prints.push(prepare(&crowded));
        for kernels in [Kernels::Auto, Kernels::Avx2] {
            let (mut fast, mut portable) = (Scratch::with_kernels(kernels), Scratch::portable());
            let mut seeded = 0;
            for a in &prints {
                for b in &prints {
                    let (sf, sp) = (
                        compare_with(a, b, &mut fast),
                        compare_with(a, b, &mut portable),
                    );
                    assert_eq!(sf.to_bits(), sp.to_bits(), "{kernels:?}: {sf} vs {sp}");
                    assert_eq!(fast.sel, portable.sel, "{kernels:?}");
                    seeded += usize::from(!fast.sel.is_empty());
                    // (`local_stage` is only called with two cylinders or more.)
                    if a.cylinders.len() < 2 || b.cylinders.len() < 2 {
                        continue;
                    }
                    let (tf, tp) = (
                        local_stage(a, b, &mut fast),
                        local_stage(a, b, &mut portable),
                    );
                    assert_eq!(tf.to_bits(), tp.to_bits(), "{kernels:?}");
                    let bits = |s: &Scratch| s.sim.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&fast), bits(&portable), "{kernels:?}");
                    // The seed candidates as `compare_with` uses them.
                    let seeds = |s: &Scratch, top: f32| {
                        let mut p: Vec<u64> = s
                            .pairs
                            .iter()
                            .copied()
                            .filter(|&k| key_value(k) >= SEED_RATIO * top)
                            .collect();
                        p.sort_unstable();
                        p.truncate(SEED_POOL);
                        p
                    };
                    assert_eq!(seeds(&fast, tf), seeds(&portable, tp), "{kernels:?}");
                }
            }
            assert!(seeded > prints.len() * prints.len() / 2, "{seeded}");
            // The AVX2 seed scan's floor from the rows' maxima skipped rows here.
            if has2 && kernels == Kernels::Avx2 {
                assert!(fast.rows_skipped > 0);
            }
        }
    }

    /// The AVX2 pairing through its sieve pushes exactly the portable band's keys: templates of
    /// 8 to 300 minutiae (one to four words per set, and beyond), alignments from seed pairs,
    /// shifted, turned by any angle, far off, and turns that are not numbers.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sieved_pairing_pushes_the_band_walks_keys() {
        if !avx2::available() {
            return;
        }
        let mut rng = StdRng::seed_from_u64(26);
        let (mut sieved, mut built) = (0, 0);
        for (k, n) in [8usize, 9, 16, 33, 64, 65, 100, 140, 200, 256, 300]
            .into_iter()
            .enumerate()
        {
            let t = random_template(200 + k as u64, n);
            let (a, b) = (prepare(&impression_of(&t, k as u64)), prepare(&t));
            if a.cylinders.len() < 2 || b.cylinders.len() < 2 {
                continue;
            }
            let (mut fast, mut portable) =
                (Scratch::with_kernels(Kernels::Avx2), Scratch::portable());
            local_stage(&a, &b, &mut fast);
            local_stage(&a, &b, &mut portable);
            let bits = |s: &Scratch| s.sim.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&fast), bits(&portable));
            for round in 0..300 {
                let (Some(&pa), Some(&pb)) = (
                    a.points.get(rng.gen_range(0..a.points.len())),
                    b.points.get(rng.gen_range(0..b.points.len())),
                ) else {
                    continue;
                };
                let shift = |p: [f32; 3], rng: &mut StdRng, far: f32| {
                    [
                        p[0] + rng.gen_range(-far..=far),
                        p[1] + rng.gen_range(-far..=far),
                        p[2],
                    ]
                };
                let far = if round % 10 == 0 { 2000.0 } else { 6.0 };
                let (pa, pb) = (shift(pa, &mut rng, far), shift(pb, &mut rng, far));
                let rot = match round % 13 {
                    0 => f32::NAN,
                    1 => PI,
                    2 => -PI,
                    3 => 1e5,
                    4 => 0.0,
                    _ => signed_diff(pb[2], pa[2]) + rng.gen_range(-0.3..=0.3),
                };
                assert!(avx2::pair_candidates(&a, &b, &mut fast, pa, pb, rot));
                collect_candidates(&a, &b, &mut portable, pa, pb, rot, push_band);
                let (mut f, mut p) = (fast.cand.clone(), portable.cand.clone());
                f.sort_unstable();
                p.sort_unstable();
                assert_eq!(f, p, "n {n}, round {round}: {pa:?} → {pb:?} by {rot}");
                sieved += usize::from(!p.is_empty());
            }
            // (B of 8 to 256 minutiae: the sieve served these alignments.)
            built += usize::from(fast.sieve.for_comparison(&b) > 0);
        }
        assert!(sieved > 1000, "{sieved}");
        assert!(built >= 6, "{built}");
    }

    /// The AVX2 overlap counts (where the CPU has AVX2) are the portable ones, under alignments
    /// that move some minutiae outside the other print, far away, or exactly onto its edges.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_overlap_counts_are_the_portable_ones() {
        if !avx2::available() {
            eprintln!("no AVX2 on this CPU: its overlap counts are not checked");
            return;
        }
        let mut rng = StdRng::seed_from_u64(5);
        let prints: Vec<Prepared> = [(21u64, 8usize), (22, 9), (23, 30), (24, 70)]
            .iter()
            .map(|&(seed, n)| prepare(&random_template(seed, n)))
            .collect();
        let mut checked = 0;
        for a in &prints {
            for b in &prints {
                for _ in 0..200 {
                    let pa = a.points[rng.gen_range(0..a.points.len())];
                    let pb = match rng.gen_range(0..3) {
                        0 => b.points[rng.gen_range(0..b.points.len())],
                        1 => [
                            rng.gen_range(-500.0..900.0),
                            rng.gen_range(-500.0..900.0),
                            0.0,
                        ],
                        // Whole cells: points land on the grid's cell edges.
                        _ => [
                            b.area.x0 + 8.0 * rng.gen_range(-2..60) as f32,
                            b.area.y0 + 8.0 * rng.gen_range(-2..60) as f32,
                            0.0,
                        ],
                    };
                    let rot = if rng.gen_bool(0.3) {
                        0.0
                    } else {
                        rng.gen_range(-PI..PI)
                    };
                    let (rs, rc) = rot.sin_cos();
                    let va =
                        avx2::overlap_a(a, b, pa, pb, rs, rc).map(|n| (n as f32).max(MIN_OVERLAP));
                    let vb =
                        avx2::overlap_b(a, b, pa, pb, rs, rc).map(|n| (n as f32).max(MIN_OVERLAP));
                    if let Some(va) = va {
                        assert_eq!(va, overlap_a(a, b, pa, pb, rs, rc));
                        checked += 1;
                    }
                    if let Some(vb) = vb {
                        assert_eq!(vb, overlap_b(a, b, pa, pb, rs, rc));
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 2000, "{checked}");
    }

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
