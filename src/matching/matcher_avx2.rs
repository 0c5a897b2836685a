//! The AVX2 kernels of the matcher, for CPUs without AVX-512 (most office desktops): the local
//! stage (the local similarities of one A cylinder with four B cylinders per step, then the
//! seed candidates from the finished rows) and the pairing candidates of an alignment (eight
//! B minutiae of a band per step). Owns only these kernels and their run-time selection; the
//! portable code in `matcher.rs` (`local_stage_portable`, the portable band of
//! `pair_minutiae`) defines the results.
//!
//! Why: the portable local stage is about half of a comparison's instructions, up to eighteen
//! scalar popcounts per pair. AVX2 has no vector popcount, so the words of four pairs (B's
//! cylinders are a structure of arrays, see [`super::Cylinders`]) are counted per nibble with
//! a table lookup (`vpshufb`, W. Muła's method): the byte counts of the six direction words
//! are summed as bytes (at most 6 · 8 = 48, no overflow), and one `vpsadbw` per count gives
//! each pair's total. The pairing tests mispredict; eight candidates per step and a
//! table-driven compress of the passing keys remove those branches.
//!
//! Why at run time: the build targets x86-64-v2, so the kernels are compiled with
//! `#[target_feature]` and chosen when `is_x86_feature_detected!` finds AVX2 (std caches the
//! detection: a load and a test per call).
//!
//! Why the scores are bit-identical: as in `matcher_avx512.rs`, the counts are exact integers
//! over the same common cells (`a.valid & b.valid`, or B's valid cells and B's count when A is
//! full, as `similarity_full_a`); a count ≤ 384 converts to f32 exactly and IEEE square root
//! is correctly rounded, so `_mm256_sqrt_ps` gives the portable table's values; then the same
//! f32 operations (`sa + sb`, `(1 - MIN_LOCAL) · d`, `1 - x / d`; in the pairing those of the
//! portable band), never a fused multiply-add (the `fma` feature is deliberately not enabled).
//! The pairs are visited in B's direction order, a window's last step may recount pairs
//! already written (the same value into the same slot), and the seed candidates are gathered
//! from the finished rows with the best similarity already known: neither the rows nor the
//! seeds change (see the module comment of `matcher_avx512.rs`). The pairing keys are sorted
//! before use, so their push order is free.
//!
//! Must not: use `fma` or any instruction beyond AVX2 and POPCNT (the CPUs it is for lack
//! them); write anything when it declines (the caller then runs the portable kernel).

// The crate denies unsafe code; the feature-gated calls and the unaligned loads need it.
#![allow(unsafe_code)]

use std::arch::x86_64::*;

use super::{MIN_COMMON_CELLS, MIN_LOCAL, PLANES, Prepared, Scratch, SeedGate, direction_window};

/// Whether this CPU runs the kernel (AVX2; POPCNT is in the build's baseline).
#[inline]
pub(super) fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// The local stage with AVX2 (see `local_stage` in `matcher.rs`), or `None` (nothing written)
/// when the CPU lacks AVX2, B has fewer than four cylinders, or the templates' parallel arrays
/// disagree in length (the portable kernel then does the work).
pub(super) fn local_stage(a: &Prepared, b: &Prepared, scratch: &mut Scratch) -> Option<f32> {
    let (na, nb) = (a.cylinders.len(), b.cylinders.len());
    let consistent = a.angle8.len() == na
        && b.angle8.len() == nb
        && b.y_rank.len() == nb
        && b.by_y.len() == nb
        && b.counts.len() == nb
        && a.cylinders.planes().n == na
        && b.cylinders.planes().n == nb
        && nb >= LANES;
    if !consistent || !available() {
        return None;
    }
    // SAFETY: the features `similarities` and `seeds` are compiled for were detected above.
    let top = unsafe { similarities(a, b, scratch) };
    // SAFETY: as above.
    unsafe { seeds(b, scratch, top) };
    Some(top)
}

/// Four lanes of 64-bit words.
const LANES: usize = 4;

