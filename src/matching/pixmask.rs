//! The foreground decided per pixel, and each pixel's distance to the background.
//!
//! Owns the translation-stable mask used where minutiae are found and kept: the block fields
//! (contrast, coherence) are interpolated to every pixel, so shifting the image by a pixel
//! moves the mask by a pixel instead of flipping whole 8×8 blocks. Must not estimate the block
//! fields themselves (see `segmentation`, `orientation`).

use super::segmentation::{self, BLOCK, BlockMap};

/// Chamfer step along an axis (distances are stored in thirds of a pixel).
const AXIAL: u16 = 3;
/// Chamfer step along a diagonal (≈ 3·√2).
const DIAGONAL: u16 = 4;

/// Per-pixel foreground and chamfer distance to the nearest background pixel.
#[derive(Clone, Debug)]
pub struct PixelMask {
    width: usize,
    height: usize,
    fg: Vec<bool>,
    dist: Vec<u16>,
}

impl PixelMask {
    /// Builds the mask of a `width × height` image from the wide-window block contrast
    /// `std`, the block `coherence` and the cleaned block mask `blocks`: a pixel is
    /// foreground when both interpolated fields pass the block thresholds and it lies within
    /// one block of the block mask (which keeps its speck removal and main-region choice).
    pub fn new(
        width: usize,
        height: usize,
        std: &BlockMap<f32>,
        coherence: &BlockMap<f32>,
        blocks: &BlockMap<bool>,
    ) -> Self {
        let t = segmentation::contrast_threshold(std);
        let near = if std::env::var_os("LAB_NONEAR").is_some() {
            BlockMap::new(blocks.bw, blocks.bh, true)
        } else {
            segmentation::morph(blocks, true)
        };
        let mut m = BlockMap::new(width, height, false);
        for y in 0..height {
            let fy = (y as f32 + 0.5) / BLOCK as f32 - 0.5;
            for x in 0..width {
                let fx = (x as f32 + 0.5) / BLOCK as f32 - 0.5;
                let v = near.at_pixel(x as isize, y as isize)
                    && interp(std, fx, fy) > t
                    && interp(coherence, fx, fy) > segmentation::MIN_COHERENCE;
                m.set(x, y, v);
            }
        }
        segmentation::largest_component_filled(&mut m);
        let dist = chamfer(&m);
        Self {
            width,
            height,
            fg: m.data,
            dist,
        }
    }

    /// True when pixel (`x`, `y`) is foreground; false outside the image.
    #[inline]
    pub fn at(&self, x: isize, y: isize) -> bool {
        self.index(x, y)
            .and_then(|i| self.fg.get(i).copied())
            .unwrap_or(false)
    }

    /// Distance in pixels from (`x`, `y`) to the nearest background pixel (the area outside
    /// the image counts as background); 0 on background and outside the image.
    #[inline]
    pub fn distance(&self, x: isize, y: isize) -> f32 {
        self.index(x, y)
            .and_then(|i| self.dist.get(i).copied())
            .map_or(0.0, |d| f32::from(d) / f32::from(AXIAL))
    }

    /// Number of foreground pixels.
    pub fn area(&self) -> usize {
        self.fg.iter().filter(|&&v| v).count()
    }

    fn index(&self, x: isize, y: isize) -> Option<usize> {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return None;
        }
        Some(y as usize * self.width + x as usize)
    }
}

/// A block field bilinearly interpolated at pixel (`x`, `y`) (block values sit at block
/// centres; clamped at the map edges).
pub fn field_at(m: &BlockMap<f32>, x: f32, y: f32) -> f32 {
    interp(
        m,
        (x + 0.5) / BLOCK as f32 - 0.5,
        (y + 0.5) / BLOCK as f32 - 0.5,
    )
}

