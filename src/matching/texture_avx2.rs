//! The AVX2 kernel of the texture's lattice loop: a window's agreements per shift and its
//! lattice points compared, eight points of a lattice row per step (a window's row holds at
//! most eight), the warp at eight window corners at once, and a window's four lattice rows
//! (first point and step) at once; and for a rigid search the same loop reading B's
//! neighbourhoods from their table (`texture_lut.rs`: one gather of eight entries where the
//! general loop gathers B's blocks and three rows, the search 1.4 times as fast). Owns only
//! these and their run-time selection;
//! `window_portable`, `warp_at` and the row loop of `agreement` in `texture.rs` define the
//! results, and the rest (the fit, which windows count) stays shared.
//!
//! Why: the texture's agreement was about a quarter of a comparison's instructions, most of
//! them in this loop, and scalar rewrites of it all cost more (it holds more live values than
//! x86-64 has registers). With these kernels (the lattice, the corners' warp, a window's
//! rows) and the fit's weights computed once, the agreement costs 32 % of what it did
//! (callgrind, the lab's 8,640 comparisons: 451 → 145 M instructions, the lattice kernel 72 M
//! of them; a comparison 199,500 → 164,100). Per
//! point it maps into B's cells, tests the box and two blocks, reads nine bits of B and one
//! of A and adds to nine counters; eight points at once do each of these once: B's blocks and
//! its three rows of three bits are gathered (four bytes from the byte holding the first
//! bit, so the three bits never straddle the read; `PreparedTexture` keeps padding after its
//! rows and blocks for that), lane by lane rather than by `vpgatherdd`, which Zen 3 runs
//! slowly (the kernel's share of the lab's time ≈ 11.0 → 8.4 %, perf's cpu-clock samples,
//! although callgrind counts a gather as one instruction). A's are not gathered: a row's eight points lie in one row of
//! A's box, at columns two apart from the window's first, so their blocks are among the eight
//! bytes from the first point's (VALID_PAD ≥ 7 keeps them in the slice) and their bits among
//! the 32 from the byte holding the first point's; one read of each per row, broadcast, and
//! each lane picks its byte (a shuffle) and bit (a mask), both fixed per window. (Zen 3 runs
//! `vpgatherdd` slowly: the two gathers fewer per row cut the kernel's share of the lab's
//! time from ≈ 12.1 to ≈ 10.6 %.) The nine counters are bytes: each
//! nibble of a point's agreement spread to four bytes by one multiply, summed per lane over
//! the window's rows (at most four points per lane) and across the lanes at its end (at most
//! 32 per byte).
//!
//! Why at run time: the build targets x86-64-v2, so the kernel is compiled with
//! `#[target_feature]` and chosen when `is_x86_feature_detected!` finds AVX2 (once per
//! agreement).
//!
//! Why the counts are bit-identical: each row's first point and step are the portable
//! ones (the same operations, lane by lane), and the eight points are advanced by the same
//! additions in the same order (`q`, `q + s`, `(q + s) + s`, …, x and y in two lanes of one
//! addition: each lane is the IEEE sum the scalar code computes), not as `q + k · s`; the
//! nearest cell is the
//! same f32 multiply then two adds (no fused multiply-add: the `fma` feature is deliberately
//! not enabled) and truncation, whose out-of-range results (the vector's `i32::MIN` where
//! Rust saturates or gives 0 for NaN) fall outside every box in both; the box test is
//! `around`'s (x in 1..cols − 1, y in 1..rows − 1, one unsigned comparison each), then the
//! block's validity, then the same nine bits; A's block and bit are those of the portable
//! row; lanes past the window's end count nothing. The counts are exact integers, so their
//! sums do not depend on the order they are added in.
//!
//! The warp at a corner sums, per lane, the same f32 products in the order `warp_at` does
//! (one residual after the other); where a residual is out of reach the lane keeps its sums
//! by a blend rather than adding a zero, so that no input (an infinite displacement, a −0)
//! can make it differ. Corners are computed only for the windows that count (each once), in
//! groups of eight, the last filled up with its last corner (1,458.6 → 1,439.2 M
//! instructions over the lab's 8,640 comparisons). A window's rows are one per lane of the
//! same f32 operations in the same order as the row loop (1,425.3 → 1,417.6 M).
//!
//! Must not: use `fma` or anything beyond AVX2; run on textures not laid out as
//! `PreparedTexture::new` does (`Pair::new` declines them: the portable loop then runs).

