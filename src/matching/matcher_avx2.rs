//! The AVX2 kernels of the matcher, for CPUs without AVX-512 (most office desktops; the warp
//! and overlap kernels run on AVX-512 CPUs too, which have none of their own): the local
//! stage (the local similarities of one A cylinder with four B cylinders per step, then the
//! seed candidates from the finished rows) and the pairing candidates of an alignment (eight
//! A minutiae mapped into B at once, then eight B minutiae of a band per step), also those of
//! the warped re-pairing (eight A minutiae's residual means per step), and the overlap
//! counts of a seeded alignment (eight minutiae per step). Owns only these kernels and their
//! run-time selection; the portable code in `matcher.rs` (`local_stage_portable`,
//! `collect_candidates` with the portable band of `pair_minutiae`, the loop of `warp`,
//! `overlap_a`, `overlap_b`) defines the results.
//!
//! Why: the portable local stage is about half of a comparison's instructions, up to eighteen
//! scalar popcounts per pair. AVX2 has no vector popcount, so the words of four pairs (B's
//! cylinders are a structure of arrays, see [`super::Cylinders`]) are counted per nibble with
//! a table lookup (`vpshufb`, W. Muła's method): the byte counts of the six direction words
//! are summed as bytes (at most 6 · 8 = 48, no overflow), and one `vpsadbw` per count gives
//! each pair's total. The two cylinders' own counts over the common cells are counted from
//! three bit planes of each cell's direction count (carry-save adders, A's once per row,
//! B's once per comparison) instead of six words: three lookups instead of six. The pairing
//! tests mispredict; eight candidates per step and a table-driven compress of the passing
//! keys remove those branches. Once they were gone, the scalar work per A minutia (the map
//! into B, its tolerance, its band's ends, one call per band and the padding of the band's
//! tail) was most of the pairing: eight A minutiae are mapped per step, and a band's steps
//! are loaded from B's arrays, lanes outside the band cleared. The warp's residual means
//! are summed per lane in the residuals' order (the portable order, so the same sums). The
//! overlap counts' inside tests mispredicted (about half the minutiae fall outside): eight
//! are mapped and tested at once, their cells' bits gathered.
//!
//! Why at run time: the build targets x86-64-v2, so the kernels are compiled with
//! `#[target_feature]` and chosen when `is_x86_feature_detected!` finds AVX2 (std caches the
//! detection: a load and a test per call).
//!
//! Why the scores are bit-identical: as in `matcher_avx512.rs`, the counts are exact integers
//! over the same common cells (`a.valid & b.valid`, or B's valid cells and B's count when A is
//! full, as `similarity_full_a`); a count ≤ 384 converts to f32 exactly and IEEE square root
//! is correctly rounded, so `_mm256_sqrt_ps` gives the portable table's values; then the same
//! f32 operations (`sa + sb`, `(1 - MIN_LOCAL) · d`, `1 - x / d`; in the pairing those of
//! `seed_map`, of the tolerance and of the portable band, and the bucket of
//! `Prepared::y_from`), never a fused multiply-add (the `fma` feature is deliberately not
//! enabled).
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

#[path = "pairing_sieve.rs"]
mod sieve;
pub(super) use sieve::Sieve;

use super::{
    MIN_COMMON_CELLS, MIN_LOCAL, PLANES, Prepared, SEED_BUFFER, SEED_POOL, Scratch, SeedGate,
    window_of,
};

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
    let Scratch {
        sim,
        cell_counts,
        row_max,
        ..
    } = scratch;
    sim.clear();
    sim.resize(na * nb, 0.0);
    row_max.clear();
    row_max.resize(na, 0);
    // B's cells' direction counts, four cylinders per step (the last step may start earlier
    // and write the same values again: `nb ≥ LANES`).
    cell_counts.clear();
    cell_counts.resize(CELL_PLANES * nb, 0);
    let mut j = 0;
    while j < nb {
        let base = j.min(nb - LANES);
        // SAFETY: `base + LANES ≤ nb` = each plane's length (`planes`) and the length of each
        // third of `cell_counts`.
        unsafe {
            let w =
                bp.p.map(|plane| _mm256_loadu_si256(plane.as_ptr().add(base).cast()));
            let planes = cell_planes(w[0], w[1], w[2], w[3], w[4], w[5]);
            for (q, plane) in planes.into_iter().enumerate() {
                let at = cell_counts.as_mut_ptr().add(q * nb + base);
                _mm256_storeu_si256(at.cast(), plane);
            }
        }
        j = base + LANES;
    }
    let bn: [&[u64]; CELL_PLANES] = {
        let (n0, rest) = cell_counts.split_at(nb);
        let (n1, n2) = rest.split_at(nb);
        [n0, n1, n2]
    };
    let full = super::in_circle_mask();
    // The best similarity so far in each high f32 lane (a scalar maximum per kept pair made
    // a dependency chain through memory, the loop's registers being full).
    let mut best = _mm256_setzero_ps();
    let mut s_out = [0.0f32; 2 * LANES];
    let ctx = RowContext { b, bp, bn };
    // A's full cylinders, then the others (each kind has its own kernel: one loop over both
    // mispredicted the kind). `full_idx` and `part_idx` hold each row once (`prepare`); a
    // row listed as full whose cylinder is not is done by the general kernel.
    let kinds = a.full_idx.iter().map(|&i| (i, true));
    for (i, listed_full) in kinds.chain(a.part_idx.iter().map(|&i| (i, false))) {
        let i = usize::from(i);
        let (Some(ca), Some(row), Some(&theta), Some(row_best)) = (
            ap.get(i),
            sim.get_mut(i * nb..(i + 1) * nb),
            a.angle8.get(i),
            row_max.get_mut(i),
        ) else {
            continue;
        };
        let abits = ca.bits.map(|w| _mm256_set1_epi64x(w as i64));
        let [w0, w1, w2, w3, w4, w5] = abits;
        let an = cell_planes(w0, w1, w2, w3, w4, w5);
        let avalid = _mm256_set1_epi64x(ca.valid as i64);
        let ca_row = RowCylinder { abits, an, avalid };
        let zero = _mm256_setzero_ps();
        let in_row = if listed_full && ca.valid == full {
            row_pairs::<true>(&ctx, row, theta, &ca_row, zero)
        } else {
            row_pairs::<false>(&ctx, row, theta, &ca_row, zero)
        };
        best = _mm256_max_ps(best, in_row);
        *row_best = horizontal_max(in_row).to_bits();
    }
    // SAFETY: `s_out` holds eight floats.
    unsafe { _mm256_storeu_ps(s_out.as_mut_ptr(), best) };
    // The maximum of the same values as the portable stage's running maximum: the same bits.
    s_out.iter().fold(0.0f32, |m, &v| m.max(v))
}

/// The largest of eight non-negative floats (no NaN: the kept similarities and zeros).
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn horizontal_max(v: __m256) -> f32 {
    let m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
    let m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    _mm_cvtss_f32(_mm_max_ss(m, _mm_shuffle_ps::<0b01>(m, m)))
}

