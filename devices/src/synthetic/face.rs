//! A synthetic frontal face (head, hair, eyes, mouth, shoulders on a plain background)
//! encoded as baseline JPEG, as a stand-in ID photo for the camera simulator.

use super::rng::Rng;

/// Ellipse membership with a soft 1.5-pixel edge: 1 inside, 0 outside.
fn ellipse(x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32) -> f32 {
    let d = (((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2)).sqrt();
    ((1.0 - d) * rx.min(ry) / 1.5 + 0.5).clamp(0.0, 1.0)
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

/// A `w × h` synthetic face for `seed`, as JPEG bytes (quality 80).
pub fn face_jpeg(w: u16, h: u16, seed: u64) -> Result<Vec<u8>, jpeg_encoder::EncodingError> {
    let mut rng = Rng::new(seed);
    let skin = [
        rng.range(150.0, 235.0),
        rng.range(110.0, 180.0),
        rng.range(80.0, 150.0),
    ];
    let hair_v = rng.range(20.0, 90.0);
    let hair = [hair_v, hair_v * 0.8, hair_v * 0.6];
    let shirt = [
        rng.range(20.0, 200.0),
        rng.range(20.0, 200.0),
        rng.range(40.0, 220.0),
    ];
    let (fw, fh) = (f32::from(w), f32::from(h));
    let s = fh / 480.0;
    let (cx, cy) = (fw / 2.0, fh * 0.45);
    let mut rgb = Vec::with_capacity(usize::from(w) * usize::from(h) * 3);
    for y in 0..h {
        for x in 0..w {
            let (x, y) = (f32::from(x), f32::from(y));
            let mut c = mix([225.0, 230.0, 238.0], [190.0, 200.0, 215.0], y / fh);
            c = mix(c, shirt, ellipse(x, y, cx, fh * 1.05, 190.0 * s, 150.0 * s));
            c = mix(c, skin, ellipse(x, y, cx, fh * 0.78, 42.0 * s, 60.0 * s));
            c = mix(
                c,
                hair,
                ellipse(x, y, cx, cy - 35.0 * s, 112.0 * s, 118.0 * s),
            );
            let shade = 1.0 - 0.25 * ((x - cx) / (100.0 * s)).powi(2);
            c = mix(
                c,
                [skin[0] * shade, skin[1] * shade, skin[2] * shade],
                ellipse(x, y, cx, cy + 12.0 * s, 98.0 * s, 128.0 * s),
            );
            for ex in [cx - 38.0 * s, cx + 38.0 * s] {
                c = mix(
                    c,
                    [70.0, 50.0, 40.0],
                    ellipse(x, y, ex, cy - 28.0 * s, 22.0 * s, 5.0 * s),
                );
                c = mix(
                    c,
                    [245.0, 245.0, 240.0],
                    ellipse(x, y, ex, cy - 8.0 * s, 17.0 * s, 9.0 * s),
                );
                c = mix(
                    c,
                    [60.0, 40.0, 30.0],
                    ellipse(x, y, ex, cy - 8.0 * s, 7.0 * s, 7.0 * s),
                );
            }
            c = mix(
                c,
                [skin[0] * 0.8, skin[1] * 0.75, skin[2] * 0.7],
                ellipse(x, y, cx, cy + 28.0 * s, 9.0 * s, 16.0 * s),
            );
            c = mix(
                c,
                [170.0, 70.0, 70.0],
                ellipse(x, y, cx, cy + 72.0 * s, 30.0 * s, 8.0 * s),
            );
            let noise = rng.normal() * 2.0;
            rgb.extend(c.iter().map(|v| (v + noise).clamp(0.0, 255.0) as u8));
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 80).encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb)?;
    Ok(out)
}