// The crate denies unsafe code; the feature-gated call and the raw reads need it.
#![allow(unsafe_code)]

use std::arch::x86_64::*;

use super::lut::{COUNTS, Neighbourhoods};
use super::{CELLS_PER_BLOCK, LATTICE, LatticeRow, OFFSET, PreparedTexture, SIGN_PAD, VALID_PAD};

const _: () = assert!(CELLS_PER_BLOCK == 4, "blocks of four cells: a shift by two");
const _: () = assert!(
    LATTICE == 2,
    "the lanes' cell offsets are twice their points'"
);
const _: () = assert!(
    VALID_PAD >= 7 && SIGN_PAD >= 1,
    "eight-byte reads of blocks, four-byte reads of bits"
);
const _: () = assert!(
    super::WINDOW_ROWS == 4,
    "a window's rows in the four lanes of `rows4`"
);
const _: () = assert!(
    super::WINDOW / LATTICE <= 8 && super::WINDOW_ROWS <= 4,
    "a window's row in one step; at most four points per lane and 32 per counter"
);

/// Whether this CPU runs the kernel.
#[inline]
pub(super) fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// Two textures the kernel may compare: the CPU has AVX2 and both are laid out as
/// `PreparedTexture::new` lays them out (checked once, so each window's call needs no check).
pub(super) struct Pair<'t> {
    a: &'t PreparedTexture,
    b: &'t PreparedTexture,
}

impl<'t> Pair<'t> {
    /// The pair, or `None` when the CPU lacks AVX2 or either texture is not laid out as
    /// `PreparedTexture::new` does (the portable loop then runs).
    pub(super) fn new(a: &'t PreparedTexture, b: &'t PreparedTexture) -> Option<Self> {
        (laid_out(a) && laid_out(b) && available()).then_some(Self { a, b })
    }

    /// `warp_at` (`texture.rs`) over the residuals `res` at eight points
    /// (`x[k]`, `y[k]`), as (dx, dy) per point: each lane sums the residuals' weighted
    /// displacements in the portable order by the same f32 operations (no fused
    /// multiply-add), and keeps its sums where a residual is out of reach (a blend, not an
    /// added zero: the bits are the scalar ones whatever the inputs, NaN's aside).
    #[inline]
    pub(super) fn warp(&self, res: &[[f32; 4]], x: [f32; 8], y: [f32; 8]) -> ([f32; 8], [f32; 8]) {
        // SAFETY: `new` found AVX2 on this CPU, the only feature `warp8` is compiled for.
        unsafe { warp8(res, x, y) }
    }

    /// The four lattice rows of the window at cell (`c0`, `r0`) from cell row `rstart` and
    /// column `cstart`, as `agreement`'s row loop computes them one by one: each row's
    /// first point (x, y) and step (x, y), under the rigid map `rigid` (ax, ay, bx, by,
    /// cos, sin) and the warp `d` at the window's corners (top left, top right, bottom left,
    /// bottom right). One row per lane, the same f32 operations in the same order.
    #[inline]
    pub(super) fn rows(
        &self,
        rigid: [f32; 6],
        d: [[f32; 2]; 4],
        (c0, r0): (i32, i32),
        (cstart, rstart): (i32, i32),
    ) -> [[f32; 4]; 4] {
        // SAFETY: `new` found AVX2 on this CPU, the only feature `rows4` is compiled for.
        unsafe { rows4(rigid, d, (c0, r0), (cstart, rstart)) }
    }

    /// `texture_lut::window_portable(a, lut, rows, cstart, cend)` (`lut` made of this pair's
    /// B), computed eight points at a time.
    #[inline]
    pub(super) fn window_lut(
        &self,
        lut: &Neighbourhoods,
        rows: &[LatticeRow],
        cstart: i32,
        cend: i32,
    ) -> (u64, u32, u32) {
        // SAFETY: `new` found AVX2 on this CPU, the only feature `window_table` and the
        // table's reader are compiled for, and A `laid_out`: its blocks and their padding are
        // at least 1 + VALID_PAD ≥ 8.
        unsafe { window_table(self.a, lut, rows, cstart, cend) }
    }

    /// `window_portable(a, b, rows, cstart, cend)`, computed eight points at a time.
    #[inline]
    pub(super) fn window(&self, rows: &[LatticeRow], cstart: i32, cend: i32) -> (u64, u32, u32) {
        // SAFETY: `new` found AVX2 on this CPU, the only feature `window_rows` and B's reader
        // are compiled for, and A and B `laid_out`: A's blocks and their padding are at least
        // 1 + VALID_PAD ≥ 8, B's rows as `RowsSide` reads them.
        unsafe { window_rows(self.a, self.b, rows, cstart, cend) }
    }
}

