//! The sieve of the AVX2 pairing: which B minutiae an A minutia, once mapped by an alignment,
//! may pair with, as sets of B's minutiae (one bit per y rank) built once per comparison and
//! intersected per alignment, eight A minutiae at a time. Owns those sets, the pairing step
//! that tests the B minutiae left in each intersection (the seeds' pairings and the warp's),
//! and the band-and-x narrowing the core seeds' search reads ([`Sieve::near`]).
//!
//! Why: the band walk (`walk_lanes` in `matcher_avx2.rs`) tests every B minutia within the y
//! band of each mapped A minutia, about eight per A minutia, of which a few hundredths pair:
//! the band spans B's whole width and every direction. That walk was a fifth of a
//! comparison's time. Three sets narrow it before any test: the band itself (a difference of
//! two "ranks before this y bucket" sets), the x range within the A minutia's tolerance (a
//! difference of two "ranks in the 8 px cells before this one" sets) and the 20° sector of its
//! mapped direction (the B minutiae within the direction tolerance of the sector). Each is a
//! superset of what its test lets through, with a margin for rounding, so their intersection
//! holds every candidate the band walk pushes; each B minutia in it gets the band walk's own
//! tests and weight, the same f32 operations in the same order (`push_lanes`), so the same
//! keys. Their order differs, which is free: the keys are sorted before use and all distinct.
//!
//! Must not: push a key the band walk would not push or miss one it would (the tests in
//! `matcher.rs` compare both on random alignments); use anything beyond AVX2; serve a
//! comparison it was not built for (`local_stage` clears it at the start of every one).

// The crate denies unsafe code; the feature-gated functions, the gathers and the unaligned
// loads need it.
#![allow(unsafe_code)]

use std::arch::x86_64::*;
use std::f32::consts::TAU;

use super::super::{Prepared, X_REACH, rank_key};
use super::{FLOATS, Mapped};

/// Width (px) of the x cells of [`Sieve::left`].
const CELL: f32 = 8.0;
/// Slack (px) added to the tolerance on either side of a lane's x range: covers the rounding
/// of the cells' indices and of the distance test (`d² ≤ tol²` allows |Δx| a hair over
/// `tol`).
const X_SLACK: f32 = 1.0;
/// Direction sectors of the mapped A minutiae (20° each: the pairing's `ANGLE_TOL`).
const SECTORS: usize = 18;
/// How far beyond the direction tolerance a B minutia still enters a sector's set, in
/// hundredths of a sector: 15 (3°), for the alignment's turn rounded to 1/256 turn (0.7°) and
/// the rounding of the directions.
const SECTOR_MARGIN_PERCENT: usize = 15;
const _: () = assert!(
    (super::super::ANGLE_TOL - TAU / SECTORS as f32).abs() < 1e-6,
    "one sector per direction tolerance"
);
/// For each direction in 1/256 turns, the four sectors whose sets hold a B minutia of that
/// direction: from the one a sector and the margin before it, `⌊d · S / 256 − 1 − margin⌋`
/// (exact integers), which with the next three cover a sector and the margin after it too.
const SECTORS_OF: [[u8; 4]; 256] = {
    let mut t = [[0u8; 4]; 256];
    let mut d = 0;
    while d < 256 {
        // Shifted by one turn (SECTORS) so that the division truncates a positive number.
        let shifted = d * SECTORS * 100 + (SECTORS * 100 - 100 - SECTOR_MARGIN_PERCENT) * 256;
        let from = shifted / (256 * 100);
        let mut k = 0;
        while k < 4 {
            t[d][k] = ((from + k) % SECTORS) as u8;
            k += 1;
        }
        d += 1;
    }
    t
};
/// Most words per set (B minutiae ≤ 256); larger templates walk their bands.
const MAX_WORDS: usize = 4;

/// The sets of one comparison (see the module comment), `words` 64-bit words each.
#[derive(Debug, Default)]
pub(in crate::matching::matcher) struct Sieve {
    /// Built (or declined) for the comparison under way.
    built: bool,
    /// Words per set: 1 to [`MAX_WORDS`]; 0 when the sieve declined this comparison.
    words: usize,
    /// Per bucket of `b.y_start`: the ranks before its first.
    below: Vec<u64>,
    /// Per x cell boundary `x_min + CELL · k` (k = 0 ..= cells): the ranks in the cells
    /// before it.
    left: Vec<u64>,
    /// Per direction sector: the ranks within the direction tolerance of it.
    sectors: Vec<u64>,
    /// Where the first x cell starts (the pairing's `x_min`).
    x_min: f32,
    /// Number of x cells.
    cells: usize,
}

