//! 1:1 verification: the matcher's score with a second opinion from the ridge texture,
//! searched over rigid alignments where the minutiae found none (docs/matching.md, issue #14,
//! twenty-second and twenty-third passes).
//!
//! Owns the search grid verification uses, the texture statistic and its calibration, and
//! the fusion of the two tests on the matcher's score scale. Must not run over a gallery: one
//! search costs a few milliseconds, a few hundred comparisons' worth; a 1:N search may ask
//! for it on its best few candidates only.
//!
//! When both templates carry a second view (the capture read at 450 ppi, see
//! [`super::extract`]), each view is verified against its counterpart and the score is the
//! mean of the two: the views' errors differ, so a genuine pair that one reading misses the
//! other often finds, while an impostor needs both (docs/matching.md, issue #14,
//! twenty-sixth pass). The mean of two scores each at or above a threshold is at or above it,
//! and an impostor rarely reaches a threshold in both views at once, so the thresholds below
//! stay conservative for it: at 1e-3 the seven development sets' impostors reach
//! [`threshold_for`] less often with the mean than with one view.
//!
//! The fusion accepts a pair when either test accepts it at its own calibrated threshold:
//! the verification score is the larger of the matcher's score and the score the matcher
//! would need for the texture's false match rate. Two tests each at FMR `f` accept an
//! impostor with a chance of at most `2f`, which [`threshold_for`] and [`fmr_of`] account
//! for.

use super::calibration::{fmr_for_score, fmr_in, threshold_for_fmr};
use super::matcher::{Prepared, Scratch, compare_with};
use super::texture::warp::{WarpGrid, warped_agreement};
use super::texture::{RigidGrid, search_rigid};

/// The rigid alignments verification searches: turns of ±30° in 12° steps (the best kept
/// ones also 6° either way), shifts of ±168 px in 12 px steps (about one ridge period: the
/// windows absorb the rest), every fourth window first and its 64 best alignments on every
/// window; an alignment counts with at least 600 lattice points. The shifts move A's box
/// centre about B's: two impressions of different parts of a finger on a small sensor lie
/// up to about 180 px apart that way (FVC2004_DB2 106_3 / 106_4: 176 px), which ±150 px
/// missed (docs/matching.md, issue #14, twenty-seventh pass).
pub const TEXTURE_GRID: RigidGrid = RigidGrid {
    max_rot: 30.0 * std::f32::consts::PI / 180.0,
    rot_step: 12.0 * std::f32::consts::PI / 180.0,
    reach: 168.0,
    step: 12.0,
    min_points: 600,
    stride: 4,
    keep: 64,
    refine: true,
};

/// The local search around the rigid alignment (`texture::warp`): each 32 px window of A
/// searched ±16 px in 4 px steps and read where the median of its neighbours' best shifts
/// (within three windows either way, at least three of them) points (docs/matching.md,
/// twenty-fourth pass).
pub const TEXTURE_WARP: WarpGrid = WarpGrid {
    reach: 16.0,
    step: 4.0,
    radius: 3,
    min_neighbours: 3,
};

/// The agreement the texture statistic counts from: above the impostors' median.
const CENTRE: f32 = 0.35;

/// (FMR, texture statistic) points, FMR decreasing: the statistic of [`texture_statistic`]
/// over every impostor pair of the seven development sets at 500 ppi (20,112 of their 20,160
/// pairs overlap enough), fitted by [`super::calibration::fit`] (docs/matching.md,
/// twenty-seventh pass: refitted for the wider shifts and the masks that keep a print's faint
/// part).
pub const TEXTURE_TABLE: &[(f64, f32)] = &[
    (1e0, 0.0000),
    (1e-1, 2.6062),
    (1e-2, 4.4984),
    (1e-3, 6.0035),
    (1e-4, 7.5085),
    (1e-5, 9.0135),
    (1e-6, 10.5186),
    (1e-7, 12.0236),
];

/// The texture's opinion counts only at false match rates up to this. Above it the
/// texture's genuine and impostor statistics overlap more than the matcher's scores do, so a
/// weak agreement adds impostors rather than genuine pairs (docs/matching.md, twenty-third
/// pass: without the limit FVC2004_DB1's extended EER goes 3.93 → 4.65 %; 2e-3, 5e-3 and
/// 1e-2 give the seven sets the same mean FVC EER, and 5e-3 the best over the held-out
/// proxies without making a set worse by more than a genuine pair).
const TEXTURE_SPEAKS_FROM: f64 = 5e-3;

/// The smallest false match rate the texture alone can claim: beyond it the tail of the
/// table is an extrapolation only.
const TEXTURE_FLOOR: f64 = 1e-9;