/// What [`row_pairs`] reads of B: the template, its direction words and its cells' count
/// planes.
struct RowContext<'a> {
    b: &'a Prepared,
    bp: super::Planes<'a>,
    bn: [&'a [u64]; CELL_PLANES],
}

/// One A cylinder's words broadcast to four lanes: its direction words, their cell planes and
/// its valid cells.
struct RowCylinder {
    abits: [__m256i; super::WORDS],
    an: [__m256i; CELL_PLANES],
    avalid: __m256i,
}

/// The similarities of one A cylinder (`ca`, direction `theta`) with B's cylinders in its
/// direction window into `row`; returns `best` raised to the kept ones. One instance per kind of A
/// cylinder (`A_FULL`: every cell valid, see `similarity_full_a`), so that each loop carries
/// only its own kind's values (one loop with both spilled).
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn row_pairs<const A_FULL: bool>(
    ctx: &RowContext<'_>,
    row: &mut [f32],
    theta: u8,
    ca: &RowCylinder,
    mut best: __m256,
) -> __m256 {
    let RowContext { b, bp, bn } = ctx;
    let (b, bn) = (*b, *bn);
    let few_common = _mm256_set1_epi64x(i64::from(MIN_COMMON_CELLS) - 1);
    let reject_at = _mm256_set1_ps(1.0 - MIN_LOCAL);
    let one = _mm256_set1_ps(1.0);
    let min_local = _mm256_set1_ps(MIN_LOCAL);
    let high = _mm256_castsi256_ps(_mm256_setr_epi32(0, -1, 0, -1, 0, -1, 0, -1));
    let lane_bits = _mm256_setr_epi64x(1, 2, 4, 8);
    let RowCylinder { abits, an, avalid } = ca;
    let (abits, an, avalid) = (*abits, *an, *avalid);
    let nb = b.cylinders.len();
    for (from, to) in window_of(b, theta) {
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
            let (comparable, counts, cx_n) = if A_FULL {
                // `similarity_full_a`: the common cells are B's valid cells, B's count is
                // its set bits, and there is no test of the common cells (as there).
                let v = load(PLANES - 1);
                let ca_n = weighted_counts(an, v);
                let mut cx_n = _mm256_setzero_si256();
                for (k, &aw) in abits.iter().enumerate() {
                    let x = _mm256_and_si256(aw, v);
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
                let comparable =
                    _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(common, few_common)))
                        as u32;
                let ca_n = weighted_counts(an, v);
                // SAFETY: `base + LANES ≤ nb` = each third's length.
                let bnv = bn.map(|q| unsafe { _mm256_loadu_si256(q.as_ptr().add(base).cast()) });
                let cb_n = weighted_counts(bnv, v);
                let mut cx_n = _mm256_setzero_si256();
                for (k, &aw) in abits.iter().enumerate() {
                    let x = _mm256_and_si256(_mm256_xor_si256(aw, load(k)), v);
                    cx_n = _mm256_add_epi8(cx_n, byte_counts(x));
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
            let x = _mm256_sqrt_ps(_mm256_cvtepi32_ps(_mm256_slli_epi64::<32>(lane_sums(cx_n))));
            let rejected = _mm256_cmp_ps::<_CMP_GE_OQ>(x, _mm256_mul_ps(reject_at, d));
            let s = _mm256_sub_ps(one, _mm256_div_ps(x, d));
            let pass = _mm256_andnot_ps(rejected, _mm256_cmp_ps::<_CMP_GT_OQ>(s, min_local));
            let keep = live & comparable & _mm256_movemask_pd(_mm256_castps_pd(pass)) as u32;
            if keep == 0 {
                j = base + LANES;
                continue;
            }
            // The kept lanes' similarities (above MIN_LOCAL, so no NaN; the others 0).
            let kept = _mm256_cmpeq_epi64(
                _mm256_and_si256(_mm256_set1_epi64x(i64::from(keep)), lane_bits),
                lane_bits,
            );
            let kept = _mm256_and_ps(_mm256_castsi256_ps(kept), high);
            let s_kept = _mm256_and_ps(s, kept);
            best = _mm256_max_ps(best, s_kept);
            // Every live lane's entry: its similarity when kept, else 0 (what the row holds
            // for a pair that does not pass; a lane visited again by a range's last step gets
            // the same value again). Lanes are live but at a range's edges, so the branch per
            // lane is predictable where a loop over the kept lanes was not. The high f32 of
            // each 64-bit lane, taken from the registers (read back from memory, a 32-byte
            // store does not forward to the narrower loads).
            let (lo, hi) = (
                _mm256_castps256_ps128(s_kept),
                _mm256_extractf128_ps::<1>(s_kept),
            );
            let values = [
                _mm_extract_ps::<1>(lo),
                _mm_extract_ps::<3>(lo),
                _mm_extract_ps::<1>(hi),
                _mm_extract_ps::<3>(hi),
            ];
            if let Some(ranks) = b.y_rank.get(base..base + LANES) {
                for (lane, (&v, &r)) in values.iter().zip(ranks).enumerate() {
                    if live & (1 << lane) != 0
                        && let Some(slot) = row.get_mut(usize::from(r))
                    {
                        *slot = f32::from_bits(v as u32);
                    }
                }
            }
            j = base + LANES;
        }
    }
    best
}

/// Bit planes of a cylinder's cells' direction counts (0–6 set layers per spatial cell).
const CELL_PLANES: usize = 3;

const _: () = assert!(super::WORDS == 6, "cell_planes adds six layers");

/// The six direction layers' per-cell counts as three bit planes of weights 1, 2 and 4
/// (carry-save adders): for any cell mask `v`, Σₖ popcount(layerₖ & v) =
/// Σ_q 2^q · popcount(plane_q & v), with three counts instead of six.
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn cell_planes(
    w0: __m256i,
    w1: __m256i,
    w2: __m256i,
    w3: __m256i,
    w4: __m256i,
    w5: __m256i,
) -> [__m256i; CELL_PLANES] {
    let full_add = |a: __m256i, b: __m256i, c: __m256i| {
        let t = _mm256_xor_si256(a, b);
        (
            _mm256_xor_si256(t, c),
            _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(t, c)),
        )
    };
    let (s1, c1) = full_add(w0, w1, w2);
    let (s2, c2) = full_add(w3, w4, w5);
    // s1 + s2 = ones + 2·c3; the carries c1 + c2 + c3 (weight 2) = twos + 2·fours.
    let (ones, c3) = (_mm256_xor_si256(s1, s2), _mm256_and_si256(s1, s2));
    let (twos, fours) = full_add(c1, c2, c3);
    [ones, twos, fours]
}