impl Sieve {
    /// Forgets the sets: the next comparison builds its own (`local_stage` in `matcher.rs`
    /// calls this first in every comparison).
    pub(in crate::matching::matcher) fn clear(&mut self) {
        self.built = false;
    }

    /// The words per set of B's sets for the comparison under way, built at its first call;
    /// 0 when the sieve cannot serve it (B has fewer than 8 or more than 256 minutiae, or
    /// inconsistent arrays): the bands are walked then.
    pub(in crate::matching::matcher) fn for_comparison(&mut self, b: &Prepared) -> usize {
        if !self.built {
            self.built = true;
            self.words = if self.build(b) {
                b.ypts.len().div_ceil(64)
            } else {
                0
            };
        }
        self.words
    }

    /// B's sets; `false` when the sieve cannot serve B.
    fn build(&mut self, b: &Prepared) -> bool {
        let nbp = b.ypts.len();
        if !(FLOATS..=64 * MAX_WORDS).contains(&nbp)
            || b.by_y.len() != nbp
            || b.angle8.len() != nbp
            || b.y_start.is_empty()
        {
            return false;
        }
        let words = nbp.div_ceil(64);
        // A band ending past B's end is skipped by the walk: never built for one.
        self.below.clear();
        self.below.resize(b.y_start.len() * words, 0);
        for (&v, out) in b.y_start.iter().zip(self.below.chunks_exact_mut(words)) {
            let v = usize::from(v);
            if v > nbp {
                return false;
            }
            for (w, word) in out.iter_mut().enumerate() {
                let bits = v.saturating_sub(64 * w).min(64);
                *word = if bits == 64 { !0 } else { (1u64 << bits) - 1 };
            }
        }
        // The pairing's x range (`pair_candidates_avx2`), the same operations.
        let x_min = b.x_range[0] - X_REACH;
        let span = (b.x_range[1] + X_REACH) - x_min;
        if !(0.0..65_536.0).contains(&span) {
            return false;
        }
        self.x_min = x_min;
        let cells = (span * (1.0 / CELL)) as usize + 1;
        self.cells = cells;
        // Each rank into the set of the boundary after its cell, then the sets accumulated
        // from the left.
        self.left.clear();
        self.left.resize((cells + 1) * words, 0);
        self.sectors.clear();
        self.sectors.resize(SECTORS * words, 0);
        let last_cell = cells as i32 - 1;
        for (r, (p, &j)) in b.ypts.iter().zip(&b.by_y).enumerate() {
            let (word, bit) = (r / 64, 1u64 << (r % 64));
            let cell = (((p[0] - x_min) * (1.0 / CELL)) as i32).clamp(0, last_cell) as usize;
            if let Some(c) = self.left.get_mut((cell + 1) * words + word) {
                *c |= bit;
            }
            // B's direction's four sectors.
            let direction = b.angle8.get(usize::from(j)).copied().unwrap_or(0);
            for k in SECTORS_OF[usize::from(direction)] {
                if let Some(s) = self.sectors.get_mut(usize::from(k) * words + word) {
                    *s |= bit;
                }
            }
        }
        for k in words..self.left.len() {
            let before = self.left.get(k - words).copied().unwrap_or(0);
            if let Some(v) = self.left.get_mut(k) {
                *v |= before;
            }
        }
        true
    }

    /// The ranks in `lo..hi` whose x may lie within `reach` of `x` (whole 8 px cells and
    /// [`X_SLACK`] more: a superset of those within `reach`), a word per 64 ranks, the
    /// unused words 0; `None` when the sieve declined the comparison. Plain code: the core
    /// seeds' search (`matcher.rs`) narrows its bands with it.
    pub(in crate::matching::matcher) fn near(
        &self,
        lo: usize,
        hi: usize,
        x: f32,
        reach: f32,
    ) -> Option<[u64; MAX_WORDS]> {
        if self.words == 0 {
            return None;
        }
        let rel = x - self.x_min;
        // NaN gives cell 0 on both ends: no rank (nor would the distance test pass).
        let cell = |v: f32, plus: f32| {
            ((v * (1.0 / CELL)).floor() + plus).clamp(0.0, self.cells as f32) as usize
        };
        let (x_lo, x_hi) = (
            cell(rel - reach - X_SLACK, 0.0),
            cell(rel + reach + X_SLACK, 1.0),
        );
        let below = |n: usize, w: usize| match n.saturating_sub(64 * w).min(64) {
            64 => !0u64,
            bits => (1u64 << bits) - 1,
        };
        let left = |k: usize, w: usize| self.left.get(k * self.words + w).copied().unwrap_or(0);
        let mut out = [0u64; MAX_WORDS];
        for (w, word) in out.iter_mut().enumerate().take(self.words) {
            *word = below(hi, w) & !below(lo, w) & left(x_hi, w) & !left(x_lo, w);
        }
        Some(out)
    }