/// The texture statistic of A against B: (agreement − 0.35) · √points at the most
/// significant rigid alignment of [`TEXTURE_GRID`], or from there under the local search of
/// [`TEXTURE_WARP`] when that is more significant; `None` when either print has no texture
/// or they overlap too little.
pub fn texture_statistic(a: &Prepared, b: &Prepared) -> Option<f32> {
    texture_statistic_on(a, b, &TEXTURE_GRID)
}

/// [`texture_statistic`] over another `grid` (for studies: [`TEXTURE_TABLE`] is calibrated
/// for [`TEXTURE_GRID`] only).
pub fn texture_statistic_on(a: &Prepared, b: &Prepared, grid: &RigidGrid) -> Option<f32> {
    let found = search_rigid(&a.texture, &b.texture, grid);
    if found.points < grid.min_points {
        return None;
    }
    let z = |c: f32, n: u32| (c - CENTRE) * (n as f32).sqrt();
    let rigid = z(found.agreement, found.points);
    // A distorted print agrees better window by window where its neighbours say it lies.
    let (c, n) = warped_agreement(&a.texture, &b.texture, &found, &TEXTURE_WARP);
    let warped = if n >= grid.min_points {
        z(c, n)
    } else {
        f32::NEG_INFINITY
    };
    let z = rigid.max(warped);
    z.is_finite().then_some(z)
}

/// The verification score of two prepared templates in `[0, 1]`, on the matcher's scale:
/// compare it with [`threshold_for`], not with the matcher's own thresholds.
pub fn verify(a: &Prepared, b: &Prepared) -> f32 {
    verify_with(a, b, &mut Scratch::default())
}

/// [`verify`] reusing scratch buffers.
pub fn verify_with(a: &Prepared, b: &Prepared, scratch: &mut Scratch) -> f32 {
    let score = compare_with(a, b, scratch);
    verify_given(a, b, score, scratch)
}

/// [`verify_with`] given the matcher's `score` of the two first views: the first views'
/// score with the texture's opinion, and when both carry a second view, its mean with the
/// second views' (see the module's top comment).
pub fn verify_given(a: &Prepared, b: &Prepared, score: f32, scratch: &mut Scratch) -> f32 {
    let first = second_opinion(a, b, score);
    match (a.second_view.as_deref(), b.second_view.as_deref()) {
        (Some(a2), Some(b2)) => {
            let score2 = compare_with(a2, b2, scratch);
            (first + second_opinion(a2, b2, score2)) / 2.0
        }
        _ => first,
    }
}

/// One view's verification score of A against B given the matcher's `score` of them: the
/// larger of `score` and the score at the texture statistic's false match rate, when that
/// rate is small enough for the texture to speak.
pub fn second_opinion(a: &Prepared, b: &Prepared, score: f32) -> f32 {
    // The texture cannot claim less than TEXTURE_FLOOR, so a score already past it keeps
    // its own value without a search.
    if fmr_for_score(score) <= TEXTURE_FLOOR {
        return score;
    }
    let Some(z) = texture_statistic(a, b) else {
        return score;
    };
    let fmr = fmr_in(TEXTURE_TABLE, z);
    if fmr > TEXTURE_SPEAKS_FROM {
        return score;
    }
    score.max(threshold_for_fmr(fmr.max(TEXTURE_FLOOR)))
}

/// The verification score at which a false match happens at most at rate `fmr`: each test
/// at half of it.
pub fn threshold_for(fmr: f64) -> f32 {
    threshold_for_fmr(fmr / 2.0)
}

