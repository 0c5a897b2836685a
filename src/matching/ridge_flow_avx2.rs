//! The AVX2 kernel of the ridge flow's agreement under a rigid map (the map of every alignment
//! the matcher checks): eight of A's sampled cells per step are mapped into B, their B cells
//! found and tested against B's box, their levels gathered and their terms c · bc + s · bs
//! computed at once; the terms are then added to the sum one by one in A's order. Owns only
//! this kernel and its run-time selection; `accumulate` in `ridge_flow.rs` (the portable loop,
//! which also runs the kernel's tail of fewer than eight cells) and `Rigid::apply` define the
//! results.
//!
//! Why: the agreement is a scalar loop of a map, two floors and conversions, a box test, a
//! byte load and a table lookup per cell (about 55 instructions, with two branches); eight
//! cells at once do each of these once (about 100 instructions per step, a gather among them).
//! The ridge-flow factor went from 66.8 to 21.7 M instructions over the lab's 8,640
//! comparisons (callgrind), a comparison from 152,400 to 147,300; of those 21.7 M, the steps
//! are 13.8 M, the scalar tails about 4 M and B's turned table 2.2 M.
//!
//! Why at run time: the build targets x86-64-v2, so the kernel is compiled with
//! `#[target_feature]` and chosen when `is_x86_feature_detected!` finds AVX2 (once per
//! agreement).
//!
//! Why the results are bit-identical: the map is `Rigid::apply`'s f32 operations in its order
//! (no fused multiply-add: the `fma` feature is deliberately not enabled), the cell the same
//! product by 1 / CELL and floor (`vroundps` toward −∞ is `f32::floor`, −0 and infinities
//! included). Rust's `as i32` saturates and gives 0 for NaN; `vcvttps2dq` gives `i32::MIN`
//! for NaN and for everything out of range. NaN lanes are therefore cleared to +0 before the
//! conversion (0, as in Rust); values at or above 2³¹ become `i32::MIN` instead of
//! `i32::MAX`, and both lie outside every box once the box's corner (0 … 255) is subtracted
//! with wrapping, as the portable loop does (`i32::MAX − left` and `i32::MIN − left` wrapped
//! are negative or at least 2³¹ − 256; a box is at most 255 cells wide). The box test is the
//! portable one (0 ≤ cx < cols, 0 ≤ cy < rows), then the index must lie below the cells'
//! length (`get`). A level is the cell's byte: `n` counts those that are not zero, and the
//! turned table (the portable one, two permutes and a blend per component) is indexed by its
//! low nibble (`% TABLE_LEN`). Each lane's term is (c · bc) + (s · bs) in f32, the portable
//! expression; the eight terms are added to the sum in the cells' order, since f32 addition
//! does not associate (a vector sum would differ in the last bits).
//!
//! Must not: use `fma` or anything beyond AVX2; add the terms in any other order than A's.

// The crate denies unsafe code; the feature-gated call, the loads and the gather need it.
#![allow(unsafe_code)]

use std::arch::x86_64::*;

use super::{CELL, PreparedFlow, RidgeFlow, Rigid, TABLE_LEN, accumulate};

/// A's cells per step (one per lane).
const LANES: usize = 8;
const _: () = assert!(
    TABLE_LEN == 2 * LANES,
    "the turned table in two vectors per component, chosen by the level's bit 3"
);

/// Whether this CPU runs the kernel.
#[inline]
pub(super) fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// The sums (cells on B's foreground, sum of the terms) of `accumulate` over all of A's
/// cells mapped by `rigid` onto B's grid with B's turned table `turned`, or `None` when the
/// CPU lacks AVX2 (the portable loop then runs).
pub(super) fn agreement(
    a: &PreparedFlow,
    b: &PreparedFlow,
    turned: &[[f32; 2]; TABLE_LEN],
    rigid: Rigid,
) -> Option<(usize, f32)> {
    if !available() {
        return None;
    }
    let steps = a.cells.chunks_exact(LANES);
    let tail = steps.remainder();
    // SAFETY: AVX2 was detected above, the only feature `steps` is compiled for.
    let sums = unsafe { eights(steps, &b.grid, turned, rigid) };
    Some(accumulate(
        tail,
        &b.grid,
        turned,
        |x, y| rigid.apply(x, y),
        sums,
    ))
}