/// Bilinear interpolation of a block field at block coordinates (`fx`, `fy`), clamped at the
/// map edges.
fn interp(m: &BlockMap<f32>, fx: f32, fy: f32) -> f32 {
    if m.bw == 0 || m.bh == 0 {
        return 0.0;
    }
    let (bx, by) = (fx.floor(), fy.floor());
    let (tx, ty) = (fx - bx, fy - by);
    let (bx, by) = (bx as isize, by as isize);
    let g =
        |i: isize, j: isize| m.get(i.clamp(0, m.bw as isize - 1), j.clamp(0, m.bh as isize - 1));
    let top = g(bx, by) * (1.0 - tx) + g(bx + 1, by) * tx;
    let bottom = g(bx, by + 1) * (1.0 - tx) + g(bx + 1, by + 1) * tx;
    top * (1.0 - ty) + bottom * ty
}

/// Two-pass 3-4 chamfer distance (thirds of a pixel) from every pixel of `m` to the nearest
/// `false` pixel or the image border.
fn chamfer(m: &BlockMap<bool>) -> Vec<u16> {
    let (w, h) = (m.bw, m.bh);
    let mut d: Vec<u16> = m
        .data
        .iter()
        .map(|&v| if v { u16::MAX } else { 0 })
        .collect();
    let at = |d: &[u16], x: isize, y: isize| -> u16 {
        if x < 0 || y < 0 || x as usize >= w || y as usize >= h {
            0
        } else {
            d.get(y as usize * w + x as usize).copied().unwrap_or(0)
        }
    };
    let steps = |back: bool| -> [(isize, isize, u16); 4] {
        let s = if back { -1 } else { 1 };
        [
            (-s, 0, AXIAL),
            (-s, -s, DIAGONAL),
            (0, -s, AXIAL),
            (s, -s, DIAGONAL),
        ]
    };
    for back in [false, true] {
        for k in 0..w * h {
            let i = if back { w * h - 1 - k } else { k };
            let Some(&cur) = d.get(i) else { continue };
            if cur == 0 {
                continue;
            }
            let (x, y) = ((i % w) as isize, (i / w) as isize);
            let best = steps(back)
                .iter()
                .map(|&(dx, dy, c)| at(&d, x + dx, y + dy).saturating_add(c))
                .fold(cur, u16::min);
            if let Some(p) = d.get_mut(i) {
                *p = best;
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chamfer_measures_distance_to_background() {
        let mut m = BlockMap::new(21, 21, true);
        m.set(10, 10, false);
        let d = chamfer(&m);
        assert_eq!(d[10 * 21 + 10], 0);
        assert_eq!(d[10 * 21 + 13], 9);
        // The image border is background too.
        assert_eq!(d[10 * 21], 3);
        assert_eq!(d[0], 3);
    }

    #[test]
    fn mask_moves_with_the_image() {
        // A contrast field whose edge is not on a block boundary: shifting the sampled field
        // by one block must shift the pixel mask by exactly one block.
        let (bw, bh) = (12, 12);
        let field = |off: usize| {
            let mut s = BlockMap::new(bw, bh, 0.0f32);
            for by in 0..bh {
                for bx in 0..bw {
                    let v = if bx >= 3 + off && bx < 9 + off && by >= 2 && by < 10 {
                        40.0
                    } else {
                        1.0
                    };
                    s.set(bx, by, v);
                }
            }
            s
        };
        let coh = BlockMap::new(bw, bh, 0.5f32);
        let all = BlockMap::new(bw, bh, true);
        let (w, h) = (bw * BLOCK, bh * BLOCK);
        let a = PixelMask::new(w, h, &field(0), &coh, &all);
        let b = PixelMask::new(w, h, &field(1), &coh, &all);
        assert!(a.area() > 0);
        assert_eq!(a.area(), b.area());
        for y in 0..h as isize {
            for x in 0..(w - BLOCK) as isize {
                assert_eq!(a.at(x, y), b.at(x + BLOCK as isize, y), "({x}, {y})");
            }
        }
        assert!(a.distance(48, 48) > a.distance(30, 48));
    }
}
