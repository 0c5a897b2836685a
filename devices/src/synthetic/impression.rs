//! One impression of a master finger: rotation, translation, smooth elastic distortion,
//! contact area (pressure, partial contact), dryness/wetness and sensor noise, rendered as
//! 8-bit grayscale with dark ridges on a light background. Must not grow ridges.

use super::rng::Rng;

/// Per-impression parameters, drawn from the impression seed.
#[derive(Debug, Clone)]
pub struct Variation {
    angle: f32,
    shift: (f32, f32),
    bumps: Vec<(f32, f32, f32, f32, f32)>,
    pressure: f32,
    threshold: f32,
    dryness: f32,
    noise: f32,
    cut: Option<(f32, f32, f32)>,
    brightness: f32,
}

impl Variation {
    /// Draws a plausible variation; impression 0 is the undistorted reference.
    pub fn new(rng: &mut Rng, reference: bool) -> Self {
        if reference {
            return Self {
                angle: 0.0,
                shift: (0.0, 0.0),
                bumps: vec![],
                pressure: 1.0,
                threshold: 0.0,
                dryness: 0.0,
                noise: 4.0,
                cut: None,
                brightness: 225.0,
            };
        }
        let bumps = (0..3)
            .map(|_| {
                (
                    rng.range(40.0, 240.0),
                    rng.range(40.0, 280.0),
                    rng.range(-2.5, 2.5),
                    rng.range(-2.5, 2.5),
                    rng.range(50.0, 90.0),
                )
            })
            .collect();
        let cut = (rng.unit() < 0.25).then(|| {
            let a = rng.range(0.0, std::f32::consts::TAU);
            (a.cos(), a.sin(), rng.range(70.0, 105.0))
        });
        Self {
            angle: rng.normal().clamp(-2.0, 2.0) * 0.07,
            shift: (
                rng.normal().clamp(-2.0, 2.0) * 7.0,
                rng.normal().clamp(-2.0, 2.0) * 8.0,
            ),
            bumps,
            pressure: rng.range(0.86, 1.06),
            threshold: rng.range(-0.3, 0.3),
            dryness: (rng.unit() - 0.5).max(0.0) * 1.2,
            noise: rng.range(4.0, 11.0),
            cut,
            brightness: rng.range(205.0, 240.0),
        }
    }
}

/// Renders an impression of `ridges` (master `mw × mh`) into `w × h` pixels.
///
/// `contact(x, y, pressure)` says whether a master point touches the glass.
#[allow(clippy::too_many_arguments)]
pub fn render(
    ridges: &[f32],
    mw: usize,
    mh: usize,
    w: usize,
    h: usize,
    v: &Variation,
    rng: &mut Rng,
    contact: &dyn Fn(f32, f32, f32) -> f32,
) -> Vec<u8> {
    let (mcx, mcy) = (mw as f32 / 2.0, mh as f32 / 2.0);
    let (ocx, ocy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (s, c) = v.angle.sin_cos();
    // Low-frequency blotch field for dry fingers.
    let blotch_phase: Vec<(f32, f32, f32)> = (0..3)
        .map(|_| {
            (
                rng.range(0.05, 0.12),
                rng.range(0.05, 0.12),
                rng.range(0.0, 6.3),
            )
        })
        .collect();
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            // Output → master: undo translation and rotation, then the elastic bumps.
            let (dx, dy) = (x as f32 - ocx - v.shift.0, y as f32 - ocy - v.shift.1);
            let mut mx = c * dx + s * dy + mcx;
            let mut my = -s * dx + c * dy + mcy;
            for (bx, by, ax, ay, r) in &v.bumps {
                let d2 = ((mx - bx) * (mx - bx) + (my - by) * (my - by)) / (r * r);
                let f = (-d2).exp();
                mx += ax * f;
                my += ay * f;
            }
            let mut touch = contact(mx, my, v.pressure);
            if let Some((nx, ny, off)) = v.cut {
                let along = (mx - mcx) * nx + (my - mcy) * ny;
                touch *= ((off - along) / 6.0).clamp(0.0, 1.0);
            }
            let r = bilinear(ridges, mw, mh, mx, my);
            let mut ink = ((r - v.threshold) * 2.2 + 0.5).clamp(0.0, 1.0);
            if v.dryness > 0.0 {
                let b: f32 = blotch_phase
                    .iter()
                    .map(|(fx, fy, p)| (fx * mx + p).sin() * (fy * my - p).cos())
                    .sum::<f32>()
                    / 3.0;
                ink *= (1.0 - v.dryness * (b + 0.4).max(0.0)).clamp(0.0, 1.0);
            }
            let ridge_level = 45.0;
            let bg = v.brightness - 0.04 * (y as f32);
            let value = bg - (bg - ridge_level) * ink * touch + v.noise * rng.normal();
            out.push(value.clamp(0.0, 255.0) as u8);
        }
    }
    out
}

fn bilinear(img: &[f32], w: usize, h: usize, x: f32, y: f32) -> f32 {
    if x < 0.0 || y < 0.0 || x >= (w - 1) as f32 || y >= (h - 1) as f32 {
        return 0.0;
    }
    let (x0, y0) = (x as usize, y as usize);
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let at = |xx: usize, yy: usize| img.get(yy * w + xx).copied().unwrap_or(0.0);
    let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
    let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
    top * (1.0 - fy) + bottom * fy
}
