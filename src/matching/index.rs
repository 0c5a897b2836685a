//! Prefilter keys for 1:N search: a compact summary of a prepared template that can be
//! compared far faster than the full matcher, used only to shortlist gallery fingers.
//!
//! Owns the key layout and its similarity. Must not be used as a verification score.

use super::matcher::Prepared;

/// Compact prefilter key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Key {
    /// Number of cylinders summarised.
    pub n: u16,
}

/// Builds the prefilter key of a prepared template.
pub fn key_of(p: &Prepared) -> Key {
    Key { n: p.cylinders.len().min(u16::MAX as usize) as u16 }
}

/// Prefilter similarity (higher = more likely the same finger).
pub fn similarity(a: &Key, b: &Key) -> f32 {
    -(f32::from(a.n) - f32::from(b.n)).abs()
}
