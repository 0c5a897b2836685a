//! Image quality: an NFIQ 2-style 0–100 score from foreground area, orientation coherence,
//! ridge clarity, ridge-period plausibility and minutiae count/reliability, and the typed
//! "unusable" verdicts with their reasons (Spanish text for the console).
//!
//! Owns the scoring formula and the reasons. Must not change the extracted features.

use thiserror::Error;

/// Why an image cannot be used for enrolment or matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum Unusable {
    /// The bytes are not a decodable image.
    #[error("the file is not a readable image")]
    Undecodable,
    /// The image exceeds the size limits.
    #[error("the image is too large")]
    TooLarge,
    /// The declared resolution is outside 250–2000 ppi.
    #[error("unsupported resolution: {0} ppi")]
    BadResolution(u32),
    /// The image (or the fingerprint area in it) is too small to match.
    #[error("the fingerprint area is too small")]
    TooSmall,
    /// The image is uniform: no finger on the sensor.
    #[error("the image is blank")]
    Blank,
    /// The image is saturated dark (finger too wet or pressed too hard, or sensor fault).
    #[error("the image is too dark")]
    TooDark,
    /// There is texture but no ridge pattern (noise, smudge).
    #[error("no ridge pattern found")]
    NoRidges,
    /// Too few reliable minutiae were found to identify the finger.
    #[error("too few minutiae")]
    TooFewMinutiae,
}

impl Unusable {
    /// Reason in Spanish, for the officer console.
    pub fn motivo(&self) -> &'static str {
        match self {
            Self::Undecodable => "el archivo no es una imagen legible",
            Self::TooLarge => "la imagen es demasiado grande",
            Self::BadResolution(_) => "resolución no admitida (use 250–2000 ppp)",
            Self::TooSmall => "el área de la huella es demasiado pequeña",
            Self::Blank => "imagen en blanco: no hay dedo en el lector",
            Self::TooDark => "imagen demasiado oscura: seque el dedo o presione menos",
            Self::NoRidges => "no se distinguen crestas: limpie el lector y repita",
            Self::TooFewMinutiae => "muy pocas minucias: repita la captura",
        }
    }
}

/// The measurements behind a quality score (all in `[0, 1]` except where noted).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct QualityFeatures {
    /// Foreground area in square millimetres.
    pub area_mm2: f32,
    /// Mean orientation coherence over the foreground.
    pub coherence: f32,
    /// Mean normalised autocorrelation at the ridge period (ridge clarity).
    pub clarity: f32,
    /// Fraction of foreground blocks with a clean, plausible ridge period.
    pub period_valid: f32,
    /// Number of minutiae kept.
    pub minutiae: usize,
    /// Mean minutia reliability.
    pub minutia_reliability: f32,
}

/// Quality score with its features.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Quality {
    /// Overall score 0–100 (higher is better; below ~20 expect failures to match).
    pub score: u8,
    /// The measurements the score was computed from.
    pub features: QualityFeatures,
}

/// Smallest usable foreground area in mm² (roughly 7 × 7 mm).
pub const MIN_AREA_MM2: f32 = 50.0;
/// Fewest minutiae for a usable template.
pub const MIN_MINUTIAE: usize = 8;

/// Combines features into a 0–100 score.
pub fn score(f: &QualityFeatures) -> Quality {
    let ramp = |v: f32, lo: f32, hi: f32| ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
    let area = ramp(f.area_mm2, MIN_AREA_MM2, 180.0);
    let coh = ramp(f.coherence, 0.25, 0.7);
    let clar = ramp(f.clarity, 0.2, 0.6);
    let per = ramp(f.period_valid, 0.3, 0.9);
    let mcount = ramp(f.minutiae as f32, MIN_MINUTIAE as f32, 35.0);
    let mrel = ramp(f.minutia_reliability, 0.3, 0.7);
    let s = 0.2 * area + 0.2 * coh + 0.2 * clar + 0.1 * per + 0.2 * mcount + 0.1 * mrel;
    Quality {
        score: (100.0 * s).round().clamp(0.0, 100.0) as u8,
        features: *f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn better_features_score_higher() {
        let bad = QualityFeatures {
            area_mm2: 60.0,
            coherence: 0.3,
            clarity: 0.25,
            period_valid: 0.4,
            minutiae: 10,
            minutia_reliability: 0.3,
        };
        let good = QualityFeatures {
            area_mm2: 200.0,
            coherence: 0.8,
            clarity: 0.7,
            period_valid: 0.95,
            minutiae: 45,
            minutia_reliability: 0.8,
        };
        assert!(score(&good).score > score(&bad).score);
        assert_eq!(score(&good).score, 100);
    }

    #[test]
    fn every_reason_has_spanish_text() {
        for u in [
            Unusable::Undecodable,
            Unusable::TooLarge,
            Unusable::BadResolution(1),
            Unusable::TooSmall,
            Unusable::Blank,
            Unusable::TooDark,
            Unusable::NoRidges,
            Unusable::TooFewMinutiae,
        ] {
            assert!(!u.motivo().is_empty());
            assert!(!u.to_string().is_empty());
        }
    }
}
