//! The scrypt work factor used to seal credential files.
//!
//! age times the local machine to choose a work factor when none is set; a file sealed on a
//! fast machine can then be refused on a slow one. We always set it explicitly.

/// scrypt cost as `log2(N)`; memory is about `128 * 8 * 2^log_n` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfCost(u8);

impl KdfCost {
    /// Production cost: 2^17 (128 MiB, roughly half a second on an office PC).
    pub const DEFAULT: KdfCost = KdfCost(17);
    /// Smallest cost accepted when sealing (for tests and throwaway demo stations).
    pub const MIN: u8 = 10;
    /// Largest cost accepted when sealing or opening (bounds memory and time on open).
    pub const MAX: u8 = 20;

    /// A cost clamped to `MIN..=MAX`.
    pub fn new(log_n: u8) -> Self {
        KdfCost(log_n.clamp(Self::MIN, Self::MAX))
    }

    /// The cost as `log2(N)`.
    pub fn log_n(self) -> u8 {
        self.0
    }
}

impl Default for KdfCost {
    fn default() -> Self {
        Self::DEFAULT
    }
}
