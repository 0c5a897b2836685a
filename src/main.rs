//! The `huella` binary: parses the command line, runs the command, and turns errors into one
//! line on stderr in the `--lang` language with exit code 1 (usage errors exit 2, from clap;
//! a closed stdout ends quietly with 141).

use std::process::ExitCode;

use clap::Parser;
use huella::cli::{Cli, Command};
use huella::commands::out::{self, OutputError};
use huella::commands::text::{self, Lang};
use huella::commands::{demo, station, sync};
use huella::home::Home;

fn main() -> ExitCode {
    huella::file_modes::restrict_new_files();
    let cli = Cli::parse();
    text::set_lang(Lang::parse(&cli.lang).unwrap_or_default());
    let home = Home::resolve(cli.home.clone());
    huella::logging::init(&home.log_file());
    for l in huella::file_modes::loosened(&home) {
        out::warn(text::Say::Loosened {
            path: &l.path,
            mode: l.mode,
            dir: l.path.is_dir(),
        });
    }
    match run(cli, &home) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if stdout_closed(&e) => ExitCode::from(CLOSED_OUTPUT),
        // `document verify` already printed its verdict line on stdout.
        Err(e) if e.is::<huella::commands::document::InvalidDocument>() => ExitCode::from(1),
        Err(e) => {
            tracing::error!("command failed: {e:#}");
            out::warn(format_args!("error: {}", text::error_report(&e)));
            ExitCode::from(1)
        }
    }
}

/// Exit status when the reader of stdout went away (`huella find … | head`): quiet, and what
/// a shell reports for a process ended by SIGPIPE.
const CLOSED_OUTPUT: u8 = 141;

fn stdout_closed(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|c| matches!(c.downcast_ref(), Some(OutputError::Closed)))
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
            // clap makes --join require --invite-passphrase-file.
            Some(invite) => sync::run_join(
                home,
                &invite,
                &invite_passphrase_file.unwrap_or_default(),
                &admin,
                &passphrase_file,
            )
            .map(|_| ()),
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
        Command::Devices(args) => huella::commands::devices::run(args, home),
        Command::Eval(args) => huella::commands::eval::run(args),
        Command::Sample {
            what: huella::cli::SampleWhat::Csv(args),
        } => huella::commands::sample::run(&args),
        Command::Enroll(args) => huella::commands::enroll::run(home, &args),
        Command::Review(args) => huella::commands::review::run(home, args),
        Command::Policy(args) => huella::commands::policy::run(home, args),
        Command::ProofOfLife(args) => huella::commands::proof::run(home, &args),
        Command::Person(args) => huella::commands::person::run(home, &args),
        Command::Document(args) => huella::commands::document::run(home, args),
        Command::Arco(args) => huella::commands::arco::run(home, args),
        Command::Retention(args) => huella::commands::retention::run(home, args),
        Command::Movement(args) => huella::commands::movement::run(home, args),
        Command::Restriction(args) => huella::commands::restriction::run(home, args),
        Command::Report(args) => huella::commands::report::run(home, args),
        Command::Central(args) => huella::commands::central::run(home, args),
    }
}
