//! The AVX-512 kernels of the matcher: the local stage (the local similarities of one A
//! cylinder with eight B cylinders per step, then the seed candidates from the finished rows)
//! and the pairing candidates of an alignment (sixteen B minutiae of a band per step). Owns
//! only these kernels and their run-time selection; the portable code in `matcher.rs`
//! (`local_stage_portable`, the portable band of `pair_minutiae`) defines the results.
//!
//! Why: the local stage was about half of a comparison's instructions, six scalar popcounts
//! per word kind and pair; with AVX-512 VPOPCNTDQ one instruction counts eight pairs' words
//! (B's cylinders are stored as a structure of arrays, see [`super::Cylinders`]). The pairing
//! was then more than half of the time (its tests mispredict); sixteen candidates per step
//! and a compress of the passing keys remove those branches.
//!
//! Why at run time: the build targets x86-64-v2 (office PCs may lack AVX-512), so the kernels
//! are compiled with `#[target_feature]` and chosen when `is_x86_feature_detected!` finds the
//! features (std caches the detection: a load and a test per call).
//!
//! Why the scores are bit-identical: the counts are exact integers (the same common cells
//! `a.valid & b.valid`, the same words); a popcount ≤ 384 converts to f32 exactly, and IEEE
//! square root is correctly rounded, so `_mm256_sqrt_ps` gives the portable table's values;
//! then the same f32 operations in the same order (`sa + sb`, `(1 - MIN_LOCAL) · d`, `1 - x / d`;
//! in the pairing `ex·ex + ey·ey`, `ux·c + uy·s`, `s · (1 − 0.8·√d² / tol)`), never a fused
//! multiply-add. The pairs are visited in B's direction order instead of full cylinders
//! first, and the seed candidates gathered from the finished rows with the best similarity
//! already known; neither changes the row (one slot per pair) nor the seeds: the candidates
//! left are all at or above `SEED_RATIO · top` and include the best `SEED_POOL` of those
//! (`rank_key` is a total order), whatever the order of the offers, and `compare_with` keeps
//! the best of them. The pairing keys are sorted before use, so their push order is free.

// The crate denies unsafe code; the feature-gated call and the masked loads and scatter need it.
#![allow(unsafe_code)]

use std::arch::x86_64::*;

use super::{
    MIN_COMMON_CELLS, MIN_LOCAL, PLANES, Prepared, SEED_BUFFER, Scratch, SeedGate, window_of,
};

/// `super::rank_key(v, i, j) = !bits(v) << 32 | i << 16 | j` of sixteen lanes (`ikey` holds
/// `i << 16` in every lane, `js` the sixteen B indices), in two halves of eight.
#[inline]
#[target_feature(enable = "avx512f,avx512vl,avx512bw,avx512vpopcntdq")]
fn rank_keys(v: __m512, ikey: __m512i, js: __m256i) -> (__m512i, __m512i) {
    let neg = _mm512_xor_si512(_mm512_castps_si512(v), _mm512_set1_epi32(-1));
    let key = |neg: __m256i, j: __m128i| {
        let hi = _mm512_slli_epi64::<32>(_mm512_cvtepu32_epi64(neg));
        _mm512_or_si512(_mm512_or_si512(hi, ikey), _mm512_cvtepu16_epi64(j))
    };
    (
        key(_mm512_castsi512_si256(neg), _mm256_castsi256_si128(js)),
        key(
            _mm512_extracti64x4_epi64::<1>(neg),
            _mm256_extracti128_si256::<1>(js),
        ),
    )
}

/// Whether this CPU runs the kernel (AVX-512 F, VL, BW and VPOPCNTDQ).
#[inline]
pub(super) fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("avx512vl")
        && std::arch::is_x86_feature_detected!("avx512bw")
        && std::arch::is_x86_feature_detected!("avx512vpopcntdq")
}

/// The local stage with AVX-512 (see `local_stage` in `matcher.rs`), or `None` (nothing
/// written) when the CPU lacks the features or the templates' parallel arrays disagree in
/// length (the portable kernel then skips what it cannot index).
pub(super) fn local_stage(a: &Prepared, b: &Prepared, scratch: &mut Scratch) -> Option<f32> {
    let (na, nb) = (a.cylinders.len(), b.cylinders.len());
    let consistent = a.angle8.len() == na
        && b.angle8.len() == nb
        && b.y_rank.len() == nb
        && b.by_y.len() == nb
        && a.cylinders.planes().n == na
        && b.cylinders.planes().n == nb
        && nb > 0
        && nb <= i32::MAX as usize;
    if !consistent || !available() {
        return None;
    }
    // SAFETY: the features `similarities` and `seeds` are compiled for were detected above.
    let top = unsafe { similarities(a, b, scratch) };
    // SAFETY: as above.
    unsafe { seeds(b, scratch, top) };
    Some(top)
}

