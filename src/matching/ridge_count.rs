//! Ridge counts between neighbouring minutiae: at extraction, the ridges crossed on the
//! straight line from each minutia to each of its nearest neighbours, read off the enhanced
//! image; at comparison, how many of them agree between the two prints under the pairs the
//! alignment found, and the factor that weighs a score by it.
//!
//! Why: two minutiae that the alignment pairs by chance (an impostor, a wrong alignment) sit
//! at the right place and direction, but the ridges between them and their paired neighbours
//! are another matter: on the seven development sets the counts of a genuine comparison's
//! pairs agree exactly about 0.65 of the time, an impostor's about 0.40 (docs/matching.md,
//! issue #14 tenth pass). The positions and directions the cylinders use carry none of it.
//!
//! The neighbours are not stored: they are the nearest minutiae by the stored (quantised)
//! positions, which extraction and preparation compute alike ([`neighbours`]), so a template
//! keeps only a 4-bit count per link, 8 bytes per minutia.
//!
//! Must not: change the minutiae or the alignment; count where the line leaves the foreground
//! (the ridges there are not seen); panic on any template (indices are checked).

use super::raster::Gray;
use super::segmentation::BlockMap;
use super::template::StoredMinutia;

/// Neighbours per minutia whose ridge count is kept.
pub const LINKS: usize = 16;
/// No neighbour in this slot (a template holds at most 255 minutiae, indices 0–254).
pub const NONE: u8 = u8::MAX;
/// A stored count meaning "not counted" (no such neighbour, or the line left the print).
pub const UNKNOWN: u8 = 15;
/// One minutia's stored counts to its [`neighbours`], nearest first (0–14, or [`UNKNOWN`];
/// counts above 14 are stored as 14).
pub type Counts = [u8; LINKS];
/// One minutia's links as a comparison uses them: (neighbour index, ridge count) pairs, then
/// `[NONE, NONE]`.
pub type Links = [[u8; 2]; LINKS];
/// Neighbours farther than this (pixels at 500 ppi) get no count.
const REACH: f32 = 150.0;
/// Ridge or valley runs shorter than this along the line are noise (pixels).
const MIN_RUN: usize = 2;
/// Ridges within this distance of either end belong to the minutiae themselves (pixels).
const END_GAP: usize = 4;
/// Weight of the agreement in the factor: exp(WEIGHT · w · (agreement − CENTRE)).
const WEIGHT: f32 = 1.5;
/// Agreement (exact counts) at and above which the factor is 1.
const CENTRE: f32 = 0.5;
/// Checked links from which the agreement counts in full (fewer: proportionally less).
const FULL_FROM: f32 = 12.0;
/// The factor of a comparison where either template has no ridge counts (version 1 and 2
/// templates, ISO imports): the ratio of the calibration thresholds fitted with and without
/// them (0.83 at FMR 1e-3 to 1e-5; 0.80–0.84 from 1e-1 to 1e-7), so that one calibration
/// holds for both.
pub const WITHOUT_COUNTS: f32 = 0.83;

/// For each minutia, the indices of its up to [`LINKS`] nearest other minutiae within
/// `REACH`, nearest first (ties: lower index first), then `NONE`. Computed on the stored
/// integer positions, so every build finds the same neighbours. Minutiae beyond the 255th
/// have none and are nobody's neighbour.
pub fn neighbours(minutiae: &[StoredMinutia]) -> Vec<[u8; LINKS]> {
    let n = minutiae.len().min(usize::from(NONE));
    let reach2 = (REACH * REACH) as i64;
    let mut out = vec![[NONE; LINKS]; minutiae.len()];
    let mut near: Vec<(i64, usize)> = Vec::new();
    for (i, (m, row)) in minutiae.iter().zip(&mut out).take(n).enumerate() {
        near.clear();
        for (j, o) in minutiae.iter().take(n).enumerate() {
            let (dx, dy) = (
                i64::from(o.x) - i64::from(m.x),
                i64::from(o.y) - i64::from(m.y),
            );
            let d2 = dx * dx + dy * dy;
            if j != i && d2 <= reach2 {
                near.push((d2, j));
            }
        }
        near.sort_unstable();
        for (slot, &(_, j)) in row.iter_mut().zip(&near) {
            *slot = j as u8;
        }
    }
    out
}

