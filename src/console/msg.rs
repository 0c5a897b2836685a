//! Typed messages between the UI task and the workers: commands the UI sends (effects of
//! `update`) and events the workers send back.

use crate::workflows::types::FingerImage;
use crate::workflows::types::Passphrase;
use crate::workflows::types::{Decision, FingerException, FingerPosition, RecordId};

use super::state::{StationInfo, UserInfo};
use crate::workflows::drafts::DraftRow;
use crate::workflows::enroll::survival::SurvivalError;
use crate::workflows::enroll::{
    AttemptOutcome, Draft, DuplicateHit, DuplicateRow, EnrollError, FaceCheck,
};
use crate::workflows::login::LoginError;
use crate::workflows::lookup::{PersonSummary, Query};
use crate::workflows::overview::{HomeOverview, OverviewError, PendingList};
use crate::workflows::person::{PersonError, PersonFile};
use crate::workflows::review::{QueueItem, Review, ReviewError};

/// Why a desk operation failed: the workflow's own typed error (boxed: they carry store and
/// record errors), worded by the console's language layer
/// ([`crate::console::i18n::Lang::desk_error`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeskError {
    /// An enrollment step.
    #[error(transparent)]
    Enroll(Box<EnrollError>),
    /// A review or decision.
    #[error(transparent)]
    Review(Box<ReviewError>),
    /// A person's file.
    #[error(transparent)]
    Person(Box<PersonError>),
    /// The home or pending figures.
    #[error(transparent)]
    Overview(Box<OverviewError>),
    /// A proof of life.
    #[error(transparent)]
    Survival(Box<SurvivalError>),
    /// A movement.
    #[error(transparent)]
    Movement(Box<crate::workflows::movements::MovementError>),
    /// A lookup (the identifier typed is explained by the error's chain).
    #[error("{0:#}")]
    Lookup(anyhow::Error),
    /// An ARCO request.
    #[error(transparent)]
    Arco(Box<crate::workflows::arco::ArcoError>),
    /// A national duplicate case.
    #[error(transparent)]
    Central(Box<crate::workflows::central::CentralError>),
}

macro_rules! desk_error_from {
    ($($variant:ident($ty:ty)),*) => {$(
        impl From<$ty> for DeskError {
            fn from(e: $ty) -> Self {
                DeskError::$variant(Box::new(e))
            }
        }
    )*};
}

desk_error_from!(
    Enroll(EnrollError),
    Review(ReviewError),
    Person(PersonError),
    Overview(OverviewError),
    Survival(SurvivalError),
    Movement(crate::workflows::movements::MovementError),
    Arco(crate::workflows::arco::ArcoError),
    Central(crate::workflows::central::CentralError)
);

/// Work for the desk worker (store, keys, matching).
pub enum DeskCmd {
    /// Unlock a credential and open the session.
    Login {
        /// User.
        user: String,
        /// Passphrase.
        pass: Passphrase,
    },
    /// Close the session.
    Logout,
    /// Home figures.
    Home,
    /// Find people.
    Lookup(Query),
    /// One person's file.
    Person(RecordId),
    /// Open or resume an enrollment.
    StartEnroll(RecordId),
    /// Record consent.
    Consent(RecordId),
    /// Evaluate and keep an attempt.
    Attempt {
        /// Record.
        id: RecordId,
        /// Finger.
        position: FingerPosition,
        /// Image.
        image: FingerImage,
        /// Attempt number.
        attempts: u8,
    },
    /// Record an exception.
    Exception {
        /// Record.
        id: RecordId,
        /// Finger.
        position: FingerPosition,
        /// Kind.
        kind: FingerException,
        /// Note.
        note: String,
        /// Attempts made.
        attempts: u8,
    },
    /// Check a photo.
    CheckFace(Vec<u8>),
    /// Save the accepted photo.
    SaveFace {
        /// Record.
        id: RecordId,
        /// JPEG.
        jpeg: Vec<u8>,
        /// Its check.
        check: FaceCheck,
    },
    /// 1:N search.
    Duplicates(RecordId),
    /// Submit for approval.
    Submit {
        /// Record.
        id: RecordId,
        /// Hits the duplicate search found, as it found them.
        hits: Vec<DuplicateHit>,
    },
    /// The supervisor queue.
    Queue,
    /// One capture's evidence.
    Review(RecordId),
    /// A signed decision.
    Decide {
        /// Record.
        id: RecordId,
        /// Decision.
        decision: Decision,
        /// Reason.
        reason: String,
        /// Re-entered passphrase.
        pass: Passphrase,
        /// The supervisor's live finger (stations with a scanner).
        finger: Option<FingerImage>,
        /// For a recapture: the fingers to take again (empty: all and the photo).
        recapture: Vec<FingerPosition>,
    },
    /// People pending capture with their deadlines.
    Pending,
    /// Hub, peers, last round and open conflicts for the sync screen.
    SyncOverview,
    /// Proof of life: verify a live finger against the person's enrolled print.
    ProveLife {
        /// Record.
        id: RecordId,
        /// Finger presented.
        position: FingerPosition,
        /// Live image.
        image: FingerImage,
    },
    /// Start a sync round with the configured hub and peers (runs on the sync worker).
    SyncRound,
    /// Start a scheduled backup if one is due (runs on the backup worker).
    BackupIfDue,
    /// The central node's open duplicate cases.
    CentralCases,
    /// Decide a national duplicate case (re-authenticated with the passphrase).
    CentralDecide {
        /// Case (the record id of the person under review).
        case: RecordId,
        /// Distinct people or the same person.
        decision: crate::workflows::central::cases::CaseDecision,
        /// Reason.
        reason: String,
        /// The supervisor's passphrase, typed again.
        pass: Passphrase,
    },
    /// Reopen a rejected person for a new enrollment.
    Reopen(RecordId),
    /// Record a movement for a person.
    Movement {
        /// Record.
        id: RecordId,
        /// The movement asked for.
        request: crate::workflows::movements::Request,
    },
    /// Open ARCO requests.
    ArcoList,
    /// File an ARCO request at the counter.
    ArcoFile {
        /// The person's CURP.
        curp: String,
        /// The right.
        right: crate::workflows::types::ArcoRight,
        /// Who asks (empty: the person).
        requester: String,
        /// The identification shown.
        identification: String,
    },
}

