//! The ridge texture's agreement under a warp the texture finds itself: from a rigid
//! alignment, each window of A is searched over local shifts, and each window is then read
//! at the shift its neighbours' best shifts predict, never at its own (docs/matching.md,
//! issue #14, twenty-fourth pass).
//!
//! Owns the local search and the prediction. Must not search rigid alignments
//! ([`super::search_rigid`]'s job) or decide what an agreement means (`verify`'s).
//!
//! A distorted print drifts smoothly from the rigid alignment, so a window's neighbours know
//! where it lies; two different fingers' windows each find some best shift, but their
//! neighbours' best shifts say nothing about theirs, so a window read where its neighbours
//! point agrees no better than by chance. Reading each window at its own best shift would
//! raise every impostor as much.

use super::lut::Neighbourhoods;
use super::{
    CELL, LatticeRow, MAX_SEARCHED_SIDE, MIN_WINDOW_POINTS, PreparedTexture, RigidFound, Tally,
    WINDOW, WINDOW_ROWS, best_shift, window_lattice,
};

/// The local shifts searched around a rigid alignment and how far a window's neighbours
/// reach.
#[derive(Clone, Copy, Debug)]
pub struct WarpGrid {
    /// Largest shift either way, px.
    pub reach: f32,
    /// Shift step, px.
    pub step: f32,
    /// Neighbours within this many windows (either way) predict a window's shift.
    pub radius: i32,
    /// Fewest neighbours with a best shift for a prediction; fewer read the window unshifted.
    pub min_neighbours: usize,
}

/// Most shift steps either way the local search takes.
const MAX_LOCAL_SHIFTS: i32 = 8;

