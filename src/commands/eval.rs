//! `huella eval fingerprints DIR [DIR…] [--ppi N] [--json]`: runs the FVC protocol of
//! `matching::eval` on one or more folders of `F_I.(tif|png)` images and prints the figures
//! (several folders: one row per set and the mean);
//! `huella eval calibrate DIR...` fits the score → FMR calibration table.
//!
//! Argument glue and formatting only: the protocol and the arithmetic live in `matching`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::commands::text::eval::{too_few_impostors, words};
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
    /// FVC protocol on folders of F_I.tif / F_I.png images (F finger, I impression), each
    /// folder one set; several folders give a per-set table and the mean.
    ///
    /// Example: huella eval fingerprints ../shared/data/fingerprints/FVC2002_DB1_B/tif --ppi 500 --json
    Fingerprints {
        /// Folders with the images (one set each).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
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
            dirs,
            ppi,
            json,
            threads,
        } => match dirs.as_slice() {
            [dir] => fingerprints(dir, ppi, json, threads),
            _ => several_sets(&dirs, ppi, json, threads),
        },
        EvalWhat::Calibrate { dirs, ppi, threads } => calibrate(&dirs, ppi, threads),
    }
}

fn fingerprints(dir: &std::path::Path, ppi: u32, json: bool, threads: usize) -> Result<()> {
    let w = words();
    let r = eval::evaluate_dir(dir, ppi, threads)
        .with_context(|| format!("{} {}", w.could_not_evaluate, dir.display()))?;
    if json {
        say!("{}", serde_json::to_string(&r)?)?;
        return Ok(());
    }
    let pct = |v: f64| format!("{:.2} %", 100.0 * v);
    say!("{}: {}   {}: {}", w.images, r.images, w.fte, pct(r.fte))?;
    say!("{:<22}{:>12}{:>14}", "", "FVC", w.extended)?;
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
    say!("{}: {}", w.rank1, pct(r.rank1))?;
    say!(
        "{}: {:.1} ms {}   {}: {:.0} {}",
        w.extraction,
        r.extract_ms,
        w.per_image,
        w.comparisons,
        r.matches_per_s,
        w.per_second
    )?;
    Ok(())
}

/// Several sets: each evaluated on its own, then one row per set and the mean EERs.
fn several_sets(dirs: &[PathBuf], ppi: u32, json: bool, threads: usize) -> Result<()> {
    let w = words();
    let mut sets = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let r = eval::evaluate_dir(dir, ppi, threads)
            .with_context(|| format!("{} {}", w.could_not_evaluate, dir.display()))?;
        sets.push(eval::SetReport {
            set: set_name(dir),
            report: r,
        });
    }
    let summary = eval::MultiReport::new(sets);
    if json {
        say!("{}", serde_json::to_string(&summary)?)?;
        return Ok(());
    }
    say!("{}", set_table(&summary, &w).trim_end_matches('\n'))?;
    Ok(())
}

/// The several-sets table: a heading, one row per set and the mean. The set column is as
/// wide as the longest name, so the figures stay in their columns whatever the folders are
/// called.
fn set_table(summary: &eval::MultiReport, w: &crate::commands::text::eval::EvalWords) -> String {
    use std::fmt::Write as _;
    let pct = |v: f64| format!("{:.2}", 100.0 * v);
    let name_w = summary
        .sets
        .iter()
        .map(|s| s.set.chars().count())
        .chain([w.set.chars().count(), w.mean.chars().count(), 14])
        .max()
        .unwrap_or(14)
        + 2;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<name_w$}{:>8}{:>10}{:>10}{:>10}{:>8}{:>7}{:>8}",
        w.set, "EER", "EER ext", "FMR1000", w.rank1_short, "FTE", "ms", w.comparisons_short
    );
    for s in &summary.sets {
        let r = &s.report;
        let _ = writeln!(
            out,
            "{:<name_w$}{:>8}{:>10}{:>10}{:>10}{:>8}{:>7.1}{:>8.0}",
            s.set,
            pct(r.eer),
            pct(r.ext_eer),
            pct(r.ext_fmr1000),
            pct(r.rank1),
            pct(r.fte),
            r.extract_ms,
            r.matches_per_s
        );
    }
    let _ = writeln!(
        out,
        "{:<name_w$}{:>8}{:>10}",
        w.mean,
        pct(summary.mean_eer),
        pct(summary.mean_ext_eer)
    );
    out
}

/// The name a set goes by in the table: the folder's name, or its parent's when the folder
/// is a format subfolder such as `tif/` or `png/`.
fn set_name(dir: &std::path::Path) -> String {
    let name = |p: &std::path::Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    match dir.file_name().and_then(|n| n.to_str()) {
        Some("tif" | "png" | "tiff") => dir.parent().map(name).unwrap_or_else(|| name(dir)),
        _ => name(dir),
    }
}

fn calibrate(dirs: &[PathBuf], ppi: u32, threads: usize) -> Result<()> {
    // Fingers keep their label across folders: pairs with the same label in two folders are
    // not counted as impostors, because one year's FVC databases share volunteers (FVC2000 DB1
    // and DB2 finger 101 are one finger on two sensors, scoring up to 0.26: docs/matching.md).
    let mut samples: Vec<Sample> = Vec::new();
    for d in dirs {
        let s = eval::list_samples(d)
            .with_context(|| format!("{} {}", words().could_not_read, d.display()))?;
        samples.extend(s);
    }
    let (prepared, _) = eval::extract_all(&samples, ppi, threads);
    let impostor = eval::impostor_scores(&samples, &prepared, threads);
    if impostor.len() < 100 {
        bail!(too_few_impostors(impostor.len()));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn report(eer: f64) -> eval::EvalReport {
        eval::EvalReport {
            eer,
            fmr100: 0.0,
            fmr1000: 0.0,
            zero_fmr: 0.0,
            ext_eer: eer,
            ext_fmr100: 0.0,
            ext_fmr1000: 0.05,
            ext_zero_fmr: 0.0,
            rank1: 0.9857,
            fte: 0.0,
            extract_ms: 68.5,
            matches_per_s: 23631.0,
            images: 80,
            genuine: Vec::new(),
            impostor: Vec::new(),
        }
    }

    #[test]
    fn long_set_names_keep_the_columns() {
        let long = "FVC2002_DB3_B_rotate_white_corners";
        let sets = ["FVC2002_DB3_B", long, "ñandú_DB"]
            .into_iter()
            .map(|set| eval::SetReport {
                set: set.to_string(),
                report: report(0.0218),
            })
            .collect();
        let table = set_table(&eval::MultiReport::new(sets), &words());
        let lines: Vec<Vec<char>> = table.lines().map(|l| l.chars().collect()).collect();
        assert_eq!(lines.len(), 5, "{table}");
        // Every line, heading and mean included: the name column padded past the longest
        // name, then the EER column right-aligned to the same character.
        let name_w = long.chars().count() + 2;
        for l in &lines {
            assert_eq!(l.get(name_w - 1), Some(&' '), "{table}");
            assert!(l.get(name_w + 7).is_some_and(|c| *c != ' '), "{table}");
            assert!(l.get(name_w + 8).is_none_or(|c| *c == ' '), "{table}");
        }
    }
}