/// The byte counts of the cells of `v` weighted by the direction counts `planes` (see
/// [`cell_planes`]): at most 8 · (1 + 2 + 4) = 56 per byte, no overflow; summed by
/// [`lane_sums`] they give Σₖ popcount(layerₖ & v) per 64-bit lane.
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn weighted_counts(planes: [__m256i; CELL_PLANES], v: __m256i) -> __m256i {
    let [ones, twos, fours] = planes.map(|p| byte_counts(_mm256_and_si256(p, v)));
    let t = _mm256_add_epi8(_mm256_add_epi8(fours, fours), twos);
    _mm256_add_epi8(_mm256_add_epi8(t, t), ones)
}

/// Floats per 256-bit vector (B minutiae per pairing step).
const FLOATS: usize = 8;

/// The seed candidates into `scratch.pairs` from the finished similarity rows: every pair at
/// or above the gate (`SEED_RATIO · top` with `top` known from the start, then the floor of
/// the kept candidates, see [`SeedGate::cut`]) is kept as a `rank_key`, rows in A's order
/// (see `seeds` in `matcher_avx512.rs`). Eight columns per step, the passing ones' keys
/// compressed into a buffer without a branch on whether any passes (it mispredicted).
///
/// The rows' maxima (`scratch.row_max`) start the floor: the `SEED_POOL`-th largest of them
/// is at most the `SEED_POOL`-th largest similarity (they are that many distinct pairs), so
/// every pair that can be kept reaches it; and a row whose maximum is below the gate has no
/// pair to keep and is not read. `b.by_y` holds `nb` entries.
#[target_feature(enable = "avx2,popcnt")]
fn seeds(b: &Prepared, scratch: &mut Scratch, top: f32) {
    let nb = b.by_y.len();
    let Scratch {
        pairs,
        sim,
        row_max,
        row_order,
        #[cfg(test)]
            rows_skipped: scratch_rows_skipped,
        ..
    } = scratch;
    pairs.clear();
    if top <= 0.0 {
        return;
    }
    let mut gate = SeedGate::knowing_top(top);
    if row_max.len() >= SEED_POOL {
        row_order.clear();
        row_order.extend_from_slice(row_max);
        let at = row_order.len() - SEED_POOL;
        let (_, &mut floor, _) = row_order.select_nth_unstable(at);
        gate.raise_floor(f32::from_bits(floor));
    }
    // The candidates kept so far: fewer than SEED_BUFFER before each step, which adds at most
    // eight.
    let mut kept = [0u64; SEED_BUFFER + FLOATS];
    let mut len = 0usize;
    // The last step of a row starts at `nb − 8` and keeps only the lanes the others did
    // not read (with fewer than eight columns there is no whole step: one at a time then).
    let tail = nb % FLOATS;
    let (last_base, last_lanes) = if nb >= FLOATS && tail > 0 {
        (nb - FLOATS, 0xffu32 << (FLOATS - tail) & 0xff)
    } else {
        (0, 0)
    };
    for (i, (row, &most)) in sim.chunks_exact(nb).zip(row_max.iter()).enumerate() {
        if f32::from_bits(most) < gate.gate {
            #[cfg(test)]
            {
                *scratch_rows_skipped += 1;
            }
            continue;
        }
        let ikey = _mm256_set1_epi32(i32::from(i as u16) << 16);
        let mut step = |r: usize, lanes: u32, len: &mut usize| {
            // SAFETY: `r + FLOATS ≤ nb` = the row's length and `by_y`'s length (eight u16 =
            // 128 bits).
            let (s, j16) = unsafe {
                (
                    _mm256_loadu_ps(row.as_ptr().add(r)),
                    _mm_loadu_si128(b.by_y.as_ptr().add(r).cast()),
                )
            };
            let m = _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_GE_OQ>(s, _mm256_set1_ps(gate.gate)))
                as u32
                & lanes;
            let ij = _mm256_or_si256(ikey, _mm256_cvtepu16_epi32(j16));
            // SAFETY: `len < SEED_BUFFER`, so eight words from `len` lie within `kept`.
            *len += unsafe { compress_keys(kept.as_mut_ptr().add(*len), s, ij, m as usize) };
            if *len >= SEED_BUFFER {
                *len = gate.cut(kept.get_mut(..*len).unwrap_or(&mut []));
            }
        };
        let mut r = 0;
        while r + FLOATS <= nb {
            step(r, 0xff, &mut len);
            r += FLOATS;
        }
        if last_lanes != 0 {
            step(last_base, last_lanes, &mut len);
            continue;
        }
        for (k, &s) in row.get(r..).unwrap_or(&[]).iter().enumerate() {
            if s >= gate.gate
                && let (Some(&j), Some(slot)) = (b.by_y.get(r + k), kept.get_mut(len))
            {
                *slot = super::rank_key(s, i as u16, j);
                len += 1;
                if len >= SEED_BUFFER {
                    len = gate.cut(kept.get_mut(..len).unwrap_or(&mut []));
                }
            }
        }
    }
    pairs.extend_from_slice(kept.get(..len).unwrap_or(&[]));
}

/// `super::rank_key(v, i, j)` of the eight lanes set in `m` (values `v`, `i << 16 | j` in
/// `ij`), written from `keys` (lanes 0, 1, 4, 5 first, then 2, 3, 6, 7; the order of the keys
/// is free, see the module comment); returns how many. Eight words from `keys` are written
/// whatever `m` is.
///
/// # Safety
/// The features are detected, and `keys` is valid for writing eight words.
#[inline]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn compress_keys(keys: *mut u64, v: __m256, ij: __m256i, m: usize) -> usize {
    // `!bits(v)` high, `i << 16 | j` low.
    let neg = _mm256_xor_si256(_mm256_castps_si256(v), _mm256_set1_epi32(-1));
    let (low, high) = (
        _mm256_unpacklo_epi32(ij, neg),
        _mm256_unpackhi_epi32(ij, neg),
    );
    let (ml, mh) = (m & 3 | (m >> 2) & 0xc, (m >> 2) & 3 | (m >> 4) & 0xc);
    let nl = ml.count_ones() as usize;
    let pick = |mask: usize, keys: __m256i| {
        // SAFETY: `COMPRESS` rows are eight i32.
        let idx = unsafe { _mm256_loadu_si256(COMPRESS[mask & 0xf].as_ptr().cast()) };
        _mm256_permutevar8x32_epi32(keys, idx)
    };
    // SAFETY: the caller guarantees eight words from `keys`; each store writes four, at
    // offset 0 and at `nl` ≤ 4.
    unsafe {
        _mm256_storeu_si256(keys.cast(), pick(ml, low));
        _mm256_storeu_si256(keys.add(nl).cast(), pick(mh, high));
    }
    nl + mh.count_ones() as usize
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

/// The pairing candidates (see `collect_candidates` in `matcher.rs`) with AVX2, the same keys
/// as the portable band (the order in which they are pushed does not matter: they are sorted,
/// and all distinct). `false` (nothing done) when the CPU lacks AVX2.
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
    // SAFETY: the features `pair_candidates_avx2` is compiled for were detected above.
    unsafe { pair_candidates_avx2(a, b, scratch, pa, pb, rot) };
    true
}