/// Results from the desk worker (errors typed; the console words them).
#[derive(Debug)]
pub enum DeskEvent {
    /// Station identification (sent at start).
    Station(StationInfo),
    /// Logged in.
    LoggedIn(UserInfo),
    /// Login refused.
    LoginFailed(LoginError),
    /// Home figures.
    Home(Result<Box<HomeOverview>, DeskError>),
    /// Lookup results.
    Found(Result<Vec<PersonSummary>, DeskError>),
    /// A person's file.
    Person(Result<Box<PersonFile>, DeskError>),
    /// An enrollment opened.
    Draft(Result<Box<Draft>, DeskError>),
    /// Consent recorded.
    Consented(Result<(), DeskError>),
    /// An attempt evaluated and kept.
    Attempted(Result<AttemptOutcome, DeskError>),
    /// An exception recorded.
    ExceptionSaved(Result<(FingerPosition, FingerException), DeskError>),
    /// A photo checked.
    FaceChecked(FaceCheck),
    /// The photo saved.
    FaceSaved(Result<(), DeskError>),
    /// Duplicate search results.
    Duplicates(Result<Vec<DuplicateRow>, DeskError>),
    /// Submitted (folio).
    Submitted(Result<String, DeskError>),
    /// The queue.
    Queue(Result<Vec<QueueItem>, DeskError>),
    /// Evidence of a capture.
    Review(Result<Box<Review>, DeskError>),
    /// A decision recorded.
    Decided(Result<Decision, DeskError>),
    /// People pending capture, most urgent first.
    Pending(Result<PendingList, DeskError>),
    /// The officer's drafts changed.
    Drafts(Vec<DraftRow>),
    /// What the sync screen shows before a round.
    SyncOverview(Box<SyncOverview>),
    /// A proof of life recorded, with the refreshed file.
    ProvedLife(Result<ProofOfLife, DeskError>),
    /// A movement recorded: its folio and the refreshed file.
    MovementRecorded(Result<(String, Box<PersonFile>), DeskError>),
    /// Open ARCO requests, most urgent first.
    ArcoList(Result<Vec<crate::workflows::arco::OpenRequest>, DeskError>),
    /// An ARCO request filed.
    ArcoFiled(Result<crate::workflows::types::ArcoRequest, DeskError>),
    /// The central node's open duplicate cases.
    CentralCases(Result<Vec<crate::workflows::central::cases::Case>, DeskError>),
    /// A national duplicate case decided: the record's new status.
    CentralDecided(Result<crate::workflows::types::BiometricStatus, DeskError>),
}

/// A recorded proof of life.
#[derive(Debug)]
pub struct ProofOfLife {
    /// Whether the live finger matched.
    pub matched: bool,
    /// Matcher score (thousandths).
    pub score: u32,
    /// The person's refreshed file.
    pub file: Box<PersonFile>,
}

/// Hub, peers, last round and open conflicts (no personal data).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncOverview {
    /// Hub URL, if configured.
    pub hub: Option<String>,
    /// LAN peers configured.
    pub peers: Vec<String>,
    /// Why the configuration cannot be used, if so.
    pub config_error: Option<crate::console::sync_config::SyncConfigError>,
    /// Last successful round (UTC text).
    pub last: Option<String>,
    /// Conflicts waiting for a supervisor.
    pub conflicts: Vec<ConflictRow>,
    /// The scheduled backup.
    pub backup: BackupOverview,
}

pub use crate::workflows::conflicts::ConflictRow;

/// Totals of a finished round, as the sync screen shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundSummary {
    /// Records the others accepted from us.
    pub sent: u64,
    /// Records changed here.
    pub received: u64,
    /// Conflicts found in this round.
    pub conflicts: usize,
    /// Records whose received data could not be read.
    pub damaged: usize,
    /// When it ended (UTC text).
    pub at: String,
}

