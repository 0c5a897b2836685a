//! Matcher lab (issue #4): caches the templates of the FVC2002 development sets once, then
//! compares every pair of prepared templates with `compare_with` — the loop to run under
//! `valgrind --tool=callgrind --toggle-collect='*compare_with*'` — and optionally dumps the
//! scores (as f32 bit patterns) so that two builds can be checked for bit-identical results.
//!
//! ```text
//! cargo run --release --example match_lab -- cache      # extract 160 images once
//! LAB_DUMP=/tmp/scores.txt cargo run --release --example match_lab -- run
//! ```
//! `LAB_CACHE` (default `/tmp/huella-lab-templates.bin`) is the cache file, `LAB_REPS` the
//! number of passes over all pairs (default 1).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use huella::matching::eval::list_samples;
use huella::matching::matcher::{Scratch, compare_with};
use huella::matching::{Template, extract, prepare};

fn cache_path() -> PathBuf {
    std::env::var_os("LAB_CACHE").map_or_else(
        || PathBuf::from("/tmp/huella-lab-templates.bin"),
        PathBuf::from,
    )
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
            let bytes = e.template.encode();
            out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            out.extend_from_slice(&bytes);
        }
    }
    std::fs::write(cache_path(), out)?;
    Ok(())
}

fn read_cache() -> Result<Vec<Template>, Box<dyn std::error::Error>> {
    let data = std::fs::read(cache_path())?;
    let mut rest = data.as_slice();
    let mut out = Vec::new();
    while let Some((len, tail)) = rest.split_first_chunk::<4>() {
        let len = u32::from_le_bytes(*len) as usize;
        let body = tail.get(..len).ok_or("truncated cache")?;
        out.push(Template::decode(body)?);
        rest = &tail[len..];
    }
    Ok(out)
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let reps: usize = std::env::var("LAB_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let prepared: Vec<_> = read_cache()?.iter().map(prepare).collect();
    let mut scratch = Scratch::default();
    let mut scores = Vec::new();
    let t0 = Instant::now();
    for _ in 0..reps {
        scores.clear();
        for (i, a) in prepared.iter().enumerate() {
            for b in &prepared[i + 1..] {
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
        _ => Err("usage: match_lab cache | run".into()),
    }
}