    /// [`Sieve::pair_eight`] with the words per set of the comparison; `false` (nothing done)
    /// when the sieve declined it.
    ///
    /// # Safety
    /// As [`Sieve::pair_eight`], the sieve built by [`Sieve::for_comparison`] for B.
    #[inline]
    #[target_feature(enable = "avx2,popcnt")]
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn pair_lanes(
        &self,
        cand: &mut Vec<u64>,
        sim: &[f32],
        a: &Prepared,
        b: &Prepared,
        m: &Mapped,
        todo: u32,
        base: usize,
        turn: i32,
        min_cos: f32,
    ) -> bool {
        match self.words {
            // SAFETY: the caller's guarantees, and `W` is the words per set.
            1 => unsafe { self.pair_eight::<1>(cand, sim, a, b, m, todo, base, turn, min_cos) },
            // SAFETY: as above.
            2 => unsafe { self.pair_eight::<2>(cand, sim, a, b, m, todo, base, turn, min_cos) },
            // SAFETY: as above.
            3 => unsafe { self.pair_eight::<3>(cand, sim, a, b, m, todo, base, turn, min_cos) },
            // SAFETY: as above.
            4 => unsafe { self.pair_eight::<4>(cand, sim, a, b, m, todo, base, turn, min_cos) },
            _ => return false,
        }
        true
    }

