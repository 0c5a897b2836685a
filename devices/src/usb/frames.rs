//! Webcam frame formats to RGB: packed YUYV 4:2:2 (ITU-R BT.601, limited range, what UVC
//! cameras send uncompressed) and MJPEG (JPEG frames that often omit their Huffman tables),
//! and RGB to the JPEG the photo step takes. Pure functions; must not touch a device.

/// Why a frame could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The buffer is shorter than `width × height` needs, or a size is zero or odd where
    /// the format needs it even.
    #[error("marco de {got} bytes, se esperaban {want} para {width}×{height}")]
    Size {
        /// Frame width.
        width: u32,
        /// Frame height.
        height: u32,
        /// Bytes needed.
        want: usize,
        /// Bytes received.
        got: usize,
    },
    /// The MJPEG frame does not decode.
    #[error("marco MJPEG ilegible: {0}")]
    Jpeg(String),
    /// The RGB image could not be encoded as JPEG.
    #[error("no se pudo codificar la foto: {0}")]
    Encode(String),
}

/// An 8-bit RGB image, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgb {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 3` bytes.
    pub pixels: Vec<u8>,
}

/// Largest frame side accepted (4K UVC cameras are 3840 wide).
const MAX_SIDE: u32 = 8192;

fn clamp8(v: i32) -> u8 {
    v.clamp(0, 255) as u8
}

/// BT.601 limited-range YCbCr to RGB in integer arithmetic (the usual 8.8 fixed point).
fn ycbcr_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let c = 298 * (i32::from(y) - 16);
    let d = i32::from(cb) - 128;
    let e = i32::from(cr) - 128;
    [
        clamp8((c + 409 * e + 128) >> 8),
        clamp8((c - 100 * d - 208 * e + 128) >> 8),
        clamp8((c + 516 * d + 128) >> 8),
    ]
}

/// Converts a packed YUYV (Y0 Cb Y1 Cr per pixel pair) frame to RGB. `width` must be even;
/// bytes beyond `width × height × 2` (driver padding) are ignored.
pub fn yuyv_to_rgb(frame: &[u8], width: u32, height: u32) -> Result<Rgb, FrameError> {
    let want = (width as usize) * (height as usize) * 2;
    if width == 0
        || height == 0
        || !width.is_multiple_of(2)
        || width > MAX_SIDE
        || height > MAX_SIDE
        || frame.len() < want
    {
        return Err(FrameError::Size {
            width,
            height,
            want,
            got: frame.len(),
        });
    }
    let mut pixels = Vec::with_capacity(want / 2 * 3);
    for q in frame[..want].chunks_exact(4) {
        pixels.extend_from_slice(&ycbcr_to_rgb(q[0], q[1], q[3]));
        pixels.extend_from_slice(&ycbcr_to_rgb(q[2], q[1], q[3]));
    }
    Ok(Rgb {
        width,
        height,
        pixels,
    })
}

/// An APP0 "AVI1" segment: tells the decoder that missing Huffman tables are the standard
/// ones (JPEG Annex K.3), as Motion-JPEG (AVI, UVC) frames assume.
const AVI1_APP0: [u8; 18] = [
    0xFF, 0xE0, 0x00, 0x10, b'A', b'V', b'I', b'1', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

/// Decodes an MJPEG frame to RGB, supplying the standard Huffman tables when the frame
/// carries none.
pub fn mjpeg_to_rgb(frame: &[u8]) -> Result<Rgb, FrameError> {
    if frame.len() < 4 || frame[..2] != [0xFF, 0xD8] {
        return Err(FrameError::Jpeg("sin marcador SOI".into()));
    }
    let mut jpeg = Vec::with_capacity(frame.len() + AVI1_APP0.len());
    jpeg.extend_from_slice(&frame[..2]);
    jpeg.extend_from_slice(&AVI1_APP0);
    jpeg.extend_from_slice(&frame[2..]);
    let options = zune_jpeg::zune_core::options::DecoderOptions::default()
        .jpeg_set_out_colorspace(zune_jpeg::zune_core::colorspace::ColorSpace::RGB)
        .set_max_width(MAX_SIDE as usize)
        .set_max_height(MAX_SIDE as usize);
    let mut dec =
        zune_jpeg::JpegDecoder::new_with_options(std::io::Cursor::new(&jpeg[..]), options);
    let pixels = dec.decode().map_err(|e| FrameError::Jpeg(e.to_string()))?;
    let (w, h) = dec
        .dimensions()
        .ok_or_else(|| FrameError::Jpeg("sin dimensiones".into()))?;
    let want = w * h * 3;
    if pixels.len() < want {
        return Err(FrameError::Size {
            width: w as u32,
            height: h as u32,
            want,
            got: pixels.len(),
        });
    }
    Ok(Rgb {
        width: w as u32,
        height: h as u32,
        pixels: pixels[..want].to_vec(),
    })
}

/// Encodes RGB as the baseline JPEG (quality 90) the photo step and the record store take.
pub fn rgb_to_jpeg(rgb: &Rgb) -> Result<Vec<u8>, FrameError> {
    let (Ok(w), Ok(h)) = (u16::try_from(rgb.width), u16::try_from(rgb.height)) else {
        return Err(FrameError::Encode("imagen demasiado grande".into()));
    };
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 90)
        .encode(&rgb.pixels, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| FrameError::Encode(e.to_string()))?;
    Ok(out)
}
