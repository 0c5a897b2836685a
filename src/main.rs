//! The `huella` binary: parses the command line, runs the command, and turns errors into one
//! Spanish line on stderr with exit code 1 (usage errors exit 2, from clap).

use std::process::ExitCode;

use clap::Parser;
use huella::cli::{Cli, Command};
use huella::commands::{demo, station, sync};
use huella::home::Home;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let home = Home::resolve(cli.home.clone());
    huella::logging::init(&home.log_file());
    match run(cli, &home) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("command failed: {e:#}");
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli, home: &Home) -> anyhow::Result<()> {
    match cli.command {
        Command::Demo(args) => demo::run(&args, &cli.lang),
        Command::Console(args) => huella::commands::console::run(home, &cli.lang, &args),
        Command::Init {
            office,
            station: name,
            join,
            invite_passphrase_file,
            admin,
            passphrase_file,
            regional,
            central,
        } => match join {
            Some(invite) => {
                let invite_pass = invite_passphrase_file.ok_or_else(|| {
                    anyhow::anyhow!("falta --invite-passphrase-file para usar la invitación")
                })?;
                sync::run_join(home, &invite, &invite_pass, &admin, &passphrase_file).map(|_| ())
            }
            None => station::init(
                home,
                office.as_deref().unwrap_or_default(),
                name.as_deref().unwrap_or_default(),
                &admin,
                &passphrase_file,
                regional.as_deref(),
                central.as_deref(),
            ),
        },
        Command::Officer { action } => station::officer(home, action),
        Command::Import { file, who } => station::import(home, &file, &who),
        Command::Find {
            curp,
            nss,
            name,
            json,
            who,
        } => station::find(home, curp, nss, name, json, &who),
        Command::Status { json } => station::status(home, json),
        Command::Audit { action } => station::audit(home, action),
        Command::Hub(args) => sync::run_hub(home, &args),
        Command::Sync(args) => sync::run_sync(home, args),
        Command::Bundle { action } => sync::run_bundle(home, action),
        Command::Backup { out, who } => huella::commands::backup::run_backup(home, &out, &who),
        Command::Restore { file, who } => huella::commands::backup::run_restore(home, &file, &who),
        Command::Recover { from, who } => huella::commands::backup::run_recover(home, &from, &who),
        Command::Sim(args) => huella::commands::sim::run(args),
        Command::Devices(args) => huella::commands::devices::run(args),
        Command::Eval(args) => huella::commands::eval::run(args),
        Command::Sample {
            what: huella::cli::SampleWhat::Csv(args),
        } => huella::commands::sample::run(&args),
    }
}