/// The set bits of each byte of `x` (Muła's nibble lookup).
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn byte_counts(x: __m256i) -> __m256i {
    let table = _mm256_setr_epi8(
        0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3,
        3, 4,
    );
    let low = _mm256_set1_epi8(0x0f);
    let lo = _mm256_and_si256(x, low);
    let hi = _mm256_and_si256(_mm256_srli_epi16::<4>(x), low);
    _mm256_add_epi8(
        _mm256_shuffle_epi8(table, lo),
        _mm256_shuffle_epi8(table, hi),
    )
}

/// Each 64-bit lane's sum of its bytes.
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn lane_sums(bytes: __m256i) -> __m256i {
    _mm256_sad_epu8(bytes, _mm256_setzero_si256())
}

/// The local similarities into `scratch.sim` (see [`local_stage`]'s preconditions: the
/// features detected, `angle8`, `y_rank` and `counts` as long as the cylinders, `nb ≥ LANES`); returns
/// the best one (0 when none passes `MIN_LOCAL`).
#[target_feature(enable = "avx2,popcnt")]
fn similarities(a: &Prepared, b: &Prepared, scratch: &mut Scratch) -> f32 {
    let (na, nb) = (a.cylinders.len(), b.cylinders.len());
    let (ap, bp) = (a.cylinders.planes(), b.cylinders.planes());
    scratch.sim.clear();
    scratch.sim.resize(na * nb, 0.0);
    let few_common = _mm256_set1_epi64x(i64::from(MIN_COMMON_CELLS) - 1);
    let reject_at = _mm256_set1_ps(1.0 - MIN_LOCAL);
    let one = _mm256_set1_ps(1.0);
    let min_local = _mm256_set1_ps(MIN_LOCAL);
    let full = super::in_circle_mask();
    let mut best = 0.0f32;
    let mut s_out = [0.0f32; 2 * LANES];
    for (i, (row, &theta)) in scratch.sim.chunks_exact_mut(nb).zip(&a.angle8).enumerate() {
        let Some(ca) = ap.get(i) else {
            continue;
        };
        let abits = ca.bits.map(|w| _mm256_set1_epi64x(w as i64));
        let avalid = _mm256_set1_epi64x(ca.valid as i64);
        let a_full = ca.valid == full;
        for (from, to) in direction_window(&b.angle8, theta) {
            let to = to.min(nb);
            let mut j = from;
            while j < to {
                // Four whole lanes: a short or last step starts earlier (`nb ≥ LANES`), and
                // only the lanes in `from..to` count.
                let base = j.min(nb - LANES);
                let live = (0xfu32 >> (LANES - (to - base).min(LANES)))
                    & (0xfu32 << (from.saturating_sub(base)));
                let load = |k: usize| {
                    let plane = bp.p[k].as_ptr();
                    // SAFETY: `base + LANES ≤ nb` = each plane's length (`planes`).
                    unsafe { _mm256_loadu_si256(plane.add(base).cast::<__m256i>()) }
                };
                // `counts`: A's then B's count in the high and low u32 of each 64-bit lane.
                let (comparable, counts, cx_n) = if a_full {
                    // `similarity_full_a`: the common cells are B's valid cells, B's count is
                    // its set bits, and there is no test of the common cells (as there).
                    let v = load(PLANES - 1);
                    let (mut ca_n, mut cx_n) = (_mm256_setzero_si256(), _mm256_setzero_si256());
                    for (k, &aw) in abits.iter().enumerate() {
                        let x = _mm256_and_si256(aw, v);
                        ca_n = _mm256_add_epi8(ca_n, byte_counts(x));
                        cx_n = _mm256_add_epi8(cx_n, byte_counts(_mm256_xor_si256(x, load(k))));
                    }
                    // SAFETY: `base + LANES ≤ nb` = `b.counts`' length (checked in
                    // `local_stage`): the eight bytes read are four counts.
                    let cb = unsafe { _mm_loadl_epi64(b.counts.as_ptr().add(base).cast()) };
                    let cb = _mm256_cvtepu16_epi64(cb);
                    (
                        0xf,
                        _mm256_or_si256(cb, _mm256_slli_epi64::<32>(lane_sums(ca_n))),
                        cx_n,
                    )
                } else {
                    let v = _mm256_and_si256(avalid, load(PLANES - 1));
                    let common = lane_sums(byte_counts(v));
                    let comparable = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(
                        common, few_common,
                    ))) as u32;
                    let (mut ca_n, mut cb_n, mut cx_n) = (
                        _mm256_setzero_si256(),
                        _mm256_setzero_si256(),
                        _mm256_setzero_si256(),
                    );
                    for (k, &aw) in abits.iter().enumerate() {
                        let x = _mm256_and_si256(aw, v);
                        let y = _mm256_and_si256(load(k), v);
                        ca_n = _mm256_add_epi8(ca_n, byte_counts(x));
                        cb_n = _mm256_add_epi8(cb_n, byte_counts(y));
                        cx_n = _mm256_add_epi8(cx_n, byte_counts(_mm256_xor_si256(x, y)));
                    }
                    let counts =
                        _mm256_or_si256(lane_sums(cb_n), _mm256_slli_epi64::<32>(lane_sums(ca_n)));
                    (comparable, counts, cx_n)
                };
                // `similarity_of_counts` in the high f32 of each 64-bit lane (the low ones
                // hold B's root, then garbage): the counts are below 2^16, so the shifts
                // place them exactly.
                let roots = _mm256_sqrt_ps(_mm256_cvtepi32_ps(counts));
                // High f32: sa + sb (addition commutes exactly).
                let d = _mm256_add_ps(
                    roots,
                    _mm256_castsi256_ps(_mm256_slli_epi64::<32>(_mm256_castps_si256(roots))),
                );
                let x =
                    _mm256_sqrt_ps(_mm256_cvtepi32_ps(_mm256_slli_epi64::<32>(lane_sums(cx_n))));
                let rejected = _mm256_cmp_ps::<_CMP_GE_OQ>(x, _mm256_mul_ps(reject_at, d));
                let s = _mm256_sub_ps(one, _mm256_div_ps(x, d));
                let pass = _mm256_andnot_ps(rejected, _mm256_cmp_ps::<_CMP_GT_OQ>(s, min_local));
                let mut keep =
                    live & comparable & _mm256_movemask_pd(_mm256_castps_pd(pass)) as u32;
                if keep == 0 {
                    j = base + LANES;
                    continue;
                }
                // SAFETY: `s_out` holds eight floats.
                unsafe { _mm256_storeu_ps(s_out.as_mut_ptr(), s) };
                while keep != 0 {
                    let lane = keep.trailing_zeros() as usize;
                    keep &= keep - 1;
                    let s = s_out[2 * lane + 1];
                    if let Some(&r) = b.y_rank.get(base + lane)
                        && let Some(slot) = row.get_mut(usize::from(r))
                    {
                        *slot = s;
                    }
                    best = best.max(s);
                }
                j = base + LANES;
            }
        }
    }
    best
}

