//! `huella sample csv`: writes a pre-registration CSV of synthetic people (for demos,
//! tests and benchmarks). The people are deterministic per seed.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::commands::out;
use crate::identifiers::{csv_header, synthetic_person};

/// Options of `huella sample csv`.
#[derive(Debug, clap::Args)]
pub struct SampleArgs {
    /// How many people.
    #[arg(long, default_value_t = 1000)]
    pub people: u64,
    /// Seed of the synthetic population.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// First index (to make disjoint files with one seed).
    #[arg(long, default_value_t = 0)]
    pub start: u64,
    /// Output file (stdout if absent).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Writes the CSV.
pub fn run(args: &SampleArgs) -> Result<()> {
    match &args.out {
        Some(p) => {
            let write = || -> std::io::Result<()> {
                let mut f = std::io::BufWriter::new(std::fs::File::create(p)?);
                write_csv(&mut f, args)?;
                f.into_inner().map_err(|e| e.into_error())?.sync_all()
            };
            write().with_context(|| format!("no se pudo escribir {}", p.display()))?;
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            write_csv(&mut out, args)
                .and_then(|()| out.flush())
                .map_err(out::classify)?;
        }
    }
    Ok(())
}

fn write_csv(out: &mut impl Write, args: &SampleArgs) -> std::io::Result<()> {
    writeln!(out, "{}", csv_header())?;
    for i in args.start..args.start + args.people {
        writeln!(out, "{}", synthetic_person(args.seed, i).csv_row())?;
    }
    Ok(())
}
