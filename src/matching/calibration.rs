//! Score calibration: maps similarity scores to false match rates and back, from impostor
//! score quantiles measured on the seven FVC development sets (within-set and cross-set
//! impostors) with an exponential tail fitted beyond the measured range.
//!
//! Owns the calibration table and its interpolation. Must not compute scores.

/// (FMR, score threshold) points, FMR decreasing; produced by `huella eval calibrate` over
/// the seven development sets, 141,120 impostor scores (see docs/matching.md).
pub const TABLE: &[(f64, f32)] = &[
    (1e0, 0.0000),
    (1e-1, 0.0059),
    (1e-2, 0.0135),
    (1e-3, 0.0227),
    (1e-4, 0.0319),
    (1e-5, 0.0411),
    (1e-6, 0.0503),
    (1e-7, 0.0594),
];

/// Score threshold at which the false match rate is `fmr` (e.g. `1e-3`, `1e-4`).
pub fn threshold_for_fmr(fmr: f64) -> f32 {
    threshold_in(TABLE, fmr)
}

/// Estimated false match rate of accepting at `score`.
pub fn fmr_for_score(score: f32) -> f64 {
    fmr_in(TABLE, score)
}

/// The value of a calibration `table` (at least two points, FMR decreasing, values
/// increasing) at which the false match rate is `fmr`, extrapolating its last segment.
pub fn threshold_in(table: &[(f64, f32)], fmr: f64) -> f32 {
    let fmr = fmr.clamp(1e-9, 1.0);
    let l = fmr.log10();
    for w in table.windows(2) {
        let (f0, s0) = w[0];
        let (f1, s1) = w[1];
        let (l0, l1) = (f0.log10(), f1.log10());
        if l <= l0 && l >= l1 {
            let t = if l0 != l1 { (l0 - l) / (l0 - l1) } else { 0.0 };
            return s0 + (s1 - s0) * t as f32;
        }
    }
    let [.., (f0, s0), (f1, s1)] = *table else {
        return table.first().map_or(0.0, |e| e.1);
    };
    let slope = (s1 - s0) / (f1.log10() - f0.log10()) as f32;
    s1 + slope * (l - f1.log10()) as f32
}

/// The false match rate of accepting at `value` under a calibration `table` (as in
/// [`threshold_in`]), extrapolating its last segment, at least 1e-12.
pub fn fmr_in(table: &[(f64, f32)], value: f32) -> f64 {
    let [(_, first), ..] = *table else {
        return 1.0;
    };
    // A NaN is no evidence: it is not above the table's first value.
    if value.is_nan() || value <= first {
        return 1.0;
    }
    for w in table.windows(2) {
        let (f0, s0) = w[0];
        let (f1, s1) = w[1];
        if value >= s0 && value <= s1 {
            let t = if s1 > s0 {
                f64::from((value - s0) / (s1 - s0))
            } else {
                0.0
            };
            return 10f64.powf(f0.log10() + (f1.log10() - f0.log10()) * t);
        }
    }
    let [.., (f0, s0), (f1, s1)] = *table else {
        return 1.0;
    };
    let slope = (f1.log10() - f0.log10()) / f64::from(s1 - s0);
    10f64
        .powf(f1.log10() + slope * f64::from(value - s1))
        .max(1e-12)
}

/// FMR at which the exponential tail model takes over from empirical quantiles.
const TAIL_FROM: f64 = 1e-2;

/// Fits a calibration table to impostor scores: empirical quantiles down to FMR 1 % (where
/// at least 10 scores lie above), an exponential tail `P(S > s) = p0 · exp(-(s - s0) / β)`
/// beyond, with `β` the mean excess over the 1 % quantile (maximum-likelihood estimate).
pub fn fit(impostor: &[f32]) -> Vec<(f64, f32)> {
    let mut s: Vec<f32> = impostor.iter().copied().filter(|v| v.is_finite()).collect();
    s.sort_by(|a, b| b.total_cmp(a));
    let n = s.len();
    let mut table = vec![(1.0, 0.0f32)];
    if n < 10 {
        return table;
    }
    let quantile = |f: f64| s[((f * n as f64).floor() as usize).min(n - 1)];
    for f in [1e-1, 1e-2] {
        if f * n as f64 >= 10.0 {
            table.push((f, quantile(f)));
        }
    }
    let p0 = TAIL_FROM.max(10.0 / n as f64);
    let s0 = quantile(p0);
    let above: Vec<f32> = s.iter().copied().filter(|&v| v > s0).collect();
    let beta = if above.is_empty() {
        0.01
    } else {
        (above.iter().map(|&v| f64::from(v - s0)).sum::<f64>() / above.len() as f64).max(1e-4)
    };
    for f in [1e-3, 1e-4, 1e-5, 1e-6, 1e-7] {
        if f < p0 {
            let t = f64::from(s0) + beta * (p0 / f).ln();
            table.push((f, t as f32));
        }
    }
    // Enforce strictly increasing thresholds.
    for i in 1..table.len() {
        if table[i].1 <= table[i - 1].1 {
            table[i].1 = table[i - 1].1 + 1e-4;
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_recovers_exponential_tail() {
        // Deterministic exponential sample: quantiles of Exp(mean 0.01).
        let n = 20_000;
        let v: Vec<f32> = (0..n)
            .map(|i| (-(1.0 - (i as f64 + 0.5) / n as f64).ln() * 0.01) as f32)
            .collect();
        let t = fit(&v);
        let at = |f: f64| {
            t.iter()
                .find(|e| (e.0 - f).abs() < f * 1e-6)
                .map(|e| e.1)
                .unwrap_or(0.0)
        };
        let expect = |f: f64| (-(f.ln()) * 0.01) as f32;
        assert!((at(1e-2) - expect(1e-2)).abs() < 0.003);
        assert!(
            (at(1e-4) - expect(1e-4)).abs() < 0.01,
            "{} vs {}",
            at(1e-4),
            expect(1e-4)
        );
    }

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