/// Eight lanes of 64-bit words.
const LANES: usize = 8;

/// The local similarities into `scratch.sim` (see [`local_stage`]'s preconditions: the
/// features detected, `angle8` and `y_rank` as long as the cylinders, `nb > 0`); returns the
/// best one (0 when none passes `MIN_LOCAL`).
#[target_feature(enable = "avx512f,avx512vl,avx512bw,avx512vpopcntdq")]
fn similarities(a: &Prepared, b: &Prepared, scratch: &mut Scratch) -> f32 {
    let (na, nb) = (a.cylinders.len(), b.cylinders.len());
    let (ap, bp) = (a.cylinders.planes(), b.cylinders.planes());
    scratch.sim.clear();
    scratch.sim.resize(na * nb, 0.0);
    let min_common = _mm512_set1_epi64(i64::from(MIN_COMMON_CELLS));
    let reject_at = _mm256_set1_ps(1.0 - MIN_LOCAL);
    let one = _mm256_set1_ps(1.0);
    let min_local = _mm256_set1_ps(MIN_LOCAL);
    let last_rank = _mm256_set1_epi32(nb as i32 - 1);
    let mut best = _mm256_setzero_ps();
    for (i, (row, &theta)) in scratch.sim.chunks_exact_mut(nb).zip(&a.angle8).enumerate() {
        let Some(ca) = ap.get(i) else {
            continue;
        };
        let abits = ca.bits.map(|w| _mm512_set1_epi64(w as i64));
        let avalid = _mm512_set1_epi64(ca.valid as i64);
        for (from, to) in window_of(b, theta) {
            let to = to.min(nb);
            let mut j = from;
            while j < to {
                let lanes = (to - j).min(LANES);
                let live = (0xffu16 >> (LANES - lanes)) as u8;
                let load = |k: usize| {
                    let plane = bp.p[k].as_ptr();
                    // SAFETY: `j < to ≤ nb` = each plane's length (`planes`), so the start
                    // is in bounds; the lanes past the end are masked off, and a masked
                    // AVX-512 load neither reads nor faults on masked-off elements.
                    unsafe { _mm512_maskz_loadu_epi64(live, plane.add(j).cast::<i64>()) }
                };
                let v = _mm512_and_si512(avalid, load(PLANES - 1));
                let comparable =
                    _mm512_mask_cmpge_epu64_mask(live, _mm512_popcnt_epi64(v), min_common);
                let (mut ca_n, mut cb_n, mut cx_n) = (
                    _mm512_setzero_si512(),
                    _mm512_setzero_si512(),
                    _mm512_setzero_si512(),
                );
                for (k, &aw) in abits.iter().enumerate() {
                    let x = _mm512_and_si512(aw, v);
                    let y = _mm512_and_si512(load(k), v);
                    ca_n = _mm512_add_epi64(ca_n, _mm512_popcnt_epi64(x));
                    cb_n = _mm512_add_epi64(cb_n, _mm512_popcnt_epi64(y));
                    cx_n = _mm512_add_epi64(cx_n, _mm512_popcnt_epi64(_mm512_xor_si512(x, y)));
                }
                // `similarity_of_counts`, eight lanes at once.
                let root =
                    |n: __m512i| _mm256_sqrt_ps(_mm256_cvtepi32_ps(_mm512_cvtepi64_epi32(n)));
                let d = _mm256_add_ps(root(ca_n), root(cb_n));
                let x = root(cx_n);
                let rejected = _mm256_cmp_ps_mask::<_CMP_GE_OQ>(x, _mm256_mul_ps(reject_at, d));
                let s = _mm256_sub_ps(one, _mm256_div_ps(x, d));
                let keep = comparable & !rejected & _mm256_cmp_ps_mask::<_CMP_GT_OQ>(s, min_local);
                // SAFETY: `j < nb` = `y_rank`'s length (checked in `local_stage`), lanes past
                // it masked off as above.
                let ranks =
                    unsafe { _mm_maskz_loadu_epi16(live, b.y_rank.as_ptr().add(j).cast::<i16>()) };
                // Clamped to the row: the ranks are a permutation of 0..nb, the clamp only
                // keeps a malformed template from writing outside it.
                let idx = _mm256_min_epu32(_mm256_cvtepu16_epi32(ranks), last_rank);
                // SAFETY: every index is at most nb - 1 (clamped) and `row` holds nb floats;
                // only the `keep` lanes are written.
                unsafe { _mm256_mask_i32scatter_ps::<4>(row.as_mut_ptr(), keep, idx, s) };
                best = _mm256_mask_max_ps(best, keep, best, s);
                j += lanes;
            }
        }
    }
    _mm512_reduce_max_ps(_mm512_zextps256_ps512(best))
}

