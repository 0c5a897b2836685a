//! `huella attendance`: staff attendance from the shell (enroll staff, clock in/out by
//! finger, justifications and their decisions, the month report, the station's rules).
//!
//! Every subcommand runs under an unlocked officer session (`--as`, `--passphrase-file`):
//! staff templates and marks are sealed like enrollment records, and the station's keys live
//! only in passphrase-sealed credentials, so a station nobody unlocked can read nothing. At
//! `clock` the person clocking gives no passphrase: their finger identifies them; the
//! session is the kiosk operator's who opened the station, named in the audit entry.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use huella_sync::JustificationKind;

use crate::cli::AsUser;
use crate::commands::text::CliError;
use crate::commands::text::attendance::{self as words, AttendanceSay};
use crate::commands::{out, scan};
use crate::home::Home;
use crate::workflows::attendance::clock::{self, Clocked};
use crate::workflows::attendance::config::AttendanceConfig;
use crate::workflows::attendance::gallery::StaffGallery;
use crate::workflows::attendance::staff::{self, StaffFinger};
use crate::workflows::attendance::{self, justify, local_date_time, report};
use crate::workflows::enroll::{MAX_ATTEMPTS, QUALITY_THRESHOLD};
use crate::workflows::session::Session;

/// Options of `huella attendance`.
#[derive(Debug, clap::Args)]
pub struct AttendanceArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: AttendanceAction,
}

/// A scanner port, its speed and how long to wait for a finger.
#[derive(Debug, clap::Args)]
pub struct Reader {
    /// Fingerprint scanner serial port.
    #[arg(long, value_name = "PUERTO")]
    pub scanner: String,
    /// Scanner line speed.
    #[arg(long, default_value_t = 57_600)]
    pub baud: u32,
    /// Seconds to wait for each finger.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

/// `huella attendance` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AttendanceAction {
    /// Enrolls a staff member's fingers for attendance (supervisors), after reading them the
    /// purpose notice.
    #[command(
        after_help = "Ejemplo:\n  huella attendance enroll luz --name \"Luz Ramírez\" --fingers 2 --acknowledged \\\n    --scanner /dev/ttyUSB0 --as sup --passphrase-file sup.pass"
    )]
    Enroll {
        /// The staff member's user name.
        #[arg(value_name = "USUARIO")]
        staff: String,
        /// Full name.
        #[arg(long, default_value = "")]
        name: String,
        /// Fingers to take (1–10: right index, left index, thumbs, …).
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=10))]
        fingers: u8,
        /// The staff member acknowledged the purpose notice (read it to them first).
        #[arg(long)]
        acknowledged: bool,
        /// The scanner.
        #[command(flatten)]
        reader: Reader,
        /// The supervisor enrolling.
        #[command(flatten)]
        who: AsUser,
    },
    /// Clocks in or out whoever is on the scanner (1:N over staff only).
    #[command(
        after_help = "Ejemplo:\n  huella attendance clock --scanner /dev/ttyUSB0 --as kiosco --passphrase-file kiosco.pass"
    )]
    Clock {
        /// The scanner.
        #[command(flatten)]
        reader: Reader,
        /// The operator whose session the kiosk runs under.
        #[command(flatten)]
        who: AsUser,
    },
    /// Files a justification for the acting staff member.
    #[command(
        after_help = "Ejemplo:\n  huella attendance justify --kind pase --date 2026-12-04 --from 12:00 --to 13:30 \\\n    --reason \"cita médica\" --as luz --passphrase-file luz.pass"
    )]
    Justify {
        /// falta, retardo or pase.
        #[arg(long, value_parser = ["falta", "retardo", "pase"])]
        kind: String,
        /// Day it covers (AAAA-MM-DD).
        #[arg(long, value_name = "AAAA-MM-DD")]
        date: String,
        /// Exit pass start (HH:MM).
        #[arg(long, value_name = "HH:MM")]
        from: Option<String>,
        /// Exit pass end (HH:MM).
        #[arg(long, value_name = "HH:MM")]
        to: Option<String>,
        /// Why.
        #[arg(long)]
        reason: String,
        /// The staff member filing it.
        #[command(flatten)]
        who: AsUser,
    },
    /// Approves or rejects a justification (a supervisor other than the requester).
    Decide {
        /// The justification's folio.
        #[arg(value_name = "FOLIO")]
        folio: String,
        /// Approve it.
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        approve: bool,
        /// Reject it.
        #[arg(long)]
        reject: bool,
        /// A note for the record.
        #[arg(long, default_value = "")]
        note: String,
        /// The supervisor deciding.
        #[command(flatten)]
        who: AsUser,
    },
    /// Lists justifications waiting for a decision (all of them with --all).
    Queue {
        /// Include decided ones.
        #[arg(long)]
        all: bool,
        /// The supervisor.
        #[command(flatten)]
        who: AsUser,
    },
    /// The month report per staff member (supervisors).
    Report {
        /// The month (AAAA-MM).
        #[arg(long, value_name = "AAAA-MM")]
        month: String,
        /// Also write it as CSV.
        #[arg(long, value_name = "ARCHIVO")]
        csv: Option<PathBuf>,
        /// The supervisor.
        #[command(flatten)]
        who: AsUser,
    },
    /// Sets the station's start of day and lateness tolerance (supervisors).
    Config {
        /// Start of the working day (HH:MM).
        #[arg(long, value_name = "HH:MM")]
        start: String,
        /// Minutes of tolerance.
        #[arg(long)]
        tolerance: u32,
        /// The supervisor.
        #[command(flatten)]
        who: AsUser,
    },
}

