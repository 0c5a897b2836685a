//! `huella restriction notify|list`: the notice of missing biometrics and the list of
//! notified people, most urgent first, with the days left (negative once restricted).

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::cli::AsUser;
use crate::commands::out;
use crate::commands::text::{Say, contract};
use crate::home::Home;
use crate::say;
use crate::workflows::movements;
use crate::workflows::restriction;
use crate::workflows::session::Session;

/// Options of `huella restriction`.
#[derive(Debug, Args)]
pub struct RestrictionArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: RestrictionCmd,
}

/// Restriction subcommands.
#[derive(Debug, Subcommand)]
pub enum RestrictionCmd {
    /// Records that the person was notified of missing biometrics on a date (30 days start).
    Notify {
        /// CURP of the person.
        #[arg(long)]
        curp: String,
        /// Notice date AAAA-MM-DD.
        #[arg(long)]
        date: String,
        /// Acting officer.
        #[command(flatten)]
        who: AsUser,
    },
    /// Notified people without approved biometrics, most urgent first.
    List {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
        /// Acting officer.
        #[command(flatten)]
        who: AsUser,
    },
}

/// Runs `huella restriction`.
pub fn run(home: &Home, args: RestrictionArgs) -> Result<()> {
    match args.action {
        RestrictionCmd::Notify { curp, date, who } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let id = movements::person_by_curp(&session, &curp)?;
            let n = restriction::notify(&session, id, &date)?;
            out::line(contract::notice_recorded(
                &curp.trim().to_uppercase(),
                &n.deadline,
                n.days_left,
            ))?;
        }
        RestrictionCmd::List { json, who } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let rows = restriction::list(&session)?;
            if json {
                say!("{}", serde_json::to_string_pretty(&rows)?)?;
            } else if rows.is_empty() {
                out::line(Say::NoResults)?;
            } else {
                let show = crate::identifiers::text::printable;
                for r in &rows {
                    out::line(contract::restriction_row(
                        &show(&r.curp),
                        &show(&r.nombre),
                        &r.fecha_aviso,
                        &r.fecha_limite,
                        r.dias_restantes,
                        &r.estado,
                    ))?;
                }
            }
        }
    }
    Ok(())
}
