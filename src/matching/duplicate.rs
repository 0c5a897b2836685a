//! The 1:N duplicate decision: whether a gallery person found by [`Gallery::search`] is
//! flagged as a possible duplicate of the person being enrolled, and how strongly.
//!
//! A candidate's fused evidence `E` is the sum over the probe's fingers of −log10 FMR of
//! each finger's best score. For an unrelated person each term is, by the calibration,
//! exponentially distributed (P(term ≥ e) = 10^−e), so the chance that `k` fingers of an
//! unrelated person sum to `E` or more is the Gamma tail 10^−E · Σ_{i<k} (E ln 10)^i / i!.
//! A search over `N` gallery people then raises a false alarm with probability ≈ N times
//! that (FPIR ≈ N × FMR): the decision is taken on that search-level false-alarm chance, so
//! the threshold tightens as the gallery grows.
//!
//! Owns the decision rule and the strength levels. Must not search (see `identify`), nor
//! word the levels for people (the console's language layer does).
//!
//! [`Gallery::search`]: super::identify::Gallery::search

use super::identify::Candidate;

/// Largest search-level false-alarm chance at which a candidate is still flagged (one
/// enrolment in a thousand shows an unrelated person to the supervisor).
pub const FLAG_FALSE_ALARM: f64 = 1e-3;
/// Largest false-alarm chance of a [`HitStrength::Probable`] hit.
pub const PROBABLE_FALSE_ALARM: f64 = 1e-5;
/// Largest false-alarm chance of a [`HitStrength::VeryProbable`] hit.
pub const VERY_PROBABLE_FALSE_ALARM: f64 = 1e-8;

/// How strongly a flagged person's fingers say "the same person", for the supervisor
/// (ordered: `Possible` < `Probable` < `VeryProbable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HitStrength {
    /// Unrelated people reach this in about one search in a thousand or less.
    Possible,
    /// One search in 100,000 or less.
    Probable,
    /// One search in 100,000,000 or less: practically certain.
    VeryProbable,
}

/// The decision on one candidate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DuplicateDecision {
    /// Strength of the hit.
    pub strength: HitStrength,
    /// Estimated chance that a search of this gallery shows an unrelated person this strong.
    pub false_alarm: f64,
}

/// Chance that `fingers` fingers of an unrelated person reach fused evidence `evidence`
/// or more (the Gamma tail above; 1 for no evidence).
pub fn unrelated_chance(evidence: f64, fingers: usize) -> f64 {
    if evidence.is_nan() || evidence <= 0.0 {
        return 1.0;
    }
    if !evidence.is_finite() {
        return 0.0;
    }
    let x = evidence * std::f64::consts::LN_10;
    // Σ_{i<k} x^i / i!, computed in log space term by term to stay finite for large x.
    let mut sum = 0.0f64;
    let mut log_term = 0.0f64;
    for i in 0..fingers.max(1) {
        if i > 0 {
            log_term += x.ln() - (i as f64).ln();
        }
        sum += (log_term - x).exp();
    }
    sum.clamp(0.0, 1.0)
}

/// Decides on a candidate found with `probe_fingers` probe fingers in a gallery of
/// `gallery_people` people: `None` when it is not a duplicate worth showing.
pub fn judge(
    candidate: &Candidate,
    probe_fingers: usize,
    gallery_people: usize,
) -> Option<DuplicateDecision> {
    let false_alarm = gallery_people.max(1) as f64
        * unrelated_chance(
            candidate.evidence,
            probe_fingers.max(candidate.fingers.len()),
        );
    let strength = if false_alarm <= VERY_PROBABLE_FALSE_ALARM {
        HitStrength::VeryProbable
    } else if false_alarm <= PROBABLE_FALSE_ALARM {
        HitStrength::Probable
    } else if false_alarm <= FLAG_FALSE_ALARM {
        HitStrength::Possible
    } else {
        return None;
    };
    Some(DuplicateDecision {
        strength,
        false_alarm,
    })
}

#[cfg(test)]
mod tests {
    use super::super::calibration::threshold_for_fmr;
    use super::*;

    fn candidate(scores: &[f32]) -> Candidate {
        Candidate {
            person: "p".into(),
            evidence: scores
                .iter()
                .map(|&s| -super::super::calibration::fmr_for_score(s).log10())
                .sum(),
            best_score: scores.iter().copied().fold(0.0, f32::max),
            fingers: scores.iter().map(|&s| (0, 1, s)).collect(),
        }
    }

    #[test]
    fn one_finger_chance_is_its_fmr() {
        assert!((unrelated_chance(3.0, 1) - 1e-3).abs() < 1e-9);
        assert_eq!(unrelated_chance(0.0, 10), 1.0);
        assert_eq!(unrelated_chance(f64::INFINITY, 10), 0.0);
    }

    #[test]
    fn more_fingers_need_more_evidence() {
        // Each unrelated finger adds 1 / ln 10 ≈ 0.43 on average: ten fingers reach E = 4
        // about half the time, one finger practically never.
        let ten = unrelated_chance(4.0, 10);
        assert!(ten > 0.3, "{ten}");
        assert!(unrelated_chance(4.0, 1) < 1e-3);
        assert!(unrelated_chance(10.0, 10) < unrelated_chance(4.0, 10));
        // The tail stays finite and ordered for very large evidence.
        let (a, b) = (unrelated_chance(200.0, 10), unrelated_chance(100.0, 10));
        assert!(a >= 0.0 && a < b && b < 1e-80, "{a} {b}");
    }

    #[test]
    fn the_threshold_grows_with_the_gallery() {
        // One probe finger at FMR 1e-5: flagged in a small gallery only.
        let c = candidate(&[threshold_for_fmr(1e-5)]);
        assert!(judge(&c, 1, 10).is_some());
        assert_eq!(judge(&c, 1, 100_000), None);
        // The same finger among ten probe fingers that found nothing is weak evidence.
        assert_eq!(judge(&c, 10, 10), None);
    }

    #[test]
    fn strength_follows_the_false_alarm_chance() {
        let weak = candidate(&[0.0; 10]);
        assert_eq!(judge(&weak, 10, 200), None);
        let same = candidate(&[threshold_for_fmr(1e-6); 10]);
        let d = judge(&same, 10, 100_000).expect("flagged");
        assert_eq!(d.strength, HitStrength::VeryProbable);
        assert!(d.false_alarm < VERY_PROBABLE_FALSE_ALARM);
        let two = candidate(&[threshold_for_fmr(1e-4), threshold_for_fmr(1e-4)]);
        let d = judge(&two, 2, 200).expect("flagged");
        assert_eq!(d.strength, HitStrength::Possible, "{d:?}");
        assert!(HitStrength::Possible < HitStrength::VeryProbable);
    }
}