/// For each minutia, the ridges crossed to each of its [`neighbours`] (see [`Counts`]).
pub fn count(enhanced: &Gray, mask: &BlockMap<bool>, minutiae: &[StoredMinutia]) -> Vec<Counts> {
    let at = |m: &StoredMinutia| (f32::from(m.x), f32::from(m.y));
    neighbours(minutiae)
        .iter()
        .zip(minutiae)
        .map(|(near, m)| {
            near.map(|j| {
                minutiae
                    .get(usize::from(j))
                    .and_then(|o| ridges_between(enhanced, mask, at(m), at(o)))
                    .map_or(UNKNOWN, |c| c.min(u32::from(UNKNOWN) - 1) as u8)
            })
        })
        .collect()
}

/// A template's counts as links (neighbour index, count), the unknown ones left out; empty
/// when `counts` is not parallel to `minutiae`.
pub fn links(minutiae: &[StoredMinutia], counts: &[Counts]) -> Vec<Links> {
    if counts.len() != minutiae.len() {
        return Vec::new();
    }
    neighbours(minutiae)
        .iter()
        .zip(counts)
        .map(|(near, c)| {
            let mut out = [[NONE; 2]; LINKS];
            let known = near
                .iter()
                .zip(c)
                .filter(|&(&j, &c)| j != NONE && c != UNKNOWN);
            for (slot, (&j, &c)) in out.iter_mut().zip(known) {
                *slot = [j, c];
            }
            out
        })
        .collect()
}

/// Ridges crossed on the segment from `p` to `q`, or `None` when it leaves the foreground or
/// the image.
fn ridges_between(
    enhanced: &Gray,
    mask: &BlockMap<bool>,
    p: (f32, f32),
    q: (f32, f32),
) -> Option<u32> {
    let len = (q.0 - p.0).hypot(q.1 - p.1);
    if !len.is_finite() {
        return None;
    }
    let steps = len.ceil().max(1.0) as usize;
    let end = steps + 1;
    // Runs of equal state (ridge?, start, end) along the line, each as it ends joined to the
    // last merged run when shorter than MIN_RUN or of the same state; a merged run is counted
    // once the next one starts (or the line ends). No lists: nothing is kept but the two runs.
    let mut runs = Runs {
        end,
        run: None,
        merged: None,
        ridges: 0,
    };
    for k in 0..=steps {
        runs.step(on_ridge(enhanced, mask, p, q, k, steps)?, k);
    }
    Some(runs.finish())
}

/// Whether sample `k` of `steps` on the segment from `p` to `q` (rounded to a pixel) is on a
/// ridge, or `None` when it is outside the image or the foreground.
#[inline]
fn on_ridge(
    enhanced: &Gray,
    mask: &BlockMap<bool>,
    p: (f32, f32),
    q: (f32, f32),
    k: usize,
    steps: usize,
) -> Option<bool> {
    let t = k as f32 / steps as f32;
    let (x, y) = (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1));
    let (xi, yi) = (x.round(), y.round());
    if xi < 0.0 || yi < 0.0 || xi >= enhanced.width as f32 || yi >= enhanced.height as f32 {
        return None;
    }
    let (xi, yi) = (xi as usize, yi as usize);
    if !mask.at_pixel(xi as isize, yi as isize) {
        return None;
    }
    Some(*enhanced.data.get(yi * enhanced.width + xi)? < 0.0)
}

/// The run state of [`ridges_between`]: the run in progress, the last merged run, and the
/// merged ridge runs counted so far.
struct Runs {
    /// One past the last step.
    end: usize,
    run: Option<(bool, usize, usize)>,
    merged: Option<(bool, usize, usize)>,
    ridges: u32,
}

impl Runs {
    /// Step `k` reads `ridge`.
    fn step(&mut self, ridge: bool, k: usize) {
        match &mut self.run {
            Some(run) if run.0 == ridge => run.2 = k + 1,
            _ => {
                if let Some(done) = self.run.replace((ridge, k, k + 1)) {
                    self.merge(done);
                }
            }
        }
    }

