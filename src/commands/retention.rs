//! `huella retention show|set|run`: how long biometrics are kept after a baja or a death, and
//! the run that erases them when that time is over (administrators).

use anyhow::Result;

use crate::cli::AsUser;
use crate::commands::out;
use crate::commands::text::arco as words;
use crate::home::Home;
use crate::workflows::retention::{self, RetentionPolicy};
use crate::workflows::session::Session;

/// Options of `huella retention`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Ejemplos:\n  huella retention set --years 5 --as admin --passphrase-file admin.pass\n  huella retention run --as admin --passphrase-file admin.pass"
)]
pub struct RetentionArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: RetentionAction,
}

/// Retention subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum RetentionAction {
    /// Shows the period in force (no passphrase needed).
    Show,
    /// Sets the period in years (administrators; audited).
    Set {
        /// Years biometrics are kept after a baja or a death.
        #[arg(long)]
        years: u32,
        /// The administrator.
        #[command(flatten)]
        who: AsUser,
    },
    /// Erases the biometrics whose retention is over: prints `retención: N personas
    /// depuradas` (administrators).
    Run {
        /// The administrator.
        #[command(flatten)]
        who: AsUser,
    },
}

/// Runs `huella retention …`.
pub fn run(home: &Home, args: RetentionArgs) -> Result<()> {
    match args.action {
        RetentionAction::Show => {}
        RetentionAction::Set { years, who } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            RetentionPolicy { years }.set(home, &session)?;
        }
        RetentionAction::Run { who } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let done = retention::run(home, &session)?;
            out::line(words::purged(done.purged.len()))?;
            return Ok(());
        }
    }
    out::line(words::retention_years(RetentionPolicy::load(home).years))?;
    Ok(())
}