/// Runs `huella attendance`.
pub fn run(home: &Home, args: AttendanceArgs) -> Result<()> {
    match args.action {
        AttendanceAction::Enroll {
            staff: user,
            name,
            fingers,
            acknowledged,
            reader,
            who,
        } => enroll(home, &user, &name, fingers, acknowledged, &reader, &who),
        AttendanceAction::Clock { reader, who } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            out::line(AttendanceSay::PlaceAnyFinger)?;
            let live = scan::finger(
                &reader.scanner,
                reader.baud,
                huella_sync::FingerPosition::RightIndex,
                Duration::from_secs(reader.timeout),
            )?;
            let unix = clock::unix_now();
            let offset = crate::console::local_time::offset_at(unix);
            let mut gallery = StaffGallery::new();
            match clock::clock(&session, &mut gallery, &live, unix, offset)? {
                Clocked::Recorded {
                    user, kind, time, ..
                } => out::line(words::clocked(kind, &user, &time))?,
                Clocked::NotIdentified => out::line(words::NOT_IDENTIFIED)?,
            }
            Ok(())
        }
        AttendanceAction::Justify {
            kind,
            date,
            from,
            to,
            reason,
            who,
        } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let kind = JustificationKind::parse(&kind)
                .ok_or_else(|| attendance::AttendanceError::BadDate(kind.clone()))?;
            let folio = justify::file(
                &session,
                &justify::Request {
                    kind,
                    date: &date,
                    from: from.as_deref(),
                    to: to.as_deref(),
                    reason: &reason,
                },
            )?;
            Ok(out::line(words::filed(&folio))?)
        }
        AttendanceAction::Decide {
            folio,
            approve,
            note,
            who,
            ..
        } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let filed = justify::decide(&session, &folio, approve, &note)?;
            Ok(out::line(words::decided(&filed.justification.id, approve))?)
        }
        AttendanceAction::Queue { all, who } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            attendance::need_supervisor(&session)?;
            for f in justify::list(&session, !all)? {
                let j = &f.justification;
                out::line(AttendanceSay::QueueRow {
                    folio: &j.id,
                    user: &f.user,
                    kind: j.kind,
                    date: &j.date,
                    times: if j.from.is_empty() {
                        String::new()
                    } else {
                        format!("{}-{}", j.from, j.to)
                    },
                    reason: &j.reason,
                    invalid: f.refused.is_some(),
                })?;
            }
            Ok(())
        }
        AttendanceAction::Report { month, csv, who } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let config = AttendanceConfig::load(home);
            let unix = clock::unix_now();
            let offset = crate::console::local_time::offset_at(unix);
            let (today, _) = local_date_time(unix, offset);
            let today = attendance::days_of(&today).unwrap_or(0);
            let rows = report::month(&session, &month, &config, today, csv.is_some())?;
            out::line(AttendanceSay::ReportTitle {
                month: &month,
                start: &config.hora_entrada,
                tolerance: config.tolerancia_minutos,
            })?;
            for r in &rows {
                out::line(AttendanceSay::ReportRow(r))?;
            }
            if let Some(path) = csv {
                write_csv(&path, &rows)?;
                out::line(AttendanceSay::CsvWritten { path: &path })?;
            }
            Ok(())
        }
        AttendanceAction::Config {
            start,
            tolerance,
            who,
        } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let config = AttendanceConfig {
                hora_entrada: start.trim().to_owned(),
                tolerancia_minutos: tolerance,
                ..AttendanceConfig::load(home)
            };
            config.set(home, &session)?;
            Ok(out::line(AttendanceSay::ConfigSaved {
                start: &config.hora_entrada,
                tolerance,
            })?)
        }
    }
}

