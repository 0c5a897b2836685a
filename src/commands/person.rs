//! `huella person --curp C`: one person's file as the console shows it (identity, status
//! history, movements, signed decisions, proofs of life); reading it is audited as a consultation.

use anyhow::Result;

use crate::cli::AsUser;
use crate::commands::enroll::person_id;
use crate::commands::out;
use crate::commands::text::Say;
use crate::home::Home;
use crate::workflows::person;
use crate::workflows::session::Session;

/// Options of `huella person`.
#[derive(Debug, clap::Args)]
pub struct PersonArgs {
    /// CURP of the person.
    #[arg(long)]
    pub curp: String,
    /// The officer consulting.
    #[command(flatten)]
    pub who: AsUser,
}

/// Runs `huella person`.
pub fn run(home: &Home, args: &PersonArgs) -> Result<()> {
    let session = Session::open(home, &args.who.user, &args.who.passphrase_file)?;
    let id = person_id(&session, &args.curp)?;
    let f = person::open(&session, id)?;
    let p = &f.summary;
    out::line(format_args!(
        "{}  {}  {} {} {}  [{}]",
        p.id, p.curp, p.nombre, p.primer_apellido, p.segundo_apellido, p.estado_biometrico
    ))?;
    out::line(Say::PersonCaptures {
        fingers: f.fingers,
        face: f.face,
        consent: f.consent.as_deref(),
    })?;
    for h in &f.history {
        let mark = if h.unverified {
            format!("\t[{}]", Say::InvalidSignature)
        } else {
            String::new()
        };
        out::line(format_args!(
            "{}\t{}\t{}\t{}{mark}",
            h.at,
            h.status.as_str(),
            h.by,
            h.reason
        ))?;
    }
    for m in &f.movements {
        let mark = if m.unverified {
            format!("\t[{}]", Say::InvalidSignature)
        } else {
            String::new()
        };
        out::line(format_args!(
            "{}\t{}\t{}\t{}\t{}{mark}",
            m.date,
            m.kind.as_str(),
            m.folio.as_deref().unwrap_or("-"),
            m.employer,
            m.officer
        ))?;
    }
    for r in &f.receipts {
        out::line(Say::PersonReceipt {
            folio: &r.folio,
            decision: r.decision.as_str(),
            supervisor: &r.supervisor,
            at: &r.signed_at,
            code: &r.code,
            valid: r.verified,
        })?;
    }
    for v in &f.verifications {
        out::line(Say::PersonProof {
            at: &v.at,
            finger: v.finger,
            score: v.score,
            matched: v.matched,
        })?;
    }
    Ok(())
}
