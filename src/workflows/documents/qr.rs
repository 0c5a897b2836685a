//! The QR code of a document: the signed token as a module matrix the page writer draws as
//! filled squares (vector, sharp at any print resolution). Owns the error-correction choice;
//! it must not know what the token says.

use qrcode::{EcLevel, QrCode};

/// A QR code as dark/light modules, row by row from the top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side.
    pub width: usize,
    /// `width * width` modules, `true` = dark.
    pub dark: Vec<bool>,
}

/// Why a QR code could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// The data does not fit in the largest QR code.
    #[error("the data does not fit in a QR code")]
    TooLong,
}

impl QrMatrix {
    /// Encodes `data` at error-correction level M (15 %: survives a fold or a stain on a
    /// printed receipt while keeping a few-hundred-byte token under version 20).
    pub fn encode(data: &str) -> Result<Self, QrError> {
        let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
            .map_err(|_| QrError::TooLong)?;
        Ok(QrMatrix {
            width: code.width(),
            dark: code
                .to_colors()
                .iter()
                .map(|c| *c == qrcode::Color::Dark)
                .collect(),
        })
    }

    /// Whether the module at column `x`, row `y` is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_sized_payload_fits_and_has_finder_corners() {
        let m = QrMatrix::encode(&"A".repeat(700)).expect("fits");
        assert!(m.width >= 21 && m.width <= 177);
        assert!(m.is_dark(0, 0) && m.is_dark(m.width - 1, 0) && m.is_dark(0, m.width - 1));
        assert_eq!(QrMatrix::encode(&"A".repeat(5000)), Err(QrError::TooLong));
    }
}