/// Floats per 512-bit vector.
const FLOATS: usize = 16;

/// The seed candidates into `scratch.pairs` from the finished similarity rows: every pair at
/// or above the gate (`SEED_RATIO · top` with `top` known from the start, then the floor of
/// the kept candidates, see [`SeedGate::cut`]) is pushed as a `rank_key`, up to sixteen
/// per step, rows in A's order, columns in B's y order. The portable kernel's gate learns `top`
/// on the way; the candidates that survive are the same (see the module comment). `b.by_y`
/// holds `nb` entries.
#[target_feature(enable = "avx512f,avx512vl,avx512bw,avx512vpopcntdq")]
fn seeds(b: &Prepared, scratch: &mut Scratch, top: f32) {
    let nb = b.by_y.len();
    let pairs = &mut scratch.pairs;
    pairs.clear();
    if top <= 0.0 {
        return;
    }
    let mut gate = SeedGate::knowing_top(top);
    // The candidates kept so far: fewer than SEED_BUFFER before each step, which adds at most
    // sixteen.
    let mut kept = [0u64; SEED_BUFFER + FLOATS];
    let mut len = 0usize;
    for (i, row) in scratch.sim.chunks_exact(nb).enumerate() {
        let ikey = _mm512_set1_epi64((i as i64) << 16);
        let mut r = 0;
        while r < nb {
            let lanes = (nb - r).min(FLOATS);
            let live = (0xffff_ffffu32 >> (32 - lanes)) as u16;
            // SAFETY: `r < nb` = the row's length; lanes past it are masked off (a masked
            // load neither reads nor faults on them).
            let s = unsafe { _mm512_maskz_loadu_ps(live, row.as_ptr().add(r)) };
            let m = _mm512_mask_cmp_ps_mask::<_CMP_GE_OQ>(live, s, _mm512_set1_ps(gate.gate));
            if m != 0 {
                // SAFETY: `r < nb` = `by_y`'s length (`b.by_y.len()`), lanes past it masked
                // off as above.
                let js = unsafe { _mm256_maskz_loadu_epi16(live, b.by_y.as_ptr().add(r).cast()) };
                let (low, high) = rank_keys(s, ikey, js);
                let (ml, mh) = (m as u8, (m >> 8) as u8);
                let nl = ml.count_ones() as usize;
                // SAFETY: `len < SEED_BUFFER` and `nl ≤ 8`, so both eight-word stores end
                // within `kept` (SEED_BUFFER + 16 words).
                unsafe {
                    let at = kept.as_mut_ptr().add(len);
                    _mm512_storeu_si512(at.cast(), _mm512_maskz_compress_epi64(ml, low));
                    _mm512_storeu_si512(at.add(nl).cast(), _mm512_maskz_compress_epi64(mh, high));
                }
                len += nl + mh.count_ones() as usize;
                if len >= SEED_BUFFER {
                    len = gate.cut(kept.get_mut(..len).unwrap_or(&mut []));
                }
            }
            r += lanes;
        }
    }
    pairs.extend_from_slice(kept.get(..len).unwrap_or(&[]));
}

/// For each nibble, its four bits each widened to four (a point's four floats in `ypts`).
const SPREAD: [u16; 16] = {
    let mut t = [0u16; 16];
    let mut n = 0;
    while n < 16 {
        let mut b = 0;
        while b < 4 {
            if n >> b & 1 == 1 {
                t[n] |= 0xf << (4 * b);
            }
            b += 1;
        }
        n += 1;
    }
    t
};

/// The pairing candidates (see `collect_candidates` in `matcher.rs`) with AVX-512: sixteen B
/// minutiae of a band per step, the same f32 operations as the portable band (`ex·ex + ey·ey`,
/// `ux·c + uy·s`, `s · (1 − 0.8·√d² / tol)`, no fused multiply-add), so the same keys (the
/// order in which they are pushed does not matter: they are sorted, and all distinct).
/// `false` (nothing done) when the CPU lacks the features.
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
    // SAFETY: the features `pair_candidates_avx512` is compiled for were detected above.
    unsafe { pair_candidates_avx512(a, b, scratch, pa, pb, rot) };
    true
}

