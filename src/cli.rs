//! The command line: global options and subcommands (see `docs/cli.md` and the brief's cli.md).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// huella: biometric enrollment console for social-security field offices.
#[derive(Debug, Parser)]
#[command(name = "huella", version, about, long_about = None)]
pub struct Cli {
    /// Station data directory (default: $XDG_DATA_HOME/huella).
    #[arg(long, env = "HUELLA_HOME", global = true)]
    pub home: Option<PathBuf>,
    /// Language of messages: es or en (the lines scripts parse stay as documented).
    #[arg(long, default_value = "es", global = true, value_parser = ["es", "en"])]
    pub lang: String,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Credentials for commands that need keys.
#[derive(Debug, clap::Args)]
pub struct AsUser {
    /// Acting user.
    #[arg(long = "as", value_name = "USER")]
    pub user: String,
    /// File whose first line is the user's passphrase.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: PathBuf,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs a throwaway demo station with simulated devices and sample people.
    Demo(crate::commands::demo::DemoArgs),
    /// Opens the officer console of the station in --home.
    Console(crate::commands::console::ConsoleArgs),
    /// Creates a station and its first administrator.
    #[command(
        after_help = "Ejemplo:\n  huella --home /srv/huella init --office 0901 --station VENT-1 \\\n    --admin admin --passphrase-file admin.pass"
    )]
    Init {
        /// Office code.
        #[arg(long, required_unless_present = "join")]
        office: Option<String>,
        /// Station name (with --join, the name comes from the invite).
        #[arg(long, required_unless_present = "join")]
        station: Option<String>,
        /// Joins an office with an invite file made by `huella sync invite`.
        #[arg(long, value_name = "INVITE", requires = "invite_passphrase_file")]
        join: Option<PathBuf>,
        /// File whose first line is the invite's passphrase.
        #[arg(long, requires = "join")]
        invite_passphrase_file: Option<PathBuf>,
        /// First administrator's user name.
        #[arg(long)]
        admin: String,
        /// File whose first line is the administrator's passphrase.
        #[arg(long)]
        passphrase_file: PathBuf,
        /// Regional office public key (age1…).
        #[arg(long)]
        regional: Option<String>,
        /// Central office public key (age1…).
        #[arg(long)]
        central: Option<String>,
    },
    /// Manages officers.
    Officer {
        /// What to do with officers.
        #[command(subcommand)]
        action: OfficerAction,
    },
    /// Imports employer pre-registrations from a CSV file.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Acting user.
        #[command(flatten)]
        who: AsUser,
    },
    /// Finds people by CURP, NSS or name.
    Find {
        /// CURP to look for.
        #[arg(long, group = "q")]
        curp: Option<String>,
        /// NSS to look for.
        #[arg(long, group = "q")]
        nss: Option<String>,
        /// Name words to look for (all must match).
        #[arg(long, group = "q")]
        name: Option<String>,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
        /// Acting user.
        #[command(flatten)]
        who: AsUser,
    },
    /// Shows the station's state (no passphrase needed, no personal data).
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Writes sample data (synthetic people) for demos, tests and benchmarks.
    Sample {
        /// What to write.
        #[command(subcommand)]
        what: SampleWhat,
    },
    /// Simulated devices on pseudo-terminals (scanner, camera).
    Sim(crate::commands::sim::SimArgs),
    /// Serial devices: list, shift-start test, capture.
    Devices(crate::commands::devices::DevicesArgs),
    /// Evaluations (fingerprint matching accuracy and speed).
    Eval(crate::commands::eval::EvalArgs),
    /// Runs a hub (regional or central office) until killed.
    Hub(crate::commands::sync::HubArgs),
    /// Reconciles with the hub and/or LAN peers; also `sync conflicts|roster|invite|erase`.
    Sync(crate::commands::sync::SyncArgs),
    /// Offline exchange on a USB stick.
    Bundle {
        /// Export or import.
        #[command(subcommand)]
        action: crate::commands::sync::BundleAction,
    },
    /// Audit trail operations.
    Audit {
        /// What to do.
        #[command(subcommand)]
        action: AuditCmd,
    },
    /// Enrolls a pre-registered person from the scanner and camera (the console's steps).
    Enroll(crate::commands::enroll::EnrollArgs),
    /// The supervisor's queue: list, approve, reject, ask for recapture.
    Review(crate::commands::review::ReviewArgs),
    /// Writes an encrypted, checksummed copy of the whole station (people, drafts, audit,
    /// credentials), readable with the station's or the office's keys.
    #[command(
        after_help = "Ejemplo:\n  huella backup --out /media/usb/estacion.respaldo --as admin --passphrase-file admin.pass"
    )]
    Backup {
        /// The backup file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Acting user.
        #[command(flatten)]
        who: AsUser,
    },
    /// Brings a dead station's records (its folder or its backup) into this station of the
    /// same office, audited.
    Recover {
        /// The dead station's home or store folder, or its backup file.
        #[arg(long, value_name = "DIR|BACKUP")]
        from: PathBuf,
        /// Acting user.
        #[command(flatten)]
        who: AsUser,
    },
    /// Restores a backup onto a fresh station home (--home must not hold a station).
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Acting user (their credential in the backup opens it).
        #[command(flatten)]
        who: AsUser,
    },
    /// The station policy (approvals without the supervisor's finger).
    Policy(crate::commands::policy::PolicyArgs),
    /// Proof of life: the person presents an enrolled finger on the scanner.
    ProofOfLife(crate::commands::proof::ProofArgs),
    /// One person's file: captures, status history, signed decisions, proofs of life.
    Person(crate::commands::person::PersonArgs),
    /// Signed documents: print an acuse or a constancia (PDF, text), verify one offline.
    Document(crate::commands::document::DocumentArgs),
    /// ARCO rights: file a request, access, rectify, cancel, oppose, list open requests.
    Arco(crate::commands::arco::ArcoArgs),
    /// Retention of biometrics after a baja or a death: show, set, run.
    Retention(crate::commands::retention::RetentionArgs),
    /// Worker movements: alta, baja, salary change, regime change, defunción.
    Movement(crate::commands::movement::MovementArgs),
    /// Restriction for missing biometrics: notify a person, list who is pending.
    Restriction(crate::commands::restriction::RestrictionArgs),
    /// Reports: an employer's workers with biometric status and days left.
    Report(crate::commands::report::ReportArgs),
    /// The central node: national duplicate search, duplicate cases, "Biométrico registrado".
    Central(crate::commands::central::CentralArgs),
}

/// Officer subcommands.
#[derive(Debug, Subcommand)]
pub enum OfficerAction {
    /// Adds an officer.
    Add {
        /// New user name.
        #[arg(value_name = "USER")]
        name: String,
        /// Role: officer, supervisor or admin.
        #[arg(long)]
        role: String,
        /// File whose first line is the new officer's passphrase.
        #[arg(long)]
        new_passphrase_file: PathBuf,
        /// Acting administrator.
        #[command(flatten)]
        who: AsUser,
    },
    /// Lists officers and roles.
    List,
    /// Enrolls the acting officer's own finger (right index) from the scanner, sealed in
    /// their credential; supervisors present it to sign decisions at stations with a scanner.
    Finger {
        /// Scanner serial port (e.g. /dev/ttyUSB0).
        #[arg(long, value_name = "PUERTO")]
        scanner: String,
        /// Seconds to wait for the finger.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
        /// The officer enrolling their finger.
        #[command(flatten)]
        who: AsUser,
    },
}

/// Audit subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Checks the whole audit chain.
    Verify,
}

/// Sample data kinds.
#[derive(Debug, Subcommand)]
pub enum SampleWhat {
    /// A pre-registration CSV of synthetic people.
    Csv(crate::commands::sample::SampleArgs),
}