/// (mean agreement, points compared) of A's texture with B's, each window read at the local
/// shift its neighbours predict around the rigid alignment `at` (as [`super::search_rigid`]
/// reports it: a turn about A's box centre, then A's box centre onto B's plus the shift).
pub fn warped_agreement(
    a: &PreparedTexture,
    b: &PreparedTexture,
    at: &RigidFound,
    warp: &WarpGrid,
) -> (f32, u32) {
    if a.is_empty() || b.is_empty() || warp.step <= 0.0 {
        return (0.0, 0);
    }
    let (al, atop, aw, ah) = a.box_px();
    let (bl, bt, bw, bh) = b.box_px();
    // As the rigid search: a larger box, which only a crafted template carries, is not read.
    if aw.max(ah).max(bw).max(bh) > MAX_SEARCHED_SIDE {
        return (0.0, 0);
    }
    let (ax0, ay0) = (al + aw / 2.0, atop + ah / 2.0);
    let (bx0, by0) = (bl + bw / 2.0 + at.dx, bt + bh / 2.0 + at.dy);
    let (rs, rc) = at.rot.sin_cos();
    let mapf = |x: f32, y: f32| {
        let (u, v) = (x - ax0, y - ay0);
        (bx0 + rc * u - rs * v, by0 + rs * u + rc * v)
    };
    let table = Neighbourhoods::new(b);
    let mut tally = Tally::new(a, b, false);
    tally.lut = Some(&table);

    let win = WINDOW as i32;
    let ((wx0, wy0), (wx1, wy1)) = a.windows();
    let (nwx, nwy) = ((wx1 - wx0 + 1) as usize, (wy1 - wy0 + 1) as usize);
    let ns = ((warp.reach / warp.step).floor() as i32).clamp(0, MAX_LOCAL_SHIFTS);
    let side = (2 * ns + 1) as usize;
    let half = (WINDOW * CELL) as f32 / 2.0;
    let (br, bb) = (bl + bw, bt + bh);
    // A window whose centre, moved as far as the local search reaches, still falls outside B's
    // box by more than half a window has nothing to compare.
    let margin = half + ns as f32 * warp.step;
    // Per window: each shift's (2 · agreeing − compared, compared) (`side`² of them, in
    // `shifts`), whether it was read, and its best shift.
    let mut shifts = vec![(0i32, 0u32); nwx * nwy * side * side];
    let mut read = vec![false; nwx * nwy];
    let mut best: Vec<Option<(i32, i32)>> = vec![None; nwx * nwy];
    for wy in wy0..=wy1 {
        for wx in wx0..=wx1 {
            let (c0, r0) = (wx * win, wy * win);
            let (mx, my) = mapf(
                (c0 * CELL as i32) as f32 + half,
                (r0 * CELL as i32) as f32 + half,
            );
            if mx < bl - margin || my < bt - margin || mx > br + margin || my > bb + margin {
                continue;
            }
            let (rows, nrows, (cstart, cend)) = window_lattice(a, (c0, r0), &mapf, (rs, rc));
            let rows = rows.get(..nrows).unwrap_or(&[]);
            let k = (wy - wy0) as usize * nwx + (wx - wx0) as usize;
            let Some(per_shift) = shifts.get_mut(k * side * side..(k + 1) * side * side) else {
                continue;
            };
            let mut shifted = [LatticeRow::default(); WINDOW_ROWS];
            let mut each = per_shift.iter_mut();
            for iy in -ns..=ns {
                for ix in -ns..=ns {
                    let (sx, sy) = (ix as f32 * warp.step, iy as f32 * warp.step);
                    for (s, r) in shifted.iter_mut().zip(rows) {
                        *s = LatticeRow {
                            q: [r.q[0] + sx, r.q[1] + sy],
                            ..*r
                        };
                    }
                    let (lanes, last, n) = tally.counts(&shifted[..rows.len()], cstart, cend);
                    if let Some(slot) = each.next() {
                        *slot = (2 * best_shift(lanes, last) as i32 - n as i32, n);
                    }
                }
            }
            best[k] = best_local(per_shift, ns);
            read[k] = true;
        }
    }

    let (mut acc, mut total) = (0i64, 0u64);
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for wy in 0..nwy as i32 {
        for wx in 0..nwx as i32 {
            let k = wy as usize * nwx + wx as usize;
            if !read[k] {
                continue;
            }
            xs.clear();
            ys.clear();
            for ny in (wy - warp.radius).max(0)..=(wy + warp.radius).min(nwy as i32 - 1) {
                for nx in (wx - warp.radius).max(0)..=(wx + warp.radius).min(nwx as i32 - 1) {
                    if (nx, ny) == (wx, wy) {
                        continue;
                    }
                    if let Some((ix, iy)) = best[ny as usize * nwx + nx as usize] {
                        xs.push(ix);
                        ys.push(iy);
                    }
                }
            }
            let (px, py) = if xs.len() >= warp.min_neighbours.max(1) {
                (median(&mut xs), median(&mut ys))
            } else {
                (0, 0)
            };
            let at = k * side * side + ((py + ns) as usize) * side + (px + ns) as usize;
            let (score, n) = shifts.get(at).copied().unwrap_or((0, 0));
            if n >= MIN_WINDOW_POINTS {
                acc += i64::from(score);
                total += u64::from(n);
            }
        }
    }
    if total == 0 {
        return (0.0, 0);
    }
    (acc as f32 / total as f32, total as u32)
}

/// The shift (steps either way) at which a window agrees best, as a share of its points
/// compared, among the shifts that compare enough points; the smaller shift on a tie (no
/// evidence means no drift).
fn best_local(per_shift: &[(i32, u32)], ns: i32) -> Option<(i32, i32)> {
    let side = 2 * ns + 1;
    let mut top: Option<(f32, i32, i32)> = None;
    for (k, &(score, n)) in per_shift.iter().enumerate() {
        if n < MIN_WINDOW_POINTS {
            continue;
        }
        let (ix, iy) = (k as i32 % side - ns, k as i32 / side - ns);
        let share = score as f32 / n as f32;
        let better = top.is_none_or(|(s, tx, ty)| {
            share > s || (share == s && ix.abs() + iy.abs() < tx.abs() + ty.abs())
        });
        if better {
            top = Some((share, ix, iy));
        }
    }
    top.map(|(_, ix, iy)| (ix, iy))
}