    /// A finished run joins the last merged run or starts the next one.
    fn merge(&mut self, run: (bool, usize, usize)) {
        match &mut self.merged {
            Some(last) if run.2 - run.1 < MIN_RUN || last.0 == run.0 => last.2 = run.2,
            _ => {
                if let Some(done) = self.merged.replace(run) {
                    self.count(done);
                }
            }
        }
    }

    /// A merged run counts when it is ridge and clear of both ends.
    fn count(&mut self, r: (bool, usize, usize)) {
        self.ridges += u32::from(r.0 && r.1 >= END_GAP && r.2 + END_GAP <= self.end);
    }

    /// The count once the line has ended.
    fn finish(mut self) -> u32 {
        if let Some(run) = self.run.take() {
            self.merge(run);
        }
        if let Some(last) = self.merged.take() {
            self.count(last);
        }
        self.ridges
    }
}

/// How many links of paired minutiae agree: for each pair (A index, B index) and each link of
/// its A minutia to a neighbour that is paired too, whether its B minutia links to that
/// neighbour's partner with the same count. Returns (agreeing, checked). `partner` is scratch
/// space (A index → B index). Indices out of range are skipped.
///
/// Without data-dependent branches per link (whether a neighbour is paired, and where B's
/// links hold its partner, mispredicted about half the time): B's links of each pair are
/// spread into a table by neighbour index, which every A link then reads once.
pub fn agreement(
    a: &[Links],
    b: &[Links],
    pairs: &[(u16, u16, f32)],
    partner: &mut Vec<u8>,
) -> (u32, u32) {
    if a.is_empty() || b.is_empty() {
        return (0, 0);
    }
    // One entry per possible neighbour index, so that a link never needs a bounds check:
    // those of no A minutia stay NONE (unpaired).
    partner.clear();
    partner.resize(TABLE, NONE);
    let Ok(partner) = <&mut [u8; TABLE]>::try_from(partner.as_mut_slice()) else {
        return (0, 0);
    };
    for &(i, j, _) in pairs {
        let i = usize::from(i);
        if i < a.len()
            && let (Some(s), Ok(j)) = (partner.get_mut(i), u8::try_from(j))
        {
            *s = j;
        }
    }
    // B's links of the pair at hand by neighbour index: `FOUND | count` of the first link to
    // it, 0 for none; all 0 between pairs.
    let mut by_neighbour = [0u16; TABLE];
    let (mut agree, mut checked) = (0, 0);
    for &(i, j, _) in pairs {
        let (Some(la), Some(lb)) = (a.get(usize::from(i)), b.get(usize::from(j))) else {
            continue;
        };
        // Backwards, so that the first link to a neighbour is the one left.
        for &[l, cb] in lb.iter().rev() {
            by_neighbour[usize::from(l)] = FOUND | u16::from(cb);
        }
        // An unpaired neighbour's partner is NONE: never found.
        by_neighbour[usize::from(NONE)] = 0;
        // All sixteen links, those from the first NONE on masked out.
        let mut live = 1;
        for &[k, ca] in la {
            live &= u32::from(k != NONE);
            let found = by_neighbour[usize::from(partner[usize::from(k)])];
            let hit = live & u32::from(found != 0);
            checked += hit;
            agree += hit & u32::from(found == FOUND | u16::from(ca));
        }
        for &[l, _] in lb {
            by_neighbour[usize::from(l)] = 0;
        }
    }
    (agree, checked)
}

/// Entries of the tables [`agreement`] indexes by a neighbour index (a `u8`).
const TABLE: usize = 1 << u8::BITS;
/// Marks a count in [`agreement`]'s table of B's links (set whatever the count).
const FOUND: u16 = 1 << u8::BITS;

/// The factor a comparison's score is multiplied by: [`factor`] of the [`agreement`] of the
/// pairs, or [`WITHOUT_COUNTS`] when either print has no ridge counts.
pub fn weigh(a: &[Links], b: &[Links], pairs: &[(u16, u16, f32)], partner: &mut Vec<u8>) -> f32 {
    if a.is_empty() || b.is_empty() {
        return WITHOUT_COUNTS;
    }
    factor(agreement(a, b, pairs, partner))
}

