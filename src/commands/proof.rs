//! `huella proof-of-life`: the person presents an enrolled finger on the scanner and the
//! station records whether it matches their approved print (the console's proof of life).

use std::time::Duration;

use anyhow::Result;

use crate::cli::AsUser;
use crate::commands::enroll::person_id;
use crate::commands::text::{CliError, Say, contract};
use crate::commands::{out, scan};
use crate::home::Home;
use crate::workflows::enroll::survival;
use crate::workflows::person;
use crate::workflows::session::Session;

/// Options of `huella proof-of-life`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Ejemplo:\n  huella proof-of-life --curp MORF991110HBCRSR97 --scanner /dev/ttyUSB0 --as ana --passphrase-file ana.pass"
)]
pub struct ProofArgs {
    /// CURP of the person (enrolled and approved).
    #[arg(long)]
    pub curp: String,
    /// Fingerprint scanner serial port.
    #[arg(long, value_name = "PUERTO")]
    pub scanner: String,
    /// Scanner line speed.
    #[arg(long, default_value_t = 57_600)]
    pub baud: u32,
    /// Seconds to wait for the finger.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// The officer.
    #[command(flatten)]
    pub who: AsUser,
}

/// Runs `huella proof-of-life`.
pub fn run(home: &Home, args: &ProofArgs) -> Result<()> {
    let session = Session::open(home, &args.who.user, &args.who.passphrase_file)?;
    let id = person_id(&session, &args.curp)?;
    crate::workflows::arco::oppose::allowed(
        &session,
        id,
        crate::workflows::arco::oppose::SecondaryUse::FingerprintProofOfLife,
    )?;
    let file = person::open(&session, id)?;
    let finger = file.proof_finger.ok_or(CliError::NotEnrolled)?;
    out::line(Say::PlaceFinger {
        finger,
        attempt: 1,
        of: 1,
    })?;
    let live = scan::finger(
        &args.scanner,
        args.baud,
        finger,
        Duration::from_secs(args.timeout),
    )?;
    let v = survival::prove_life(&session, id, &live)?;
    out::line(contract::proof(v.matched, v.score))?;
    Ok(())
}