/// [`pair_candidates`] once the features are detected. Eight A minutiae are mapped into B at
/// once (position, tolerance, direction, the y-range test and their bands' bucket indices:
/// the scalar work per A minutia was most of the pairing), then each one's band is walked
/// eight B minutiae per step, the steps loaded straight from B's arrays (a band's last step
/// starts earlier when it would run past B's end, and the lanes outside the band are
/// cleared). With fewer than eight A or B minutiae (or parallel arrays that disagree in
/// length) `collect_candidates` maps one A minutia at a time and [`push_band`] pads the
/// band's tail instead.
#[target_feature(enable = "avx2,popcnt")]
fn pair_candidates_avx2(
    a: &Prepared,
    b: &Prepared,
    scratch: &mut Scratch,
    pa: [f32; 3],
    pb: [f32; 3],
    rot: f32,
) {
    let (na, nbp) = (a.points.len(), b.ypts.len());
    let whole = na >= FLOATS
        && nbp >= FLOATS
        && a.dirs.len() == na
        && b.by_y.len() == nbp
        && b.yplanes.len() == 4 * nbp
        && scratch.sim.len() == na * nbp;
    if !whole {
        super::collect_candidates(a, b, scratch, pa, pb, rot, |cand, band| {
            push_band(cand, band);
        });
        return;
    }
    // The scalars of `collect_candidates`, computed the same way.
    let min_cos = super::ANGLE_TOL.cos();
    let (rs, rc) = rot.sin_cos();
    let reach = super::DIST_TOL_MAX + super::Y_BUCKET;
    let y_min = b.ypts.first().map_or(0.0, |p| p[1]) - reach;
    let y_max = b.ypts.last().map_or(0.0, |p| p[1]) + reach;
    let (x_min, x_max) = (b.x_range[0] - super::X_REACH, b.x_range[1] + super::X_REACH);
    // `Prepared::y_from`'s clamp, made on the float before truncating (the same bucket: the
    // bound is an integer below 2^24; `_mm256_max_ps` returns its second operand, 0, for NaN
    // as the saturating cast does).
    let last = b.y_start.len().saturating_sub(1).min(i32::MAX as usize) as i32;
    let map = Map {
        pa0: _mm256_set1_ps(pa[0]),
        pa1: _mm256_set1_ps(pa[1]),
        pb0: _mm256_set1_ps(pb[0]),
        pb1: _mm256_set1_ps(pb[1]),
        rs: _mm256_set1_ps(rs),
        rc: _mm256_set1_ps(rc),
        y_min: _mm256_set1_ps(y_min),
        y_max: _mm256_set1_ps(y_max),
        x_min: _mm256_set1_ps(x_min),
        x_max: _mm256_set1_ps(x_max),
        last: _mm256_set1_ps(last as f32),
    };
    let cand = &mut scratch.cand;
    cand.clear();
    let sim = scratch.sim.as_slice();
    // The sieve of B's minutiae (built at the comparison's first pairing), for A's
    // directions in 1/256 turns and the alignment's turn in the same unit (a turn that is not
    // a number, or absurdly large, walks the bands).
    let words = if a.angle8.len() == na && rot.abs() < 1e4 {
        scratch.sieve.for_comparison(b)
    } else {
        0
    };
    let sieve = &scratch.sieve;
    let turn = (rot * (256.0 / std::f32::consts::TAU)).round() as i32;
    let min_cos_v = _mm256_set1_ps(min_cos);
    let mut i = 0;
    while i < na {
        // Eight whole lanes: the last block starts earlier (`na ≥ FLOATS`), and only the lanes
        // from `i` on count.
        let base = i.min(na - FLOATS);
        // SAFETY: `base + FLOATS ≤ na` = the length of `a.points` and of `a.dirs` (checked
        // above).
        let mapped = unsafe { map_eight(&map, a, base) };
        let todo = mapped.pass & (0xffu32 << (i - base)) & 0xff;
        if todo == 0 {
            i = base + FLOATS;
            continue;
        }
        // SAFETY: AVX2 is available (this function's features), the sieve was built for B by
        // this comparison (`for_comparison`, with `words` words per set), and A's directions
        // hold `na ≥ base + 8` entries (checked with `words`).
        let sieved = words > 0
            && unsafe { sieve.pair_lanes(cand, sim, a, b, &mapped, todo, base, turn, min_cos) };
        if !sieved {
            walk_lanes(cand, sim, b, &mapped, todo, base, min_cos_v);
        }
        i = base + FLOATS;
    }
}

/// The rigid map of an alignment and B's y range, in vectors (see [`map_eight`]).
struct Map {
    pa0: __m256,
    pa1: __m256,
    pb0: __m256,
    pb1: __m256,
    rs: __m256,
    rc: __m256,
    y_min: __m256,
    y_max: __m256,
    x_min: __m256,
    x_max: __m256,
    /// The last bucket of `b.y_start`, as a float.
    last: __m256,
}

/// Eight A minutiae mapped into B (see [`map_eight`]), one lane each.
#[derive(Clone, Copy)]
struct Mapped {
    /// The lanes within B's x and y ranges.
    pass: u32,
    /// A's positions.
    ax: __m256,
    ay: __m256,
    x: __m256,
    y: __m256,
    ux: __m256,
    uy: __m256,
    tol: __m256,
    tol2: __m256,
    /// The buckets of `b.y_start` where the band starts and ends (`Prepared::y_from`).
    k_lo: __m256i,
    k_hi: __m256i,
}