/// The factor (≤ 1) a comparison's score is multiplied by for its ridge-count agreement:
/// 1 without checks or at an agreement of `CENTRE` and above, less below it, fully from
/// `FULL_FROM` checks on. The agreement is smoothed by one agreeing and one disagreeing
/// check, so that a handful of checks cannot sink a score.
pub fn factor((agree, checked): (u32, u32)) -> f32 {
    if checked == 0 {
        return 1.0;
    }
    let share = (agree as f32 + 1.0) / (checked as f32 + 2.0);
    let w = (checked as f32 / FULL_FROM).min(1.0);
    (WEIGHT * w * (share - CENTRE)).exp().min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::minutiae::Kind;
    use rand::{Rng, SeedableRng};

    /// Horizontal ridges (dark, negative) of period 10 px: rows 0–4 of each period are ridge.
    fn stripes(w: usize, h: usize) -> Gray {
        Gray {
            width: w,
            height: h,
            data: (0..w * h)
                .map(|k| if (k / w) % 10 < 5 { -1.0 } else { 1.0 })
                .collect(),
        }
    }

    fn minutia(x: u16, y: u16) -> StoredMinutia {
        StoredMinutia {
            x,
            y,
            angle: 0,
            kind: Kind::Ending,
            reliability: 100,
        }
    }

    #[test]
    fn counts_the_ridges_crossed_between_two_points() {
        let g = stripes(100, 100);
        let mask = BlockMap::for_image(g.width, g.height, true);
        // From the middle of the ridge at rows 20–24 down to the one at rows 60–64: the
        // ridges at rows 30, 40 and 50 lie between.
        assert_eq!(
            ridges_between(&g, &mask, (50.0, 22.0), (50.0, 62.0)),
            Some(3)
        );
        // Along a ridge: none.
        assert_eq!(
            ridges_between(&g, &mask, (10.0, 22.0), (90.0, 22.0)),
            Some(0)
        );
        // Obliquely the same three.
        assert_eq!(
            ridges_between(&g, &mask, (20.0, 22.0), (60.0, 62.0)),
            Some(3)
        );
    }

    #[test]
    fn a_line_leaving_the_foreground_or_the_image_has_no_count() {
        let g = stripes(100, 100);
        let mask = BlockMap::for_image(g.width, g.height, true);
        assert_eq!(ridges_between(&g, &mask, (50.0, 22.0), (50.0, 140.0)), None);
        assert_eq!(
            ridges_between(&g, &mask, (50.0, 22.0), (f32::NAN, 40.0)),
            None
        );
        assert_eq!(ridges_between(&g, &mask, (-5.0, 22.0), (50.0, 40.0)), None);
        let mut holed = mask.clone();
        holed.set(6, 5, false); // the block holding pixel (50, 42)
        assert_eq!(ridges_between(&g, &holed, (50.0, 22.0), (50.0, 62.0)), None);
    }

    #[test]
    fn links_are_the_nearest_neighbours_with_their_counts() {
        let g = stripes(200, 200);
        let mask = BlockMap::for_image(g.width, g.height, true);
        let m = vec![
            minutia(50, 22),
            minutia(50, 62),
            minutia(50, 42),
            minutia(190, 190), // beyond REACH of the first
        ];
        let counts = count(&g, &mask, &m);
        assert_eq!(counts.len(), 4);
        assert_eq!(neighbours(&m)[0][..3], [2, 1, NONE]);
        // No third neighbour: nothing counted.
        assert_eq!(counts[0][..3], [1, 3, UNKNOWN]);
        let links = links(&m, &counts);
        assert_eq!(links[0][..3], [[2, 1], [1, 3], [NONE, NONE]]);
        assert!(links[3].iter().all(|l| l[0] == NONE));
        // A line that leaves the print: its neighbour is there, its count unknown.
        let mut holed = mask.clone();
        holed.set(6, 5, false); // the block holding pixel (50, 42)
        let counts = count(&g, &holed, &m);
        assert_eq!(counts[0][..2], [UNKNOWN, UNKNOWN]);
        assert_eq!(super::links(&m, &counts)[0][0], [NONE, NONE]);
        // Counts not parallel to the minutiae give no links.
        assert!(super::links(&m, &counts[..2]).is_empty());
    }

    #[test]
    fn neighbours_break_ties_by_index_and_skip_the_minutia_itself() {
        let m = vec![
            minutia(100, 100),
            minutia(110, 100),
            minutia(90, 100),
            minutia(100, 100),
        ];
        let near = neighbours(&m);
        assert_eq!(near[0][..4], [3, 1, 2, NONE]);
        assert_eq!(near[3][..4], [0, 1, 2, NONE]);
    }

    #[test]
    fn agreement_checks_only_links_between_paired_minutiae() {
        let mut a = vec![[[NONE; 2]; LINKS]; 3];
        let mut b = vec![[[NONE; 2]; LINKS]; 3];
        a[0][0] = [1, 4];
        a[0][1] = [2, 2];
        a[1][0] = [0, 4];
        // B's minutia 2 is A's 0, B's 0 is A's 1; B's 1 is unpaired.
        b[2][0] = [0, 4];
        b[2][1] = [1, 7];
        b[0][0] = [2, 5];
        let pairs = [(0u16, 2u16, 1.0f32), (1, 0, 1.0)];
        let mut scratch = Vec::new();
        // A 0→1 (4) against B 2→0 (4): agree; A 1→0 (4) against B 0→2 (5): disagree; A 0→2
        // has no partner.
        assert_eq!(agreement(&a, &b, &pairs, &mut scratch), (1, 2));
        // Out-of-range indices are skipped, not a panic.
        let wild = [(9u16, 0u16, 1.0f32), (0, 300, 1.0)];
        assert_eq!(agreement(&a, &b, &wild, &mut scratch), (0, 0));
        assert_eq!(agreement(&[], &b, &pairs, &mut scratch), (0, 0));
    }

    /// [`agreement`] as first written, a search of B's links per A link: the definition the
    /// table must reproduce.
    fn agreement_by_search(a: &[Links], b: &[Links], pairs: &[(u16, u16, f32)]) -> (u32, u32) {
        if a.is_empty() || b.is_empty() {
            return (0, 0);
        }
        let mut partner = vec![NONE; a.len()];
        for &(i, j, _) in pairs {
            if let (Some(s), Ok(j)) = (partner.get_mut(usize::from(i)), u8::try_from(j)) {
                *s = j;
            }
        }
        let (mut agree, mut checked) = (0, 0);
        for &(i, j, _) in pairs {
            let (Some(la), Some(lb)) = (a.get(usize::from(i)), b.get(usize::from(j))) else {
                continue;
            };
            for &[k, ca] in la.iter().take_while(|l| l[0] != NONE) {
                let Some(&l) = partner.get(usize::from(k)) else {
                    continue;
                };
                if l == NONE {
                    continue;
                }
                if let Some(&[_, cb]) = lb.iter().find(|x| x[0] == l) {
                    checked += 1;
                    agree += u32::from(ca == cb);
                }
            }
        }
        (agree, checked)
    }

    #[test]
    fn agreement_by_table_is_agreement_by_search() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x05ee_d2c0_u64);
        let mut scratch = Vec::new();
        for round in 0..4000 {
            // Small index ranges make duplicates, NONE and out-of-range indices common; some
            // rounds use the full range (up to 300 minutiae, indices past 255).
            let wide = round % 4 == 0;
            let (na, nb) = if wide {
                (rng.gen_range(0..300usize), rng.gen_range(0..300usize))
            } else {
                (rng.gen_range(0..12usize), rng.gen_range(0..12usize))
            };
            let span = if wide { 256u16 } else { 16 };
            let links = |n: usize, rng: &mut rand::rngs::StdRng| -> Vec<Links> {
                (0..n)
                    .map(|_| {
                        let mut l = [[NONE; 2]; LINKS];
                        let live = rng.gen_range(0..=LINKS);
                        for (t, slot) in l.iter_mut().enumerate() {
                            // Entries past the first NONE are not always NONE.
                            if t < live || rng.gen_range(0..4) == 0 {
                                let k = if rng.gen_range(0..8) == 0 {
                                    NONE
                                } else {
                                    rng.gen_range(0..span) as u8
                                };
                                let c = if rng.gen_range(0..16) == 0 {
                                    rng.r#gen::<u8>()
                                } else {
                                    rng.gen_range(0..4)
                                };
                                *slot = [k, c];
                            }
                        }
                        l
                    })
                    .collect()
            };
            let a = links(na, &mut rng);
            let b = links(nb, &mut rng);
            let np = rng.gen_range(0..40usize);
            let pairs: Vec<(u16, u16, f32)> = (0..np)
                .map(|_| {
                    let mut index = |n: usize| {
                        if rng.gen_range(0..10) == 0 {
                            rng.gen_range(0..400u16)
                        } else {
                            rng.gen_range(0..=n as u16)
                        }
                    };
                    (index(na), index(nb), 1.0)
                })
                .collect();
            assert_eq!(
                agreement(&a, &b, &pairs, &mut scratch),
                agreement_by_search(&a, &b, &pairs),
                "round {round}"
            );
        }
    }

    #[test]
    fn the_factor_only_lowers_and_needs_checks() {
        assert_eq!(factor((0, 0)), 1.0);
        assert_eq!(factor((12, 12)), 1.0);
        assert!(factor((0, 12)) < 0.6);
        // Fewer checks weigh less.
        assert!(factor((0, 3)) > factor((0, 12)));
        // A chance agreement (an impostor's 0.4) lowers a score, a genuine one (0.65) does not.
        assert!(factor((10, 25)) < 0.9);
        assert_eq!(factor((16, 25)), 1.0);
    }

    /// [`ridges_between`] as first written, with lists of runs: the definition the streaming
    /// version must reproduce.
    fn ridges_between_by_lists(
        enhanced: &Gray,
        mask: &BlockMap<bool>,
        p: (f32, f32),
        q: (f32, f32),
    ) -> Option<u32> {
        let len = (q.0 - p.0).hypot(q.1 - p.1);
        if !len.is_finite() {
            return None;
        }
        let steps = len.ceil().max(1.0) as usize;
        let mut runs: Vec<(bool, usize, usize)> = Vec::new();
        for k in 0..=steps {
            let ridge = on_ridge(enhanced, mask, p, q, k, steps)?;
            match runs.last_mut() {
                Some(last) if last.0 == ridge => last.2 = k + 1,
                _ => runs.push((ridge, k, k + 1)),
            }
        }
        let mut merged: Vec<(bool, usize, usize)> = Vec::with_capacity(runs.len());
        for run in runs {
            match merged.last_mut() {
                Some(last) if run.2 - run.1 < MIN_RUN || last.0 == run.0 => last.2 = run.2,
                _ => merged.push(run),
            }
        }
        let end = steps + 1;
        Some(
            merged
                .iter()
                .filter(|r| r.0 && r.1 >= END_GAP && r.2 + END_GAP <= end)
                .count() as u32,
        )
    }

    #[test]
    fn streaming_runs_count_what_the_lists_counted() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x1234_5678_9abc_def1);
        let mut next = move || rng.r#gen::<u64>();
        let (w, h) = (120, 100);
        // Stripes of random widths with specks: short runs of both states.
        let mut rows = Vec::new();
        while rows.len() < h {
            let ridge = rows.len() % 2 == 0;
            let width = 1 + (next() % 6) as usize;
            rows.extend(std::iter::repeat_n(ridge, width));
        }
        let g = Gray {
            width: w,
            height: h,
            data: (0..w * h)
                .map(|k| {
                    let speck = next() % 9 == 0;
                    if rows[k / w] != speck { -1.0 } else { 1.0 }
                })
                .collect(),
        };
        let mut mask = BlockMap::for_image(w, h, true);
        mask.set(3, 3, false);
        for _ in 0..2000 {
            let mut point = || {
                (
                    (next() % 1300) as f32 / 10.0 - 5.0,
                    (next() % 1100) as f32 / 10.0 - 5.0,
                )
            };
            let (p, q) = (point(), point());
            assert_eq!(
                ridges_between(&g, &mask, p, q),
                ridges_between_by_lists(&g, &mask, p, q),
                "{p:?} to {q:?}"
            );
        }
    }
}