/// The median of `v` (the lower middle of an even count), rounded towards zero shift.
fn median(v: &mut [i32]) -> i32 {
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        let s = v[n / 2 - 1] + v[n / 2];
        s / 2
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RidgeTexture, RigidGrid, search_rigid};
    use super::*;
    use crate::matching::raster::Gray;
    use crate::matching::segmentation::{BLOCK, BlockMap};
    use rand::{Rng, SeedableRng, rngs::StdRng};

    /// A maze of ridges 8–11 px apart running every way (24 waves of random direction,
    /// period and phase, summed), the image read through `moved`: unlike parallel ridges or
    /// rings, each window of it fits in one place only.
    fn maze(side: usize, seed: u64, moved: impl Fn(f32, f32) -> (f32, f32)) -> Gray {
        let mut rng = StdRng::seed_from_u64(seed);
        let waves: Vec<(f32, f32, f32)> = (0..24)
            .map(|_| {
                let (angle, period): (f32, f32) =
                    (rng.gen_range(0.0..3.2), rng.gen_range(8.0..11.0));
                let k = std::f32::consts::TAU / period;
                (
                    k * angle.cos(),
                    k * angle.sin(),
                    rng.gen_range(0.0..std::f32::consts::TAU),
                )
            })
            .collect();
        let data = (0..side * side)
            .map(|i| {
                let (x, y) = moved((i % side) as f32, (i / side) as f32);
                waves
                    .iter()
                    .map(|&(kx, ky, p)| (kx * x + ky * y + p).cos())
                    .sum()
            })
            .collect();
        Gray {
            width: side,
            height: side,
            data,
        }
    }

    fn prepared(g: &Gray) -> PreparedTexture {
        let mask = BlockMap::new(g.width / BLOCK, g.height / BLOCK, true);
        PreparedTexture::new(&RidgeTexture::from_enhanced(g, &mask))
    }

    const GRID: RigidGrid = RigidGrid {
        max_rot: 0.2,
        rot_step: 0.1,
        reach: 60.0,
        step: 6.0,
        min_points: 400,
        stride: 1,
        keep: 8,
        refine: false,
    };

    /// The local search verification runs.
    const WARP: WarpGrid = crate::matching::verify::TEXTURE_WARP;

    /// A print whose left part lies 8 px further right than its right part, and both 5 px
    /// lower at the top than at the bottom: skin pushed sideways and rolled.
    fn pushed(x: f32, y: f32) -> (f32, f32) {
        (
            x + if x < 140.0 { 8.0 } else { -8.0 },
            y + 5.0 * (1.0 - y / 140.0),
        )
    }

    #[test]
    fn a_pushed_print_agrees_where_its_neighbours_point() {
        let a = prepared(&maze(280, 1, |x, y| (x, y)));
        let b = prepared(&maze(280, 1, pushed));
        let rigid = search_rigid(&a, &b, &GRID);
        let (c, n) = warped_agreement(&a, &b, &rigid, &WARP);
        assert!(n >= 400, "{n} points");
        assert!(
            c > rigid.agreement + 0.15,
            "warped {c} against rigid {rigid:?}"
        );
    }

    #[test]
    fn other_ridges_gain_nothing_from_the_local_search() {
        let a = prepared(&maze(280, 1, |x, y| (x, y)));
        let other = prepared(&maze(280, 2, pushed));
        let rigid = search_rigid(&a, &other, &GRID);
        let (c, n) = warped_agreement(&a, &other, &rigid, &WARP);
        assert!(n >= 400, "{n} points");
        // Each window read at its own best shift would agree more: the neighbours' best
        // shifts say nothing about a window of another pattern.
        assert!(
            c < rigid.agreement + 0.1,
            "warped {c} against rigid {rigid:?}"
        );
    }

    #[test]
    fn an_oversized_texture_is_not_read() {
        let a = prepared(&maze(280, 1, |x, y| (x, y)));
        let huge = prepared(&maze(1100, 1, |x, y| (x, y)));
        assert!(huge.box_px().2 > MAX_SEARCHED_SIDE);
        let at = RigidFound::default();
        assert_eq!(warped_agreement(&a, &huge, &at, &WARP), (0.0, 0));
        assert_eq!(warped_agreement(&huge, &a, &at, &WARP), (0.0, 0));
        // The same maze within the limit is read.
        assert!(warped_agreement(&a, &a, &at, &WARP).1 > 0);
    }

    #[test]
    fn nothing_to_compare_gives_nothing() {
        let a = prepared(&maze(280, 1, |x, y| (x, y)));
        let none = PreparedTexture::default();
        let at = RigidFound::default();
        assert_eq!(warped_agreement(&a, &none, &at, &WARP), (0.0, 0));
        assert_eq!(warped_agreement(&none, &a, &at, &WARP), (0.0, 0));
        let flat = WarpGrid { step: 0.0, ..WARP };
        assert_eq!(warped_agreement(&a, &a, &at, &flat), (0.0, 0));
    }
}