/// A's minutiae `base..base + 8` mapped as `collect_candidates` maps each: the same f32
/// operations in the same order (`seed_map`, the tolerance, the turned direction, the bands'
/// ends), no fused multiply-add.
///
/// # Safety
/// The features are detected, and `base + FLOATS ≤` the length of `a.points` and `a.dirs`.
#[inline]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn map_eight(m: &Map, a: &Prepared, base: usize) -> Mapped {
    // SAFETY: the caller guarantees eight points (24 floats) and eight directions (16 floats)
    // from `base`.
    let (v0, v1, v2, d0, d1) = unsafe {
        let pts = a.points.as_ptr().cast::<f32>().add(3 * base);
        let dirs = a.dirs.as_ptr().cast::<f32>().add(2 * base);
        (
            _mm256_loadu_ps(pts),
            _mm256_loadu_ps(pts.add(FLOATS)),
            _mm256_loadu_ps(pts.add(2 * FLOATS)),
            _mm256_loadu_ps(dirs),
            _mm256_loadu_ps(dirs.add(FLOATS)),
        )
    };
    // (x, y, angle) × 8 to x × 8 and y × 8: each lane blended from the vector holding its
    // float, then put in point order.
    let ax = _mm256_permutevar8x32_ps(
        _mm256_blend_ps::<0x24>(_mm256_blend_ps::<0x92>(v0, v1), v2),
        _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5),
    );
    let ay = _mm256_permutevar8x32_ps(
        _mm256_blend_ps::<0x49>(_mm256_blend_ps::<0x24>(v0, v1), v2),
        _mm256_setr_epi32(1, 4, 7, 2, 5, 0, 3, 6),
    );
    // (cos, sin) × 8: the shuffles give the points 0, 1, 4, 5, 2, 3, 6, 7.
    let order = |v: __m256| _mm256_castpd_ps(_mm256_permute4x64_pd::<0xd8>(_mm256_castps_pd(v)));
    let dc = order(_mm256_shuffle_ps::<0x88>(d0, d1));
    let ds = order(_mm256_shuffle_ps::<0xdd>(d0, d1));
    // `seed_map`: (pb0 + dx·rc) − dy·rs, (pb1 + dx·rs) + dy·rc.
    let (dx, dy) = (_mm256_sub_ps(ax, m.pa0), _mm256_sub_ps(ay, m.pa1));
    let x = _mm256_sub_ps(
        _mm256_add_ps(m.pb0, _mm256_mul_ps(dx, m.rc)),
        _mm256_mul_ps(dy, m.rs),
    );
    let y = _mm256_add_ps(
        _mm256_add_ps(m.pb1, _mm256_mul_ps(dx, m.rs)),
        _mm256_mul_ps(dy, m.rc),
    );
    let pass = _mm256_and_ps(
        _mm256_and_ps(
            _mm256_cmp_ps::<_CMP_GE_OQ>(y, m.y_min),
            _mm256_cmp_ps::<_CMP_LE_OQ>(y, m.y_max),
        ),
        _mm256_and_ps(
            _mm256_cmp_ps::<_CMP_GE_OQ>(x, m.x_min),
            _mm256_cmp_ps::<_CMP_LE_OQ>(x, m.x_max),
        ),
    );
    // (DIST_TOL + DIST_TOL_SLOPE·√(dx² + dy²)).min(DIST_TOL_MAX): `_mm256_min_ps` returns its
    // second operand for NaN, as `f32::min` returns the number.
    let tol = _mm256_min_ps(
        _mm256_add_ps(
            _mm256_set1_ps(super::DIST_TOL),
            _mm256_mul_ps(
                _mm256_set1_ps(super::DIST_TOL_SLOPE),
                _mm256_sqrt_ps(_mm256_add_ps(_mm256_mul_ps(dx, dx), _mm256_mul_ps(dy, dy))),
            ),
        ),
        _mm256_set1_ps(super::DIST_TOL_MAX),
    );
    // (c·rc − s·rs, s·rc + c·rs).
    let ux = _mm256_sub_ps(_mm256_mul_ps(dc, m.rc), _mm256_mul_ps(ds, m.rs));
    let uy = _mm256_add_ps(_mm256_mul_ps(ds, m.rc), _mm256_mul_ps(dc, m.rs));
    let (k_lo, k_hi) = band_buckets(m, y, tol);
    Mapped {
        pass: _mm256_movemask_ps(pass) as u32,
        ax,
        ay,
        x,
        y,
        ux,
        uy,
        tol,
        tol2: _mm256_mul_ps(tol, tol),
        k_lo,
        k_hi,
    }
}

/// `y_from(y − tol)` and `y_from(y + tol + Y_BUCKET)` of eight lanes: the bucket, clamped,
/// truncated (see `pair_candidates_avx2`).
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn band_buckets(m: &Map, y: __m256, tol: __m256) -> (__m256i, __m256i) {
    let bucket = |v: __m256| {
        let k = _mm256_mul_ps(v, _mm256_set1_ps(1.0 / super::Y_BUCKET));
        _mm256_cvttps_epi32(_mm256_min_ps(_mm256_max_ps(k, _mm256_setzero_ps()), m.last))
    };
    (
        bucket(_mm256_sub_ps(y, tol)),
        bucket(_mm256_add_ps(
            _mm256_add_ps(y, tol),
            _mm256_set1_ps(super::Y_BUCKET),
        )),
    )
}

/// One mapped A minutia in vectors: position, direction, tolerance and its square, the
/// direction test's bound, and `i << 16` of its keys.
struct Probe {
    x: __m256,
    y: __m256,
    ux: __m256,
    uy: __m256,
    tol: __m256,
    tol2: __m256,
    min_cos: __m256,
    ikey: __m256i,
}

/// The bands of the lanes in `todo` of A's minutiae `base..base + 8` as `m` maps them (position,
/// direction, tolerance, the band's buckets): each lane's probe and its walk ([`walk_band`]).
/// A band past B's end is skipped, as the portable code skips it (`row.get(lo..hi)` fails).
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn walk_lanes(
    cand: &mut Vec<u64>,
    sim: &[f32],
    b: &Prepared,
    m: &Mapped,
    mut todo: u32,
    base: usize,
    min_cos: __m256,
) {
    let nbp = b.ypts.len();
    let bucket = |k: i32| {
        usize::try_from(k)
            .ok()
            .and_then(|k| b.y_start.get(k))
            .map_or(0, |&v| usize::from(v))
    };
    while todo != 0 {
        let lane = todo.trailing_zeros() as usize;
        todo &= todo - 1;
        // Each lane taken from the registers: a load from the vectors just stored would wait
        // for their stores (a store of 32 bytes does not forward to a narrower load at an
        // offset; that wait was a fifth of the pairing's time).
        let pick = _mm256_set1_epi32(lane as i32);
        let at = |v: __m256| _mm256_permutevar8x32_ps(v, pick);
        let at_i = |v: __m256i| _mm256_cvtsi256_si32(_mm256_permutevar8x32_epi32(v, pick));
        let lo = bucket(at_i(m.k_lo));
        let hi = bucket(at_i(m.k_hi)).max(lo);
        if hi > nbp {
            continue;
        }
        let ia = base + lane;
        let probe = Probe {
            x: at(m.x),
            y: at(m.y),
            ux: at(m.ux),
            uy: at(m.uy),
            tol: at(m.tol),
            tol2: at(m.tol2),
            min_cos,
            ikey: _mm256_set1_epi32(i32::from(ia as u16) << 16),
        };
        walk_band(cand, &probe, sim, b, ia, lo, hi);
    }
}

/// The steps of the band `lo..hi` (positions in B's y order) of A minutia `ia` for `probe`:
/// eight whole lanes of B per [`band_step`], a step that would run past B's end starting
/// earlier, the lanes outside `k..hi` cleared. Nothing when the band or the row does not fit
/// (the callers never ask for one).
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn walk_band(
    cand: &mut Vec<u64>,
    probe: &Probe,
    sim: &[f32],
    b: &Prepared,
    ia: usize,
    lo: usize,
    hi: usize,
) {
    let nbp = b.ypts.len();
    let fits = nbp >= FLOATS
        && hi <= nbp
        && b.by_y.len() == nbp
        && b.yplanes.len() == 4 * nbp
        && (ia + 1)
            .checked_mul(nbp)
            .is_some_and(|end| end <= sim.len());
    if !fits {
        return;
    }
    let mut k = lo;
    while k < hi {
        let start = k.min(nbp - FLOATS);
        // SAFETY: `start + FLOATS ≤ nbp` = the length of `b.by_y`, of each of the four
        // planes of `b.yplanes` and of A's row `ia` of `sim`, which ends within `sim`
        // (checked above).
        unsafe { band_step(cand, probe, sim, ia * nbp + start, b, start, k, hi) };
        k = start + FLOATS;
    }
}