/// Floats per 256-bit vector (B minutiae per pairing step).
const FLOATS: usize = 8;

/// The seed candidates into `scratch.pairs` from the finished similarity rows: every pair at
/// or above the gate (`SEED_RATIO · top` with `top` known from the start, then the floor of
/// the kept candidates, see [`SeedGate::cut`]) is pushed as a `rank_key`, rows in A's order,
/// columns in B's y order (see `seeds` in `matcher_avx512.rs`). `b.by_y` holds `nb` entries.
#[target_feature(enable = "avx2,popcnt")]
fn seeds(b: &Prepared, scratch: &mut Scratch, top: f32) {
    let nb = b.by_y.len();
    let pairs = &mut scratch.pairs;
    pairs.clear();
    if top <= 0.0 {
        return;
    }
    let mut gate = SeedGate::knowing_top(top);
    for (i, row) in scratch.sim.chunks_exact(nb).enumerate() {
        let mut offer = |r: usize, s: f32, gate: &mut SeedGate| {
            if let Some(&j) = b.by_y.get(r) {
                pairs.push(super::rank_key(s, i as u16, j));
                if pairs.len() >= super::SEED_BUFFER {
                    let left = gate.cut(pairs);
                    pairs.truncate(left);
                }
            }
        };
        let mut chunks = row.chunks_exact(FLOATS);
        let mut r = 0;
        for chunk in &mut chunks {
            // SAFETY: `chunk` holds FLOATS floats.
            let s = unsafe { _mm256_loadu_ps(chunk.as_ptr()) };
            let mut m =
                _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_GE_OQ>(s, _mm256_set1_ps(gate.gate)))
                    as u32;
            while m != 0 {
                let lane = m.trailing_zeros() as usize;
                m &= m - 1;
                if let Some(&s) = chunk.get(lane) {
                    offer(r + lane, s, &mut gate);
                }
            }
            r += FLOATS;
        }
        for (k, &s) in chunks.remainder().iter().enumerate() {
            if s >= gate.gate {
                offer(r + k, s, &mut gate);
            }
        }
    }
}

