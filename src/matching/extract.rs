//! The extraction pipeline: decode → 500 ppi → normalise → orientation → mask → period →
//! enhancement → minutiae → quality → template.
//!
//! Owns the order of the steps and the unusable-image checks. Must not compare templates.

use super::frequency;
use super::minutiae::{self, Minutia};
use super::orientation;
use super::quality::{self, MIN_AREA_MM2, MIN_MINUTIAE, Quality, QualityFeatures, Unusable};
use super::raster::{self, Gray, WORK_PPI};
use super::segmentation::{self, BLOCK};
use super::template::{StoredMinutia, Template};

/// Everything extraction produces for one image.
#[derive(Clone, Debug)]
pub struct Extraction {
    /// The template to store or match.
    pub template: Template,
    /// Quality score and its features.
    pub quality: Quality,
    /// Minutiae at full precision (500 ppi pixels).
    pub minutiae: Vec<Minutia>,
}

/// Extracts a template from encoded image bytes (PNG, TIFF) captured at `ppi`.
pub fn extract(bytes: &[u8], ppi: u32) -> Result<Extraction, Unusable> {
    let img = raster::decode(bytes)?;
    extract_gray(&img, ppi)
}

/// Extracts a template from a decoded grey image captured at `ppi`.
pub fn extract_gray(img: &Gray, ppi: u32) -> Result<Extraction, Unusable> {
    let img = raster::to_work_resolution(img, ppi)?;
    let (w, h) = (img.width, img.height);
    let n = img.data.len().max(1) as f32;
    let mean = img.data.iter().sum::<f32>() / n;
    let var = img.data.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
    let dark = img.data.iter().filter(|&&v| v < 20.0).count() as f32 / n;
    if var.sqrt() < 3.0 {
        return Err(if mean < 60.0 { Unusable::TooDark } else { Unusable::Blank });
    }
    if dark > 0.7 {
        return Err(Unusable::TooDark);
    }
    let (bmean, bstd) = segmentation::block_stats(&img, 8);
    let norm = segmentation::normalise(&img, &bmean, &bstd);
    let orient = orientation::estimate(&norm);
    let (_, bstd_wide) = segmentation::block_stats(&img, 12);
    let mask = segmentation::foreground(&bstd_wide, &orient.coherence);
    let fg_blocks = mask.data.iter().filter(|&&m| m).count();
    let mm_per_px = 25.4 / WORK_PPI;
    let area_mm2 = fg_blocks as f32 * (BLOCK as f32 * mm_per_px).powi(2);
    if fg_blocks == 0 {
        return Err(Unusable::NoRidges);
    }
    let mut coh = 0.0;
    for (m, c) in mask.data.iter().zip(&orient.coherence.data) {
        if *m {
            coh += c;
        }
    }
    coh /= fg_blocks as f32;
    let period = frequency::estimate(&norm, &orient, &mask);
    if period.valid_fraction < 0.15 || coh < 0.2 {
        return Err(Unusable::NoRidges);
    }
    if area_mm2 < MIN_AREA_MM2 {
        return Err(Unusable::TooSmall);
    }
    let enhanced = super::enhance::enhance(&norm, &orient, &period, &mask);
    let minutiae = minutiae::detect(&enhanced, &mask, &orient, period.median);
    let rel = if minutiae.is_empty() {
        0.0
    } else {
        minutiae.iter().map(|m| m.reliability).sum::<f32>() / minutiae.len() as f32
    };
    let features = QualityFeatures {
        area_mm2,
        coherence: coh,
        clarity: period.clarity,
        period_valid: period.valid_fraction,
        minutiae: minutiae.len(),
        minutia_reliability: rel,
    };
    if minutiae.len() < MIN_MINUTIAE {
        return Err(Unusable::TooFewMinutiae);
    }
    let quality = quality::score(&features);
    let template = Template {
        width: w.min(16383) as u16,
        height: h.min(16383) as u16,
        quality: quality.score,
        minutiae: minutiae.iter().map(StoredMinutia::from_minutia).collect(),
    };
    Ok(Extraction { template, quality, minutiae })
}
