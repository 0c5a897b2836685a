//! ZFM image packing: two 4-bit pixels per byte on the UART (high nibble = left pixel),
//! expanded to 8 bits with `v * 17`. Pure functions; must not do I/O.

use crate::error::FramingError;

/// Scanner image width in pixels (ZFM-20 / R30x / AS608).
pub const WIDTH: usize = 256;
/// Scanner image height in pixels.
pub const HEIGHT: usize = 288;
/// Bytes of one packed image on the UART.
pub const PACKED_LEN: usize = WIDTH * HEIGHT / 2;

/// Expands packed 4-bit pixels to 8-bit; the length must be exactly `pixels / 2`.
pub fn unpack(packed: &[u8], pixels: usize) -> Result<Vec<u8>, FramingError> {
    if packed.len() * 2 != pixels {
        return Err(FramingError::BadImage);
    }
    Ok(packed
        .iter()
        .flat_map(|b| [(b >> 4) * 17, (b & 0x0F) * 17])
        .collect())
}

/// Packs 8-bit pixels into 4-bit pairs keeping the upper nibble (an odd trailing pixel is padded).
pub fn pack(pixels: &[u8]) -> Vec<u8> {
    pixels
        .chunks(2)
        .map(|pair| {
            let hi = pair.first().copied().unwrap_or(0) >> 4;
            let lo = pair.get(1).copied().unwrap_or(0) >> 4;
            hi << 4 | lo
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nibble_order_is_left_high() {
        assert_eq!(unpack(&[0xF0], 2), Ok(vec![255, 0]));
        assert_eq!(pack(&[255, 0x10]), vec![0xF1]);
        assert_eq!(unpack(&[1, 2, 3], 4), Err(FramingError::BadImage));
    }

    proptest! {
        #[test]
        fn pack_unpack_round_trip(packed in proptest::collection::vec(any::<u8>(), 0..200)) {
            let px = unpack(&packed, packed.len() * 2);
            prop_assert_eq!(px.map(|p| pack(&p)), Ok(packed));
        }
    }
}
