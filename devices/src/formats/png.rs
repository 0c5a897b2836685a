//! 8-bit grayscale PNG reading and crash-safe writing (temp file in the same directory,
//! then rename, so no partial file is ever visible). Must not talk to devices.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::api::FingerImage;

/// Why an image file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ImageFileError {
    /// Filesystem error.
    #[error("error de archivo")]
    Io(#[source] std::io::Error),
    /// The PNG could not be decoded.
    #[error("PNG ilegible")]
    Decode(#[source] ::png::DecodingError),
    /// The PNG could not be encoded.
    #[error("no se pudo codificar el PNG")]
    Encode(#[source] ::png::EncodingError),
    /// The pixel buffer does not match width × height.
    #[error("tamaño de imagen inconsistente")]
    BadDimensions,
    /// A folder held no PNG files.
    #[error("la carpeta no contiene imágenes PNG")]
    Empty,
}

/// Encodes 8-bit grayscale pixels as PNG bytes.
pub fn encode_gray_png(width: u32, height: u32, pixels: &[u8]) -> Result<Vec<u8>, ImageFileError> {
    if pixels.len() as u64 != u64::from(width) * u64::from(height) {
        return Err(ImageFileError::BadDimensions);
    }
    let mut out = Vec::new();
    {
        let mut enc = ::png::Encoder::new(&mut out, width, height);
        enc.set_color(::png::ColorType::Grayscale);
        enc.set_depth(::png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(ImageFileError::Encode)?;
        w.write_image_data(pixels).map_err(ImageFileError::Encode)?;
        w.finish().map_err(ImageFileError::Encode)?;
    }
    Ok(out)
}

/// Writes `image` to `path` atomically: a temp file in the same directory, fsync, rename.
pub fn write_png_atomic(path: &Path, image: &FingerImage) -> Result<(), ImageFileError> {
    let bytes = encode_gray_png(
        u32::from(image.width),
        u32::from(image.height),
        &image.pixels,
    )?;
    write_atomic(path, &bytes).map_err(ImageFileError::Io)
}

/// Writes bytes to `path` through a temp file in the same directory and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = BufWriter::new(File::create(&tmp)?);
        f.write_all(bytes)?;
        f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Reads a PNG of any color type as 8-bit grayscale: (width, height, pixels).
pub fn read_gray_png(path: &Path) -> Result<(usize, usize, Vec<u8>), ImageFileError> {
    let file = File::open(path).map_err(ImageFileError::Io)?;
    let mut dec = ::png::Decoder::new(BufReader::new(file));
    dec.set_transformations(::png::Transformations::EXPAND | ::png::Transformations::STRIP_16);
    let mut reader = dec.read_info().map_err(ImageFileError::Decode)?;
    let size = reader
        .output_buffer_size()
        .ok_or(ImageFileError::BadDimensions)?;
    let mut buf = vec![0u8; size];
    let info = reader
        .next_frame(&mut buf)
        .map_err(ImageFileError::Decode)?;
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = match info.color_type {
        ::png::ColorType::Grayscale => 1,
        ::png::ColorType::GrayscaleAlpha => 2,
        ::png::ColorType::Rgb => 3,
        ::png::ColorType::Rgba => 4,
        ::png::ColorType::Indexed => return Err(ImageFileError::BadDimensions),
    };
    let mut gray = Vec::with_capacity(w * h);
    for y in 0..h {
        let row = buf
            .get(y * info.line_size..(y + 1) * info.line_size)
            .ok_or(ImageFileError::BadDimensions)?;
        for px in row.chunks(channels).take(w) {
            let v = match px {
                [g] | [g, _] => u32::from(*g),
                [r, g, b] | [r, g, b, _] => {
                    (u32::from(*r) * 299 + u32::from(*g) * 587 + u32::from(*b) * 114) / 1000
                }
                _ => 255,
            };
            gray.push(v as u8);
        }
    }
    Ok((w, h, gray))
}

/// Centre-crops or pads (with white) an image to `tw × th`.
pub fn fit_to(w: usize, h: usize, px: &[u8], tw: usize, th: usize) -> Vec<u8> {
    let mut out = vec![255u8; tw * th];
    let (ox, oy) = (w as isize - tw as isize, h as isize - th as isize);
    for y in 0..th {
        for x in 0..tw {
            let sx = x as isize + ox / 2;
            let sy = y as isize + oy / 2;
            if sx >= 0
                && sy >= 0
                && (sx as usize) < w
                && (sy as usize) < h
                && let (Some(d), Some(s)) = (
                    out.get_mut(y * tw + x),
                    px.get(sy as usize * w + sx as usize),
                )
            {
                *d = *s;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trip_and_atomic_write() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("f.png");
        let img = FingerImage {
            width: 4,
            height: 3,
            dpi: 500,
            pixels: (0..12).map(|v| v * 20).collect(),
        };
        write_png_atomic(&path, &img)?;
        let (w, h, px) = read_gray_png(&path)?;
        assert_eq!((w, h, px), (4, 3, img.pixels.clone()));
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 1);
        assert_eq!(fit_to(4, 3, &img.pixels, 2, 1), vec![100, 120]);
        Ok(())
    }
}