/// See [`Pair::rows`].
///
/// # Safety
/// AVX2 must be available.
#[target_feature(enable = "avx2")]
unsafe fn rows4(
    [ax, ay, bx, by, rc, rs]: [f32; 6],
    [d00, d10, d01, d11]: [[f32; 2]; 4],
    (c0, r0): (i32, i32),
    (cstart, rstart): (i32, i32),
) -> [[f32; 4]; 4] {
    let span = super::WINDOW as f32;
    let step = super::LATTICE_ROWS as i32;
    let r = _mm_add_epi32(
        _mm_set1_epi32(rstart),
        _mm_setr_epi32(0, step, 2 * step, 3 * step),
    );
    let fy = _mm_div_ps(
        _mm_cvtepi32_ps(_mm_sub_epi32(r, _mm_set1_epi32(r0))),
        _mm_set1_ps(span),
    );
    let om = _mm_sub_ps(_mm_set1_ps(1.0), fy);
    let lerp = |u: f32, v: f32| {
        _mm_add_ps(
            _mm_mul_ps(om, _mm_set1_ps(u)),
            _mm_mul_ps(fy, _mm_set1_ps(v)),
        )
    };
    let (lx, ly) = (lerp(d00[0], d01[0]), lerp(d00[1], d01[1]));
    let (rx, ry) = (lerp(d10[0], d11[0]), lerp(d10[1], d11[1]));
    let fx = (cstart - c0) as f32 / span;
    let u = (cstart * super::CELL as i32) as f32 - ax;
    let v = _mm_sub_ps(
        _mm_cvtepi32_ps(_mm_mullo_epi32(r, _mm_set1_epi32(super::CELL as i32))),
        _mm_set1_ps(ay),
    );
    let (ex, ey) = (_mm_sub_ps(rx, lx), _mm_sub_ps(ry, ly));
    let qx = _mm_add_ps(
        _mm_sub_ps(_mm_set1_ps(bx + rc * u), _mm_mul_ps(_mm_set1_ps(rs), v)),
        _mm_add_ps(lx, _mm_mul_ps(_mm_set1_ps(fx), ex)),
    );
    let qy = _mm_add_ps(
        _mm_add_ps(_mm_set1_ps(by + rs * u), _mm_mul_ps(_mm_set1_ps(rc), v)),
        _mm_add_ps(ly, _mm_mul_ps(_mm_set1_ps(fx), ey)),
    );
    let along = _mm_set1_ps(super::LATTICE as f32 / span);
    let sx = _mm_add_ps(_mm_set1_ps(rc * super::STEP_PX), _mm_mul_ps(along, ex));
    let sy = _mm_add_ps(_mm_set1_ps(rs * super::STEP_PX), _mm_mul_ps(along, ey));
    // Lanes to rows: (qx, qy, sx, sy) of each.
    let (t0, t1) = (_mm_unpacklo_ps(qx, qy), _mm_unpackhi_ps(qx, qy));
    let (t2, t3) = (_mm_unpacklo_ps(sx, sy), _mm_unpackhi_ps(sx, sy));
    let mut out = [[0.0f32; 4]; 4];
    // SAFETY: each store writes four f32 into an array of four (unaligned stores).
    unsafe {
        _mm_storeu_ps(out[0].as_mut_ptr(), _mm_movelh_ps(t0, t2));
        _mm_storeu_ps(out[1].as_mut_ptr(), _mm_movehl_ps(t2, t0));
        _mm_storeu_ps(out[2].as_mut_ptr(), _mm_movelh_ps(t1, t3));
        _mm_storeu_ps(out[3].as_mut_ptr(), _mm_movehl_ps(t3, t1));
    }
    out
}

