//! `huella review list|approve|reject|recapture`: the supervisor's queue from the shell, with
//! the console's re-authentication: the supervisor's passphrase again and, when the station
//! has a scanner (`--scanner`), the supervisor's own finger matched against the reference
//! sealed in their credential. The decision's audit entry names the factors used.

use std::time::Duration;

use anyhow::Result;
use huella_keys::Passphrase;
use huella_sync::{Decision, FingerPosition, RecordId};

use crate::cli::AsUser;
use crate::commands::out;
use crate::commands::scan::{self, ScannerPort};
use crate::commands::text::{CliError, Say, contract};
use crate::home::Home;
use crate::workflows::enroll::officer_finger::OFFICER_FINGER;
use crate::workflows::review::{self, DecisionRequest};
use crate::workflows::session::Session;

/// Options of `huella review`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Ejemplos:\n  huella review list --as sup --passphrase-file sup.pass\n  huella review approve 4f3a… --scanner /dev/ttyUSB0 --as sup --passphrase-file sup.pass\n  huella review reject 4f3a… --reason \"foto borrosa\" --as sup --passphrase-file sup.pass"
)]
pub struct ReviewArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ReviewAction,
}

/// Review subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ReviewAction {
    /// Captures waiting for a supervisor, oldest first: one line per capture
    /// `ID<TAB>CURP<TAB>NOMBRE<TAB>OFICIAL<TAB>ENVIADO<TAB>excepciones: E<TAB>duplicados: D`.
    List {
        /// Print a JSON array instead.
        #[arg(long)]
        json: bool,
        /// The supervisor.
        #[command(flatten)]
        who: AsUser,
    },
    /// Approves a capture.
    Approve(DecisionArgs),
    /// Rejects a capture (a reason is required).
    Reject(DecisionArgs),
    /// Sends a capture back for recapture (a reason is required).
    Recapture(DecisionArgs),
}

/// What a decision needs.
#[derive(Debug, clap::Args)]
pub struct DecisionArgs {
    /// Record id (32 hex characters, from `review list`).
    pub id: String,
    /// Why (required to reject or ask for recapture).
    #[arg(long, default_value = "")]
    pub reason: String,
    /// For a recapture: the fingers to take again, e.g. `2,7` (none: every finger and the
    /// photo).
    #[arg(long, value_delimiter = ',', value_name = "N,N…")]
    pub fingers: Vec<u8>,
    /// The station's scanner: the supervisor's finger is the second factor (without it, the
    /// station policy must allow approvals without the finger: `huella policy`).
    #[command(flatten)]
    pub scanner: ScannerPort,
    /// Seconds to wait for the supervisor's finger.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// The supervisor (the passphrase file is read again to re-authenticate the decision).
    #[command(flatten)]
    pub who: AsUser,
}

/// Runs `huella review …`.
pub fn run(home: &Home, args: ReviewArgs) -> Result<()> {
    match args.action {
        ReviewAction::List { json, who } => list(home, json, &who),
        ReviewAction::Approve(d) => decide(home, Decision::Aprobar, &d),
        ReviewAction::Reject(d) => decide(home, Decision::Rechazar, &d),
        ReviewAction::Recapture(d) => decide(home, Decision::Recapturar, &d),
    }
}

fn list(home: &Home, json: bool, who: &AsUser) -> Result<()> {
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    let queue = review::queue(&session)?;
    if json {
        let items: Vec<serde_json::Value> = queue
            .iter()
            .map(|q| {
                serde_json::json!({
                    "id": q.id.to_hex(),
                    "curp": q.curp,
                    "nombre": q.name,
                    "oficial": q.officer,
                    "enviado": q.submitted_at,
                    "excepciones": q.exceptions,
                    "duplicados": q.duplicates,
                })
            })
            .collect();
        out::line(serde_json::to_string_pretty(&items)?)?;
        return Ok(());
    }
    for q in &queue {
        out::line(contract::queue_item(
            &q.id.to_hex(),
            &q.curp,
            &q.name,
            &q.officer,
            &q.submitted_at,
            q.exceptions,
            q.duplicates,
        ))?;
    }
    if queue.is_empty() {
        out::line(Say::QueueEmpty)?;
    }
    Ok(())
}

fn decide(home: &Home, decision: Decision, d: &DecisionArgs) -> Result<()> {
    let id = RecordId::parse(&d.id).ok_or_else(|| CliError::BadRecordId { id: d.id.clone() })?;
    let recapture = d
        .fingers
        .iter()
        .map(|n| FingerPosition::from_code(*n).ok_or(CliError::BadFinger))
        .collect::<Result<Vec<_>, _>>()?;
    let passphrase = Passphrase::from_file(&d.who.passphrase_file)?;
    let session = Session::open_with(home, &d.who.user, &passphrase)?;
    let live = match &d.scanner.scanner {
        Some(port) => {
            out::line(Say::PlaceOfficerFinger { port })?;
            Some(scan::finger(
                port,
                d.scanner.baud,
                OFFICER_FINGER,
                Duration::from_secs(d.timeout),
            )?)
        }
        None => None,
    };
    let outcome = review::decide(
        home,
        &session,
        &DecisionRequest {
            id,
            decision,
            reason: &d.reason,
            passphrase: &passphrase,
            finger: live.as_ref(),
            recapture: &recapture,
        },
    )?;
    out::line(contract::decided(
        &id.to_hex(),
        outcome.approval.decision.as_str(),
    ))?;
    Ok(())
}
