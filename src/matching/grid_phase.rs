//! Grid-phase union: the extraction decides on an 8 px block grid (foreground blocks, the
//! minutia margin, the period sampled per block, the Gabor period per block), so a minutia
//! close to one of those decisions is found when the grid falls one way on the print and lost
//! when it falls another. Moving the same image by one pixel changed a fifth to a third of the
//! minutiae and the FVC EER by up to 3 points (docs/matching.md, "grid phase"). Extraction therefore
//! runs twice, the second time on the image with [`SHIFT`] rows and columns cut off its top
//! left, and keeps every minutia found at either phase, once.
//!
//! Owns the shifted copy of the image and the merge of the two minutia sets. Must not decide
//! whether an image is usable (that is `extract`'s job, on the first pass).

use super::minutiae::{Minutia, angle_diff};
use super::raster::Gray;

/// Rows and columns cut off the top left for the second pass: not a divisor of the 8 px
/// blocks or the 12 px contrast windows, so every block boundary moves.
pub const SHIFT: usize = 3;

/// Largest direction difference (radians) of two detections of the same minutia.
const SAME_DIRECTION: f32 = 0.6;

/// The image without its first [`SHIFT`] rows and columns (`None` when nothing would be left).
pub fn shifted(img: &Gray) -> Option<Gray> {
    let width = img.width.checked_sub(SHIFT).filter(|&w| w > 0)?;
    let height = img.height.checked_sub(SHIFT).filter(|&h| h > 0)?;
    let mut data = Vec::with_capacity(width * height);
    for row in img.data.chunks_exact(img.width).skip(SHIFT) {
        data.extend_from_slice(row.get(SHIFT..)?);
    }
    Some(Gray {
        width,
        height,
        data,
    })
}

/// Moves minutiae found on the [`shifted`] image back into the original image's frame.
pub fn unshift(minutiae: &mut [Minutia]) {
    for m in minutiae {
        m.x += SHIFT as f32;
        m.y += SHIFT as f32;
    }
}

/// The union of two phases' minutiae: a minutia of `second` within `radius` pixels and
/// [`SAME_DIRECTION`] of a still unpaired one of `first` is the same minutia (nearest first;
/// the position is averaged, the reliability is the better one); the others are kept as they
/// are. Both lists must be in the same frame.
pub fn union(first: Vec<Minutia>, second: &[Minutia], radius: f32) -> Vec<Minutia> {
    let r2 = radius * radius;
    let mut paired = vec![false; second.len()];
    let mut out = Vec::with_capacity(first.len() + second.len());
    for m in first {
        let nearest = second
            .iter()
            .enumerate()
            .filter(|&(j, o)| {
                !paired[j]
                    && (m.x - o.x).powi(2) + (m.y - o.y).powi(2) <= r2
                    && angle_diff(m.angle, o.angle) < SAME_DIRECTION
            })
            .min_by(|a, b| {
                let d = |o: &Minutia| (m.x - o.x).powi(2) + (m.y - o.y).powi(2);
                d(a.1).total_cmp(&d(b.1))
            });
        match nearest {
            Some((j, o)) => {
                paired[j] = true;
                out.push(Minutia {
                    x: 0.5 * (m.x + o.x),
                    y: 0.5 * (m.y + o.y),
                    reliability: m.reliability.max(o.reliability),
                    ..m
                });
            }
            None => out.push(m),
        }
    }
    out.extend(
        second
            .iter()
            .zip(&paired)
            .filter(|(_, p)| !**p)
            .map(|(o, _)| *o),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::super::minutiae::Kind;
    use super::*;

    fn minutia(x: f32, y: f32, angle: f32, reliability: f32) -> Minutia {
        Minutia {
            x,
            y,
            angle,
            kind: Kind::Ending,
            reliability,
        }
    }

    #[test]
    fn shifted_drops_the_top_left_and_unshift_restores_the_frame() {
        let img = Gray {
            width: 5,
            height: 4,
            data: (0..20).map(|v| v as f32).collect(),
        };
        let s = shifted(&img).expect("big enough");
        assert_eq!((s.width, s.height), (2, 1));
        assert_eq!(s.data, vec![18.0, 19.0]);
        let mut m = [minutia(1.0, 0.0, 0.0, 0.5)];
        unshift(&mut m);
        assert_eq!((m[0].x, m[0].y), (4.0, 3.0));
        let tiny = Gray {
            width: 3,
            height: 9,
            data: vec![0.0; 27],
        };
        assert!(shifted(&tiny).is_none());
    }

    #[test]
    fn union_keeps_each_minutia_once() {
        let first = vec![
            minutia(10.0, 10.0, 0.0, 0.3),
            minutia(50.0, 50.0, 1.0, 0.9),
            minutia(90.0, 90.0, 2.0, 0.5),
        ];
        let second = [
            // The first minutia, 4 px away: merged, averaged, better reliability.
            minutia(14.0, 10.0, 0.2, 0.7),
            // Near the second one but pointing the other way: a different minutia.
            minutia(52.0, 50.0, 1.0 + std::f32::consts::PI, 0.4),
            // Only found at the second phase.
            minutia(150.0, 20.0, 3.0, 0.6),
        ];
        let u = union(first, &second, 8.0);
        assert_eq!(u.len(), 5);
        assert_eq!((u[0].x, u[0].y, u[0].reliability), (12.0, 10.0, 0.7));
        assert_eq!(u[0].angle, 0.0);
        assert_eq!((u[1].x, u[2].x, u[3].x, u[4].x), (50.0, 90.0, 52.0, 150.0));
        // Nothing within the radius: plain concatenation.
        assert_eq!(
            union(vec![minutia(0.0, 0.0, 0.0, 0.1)], &second, 2.0).len(),
            4
        );
    }
}