/// `warp_at` (`texture.rs`) at eight points: see [`Pair::warp`].
///
/// # Safety
/// AVX2 must be available.
#[target_feature(enable = "avx2")]
unsafe fn warp8(res: &[[f32; 4]], x: [f32; 8], y: [f32; 8]) -> ([f32; 8], [f32; 8]) {
    let (xs, ys) = (
        _mm256_setr_ps(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]),
        _mm256_setr_ps(y[0], y[1], y[2], y[3], y[4], y[5], y[6], y[7]),
    );
    let reach2 = _mm256_set1_ps(super::WARP_REACH * super::WARP_REACH);
    let one = _mm256_set1_ps(1.0);
    let (mut dx, mut dy, mut wsum) = (
        _mm256_setzero_ps(),
        _mm256_setzero_ps(),
        _mm256_set1_ps(super::WARP_SHRINK),
    );
    for r in res {
        let ex = _mm256_sub_ps(_mm256_set1_ps(r[0]), xs);
        let ey = _mm256_sub_ps(_mm256_set1_ps(r[1]), ys);
        let t = _mm256_div_ps(
            _mm256_add_ps(_mm256_mul_ps(ex, ex), _mm256_mul_ps(ey, ey)),
            reach2,
        );
        let inside = _mm256_cmp_ps::<_CMP_LT_OQ>(t, one);
        let u = _mm256_sub_ps(one, t);
        let w = _mm256_mul_ps(u, u);
        dx = _mm256_blendv_ps(
            dx,
            _mm256_add_ps(dx, _mm256_mul_ps(w, _mm256_set1_ps(r[2]))),
            inside,
        );
        dy = _mm256_blendv_ps(
            dy,
            _mm256_add_ps(dy, _mm256_mul_ps(w, _mm256_set1_ps(r[3]))),
            inside,
        );
        wsum = _mm256_blendv_ps(wsum, _mm256_add_ps(wsum, w), inside);
    }
    let (mut ox, mut oy) = ([0.0f32; 8], [0.0f32; 8]);
    // SAFETY: each store writes eight f32 into an array of eight (unaligned stores).
    unsafe {
        _mm256_storeu_ps(ox.as_mut_ptr(), _mm256_div_ps(dx, wsum));
        _mm256_storeu_ps(oy.as_mut_ptr(), _mm256_div_ps(dy, wsum));
    }
    (ox, oy)
}

/// Whether `t` is laid out as `PreparedTexture::new` lays out a non-empty texture: whole
/// blocks of four cells, at least one block each way, `words` per row and the padding after
/// the rows and the blocks. The kernel's bit-identity rests on this (its memory safety only
/// on the slices' lengths: every read's offset is clamped to its slice).
fn laid_out(t: &PreparedTexture) -> bool {
    let (Ok(cols), Ok(rows), Ok(bw)) = (
        usize::try_from(t.cols),
        usize::try_from(t.rows),
        usize::try_from(t.bw),
    ) else {
        return false;
    };
    cols >= CELLS_PER_BLOCK
        && rows >= CELLS_PER_BLOCK
        && cols.is_multiple_of(CELLS_PER_BLOCK)
        && rows.is_multiple_of(CELLS_PER_BLOCK)
        && bw == cols / CELLS_PER_BLOCK
        && t.words == cols.div_ceil(64)
        && t.sign.len() == t.words * rows + SIGN_PAD
        && t.valid.len() == bw * (rows / CELLS_PER_BLOCK) + VALID_PAD
        // Byte offsets fit in an i32 lane (a 16,383 px image has far fewer).
        && t.sign.len() * 8 < i32::MAX as usize / 2
        && (0..=u16::MAX.into()).contains(&t.left)
        && (0..=u16::MAX.into()).contains(&t.top)
}

/// Each lane's byte offset in `idx`, clamped (unsigned) to `max`, as an array (for
/// [`gather`]).
#[inline]
#[target_feature(enable = "avx2")]
fn clamped(idx: __m256i, max: __m256i) -> [u32; 8] {
    let mut out = [0u32; 8];
    // SAFETY: the store writes eight u32 into an array of eight (an unaligned store).
    unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), _mm256_min_epu32(idx, max)) };
    out
}

/// Each lane's four bytes from `base` + its offset in `at`, read one lane after the other
/// (not by `vpgatherdd`, which Zen 3 runs slowly: the compiler extracts the offsets and
/// inserts the reads).
///
/// # Safety
/// AVX2 must be available, and the four bytes from `base + k` readable for each `k` in `at`.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn gather(base: *const u8, at: &[u32; 8]) -> __m256i {
    // SAFETY: the caller guarantees the four bytes from `base + k` readable.
    let read = |l: usize| unsafe { base.add(at[l] as usize).cast::<i32>().read_unaligned() };
    _mm256_setr_epi32(
        read(0),
        read(1),
        read(2),
        read(3),
        read(4),
        read(5),
        read(6),
        read(7),
    )
}

