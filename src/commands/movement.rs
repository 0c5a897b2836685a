//! `huella movement alta|baja|salario|regimen|defuncion`: worker movements at the counter.
//! Success prints the contract line `movimiento registrado: TIPO, folio FOLIO`; a refusal is
//! one line on stderr and exit 1, with nothing written.

use anyhow::Result;
use clap::{Args, Subcommand};
use huella_sync::Regime;

use crate::cli::AsUser;
use crate::commands::out;
use crate::commands::text::contract;
use crate::home::Home;
use crate::workflows::movements::{self, Request};
use crate::workflows::session::Session;

/// Options of `huella movement`.
#[derive(Debug, Args)]
pub struct MovementArgs {
    /// Which movement.
    #[command(subcommand)]
    pub kind: MovementCmd,
}

fn regime(s: &str) -> Result<Regime, String> {
    Regime::parse(s).ok_or_else(|| "permanente | eventual | construccion".to_owned())
}

/// The movements.
#[derive(Debug, Subcommand)]
pub enum MovementCmd {
    /// Registration with an employer.
    Alta {
        /// CURP of the worker.
        #[arg(long)]
        curp: String,
        /// Employer registration (11 characters).
        #[arg(long)]
        registro_patronal: String,
        /// Daily base salary in pesos (e.g. 315.04).
        #[arg(long)]
        salary: String,
        /// Start date AAAA-MM-DD.
        #[arg(long)]
        date: String,
        /// permanente, eventual or construccion.
        #[arg(long, value_parser = regime)]
        regime: Regime,
        /// Acting officer.
        #[command(flatten)]
        who: AsUser,
    },
    /// Termination.
    Baja {
        /// CURP of the worker.
        #[arg(long)]
        curp: String,
        /// Date AAAA-MM-DD.
        #[arg(long)]
        date: String,
        /// Reason.
        #[arg(long)]
        reason: String,
        /// Employer, when the worker has more than one active alta.
        #[arg(long)]
        registro_patronal: Option<String>,
        /// Acting officer.
        #[command(flatten)]
        who: AsUser,
    },
    /// Salary change.
    Salario {
        /// CURP of the worker.
        #[arg(long)]
        curp: String,
        /// New daily base salary in pesos.
        #[arg(long)]
        salary: String,
        /// Effective date AAAA-MM-DD.
        #[arg(long)]
        date: String,
        /// Employer, when the worker has more than one active alta.
        #[arg(long)]
        registro_patronal: Option<String>,
        /// Acting officer.
        #[command(flatten)]
        who: AsUser,
    },
    /// Change of regime.
    Regimen {
        /// CURP of the worker.
        #[arg(long)]
        curp: String,
        /// permanente, eventual or construccion.
        #[arg(long, value_parser = regime)]
        regime: Regime,
        /// Effective date AAAA-MM-DD.
        #[arg(long)]
        date: String,
        /// Employer, when the worker has more than one active alta.
        #[arg(long)]
        registro_patronal: Option<String>,
        /// Acting officer.
        #[command(flatten)]
        who: AsUser,
    },
    /// Death of the person: ends every alta and proof of life (supervisor or administrator).
    Defuncion {
        /// CURP of the person.
        #[arg(long)]
        curp: String,
        /// Date of death AAAA-MM-DD.
        #[arg(long)]
        date: String,
        /// Acting supervisor.
        #[command(flatten)]
        who: AsUser,
    },
}

/// Runs `huella movement`.
pub fn run(home: &Home, args: MovementArgs) -> Result<()> {
    let (curp, who, req) = match args.kind {
        MovementCmd::Alta {
            curp,
            registro_patronal,
            salary,
            date,
            regime,
            who,
        } => (
            curp,
            who,
            Request::Alta {
                employer: registro_patronal,
                salary,
                date,
                regime,
            },
        ),
        MovementCmd::Baja {
            curp,
            date,
            reason,
            registro_patronal,
            who,
        } => (
            curp,
            who,
            Request::Baja {
                employer: registro_patronal,
                date,
                reason,
            },
        ),
        MovementCmd::Salario {
            curp,
            salary,
            date,
            registro_patronal,
            who,
        } => (
            curp,
            who,
            Request::Salario {
                employer: registro_patronal,
                salary,
                date,
            },
        ),
        MovementCmd::Regimen {
            curp,
            regime,
            date,
            registro_patronal,
            who,
        } => (
            curp,
            who,
            Request::Regimen {
                employer: registro_patronal,
                regime,
                date,
            },
        ),
        MovementCmd::Defuncion { curp, date, who } => (curp, who, Request::Defuncion { date }),
    };
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    let id = movements::person_by_curp(&session, &curp)?;
    let done = movements::record(&session, id, &req)?;
    out::line(contract::movement_recorded(
        done.entry.kind.as_str(),
        &done.folio,
    ))?;
    Ok(())
}
