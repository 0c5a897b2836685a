//! `huella enroll`: the officer's enrollment from the shell, with the same steps as the
//! console (consent, ten fingers with up to three attempts each or an exception, the face
//! photo, the local duplicate search, submit for approval), reading the scanner and camera
//! on their serial ports. Each step is a workflow call that commits before the next, so an
//! interrupted run resumes where it stopped.

use std::time::Duration;

use anyhow::Result;
use huella_sync::{FingerException, FingerPosition};

use crate::cli::AsUser;
use crate::commands::out;
use crate::commands::scan;
use crate::commands::text::{CliError, Say, contract};
use crate::home::Home;
use crate::workflows::enroll::{self, MAX_ATTEMPTS, OfficeGallery, QUALITY_THRESHOLD};
use crate::workflows::lookup::{self, Query};
use crate::workflows::session::Session;

/// Options of `huella enroll`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Ejemplo (simuladores: `huella sim scanner --synthetic 7`, `huella sim camera`):\n  huella enroll --curp MORF991110HBCRSR97 --scanner /dev/pts/3 --camera /dev/pts/4 \\\n    --consent --as ana --passphrase-file ana.pass"
)]
pub struct EnrollArgs {
    /// CURP of the person (pre-registered by `huella import`).
    #[arg(long)]
    pub curp: String,
    /// Fingerprint scanner serial port.
    #[arg(long, value_name = "PUERTO")]
    pub scanner: String,
    /// Scanner line speed.
    #[arg(long, default_value_t = 57_600)]
    pub baud: u32,
    /// Camera serial port.
    #[arg(long, value_name = "PUERTO")]
    pub camera: String,
    /// Camera line speed.
    #[arg(long, default_value_t = 38_400)]
    pub camera_baud: u32,
    /// The person accepted the privacy notice (read it to them first); without it nothing is
    /// captured.
    #[arg(long)]
    pub consent: bool,
    /// A finger that cannot be captured: `N:KIND:REASON` (N 1–10; KIND amputado, lesionado or
    /// ilegible); repeatable. A supervisor reviews it.
    #[arg(long = "exception", value_name = "N:TIPO:MOTIVO")]
    pub exceptions: Vec<String>,
    /// The person was rejected: start a new enrollment round (audited).
    #[arg(long)]
    pub reopen: bool,
    /// Seconds to wait for each finger or photo.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// The officer enrolling.
    #[command(flatten)]
    pub who: AsUser,
}

/// One `--exception`.
struct Exception {
    position: FingerPosition,
    kind: FingerException,
    reason: String,
}

fn parse_exception(text: &str) -> Result<Exception, CliError> {
    let bad = || CliError::BadException {
        text: text.to_owned(),
    };
    let mut parts = text.splitn(3, ':');
    let position = parts
        .next()
        .and_then(|n| n.trim().parse::<u8>().ok())
        .and_then(FingerPosition::from_code)
        .ok_or_else(bad)?;
    let kind = parts
        .next()
        .and_then(|k| FingerException::parse(k.trim()))
        .ok_or_else(bad)?;
    let reason = parts.next().map(str::trim).unwrap_or_default();
    if reason.is_empty() {
        return Err(bad());
    }
    Ok(Exception {
        position,
        kind,
        reason: reason.to_owned(),
    })
}

/// Runs `huella enroll`.
pub fn run(home: &Home, args: &EnrollArgs) -> Result<()> {
    let exceptions = args
        .exceptions
        .iter()
        .map(|e| parse_exception(e))
        .collect::<Result<Vec<_>, _>>()?;
    let timeout = Duration::from_secs(args.timeout);
    let session = Session::open(home, &args.who.user, &args.who.passphrase_file)?;
    let id = person_id(&session, &args.curp)?;
    let draft = if args.reopen {
        enroll::reopen(&session, id)?
    } else {
        enroll::load_draft(&session, id)?
    };
    if draft.consent.is_none() {
        if !args.consent {
            return Err(CliError::NeedConsent.into());
        }
        enroll::record_consent(&session, id)?;
        out::line(Say::ConsentRecorded)?;
    }
    for e in &exceptions {
        enroll::save_exception(&session, id, e.position, e.kind, &e.reason, 0)?;
        out::line(Say::ExceptionRecorded {
            finger: e.position,
            kind: e.kind,
        })?;
    }
    for (position, done) in FingerPosition::ALL.into_iter().zip(&draft.fingers) {
        if done.is_some() || exceptions.iter().any(|e| e.position == position) {
            continue;
        }
        capture_finger(&session, id, args, position, timeout)?;
    }
    if draft.face.is_none() {
        capture_face(&session, id, args, timeout)?;
    }
    let hits = OfficeGallery::new().search(&session, id)?;
    let folio = enroll::submit(&session, id, &hits)?;
    out::line(contract::submitted(&folio, hits.len()))?;
    Ok(())
}

/// The record of the one pre-registered person with `curp`.
pub fn person_id(session: &Session, curp: &str) -> Result<huella_sync::RecordId> {
    match lookup::find_ids(session, &Query::Curp(curp.to_owned()))?.as_slice() {
        [id] => Ok(*id),
        _ => Err(CliError::NotFound {
            curp: curp.to_owned(),
        }
        .into()),
    }
}

/// Up to [`MAX_ATTEMPTS`] reads of one finger, keeping the best; stops early at
/// [`QUALITY_THRESHOLD`]. No usable read at all is an error that names `--exception`.
fn capture_finger(
    session: &Session,
    id: huella_sync::RecordId,
    args: &EnrollArgs,
    position: FingerPosition,
    timeout: Duration,
) -> Result<()> {
    let mut best = None;
    for attempt in 1..=MAX_ATTEMPTS {
        out::line(Say::PlaceFinger {
            finger: position,
            attempt,
            of: MAX_ATTEMPTS,
        })?;
        let read = scan::finger(&args.scanner, args.baud, position, timeout)?;
        let outcome = enroll::save_attempt(session, id, &read, attempt)?;
        out::line(Say::FingerRead {
            finger: position,
            quality: outcome.quality,
        })?;
        best = outcome.best.map(|c| c.quality);
        if outcome.quality.is_ok_and(|q| q >= QUALITY_THRESHOLD) {
            break;
        }
    }
    match best {
        Some(quality) => Ok(out::line(Say::FingerKept {
            finger: position,
            quality,
        })?),
        None => Err(CliError::FingerUnusable { finger: position }.into()),
    }
}

/// Up to [`MAX_ATTEMPTS`] photos until one passes the face checks.
fn capture_face(
    session: &Session,
    id: huella_sync::RecordId,
    args: &EnrollArgs,
    timeout: Duration,
) -> Result<()> {
    let mut failed = Vec::new();
    for attempt in 1..=MAX_ATTEMPTS {
        out::line(Say::TakingPhoto {
            attempt,
            of: MAX_ATTEMPTS,
        })?;
        let jpeg = scan::photo(&args.camera, args.camera_baud, timeout)?;
        let check = enroll::check_face(&jpeg);
        if check.passed() {
            enroll::save_face(session, id, &jpeg, &check)?;
            out::line(Say::PhotoKept {
                quality: check.quality,
            })?;
            return Ok(());
        }
        failed = check
            .checks
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(k, _)| *k)
            .collect();
        out::line(Say::PhotoRejected { checks: &failed })?;
    }
    Err(CliError::FaceRejected { checks: failed }.into())
}
