//! Matcher lab (issue #4): caches the templates of the FVC2002 development sets once, then
//! compares every pair of prepared templates with `compare_with` — the loop to run under
//! `valgrind --tool=callgrind --toggle-collect='*compare_with*'` — and optionally dumps the
//! scores (as f32 bit patterns) so that two builds can be checked for bit-identical results.
//!
//! ```text
//! cargo run --release --example match_lab -- cache      # extract 160 images once
//! LAB_DUMP=/tmp/scores.txt cargo run --release --example match_lab -- run
//! ```
//! `match_lab eval DIR PPI` prints the `huella eval fingerprints DIR --ppi PPI --json` figures
//! (same library call) from this optimised build.
//! `match_lab resample SRC DST PPI` writes the 500 ppi images of SRC resampled to PPI (Lanczos)
//! as PNG into DST, for the resolution sanity check.
//! `match_lab crop SRC DST DX DY` writes SRC's images with DX columns and DY rows cut off the
//! top left (PNG), to see how much the figures move when only the block-grid phase changes.
//! `match_lab degrade SRC DST KIND P` writes SRC's images degraded as another sensor might
//! give them (PNG into DST), as held-out proxies: `invert` (white ridges on a black field),
//! `contrast P` (grey levels squeezed to P around 160), `blur P` (Gaussian, σ = P px), `gamma P` (tone curve 255 (v/255)^P),
//! `noise P` (Gaussian-like, σ ≈ P grey levels), `rotate P` (each impression turned by its own
//! angle within ±P°), `pad P` (P px of the border's median grey around), `darkbg P` (near-white pixels set to P).
//! `match_lab calibrate DIR...` prints the calibration table as `huella eval calibrate` does.
//! `match_lab quality DIR PPI` prints the extended EER after rejecting the 10 / 20 % lowest-quality
//! images. `match_lab tcache OUT DIR...` caches the templates of many sets (ppi from `_r_PPI` at
//! the end of the folder's name, else `_400` / `_600` in the path, else 500; prints each set's extraction time per image and FTE) and `match_lab teval OUT` prints each set's figures and the
//! means from them (1:1 verification scores; `LAB_MATCHER_ONLY=1`: the matcher's alone). `match_lab hard DIR PPI` lists the genuine pairs at or
//! below the best FVC impostor.
//! `match_lab synth DST PEOPLE IMPRESSIONS SEED` writes a synthetic set (devices crate generator)
//! in the FVC layout, for `eval`.
//! `match_lab look SRC PPI OUT.png` draws the minutiae on the image; `match_lab topimp DIR...`
//! lists the 20 highest impostor scores over the folders; `match_lab demo1n PEOPLE [IMPRESSION]`
//! runs the demo's duplicate search over synthetic people (`LAB_NOFLOW=1`: templates without
//! the ridge flow).
//! `match_lab texsearch CACHE SET` brute-forces the rigid alignment that maximises the ridge
//! texture's agreement for a cached set's hard genuine pairs and FVC impostors (env `TS_*`).
//! `match_lab zcal CACHE` prints every cached pair's score and texture statistic and fits
//! the texture's calibration table on the impostors (`verify::TEXTURE_TABLE`).
//! `match_lab flowsearch CACHE SET` brute-forces the ridge-flow alignment of a cached set's
//! hard genuine pairs and FVC impostors and counts the minutia pairs under it (issue #14).
//! `match_lab probe FILE...` prints each 500 ppi image's minutiae count and the pairwise scores.
//! `match_lab features DIR...` prints per image its minutiae count, area, coherence, clarity,
//! share of blocks with a valid period, mean minutia reliability and quality score.
//! `match_lab stable A B DX DY` prints how repeatable the minutiae are under a shift: B holds
//! A's images cropped by (DX, DY); a minutia of A counts as found again when one of B's,
//! moved back by the crop, lies within 3 px and 15°; prints the mean share per image.
//! `LAB_BENCH=1` loops over the pairs of `cargo bench --bench matching` instead.
//! `LAB_PORTABLE=1` (`run`, `teval`) uses the portable kernels even on an AVX-512 CPU, and
//! `LAB_KERNEL=avx2|portable|auto` chooses them (the dumps must not change); `teval` with `LAB_DUMP` dumps every ordered pair within each set.
//! `LAB_CACHE` (default `/tmp/huella-lab-templates.bin`) is the cache file, `LAB_REPS` the
//! number of passes over all pairs (default 1).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use huella::matching::eval::{Sample, list_samples};
use huella::matching::matcher::{Kernels, Scratch, compare_with};
use huella::matching::{Prepared, Template, extract, prepare, prepare_for_verification};

/// The capture resolution of a folder: `…_r_PPI` (as `resample` names its output here), else
/// `_400` / `_600` in the path, else 500.
fn folder_ppi(d: &str) -> u32 {
    d.rsplit_once("_r_")
        .and_then(|(_, p)| p.trim_end_matches('/').parse().ok())
        .unwrap_or(if d.contains("_400") {
            400
        } else if d.contains("_600") {
            600
        } else {
            500
        })
}

/// The set a cached folder belongs to, for the means: the `FVC…` component of its path
/// (phase and resolution variants of one set share it), else the folder itself.
fn set_key(dir: &str) -> String {
    dir.split('/')
        .find(|c| c.starts_with("FVC"))
        .map(|c| c.split("_B").next().unwrap_or(c).to_string())
        .unwrap_or_else(|| dir.to_string())
}

fn cache_path() -> PathBuf {
    std::env::var_os("LAB_CACHE").map_or_else(
        || PathBuf::from("/tmp/huella-lab-templates.bin"),
        PathBuf::from,
    )
}

/// Appends `body` to `out` with its length as a little-endian u32 before it (the lab's caches).
fn put_framed(out: &mut Vec<u8>, body: &[u8]) {
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(body);
}

/// Takes the next [`put_framed`] body off the front of `rest` (`None` at the end or when cut).
fn take_framed<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, tail) = rest.split_first_chunk::<4>()?;
    let (body, tail) = tail.split_at_checked(u32::from_le_bytes(*len) as usize)?;
    *rest = tail;
    Some(body)
}

/// One set of a `tcache` file: its folder and its templates in sample order (`None` where
/// extraction failed).
type CachedSet = (String, Vec<Option<Template>>);

/// The sets of a `tcache` file.
fn read_tcache(path: &str) -> Result<Vec<CachedSet>, Box<dyn std::error::Error>> {
    let data = std::fs::read(path)?;
    let mut rest = data.as_slice();
    let mut sets = Vec::new();
    while let Some(dir) = take_framed(&mut rest) {
        let dir = String::from_utf8(dir.to_vec())?;
        let n = take_framed(&mut rest).ok_or("truncated")?;
        let n = u32::from_le_bytes(n.try_into()?) as usize;
        let mut templates = Vec::with_capacity(n);
        for _ in 0..n {
            let body = take_framed(&mut rest).ok_or("truncated")?;
            templates.push(Template::decode(body).ok());
        }
        sets.push((dir, templates));
    }
    Ok(sets)
}

fn build_cache() -> Result<(), Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    for set in ["FVC2002_DB1_B", "FVC2002_DB3_B"] {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/fingerprints")
            .join(set)
            .join("tif");
        for s in list_samples(&dir)? {
            let e = extract(&std::fs::read(&s.path)?, 500)?;
            put_framed(&mut out, &e.template.encode());
        }
    }
    std::fs::write(cache_path(), out)?;
    Ok(())
}

fn read_cache() -> Result<Vec<Template>, Box<dyn std::error::Error>> {
    let data = std::fs::read(cache_path())?;
    let mut rest = data.as_slice();
    let mut out = Vec::new();
    while let Some(body) = take_framed(&mut rest) {
        out.push(Template::decode(body)?);
    }
    Ok(out)
}