/// The body of [`window_rows`] and [`window_table`]: `window_portable` (see there) for A
/// `laid_out` (`$a`), B read by `$side` (a [`RowsSide`] or a [`TableSide`]): B gathered for
/// eight points of a row at once, A read once per row. One body, expanded in each function
/// so that each reader's values stay in registers (a reader chosen per row cost 4–7 %).
macro_rules! window_body {
    ($a:expr, $side:expr, $rows:expr, $cstart:expr, $cend:expr) => {{
        let (a, rows, cstart, cend): (&PreparedTexture, &[LatticeRow], i32, i32) =
            ($a, $rows, $cstart, $cend);
        let zero = _mm256_setzero_si256();
        // Lane k holds the row's point at cell column cstart + offsets[k] (points 0, 1, 4, 5, 2,
        // 3, 6, 7: the order the positions' shuffle leaves them in); it counts while that is
        // before `cend`.
        let offsets = _mm256_setr_epi32(0, 2, 8, 10, 4, 6, 12, 14);
        let in_window = _mm256_cmpgt_epi32(_mm256_set1_epi32(cend.wrapping_sub(cstart)), offsets);
        // A: the row's points lie in one row of A's box, at columns acol0 + offsets: their bits
        // within the 32 from the byte holding the first (its bit acol0 mod 8, the last at most 21
        // further), their blocks within the eight from the first's (the last at most 4 further).
        // Per lane, the mask of its bit in those 32 and the index of its block's byte in those
        // eight (bytes 1–3 of each lane zeroed by the shuffle's 0x80).
        let acol0 = cstart.wrapping_sub(a.left);
        let a_bit = _mm256_sllv_epi32(
            _mm256_set1_epi32(1),
            _mm256_add_epi32(_mm256_set1_epi32(acol0 & 7), offsets),
        );
        let a_pick = _mm256_or_si256(
            _mm256_srli_epi32::<2>(_mm256_add_epi32(_mm256_set1_epi32(acol0 & 3), offsets)),
            _mm256_set1_epi32(0x8080_8000_u32 as i32),
        );
        let (a_valid, a_sign) = (a.valid.as_ptr().cast::<u8>(), a.sign.as_ptr().cast::<u8>());
        let a_row_bytes = a.words as i64 * 8;
        // The reads' last starts: eight bytes from `a_valid_max` are the last of `a.valid`, four
        // from `a_sign_max` the last of `a.sign` (`laid_out`: `valid` holds at least
        // 1 + VALID_PAD ≥ 8 bytes, `sign` at least a padding word). Within A's box no read is
        // clamped: the first point's block is at most the last, and seven more follow it
        // (VALID_PAD), its byte at most the row's last, and four bytes from it end within the
        // next row or the padding word.
        let a_valid_max = (a.valid.len() - 8) as u64;
        let a_sign_max = (a.sign.len() * 8).saturating_sub(4) as u64;
        let (half, round, offset) = (
            _mm256_set1_ps(super::INV_CELL),
            _mm256_set1_ps(0.5),
            _mm256_set1_ps(OFFSET),
        );
        let (nibble_lo, nibble_hi) = (_mm256_set1_epi32(0x0f), _mm256_set1_epi32(0xf0));
        let (ones_lo, ones_hi) = (
            _mm256_set1_epi32(0x0101_0101),
            _mm256_set1_epi32(0x1010_1010_u32 as i32),
        );
        let spread = _mm256_set1_epi32(0x0020_4081);
        let (mut count_lo, mut count_hi, mut count_tail) = (zero, zero, zero);
        for row in rows {
            // The points' positions by the portable loop's repeated additions, (x, y) in the
            // low half of each (the high half adds zeros, unused).
            let mut q = _mm_setr_ps(row.q[0], row.q[1], 0.0, 0.0);
            let s = _mm_setr_ps(row.s[0], row.s[1], 0.0, 0.0);
            let mut p = [q; 8];
            for pk in p.iter_mut().skip(1) {
                q = _mm_add_ps(q, s);
                *pk = q;
            }
            // Points 0–3 and 4–7 as (x, y) pairs, then split: x0 x1 x4 x5 x2 x3 x6 x7.
            let v0 = _mm256_set_m128(_mm_movelh_ps(p[2], p[3]), _mm_movelh_ps(p[0], p[1]));
            let v1 = _mm256_set_m128(_mm_movelh_ps(p[6], p[7]), _mm_movelh_ps(p[4], p[5]));
            let px = _mm256_shuffle_ps::<0b10_00_10_00>(v0, v1);
            let py = _mm256_shuffle_ps::<0b11_01_11_01>(v0, v1);
            // `nearest_cell` + OFFSET: (p · INV_CELL + 0.5 + OFFSET) truncated.
            let cx = _mm256_cvttps_epi32(_mm256_add_ps(
                _mm256_add_ps(_mm256_mul_ps(px, half), round),
                offset,
            ));
            let cy = _mm256_cvttps_epi32(_mm256_add_ps(
                _mm256_add_ps(_mm256_mul_ps(py, half), round),
                offset,
            ));
            // SAFETY: AVX2 is available (the expanding function's precondition).
            let (outside, bits) = unsafe { $side.read(cx, cy) };
            // A's blocks and bits of the row: eight bytes from its first point's block and four
            // from the byte holding its bit, each lane's picked out (offsets outside the slices,
            // only for rows outside A's box, clamped to their last reads).
            let ay = i64::from(row.r.wrapping_sub(a.top));
            let at_valid = ((ay >> 2) * i64::from(a.bw) + i64::from(acol0 >> 2)) as u64;
            let at_sign = (ay * a_row_bytes + i64::from(acol0 >> 3)) as u64;
            let (at_valid, at_sign) = (
                at_valid.min(a_valid_max) as usize,
                at_sign.min(a_sign_max) as usize,
            );
            // SAFETY: `at_valid ≤ a_valid_max`, so the eight bytes read lie in `a.valid` (bools
            // are bytes, any of them 0 or 1: an integer's bytes); `at_sign ≤ a_sign_max`, so the
            // four read lie in `a.sign` (seen as bytes). Unaligned reads.
            let (avalid, asign) = unsafe {
                (
                    a_valid.add(at_valid).cast::<i64>().read_unaligned(),
                    a_sign.add(at_sign).cast::<i32>().read_unaligned(),
                )
            };
            let a_invalid = _mm256_cmpeq_epi32(
                _mm256_shuffle_epi8(_mm256_set1_epi64x(avalid), a_pick),
                zero,
            );
            let no_ridge = _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(asign), a_bit), zero);
            // The agreement (B's bits, inverted where A has no ridge), bit 16 marking a counted
            // point; nothing where a point is not counted.
            let counted = _mm256_andnot_si256(
                _mm256_or_si256(outside, a_invalid),
                in_window,
            );
            let agree = _mm256_and_si256(
                _mm256_or_si256(
                    _mm256_xor_si256(bits, _mm256_and_si256(no_ridge, _mm256_set1_epi32(0x1ff))),
                    _mm256_set1_epi32(0x1_0000),
                ),
                counted,
            );
            // Bits 0–3 to bytes 0–3 (bit k · 8 of v · 0x204081 is bit k of v < 16), bits 4–7 to
            // bits 4 of bytes 0–3 (the same from v & 0xf0), bit 8 and the mark to bytes 0 and 1.
            count_lo = _mm256_add_epi32(
                count_lo,
                _mm256_and_si256(
                    _mm256_mullo_epi32(_mm256_and_si256(agree, nibble_lo), spread),
                    ones_lo,
                ),
            );
            count_hi = _mm256_add_epi32(
                count_hi,
                _mm256_and_si256(
                    _mm256_mullo_epi32(_mm256_and_si256(agree, nibble_hi), spread),
                    ones_hi,
                ),
            );
            count_tail = _mm256_add_epi32(count_tail, _mm256_srli_epi32::<8>(agree));
        }
        // Per lane each byte holds at most four (16 · four in `count_hi`); across the lanes at
        // most 32: bytes add without carries.
        let count_hi = _mm256_srli_epi32::<4>(count_hi);
        let pairs = _mm256_add_epi8(
            _mm256_unpacklo_epi32(count_lo, count_hi),
            _mm256_unpackhi_epi32(count_lo, count_hi),
        );
        let pairs = _mm_add_epi8(
            _mm256_castsi256_si128(pairs),
            _mm256_extracti128_si256::<1>(pairs),
        );
        let lanes = _mm_add_epi8(pairs, _mm_unpackhi_epi64(pairs, pairs));
        let tail = _mm_add_epi8(
            _mm256_castsi256_si128(count_tail),
            _mm256_extracti128_si256::<1>(count_tail),
        );
        let tail = _mm_add_epi8(tail, _mm_unpackhi_epi64(tail, tail));
        let tail = _mm_add_epi8(tail, _mm_srli_epi64::<32>(tail));
        let tail = _mm_cvtsi128_si32(tail) as u32;
        (
            _mm_cvtsi128_si64(lanes) as u64,
            tail & 0xff,
            (tail >> 8) & 0xff,
        )
    }};
}

