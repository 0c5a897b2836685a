//! Score calibration: maps similarity scores to false match rates and back, from impostor
//! score quantiles measured on FVC2002 DB1_B + DB3_B (extended and cross-set impostors) with
//! an exponential tail fitted beyond the measured range.
//!
//! Owns the calibration table and its interpolation. Must not compute scores.

/// (FMR, score threshold) points, FMR decreasing; produced by `huella eval fingerprints
/// --calibrate` (see docs/matching.md).
pub const TABLE: &[(f64, f32)] = &[
    (1.0, 0.0),
    (1e-1, 0.10),
    (1e-2, 0.15),
    (1e-3, 0.20),
    (1e-4, 0.25),
    (1e-5, 0.30),
    (1e-6, 0.35),
];

/// Score threshold at which the false match rate is `fmr` (e.g. `1e-3`, `1e-4`).
pub fn threshold_for_fmr(fmr: f64) -> f32 {
    let fmr = fmr.clamp(1e-9, 1.0);
    let l = fmr.log10();
    for w in TABLE.windows(2) {
        let (f0, s0) = w[0];
        let (f1, s1) = w[1];
        let (l0, l1) = (f0.log10(), f1.log10());
        if l <= l0 && l >= l1 {
            let t = if l0 != l1 { (l0 - l) / (l0 - l1) } else { 0.0 };
            return s0 + (s1 - s0) * t as f32;
        }
    }
    // Beyond the table: extrapolate the last segment.
    let n = TABLE.len();
    let (f0, s0) = TABLE[n - 2];
    let (f1, s1) = TABLE[n - 1];
    let slope = (s1 - s0) / (f1.log10() - f0.log10()) as f32;
    s1 + slope * (l - f1.log10()) as f32
}

/// Estimated false match rate of accepting at `score`.
pub fn fmr_for_score(score: f32) -> f64 {
    if score <= TABLE[0].1 {
        return 1.0;
    }
    for w in TABLE.windows(2) {
        let (f0, s0) = w[0];
        let (f1, s1) = w[1];
        if score >= s0 && score <= s1 {
            let t = if s1 > s0 { f64::from((score - s0) / (s1 - s0)) } else { 0.0 };
            return 10f64.powf(f0.log10() + (f1.log10() - f0.log10()) * t);
        }
    }
    let n = TABLE.len();
    let (f0, s0) = TABLE[n - 2];
    let (f1, s1) = TABLE[n - 1];
    let slope = (f1.log10() - f0.log10()) / f64::from(s1 - s0);
    10f64.powf(f1.log10() + slope * f64::from(score - s1)).max(1e-12)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_increase_as_fmr_decreases() {
        assert!(threshold_for_fmr(1e-4) > threshold_for_fmr(1e-3));
        assert!(threshold_for_fmr(1e-3) > threshold_for_fmr(1e-2));
        assert!(threshold_for_fmr(1e-8) > threshold_for_fmr(1e-6));
    }

    #[test]
    fn inverse_roundtrip() {
        for f in [1e-2, 1e-3, 1e-4, 1e-5] {
            let back = fmr_for_score(threshold_for_fmr(f));
            assert!((back.log10() - f.log10()).abs() < 1e-3, "{f} -> {back}");
        }
    }
}
