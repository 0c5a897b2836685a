//! Face checks of the photo step on photos the tests make: the camera simulator's synthetic
//! faces must pass; a wall, two faces, a face cut by the frame, a face too far, a blurred face
//! and a backlit face must each fail, on the check the officer is shown.

use huella::workflows::enroll::{
    FaceCheck, FaceCheckKind, check_face, check_face_gray, decode_gray, detect_faces,
};
use huella_devices::synthetic::face_jpeg;

type Gray = (usize, usize, Vec<u8>);

fn synthetic(w: u16, h: u16, seed: u64) -> Gray {
    let jpeg = face_jpeg(w, h, seed).expect("jpeg");
    decode_gray(&jpeg).expect("decodes")
}

fn result(c: &FaceCheck, kind: FaceCheckKind) -> Option<bool> {
    c.checks.iter().find(|(k, _)| *k == kind).map(|(_, ok)| *ok)
}

fn failed(c: &FaceCheck) -> Vec<FaceCheckKind> {
    c.checks
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(k, _)| *k)
        .collect()
}

/// `g` moved `dx` pixels right, the uncovered columns filled with the left edge (background).
fn shifted_right((w, h, g): &Gray, dx: usize) -> Vec<u8> {
    (0..*h)
        .flat_map(|y| (0..*w).map(move |x| if x < dx { g[y * w] } else { g[y * w + x - dx] }))
        .collect()
}

#[test]
fn synthetic_demo_faces_pass_every_check_at_every_camera_size() {
    for (w, h) in [(640, 480), (320, 240), (160, 120)] {
        for seed in [0, 7, 21] {
            let c = check_face(&face_jpeg(w, h, seed).expect("jpeg"));
            assert!(c.passed(), "{w}×{h} seed {seed}: failed {:?}", failed(&c));
            for kind in [
                FaceCheckKind::OneFace,
                FaceCheckKind::FaceSize,
                FaceCheckKind::Centred,
                FaceCheckKind::InFrame,
                FaceCheckKind::FaceLight,
                FaceCheckKind::Sharp,
            ] {
                assert_eq!(result(&c, kind), Some(true), "{w}×{h} seed {seed} {kind:?}");
            }
        }
    }
}

#[test]
fn a_textured_wall_has_no_face() {
    let (w, h) = (640usize, 480usize);
    let mut state = 0x5EED_u64;
    let mut wall = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let offset = if (y / 40) % 2 == 0 { 0 } else { 45 };
            let mortar = y % 40 < 4 || (x + offset) % 90 < 4;
            let base = if mortar {
                200.0
            } else {
                140.0 + 20.0 * ((x as f32 * 0.05).sin() * (y as f32 * 0.07).cos())
            };
            wall.push((base + (state >> 33) as f32 % 30.0 - 15.0) as u8);
        }
    }
    let c = check_face_gray(&wall, w, h);
    assert_eq!(result(&c, FaceCheckKind::OneFace), Some(false));
    assert!(!c.passed());
    // The old contrast heuristic passed textures; the detector finds nothing to centre.
    assert_eq!(result(&c, FaceCheckKind::Centred), None);
}

#[test]
fn two_faces_side_by_side_fail_one_face() {
    let (w, h, a) = synthetic(640, 480, 3);
    let (_, _, b) = synthetic(640, 480, 9);
    // The middle halves of two photos: each head whole, one beside the other.
    let two: Vec<u8> = (0..h)
        .flat_map(|y| {
            let (a, b) = (&a, &b);
            (0..w).map(move |x| {
                if x < w / 2 {
                    a[y * w + x + w / 4]
                } else {
                    b[y * w + x - w / 4]
                }
            })
        })
        .collect();
    assert_eq!(detect_faces(&two, w, h).len(), 2);
    let c = check_face_gray(&two, w, h);
    assert_eq!(failed(&c), vec![FaceCheckKind::OneFace]);
}

#[test]
fn a_face_cut_by_the_frame_fails() {
    let g = synthetic(640, 480, 3);
    let (w, h) = (g.0, g.1);
    for dx in [240, 260, 300] {
        let c = check_face_gray(&shifted_right(&g, dx), w, h);
        let f = failed(&c);
        assert!(
            f.contains(&FaceCheckKind::OneFace) || f.contains(&FaceCheckKind::InFrame),
            "shift {dx}: failed {f:?}"
        );
    }
    // Off-centre but whole: the position check fails, the head is still in the frame.
    let c = check_face_gray(&shifted_right(&g, 140), w, h);
    assert_eq!(result(&c, FaceCheckKind::Centred), Some(false));
    assert_eq!(result(&c, FaceCheckKind::InFrame), Some(true));
}