/// `window_portable` (see there) for `laid_out` textures, B read from its rows.
///
/// # Safety
/// AVX2 must be available, and A and B `laid_out`.
#[target_feature(enable = "avx2")]
unsafe fn window_rows(
    a: &PreparedTexture,
    b: &PreparedTexture,
    rows: &[LatticeRow],
    cstart: i32,
    cend: i32,
) -> (u64, u32, u32) {
    let side = RowsSide::new(b);
    window_body!(a, side, rows, cstart, cend)
}

/// `texture_lut::window_portable` (see there) for A `laid_out`, B read from its table.
///
/// # Safety
/// AVX2 must be available, and A `laid_out`.
#[target_feature(enable = "avx2")]
unsafe fn window_table(
    a: &PreparedTexture,
    lut: &Neighbourhoods,
    rows: &[LatticeRow],
    cstart: i32,
    cend: i32,
) -> (u64, u32, u32) {
    let side = TableSide::new(lut);
    window_body!(a, side, rows, cstart, cend)
}

/// B's blocks and rows as [`window_rows`] reads them: the box's origin with the rounding offset
/// and the −1 of `around`'s test folded in, the test's limits, blocks per row, bytes per
/// row; and the clamps (B's three rows are read from `sign`, one row and two rows further:
/// `laid_out` gives at least four rows and a padding word, so `sign_max ≥ 0`).
struct RowsSide<'t> {
    origin: (__m256i, __m256i),
    lim: (__m256i, __m256i),
    bw: __m256i,
    row_bytes: usize,
    brow_bytes: __m256i,
    valid: &'t [bool],
    valid_max: __m256i,
    sign: &'t [u64],
    sign_max: __m256i,
}