/// [`pair_candidates`] once the features are detected.
#[target_feature(enable = "avx512f,avx512vl,avx512bw,avx512vpopcntdq")]
fn pair_candidates_avx512(
    a: &Prepared,
    b: &Prepared,
    scratch: &mut Scratch,
    pa: [f32; 3],
    pb: [f32; 3],
    rot: f32,
) {
    // De-interleaving (x, y, c, s) × 16 from four vectors of four points: first each pair of
    // vectors into (x or c of 8 points, y or s of 8 points), then the two halves joined.
    let xy_idx = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
    let cs_idx = _mm512_setr_epi32(2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 23, 27, 31);
    let lo_idx = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    let hi_idx = _mm512_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    let zero = _mm512_setzero_ps();
    let one = _mm512_set1_ps(1.0);
    let shrink = _mm512_set1_ps(0.8);
    super::collect_candidates(a, b, scratch, pa, pb, rot, |cand, band| {
        let n = band.ss.len().min(band.ps.len()).min(band.js.len());
        let (x, y) = (_mm512_set1_ps(band.x), _mm512_set1_ps(band.y));
        let (ux, uy) = (_mm512_set1_ps(band.ux), _mm512_set1_ps(band.uy));
        let (tol, tol2) = (_mm512_set1_ps(band.tol), _mm512_set1_ps(band.tol2));
        let min_cos = _mm512_set1_ps(band.min_cos);
        let ikey = _mm512_set1_epi64(i64::from(band.i) << 16);
        let mut k = 0;
        while k < n {
            let lanes = (n - k).min(FLOATS);
            let live = (0xffff_ffffu32 >> (32 - lanes)) as u16;
            // SAFETY: `k < n` ≤ each slice's length, so the starts are in bounds;
            // a quarter of the points (`ps`: four floats per point) may start past the end
            // (hence `wrapping_add`), but then its mask is empty. Lanes past the end are
            // masked off, and a masked load neither reads nor faults on them.
            let (s, js, v) = unsafe {
                let pts = band.ps.as_ptr().add(k).cast::<f32>();
                let quarter = |q: usize| {
                    let m = SPREAD[usize::from(live >> (4 * q)) & 0xf];
                    _mm512_maskz_loadu_ps(m, pts.wrapping_add(16 * q))
                };
                (
                    _mm512_maskz_loadu_ps(live, band.ss.as_ptr().add(k)),
                    _mm256_maskz_loadu_epi16(live, band.js.as_ptr().add(k).cast()),
                    [quarter(0), quarter(1), quarter(2), quarter(3)],
                )
            };
            let xy01 = _mm512_permutex2var_ps(v[0], xy_idx, v[1]);
            let xy23 = _mm512_permutex2var_ps(v[2], xy_idx, v[3]);
            let cs01 = _mm512_permutex2var_ps(v[0], cs_idx, v[1]);
            let cs23 = _mm512_permutex2var_ps(v[2], cs_idx, v[3]);
            let px = _mm512_permutex2var_ps(xy01, lo_idx, xy23);
            let py = _mm512_permutex2var_ps(xy01, hi_idx, xy23);
            let pc = _mm512_permutex2var_ps(cs01, lo_idx, cs23);
            let ps = _mm512_permutex2var_ps(cs01, hi_idx, cs23);
            let (ex, ey) = (_mm512_sub_ps(x, px), _mm512_sub_ps(y, py));
            let d2 = _mm512_add_ps(_mm512_mul_ps(ex, ex), _mm512_mul_ps(ey, ey));
            let dot = _mm512_add_ps(_mm512_mul_ps(ux, pc), _mm512_mul_ps(uy, ps));
            let ok = _mm512_mask_cmp_ps_mask::<_CMP_GT_OQ>(live, s, zero)
                & _mm512_cmp_ps_mask::<_CMP_LE_OQ>(d2, tol2)
                & _mm512_cmp_ps_mask::<_CMP_GE_OQ>(dot, min_cos);
            if ok != 0 {
                let fall = _mm512_div_ps(_mm512_mul_ps(shrink, _mm512_sqrt_ps(d2)), tol);
                let w = _mm512_mul_ps(s, _mm512_sub_ps(one, fall));
                let (low, high) = rank_keys(w, ikey, js);
                let (ml, mh) = (ok as u8, (ok >> 8) as u8);
                let nl = ml.count_ones() as usize;
                let count = nl + mh.count_ones() as usize;
                cand.reserve(FLOATS);
                let spare = cand.spare_capacity_mut();
                // SAFETY: `spare` holds at least sixteen words (reserved above) and each
                // store writes eight, at offset 0 and at `nl` ≤ 8; the first `count` words
                // written are keys, so the length may grow by `count`.
                unsafe {
                    let at = spare.as_mut_ptr().cast::<u64>();
                    _mm512_storeu_si512(at.cast(), _mm512_maskz_compress_epi64(ml, low));
                    _mm512_storeu_si512(at.add(nl).cast(), _mm512_maskz_compress_epi64(mh, high));
                    cand.set_len(cand.len() + count);
                }
            }
            k += lanes;
        }
    });
}