/// One step of a band: B's minutiae `start..start + 8` (by y) against `probe`, only those in
/// `from..to` (A's similarities from `sim[at..]`).
///
/// # Safety
/// The features are detected; `start + FLOATS ≤` the length of `b.by_y` and of each plane of
/// `b.yplanes` (`4 · nbp` long), and `at + FLOATS ≤ sim.len()`.
#[inline]
#[target_feature(enable = "avx2,popcnt")]
#[allow(clippy::too_many_arguments)]
unsafe fn band_step(
    cand: &mut Vec<u64>,
    probe: &Probe,
    sim: &[f32],
    at: usize,
    b: &Prepared,
    start: usize,
    from: usize,
    to: usize,
) {
    let nbp = b.by_y.len();
    // SAFETY: the caller guarantees eight similarities, indices and values of each plane from
    // there (plane `q` starts at `q · nbp`).
    let (s, [px, py, pc, pn], j16) = unsafe {
        let planes = b.yplanes.as_ptr().add(start);
        (
            _mm256_loadu_ps(sim.as_ptr().add(at)),
            [0, 1, 2, 3].map(|q| _mm256_loadu_ps(planes.add(q * nbp))),
            _mm_loadu_si128(b.by_y.as_ptr().add(start).cast()),
        )
    };
    // Lanes outside `from..to` get similarity 0, which never passes (indices below 2^16 as
    // u16 values are, so i32 compares hold).
    let idx = _mm256_add_epi32(
        _mm256_set1_epi32(start as i32),
        _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
    );
    let live = _mm256_and_si256(
        _mm256_cmpgt_epi32(idx, _mm256_set1_epi32(from as i32 - 1)),
        _mm256_cmpgt_epi32(_mm256_set1_epi32(to as i32), idx),
    );
    let s = _mm256_and_ps(s, _mm256_castsi256_ps(live));
    push_lanes(cand, probe, s, [px, py, pc, pn], _mm256_cvtepu16_epi32(j16));
}

/// The band of the short case of [`pair_candidates_avx2`]: eight B minutiae per step, the
/// tail padded.
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn push_band(cand: &mut Vec<u64>, band: &super::Band<'_>) {
    let probe = Probe {
        x: _mm256_set1_ps(band.x),
        y: _mm256_set1_ps(band.y),
        ux: _mm256_set1_ps(band.ux),
        uy: _mm256_set1_ps(band.uy),
        tol: _mm256_set1_ps(band.tol),
        tol2: _mm256_set1_ps(band.tol2),
        min_cos: _mm256_set1_ps(band.min_cos),
        ikey: _mm256_set1_epi32(i32::from(band.i) << 16),
    };
    let n = band.ss.len().min(band.ps.len()).min(band.js.len());
    let mut k = 0;
    while k < n {
        // Padded with similarity 0, which never passes (element by element: a copy of a
        // variable length is a call).
        let (mut s, mut p, mut j) = ([0.0f32; FLOATS], [[0.0f32; 4]; FLOATS], [0u16; FLOATS]);
        for (t, ((s, p), j)) in s.iter_mut().zip(&mut p).zip(&mut j).enumerate() {
            if let (Some(&ts), Some(&tp), Some(&tj)) =
                (band.ss.get(k + t), band.ps.get(k + t), band.js.get(k + t))
            {
                (*s, *p, *j) = (ts, tp, tj);
            }
        }
        // SAFETY: each load reads within its array (eight floats, two points of four floats,
        // eight u16 = 128 bits).
        let (s, v, j16) = unsafe {
            let pts = p.as_ptr().cast::<f32>();
            (
                _mm256_loadu_ps(s.as_ptr()),
                [0, 1, 2, 3].map(|q| _mm256_loadu_ps(pts.add(8 * q))),
                _mm_loadu_si128(j.as_ptr().cast()),
            )
        };
        push_passing(cand, &probe, s, v, j16);
        k += FLOATS;
    }
}

/// The tests of the portable band on eight B minutiae (similarities `s`, points `v` as four
/// vectors of two, indices `j16`): the keys of those that pass into `cand`. The same f32
/// operations as there (`ex·ex + ey·ey`, `ux·c + uy·s`, `s · (1 − 0.8·√d² / tol)`, no fused
/// multiply-add), so the same keys.
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn push_passing(cand: &mut Vec<u64>, probe: &Probe, s: __m256, v: [__m256; 4], j16: __m128i) {
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
    push_lanes(cand, probe, s, [px, py, pc, pn], js);
}