/// For each four-bit mask, the `_mm256_permutevar8x32_epi32` indices that move the selected
/// 64-bit lanes to the front (in order).
const COMPRESS: [[i32; 8]; 16] = {
    let mut t = [[0i32; 8]; 16];
    let mut m = 0;
    while m < 16 {
        let mut out = 0;
        let mut lane = 0;
        while lane < 4 {
            if m >> lane & 1 == 1 {
                t[m][2 * out] = 2 * lane;
                t[m][2 * out + 1] = 2 * lane + 1;
                out += 1;
            }
            lane += 1;
        }
        m += 1;
    }
    t
};

/// The pairing candidates (see `collect_candidates` in `matcher.rs`) with AVX2: eight B
/// minutiae of a band per step, the same f32 operations as the portable band (`ex·ex + ey·ey`,
/// `ux·c + uy·s`, `s · (1 − 0.8·√d² / tol)`, no fused multiply-add), so the same keys (the
/// order in which they are pushed does not matter: they are sorted, and all distinct).
/// `false` (nothing done) when the CPU lacks AVX2.
pub(super) fn pair_candidates(
    a: &Prepared,
    b: &Prepared,
    scratch: &mut Scratch,
    pa: [f32; 3],
    pb: [f32; 3],
    rot: f32,
) -> bool {
    if !available() {
        return false;
    }
    super::collect_candidates(a, b, scratch, pa, pb, rot, |cand, band| {
        // SAFETY: the features `push_band` is compiled for were detected above.
        unsafe { push_band(cand, band) }
    });
    true
}

/// The band of [`pair_candidates`]: eight B minutiae per [`pair_step`].
#[target_feature(enable = "avx2,popcnt")]
fn push_band(cand: &mut Vec<u64>, band: &super::Band<'_>) {
    let n = band.ss.len().min(band.ps.len()).min(band.js.len());
    let (ss, ps, js) = (&band.ss[..n], &band.ps[..n], &band.js[..n]);
    let mut k = 0;
    while k + FLOATS <= n {
        if let (Ok(s), Ok(p), Ok(j)) = (
            ss[k..k + FLOATS].try_into(),
            ps[k..k + FLOATS].try_into(),
            js[k..k + FLOATS].try_into(),
        ) {
            pair_step(cand, band, s, p, j);
        }
        k += FLOATS;
    }
    if k < n {
        // The tail padded with similarity 0, which never passes (element by element: a
        // copy of a variable length is a call).
        let (mut s, mut p, mut j) = ([0.0f32; FLOATS], [[0.0f32; 4]; FLOATS], [0u16; FLOATS]);
        for (t, ((s, p), j)) in s.iter_mut().zip(&mut p).zip(&mut j).enumerate() {
            if let (Some(&ts), Some(&tp), Some(&tj)) = (ss.get(k + t), ps.get(k + t), js.get(k + t))
            {
                (*s, *p, *j) = (ts, tp, tj);
            }
        }
        pair_step(cand, band, &s, &p, &j);
    }
}

