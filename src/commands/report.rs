//! `huella report employer --registro-patronal P [--csv F]`: one employer's workers with
//! their biometric status and days left, as a terminal table and optionally a CSV file.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use crate::cli::AsUser;
use crate::commands::out;
use crate::commands::text::{CliError, movements as words};
use crate::home::Home;
use crate::workflows::employer_report::{self, EmployerReport};
use crate::workflows::session::Session;

/// Options of `huella report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report.
    #[command(subcommand)]
    pub what: ReportCmd,
}

/// Reports.
#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// An employer's workers: biometric status and days left before restriction.
    Employer {
        /// Employer registration (11 characters).
        #[arg(long)]
        registro_patronal: String,
        /// Also write the report as CSV to this file.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Acting officer.
        #[command(flatten)]
        who: AsUser,
    },
}

/// Runs `huella report`.
pub fn run(home: &Home, args: ReportArgs) -> Result<()> {
    match args.what {
        ReportCmd::Employer {
            registro_patronal,
            csv,
            who,
        } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let report = employer_report::employer_report(&session, &registro_patronal)?;
            if let Some(path) = &csv {
                std::fs::write(path, csv_text(&report)?)
                    .map_err(anyhow::Error::from)
                    .context(CliError::Write { path: path.clone() })?;
            }
            table(&report)?;
            if let Some(path) = &csv {
                out::line(words::written(path))?;
            }
        }
    }
    Ok(())
}

/// The report as CSV: header `curp,nss,nombre,fecha_alta,estado_biometrico,dias_restantes`
/// (codes, not words: the same in every language), one row per worker.
pub fn csv_text(report: &EmployerReport) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in &report.rows {
        w.serialize(r)?;
    }
    if report.rows.is_empty() {
        w.write_record([
            "curp",
            "nss",
            "nombre",
            "fecha_alta",
            "estado_biometrico",
            "dias_restantes",
        ])?;
    }
    Ok(w.into_inner().map_err(|e| e.into_error())?)
}

fn table(report: &EmployerReport) -> Result<()> {
    let show = crate::identifiers::text::printable;
    out::line(words::employer_title(
        &report.employer,
        report.rows.len(),
        &report.made_at,
    ))?;
    let h = words::employer_header();
    out::line(format_args!(
        "{:<18}  {:<11}  {:<32}  {:<10}  {:<12}  {}",
        h[0], h[1], h[2], h[3], h[4], h[5]
    ))?;
    for r in &report.rows {
        let name: String = show(&r.nombre).chars().take(32).collect();
        out::line(format_args!(
            "{:<18}  {:<11}  {:<32}  {:<10}  {:<12}  {}",
            show(&r.curp),
            show(&r.nss),
            name,
            r.fecha_alta,
            words::status(&r.estado_biometrico),
            words::days(r.dias_restantes)
        ))?;
    }
    Ok(())
}
