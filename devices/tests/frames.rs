//! Webcam frame conversion on frames the tests make: YUYV from known BT.601 colours and from
//! the synthetic face, MJPEG without Huffman tables (as UVC cameras send it), and frames that
//! are short, odd or garbage.

use huella_devices::synthetic::face_jpeg;
use huella_devices::usb::frames::{FrameError, Rgb, mjpeg_to_rgb, rgb_to_jpeg, yuyv_to_rgb};

/// RGB to limited-range BT.601 YCbCr, the inverse the camera applies.
fn ycbcr(p: &[u8]) -> (f32, f32, f32) {
    let (r, g, b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
    (
        16.0 + (65.738 * r + 129.057 * g + 25.064 * b) / 256.0,
        128.0 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256.0,
        128.0 + (112.439 * r - 94.154 * g - 18.285 * b) / 256.0,
    )
}

/// Packs RGB as YUYV, averaging the chroma of each pixel pair (what a 4:2:2 sensor sends).
fn to_yuyv(rgb: &Rgb) -> Vec<u8> {
    let mut out = Vec::with_capacity(rgb.pixels.len() / 3 * 2);
    for pair in rgb.pixels.chunks_exact(6) {
        let (y0, cb0, cr0) = ycbcr(&pair[..3]);
        let (y1, cb1, cr1) = ycbcr(&pair[3..]);
        let q = |v: f32| v.round().clamp(0.0, 255.0) as u8;
        out.extend([q(y0), q((cb0 + cb1) / 2.0), q(y1), q((cr0 + cr1) / 2.0)]);
    }
    out
}

#[test]
fn yuyv_known_colours_convert_to_rgb() {
    // (Y, Cb, Cr) of BT.601 limited-range white, black, red, green, blue.
    let cases = [
        ([235, 128, 128], [255, 255, 255]),
        ([16, 128, 128], [0, 0, 0]),
        ([81, 90, 240], [255, 0, 0]),
        ([145, 54, 34], [0, 255, 0]),
        ([41, 240, 110], [0, 0, 255]),
    ];
    for ([y, cb, cr], want) in cases {
        let rgb = yuyv_to_rgb(&[y, cb, y, cr], 2, 1).expect("convert");
        for px in rgb.pixels.chunks_exact(3) {
            for c in 0..3 {
                assert!(
                    (i32::from(px[c]) - want[c]).abs() <= 2,
                    "{:?} from {:?}, want {want:?}",
                    px,
                    (y, cb, cr)
                );
            }
        }
    }
}

#[test]
fn a_yuyv_frame_of_the_synthetic_face_round_trips() {
    let rgb = mjpeg_to_rgb(&face_jpeg(320, 240, 4).expect("jpeg")).expect("decode");
    assert_eq!(
        (rgb.width, rgb.height, rgb.pixels.len()),
        (320, 240, 320 * 240 * 3)
    );
    let back = yuyv_to_rgb(&to_yuyv(&rgb), rgb.width, rgb.height).expect("convert");
    let err: u64 = rgb
        .pixels
        .iter()
        .zip(&back.pixels)
        .map(|(a, b)| u64::from(a.abs_diff(*b)))
        .sum();
    let mean = err as f64 / rgb.pixels.len() as f64;
    // Chroma is shared by pixel pairs, so colours blur a little at edges; nothing more.
    assert!(mean < 3.0, "mean abs error {mean}");
    // Padding after the frame (some drivers round the buffer up) is ignored.
    let mut padded = to_yuyv(&rgb);
    padded.extend([0; 64]);
    assert_eq!(yuyv_to_rgb(&padded, 320, 240).expect("padded"), back);
}

/// The JPEG without its DHT segments, as MJPEG webcams send frames.
fn strip_huffman_tables(jpeg: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    let mut i = 2;
    while i + 4 <= jpeg.len() {
        let marker = jpeg[i + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        if marker == 0xDA {
            out.extend_from_slice(&jpeg[i..]);
            break;
        }
        if marker != 0xC4 {
            out.extend_from_slice(&jpeg[i..i + 2 + len]);
        }
        i += 2 + len;
    }
    out
}

#[test]
fn mjpeg_frames_without_huffman_tables_decode_like_the_full_jpeg() {
    let jpeg = face_jpeg(640, 480, 2).expect("jpeg");
    let mjpeg = strip_huffman_tables(&jpeg);
    assert!(mjpeg.len() < jpeg.len());
    assert!(!mjpeg.windows(2).any(|w| w == [0xFF, 0xC4]), "DHT left");
    let full = mjpeg_to_rgb(&jpeg).expect("full");
    let bare = mjpeg_to_rgb(&mjpeg).expect("mjpeg");
    assert_eq!(bare, full);
    // And the result re-encodes for the photo step.
    let again = rgb_to_jpeg(&bare).expect("encode");
    assert_eq!(mjpeg_to_rgb(&again).expect("re-decode").width, 640);
}

#[test]
fn short_odd_and_garbage_frames_are_errors_not_panics() {
    assert!(matches!(
        yuyv_to_rgb(&[0; 7], 2, 2),
        Err(FrameError::Size {
            want: 8,
            got: 7,
            ..
        })
    ));
    assert!(matches!(
        yuyv_to_rgb(&[0; 12], 3, 1),
        Err(FrameError::Size { .. })
    ));
    assert!(matches!(
        yuyv_to_rgb(&[], 0, 0),
        Err(FrameError::Size { .. })
    ));
    assert!(matches!(
        mjpeg_to_rgb(b"no es jpeg"),
        Err(FrameError::Jpeg(_))
    ));
    let jpeg = face_jpeg(160, 120, 1).expect("jpeg");
    for cut in (0..jpeg.len()).step_by(97) {
        let _ = mjpeg_to_rgb(&jpeg[..cut]);
    }
}