impl<'t> RowsSide<'t> {
    /// B's reader; `b` must be `laid_out`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn new(b: &'t PreparedTexture) -> Self {
        let row_bytes = b.words * 8;
        Self {
            origin: (
                _mm256_set1_epi32(OFFSET as i32 + b.left + 1),
                _mm256_set1_epi32(OFFSET as i32 + b.top + 1),
            ),
            lim: (_mm256_set1_epi32(b.cols - 2), _mm256_set1_epi32(b.rows - 2)),
            bw: _mm256_set1_epi32(b.bw),
            row_bytes,
            brow_bytes: _mm256_set1_epi32(row_bytes as i32),
            valid: &b.valid,
            valid_max: _mm256_set1_epi32(b.valid.len().saturating_sub(4) as i32),
            sign: &b.sign,
            sign_max: _mm256_set1_epi32((b.sign.len() * 8).saturating_sub(4 + 2 * row_bytes) as i32),
        }
    }

    /// Per lane, for the cells (`cx`, `cy`) + OFFSET: all ones where B does not count the
    /// point (outside `around`'s box or an empty block), and B's nine bits.
    ///
    /// # Safety
    /// AVX2 must be available.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn read(&self, cx: __m256i, cy: __m256i) -> (__m256i, __m256i) {
        let zero = _mm256_setzero_si256();
        let xm1 = _mm256_sub_epi32(cx, self.origin.0);
        let ym1 = _mm256_sub_epi32(cy, self.origin.1);
        // Outside `around`'s box: x − 1 ≥ cols − 2 or y − 1 ≥ rows − 2, unsigned.
        let outside = _mm256_or_si256(
            _mm256_cmpeq_epi32(_mm256_max_epu32(xm1, self.lim.0), xm1),
            _mm256_cmpeq_epi32(_mm256_max_epu32(ym1, self.lim.1), ym1),
        );
        let one = _mm256_set1_epi32(1);
        let (x, y) = (_mm256_add_epi32(xm1, one), _mm256_add_epi32(ym1, one));
        let bblock = _mm256_add_epi32(
            _mm256_mullo_epi32(_mm256_srli_epi32::<2>(y), self.bw),
            _mm256_srli_epi32::<2>(x),
        );
        // SAFETY: AVX2 is available (this function's precondition); the offsets are clamped
        // to `valid_max`, so the four bytes read from each lie in `valid` (bools are bytes).
        let bvalid =
            unsafe { gather(self.valid.as_ptr().cast(), &clamped(bblock, self.valid_max)) };
        let b_invalid = _mm256_cmpeq_epi32(_mm256_and_si256(bvalid, _mm256_set1_epi32(0xff)), zero);
        // B's nine bits: three bits from x − 1 in rows y − 1, y and y + 1.
        let bbyte = clamped(
            _mm256_add_epi32(
                _mm256_mullo_epi32(ym1, self.brow_bytes),
                _mm256_srli_epi32::<3>(xm1),
            ),
            self.sign_max,
        );
        let three = _mm256_sllv_epi32(
            _mm256_set1_epi32(7),
            _mm256_and_si256(xm1, _mm256_set1_epi32(7)),
        );
        let (sign, row_bytes) = (self.sign.as_ptr().cast::<u8>(), self.row_bytes);
        // SAFETY: AVX2 is available; the offsets are clamped to `sign_max`, so the last
        // byte read, at `2 · row_bytes + sign_max + 3 = 8 · sign.len() − 1`, is `sign`'s last
        // (`laid_out`: B's `sign` holds more than two rows), and `sign + 2 · row_bytes` lies
        // within it.
        let (r0, r1, r2) = unsafe {
            (
                gather(sign, &bbyte),
                gather(sign.add(row_bytes), &bbyte),
                gather(sign.add(2 * row_bytes), &bbyte),
            )
        };
        let bits = _mm256_srlv_epi32(
            _mm256_or_si256(
                _mm256_or_si256(
                    _mm256_and_si256(r0, three),
                    _mm256_slli_epi32::<3>(_mm256_and_si256(r1, three)),
                ),
                _mm256_slli_epi32::<6>(_mm256_and_si256(r2, three)),
            ),
            _mm256_and_si256(xm1, _mm256_set1_epi32(7)),
        );
        (_mm256_or_si256(outside, b_invalid), bits)
    }
}

