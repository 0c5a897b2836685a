//! Benchmark: synthetic fingerprint generation time (master pattern and impression).
//! Run: `cargo bench -p huella-devices --bench synthetic`. Set `HUELLA_SAMPLES=DIR` to also
//! write the generated images as PNG for visual inspection.

use std::time::Instant;

use huella_devices::SimFinger;
use huella_devices::formats::png::write_png_atomic;
use huella_devices::synthetic::SyntheticFinger;

fn main() {
    let samples = std::env::var_os("HUELLA_SAMPLES").map(std::path::PathBuf::from);
    let fingers: Vec<(u64, u8)> = (1..=4).flat_map(|p| [(p, 1), (p, 2), (p, 7)]).collect();
    let mut master_ms = Vec::new();
    let mut impression_ms = Vec::new();
    for (person, f) in &fingers {
        let Some(finger) = SimFinger::new(*f) else {
            continue;
        };
        let t = Instant::now();
        let master = SyntheticFinger::new(*person, finger);
        master_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        for n in 0..3 {
            let t = Instant::now();
            let img = master.impression(n);
            impression_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            if let Some(dir) = &samples {
                let path = dir.join(format!("p{person}_f{f}_i{n}.png"));
                if let Err(e) = write_png_atomic(&path, &img) {
                    eprintln!("{}: {e}", path.display());
                }
            }
        }
        println!("persona {person} dedo {f}: clase {:?}", master.class());
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!(
        "patrón maestro: media {:.1} ms, máx {:.1} ms ({} dedos)",
        mean(&master_ms),
        max(&master_ms),
        master_ms.len()
    );
    println!(
        "impresión: media {:.1} ms, máx {:.1} ms ({} imágenes)",
        mean(&impression_ms),
        max(&impression_ms),
        impression_ms.len()
    );
    println!(
        "imagen nueva (maestro + impresión): media {:.1} ms",
        mean(&master_ms) + mean(&impression_ms)
    );
}