/// Work for the device worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceCmd {
    /// Capture a finger (`subject` tells a simulated glass who is there).
    Finger {
        /// Finger.
        position: FingerPosition,
        /// Demo subject seed.
        subject: u64,
    },
    /// Take the photo.
    Photo {
        /// Demo subject seed.
        subject: u64,
    },
    /// Cancel what runs.
    Cancel,
    /// Run the shift-start self-test of the held devices if one is due (sent at login).
    SelfTest,
}

/// Events from the device worker.
#[derive(Debug)]
pub enum DeviceEvent {
    /// Which devices are connected.
    Status {
        /// Scanner.
        scanner: Option<String>,
        /// Camera.
        camera: Option<String>,
    },
    /// A finger is on the glass.
    FingerDetected,
    /// Bytes received.
    Progress(usize, usize),
    /// A fingerprint image.
    Image(FingerImage),
    /// A photo (JPEG).
    Photo(Vec<u8>),
    /// A failure, worded by the console's language layer.
    Failed(DeviceProblem),
    /// A shift-start self-test started: the officer places a finger.
    SelfTestStarted,
    /// The shift-start self-test ended, one outcome per device tested (recorded for
    /// `huella status`).
    SelfTested(Vec<SelfTestOutcome>),
}

/// One device's shift-start self-test as the home screen shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelfTestOutcome {
    /// Which device.
    pub kind: crate::workflows::self_test::DeviceKind,
    /// Why it failed; `None` when it passed.
    pub fault: Option<SelfTestFault>,
}

/// Why a device failed its shift-start self-test (worded by the console's language layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfTestFault {
    /// The device or its driver failed this way.
    Device(crate::workflows::types::DeviceErrorKind),
    /// The fingerprint image is too faint or too small (dirty or damaged glass).
    PoorImage,
    /// The camera sent bytes that are not a readable photo.
    UnreadablePhoto,
    /// The frame is black, blinded or blank.
    Exposure,
}

/// Why a device could not do what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceProblem {
    /// No scanner is connected.
    NoScanner,
    /// No camera is connected.
    NoCamera,
    /// The device or its driver failed this way.
    Device(crate::workflows::types::DeviceErrorKind),
    /// The device worker's queue is full or stopped.
    Busy,
}

/// Why a sync round did not start or did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncProblem {
    /// Nobody is logged in.
    NotLoggedIn,
    /// A round is already running.
    Busy,
    /// The `[sincronizacion]` table cannot be used.
    Config(crate::console::sync_config::SyncConfigError),
    /// The round failed: the chain of causes as the workflow reported it (Spanish; English
    /// screens show a summary and the log keeps this).
    Round(String),
}

/// Progress of synchronisation for the sync screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    /// Records done of total with a peer.
    Progress {
        /// Peer.
        peer: String,
        /// Done.
        done: usize,
        /// Total.
        total: usize,
    },
    /// A round finished.
    Finished {
        /// Peer.
        peer: String,
        /// When (UTC text).
        at: String,
    },
    /// A round started with these targets.
    Started(Vec<String>),
    /// Progress of the running round.
    Round(crate::workflows::sync_round::RoundEvent),
    /// The round ended: totals and the open conflicts, or why it failed.
    Ended(Result<(RoundSummary, Vec<ConflictRow>), SyncProblem>),
}

/// Anything a worker sends to the UI task.
#[derive(Debug)]
pub enum WorkerEvent {
    /// From the desk.
    Desk(Box<DeskEvent>),
    /// From the devices.
    Device(DeviceEvent),
    /// From sync.
    Sync(SyncStatus),
    /// From the scheduled backup.
    Backup(BackupStatus),
}

/// A scheduled backup, as the backup worker reports it.
#[derive(Debug)]
pub enum BackupStatus {
    /// One is being written.
    Started,
    /// One was written.
    Done(crate::workflows::backup_schedule::ScheduledBackup),
    /// None could be made.
    Failed(BackupProblem),
}

/// Why the scheduled backup did not run.
#[derive(Debug)]
#[non_exhaustive]
pub enum BackupProblem {
    /// The `[respaldo]` table cannot be used.
    Config(crate::console::backup_config::BackupConfigError),
    /// The backup could not be written.
    Write(crate::workflows::backup_schedule::ScheduledBackupError),
}

/// The backup schedule as configured and the last scheduled backup (no personal data).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupOverview {
    /// Folder configured (`None`: no `[respaldo]` table).
    pub folder: Option<std::path::PathBuf>,
    /// Hours between two backups.
    pub every_hours: u64,
    /// When the last scheduled backup was made (UTC text).
    pub last: Option<String>,
    /// Why the `[respaldo]` table cannot be used, if so.
    pub config_error: Option<crate::console::backup_config::BackupConfigError>,
}

/// What `update` asks the loop to do.
pub enum Effect {
    /// Send to the desk worker.
    Desk(DeskCmd),
    /// Send to the device worker.
    Device(DeviceCmd),
}