/// Every pair i < j of `n` items scored by `score` on two threads (each with its own
/// scratch), in (i, j) order.
fn each_pair<T: Send>(
    n: usize,
    score: impl Fn(usize, usize, &mut Scratch) -> T + Sync,
) -> Vec<(usize, usize, T)> {
    let jobs: Vec<(usize, usize)> = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let out = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let mut scratch = Scratch::default();
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&(i, j)) = jobs.get(k) else { break };
                    let row = score(i, j, &mut scratch);
                    out.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push((i, j, row));
                }
            });
        }
    });
    let mut out = out
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    out.sort_by_key(|r| (r.0, r.1));
    out
}

/// The value of environment variable `key`, or `default` when it is unset or unreadable.
fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Scratch for the lab's loops: `LAB_KERNEL=avx2|portable|auto` chooses the kernels
/// (`LAB_PORTABLE=1` = `portable`), to check that they give the same dump and to time them.
fn lab_scratch() -> Scratch {
    let kernel = std::env::var("LAB_KERNEL").unwrap_or_default();
    if std::env::var_os("LAB_PORTABLE").is_some() || kernel == "portable" {
        return Scratch::portable();
    }
    match kernel.as_str() {
        "avx2" => Scratch::with_kernels(Kernels::Avx2),
        "" | "auto" => Scratch::default(),
        other => panic!("LAB_KERNEL={other}: expected avx2, portable or auto"),
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let reps: usize = std::env::var("LAB_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let prepared: Vec<_> = read_cache()?.iter().map(prepare).collect();
    let mut scratch = lab_scratch();
    let mut scores = Vec::new();
    let t0 = Instant::now();
    // LAB_BENCH=1: the pairs of `cargo bench --bench matching` (every third template against
    // all, self-comparisons included) instead of all i < j.
    let bench = std::env::var_os("LAB_BENCH").is_some();
    for _ in 0..reps {
        scores.clear();
        for (i, a) in prepared.iter().enumerate() {
            if bench && i % 3 != 0 {
                continue;
            }
            let others = if bench {
                &prepared[..]
            } else {
                &prepared[i + 1..]
            };
            for b in others {
                scores.push(compare_with(a, b, &mut scratch));
            }
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    let n = scores.len() * reps;
    let sum: f64 = scores.iter().map(|&s| f64::from(s)).sum();
    println!(
        "{} templates, {n} comparisons in {secs:.2} s: {:.0}/s; checksum {sum:.6}",
        prepared.len(),
        n as f64 / secs
    );
    if let Some(path) = std::env::var_os("LAB_DUMP") {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for s in &scores {
            writeln!(f, "{:08x}", s.to_bits())?;
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    match std::env::args().nth(1).as_deref() {
        Some("cache") => build_cache(),
        Some("run") => run(),
        Some("eval") => {
            let dir = std::env::args().nth(2).ok_or("eval DIR PPI")?;
            let ppi: u32 = std::env::args().nth(3).ok_or("eval DIR PPI")?.parse()?;
            let r = huella::matching::eval::evaluate_dir(std::path::Path::new(&dir), ppi, 2)?;
            println!("{}", serde_json::to_string(&r)?);
            Ok(())
        }
        Some("resample") => {
            let arg = |k: usize| std::env::args().nth(k).ok_or("resample SRC DST PPI");
            let (src, dst) = (PathBuf::from(arg(2)?), PathBuf::from(arg(3)?));
            let ppi: f64 = arg(4)?.parse()?;
            std::fs::create_dir_all(&dst)?;
            for s in list_samples(&src)? {
                let img = image::open(&s.path)?.to_luma8();
                let scale = ppi / 500.0;
                let w = (f64::from(img.width()) * scale).round() as u32;
                let h = (f64::from(img.height()) * scale).round() as u32;
                let out = image::imageops::resize(&img, w, h, image::imageops::FilterType::Lanczos3);
                out.save(dst.join(format!("{}_{}.png", s.finger, s.impression)))?;
            }
            Ok(())
        }
        Some("crop") => {
            // Grid-phase check: the same images with DX columns / DY rows cut off the top left.
            let arg = |k: usize| std::env::args().nth(k).ok_or("crop SRC DST DX DY");
            let (src, dst) = (PathBuf::from(arg(2)?), PathBuf::from(arg(3)?));
            let (dx, dy): (u32, u32) = (arg(4)?.parse()?, arg(5)?.parse()?);
            std::fs::create_dir_all(&dst)?;
            for s in list_samples(&src)? {
                let img = image::open(&s.path)?.to_luma8();
                let (w, h) = (img.width().saturating_sub(dx), img.height().saturating_sub(dy));
                let out = image::imageops::crop_imm(&img, dx, dy, w, h).to_image();
                out.save(dst.join(format!("{}_{}.png", s.finger, s.impression)))?;
            }
            Ok(())
        }
        Some("degrade") => {
            // Held-out proxies: SRC's images degraded as another sensor might (PNG into DST).
            let arg = |k: usize| std::env::args().nth(k).ok_or("degrade SRC DST KIND PARAM");
            let (src, dst) = (PathBuf::from(arg(2)?), PathBuf::from(arg(3)?));
            let kind = arg(4)?;
            let p: f32 = arg(5)?.parse()?;
            std::fs::create_dir_all(&dst)?;
            use rand::{Rng, SeedableRng};
            for s in list_samples(&src)? {
                let img = image::open(&s.path)?.to_luma8();
                let seed = s.path.to_string_lossy().bytes().fold(7u64, |h, c| h.wrapping_mul(31).wrapping_add(u64::from(c)));
                let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
                let out: image::GrayImage = match kind.as_str() {
                    "invert" => {
                        let mut o = img.clone();
                        image::imageops::invert(&mut o);
                        o
                    }
                    "blur" => image::imageops::blur(&img, p),
                    "contrast" => {
                        // Range squeezed to P around 160 (a faint print).
                        image::ImageBuffer::from_fn(img.width(), img.height(), |x, y| {
                            let v = f32::from(img.get_pixel(x, y)[0]);
                            image::Luma([(160.0 + (v - 160.0) * p).clamp(0.0, 255.0) as u8])
                        })
                    }
                    "gamma" => image::ImageBuffer::from_fn(img.width(), img.height(), |x, y| {
                        // Another tone curve: v' = 255 (v / 255)^P.
                        let v = f32::from(img.get_pixel(x, y)[0]) / 255.0;
                        image::Luma([(255.0 * v.powf(p)).round().clamp(0.0, 255.0) as u8])
                    }),
                    "noise" => image::ImageBuffer::from_fn(img.width(), img.height(), |x, y| {
                        let v = f32::from(img.get_pixel(x, y)[0]);
                        let n: f32 = (0..12).map(|_| rng.r#gen::<f32>()).sum::<f32>() - 6.0;
                        image::Luma([(v + p * n).clamp(0.0, 255.0) as u8])
                    }),
                    "rotate" => {
                        // Each impression turned by its own angle in [-P, P] degrees, white fill.
                        let a = (rng.r#gen::<f32>() * 2.0 - 1.0) * p.to_radians();
                        let (w, h) = (img.width() as f32, img.height() as f32);
                        let (cx, cy) = (w / 2.0, h / 2.0);
                        let (sn, cs) = a.sin_cos();
                        image::ImageBuffer::from_fn(img.width(), img.height(), |x, y| {
                            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
                            let (sx, sy) = (cx + dx * cs + dy * sn, cy - dx * sn + dy * cs);
                            let v = if sx >= 0.0 && sy >= 0.0 && sx < w - 1.0 && sy < h - 1.0 {
                                let (x0, y0) = (sx as u32, sy as u32);
                                let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
                                let g = |x, y| f32::from(img.get_pixel(x, y)[0]);
                                g(x0, y0) * (1.0 - fx) * (1.0 - fy)
                                    + g(x0 + 1, y0) * fx * (1.0 - fy)
                                    + g(x0, y0 + 1) * (1.0 - fx) * fy
                                    + g(x0 + 1, y0 + 1) * fx * fy
                            } else {
                                255.0
                            };
                            image::Luma([v as u8])
                        })
                    }
                    "pad" => {
                        // A larger capture area: P pixels of background around the print.
                        // Filled with the median of the image's own border (its platen).
                        let q = p as u32;
                        let (w, h) = (img.width(), img.height());
                        let mut edge: Vec<u8> = (0..w)
                            .flat_map(|x| [img.get_pixel(x, 0)[0], img.get_pixel(x, h - 1)[0]])
                            .chain((0..h).flat_map(|y| [img.get_pixel(0, y)[0], img.get_pixel(w - 1, y)[0]]))
                            .collect();
                        edge.sort_unstable();
                        let fill = edge.get(edge.len() / 2).copied().unwrap_or(255);
                        let mut o = image::GrayImage::from_pixel(w + 2 * q, h + 2 * q, image::Luma([fill]));
                        image::imageops::overlay(&mut o, &img, i64::from(q), i64::from(q));
                        o
                    }
                    "darkbg" => {
                        // Background dark (P), ridges kept: pixels brighter than the print's
                        // valleys mapped down, as a sensor with a black platen.
                        image::ImageBuffer::from_fn(img.width(), img.height(), |x, y| {
                            let v = f32::from(img.get_pixel(x, y)[0]);
                            let o = if v > 230.0 { p } else { v };
                            image::Luma([o as u8])
                        })
                    }
                    other => return Err(format!("unknown kind {other}").into()),
                };
                out.save(dst.join(format!("{}_{}.png", s.finger, s.impression)))?;
            }
            Ok(())
        }
        Some("tcache") => {
            // Templates of every image of DIR... into one file, for matcher-only runs: per set its
            // path, its image count and each template (empty = failed to enrol), all framed.
            let out = std::env::args().nth(2).ok_or("tcache OUT DIR...")?;
            let mut bytes = Vec::new();
            for d in std::env::args().skip(3) {
                let samples = list_samples(std::path::Path::new(&d))?;
                let ppi = folder_ppi(&d);
                put_framed(&mut bytes, d.as_bytes());
                put_framed(&mut bytes, &(samples.len() as u32).to_le_bytes());
                // Extraction time per image (decode included, one core), and failures to enrol.
                let (mut secs, mut fte) = (0.0f64, 0usize);
                for s in &samples {
                    let data = std::fs::read(&s.path)?;
                    let t0 = Instant::now();
                    let t = extract(&data, ppi).map(|e| e.template.encode());
                    secs += t0.elapsed().as_secs_f64();
                    fte += usize::from(t.is_err());
                    put_framed(&mut bytes, &t.unwrap_or_default());
                }
                eprintln!(
                    "{}: extraction {:.1} ms/image, FTE {fte}",
                    set_key(&d),
                    secs * 1e3 / samples.len().max(1) as f64
                );
            }
            std::fs::write(out, bytes)?;
            Ok(())
        }
        Some("teval") => {
            // FVC figures of every set in a `tcache` file, matcher only, and their means.
            // LAB_DUMP=FILE also writes every ordered pair's score within each set (f32 bits).
            let cache = read_tcache(&std::env::args().nth(2).ok_or("teval CACHE")?)?;
            let mut sums = std::collections::BTreeMap::<String, (f64, f64, f64, usize)>::new();
            let mut dump = match std::env::var_os("LAB_DUMP") {
                Some(path) => Some(std::io::BufWriter::new(std::fs::File::create(path)?)),
                None => None,
            };
            let mut scratch = lab_scratch();
            for (dir, templates) in cache {
                // Both views, as `huella eval` prepares them (the dump compares first views).
                let prepared: Vec<_> = templates
                    .iter()
                    .map(|t| t.as_ref().map(prepare_for_verification))
                    .collect();
                if let Some(f) = dump.as_mut() {
                    for a in prepared.iter().flatten() {
                        for b in prepared.iter().flatten() {
                            writeln!(f, "{:08x}", compare_with(a, b, &mut scratch).to_bits())?;
                        }
                    }
                }
                let samples = list_samples(std::path::Path::new(&dir))?;
                let scoring = if std::env::var_os("LAB_MATCHER_ONLY").is_some() {
                    huella::matching::eval::Scoring::MatcherOnly
                } else {
                    huella::matching::eval::Scoring::Verification
                };
                let r = huella::matching::eval::report_scored(&samples, &prepared, 0.0, 2, scoring);
                let set = set_key(&dir);
                let e = sums.entry(set.to_string()).or_default();
                e.0 += r.eer;
                e.1 += r.ext_eer;
                e.2 += r.rank1;
                e.3 += 1;
                println!(
                    "{dir}: EER {:.2} ext {:.2} rank1 {:.2}",
                    100.0 * r.eer,
                    100.0 * r.ext_eer,
                    100.0 * r.rank1
                );
            }
            let mut mean = 0.0;
            for (set, (e, x, r, k)) in &sums {
                let k = *k as f64;
                mean += e / k / sums.len() as f64;
                println!(
                    "{set} mean of {k}: EER {:.3} ext {:.3} rank1 {:.2}",
                    100.0 * e / k,
                    100.0 * x / k,
                    100.0 * r / k
                );
            }
            println!("mean EER {:.3}", 100.0 * mean);
            Ok(())
        }
        Some("quality") => {
            // Does quality predict matchability? Extended EER after rejecting the 0 / 10 / 20 %
            // lowest-quality images.
            let dir = std::env::args().nth(2).ok_or("quality DIR PPI")?;
            let ppi: u32 = std::env::args().nth(3).ok_or("quality DIR PPI")?.parse()?;
            let samples = list_samples(std::path::Path::new(&dir))?;
            let mut prints = Vec::new();
            for s in &samples {
                let e = extract(&std::fs::read(&s.path)?, ppi)?;
                prints.push((e.quality.score, prepare(&e.template)));
            }
            for (reject, eer) in REJECT_PERCENT.into_iter().zip(rejection_eers(&samples, &prints)) {
                let kept = prints.len() - prints.len() * reject / 100;
                println!("reject {reject:2} %: {kept} images, ext EER {:.2} %", 100.0 * eer);
            }
            Ok(())
        }
        Some("tquality") => {
            // `quality` over every set of a `tcache` file (the template carries the quality):
            // mean extended EER per sensor after rejecting 0 / 10 / 20 % of each set.
            let cache = read_tcache(&std::env::args().nth(2).ok_or("tquality CACHE")?)?;
            let mut sums = std::collections::BTreeMap::<&str, ([f64; 3], usize)>::new();
            for (dir, templates) in cache {
                let samples = list_samples(std::path::Path::new(&dir))?;
                let (mut kept_samples, mut prints) = (Vec::new(), Vec::new());
                for (s, t) in samples.into_iter().zip(&templates) {
                    if let Some(t) = t {
                        prints.push((t.quality, prepare(t)));
                        kept_samples.push(s);
                    }
                }
                let eers = rejection_eers(&kept_samples, &prints);
                let e = sums.entry(if dir.contains("DB1") { "DB1" } else { "DB3" }).or_default();
                for (sum, x) in e.0.iter_mut().zip(eers) {
                    *sum += x;
                }
                e.1 += 1;
            }
            for (set, (eers, k)) in &sums {
                let m: Vec<String> = eers.iter().map(|e| format!("{:.2}", 100.0 * e / *k as f64)).collect();
                println!("{set} mean of {k}: ext EER rejecting 0 / 10 / 20 %: {}", m.join(" / "));
            }
            Ok(())
        }
        Some("synth") => {
            // A synthetic set in the FVC layout: PEOPLE fingers (people SEED.., one
            // finger each, positions in turn) × IMPRESSIONS impressions (1.., never the undistorted
            // reference 0), as `F_I.png`, from the devices crate's generator.
            let arg = |k: usize| std::env::args().nth(k).ok_or("synth DST PEOPLE IMPRESSIONS SEED");
            let dst = PathBuf::from(arg(2)?);
            let (people, impressions, seed): (u64, u32, u64) =
                (arg(3)?.parse()?, arg(4)?.parse()?, arg(5)?.parse()?);
            std::fs::create_dir_all(&dst)?;
            for p in 0..people {
                let finger = huella_devices::SimFinger::all()
                    .nth((p % 10) as usize)
                    .ok_or("no finger")?;
                let f = huella_devices::synthetic::SyntheticFinger::new(seed + p, finger);
                for i in 1..=impressions {
                    let img = f.impression(i);
                    let out = image::GrayImage::from_raw(
                        u32::from(img.width),
                        u32::from(img.height),
                        img.pixels,
                    )
                    .ok_or("image size")?;
                    out.save(dst.join(format!("{}_{i}.png", 101 + p)))?;
                }
            }
            Ok(())
        }
        Some("flowsearch") => {
            // CACHE SET (issue #14 sixth pass): for the hard genuine pairs of the cached set whose
            // folder contains SET and for its FVC impostors, the rigid alignment that maximises
            // the ridge-flow agreement (all cells; ±45° in 3° steps, ±80 px in 8 px steps around
            // the flow centroids, ≥ 60 cells in common; value = mean cos 2Δθ × min(1, cells / 160)) and the minutia
            // pairs under it (16 px, 20°; and those with local similarity > 0.2); also the
            // rank-1 misses.
            use huella::matching::ridge_flow::{self, PreparedFlow};
            let cache = read_tcache(&std::env::args().nth(2).ok_or("flowsearch CACHE SET")?)?;
            let want = std::env::args().nth(3).ok_or("flowsearch CACHE SET")?;
            let (dir, templates) = cache.into_iter().find(|(d, _)| d.contains(&want)).ok_or("set")?;
            let samples = list_samples(std::path::Path::new(&dir))?;
            let prep: Vec<Option<Prepared>> = templates.iter().map(|t| t.as_ref().map(prepare)).collect();
            let full = |p: &Prepared| {
                let g = &p.flow.grid;
                let mut cells = Vec::new();
                for (k, &l) in g.cells.iter().enumerate() {
                    if l == 0 { continue; }
                    let cx = k % usize::from(g.cols) + usize::from(g.left);
                    let cy = k / usize::from(g.cols) + usize::from(g.top);
                    let t = 2.0 * ridge_flow::level_angle(l);
                    cells.push([(cx as f32 + 0.5) * 16.0, (cy as f32 + 0.5) * 16.0, t.cos(), t.sin()]);
                }
                PreparedFlow { cells, grid: g.clone() }
            };
            let fulls: Vec<Option<PreparedFlow>> = prep.iter().map(|p| p.as_ref().map(full)).collect();
            let search = |i: usize, j: usize| -> Option<(f32, f32, f32, usize, f32)> {
                let (fa, fb) = (fulls[i].as_ref()?, fulls[j].as_ref()?);
                let (ca, cb) = (centroid(&fa.cells), centroid(&fb.cells));
                let mut best: Option<(f32, f32, f32, usize, f32)> = None;
                let mut r = -45.0f32;
                while r <= 45.0 {
                    let rot = r.to_radians();
                    let (s, c) = rot.sin_cos();
                    for dy in -10..=10 {
                        for dx in -10..=10 {
                            let (tx, ty) = (cb.0 + dx as f32 * 8.0, cb.1 + dy as f32 * 8.0);
                            let map = |x: f32, y: f32| {
                                let (u, v) = (x - ca.0, y - ca.1);
                                (tx + u * c - v * s, ty + u * s + v * c)
                            };
                            let (n, m) = ridge_flow::agreement(fa, fb, rot, map);
                            if n < 60 { continue; }
                            let v = m * (n as f32 / 160.0).min(1.0);
                            if best.is_none_or(|b| v > b.4) {
                                best = Some((rot, tx, ty, n, v));
                            }
                        }
                    }
                    r += 3.0;
                }
                best
            };
            let pairs_under = |i: usize, j: usize, al: (f32, f32, f32, usize, f32)| -> (usize, usize) {
                let (Some(a), Some(b), Some(fa)) = (&prep[i], &prep[j], &fulls[i]) else {
                    return (0, 0);
                };
                let ca = centroid(&fa.cells);
                let (s, c) = al.0.sin_cos();
                let (mut n, mut ns) = (0, 0);
                let mut used = vec![false; b.points.len()];
                for (ia, p) in a.points.iter().enumerate() {
                    let (u, v) = (p[0] - ca.0, p[1] - ca.1);
                    let (x, y) = (al.1 + u * c - v * s, al.2 + u * s + v * c);
                    let t = p[2] + al.0;
                    let hit = b.points.iter().enumerate().position(|(jb, q)| !used[jb]
                        && (q[0] - x).hypot(q[1] - y) <= 16.0
                        && huella::matching::matcher::signed_diff(q[2], t).abs() <= 0.35);
                    if let Some(jb) = hit {
                        used[jb] = true;
                        n += 1;
                        if huella::matching::matcher::local_similarity(&a.cylinders.at(ia), &b.cylinders.at(jb)) > 0.2 { ns += 1; }
                    }
                }
                (n, ns)
            };
            let sc = |i: usize, j: usize| match (&prep[i], &prep[j]) {
                (Some(a), Some(b)) => huella::matching::compare(a, b),
                _ => 0.0,
            };
            let firsts: Vec<usize> = (0..samples.len()).filter(|&i| samples[i].impression == 1).collect();
            let mut imp = 0.0f32;
            let mut impv = Vec::new();
            for (x, &i) in firsts.iter().enumerate() {
                for &j in &firsts[x + 1..] {
                    imp = imp.max(sc(i, j));
                    if let Some(al) = search(i, j) {
                        let (n, ns) = pairs_under(i, j, al);
                        impv.push((al.4, al.3, n, ns));
                    }
                }
            }
            for p in 0..samples.len() {
                if samples[p].impression == 1 { continue; }
                let Some(best) = firsts.iter().map(|&g| (sc(p, g), g)).max_by(|a, b| a.0.total_cmp(&b.0)) else {
                    continue;
                };
                if best.0 > 0.0 && samples[best.1].finger == samples[p].finger { continue; }
                let Some(own) = firsts.iter().copied().find(|&g| samples[g].finger == samples[p].finger) else {
                    continue;
                };
                let n = |k: usize| prep[k].as_ref().map_or(0, |p| p.points.len());
                println!("rank1 miss {}_{} (n {}): own {}_1 {:.4} (n {}), best {}_1 {:.4} (n {})",
                    samples[p].finger, samples[p].impression, n(p), samples[own].finger, sc(p, own), n(own),
                    samples[best.1].finger, best.0, n(best.1));
            }
            impv.sort_by(|a, b| b.0.total_cmp(&a.0));
            println!("max FVC impostor {imp:.4}; top impostor flow agreements (v, cells, pairs, pairs s>0.2):");
            for v in impv.iter().take(12) { println!("  {:.3} {} {} {}", v.0, v.1, v.2, v.3); }
            let q = |f: f32| impv[((impv.len() as f32 * f) as usize).min(impv.len() - 1)].0;
            println!("impostor v quantiles 1% {:.3} 10% {:.3} 50% {:.3}", q(0.01), q(0.1), q(0.5));
            for i in 0..samples.len() {
                for j in i + 1..samples.len() {
                    if samples[i].finger != samples[j].finger { continue; }
                    let s = sc(i, j);
                    if s > imp { continue; }
                    let n = |k: usize| prep[k].as_ref().map_or(0, |p| p.points.len());
                    let nc = |k: usize| prep[k].as_ref().map_or(0, |p| p.cores.len());
                    let fa = |k: usize| fulls[k].as_ref().map_or(0, |f| f.cells.len());
                    let al = search(i, j);
                    let (pn, pns) = al.map_or((0, 0), |al| pairs_under(i, j, al));
                    println!("{}_{} {}_{} s {s:.4} n {} {} cores {} {} cells {} {} flow {} pairs {pn} s>0.2 {pns}",
                        samples[i].finger, samples[i].impression, samples[j].finger, samples[j].impression,
                        n(i), n(j), nc(i), nc(j), fa(i), fa(j),
                        al.map_or("-".to_string(), |a| format!("rot {:.0} v {:.3} cells {}", a.0.to_degrees(), a.4, a.3)));
                }
            }
            Ok(())
        }
        Some("zcal") => {
            // Every pair of every set in a `tcache` file: the matcher's score and the texture
            // statistic of 1:1 verification (`verify::texture_statistic`, NaN without one),
            // one line each (`GEN`/`IMP`, set, the two images), then the calibration table
            // `calibration::fit` gives for the impostors' statistics (issue #14, twenty-third
            // pass: `verify::TEXTURE_TABLE`).
            use huella::matching::verify::{TEXTURE_GRID, texture_statistic_on};
            let cache = read_tcache(&std::env::args().nth(2).ok_or("zcal CACHE")?)?;
            // ZC_RAW=1 also prints the search's agreement and points. TS_STEP, TS_RSTEP, TS_ROT (degrees), TS_REACH (px), TS_KEEP, TS_STRIDE: a study's grid.
            let grid = huella::matching::texture::RigidGrid {
                step: env_or("TS_STEP", TEXTURE_GRID.step),
                rot_step: env_or("TS_RSTEP", TEXTURE_GRID.rot_step.to_degrees()).to_radians(),
                max_rot: env_or("TS_ROT", TEXTURE_GRID.max_rot.to_degrees()).to_radians(),
                reach: env_or("TS_REACH", TEXTURE_GRID.reach),
                keep: env_or("TS_KEEP", TEXTURE_GRID.keep),
                stride: env_or("TS_STRIDE", TEXTURE_GRID.stride),
                ..TEXTURE_GRID
            };
            let texture_statistic = |a: &Prepared, b: &Prepared| texture_statistic_on(a, b, &grid);
            // WP_REACH, WP_STEP, WP_R, WP_MIN: a study's local search (ZC_WARP's columns).
            let base = huella::matching::verify::TEXTURE_WARP;
            let warp = huella::matching::texture::warp::WarpGrid {
                reach: env_or("WP_REACH", base.reach),
                step: env_or("WP_STEP", base.step),
                radius: env_or("WP_R", base.radius),
                min_neighbours: env_or("WP_MIN", base.min_neighbours),
            };
            let raw = std::env::var_os("ZC_RAW").is_some();
            // ZC_OTHER=CACHE: cross-view pairs, j's template from CACHE (a second view of the
            // same captures, found by image name) against i's, the score and z columns only.
            let other = match std::env::var_os("ZC_OTHER") {
                Some(path) => Some(read_tcache(&path.to_string_lossy())?),
                None => None,
            };
            let mut imp_z = Vec::new();
            for (dir, templates) in cache {
                let samples = list_samples(std::path::Path::new(&dir))?;
                let prep: Vec<Option<Prepared>> = templates.iter().map(|t| t.as_ref().map(prepare)).collect();
                let mut in_other: Vec<Option<Prepared>> = Vec::new();
                if let Some(cb) = &other {
                    let (dir_b, tb) = cb.iter().find(|(d, _)| set_key(d) == set_key(&dir)).ok_or("ZC_OTHER: no such set")?;
                    let sb = list_samples(std::path::Path::new(dir_b))?;
                    in_other = samples
                        .iter()
                        .map(|x| {
                            let k = sb.iter().position(|y| y.finger == x.finger && y.impression == x.impression)?;
                            tb.get(k)?.as_ref().map(prepare)
                        })
                        .collect();
                }
                let n = samples.len().min(prep.len());
                let out = each_pair(n, |i, j, scratch| {
                    let pair = match &other {
                        Some(_) => (in_other.get(j).and_then(Option::as_ref), prep[i].as_ref()),
                        None => (prep[i].as_ref(), prep[j].as_ref()),
                    };
                    let (score, z) = match pair {
                        (Some(a), Some(b)) => (compare_with(a, b, scratch), texture_statistic(a, b).unwrap_or(f32::NAN)),
                        _ => (0.0, f32::NAN),
                    };
                    // ZC_RAW: the search's own agreement and points too (searched again).
                    let raw = match (&prep[i], &prep[j]) {
                        (Some(a), Some(b)) if raw => {
                            let f = huella::matching::texture::search_rigid(&a.texture, &b.texture, &grid);
                            let mut line = format!(" {:.4} {}", f.agreement, f.points);
                            // ZC_WARP: the agreement under the local search from there too.
                            if std::env::var_os("ZC_WARP").is_some() && f.points > 0 {
                                let (cw, nw) = huella::matching::texture::warp::warped_agreement(&a.texture, &b.texture, &f, &warp);
                                line += &format!(" {cw:.4} {nw}");
                            }
                            line
                        }
                        _ => String::new(),
                    };
                    (score, z, raw)
                });
                let set = set_key(&dir);
                for (i, j, (score, z, raw)) in out {
                    let g = samples[i].finger == samples[j].finger;
                    if !g && z.is_finite() {
                        imp_z.push(z);
                    }
                    println!("{} {set} {}_{} {}_{} {score:.6} {z:.4}{raw}", if g { "GEN" } else { "IMP" },
                        samples[i].finger, samples[i].impression, samples[j].finger, samples[j].impression);
                }
            }
            println!("// {} impostor statistics", imp_z.len());
            for (f, t) in huella::matching::calibration::fit(&imp_z) {
                println!("    ({f:e}, {t:.4}),");
            }
            Ok(())
        }
        Some("vdump") => {
            // Every pair of every set in a `tcache` file, scored as 1:1 verification view by
            // view: `GEN`/`IMP`, set, the two images, then the first view's matcher score and
            // verification score, the second view's (NaN without one), and the mean.
            use huella::matching::verify::second_opinion;
            let cache = read_tcache(&std::env::args().nth(2).ok_or("vdump CACHE")?)?;
            for (dir, templates) in cache {
                let samples = list_samples(std::path::Path::new(&dir))?;
                let prep: Vec<Option<Prepared>> =
                    templates.iter().map(|t| t.as_ref().map(prepare_for_verification)).collect();
                let n = samples.len().min(prep.len());
                let out = each_pair(n, |i, j, scratch| match (&prep[i], &prep[j]) {
                    (Some(a), Some(b)) => {
                        let m1 = compare_with(a, b, scratch);
                        let v1 = second_opinion(a, b, m1);
                        let (m2, v2) = match (a.second_view.as_deref(), b.second_view.as_deref()) {
                            (Some(a2), Some(b2)) => {
                                let m2 = compare_with(a2, b2, scratch);
                                (m2, second_opinion(a2, b2, m2))
                            }
                            _ => (f32::NAN, f32::NAN),
                        };
                        let f = if v2.is_nan() { v1 } else { (v1 + v2) / 2.0 };
                        (m1, v1, m2, v2, f)
                    }
                    _ => (0.0, 0.0, f32::NAN, f32::NAN, 0.0),
                });
                let set = set_key(&dir);
                for (i, j, (m1, v1, m2, v2, f)) in out {
                    let g = samples[i].finger == samples[j].finger;
                    println!("{} {set} {}_{} {}_{} {m1:.6} {v1:.6} {m2:.6} {v2:.6} {f:.6}", if g { "GEN" } else { "IMP" },
                        samples[i].finger, samples[i].impression, samples[j].finger, samples[j].impression);
                }
            }
            Ok(())
        }
        Some("texsearch") => {
            // Brute-force rigid alignment maximising the ridge texture's agreement (issue #14,
            // twenty-second pass), for the set's hard genuine pairs (TS_ALL: every genuine
            // pair) and its FVC impostors (TS_IMPALL: every first impression against every
            // other finger's impressions; TS_NOGEN: no genuine pairs). The alignment is
            // given to `texture::agreement` as a grid of pseudo-pairs 48 px apart over A's box,
            // mapped exactly; rotations ±30° in TS_RSTEP degrees (2), translations of A's box
            // centre onto B's ±TS_REACH px (120) in TS_STEP px (3); an alignment counts with
            // at least TS_MINPTS lattice points (600). Prints the best agreement c, its points,
            // rotation and shift; z = (c − 0.3) √points is the study's measure. TS_FAST: the
            // library's `texture::search_rigid` instead (its own z, a first stage on every
            // TS_STRIDE-th window, its TS_KEEP best measured again on all); TS_IMPFULL: every
            // impostor pair of the set.
            use huella::matching::texture;
            let cache = read_tcache(&std::env::args().nth(2).ok_or("texsearch CACHE SET")?)?;
            let want = std::env::args().nth(3).ok_or("texsearch CACHE SET")?;
            let all = std::env::var_os("TS_ALL").is_some();
            let (dir, templates) = cache.into_iter().find(|(d, _)| d.contains(&want)).ok_or("set")?;
            let samples = list_samples(std::path::Path::new(&dir))?;
            let prep: Vec<Option<Prepared>> = templates.iter().map(|t| t.as_ref().map(prepare)).collect();
            let sc = |i: usize, j: usize| match (&prep[i], &prep[j]) {
                (Some(a), Some(b)) => huella::matching::compare(a, b),
                _ => 0.0,
            };
            let (step, reach, rstep): (f32, f32, f32) =
                (env_or("TS_STEP", 3.0), env_or("TS_REACH", 120.0), env_or("TS_RSTEP", 2.0));
            let minpts: u32 = env_or("TS_MINPTS", 600);
            let set = |k: &str| std::env::var_os(k).is_some();
            let (fast, imp_all, imp_full, no_gen) = (set("TS_FAST"), set("TS_IMPALL"), set("TS_IMPFULL"), set("TS_NOGEN"));
            let grid = texture::RigidGrid {
                max_rot: 30f32.to_radians(),
                rot_step: rstep.to_radians(),
                reach,
                step,
                min_points: minpts,
                stride: env_or("TS_STRIDE", 1),
                keep: env_or("TS_KEEP", 1),
                refine: set("TS_REFINE"),
            };
            let search = |i: usize, j: usize| -> (f32, u32, f32, f32, f32) {
                let (Some(a), Some(b)) = (&prep[i], &prep[j]) else { return (0.0, 0, 0.0, 0.0, 0.0) };
                if fast {
                    let f = texture::search_rigid(&a.texture, &b.texture, &grid);
                    return (f.agreement, f.points, f.rot.to_degrees(), f.dx, f.dy);
                }
                let (al, at, aw, ah) = a.texture.box_px();
                let (bl, bt, bw, bh) = b.texture.box_px();
                let (ca, cb) = ((al + aw / 2.0, at + ah / 2.0), (bl + bw / 2.0, bt + bh / 2.0));
                let mut pa = Vec::new();
                let mut y = at + 16.0;
                while y < at + ah { let mut x = al + 16.0; while x < al + aw { pa.push([x, y, 0.0]); x += 48.0; } y += 48.0; }
                let pairs: Vec<(u16, u16, f32)> = (0..pa.len() as u16).map(|k| (k, k, 1.0)).collect();
                let mut pb = pa.clone();
                let mut scratch = Default::default();
                let mut best = (-1.0f32, 0u32, 0.0f32, 0.0f32, 0.0f32);
                let mut r = -30.0f32;
                while r <= 30.0 {
                    let (s, c) = r.to_radians().sin_cos();
                    let mut dy = -reach;
                    while dy <= reach {
                        let mut dx = -reach;
                        while dx <= reach {
                            for (q, p) in pb.iter_mut().zip(&pa) {
                                let (u, v) = (p[0] - ca.0, p[1] - ca.1);
                                q[0] = cb.0 + dx + u * c - v * s;
                                q[1] = cb.1 + dy + u * s + v * c;
                            }
                            let (cc, pts) = texture::agreement(&a.texture, &b.texture, &pa, &pb, &pairs, &mut scratch);
                            if pts >= minpts && cc > best.0 { best = (cc, pts, r, dx, dy); }
                            dx += step;
                        }
                        dy += step;
                    }
                    r += rstep;
                }
                best
            };
            let firsts: Vec<usize> = (0..samples.len()).filter(|&i| samples[i].impression == 1).collect();
            let mut imp = 0.0f32;
            let mut jobs = Vec::new();
            for (x, &i) in firsts.iter().enumerate() {
                for &j in &firsts[x + 1..] { imp = imp.max(sc(i, j)); if !imp_all && !imp_full { jobs.push((i, j, false)); } }
            }
            if imp_full {
                for i in 0..samples.len() {
                    for j in i + 1..samples.len() {
                        if samples[j].finger != samples[i].finger {
                            jobs.push((i, j, false));
                        }
                    }
                }
            } else if imp_all {
                for &i in &firsts {
                    for j in 0..samples.len() {
                        if samples[j].finger == samples[i].finger || (samples[j].impression == 1 && j < i) { continue; }
                        jobs.push((i, j, false));
                    }
                }
            }
            for i in 0..samples.len() {
                for j in i + 1..samples.len() {
                    if samples[i].finger != samples[j].finger { continue; }
                    if !no_gen && (all || sc(i, j) <= imp) { jobs.push((i, j, true)); }
                }
            }
            let next = std::sync::atomic::AtomicUsize::new(0);
            let out = std::sync::Mutex::new(Vec::new());
            std::thread::scope(|s| {
                for _ in 0..2 {
                    s.spawn(|| loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&(i, j, g)) = jobs.get(k) else { break };
                        let r = search(i, j);
                        let row = (g, i, j, sc(i, j), r);
                        out.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(row);
                    });
                }
            });
            let mut out = out.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
            out.sort_by_key(|a| (a.0, a.1, a.2));
            for (g, i, j, s, r) in out {
                println!("{} {}_{} {}_{} s {s:.4} best c {:.3} pts {} rot {:.0} dx {:.0} dy {:.0}", if g { "GEN" } else { "IMP" },
                    samples[i].finger, samples[i].impression, samples[j].finger, samples[j].impression, r.0, r.1, r.2, r.3, r.4);
            }
            Ok(())
        }
        Some("hard") => {
            // Genuine FVC pairs that score at or below the best FVC impostor (the pairs behind
            // the EER), with their minutiae counts.
            let dir = std::env::args().nth(2).ok_or("hard DIR PPI")?;
            let ppi: u32 = std::env::args().nth(3).ok_or("hard DIR PPI")?.parse()?;
            let samples = list_samples(std::path::Path::new(&dir))?;
            let (prep, _) = huella::matching::eval::extract_all(&samples, ppi, 2);
            let score = |i: usize, j: usize| match (&prep[i], &prep[j]) {
                (Some(a), Some(b)) => huella::matching::compare(a, b),
                _ => 0.0,
            };
            let mut imp = 0.0f32;
            let firsts: Vec<usize> = (0..samples.len()).filter(|&i| samples[i].impression == 1).collect();
            for (x, &i) in firsts.iter().enumerate() {
                for &j in &firsts[x + 1..] {
                    imp = imp.max(score(i, j));
                }
            }
            println!("max FVC impostor {imp:.4}");
            for i in 0..samples.len() {
                for j in i + 1..samples.len() {
                    if samples[i].finger != samples[j].finger {
                        continue;
                    }
                    let s = score(i, j);
                    if s <= imp {
                        let n = |k: usize| prep[k].as_ref().map_or(0, |p| p.points.len());
                        println!(
                            "{}_{} {}_{} {s:.4} n {} {}",
                            samples[i].finger, samples[i].impression, samples[j].finger,
                            samples[j].impression, n(i), n(j)
                        );
                    }
                }
            }
            Ok(())
        }
        Some("calibrate") => {
            let mut samples = Vec::new();
            // Same labels across folders are not impostors (as in `huella eval calibrate`).
            for d in std::env::args().skip(2) {
                samples.extend(list_samples(std::path::Path::new(&d))?);
            }
            let (prepared, _) = huella::matching::eval::extract_all(&samples, 500, 2);
            let impostor = huella::matching::eval::impostor_scores(&samples, &prepared, 2);
            println!("// {} impostor scores from {} images", impostor.len(), samples.len());
            for (f, t) in huella::matching::calibration::fit(&impostor) {
                println!("    ({f:e}, {t:.4}),");
            }
            Ok(())
        }
        Some("stable") => {
            let arg = |i: usize| std::env::args().nth(i).ok_or("stable A B DX DY");
            let (a, b) = (PathBuf::from(arg(2)?), PathBuf::from(arg(3)?));
            let (dx, dy): (f32, f32) = (arg(4)?.parse()?, arg(5)?.parse()?);
            let (mut share, mut n) = (0.0f64, 0usize);
            for sa in list_samples(&a)? {
                let name = sa.path.file_stem().ok_or("name")?.to_string_lossy().to_string();
                let pb = b.join(format!("{name}.png"));
                let (Ok(ea), Ok(eb)) = (
                    extract(&std::fs::read(&sa.path)?, 500),
                    extract(&std::fs::read(&pb)?, 500),
                ) else {
                    continue;
                };
                let mut used = vec![false; eb.minutiae.len()];
                let mut found = 0usize;
                for m in &ea.minutiae {
                    let hit = eb.minutiae.iter().enumerate().position(|(j, q)| {
                        !used[j]
                            && (q.x + dx - m.x).hypot(q.y + dy - m.y) <= 3.0
                            && huella::matching::minutiae::angle_diff(q.angle, m.angle) <= 15f32.to_radians()
                    });
                    if let Some(j) = hit {
                        used[j] = true;
                        found += 1;
                    }
                }
                let denom = ea.minutiae.len().max(eb.minutiae.len()).max(1);
                share += found as f64 / denom as f64;
                n += 1;
            }
            println!("{n} images, found again {:.3}", share / n.max(1) as f64);
            Ok(())
        }
        Some("look") => {
            // SRC PPI OUT.png: the image at 500 ppi with its minutiae drawn (endings white,
            // bifurcations black squares with a direction tick), to see where extraction goes wrong;
            // LAB_ZOOM=N enlarges the picture N times (nearest neighbour) for close inspection.
            let src = std::env::args().nth(2).ok_or("look SRC PPI OUT")?;
            let ppi: u32 = std::env::args().nth(3).ok_or("look SRC PPI OUT")?.parse()?;
            let out = std::env::args().nth(4).ok_or("look SRC PPI OUT")?;
            let bytes = std::fs::read(&src)?;
            let e = extract(&bytes, ppi)?;
            let img = image::load_from_memory(&bytes)?.to_luma8();
            let scale = 500.0 / ppi as f32;
            let (w, h) = (
                (img.width() as f32 * scale) as u32,
                (img.height() as f32 * scale) as u32,
            );
            let mut img = image::imageops::resize(&img, w, h, image::imageops::FilterType::Triangle);
            // LAB_MASK=1: the ridge-flow cells outside the mask drawn at a third of their grey.
            if std::env::var_os("LAB_MASK").is_some() {
                let fl = &e.template.flow;
                let cell = huella::matching::ridge_flow::CELL as u32;
                for y in 0..h {
                    for x in 0..w {
                        let (cx, cy) = ((x / cell) as i64 - i64::from(fl.left), (y / cell) as i64 - i64::from(fl.top));
                        let inside = cx >= 0 && cy >= 0 && cx < i64::from(fl.cols) && cy < i64::from(fl.rows)
                            && fl.cells[(cy * i64::from(fl.cols) + cx) as usize] != 0;
                        if !inside {
                            let p = img.get_pixel_mut(x, y);
                            p.0[0] /= 3;
                        }
                    }
                }
            }
            let mut put = |x: f32, y: f32, v: u8| {
                if x >= 0.0 && y >= 0.0 && (x as u32) < w && (y as u32) < h {
                    img.put_pixel(x as u32, y as u32, image::Luma([v]));
                }
            };
            for m in &e.minutiae {
                let v = if m.kind == huella::matching::minutiae::Kind::Ending { 255 } else { 0 };
                for d in -2..=2 {
                    for k in -2..=2 {
                        put(m.x + d as f32, m.y + k as f32, v);
                    }
                }
                for r in 3..10 {
                    put(m.x + r as f32 * m.angle.cos(), m.y + r as f32 * m.angle.sin(), v);
                }
            }
            let z: u32 = env_or("LAB_ZOOM", 1);
            let img = image::imageops::resize(&img, w * z, h * z, image::imageops::FilterType::Nearest);
            img.save(&out)?;
            println!("{src}: {} minutiae, quality {}", e.minutiae.len(), e.quality.score);
            Ok(())
        }
        Some("topimp") => {
            // DIR...: the 20 highest-scoring impostor pairs over all folders (cross-folder pairs
            // included), to see what the calibration tail is made of.
            let mut all: Vec<(String, Option<Prepared>)> = Vec::new();
            for d in std::env::args().skip(2) {
                let samples = list_samples(std::path::Path::new(&d))?;
                let (prep, _) = huella::matching::eval::extract_all(&samples, 500, 2);
                for (s, p) in samples.iter().zip(prep) {
                    all.push((format!("{}/{}_{}", set_key(&d), s.finger, s.impression), p));
                }
            }
            let mut top: Vec<(f32, usize, usize)> = Vec::new();
            let finger = |n: &str| n.rsplit_once('_').map(|(f, _)| f.to_string()).unwrap_or_default();
            let mut scratch = Scratch::default();
            for i in 0..all.len() {
                for j in i + 1..all.len() {
                    if finger(&all[i].0) == finger(&all[j].0) {
                        continue;
                    }
                    if let (Some(a), Some(b)) = (&all[i].1, &all[j].1) {
                        let s = compare_with(a, b, &mut scratch);
                        if top.len() < 20 || s > top[top.len() - 1].0 {
                            top.push((s, i, j));
                            top.sort_by(|x, y| y.0.total_cmp(&x.0));
                            top.truncate(20);
                        }
                    }
                }
            }
            for (s, i, j) in top {
                println!("{s:.4} {} {}", all[i].0, all[j].0);
            }
            Ok(())
        }
        Some("demo1n") => {
            // PEOPLE [IMPRESSION]: the demo's synthetic people (devices generator, persons
            // 0..PEOPLE, ten fingers, impression 1 enrolled) searched with impression
            // IMPRESSION (default 2) of every person's ten fingers: own rank, unrelated people
            // flagged by `duplicate::judge`, and how often unrelated same-position fingers pass
            // the 1e-2 / 1e-3 / 1e-4 thresholds (near-twins would pass more often than real
            // impostors).
            let people: u64 = std::env::args().nth(2).ok_or("demo1n PEOPLE")?.parse()?;
            let imp: u32 = std::env::args().nth(3).map_or(Ok(2), |v| v.parse())?;
            let fingers: Vec<_> = huella_devices::SimFinger::all().collect();
            let template = |p: u64, f: huella_devices::SimFinger, n: u32| {
                let img = huella_devices::synthetic::fingerprint(p, f, n);
                let g = huella::matching::raster::Gray::from_u8(
                    usize::from(img.width),
                    usize::from(img.height),
                    &img.pixels,
                )?;
                let mut t = huella::matching::extract_gray(&g, u32::from(img.dpi)).ok()?.template;
                // LAB_NOFLOW=1: drop the ridge flow (scored as a v1 template, × 0.75), to see
                // which term makes unrelated synthetic fingers alike.
                if std::env::var_os("LAB_NOFLOW").is_some() {
                    t.flow = Default::default();
                }
                Some(t)
            };
            let mut gallery = huella::matching::Gallery::new();
            let mut enrolled: Vec<Vec<Option<Prepared>>> = Vec::new();
            let mut fte = 0;
            for p in 0..people {
                let mut row = Vec::new();
                for &f in &fingers {
                    let t = template(p, f, 1);
                    if let Some(t) = &t {
                        gallery.add(&p.to_string(), f.number(), t);
                    } else {
                        fte += 1;
                    }
                    row.push(t.as_ref().map(prepare));
                }
                enrolled.push(row);
            }
            let th: Vec<f32> = [1e-2, 1e-3, 1e-4].iter().map(|&f| huella::matching::threshold_for_fmr(f)).collect();
            let mut above = [0usize; 3];
            let mut pairs = 0usize;
            let mut max_imp = 0.0f32;
            let mut scratch = Scratch::default();
            for f in 0..fingers.len() {
                for a in 0..enrolled.len() {
                    for b in a + 1..enrolled.len() {
                        if let (Some(x), Some(y)) = (&enrolled[a][f], &enrolled[b][f]) {
                            let s = compare_with(x, y, &mut scratch);
                            max_imp = max_imp.max(s);
                            pairs += 1;
                            for (k, t) in th.iter().enumerate() {
                                above[k] += usize::from(s >= *t);
                            }
                        }
                    }
                }
            }
            println!(
                "unrelated same-position pairs {pairs}: share above FMR 1e-2 / 1e-3 / 1e-4 thresholds {:.5} / {:.5} / {:.5}; max score {max_imp:.4}; FTE {fte}",
                above[0] as f64 / pairs.max(1) as f64,
                above[1] as f64 / pairs.max(1) as f64,
                above[2] as f64 / pairs.max(1) as f64
            );
            let (mut own_first, mut flagged, mut worst) = (0, 0, 1.0f64);
            let mut strengths = std::collections::BTreeMap::new();
            for p in 0..people {
                let probes: Vec<_> = fingers
                    .iter()
                    .filter_map(|&f| Some(huella::matching::Finger::new(f.number(), &template(p, f, imp)?)))
                    .collect();
                let found = gallery.search(&probes, &huella::matching::SearchOptions::default());
                if found.first().is_some_and(|c| c.person == p.to_string()) {
                    own_first += 1;
                }
                for c in &found {
                    let Some(d) = huella::matching::duplicate::judge(c, probes.len(), people as usize) else {
                        if c.person != p.to_string() {
                            worst = worst.min(huella::matching::duplicate::unrelated_chance(c.evidence, probes.len()) * people as f64);
                        }
                        continue;
                    };
                    if c.person == p.to_string() {
                        *strengths.entry(format!("{:?}", d.strength)).or_insert(0) += 1;
                    } else {
                        flagged += 1;
                        println!("person {p}: unrelated {} flagged {:?} (false alarm {:.2e}, evidence {:.1})", c.person, d.strength, d.false_alarm, c.evidence);
                    }
                }
            }
            println!(
                "{people} people: own record first {own_first}, own strengths {strengths:?}, unrelated flagged {flagged}; smallest unrelated false-alarm chance {worst:.3e}"
            );
            Ok(())
        }
        Some("features") => {
            // Per image of each folder: minutiae, area, coherence, clarity, mean reliability.
            for dir in std::env::args().skip(2) {
                for s in list_samples(std::path::Path::new(&dir))? {
                    match extract(&std::fs::read(&s.path)?, folder_ppi(&dir)) {
                        Ok(e) => {
                            let f = e.quality.features;
                            println!(
                                "{}_{} n {} area {:.0} coh {:.3} clar {:.3} pv {:.2} rel {:.2} q {}",
                                s.finger, s.impression, f.minutiae, f.area_mm2, f.coherence,
                                f.clarity, f.period_valid, f.minutia_reliability, e.quality.score
                            );
                        }
                        Err(err) => println!("{}_{} unusable {err}", s.finger, s.impression),
                    }
                }
            }
            Ok(())
        }
        Some("probe") => {
            let mut prints = Vec::new();
            for f in std::env::args().skip(2) {
                let e = extract(&std::fs::read(&f)?, 500)?;
                println!("{f}: {} minutiae", e.template.minutiae.len());
                prints.push(prepare(&e.template));
            }
            for (i, a) in prints.iter().enumerate() {
                let row: Vec<String> = prints
                    .iter()
                    .map(|b| format!("{:.4}", huella::matching::compare(a, b)))
                    .collect();
                println!("{i}: {}", row.join(" "));
            }
            Ok(())
        }
        _ => Err("usage: match_lab cache | run | eval DIR PPI | resample SRC DST PPI | crop SRC DST DX DY | calibrate DIR... | probe FILE...".into()),
    }
}

/// Shares of the lowest-quality prints rejected by `quality` and `tquality`.
const REJECT_PERCENT: [usize; 3] = [0, 10, 20];

/// Extended EER of a set after rejecting each [`REJECT_PERCENT`] of its lowest-quality prints
/// (`prints` parallel to `samples`: quality score and prepared template).
fn rejection_eers(samples: &[Sample], prints: &[(u8, Prepared)]) -> [f64; 3] {
    let mut order: Vec<usize> = (0..prints.len()).collect();
    order.sort_by_key(|&i| prints[i].0);
    REJECT_PERCENT.map(|reject| {
        let kept = &order[prints.len() * reject / 100..];
        let (mut genuine, mut imp) = (Vec::new(), Vec::new());
        for (x, &i) in kept.iter().enumerate() {
            for &j in &kept[x + 1..] {
                let sc = huella::matching::compare(&prints[i].1, &prints[j].1);
                if samples[i].finger == samples[j].finger {
                    genuine.push(sc);
                } else {
                    imp.push(sc);
                }
            }
        }
        huella::matching::eval::error_rates(&genuine, &imp).0
    })
}

/// Mean position of flow cells (x, y, …), for `flowsearch`.
fn centroid(c: &[[f32; 4]]) -> (f32, f32) {
    let n = c.len().max(1) as f32;
    (
        c.iter().map(|p| p[0]).sum::<f32>() / n,
        c.iter().map(|p| p[1]).sum::<f32>() / n,
    )
}