    /// The candidates of the lanes `todo` of A's minutiae `base..base + 8`, mapped as `m`
    /// (turned by `turn` 1/256 turns, rounded), into `cand`: the band walk's keys (see the
    /// module comment). `W` is the words per set.
    ///
    /// # Safety
    /// AVX2 must be available, the sieve built for B with `W` words per set
    /// ([`Sieve::for_comparison`]), `base + 8 ≤ a.angle8.len()`, and `sim` B's similarity rows
    /// of A (`b.ypts.len()` per row).
    #[inline]
    #[target_feature(enable = "avx2,popcnt")]
    #[allow(clippy::too_many_arguments)]
    unsafe fn pair_eight<const W: usize>(
        &self,
        cand: &mut Vec<u64>,
        sim: &[f32],
        a: &Prepared,
        b: &Prepared,
        m: &Mapped,
        todo: u32,
        base: usize,
        turn: i32,
        min_cos: f32,
    ) {
        let nbp = b.ypts.len();
        // Each lane's x range in cell boundaries: from the cell holding x − tol − slack to
        // one past the cell holding x + tol + slack, clamped (NaN gives 0: an empty range).
        let reach = _mm256_add_ps(m.tol, _mm256_set1_ps(X_SLACK));
        let rel = _mm256_sub_ps(m.x, _mm256_set1_ps(self.x_min));
        let cell = |v: __m256, plus: f32| {
            _mm256_cvttps_epi32(_mm256_min_ps(
                _mm256_max_ps(
                    _mm256_add_ps(
                        _mm256_floor_ps(_mm256_mul_ps(v, _mm256_set1_ps(1.0 / CELL))),
                        _mm256_set1_ps(plus),
                    ),
                    _mm256_setzero_ps(),
                ),
                _mm256_set1_ps(self.cells as f32),
            ))
        };
        let (x_lo, x_hi) = (
            cell(_mm256_sub_ps(rel, reach), 0.0),
            cell(_mm256_add_ps(rel, reach), 1.0),
        );
        // Each lane's direction sector: its direction turned, in 1/256 turns, times SECTORS
        // / 256 (within 0.7° of the mapped direction's sector, inside the margin).
        // SAFETY: the caller guarantees eight directions from `base`.
        let dirs = unsafe { _mm_loadl_epi64(a.angle8.as_ptr().add(base).cast()) };
        let q = _mm256_and_si256(
            _mm256_add_epi32(_mm256_cvtepu8_epi32(dirs), _mm256_set1_epi32(turn)),
            _mm256_set1_epi32(255),
        );
        let sector =
            _mm256_srli_epi32::<8>(_mm256_mullo_epi32(q, _mm256_set1_epi32(SECTORS as i32)));
        let words = _mm256_set1_epi32(W as i32);
        // Gather indices are clamped to their vector's last word: out-of-range lanes read a
        // real word (the vectors are not empty once built).
        let last = |v: &[u64]| _mm256_set1_epi32(v.len().saturating_sub(1) as i32);
        let (below_last, left_last, sector_last) =
            (last(&self.below), last(&self.left), last(&self.sectors));
        let mut sets = [[0u64; FLOATS]; W];
        // Per word, the lanes whose set is not empty.
        let mut found = [0u32; W];
        for (w, (set, found)) in sets.iter_mut().zip(found.iter_mut()).enumerate() {
            let wv = _mm256_set1_epi32(w as i32);
            let at = |k: __m256i, max: __m256i| {
                _mm256_min_epu32(_mm256_add_epi32(_mm256_mullo_epi32(k, words), wv), max)
            };
            let (y_lo, y_hi, x_lo, x_hi, se) = (
                at(m.k_lo, below_last),
                at(m.k_hi, below_last),
                at(x_lo, left_last),
                at(x_hi, left_last),
                at(sector, sector_last),
            );
            for (half, out) in set.chunks_exact_mut(4).enumerate() {
                let part = |v: __m256i| {
                    if half == 0 {
                        _mm256_castsi256_si128(v)
                    } else {
                        _mm256_extracti128_si256::<1>(v)
                    }
                };
                let gather = |v: &[u64], idx: __m256i| {
                    // SAFETY: AVX2 is available (this function's features); every index was
                    // clamped to the vector's last word above.
                    unsafe { _mm256_i32gather_epi64::<8>(v.as_ptr().cast(), part(idx)) }
                };
                let band =
                    _mm256_andnot_si256(gather(&self.below, y_lo), gather(&self.below, y_hi));
                let across =
                    _mm256_andnot_si256(gather(&self.left, x_lo), gather(&self.left, x_hi));
                let v = _mm256_and_si256(_mm256_and_si256(band, across), gather(&self.sectors, se));
                let empty = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(
                    v,
                    _mm256_setzero_si256(),
                ))) as u32;
                *found |= (!empty & 0xf) << (4 * half);
                // SAFETY: `out` holds four words.
                unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), v) };
            }
        }
        // The lanes' values, read by lane below.
        let mut lane_values = [[0.0f32; FLOATS]; 6];
        for (out, v) in lane_values
            .iter_mut()
            .zip([m.x, m.y, m.ux, m.uy, m.tol, m.tol2])
        {
            // SAFETY: `out` holds eight floats.
            unsafe { _mm256_storeu_ps(out.as_mut_ptr(), v) };
        }
        let [xs, ys, uxs, uys, tols, tol2s] = &lane_values;
        for (w, (set, &found)) in sets.iter().zip(&found).enumerate() {
            // Every candidate of this word in one flat loop, lane after lane: the next lane
            // and its bits are selected, not branched to (a loop per lane mispredicted its
            // end once per lane). Each lane in `lanes` has bits in this word.
            let mut lanes = todo & found;
            let mut lane = (lanes.trailing_zeros() as usize) & (FLOATS - 1);
            let mut bits = set[lane];
            while lanes != 0 {
                // Always true (a lane is in `lanes` for its bits); kept in the test so that
                // no key can come from an empty word.
                let some = bits != 0;
                let r = 64 * w + bits.trailing_zeros() as usize;
                bits &= bits.wrapping_sub(1);
                let ia = base + lane;
                if let (Some(&s), Some(p), Some(&j)) =
                    (sim.get(ia * nbp + r), b.ypts.get(r), b.by_y.get(r))
                {
                    let (x, y, ux, uy, tol, tol2) = (
                        xs[lane],
                        ys[lane],
                        uxs[lane],
                        uys[lane],
                        tols[lane],
                        tol2s[lane],
                    );
                    // `push_lanes`: the same tests and weight, operation for operation; the
                    // key is written whether it passes or not and kept only if it does (the
                    // test would mispredict as a branch).
                    let (ex, ey) = (x - p[0], y - p[1]);
                    let d2 = ex * ex + ey * ey;
                    let dot = ux * p[2] + uy * p[3];
                    let pass = some & (s > 0.0) & (d2 <= tol2) & (dot >= min_cos);
                    let wgt = s * (1.0 - 0.8 * d2.sqrt() / tol);
                    let len = cand.len();
                    cand.push(rank_key(wgt, ia as u16, j));
                    // SAFETY: shrinking to `len` or keeping `len + 1`: every element below
                    // either length is initialised (u64, nothing to drop).
                    unsafe { cand.set_len(len + usize::from(pass)) };
                }
                // The lane is done when its bits are: on to the next one.
                let done = bits == 0;
                lanes = std::hint::select_unpredictable(done, lanes & lanes.wrapping_sub(1), lanes);
                let next = (lanes.trailing_zeros() as usize) & (FLOATS - 1);
                lane = std::hint::select_unpredictable(done, next, lane);
                bits = std::hint::select_unpredictable(done, set[lane], bits);
            }
        }
    }
}