/// The false match rate of accepting at verification score `score`: at most the sum of the
/// two tests' rates.
pub fn fmr_of(score: f32) -> f64 {
    (2.0 * fmr_for_score(score)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{fvc_prepared, fvc_prepared_views};
    use super::*;

    /// Two captures each read twice are verified view against view, and the score is the
    /// mean; with a second view on one side only, the first views decide.
    #[test]
    fn two_views_are_averaged() {
        let (a, b, c) = (
            fvc_prepared_views("FVC2004_DB2_B", "107_1"),
            fvc_prepared_views("FVC2004_DB2_B", "107_4"),
            fvc_prepared_views("FVC2004_DB2_B", "108_1"),
        );
        let mut scratch = Scratch::default();
        for (x, y) in [(&a, &b), (&a, &c)] {
            let (x2, y2) = (
                x.second_view.as_deref().expect("a second view"),
                y.second_view.as_deref().expect("a second view"),
            );
            let one = verify_with(&one_view(x), &one_view(y), &mut scratch);
            let two = verify_with(x2, y2, &mut scratch);
            assert_ne!(one, two, "the views differ");
            assert_eq!(verify_with(x, y, &mut scratch), (one + two) / 2.0);
            assert_eq!(verify_with(x, &one_view(y), &mut scratch), one);
            assert_eq!(verify_with(&one_view(x), y, &mut scratch), one);
        }
    }

    /// `p` without its second view.
    fn one_view(p: &Prepared) -> Prepared {
        Prepared {
            second_view: None,
            ..p.clone()
        }
    }

    #[test]
    fn the_texture_table_is_a_calibration_table() {
        assert!(TEXTURE_TABLE.len() >= 2);
        for w in TEXTURE_TABLE.windows(2) {
            assert!(w[0].0 > w[1].0 && w[0].1 < w[1].1, "{w:?}");
        }
    }

    #[test]
    fn verification_thresholds_are_stricter_than_either_test() {
        for f in [1e-2, 1e-3, 1e-4, 1e-5] {
            assert!(threshold_for(f) > threshold_for_fmr(f));
            let back = fmr_of(threshold_for(f));
            assert!((back.log10() - f.log10()).abs() < 1e-3, "{f} -> {back}");
        }
        assert_eq!(fmr_of(0.0), 1.0);
        assert_eq!(fmr_of(f32::NAN), 1.0);
    }

    #[test]
    fn the_second_opinion_never_lowers_the_matchers_score() {
        let (a, b, c) = (
            fvc_prepared("FVC2002_DB1_B", "101_1"),
            fvc_prepared("FVC2002_DB1_B", "101_2"),
            fvc_prepared("FVC2002_DB1_B", "102_1"),
        );
        let mut scratch = Scratch::default();
        for (x, y) in [(&a, &b), (&a, &c), (&b, &c)] {
            let s = compare_with(x, y, &mut scratch);
            assert!(verify_with(x, y, &mut scratch) >= s);
        }
        // A print without texture gets the matcher's score.
        let mut bare = b.clone();
        bare.texture = Default::default();
        assert_eq!(texture_statistic(&a, &bare), None);
        let s = compare_with(&a, &bare, &mut scratch);
        assert_eq!(second_opinion(&a, &bare, s), s);
    }

    /// FVC2004_DB2 106_1 and 106_2: the same finger, whose minutiae do not repeat (the
    /// matcher scores the pair 0), whose ridges the texture search finds in place.
    #[test]
    fn the_texture_accepts_a_pair_the_minutiae_miss() {
        let (a, b) = (
            fvc_prepared("FVC2004_DB2_B", "106_1"),
            fvc_prepared("FVC2004_DB2_B", "106_2"),
        );
        let mut scratch = Scratch::default();
        let score = compare_with(&a, &b, &mut scratch);
        assert!(score < threshold_for(1e-2), "matcher {score}");
        let v = verify_with(&a, &b, &mut scratch);
        assert!(v >= threshold_for(1e-4), "verification {v}");
        assert!(fmr_of(v) <= 1e-4);
    }

    /// FVC2004_DB2 106_3 and 106_4: the same finger pressed on two different parts of a
    /// small sensor, their boxes' centres 176 px apart where the ridges lie on each other.
    /// The search's shifts reach them, and the texture alone puts the pair below 1e-3.
    #[test]
    fn the_texture_finds_impressions_placed_far_apart() {
        let (a, b) = (
            fvc_prepared("FVC2004_DB2_B", "106_3"),
            fvc_prepared("FVC2004_DB2_B", "106_4"),
        );
        let z = texture_statistic(&a, &b).expect("overlap");
        assert!(fmr_in(TEXTURE_TABLE, z) < 1e-3, "{z}");
        let found = search_rigid(&a.texture, &b.texture, &TEXTURE_GRID);
        assert!(found.dy.abs() > 150.0, "{found:?}");
        // The same pair with the shifts cut at ±150 px stays at chance.
        let near = RigidGrid {
            reach: 150.0,
            ..TEXTURE_GRID
        };
        let z_near = texture_statistic_on(&a, &b, &near).unwrap_or(f32::NEG_INFINITY);
        assert!(fmr_in(TEXTURE_TABLE, z_near) > 1e-2, "{z_near}");
    }

    #[test]
    fn the_texture_separates_a_genuine_pair_from_an_impostor() {
        let (a, b, c) = (
            fvc_prepared("FVC2002_DB1_B", "101_1"),
            fvc_prepared("FVC2002_DB1_B", "101_2"),
            fvc_prepared("FVC2002_DB1_B", "102_1"),
        );
        let genuine = texture_statistic(&a, &b).expect("overlap");
        let impostor = texture_statistic(&a, &c).unwrap_or(f32::NEG_INFINITY);
        assert!(genuine > impostor, "{genuine} vs {impostor}");
        assert!(
            fmr_in(TEXTURE_TABLE, genuine) < 1e-3,
            "{genuine}: {}",
            fmr_in(TEXTURE_TABLE, genuine)
        );
    }
}
