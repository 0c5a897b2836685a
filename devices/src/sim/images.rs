//! Where a simulated scanner's images come from: the synthetic generator (per person and
//! finger) or a folder of PNG files. Must not know the wire protocol.

use std::collections::HashMap;
use std::path::Path;

use super::glass::OnGlass;
use crate::formats::png::{ImageFileError, fit_to, read_gray_png};
use crate::proto::zfm::image::{HEIGHT, WIDTH};
use crate::synthetic::SyntheticFinger;

/// Source of scanner images.
pub enum ImageSource {
    /// Synthetic prints; master patterns are cached per (person, finger).
    Synthetic(HashMap<OnGlass, SyntheticFinger>),
    /// Images read from a folder, served in name order, cycling.
    Folder(Vec<Vec<u8>>),
}

impl std::fmt::Debug for ImageSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Synthetic(c) => write!(f, "Synthetic({} cached)", c.len()),
            Self::Folder(v) => write!(f, "Folder({} images)", v.len()),
        }
    }
}

impl ImageSource {
    /// The synthetic generator.
    pub fn synthetic() -> Self {
        Self::Synthetic(HashMap::new())
    }

    /// Every `*.png` in `dir` (sorted by name), fitted to 256×288 grayscale.
    pub fn folder(dir: &Path) -> Result<Self, ImageFileError> {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(ImageFileError::Io)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("png")))
            .collect();
        paths.sort();
        let mut images = Vec::with_capacity(paths.len());
        for p in paths {
            let (w, h, px) = read_gray_png(&p)?;
            images.push(fit_to(w, h, &px, WIDTH, HEIGHT));
        }
        if images.is_empty() {
            return Err(ImageFileError::Empty);
        }
        Ok(Self::Folder(images))
    }

    /// The 8-bit 256×288 image for impression `n` (1-based) of `who`.
    pub fn image(&mut self, who: OnGlass, n: u32) -> Option<Vec<u8>> {
        match self {
            Self::Synthetic(cache) => {
                if cache.len() > 32 {
                    cache.clear();
                }
                let finger = cache
                    .entry(who)
                    .or_insert_with(|| SyntheticFinger::new(who.person, who.finger));
                Some(finger.impression(n).pixels)
            }
            Self::Folder(images) => {
                let len = images.len().max(1);
                images.get((n as usize).saturating_sub(1) % len).cloned()
            }
        }
    }
}