/// `accumulate` from (0, 0) over the steps of eight cells, eight cells at once (see the
/// module comment).
///
/// # Safety
/// AVX2 must be available.
#[target_feature(enable = "avx2")]
unsafe fn eights(
    steps: std::slice::ChunksExact<'_, [f32; 4]>,
    grid: &RidgeFlow,
    turned: &[[f32; 2]; TABLE_LEN],
    rigid: Rigid,
) -> (usize, f32) {
    let (mut n, mut sum) = (0usize, 0.0f32);
    // B's levels as bytes, four readable from every clamped offset: a grid of fewer than four
    // cells is copied into four bytes (those past its cells are never counted).
    let mut short = [0u8; 4];
    let cells: &[u8] = &grid.cells;
    let bytes: &[u8] = if cells.len() >= short.len() {
        cells
    } else {
        short[..cells.len()].copy_from_slice(cells);
        &short
    };
    // The last offset a gather may read four bytes from (an i32 lane: the gather's offsets
    // are signed), and the cells' length for `get`'s test (an index is below 255 · 255, so
    // clamping the length changes no test).
    let last = _mm256_set1_epi32((bytes.len() - 4).min(i32::MAX as usize) as i32);
    let len = _mm256_set1_epi32(grid.cells.len().min(i32::MAX as usize) as i32);
    let (cols, rows) = (
        _mm256_set1_epi32(i32::from(grid.cols)),
        _mm256_set1_epi32(i32::from(grid.rows)),
    );
    let (left, top) = (
        _mm256_set1_epi32(i32::from(grid.left)),
        _mm256_set1_epi32(i32::from(grid.top)),
    );
    let minus_one = _mm256_set1_epi32(-1);
    let zero = _mm256_setzero_si256();
    let (byte, nibble) = (_mm256_set1_epi32(0xff), _mm256_set1_epi32(0x0f));
    let inv = _mm256_set1_ps(1.0 / CELL as f32);
    let (pa0, pa1) = (_mm256_set1_ps(rigid.pa[0]), _mm256_set1_ps(rigid.pa[1]));
    let (pb0, pb1) = (_mm256_set1_ps(rigid.pb[0]), _mm256_set1_ps(rigid.pb[1]));
    let (rs, rc) = (_mm256_set1_ps(rigid.rs), _mm256_set1_ps(rigid.rc));
    // The turned table per component, levels 0–7 and 8–15: (c, s) pairs of four levels per
    // half of each load; the shuffles give the levels 0, 1, 4, 5, 2, 3, 6, 7, put in order by
    // the permute.
    let t = turned.as_ptr().cast::<f32>();
    // SAFETY: the table holds sixteen pairs, 32 contiguous f32; each load reads eight of
    // them, from 0, 8, 16 or 24.
    let (t0, t1, t2, t3) = unsafe {
        (
            _mm256_loadu_ps(t),
            _mm256_loadu_ps(t.add(LANES)),
            _mm256_loadu_ps(t.add(2 * LANES)),
            _mm256_loadu_ps(t.add(3 * LANES)),
        )
    };
    let c_lo = _mm256_castps_pd(_mm256_shuffle_ps::<0x88>(t0, t1));
    let s_lo = _mm256_castps_pd(_mm256_shuffle_ps::<0xdd>(t0, t1));
    let c_hi = _mm256_castps_pd(_mm256_shuffle_ps::<0x88>(t2, t3));
    let s_hi = _mm256_castps_pd(_mm256_shuffle_ps::<0xdd>(t2, t3));
    let c_lo = _mm256_castpd_ps(_mm256_permute4x64_pd::<0xd8>(c_lo));
    let s_lo = _mm256_castpd_ps(_mm256_permute4x64_pd::<0xd8>(s_lo));
    let c_hi = _mm256_castpd_ps(_mm256_permute4x64_pd::<0xd8>(c_hi));
    let s_hi = _mm256_castpd_ps(_mm256_permute4x64_pd::<0xd8>(s_hi));
    let base = bytes.as_ptr();
    for step in steps {
        // Cells k and k + 4 in the low and high halves of `rk`, then transposed within the
        // halves: x, y, c and s of the eight cells in order.
        let p = step.as_ptr().cast::<f32>();
        // SAFETY: the step holds eight cells of four f32, 32 contiguous floats; each load
        // reads four of them, at cells 0 … 7.
        let (r0, r1, r2, r3) = unsafe {
            (
                _mm256_loadu2_m128(p.add(16), p),
                _mm256_loadu2_m128(p.add(20), p.add(4)),
                _mm256_loadu2_m128(p.add(24), p.add(8)),
                _mm256_loadu2_m128(p.add(28), p.add(12)),
            )
        };
        let (t0, t1) = (_mm256_unpacklo_ps(r0, r1), _mm256_unpacklo_ps(r2, r3));
        let (t2, t3) = (_mm256_unpackhi_ps(r0, r1), _mm256_unpackhi_ps(r2, r3));
        let x = _mm256_shuffle_ps::<0x44>(t0, t1);
        let y = _mm256_shuffle_ps::<0xee>(t0, t1);
        let c = _mm256_shuffle_ps::<0x44>(t2, t3);
        let s = _mm256_shuffle_ps::<0xee>(t2, t3);
        // `Rigid::apply`: (pb0 + dx · rc) − dy · rs, (pb1 + dx · rs) + dy · rc.
        let (dx, dy) = (_mm256_sub_ps(x, pa0), _mm256_sub_ps(y, pa1));
        let u = _mm256_sub_ps(
            _mm256_add_ps(pb0, _mm256_mul_ps(dx, rc)),
            _mm256_mul_ps(dy, rs),
        );
        let v = _mm256_add_ps(
            _mm256_add_ps(pb1, _mm256_mul_ps(dx, rs)),
            _mm256_mul_ps(dy, rc),
        );
        // The cells: floor, NaN to +0 (Rust's cast gives 0), truncated, the corner subtracted
        // (wrapping).
        let fu = _mm256_floor_ps(_mm256_mul_ps(u, inv));
        let fv = _mm256_floor_ps(_mm256_mul_ps(v, inv));
        let fu = _mm256_and_ps(fu, _mm256_cmp_ps::<_CMP_ORD_Q>(fu, fu));
        let fv = _mm256_and_ps(fv, _mm256_cmp_ps::<_CMP_ORD_Q>(fv, fv));
        let cx = _mm256_sub_epi32(_mm256_cvttps_epi32(fu), left);
        let cy = _mm256_sub_epi32(_mm256_cvttps_epi32(fv), top);
        let inside = _mm256_and_si256(
            _mm256_and_si256(
                _mm256_cmpgt_epi32(cx, minus_one),
                _mm256_cmpgt_epi32(cols, cx),
            ),
            _mm256_and_si256(
                _mm256_cmpgt_epi32(cy, minus_one),
                _mm256_cmpgt_epi32(rows, cy),
            ),
        );
        // The index (below 255 · 255 inside the box), kept where it is inside and below the
        // cells' length; 0 elsewhere.
        let k = _mm256_add_epi32(_mm256_mullo_epi32(cy, cols), cx);
        let valid = _mm256_and_si256(inside, _mm256_cmpgt_epi32(len, k));
        let k = _mm256_and_si256(k, valid);
        // Four bytes from the index clamped to `last`, shifted down to the index's byte.
        let from = _mm256_min_epu32(k, last);
        // SAFETY: AVX2 is available (this function's precondition); every lane reads the four
        // bytes from `base + from`, `from ≤ last = bytes.len() − 4` (unsigned, and below
        // 2³¹: a non-negative offset), all within `bytes`.
        let four = unsafe { _mm256_i32gather_epi32::<1>(base.cast::<i32>(), from) };
        let shift = _mm256_slli_epi32::<3>(_mm256_sub_epi32(k, from));
        let level = _mm256_and_si256(
            _mm256_and_si256(_mm256_srlv_epi32(four, shift), byte),
            valid,
        );
        let background = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(level, zero)));
        n += LANES - background.count_ones() as usize;
        // The turned table at the level's low nibble: bits 0–2 choose within a half, bit 3
        // (moved to the sign bit) the half.
        let low = _mm256_and_si256(level, nibble);
        let high = _mm256_castsi256_ps(_mm256_slli_epi32::<28>(low));
        let bc = _mm256_blendv_ps(
            _mm256_permutevar8x32_ps(c_lo, low),
            _mm256_permutevar8x32_ps(c_hi, low),
            high,
        );
        let bs = _mm256_blendv_ps(
            _mm256_permutevar8x32_ps(s_lo, low),
            _mm256_permutevar8x32_ps(s_hi, low),
            high,
        );
        let terms = _mm256_add_ps(_mm256_mul_ps(c, bc), _mm256_mul_ps(s, bs));
        let mut lanes = [0.0f32; LANES];
        // SAFETY: the store writes eight f32 into an array of eight (unaligned store).
        unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), terms) };
        // One after the other, in the cells' order (the portable sum's order).
        for t in lanes {
            sum += t;
        }
    }
    (n, sum)
}

