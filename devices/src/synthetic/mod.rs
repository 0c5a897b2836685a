//! Synthetic fingerprints and faces for simulators and tests. A finger's identity (pattern
//! class, singular points, ridge map) is a pure function of (person seed, finger position);
//! each impression adds seed-stable acquisition variation. Must not do I/O.

mod face;
mod impression;
mod orientation;
mod ridges;
mod rng;

pub use face::face_jpeg;
pub use orientation::PatternClass;

use crate::api::FingerImage;
use crate::proto::zfm::image::{HEIGHT, WIDTH};
use orientation::FlowModel;
use rng::Rng;

/// Which finger a simulator lays on the glass or draws, numbered as ISO/IEC 19794 does
/// (1 = right thumb … 10 = left little). Drivers never know the finger: the domain's one
/// finger position is `huella_sync::FingerPosition`; this is only the simulators' index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SimFinger(u8);

impl SimFinger {
    /// A finger position 1..=10, `None` otherwise.
    pub fn new(n: u8) -> Option<Self> {
        (1..=10).contains(&n).then_some(Self(n))
    }

    /// The ISO number 1..=10.
    pub fn number(self) -> u8 {
        self.0
    }

    /// True for the right hand (1..=5).
    pub fn is_right_hand(self) -> bool {
        self.0 <= 5
    }

    /// All ten positions in ISO order.
    pub fn all() -> impl Iterator<Item = Self> {
        (1..=10).map(Self)
    }
}

/// Master canvas, larger than the sensor so translation and rotation stay inside it.
const MASTER_W: usize = WIDTH + 40;
const MASTER_H: usize = HEIGHT + 40;

/// The stable master pattern of one finger of one synthetic person.
#[derive(Debug, Clone)]
pub struct SyntheticFinger {
    person: u64,
    finger: SimFinger,
    flow: FlowModel,
    ridges: Vec<f32>,
}

/// Soft fingertip contact: 1 inside an ellipse scaled by `pressure`, fading at the rim.
fn contact(x: f32, y: f32, pressure: f32) -> f32 {
    let (cx, cy) = (MASTER_W as f32 / 2.0, MASTER_H as f32 * 0.47);
    let a = 112.0 * pressure;
    let b = if y < cy { 138.0 * pressure } else { 230.0 };
    let d = ((x - cx) / a).powi(2) + ((y - cy) / b).powi(2);
    ((1.0 - d) * 8.0).clamp(0.0, 1.0)
}

impl SyntheticFinger {
    /// Builds (deterministically) the master finger for `person` and `finger`.
    pub fn new(person: u64, finger: SimFinger) -> Self {
        let mut rng = Rng::from_parts(&[person, u64::from(finger.number()), 0xF1_9E_A7]);
        let flow = FlowModel::new(
            &mut rng,
            MASTER_W as f32,
            MASTER_H as f32,
            finger.is_right_hand(),
        );
        let inside = |x: f32, y: f32| contact(x, y, 1.12) > 0.0;
        let ridges = ridges::grow(&flow, &mut rng, MASTER_W, MASTER_H, &inside);
        Self {
            person,
            finger,
            flow,
            ridges,
        }
    }

    /// The pattern class chosen for this finger.
    pub fn class(&self) -> PatternClass {
        self.flow.class
    }

    /// Impression `n`: 0 is an undistorted reference, 1.. add acquisition variation.
    pub fn impression(&self, n: u32) -> FingerImage {
        let mut rng = Rng::from_parts(&[
            self.person,
            u64::from(self.finger.number()),
            u64::from(n),
            0x1A_9E,
        ]);
        let v = impression::Variation::new(&mut rng, n == 0);
        let pixels = impression::render(
            &self.ridges,
            MASTER_W,
            MASTER_H,
            WIDTH,
            HEIGHT,
            &v,
            &mut rng,
            &contact,
        );
        FingerImage {
            width: WIDTH as u16,
            height: HEIGHT as u16,
            dpi: 500,
            pixels,
        }
    }
}

/// Convenience: impression `n` of `person`'s `finger` (builds the master each call).
pub fn fingerprint(person: u64, finger: SimFinger, n: u32) -> FingerImage {
    SyntheticFinger::new(person, finger).impression(n)
}