/// B's neighbourhoods' table as [`window_table`] reads it: its origin with the rounding offset
/// folded in, its size, and the last byte a four-byte read may start at (the table ends with
/// a zero entry).
struct TableSide<'t> {
    origin: (__m256i, __m256i),
    size: (__m256i, __m256i),
    cells: &'t [u16],
    cells_max: __m256i,
}

impl<'t> TableSide<'t> {
    /// The table's reader.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn new(lut: &'t Neighbourhoods) -> Self {
        Self {
            origin: (
                _mm256_set1_epi32(OFFSET as i32 + lut.left),
                _mm256_set1_epi32(OFFSET as i32 + lut.top),
            ),
            size: (_mm256_set1_epi32(lut.cols), _mm256_set1_epi32(lut.rows)),
            cells: &lut.cells,
            cells_max: _mm256_set1_epi32((2 * lut.cells.len()).saturating_sub(4) as i32),
        }
    }

    /// As [`RowsSide::read`], from the table.
    ///
    /// # Safety
    /// AVX2 must be available.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn read(&self, cx: __m256i, cy: __m256i) -> (__m256i, __m256i) {
        let x = _mm256_sub_epi32(cx, self.origin.0);
        let y = _mm256_sub_epi32(cy, self.origin.1);
        // Outside the table: x ≥ cols or y ≥ rows, unsigned (negatives are huge).
        let off_table = _mm256_or_si256(
            _mm256_cmpeq_epi32(_mm256_max_epu32(x, self.size.0), x),
            _mm256_cmpeq_epi32(_mm256_max_epu32(y, self.size.1), y),
        );
        let at = _mm256_slli_epi32::<1>(_mm256_add_epi32(_mm256_mullo_epi32(y, self.size.0), x));
        // SAFETY: AVX2 is available; the byte offsets are clamped to `cells_max`, so the four
        // bytes read from each lie in `cells` (seen as bytes).
        let entry = _mm256_and_si256(
            unsafe { gather(self.cells.as_ptr().cast(), &clamped(at, self.cells_max)) },
            _mm256_set1_epi32(0xffff),
        );
        let empty = _mm256_cmpeq_epi32(
            _mm256_and_si256(entry, _mm256_set1_epi32(i32::from(COUNTS))),
            _mm256_setzero_si256(),
        );
        (
            _mm256_or_si256(off_table, empty),
            _mm256_and_si256(entry, _mm256_set1_epi32(0x1ff)),
        )
    }
}
