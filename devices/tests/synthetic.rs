//! Synthetic fingers: deterministic by seed, plausible images, and impressions of one finger
//! closer to each other than to other fingers (orientation-field similarity after alignment).

use huella_devices::SimFinger;
use huella_devices::quality::{OrientationField, assess};
use huella_devices::synthetic::{SyntheticFinger, face_jpeg, fingerprint};

fn finger(n: u8) -> SimFinger {
    SimFinger::new(n).unwrap_or_else(|| panic!("finger {n}"))
}

fn field(f: &SyntheticFinger, n: u32) -> OrientationField {
    let img = f.impression(n);
    OrientationField::estimate(&img.pixels, 256, 288)
}

#[test]
fn deterministic_and_plausible() {
    let a = fingerprint(7, finger(1), 3);
    let b = fingerprint(7, finger(1), 3);
    assert_eq!(a, b, "same seed, same image");
    assert_ne!(a.pixels, fingerprint(7, finger(1), 4).pixels);
    assert_eq!((a.width, a.height, a.pixels.len()), (256, 288, 256 * 288));
    let q = assess(&a.pixels, 256, 288);
    assert!(q.contrast > 0.5, "{q:?}");
    assert!(q.foreground > 0.5 && q.foreground < 0.95, "{q:?}");
    // Ridges dark on a light background: the corners are light.
    assert!(a.pixels.first().is_some_and(|p| *p > 150));
}

#[test]
fn impressions_of_one_finger_are_closer_than_other_fingers() {
    let fingers: Vec<SyntheticFinger> = [(1, 1), (1, 2), (2, 1), (3, 7), (4, 6)]
        .iter()
        .map(|(p, f)| SyntheticFinger::new(*p, finger(*f)))
        .collect();
    let fields: Vec<Vec<OrientationField>> = fingers
        .iter()
        .map(|f| (1..=3).map(|n| field(f, n)).collect())
        .collect();
    let sim = |a: &OrientationField, b: &OrientationField| a.similarity(b).unwrap_or(-1.0);
    let mut genuine = Vec::new();
    let mut impostor = Vec::new();
    for (i, fi) in fields.iter().enumerate() {
        genuine.push(sim(&fi[0], &fi[1]));
        genuine.push(sim(&fi[1], &fi[2]));
        for fj in fields.iter().skip(i + 1) {
            impostor.push(sim(&fi[0], &fj[0]));
        }
    }
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    let worst_genuine = genuine.iter().copied().fold(f32::MAX, f32::min);
    println!("genuine {genuine:?}\nimpostor {impostor:?}");
    assert!(
        mean(&genuine) > mean(&impostor) + 0.1,
        "genuine {} impostor {}",
        mean(&genuine),
        mean(&impostor)
    );
    assert!(worst_genuine > 0.6, "worst genuine {worst_genuine}");
    // Each finger's impressions score higher with each other than with any other finger.
    for (i, fi) in fields.iter().enumerate() {
        let own = sim(&fi[0], &fi[1]);
        for (j, fj) in fields.iter().enumerate() {
            if i != j {
                assert!(own > sim(&fi[0], &fj[1]), "finger {i} vs {j}");
            }
        }
    }
}

#[test]
fn face_is_a_jpeg() -> Result<(), Box<dyn std::error::Error>> {
    let jpeg = face_jpeg(320, 240, 5)?;
    assert!(jpeg.starts_with(&[0xFF, 0xD8]) && jpeg.ends_with(&[0xFF, 0xD9]));
    Ok(())
}