#[test]
fn a_face_too_far_from_the_camera_fails_size() {
    let (w, h, g) = synthetic(640, 480, 3);
    let (sw, _, small) = synthetic(320, 240, 3);
    let bg = g[5 * w + 5];
    // The same person at half the size, centred in the frame.
    let far: Vec<u8> = (0..h)
        .flat_map(|y| {
            let small = &small;
            (0..w).map(move |x| {
                if (160..480).contains(&x) && (120..360).contains(&y) {
                    small[(y - 120) * sw + x - 160]
                } else {
                    bg
                }
            })
        })
        .collect();
    let c = check_face_gray(&far, w, h);
    assert_eq!(result(&c, FaceCheckKind::OneFace), Some(true));
    assert_eq!(result(&c, FaceCheckKind::FaceSize), Some(false));
}

#[test]
fn a_blurred_face_fails_sharpness_only() {
    let (w, h, g) = synthetic(640, 480, 3);
    let r = 4usize;
    let mut blurred = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let (mut s, mut n) = (0u32, 0u32);
            for yy in y.saturating_sub(r)..(y + r + 1).min(h) {
                for xx in x.saturating_sub(r)..(x + r + 1).min(w) {
                    s += u32::from(g[yy * w + xx]);
                    n += 1;
                }
            }
            blurred[y * w + x] = (s / n) as u8;
        }
    }
    let c = check_face_gray(&blurred, w, h);
    assert_eq!(failed(&c), vec![FaceCheckKind::Sharp]);
}

#[test]
fn a_backlit_face_fails_face_light() {
    let (w, h, g) = synthetic(640, 480, 3);
    // Everything but the bright background darkened: a person in front of a window.
    let backlit: Vec<u8> = g
        .iter()
        .map(|&v| {
            if v < 200 {
                (f32::from(v) * 0.55) as u8
            } else {
                v
            }
        })
        .collect();
    let c = check_face_gray(&backlit, w, h);
    assert_eq!(result(&c, FaceCheckKind::OneFace), Some(true));
    assert_eq!(result(&c, FaceCheckKind::FaceLight), Some(false));
}

#[test]
fn unreadable_and_tiny_inputs_fail_without_panicking() {
    assert_eq!(
        failed(&check_face(b"not a jpeg")),
        vec![FaceCheckKind::Readable]
    );
    assert!(!check_face_gray(&[], 0, 0).passed());
    let c = check_face_gray(&[128; 10 * 10], 10, 10);
    assert_eq!(result(&c, FaceCheckKind::OneFace), Some(false));
    assert!(detect_faces(&[0; 5], 100, 100).is_empty());
}

#[test]
fn a_webcam_yuyv_frame_of_the_synthetic_face_passes_the_photo_step() {
    use huella_devices::usb::frames::{mjpeg_to_rgb, rgb_to_jpeg, yuyv_to_rgb};
    let rgb = mjpeg_to_rgb(&face_jpeg(640, 480, 11).expect("jpeg")).expect("rgb");
    // What a UVC camera would send: BT.601 limited-range YUYV, chroma shared by pixel pairs.
    let ycc = |p: &[u8]| {
        let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
        [
            16.0 + (65.738 * r + 129.057 * g + 25.064 * b) / 256.0,
            128.0 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256.0,
            128.0 + (112.439 * r - 94.154 * g - 18.285 * b) / 256.0,
        ]
    };
    let yuyv: Vec<u8> = rgb
        .pixels
        .chunks_exact(6)
        .flat_map(|pair| {
            let (a, b) = (ycc(&pair[..3]), ycc(&pair[3..]));
            [a[0], (a[1] + b[1]) / 2.0, b[0], (a[2] + b[2]) / 2.0].map(|v| v.round() as u8)
        })
        .collect();
    let frame = yuyv_to_rgb(&yuyv, 640, 480).expect("yuyv");
    let c = check_face(&rgb_to_jpeg(&frame).expect("jpeg"));
    assert!(c.passed(), "failed {:?}", failed(&c));
}