fn write_csv(path: &std::path::Path, rows: &[report::StaffMonth]) -> Result<()> {
    let write = || -> Result<(), csv::Error> {
        let mut w = csv::Writer::from_path(path)?;
        w.write_record(words::CSV_HEADER)?;
        for r in rows {
            w.write_record(words::csv_row(r))?;
        }
        w.flush()?;
        Ok(())
    };
    write().map_err(|e| {
        anyhow::Error::new(e).context(CliError::Write {
            path: path.to_owned(),
        })
    })
}

fn enroll(
    home: &Home,
    user: &str,
    name: &str,
    fingers: u8,
    acknowledged: bool,
    reader: &Reader,
    who: &AsUser,
) -> Result<()> {
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    attendance::need_supervisor(&session)?;
    out::line(AttendanceSay::Notice)?;
    if !acknowledged {
        return Err(attendance::AttendanceError::NoNotice.into());
    }
    let order = staff::finger_order();
    let wanted = usize::from(fingers).min(order.len());
    let mut taken: Vec<StaffFinger> = Vec::with_capacity(wanted);
    for (n, &position) in order.iter().take(wanted).enumerate() {
        out::line(AttendanceSay::PlaceFinger {
            finger: position,
            n: n + 1,
            of: wanted,
        })?;
        let mut best: Option<StaffFinger> = None;
        let mut last_reason = "";
        for _ in 0..MAX_ATTEMPTS {
            let read = scan::finger(
                &reader.scanner,
                reader.baud,
                position,
                Duration::from_secs(reader.timeout),
            )?;
            match staff::staff_finger(&read) {
                Ok(f) => {
                    let good = f.quality >= QUALITY_THRESHOLD;
                    if best.as_ref().is_none_or(|b| f.quality > b.quality) {
                        best = Some(f);
                    }
                    if good {
                        break;
                    }
                }
                Err(attendance::AttendanceError::Unusable(r)) => {
                    last_reason = r;
                    out::line(AttendanceSay::FingerRetry { reason: r })?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        let Some(f) = best else {
            return Err(attendance::AttendanceError::Unusable(last_reason).into());
        };
        out::line(AttendanceSay::FingerKept { quality: f.quality })?;
        taken.push(f);
    }
    let done = staff::enroll(&session, user, name, acknowledged, &taken)?;
    out::line(words::enrolled(user, done.fingers))?;
    Ok(())
}
