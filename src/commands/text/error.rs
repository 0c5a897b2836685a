//! [`CliError`]: why a command failed before or around its workflow.

use std::fmt;
use std::path::PathBuf;

use huella_sync::FingerPosition;

use super::{Lang, en, es, lang};
use crate::workflows::enroll::FaceCheckKind;

/// A command-line failure, worded in the process's language when displayed. Causes (an OS
/// error, a store error) travel as the error's `source` through `anyhow` context.
#[derive(Debug)]
#[non_exhaustive]
pub enum CliError {
    /// `find` needs exactly one of `--curp`, `--nss`, `--name`.
    OneQuery,
    /// `officer add --role` with an unknown role.
    UnknownRole {
        /// What was given.
        role: String,
    },
    /// `sync` without `--as` / `--passphrase-file`.
    NeedCredentials,
    /// `sync` without `--hub` or `--peer`.
    NeedSyncTarget,
    /// Conflicts are for supervisors and administrators.
    ConflictsNeedSupervisor,
    /// Not a record id.
    BadRecordId {
        /// What was given.
        id: String,
    },
    /// A file could not be read.
    Read {
        /// The file.
        path: PathBuf,
    },
    /// A file could not be written.
    Write {
        /// The file.
        path: PathBuf,
    },
    /// The home holds no station.
    NoStation {
        /// The home.
        dir: PathBuf,
    },
    /// The console needs an interactive terminal.
    NeedsTerminal,
    /// `sim scanner --finger` outside 1–10.
    BadFinger,
    /// `enroll --exception` not in the form `N:KIND:REASON`.
    BadException {
        /// What was given.
        text: String,
    },
    /// No pre-registered person with that CURP.
    NotFound {
        /// The CURP.
        curp: String,
    },
    /// A proof of life for a person without approved prints.
    NotEnrolled,
    /// `enroll` without `--consent` for a person who has not consented yet.
    NeedConsent,
    /// No usable read of a finger in all attempts.
    FingerUnusable {
        /// The finger.
        finger: FingerPosition,
    },
    /// No photo passed the face checks.
    FaceRejected {
        /// The checks the last photo failed.
        checks: Vec<FaceCheckKind>,
    },
    /// The hub's folder is held by another process (a running hub).
    HubInUse {
        /// The hub's folder.
        dir: PathBuf,
    },
    /// A device failed during a command (`devices capture`): what to do, then what failed.
    Device(huella_devices::DeviceError),
    /// `hub --store postgres://…` on a binary built without the `postgres` feature.
    NoPostgres,
    /// `central worker` or `central run --search` on a binary built without the `postgres`
    /// feature.
    NoPostgresSearch,
    /// `hub --store` with something that is not a PostgreSQL URL.
    UnknownStore {
        /// What was given (without any password it held).
        store: String,
    },
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match lang() {
            Lang::Es => es::error_text(self, f),
            Lang::En => en::error_text(self, f),
        }
    }
}

impl std::error::Error for CliError {}
