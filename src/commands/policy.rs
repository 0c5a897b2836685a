//! `huella policy show|set`: the station policy an administrator sets (today, whether a
//! supervisor may decide on a capture with the passphrase alone, without the finger).

use anyhow::Result;

use crate::cli::AsUser;
use crate::commands::out;
use crate::commands::text::Say;
use crate::home::Home;
use crate::workflows::policy::StationPolicy;
use crate::workflows::session::Session;

/// Options of `huella policy`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Ejemplo:\n  huella policy set --approval-without-finger false --as admin --passphrase-file admin.pass"
)]
pub struct PolicyArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: PolicyAction,
}

/// Policy subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PolicyAction {
    /// Shows the policy in force (no passphrase needed).
    Show,
    /// Sets the policy (administrators only; audited).
    Set {
        /// Whether supervisors may decide without the finger factor (passphrase only).
        #[arg(long, action = clap::ArgAction::Set, value_name = "true|false")]
        approval_without_finger: bool,
        /// The administrator.
        #[command(flatten)]
        who: AsUser,
    },
}

/// Runs `huella policy …`.
pub fn run(home: &Home, args: PolicyArgs) -> Result<()> {
    match args.action {
        PolicyAction::Show => {}
        PolicyAction::Set {
            approval_without_finger,
            who,
        } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            StationPolicy {
                approval_without_finger,
            }
            .set(home, &session)?;
        }
    }
    out::line(Say::Policy {
        approval_without_finger: StationPolicy::load(home).approval_without_finger,
    })?;
    Ok(())
}