/// One step of [`pair_candidates`]: eight B minutiae (similarity, point, index) of `band`.
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn pair_step(
    cand: &mut Vec<u64>,
    band: &super::Band<'_>,
    ss: &[f32; FLOATS],
    ps: &[[f32; 4]; FLOATS],
    js: &[u16; FLOATS],
) {
    // SAFETY: each load reads within its array (eight floats, two points of four floats,
    // eight u16 = 128 bits).
    let (s, v, j16) = unsafe {
        let pts = ps.as_ptr().cast::<f32>();
        (
            _mm256_loadu_ps(ss.as_ptr()),
            [0, 1, 2, 3].map(|q| _mm256_loadu_ps(pts.add(8 * q))),
            _mm_loadu_si128(js.as_ptr().cast()),
        )
    };
    // A 4 × 4 transpose in each 128-bit half: lanes hold the points 0, 2, 4, 6, 1, 3, 5, 7.
    let t0 = _mm256_unpacklo_ps(v[0], v[1]);
    let t1 = _mm256_unpackhi_ps(v[0], v[1]);
    let t2 = _mm256_unpacklo_ps(v[2], v[3]);
    let t3 = _mm256_unpackhi_ps(v[2], v[3]);
    let px = _mm256_shuffle_ps::<0x44>(t0, t2);
    let py = _mm256_shuffle_ps::<0xee>(t0, t2);
    let pc = _mm256_shuffle_ps::<0x44>(t1, t3);
    let pn = _mm256_shuffle_ps::<0xee>(t1, t3);
    let order = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    let s = _mm256_permutevar8x32_ps(s, order);
    let js = _mm256_permutevar8x32_epi32(_mm256_cvtepu16_epi32(j16), order);
    let (x, y) = (_mm256_set1_ps(band.x), _mm256_set1_ps(band.y));
    let (ex, ey) = (_mm256_sub_ps(x, px), _mm256_sub_ps(y, py));
    let d2 = _mm256_add_ps(_mm256_mul_ps(ex, ex), _mm256_mul_ps(ey, ey));
    let dot = _mm256_add_ps(
        _mm256_mul_ps(_mm256_set1_ps(band.ux), pc),
        _mm256_mul_ps(_mm256_set1_ps(band.uy), pn),
    );
    let ok = _mm256_and_ps(
        _mm256_and_ps(
            _mm256_cmp_ps::<_CMP_GT_OQ>(s, _mm256_setzero_ps()),
            _mm256_cmp_ps::<_CMP_LE_OQ>(d2, _mm256_set1_ps(band.tol2)),
        ),
        _mm256_cmp_ps::<_CMP_GE_OQ>(dot, _mm256_set1_ps(band.min_cos)),
    );
    let m = _mm256_movemask_ps(ok) as usize;
    if m == 0 {
        return;
    }
    let fall = _mm256_div_ps(
        _mm256_mul_ps(_mm256_set1_ps(0.8), _mm256_sqrt_ps(d2)),
        _mm256_set1_ps(band.tol),
    );
    let w = _mm256_mul_ps(s, _mm256_sub_ps(_mm256_set1_ps(1.0), fall));
    // `super::rank_key(w, i, j)`: `!bits(w)` high, `i << 16 | j` low.
    let neg = _mm256_xor_si256(_mm256_castps_si256(w), _mm256_set1_epi32(-1));
    let ij = _mm256_or_si256(_mm256_set1_epi32(i32::from(band.i) << 16), js);
    // Lanes 0, 1, 4, 5 and 2, 3, 6, 7 of the eight, as keys.
    let (low, high) = (
        _mm256_unpacklo_epi32(ij, neg),
        _mm256_unpackhi_epi32(ij, neg),
    );
    let (ml, mh) = (m & 3 | (m >> 2) & 0xc, (m >> 2) & 3 | (m >> 4) & 0xc);
    let (nl, nh) = (ml.count_ones() as usize, mh.count_ones() as usize);
    let pick = |mask: usize, keys: __m256i| {
        // SAFETY: `COMPRESS` rows are eight i32.
        let idx = unsafe { _mm256_loadu_si256(COMPRESS[mask & 0xf].as_ptr().cast()) };
        _mm256_permutevar8x32_epi32(keys, idx)
    };
    cand.reserve(FLOATS);
    let spare = cand.spare_capacity_mut();
    // SAFETY: `spare` holds at least eight words (reserved above) and each store writes four,
    // at offset 0 and at `nl` ≤ 4; the first `nl + nh` words written are keys, so the length
    // may grow by that.
    unsafe {
        let at = spare.as_mut_ptr().cast::<u64>();
        _mm256_storeu_si256(at.cast(), pick(ml, low));
        _mm256_storeu_si256(at.add(nl).cast(), pick(mh, high));
        cand.set_len(cand.len() + nl + nh);
    }
}
