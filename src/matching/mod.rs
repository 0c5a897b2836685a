//! Fingerprint matching in pure Rust: image handling at any resolution, quality, minutiae
//! extraction, templates (own compact format and ISO/IEC 19794-2:2005), 1:1 comparison with
//! FMR-calibrated thresholds, 1:N identification and the FVC evaluation.
//!
//! Owns everything between "image bytes + ppi" and "scores / ranked candidates". Must not do
//! I/O beyond reading the evaluation folder, talk to devices, store people or print; it has no
//! dependency on the rest of the crate (only `super::` paths) so it builds stand-alone.
//!
//! ```no_run
//! # fn demo(png: &[u8], other: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! use huella::matching::{compare, extract, prepare, threshold_for_fmr};
//! let a = extract(png, 500)?;
//! let b = extract(other, 500)?;
//! let score = compare(&prepare(&a.template), &prepare(&b.template));
//! let same_finger = score >= threshold_for_fmr(1e-4);
//! # let _ = same_finger; Ok(()) }
//! ```

pub mod calibration;
pub mod duplicate;
pub mod enhance;
pub mod eval;
pub mod extract;
pub mod frequency;
pub mod grid_phase;
pub mod identify;
pub mod index;
pub mod iso19794;
pub mod matcher;
pub mod minutiae;
pub mod noise;
pub mod orientation;
pub mod quality;
pub mod raster;
pub mod ridge_count;
pub mod ridge_flow;
pub mod segmentation;
pub mod template;
pub mod texture;
pub mod verify;

#[cfg(test)]
pub(crate) mod test_support;

pub use calibration::{fmr_for_score, threshold_for_fmr};
pub use duplicate::{DuplicateDecision, HitStrength};
pub use extract::{Extraction, extract, extract_gray, extract_in_turn};
pub use identify::{Candidate, Finger, Gallery, SearchOptions};
pub use matcher::{Prepared, compare, prepare, prepare_for_verification};
pub use quality::{Quality, Unusable};
pub use template::{Template, TemplateError};
pub use verify::verify;
