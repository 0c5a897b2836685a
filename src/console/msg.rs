//! Typed messages between the UI task and the workers: commands the UI sends (effects of
//! `update`) and events the workers send back.

use huella_devices::FingerImage;
use huella_keys::Passphrase;
use huella_sync::{Decision, FingerException, FingerPosition, RecordId};

use super::state::{DraftRow, DupRow, HomeData, PendingRow, PersonView, StationInfo, UserInfo};
use crate::workflows::approve::{QueueItem, Review};
use crate::workflows::enroll::{AttemptOutcome, Draft, FaceCheck};
use crate::workflows::lookup::{PersonSummary, Query};

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
        /// Hits found.
        hits: Vec<RecordId>,
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
}

/// Results from the desk worker (errors as operator text).
#[derive(Debug)]
pub enum DeskEvent {
    /// Station identification (sent at start).
    Station(StationInfo),
    /// Logged in.
    LoggedIn(UserInfo),
    /// Login refused.
    LoginFailed(String),
    /// Home figures.
    Home(HomeData),
    /// Lookup results.
    Found(Result<Vec<PersonSummary>, String>),
    /// A person's file.
    Person(Result<Box<PersonView>, String>),
    /// An enrollment opened.
    Draft(Result<Box<Draft>, String>),
    /// Consent recorded.
    Consented(Result<(), String>),
    /// An attempt evaluated and kept.
    Attempted(Result<AttemptOutcome, String>),
    /// An exception recorded.
    ExceptionSaved(Result<(FingerPosition, FingerException), String>),
    /// A photo checked.
    FaceChecked(FaceCheck),
    /// The photo saved.
    FaceSaved(Result<(), String>),
    /// Duplicate search results.
    Duplicates(Result<Vec<DupRow>, String>),
    /// Submitted (folio).
    Submitted(Result<String, String>),
    /// The queue.
    Queue(Result<Vec<QueueItem>, String>),
    /// Evidence of a capture.
    Review(Result<Box<Review>, String>),
    /// A decision recorded.
    Decided(Result<Decision, String>),
    /// Pending people (first rows, total).
    Pending(Vec<PendingRow>, usize),
    /// The officer's drafts changed.
    Drafts(Vec<DraftRow>),
    /// What the sync screen shows before a round.
    SyncOverview(Box<SyncOverview>),
    /// A proof of life recorded (matched, score in thousandths) with the refreshed file.
    ProvedLife(Result<(bool, u32, Box<PersonView>), String>),
}

/// Hub, peers, last round and open conflicts (no personal data).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncOverview {
    /// Hub URL, if configured.
    pub hub: Option<String>,
    /// LAN peers configured.
    pub peers: Vec<String>,
    /// Why the configuration cannot be used, if so.
    pub config_error: Option<String>,
    /// Last successful round (UTC text).
    pub last: Option<String>,
    /// Conflicts waiting for a supervisor.
    pub conflicts: Vec<ConflictRow>,
}

/// A semantic conflict as listed on the sync screen (ids and codes only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictRow {
    /// Kind code (`curp_duplicada`, `estado_contradictorio`).
    pub kind: String,
    /// Records involved (hex ids).
    pub records: Vec<String>,
    /// When it was found.
    pub found_at: String,
    /// Details without personal data.
    pub detail: String,
}

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
    /// A failure (operator text).
    Failed(String),
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
    /// The round ended: totals and the open conflicts, or why it failed (Spanish).
    Ended(Result<(RoundSummary, Vec<ConflictRow>), String>),
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
}

/// What `update` asks the loop to do.
pub enum Effect {
    /// Send to the desk worker.
    Desk(DeskCmd),
    /// Send to the device worker.
    Device(DeviceCmd),
}
