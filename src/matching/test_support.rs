//! Helpers shared by unit tests: random templates and FVC sample paths.

use proptest::prelude::*;
use rand::{Rng, SeedableRng, rngs::StdRng};

use super::minutiae::Kind;
use super::ridge_count;
use super::ridge_flow::{LEVELS, RidgeFlow};
use super::template::{StoredMinutia, Template};
use super::texture::RidgeTexture;

/// A random but plausible template (minutiae at least 10 px apart) from `seed`.
pub fn random_template(seed: u64, n: usize) -> Template {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut minutiae: Vec<StoredMinutia> = Vec::new();
    let mut tries = 0;
    while minutiae.len() < n && tries < 10_000 {
        tries += 1;
        let x = rng.gen_range(40u16..360);
        let y = rng.gen_range(40u16..360);
        if minutiae.iter().any(|m| {
            (i32::from(m.x) - i32::from(x)).abs() < 10 && (i32::from(m.y) - i32::from(y)).abs() < 10
        }) {
            continue;
        }
        minutiae.push(StoredMinutia {
            x,
            y,
            angle: rng.r#gen(),
            kind: if rng.gen_bool(0.5) {
                Kind::Ending
            } else {
                Kind::Bifurcation
            },
            reliability: rng.gen_range(30..100),
        });
    }
    Template {
        width: 400,
        height: 400,
        quality: 60,
        minutiae,
        flow: Default::default(),
        ridge_counts: Vec::new(),
        texture: Default::default(),
        second_view: None,
    }
}

/// A version 5 template: a first view with ridge counts and texture, and a second view.
pub fn two_view_template() -> Template {
    let mut t = random_template(7, 12);
    t.ridge_counts = vec![[1; ridge_count::LINKS]; t.minutiae.len()];
    t.texture = RidgeTexture {
        left: 0,
        top: 0,
        cols: 4,
        rows: 4,
        valid: vec![1],
        sign: vec![0; 4],
    };
    let mut second = random_template(8, 15);
    second.ridge_counts = vec![[2; ridge_count::LINKS]; second.minutiae.len()];
    t.second_view = Some(Box::new(second));
    t
}

/// Folder of the FVC2002 development images, relative to the crate manifest.
pub fn fvc_dir(set: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/fingerprints")
        .join(set)
        .join("tif")
}

/// The prepared template of image `name` (e.g. `101_1`) of an FVC development set at 500 ppi.
pub fn fvc_prepared(set: &str, name: &str) -> super::Prepared {
    super::prepare(&fvc_template(set, name))
}

/// [`fvc_prepared`] with the template's second view, as 1:1 verification prepares it.
pub fn fvc_prepared_views(set: &str, name: &str) -> super::Prepared {
    super::prepare_for_verification(&fvc_template(set, name))
}

/// The template (both views) of image `name` of an FVC development set at 500 ppi.
fn fvc_template(set: &str, name: &str) -> Template {
    let bytes = std::fs::read(fvc_dir(set).join(format!("{name}.tif"))).expect("FVC image");
    super::extract(&bytes, 500).expect("usable").template
}

/// Any stored minutia (proptest strategy).
fn arb_minutia() -> impl Strategy<Value = StoredMinutia> {
    (
        0u16..16384,
        0u16..16384,
        any::<u8>(),
        any::<bool>(),
        0u8..=100,
    )
        .prop_map(|(x, y, angle, bif, reliability)| StoredMinutia {
            x,
            y,
            angle,
            kind: if bif { Kind::Bifurcation } else { Kind::Ending },
            reliability,
        })
}

/// Any ridge flow grid (proptest strategy).
pub fn arb_flow() -> impl Strategy<Value = RidgeFlow> {
    (any::<u8>(), any::<u8>(), 0u8..40, 0u8..40).prop_flat_map(|(left, top, cols, rows)| {
        let n = usize::from(cols) * usize::from(rows);
        prop::collection::vec(0u8..=LEVELS, n).prop_map(move |cells| RidgeFlow {
            left,
            top,
            cols,
            rows,
            cells,
        })
    })
}

/// Any template the codecs must round-trip (proptest strategy): one view, and a second
/// view beside a first with ridge counts and texture half of the time.
pub fn arb_template() -> impl Strategy<Value = Template> {
    (arb_view(), arb_view(), any::<bool>()).prop_map(|(mut first, second, two)| {
        if two && !first.texture.is_empty() {
            // The same capture: the same image size (the second view's texture is re-made
            // for it, since a texture must lie within its image).
            let (width, height) = (first.width, first.height);
            let texture = if second.texture.fits(width, height) {
                second.texture
            } else {
                RidgeTexture::default()
            };
            first.second_view = Some(Box::new(Template {
                width,
                height,
                texture,
                ..second
            }));
        }
        first
    })
}

/// Any one view of a template (no second view).
fn arb_view() -> impl Strategy<Value = Template> {
    (
        any::<u16>(),
        any::<u16>(),
        0u8..=100,
        prop::collection::vec(arb_minutia(), 0..=255),
        arb_flow(),
        any::<bool>(),
        any::<u64>(),
        any::<bool>(),
    )
        .prop_map(
            |(width, height, quality, minutiae, flow, counted, seed, textured)| {
                // Ridge counts (any 4-bit value) for every minutia, or none at all.
                let n = minutiae.len();
                let mut rng = StdRng::seed_from_u64(seed);
                let ridge_counts = if counted && n > 0 {
                    (0..n)
                        .map(|_| [0; ridge_count::LINKS].map(|_: u8| rng.gen_range(0..16)))
                        .collect()
                } else {
                    Vec::new()
                };
                // A texture only goes with ridge counts (version 4), inside the image.
                let texture = if textured && !ridge_counts.is_empty() {
                    random_texture(&mut rng, width, height)
                } else {
                    RidgeTexture::default()
                };
                Template {
                    width,
                    height,
                    quality,
                    minutiae,
                    flow,
                    ridge_counts,
                    texture,
                    second_view: None,
                }
            },
        )
}

/// A random ridge texture within a `width` × `height` px image: a box of whole blocks (4
/// cells a side) with random bits; none when the image has no whole block.
fn random_texture(rng: &mut StdRng, width: u16, height: u16) -> RidgeTexture {
    // Within the largest image a texture may describe (16,383 px) too.
    let (blocks_x, blocks_y) = (width.min(16376) / 8, height.min(16376) / 8);
    if blocks_x == 0 || blocks_y == 0 {
        return RidgeTexture::default();
    }
    let (bw, bh) = (
        rng.gen_range(1..=blocks_x.min(11)),
        rng.gen_range(1..=blocks_y.min(11)),
    );
    let (cols, rows) = (4 * bw, 4 * bh);
    let valid_len = usize::from(bw * bh).div_ceil(8);
    let sign_len = usize::from(cols).div_ceil(8) * usize::from(rows);
    RidgeTexture {
        left: 4 * rng.gen_range(0..=blocks_x - bw),
        top: 4 * rng.gen_range(0..=blocks_y - bh),
        cols,
        rows,
        valid: (0..valid_len).map(|_| rng.r#gen()).collect(),
        sign: (0..sign_len).map(|_| rng.r#gen()).collect(),
    }
}
