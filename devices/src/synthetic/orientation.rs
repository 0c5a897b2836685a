//! Ridge orientation and frequency fields of a synthetic master finger: pattern class,
//! singular points (cores, deltas) with the Sherlock–Monro zero-pole model, plus smooth
//! random perturbation at two scales (whole-print bends and a per-finger local waviness).
//! Pure math; must not render pixels.

use std::f32::consts::PI;

use super::rng::Rng;

/// Henry pattern class of a synthetic finger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternClass {
    /// Plain arch (no singular points).
    Arch,
    /// Tented arch (core above a close delta).
    TentedArch,
    /// Loop opening to the left.
    LeftLoop,
    /// Loop opening to the right.
    RightLoop,
    /// Whorl (two cores, two deltas).
    Whorl,
}

/// The fields that define a master finger's ridge flow.
#[derive(Debug, Clone)]
pub struct FlowModel {
    /// Pattern class.
    pub class: PatternClass,
    /// Core positions (master pixels).
    pub cores: Vec<(f32, f32)>,
    /// Delta positions (master pixels).
    pub deltas: Vec<(f32, f32)>,
    perturb: [(f32, f32, f32, f32); 4],
    period: (f32, f32, f32),
    arch_height: f32,
    center: (f32, f32),
    waves: [Wave; WAVES],
}

/// One plane wave of the local waviness: amplitude (rad), spatial frequency (rad/px),
/// direction (cos, sin) and phase.
type Wave = (f32, f32, f32, f32, f32);

/// Plane waves summed into a finger's local waviness.
const WAVES: usize = 6;
/// Largest amplitude of one wave (radians; each draws 50–100 % of it). The zero-pole flow
/// with only whole-print bends made every finger's minutiae follow nearly the same local
/// directions, and unrelated synthetic fingers paired by chance 10–35× more often than real
/// impostors; waves of 45–105 px wavelength give each finger its own local flow
/// (docs/matching.md, issue #14: 0.2 rad changed little, 0.35 rad cut the chance pairs by
/// 3, 0.5–0.7 rad to about the real rate).
const WAVE_AMPLITUDE: f32 = 0.6;
/// Spatial frequencies of the waves (rad/px): wavelengths 45–105 px, a few ridge periods.
const WAVE_FREQUENCY: (f32, f32) = (0.06, 0.14);

impl FlowModel {
    /// A random but seed-stable flow for a finger; `right_hand` biases loops to ulnar side.
    pub fn new(rng: &mut Rng, w: f32, h: f32, right_hand: bool) -> Self {
        // Wide spreads on purpose: with narrow ones every loop of one hand had nearly the same
        // flow, and the matcher found unrelated synthetic fingers as alike as the same finger
        // (near-twins: 16 % of unrelated pairs above the FMR 1e-3 threshold, docs/matching.md).
        let (cx, cy) = (
            w / 2.0 + rng.range(-32.0, 32.0),
            h * 0.45 + rng.range(-36.0, 36.0),
        );
        let pick = rng.unit();
        let ulnar = if right_hand {
            PatternClass::RightLoop
        } else {
            PatternClass::LeftLoop
        };
        let radial = if right_hand {
            PatternClass::LeftLoop
        } else {
            PatternClass::RightLoop
        };
        let class = match pick {
            p if p < 0.05 => PatternClass::Arch,
            p if p < 0.10 => PatternClass::TentedArch,
            p if p < 0.60 => ulnar,
            p if p < 0.68 => radial,
            _ => PatternClass::Whorl,
        };
        let dx = rng.range(35.0, 100.0);
        let dy = rng.range(45.0, 115.0);
        let (cores, deltas) = match class {
            PatternClass::Arch => (vec![], vec![]),
            PatternClass::TentedArch => (
                vec![(cx, cy)],
                vec![(cx + rng.range(-4.0, 4.0), cy + rng.range(35.0, 50.0))],
            ),
            PatternClass::RightLoop => (vec![(cx + 8.0, cy)], vec![(cx - dx, cy + dy)]),
            PatternClass::LeftLoop => (vec![(cx - 8.0, cy)], vec![(cx + dx, cy + dy)]),
            PatternClass::Whorl => {
                let sep = rng.range(14.0, 26.0);
                let tilt = rng.range(-6.0, 6.0);
                (
                    vec![(cx - tilt, cy - sep / 2.0), (cx + tilt, cy + sep / 2.0)],
                    vec![
                        (cx - dx, cy + dy),
                        (cx + dx, cy + dy + rng.range(-10.0, 10.0)),
                    ],
                )
            }
        };
        let mut perturb = [(0.0, 0.0, 0.0, 0.0); 4];
        for p in &mut perturb {
            *p = (
                rng.range(0.08, 0.24),
                rng.range(0.01, 0.035),
                rng.range(0.0, 2.0 * PI),
                rng.range(0.0, 2.0 * PI),
            );
        }
        let period = (
            rng.range(7.5, 11.0),
            rng.range(-0.8, 0.8),
            rng.range(-0.8, 0.8),
        );
        let waves = std::array::from_fn(|_| {
            let dir = rng.range(0.0, 2.0 * PI);
            (
                WAVE_AMPLITUDE * rng.range(0.5, 1.0),
                rng.range(WAVE_FREQUENCY.0, WAVE_FREQUENCY.1),
                dir.cos(),
                dir.sin(),
                rng.range(0.0, 2.0 * PI),
            )
        });
        Self {
            waves,
            class,
            cores,
            deltas,
            perturb,
            period,
            arch_height: rng.range(40.0, 70.0),
            center: (cx, cy),
        }
    }

    /// Ridge direction at (x, y), in radians modulo π.
    pub fn orientation(&self, x: f32, y: f32) -> f32 {
        let mut theta = if self.cores.is_empty() {
            // Plain arch: ridges follow y = h·exp(−(x−cx)²/2s²), bowing upwards.
            let s = 70.0;
            let dxc = x - self.center.0;
            let fade = (1.0 - ((y - self.center.1 - 60.0) / 260.0).abs()).clamp(0.1, 1.0);
            let slope =
                self.arch_height * fade * dxc / (s * s) * (-(dxc * dxc) / (2.0 * s * s)).exp();
            slope.atan()
        } else {
            // Zero-pole model; signs are mirrored because image y grows downwards.
            let mut t = 0.0;
            for (dx, dy) in &self.deltas {
                t -= (y - dy).atan2(x - dx);
            }
            for (cx, cy) in &self.cores {
                t += (y - cy).atan2(x - cx);
            }
            0.5 * t
        };
        for (amp, freq, px, py) in &self.perturb {
            theta += amp * (freq * x + px).sin() * (freq * y + py).cos();
        }
        for (amp, freq, ux, uy, phase) in &self.waves {
            theta += amp * (freq * (ux * x + uy * y) + phase).sin();
        }
        theta.rem_euclid(PI)
    }

    /// Ridge period (pixels per ridge) at (x, y).
    pub fn period(&self, x: f32, y: f32) -> f32 {
        let (base, ax, ay) = self.period;
        base + ax * (x / 150.0).sin() + ay * (y / 170.0).cos()
    }
}