#[cfg(test)]
mod tests {
    use super::super::{
        CELL, LEVELS, PreparedFlow, RidgeFlow, Rigid, accumulate, agreement as portable_agreement,
        agreement_rigid, turned,
    };
    use super::{LANES, agreement, available};
    use rand::{Rng, SeedableRng, rngs::StdRng};

    /// A random grid: its corner anywhere (0 … 255 cells), 0 … 40 cells each way, random
    /// levels with a third background; with `odd`, some cells hold bytes above `LEVELS` (which
    /// `decode` rejects, but the fields are public) and the cells may be fewer than the box.
    fn random_grid(rng: &mut StdRng, odd: bool) -> RidgeFlow {
        let (cols, rows) = (rng.gen_range(0..=40u8), rng.gen_range(0..=40u8));
        let n = usize::from(cols) * usize::from(rows);
        let mut cells: Vec<u8> = (0..n)
            .map(|_| {
                if odd && rng.gen_bool(0.1) {
                    rng.r#gen()
                } else if rng.gen_bool(0.3) {
                    0
                } else {
                    rng.gen_range(1..=LEVELS)
                }
            })
            .collect();
        if odd && rng.gen_bool(0.3) {
            cells.truncate(rng.gen_range(0..=n));
        }
        RidgeFlow {
            left: if rng.gen_bool(0.3) { 0 } else { rng.r#gen() },
            top: if rng.gen_bool(0.3) { 0 } else { rng.r#gen() },
            cols,
            rows,
            cells,
        }
    }

    /// `len` random cells of A: positions from −100 to `span` px, unit doubled-angle vectors.
    fn random_cells(rng: &mut StdRng, len: usize, span: f32) -> Vec<[f32; 4]> {
        (0..len)
            .map(|_| {
                let (s, c) = rng.gen_range(-3.2f32..3.2).sin_cos();
                [
                    rng.gen_range(-100.0..span),
                    rng.gen_range(-100.0..span),
                    c,
                    s,
                ]
            })
            .collect()
    }

    /// A random rigid map: a rotation within ±π, A's point within `span` px, B's point near
    /// the box of `grid` (or anywhere within 4,200 px, beyond every grid's corner).
    fn random_rigid(rng: &mut StdRng, grid: &RidgeFlow, span: f32) -> (f32, Rigid) {
        let rot = rng.gen_range(-3.2f32..3.2);
        let (rs, rc) = rot.sin_cos();
        let px = |lo: u8, len: u8, rng: &mut StdRng| {
            f32::from(lo) * CELL as f32
                + rng.gen_range(-64.0..(f32::from(len) * CELL as f32 + 64.0))
        };
        let pb = if rng.gen_bool(0.8) {
            [px(grid.left, grid.cols, rng), px(grid.top, grid.rows, rng)]
        } else {
            [rng.gen_range(-100.0..4200.0), rng.gen_range(-100.0..4200.0)]
        };
        let pa = [rng.gen_range(0.0..span), rng.gen_range(0.0..span)];
        (rot, Rigid { pa, pb, rs, rc })
    }

    /// The kernel's sums (where the CPU has AVX2) against the portable loop's, `n` equal and
    /// the sum's bits equal; also through `agreement_rigid` both ways and through `agreement`
    /// with the map as a closure. Returns the portable sums.
    fn check(a: &PreparedFlow, b: &PreparedFlow, rot: f32, rigid: Rigid) -> (usize, f32) {
        let table = turned(rot);
        let map = |x, y| rigid.apply(x, y);
        let want = accumulate(&a.cells, &b.grid, &table, map, (0, 0.0));
        let got = agreement(a, b, &table, rigid).expect("AVX2 is available");
        let context = || format!("rot {rot} {rigid:?} grid {:?} cells {:?}", b.grid, a.cells);
        assert_eq!(got.0, want.0, "n: {}", context());
        assert_eq!(got.1.to_bits(), want.1.to_bits(), "sum: {}", context());
        let fast = agreement_rigid(a, b, rot, rigid, false);
        let slow = agreement_rigid(a, b, rot, rigid, true);
        let closure = portable_agreement(a, b, rot, map);
        for other in [slow, closure] {
            assert_eq!(fast.0, other.0, "n: {}", context());
            assert_eq!(fast.1.to_bits(), other.1.to_bits(), "mean: {}", context());
        }
        want
    }

    /// Random grids (corners anywhere, 0 … 40 cells each way, odd bytes and short cell
    /// vectors among them), random A cells (0 … 40 of them: the empty input, one to nine, a
    /// step of eight with and without a tail) and random rigid maps: the kernel's (n, sum)
    /// are the portable loop's, bit for bit. Also A prepared from a grid, mapped near B.
    #[test]
    fn kernel_sums_are_the_portable_ones_on_random_flows() {
        if !available() {
            eprintln!("no AVX2 on this CPU: the ridge-flow kernel is not checked");
            return;
        }
        let mut rng = StdRng::seed_from_u64(25);
        let mut counted = 0usize;
        for round in 0..3000 {
            let b = PreparedFlow::new(&random_grid(&mut rng, round % 3 == 0));
            let len = if round < 400 {
                round % 10
            } else {
                rng.gen_range(0..=40)
            };
            let span = if rng.gen_bool(0.8) { 700.0 } else { 4200.0 };
            let a = PreparedFlow {
                cells: random_cells(&mut rng, len, span),
                grid: RidgeFlow::default(),
            };
            let (rot, rigid) = random_rigid(&mut rng, &b.grid, span);
            counted += check(&a, &b, rot, rigid).0;
            // A prepared flow's cells, its box's centre mapped near the centre of B's.
            let a = PreparedFlow::new(&random_grid(&mut rng, false));
            let rot = rng.gen_range(-0.5f32..0.5);
            let (rs, rc) = rot.sin_cos();
            let centre = |g: &RidgeFlow| {
                [
                    (f32::from(g.left) + f32::from(g.cols) / 2.0) * CELL as f32,
                    (f32::from(g.top) + f32::from(g.rows) / 2.0) * CELL as f32,
                ]
            };
            let [bx, by] = centre(&b.grid);
            let rigid = Rigid {
                pa: centre(&a.grid),
                pb: [
                    bx + rng.gen_range(-64.0..64.0),
                    by + rng.gen_range(-64.0..64.0),
                ],
                rs,
                rc,
            };
            counted += check(&a, &b, rot, rigid).0;
        }
        // The maps land on B's foreground often enough for the sums to mean something.
        assert!(counted > 40_000, "{counted}");
    }

    /// Maps that send A's cells far outside the grid or nowhere: translations and points of
    /// ±1e30, ±1e9, ±2³⁵ px, ±∞ and NaN, −0 and 0, rotations of NaN and ±∞, sines and
    /// cosines of ±1e30, ±∞ and NaN; on grids whose corner is 0 (a NaN position lands on
    /// cell 0 there: Rust's cast gives 0) and elsewhere, including 1 × 1 grids; A with 0 … 17
    /// cells. The kernel's (n, sum) are the portable loop's, bit for bit.
    #[test]
    fn kernel_sums_are_the_portable_ones_far_out_and_non_finite() {
        if !available() {
            eprintln!("no AVX2 on this CPU: the ridge-flow kernel is not checked");
            return;
        }
        let specials = [
            0.0f32,
            -0.0,
            1.0,
            -1.0,
            0.5,
            100.0,
            1e9,
            -1e9,
            34_359_738_368.0,
            -34_359_738_368.0,
            1e30,
            -1e30,
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            -f32::NAN,
        ];
        let mut rng = StdRng::seed_from_u64(2025);
        let pick = |rng: &mut StdRng, normal: f32| {
            if rng.gen_bool(0.5) {
                specials[rng.gen_range(0..specials.len())]
            } else {
                normal
            }
        };
        for round in 0..4000 {
            let mut grid = random_grid(&mut rng, round % 4 == 0);
            if round % 3 == 0 {
                (grid.left, grid.top) = (0, 0);
            }
            if round % 5 == 0 {
                (grid.cols, grid.rows) = (1, 1);
                grid.cells = vec![rng.gen_range(0..=LEVELS)];
            }
            let b = PreparedFlow::new(&grid);
            let a = PreparedFlow {
                cells: random_cells(&mut rng, round % 18, 700.0),
                grid: RidgeFlow::default(),
            };
            let (rot, rigid) = random_rigid(&mut rng, &b.grid, 700.0);
            let rot = pick(&mut rng, rot);
            let rigid = Rigid {
                pa: [pick(&mut rng, rigid.pa[0]), pick(&mut rng, rigid.pa[1])],
                pb: [pick(&mut rng, rigid.pb[0]), pick(&mut rng, rigid.pb[1])],
                rs: pick(&mut rng, rigid.rs),
                rc: pick(&mut rng, rigid.rc),
            };
            check(&a, &b, rot, rigid);
        }
    }

    /// Every lane of a step exercised on its own: one of eight cells mapped onto each cell of
    /// a small grid (and just outside it, on each side), the other seven far away; then the
    /// NaN position (cell 0 when the grid's corner is 0, as Rust's cast gives 0) counted by
    /// both, and nothing counted on an empty grid.
    #[test]
    fn each_lane_finds_its_cell_and_nan_lands_on_cell_zero() {
        if !available() {
            eprintln!("no AVX2 on this CPU: the ridge-flow kernel is not checked");
            return;
        }
        let grid = RidgeFlow {
            left: 3,
            top: 2,
            cols: 3,
            rows: 2,
            cells: vec![1, 0, 5, 9, 15, 2],
        };
        let b = PreparedFlow::new(&grid);
        let identity = Rigid {
            rs: 0.0,
            rc: 1.0,
            ..Rigid::default()
        };
        let cell = CELL as f32;
        for lane in 0..LANES {
            for cy in 1..=4u8 {
                for cx in 2..=6u8 {
                    // The cell's corner and the last pixel before the next: both inside it.
                    for frac in [0.0f32, 0.999] {
                        let mut cells = vec![[-1e6f32, -1e6, 1.0, 0.0]; LANES + 1];
                        cells[lane] = [
                            (f32::from(cx) + frac) * cell,
                            (f32::from(cy) + frac) * cell,
                            0.6,
                            0.8,
                        ];
                        let a = PreparedFlow {
                            cells,
                            grid: RidgeFlow::default(),
                        };
                        let (n, _) = check(&a, &b, 0.3, identity);
                        let want =
                            usize::from(grid.at(f32::from(cx) * cell, f32::from(cy) * cell) != 0);
                        assert_eq!(n, want, "lane {lane} cell ({cx}, {cy})");
                    }
                }
            }
        }
        let nowhere = Rigid {
            pb: [f32::NAN, f32::NAN],
            ..identity
        };
        let a = PreparedFlow {
            cells: vec![[10.0, 10.0, 1.0, 0.0]; 11],
            grid: RidgeFlow::default(),
        };
        let at_origin = PreparedFlow::new(&RidgeFlow {
            left: 0,
            top: 0,
            ..grid.clone()
        });
        assert_eq!(check(&a, &at_origin, 0.0, nowhere).0, 11);
        assert_eq!(check(&a, &b, 0.0, nowhere).0, 0);
        let empty = PreparedFlow::new(&RidgeFlow::default());
        assert_eq!(check(&a, &empty, 0.0, identity), (0, 0.0));
    }
}
