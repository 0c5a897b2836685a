//! `huella eval fingerprints DIR [--ppi N] [--json]`: runs the FVC protocol of
//! `matching::eval` on a folder of `F_I.(tif|png)` images and prints the figures;
//! `huella eval calibrate DIR...` fits the score → FMR calibration table.
//!
//! Argument glue and formatting only: the protocol and the arithmetic live in `matching`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::matching::calibration;
use crate::matching::eval::{self, Sample};
use crate::say;

/// Options of `huella eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// What to evaluate.
    #[command(subcommand)]
    pub what: EvalWhat,
}

/// Evaluations.
#[derive(clap::Subcommand, Debug)]
pub enum EvalWhat {
    /// FVC protocol on a folder of F_I.tif / F_I.png images (F finger, I impression).
    ///
    /// Example: huella eval fingerprints ../shared/data/fingerprints/FVC2002_DB1_B/tif --ppi 500 --json
    Fingerprints {
        /// Folder with the images.
        dir: PathBuf,
        /// Capture resolution in pixels per inch (TIFF/PNG files do not carry it reliably).
        #[arg(long, default_value_t = 500)]
        ppi: u32,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// Worker threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
    /// Fits the score calibration (FMR → threshold) on the impostor pairs of one or more
    /// folders (all cross-finger pairs, also across folders) and prints the table.
    Calibrate {
        /// Folders with F_I images.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Capture resolution in pixels per inch.
        #[arg(long, default_value_t = 500)]
        ppi: u32,
        /// Worker threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
}

/// Runs `huella eval`.
pub fn run(args: EvalArgs) -> Result<()> {
    match args.what {
        EvalWhat::Fingerprints {
            dir,
            ppi,
            json,
            threads,
        } => fingerprints(&dir, ppi, json, threads),
        EvalWhat::Calibrate { dirs, ppi, threads } => calibrate(&dirs, ppi, threads),
    }
}

fn fingerprints(dir: &std::path::Path, ppi: u32, json: bool, threads: usize) -> Result<()> {
    let r = eval::evaluate_dir(dir, ppi, threads)
        .with_context(|| format!("no se pudo evaluar {}", dir.display()))?;
    if json {
        say!("{}", serde_json::to_string(&r)?)?;
        return Ok(());
    }
    let pct = |v: f64| format!("{:.2} %", 100.0 * v);
    say!(
        "imágenes: {}   fallos de enrolamiento (FTE): {}",
        r.images,
        pct(r.fte)
    )?;
    say!("{:<22}{:>12}{:>14}", "", "FVC", "extendida")?;
    say!("{:<22}{:>12}{:>14}", "EER", pct(r.eer), pct(r.ext_eer))?;
    say!(
        "{:<22}{:>12}{:>14}",
        "FMR100",
        pct(r.fmr100),
        pct(r.ext_fmr100)
    )?;
    say!(
        "{:<22}{:>12}{:>14}",
        "FMR1000",
        pct(r.fmr1000),
        pct(r.ext_fmr1000)
    )?;
    say!(
        "{:<22}{:>12}{:>14}",
        "ZeroFMR",
        pct(r.zero_fmr),
        pct(r.ext_zero_fmr)
    )?;
    say!("rango 1: {}", pct(r.rank1))?;
    say!(
        "extracción: {:.1} ms por imagen   comparaciones: {:.0} por segundo",
        r.extract_ms,
        r.matches_per_s
    )?;
    Ok(())
}

fn calibrate(dirs: &[PathBuf], ppi: u32, threads: usize) -> Result<()> {
    let mut samples: Vec<Sample> = Vec::new();
    for (k, d) in dirs.iter().enumerate() {
        let mut s =
            eval::list_samples(d).with_context(|| format!("no se pudo leer {}", d.display()))?;
        for x in s.iter_mut() {
            x.finger = format!("{k}/{}", x.finger);
        }
        samples.extend(s);
    }
    let (prepared, _) = eval::extract_all(&samples, ppi, threads);
    let impostor = eval::impostor_scores(&samples, &prepared, threads);
    if impostor.len() < 100 {
        bail!(
            "muy pocos pares impostores ({}) para calibrar",
            impostor.len()
        );
    }
    let table = calibration::fit(&impostor);
    say!(
        "// {} impostor scores from {} images",
        impostor.len(),
        samples.len()
    )?;
    say!("pub const TABLE: &[(f64, f32)] = &[")?;
    for (f, t) in table {
        say!("    ({f:e}, {t:.4}),")?;
    }
    say!("];")?;
    Ok(())
}