/// [`push_passing`] on eight B minutiae in lanes (similarities `s`, positions `px`, `py`,
/// directions `pc`, `pn`, indices `js` as i32), in any lane order (the keys are sorted
/// later and all distinct).
#[inline]
#[target_feature(enable = "avx2,popcnt")]
fn push_lanes(cand: &mut Vec<u64>, probe: &Probe, s: __m256, p: [__m256; 4], js: __m256i) {
    let [px, py, pc, pn] = p;
    let (ex, ey) = (_mm256_sub_ps(probe.x, px), _mm256_sub_ps(probe.y, py));
    let d2 = _mm256_add_ps(_mm256_mul_ps(ex, ex), _mm256_mul_ps(ey, ey));
    let dot = _mm256_add_ps(_mm256_mul_ps(probe.ux, pc), _mm256_mul_ps(probe.uy, pn));
    let ok = _mm256_and_ps(
        _mm256_and_ps(
            _mm256_cmp_ps::<_CMP_GT_OQ>(s, _mm256_setzero_ps()),
            _mm256_cmp_ps::<_CMP_LE_OQ>(d2, probe.tol2),
        ),
        _mm256_cmp_ps::<_CMP_GE_OQ>(dot, probe.min_cos),
    );
    let m = _mm256_movemask_ps(ok) as usize;
    if m == 0 {
        return;
    }
    let fall = _mm256_div_ps(
        _mm256_mul_ps(_mm256_set1_ps(0.8), _mm256_sqrt_ps(d2)),
        probe.tol,
    );
    let w = _mm256_mul_ps(s, _mm256_sub_ps(_mm256_set1_ps(1.0), fall));
    // `super::rank_key(w, i, j)`: `!bits(w)` high, `i << 16 | j` low.
    let neg = _mm256_xor_si256(_mm256_castps_si256(w), _mm256_set1_epi32(-1));
    let ij = _mm256_or_si256(probe.ikey, js);
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

/// The candidates of one round of `warp` in `matcher.rs` into `scratch.cand` (its residuals
/// in `scratch.residuals`; the alignment A's `pa` onto B's `pb`, turned by `rot`), with AVX2:
/// eight A minutiae per step, each lane summing the residuals in the portable order (the same
/// f32 operations: the same warped positions), then their bands as in the pairing. `false`
/// (nothing done) when the CPU lacks AVX2 or the templates are too small for whole steps
/// (fewer than eight A or B minutiae) or their arrays disagree in length.
pub(super) fn warp_candidates(
    a: &Prepared,
    b: &Prepared,
    scratch: &mut Scratch,
    pa: [f32; 3],
    pb: [f32; 3],
    rot: f32,
) -> bool {
    let (na, nbp) = (a.points.len(), b.ypts.len());
    let whole = na >= FLOATS
        && nbp >= FLOATS
        && a.dirs.len() == na
        && b.by_y.len() == nbp
        && b.yplanes.len() == 4 * nbp
        && scratch.sim.len() == na * nbp;
    if !whole || !available() {
        return false;
    }
    // SAFETY: the features `warp_candidates_avx2` is compiled for were detected above, and
    // the lengths it needs were checked.
    unsafe { warp_candidates_avx2(a, b, scratch, pa, pb, rot) };
    true
}

/// [`warp_candidates`] once the features and lengths are checked.
///
/// # Safety
/// The features are detected; `a.points` and `a.dirs` hold `na ≥ 8` entries, `b.ypts` and
/// `b.by_y` hold `nbp ≥ 8`, and `scratch.sim` holds `na · nbp`.
#[target_feature(enable = "avx2,popcnt")]
unsafe fn warp_candidates_avx2(
    a: &Prepared,
    b: &Prepared,
    scratch: &mut Scratch,
    pa: [f32; 3],
    pb: [f32; 3],
    rot: f32,
) {
    let na = a.points.len();
    let min_cos = _mm256_set1_ps(super::ANGLE_TOL.cos());
    let (rs, rc) = rot.sin_cos();
    let inv_r2 = _mm256_set1_ps(1.0 / (super::WARP_RADIUS * super::WARP_RADIUS));
    let last = b.y_start.len().saturating_sub(1).min(i32::MAX as usize) as i32;
    // (The warp has no range test: `y_min`, `y_max`, `x_min`, `x_max` unused.)
    let map = Map {
        pa0: _mm256_set1_ps(pa[0]),
        pa1: _mm256_set1_ps(pa[1]),
        pb0: _mm256_set1_ps(pb[0]),
        pb1: _mm256_set1_ps(pb[1]),
        rs: _mm256_set1_ps(rs),
        rc: _mm256_set1_ps(rc),
        y_min: _mm256_setzero_ps(),
        y_max: _mm256_setzero_ps(),
        x_min: _mm256_setzero_ps(),
        x_max: _mm256_setzero_ps(),
        last: _mm256_set1_ps(last as f32),
    };
    // The pairing's sieve, as in `pair_candidates_avx2` (the warp moves positions, not
    // directions).
    let words = if a.angle8.len() == na && rot.abs() < 1e4 {
        scratch.sieve.for_comparison(b)
    } else {
        0
    };
    let turn = (rot * (256.0 / std::f32::consts::TAU)).round() as i32;
    let min_cos_f = super::ANGLE_TOL.cos();
    let Scratch {
        cand,
        sim,
        residuals,
        sieve,
        ..
    } = scratch;
    cand.clear();
    let sim = sim.as_slice();
    let (zero, one) = (_mm256_setzero_ps(), _mm256_set1_ps(1.0));
    let mut i = 0;
    while i < na {
        let base = i.min(na - FLOATS);
        // SAFETY: `base + FLOATS ≤ na` = the length of `a.points` and of `a.dirs`.
        let mapped = unsafe { map_eight(&map, a, base) };
        // The kernel-weighted mean residual of each lane, summed in the residuals' order.
        let (mut sx, mut sy, mut sw) = (zero, zero, zero);
        for r in residuals.iter() {
            let ex = _mm256_sub_ps(mapped.ax, _mm256_set1_ps(r[0]));
            let ey = _mm256_sub_ps(mapped.ay, _mm256_set1_ps(r[1]));
            let d2 = _mm256_add_ps(_mm256_mul_ps(ex, ex), _mm256_mul_ps(ey, ey));
            // `(1 − d²/R²).max(0)`: `_mm256_max_ps` returns its second operand, 0, for NaN as
            // `f32::max` returns the number.
            let u = _mm256_max_ps(_mm256_sub_ps(one, _mm256_mul_ps(d2, inv_r2)), zero);
            let g = _mm256_mul_ps(_mm256_set1_ps(r[4]), _mm256_mul_ps(u, u));
            sx = _mm256_add_ps(sx, _mm256_mul_ps(g, _mm256_set1_ps(r[2])));
            sy = _mm256_add_ps(sy, _mm256_mul_ps(g, _mm256_set1_ps(r[3])));
            sw = _mm256_add_ps(sw, g);
        }
        let den = _mm256_add_ps(sw, _mm256_set1_ps(super::WARP_SHRINK));
        let x = _mm256_add_ps(mapped.x, _mm256_div_ps(sx, den));
        let y = _mm256_add_ps(mapped.y, _mm256_div_ps(sy, den));
        let (k_lo, k_hi) = band_buckets(&map, y, mapped.tol);
        let warped = Mapped {
            x,
            y,
            k_lo,
            k_hi,
            ..mapped
        };
        let todo = (0xffu32 << (i - base)) & 0xff;
        // SAFETY: as in `pair_candidates_avx2`. (The warp tests no x range; the sieve's x
        // cells clamp a lane beyond them to the edge cells, where no B minutia lies within
        // its tolerance, so it finds what the walk finds: nothing.)
        let sieved = words > 0
            && unsafe { sieve.pair_lanes(cand, sim, a, b, &warped, todo, base, turn, min_cos_f) };
        if !sieved {
            walk_lanes(cand, sim, b, &warped, todo, base, min_cos);
        }
        i = base + FLOATS;
    }
}

/// `overlap_a` in `matcher.rs` with AVX2 (A's minutiae that fall where B was observed, before
/// the floor), or `None` when the CPU lacks AVX2 or A has fewer than eight minutiae.
pub(super) fn overlap_a(
    a: &Prepared,
    b: &Prepared,
    pa: [f32; 3],
    pb: [f32; 3],
    rs: f32,
    rc: f32,
) -> Option<usize> {
    if a.points.len() < FLOATS || !available() {
        return None;
    }
    // SAFETY: the features `count_inside` is compiled for were detected above.
    Some(unsafe { count_inside(&a.points, &b.area, pa, pb, rs, rc, true) })
}

/// `overlap_b` in `matcher.rs` with AVX2 (B's minutiae that fall where A was observed, before
/// the floor), or `None` when the CPU lacks AVX2 or B has fewer than eight minutiae.
pub(super) fn overlap_b(
    a: &Prepared,
    b: &Prepared,
    pa: [f32; 3],
    pb: [f32; 3],
    rs: f32,
    rc: f32,
) -> Option<usize> {
    if b.points.len() < FLOATS || !available() {
        return None;
    }
    // SAFETY: the features `count_inside` is compiled for were detected above.
    Some(unsafe { count_inside(&b.points, &a.area, pb, pa, rs, rc, false) })
}

/// How many of `points` (at least eight) fall in `area` once moved from `from` onto `to`:
/// forward by `seed_map(from, to, rs, rc)` (A onto B), else by its inverse as `overlap_b`
/// writes it; eight per step, the same f32 operations as there and as `AreaGrid::contains`
/// (whose tests mispredicted: about half the minutiae fall outside).
#[target_feature(enable = "avx2,popcnt")]
#[allow(clippy::too_many_arguments)]
fn count_inside(
    points: &[[f32; 3]],
    area: &super::AreaGrid,
    from: [f32; 3],
    to: [f32; 3],
    rs: f32,
    rc: f32,
    forward: bool,
) -> usize {
    let n = points.len();
    if n < FLOATS {
        return 0;
    }
    let (f0, f1) = (_mm256_set1_ps(from[0]), _mm256_set1_ps(from[1]));
    let (t0, t1) = (_mm256_set1_ps(to[0]), _mm256_set1_ps(to[1]));
    let (vs, vc) = (_mm256_set1_ps(rs), _mm256_set1_ps(rc));
    let (x0, y0) = (_mm256_set1_ps(area.x0), _mm256_set1_ps(area.y0));
    let (cols, rows) = (
        _mm256_set1_ps(area.cols as f32),
        _mm256_set1_ps(area.rows as f32),
    );
    let cols_i = _mm256_set1_epi32(area.cols.min(i32::MAX as usize) as i32);
    let words = _mm256_set1_epi32(area.cells.len().min(i32::MAX as usize) as i32);
    let eighth = _mm256_set1_ps(1.0 / super::AREA_CELL);
    let zero = _mm256_setzero_ps();
    let one = _mm256_set1_epi64x(1);
    let cells = area.cells.as_ptr().cast::<i64>();
    let mut count = 0;
    let mut i = 0;
    while i < n {
        let base = i.min(n - FLOATS);
        // SAFETY: `base + FLOATS ≤ n`: 24 floats from point `base`.
        let (v0, v1, v2) = unsafe {
            let pts = points.as_ptr().cast::<f32>().add(3 * base);
            (
                _mm256_loadu_ps(pts),
                _mm256_loadu_ps(pts.add(FLOATS)),
                _mm256_loadu_ps(pts.add(2 * FLOATS)),
            )
        };
        // (x, y, angle) × 8 to x × 8 and y × 8 (see `map_eight`).
        let px = _mm256_permutevar8x32_ps(
            _mm256_blend_ps::<0x24>(_mm256_blend_ps::<0x92>(v0, v1), v2),
            _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5),
        );
        let py = _mm256_permutevar8x32_ps(
            _mm256_blend_ps::<0x49>(_mm256_blend_ps::<0x24>(v0, v1), v2),
            _mm256_setr_epi32(1, 4, 7, 2, 5, 0, 3, 6),
        );
        let (dx, dy) = (_mm256_sub_ps(px, f0), _mm256_sub_ps(py, f1));
        let (x, y) = if forward {
            // (to0 + dx·rc) − dy·rs, (to1 + dx·rs) + dy·rc.
            (
                _mm256_sub_ps(
                    _mm256_add_ps(t0, _mm256_mul_ps(dx, vc)),
                    _mm256_mul_ps(dy, vs),
                ),
                _mm256_add_ps(
                    _mm256_add_ps(t1, _mm256_mul_ps(dx, vs)),
                    _mm256_mul_ps(dy, vc),
                ),
            )
        } else {
            // (to0 + dx·rc) + dy·rs, (to1 − dx·rs) + dy·rc.
            (
                _mm256_add_ps(
                    _mm256_add_ps(t0, _mm256_mul_ps(dx, vc)),
                    _mm256_mul_ps(dy, vs),
                ),
                _mm256_add_ps(
                    _mm256_sub_ps(t1, _mm256_mul_ps(dx, vs)),
                    _mm256_mul_ps(dy, vc),
                ),
            )
        };
        // `contains`: outside when c < 0, r < 0, c ≥ cols or r ≥ rows (a NaN passes these
        // tests there and truncates to 0: the unordered predicates and the zeroing below).
        let c = _mm256_mul_ps(_mm256_sub_ps(x, x0), eighth);
        let r = _mm256_mul_ps(_mm256_sub_ps(y, y0), eighth);
        let inside = _mm256_and_ps(
            _mm256_and_ps(
                _mm256_cmp_ps::<_CMP_NLT_UQ>(c, zero),
                _mm256_cmp_ps::<_CMP_NLT_UQ>(r, zero),
            ),
            _mm256_and_ps(
                _mm256_cmp_ps::<_CMP_NGE_UQ>(c, cols),
                _mm256_cmp_ps::<_CMP_NGE_UQ>(r, rows),
            ),
        );
        let c = _mm256_cvttps_epi32(_mm256_and_ps(c, _mm256_cmp_ps::<_CMP_ORD_Q>(c, c)));
        let r = _mm256_cvttps_epi32(_mm256_and_ps(r, _mm256_cmp_ps::<_CMP_ORD_Q>(r, r)));
        let cell = _mm256_add_epi32(_mm256_mullo_epi32(r, cols_i), c);
        let word = _mm256_srli_epi32::<6>(cell);
        let bit = _mm256_and_si256(cell, _mm256_set1_epi32(63));
        // Only the lanes inside whose word exists are read (`cells.get`).
        let read = _mm256_and_si256(_mm256_castps_si256(inside), _mm256_cmpgt_epi32(words, word));
        let half = |q: usize| {
            let (w, m, b) = if q == 0 {
                (
                    _mm256_castsi256_si128(word),
                    _mm256_castsi256_si128(read),
                    _mm256_castsi256_si128(bit),
                )
            } else {
                (
                    _mm256_extracti128_si256::<1>(word),
                    _mm256_extracti128_si256::<1>(read),
                    _mm256_extracti128_si256::<1>(bit),
                )
            };
            // SAFETY: the masked-off lanes are not read; the others index a word below
            // `cells.len()` (tested above).
            let got = unsafe {
                _mm256_mask_i32gather_epi64::<8>(
                    _mm256_setzero_si256(),
                    cells,
                    w,
                    _mm256_cvtepi32_epi64(m),
                )
            };
            let set = _mm256_and_si256(_mm256_srlv_epi64(got, _mm256_cvtepu32_epi64(b)), one);
            _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(set, one))) as u32
        };
        let hits = (half(0) | (half(1) << 4)) & (0xffu32 << (i - base));
        count += hits.count_ones() as usize;
        i = base + FLOATS;
    }
    count
}
