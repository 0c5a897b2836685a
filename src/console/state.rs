//! The console's state: one plain struct the UI task owns. `update` changes it, `view`
//! draws it; workers never touch it (they send events).

use std::time::Instant;

use crate::workflows::types::Role;
use crate::workflows::types::{Decision, FingerException, RecordId};

use super::i18n::{Lang, Strings};
use super::keymap::Keymap;
pub use crate::workflows::drafts::DraftRow;
pub use crate::workflows::enroll::DuplicateRow;
use crate::workflows::enroll::{FaceCheck, Thumb};
use crate::workflows::lookup::PersonSummary;
pub use crate::workflows::overview::{HomeOverview, PendingRow};
pub use crate::workflows::person::PersonFile;
use crate::workflows::review::{QueueItem, Review};

/// Which screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    /// Officer and passphrase.
    Login,
    /// Today's work, approvals, devices, sync.
    Home,
    /// Find by NSS / CURP / name.
    Lookup,
    /// One person.
    Person,
    /// The enrollment wizard.
    Enroll,
    /// Captures waiting for approval.
    Queue,
    /// One capture's evidence and the decision.
    Review,
    /// Peers, hub, progress, pending people.
    Sync,
    /// ARCO requests: open ones by deadline, and filing one for a person.
    Arco,
    /// The central node's national duplicate cases and their decision.
    Central,
}

/// Tone of a one-line message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Neutral information.
    Info,
    /// Something went well.
    Ok,
    /// Something needs attention.
    Error,
}

/// The logged-in officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// User name.
    pub user: String,
    /// Role.
    pub role: Role,
}

/// Station identification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StationInfo {
    /// Office code.
    pub office: String,
    /// Station name.
    pub station: String,
}

/// Device status lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceStatus {
    /// Scanner model and port, if connected.
    pub scanner: Option<String>,
    /// Camera model and port, if connected.
    pub camera: Option<String>,
    /// Last device problem.
    pub problem: Option<String>,
    /// A shift-start self-test is running.
    pub self_testing: bool,
    /// Outcomes of the self-test run at this login, if one ran.
    pub self_test: Vec<crate::console::msg::SelfTestOutcome>,
}

/// What the sync screen shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncInfo {
    /// Last successful sync (UTC text), if any.
    pub last: Option<String>,
    /// Peers seen.
    pub peers: Vec<String>,
    /// Hub address, if configured.
    pub hub: Option<String>,
    /// Progress of a running reconciliation (done, total).
    pub progress: Option<(usize, usize)>,
    /// Conflicts to resolve.
    pub conflicts: usize,
    /// People pending capture, nearest deadline first.
    pub pending: Vec<PendingRow>,
    /// Total people pending capture.
    pub pending_total: usize,
    /// A round is running on the sync worker.
    pub running: bool,
    /// Local records prepared for sending in the running round.
    pub prepared: Option<usize>,
    /// Progress per hub or peer of the running (or last) round.
    pub rounds: Vec<PeerProgress>,
    /// The result line of the last round.
    pub result: Option<(Tone, String)>,
    /// Why the hub/peer configuration cannot be used.
    pub config_error: Option<crate::console::sync_config::SyncConfigError>,
    /// Conflicts waiting for a supervisor (ids and codes only).
    pub conflict_list: Vec<crate::console::msg::ConflictRow>,
}

/// The scheduled backup as the sync screen shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupInfo {
    /// The schedule and the last scheduled backup, as the desk read them.
    pub plan: crate::console::msg::BackupOverview,
    /// A backup is being written.
    pub running: bool,
    /// The result line of the last attempt in this session.
    pub result: Option<(Tone, String)>,
    /// When the console last asked the desk whether a backup is due (`None`: ask at the next
    /// tick).
    pub checked: Option<Instant>,
}

/// Where a round with one hub or peer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerPhase {
    /// Not reached yet.
    Waiting,
    /// Reconciling.
    Running,
    /// The connection dropped; trying again (attempt, of).
    Retrying(u32, u32),
    /// Finished; whether both ends now agree.
    Done(bool),
}

/// Progress of the round with one hub or peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerProgress {
    /// Address as configured.
    pub peer: String,
    /// Phase.
    pub phase: PeerPhase,
    /// Records reconciled.
    pub done: usize,
    /// Records to reconcile.
    pub total: usize,
    /// Image and template bytes received so far.
    pub blob_received: u64,
    /// Image and template bytes sent so far.
    pub blob_sent: u64,
}

impl PeerProgress {
    /// A peer not reached yet.
    pub fn waiting(peer: &str) -> Self {
        PeerProgress {
            peer: peer.to_owned(),
            phase: PeerPhase::Waiting,
            done: 0,
            total: 0,
            blob_received: 0,
            blob_sent: 0,
        }
    }
}

/// Which login field has the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginField {
    /// User name.
    User,
    /// Passphrase.
    Pass,
}

/// The login form.
#[derive(Debug, Clone)]
pub struct LoginState {
    /// User name typed.
    pub user: String,
    /// Passphrase typed (shown masked; cleared after each attempt).
    pub pass: SecretInput,
    /// Field with the cursor.
    pub focus: LoginField,
    /// Failures in a row.
    pub failures: u32,
    /// Locked until then (the user in `locked_user` only; others may still log in).
    pub locked_until: Option<Instant>,
    /// The user the lock applies to.
    pub locked_user: Option<String>,
    /// Last error.
    pub error: Option<String>,
    /// An unlock is running.
    pub busy: bool,
}

/// The lookup form and its results.
#[derive(Debug, Clone, Default)]
pub struct LookupState {
    /// Query text.
    pub query: String,
    /// The query changed since the last search.
    pub dirty: bool,
    /// Results.
    pub results: Vec<PersonSummary>,
    /// Selected result.
    pub selected: usize,
    /// Why the last search failed (e.g. which field is wrong).
    pub error: Option<String>,
    /// A search ran.
    pub searched: bool,
}

/// A proof of life running from the person view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofPhase {
    /// Waiting for the finger / bytes arriving (done, total).
    Capturing(usize, usize),
    /// The matcher is comparing.
    Checking,
}

/// Enrollment wizard steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrollStep {
    /// Confirm the person in front of the counter.
    Identity,
    /// Privacy notice and consent.
    Consent,
    /// Ten fingers.
    Fingers,
    /// Face photo.
    Face,
    /// Local duplicate search.
    Duplicates,
    /// Submitted; the receipt.
    Done,
}

/// One finger of the wizard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Slot {
    /// Best quality kept.
    pub quality: Option<u8>,
    /// Attempts made.
    pub attempts: u8,
    /// Exception recorded.
    pub exception: Option<FingerException>,
    /// Captured (at or above the threshold, kept as best, or justified).
    pub done: bool,
}

/// What the capture area shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Nothing running.
    Idle,
    /// Waiting for the finger / the camera.
    Waiting,
    /// Bytes arriving.
    Reading(usize, usize),
    /// The matcher is evaluating.
    Evaluating,
    /// Last attempt below the threshold.
    Low,
    /// A device problem (operator text).
    Failed(String),
}

/// The exception prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionPrompt {
    /// Chosen kind.
    pub kind: Option<FingerException>,
    /// Officer's note.
    pub note: String,
}

/// The enrollment wizard.
#[derive(Debug, Clone)]
pub struct EnrollState {
    /// Record.
    pub id: RecordId,
    /// Name.
    pub name: String,
    /// CURP.
    pub curp: String,
    /// NSS.
    pub nss: String,
    /// Birth date.
    pub birth: String,
    /// Step.
    pub step: EnrollStep,
    /// The ten fingers.
    pub fingers: [Slot; 10],
    /// Finger being captured (0..10).
    pub current: usize,
    /// Capture area.
    pub phase: Phase,
    /// Last image seen.
    pub last_image: Option<Thumb>,
    /// Quality (or unusable reason) of the last attempt.
    pub last_quality: Option<Result<u8, String>>,
    /// Exception prompt, when open.
    pub exception: Option<ExceptionPrompt>,
    /// Face check of the last photo.
    pub face: Option<FaceCheck>,
    /// The last photo bytes (saved when accepted).
    pub photo: Option<Vec<u8>>,
    /// The face is saved.
    pub face_saved: bool,
    /// Duplicate hits (`None` while searching).
    pub duplicates: Option<Vec<DuplicateRow>>,
    /// Fingers a supervisor asked to take again (empty: a whole round).
    pub recapture: Vec<crate::workflows::types::FingerPosition>,
    /// Enter was pressed while the photo was still being read or checked: accept it as soon
    /// as its check passes.
    pub accept_photo: bool,
    /// Folio after submit.
    pub folio: Option<String>,
}

/// The decision prompt of a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionPrompt {
    /// Decision being taken.
    pub decision: Decision,
    /// Reason typed.
    pub reason: String,
    /// Passphrase typed (masked).
    pub pass: SecretInput,
    /// Cursor on the passphrase (else on the reason).
    pub on_pass: bool,
    /// Waiting for the worker.
    pub busy: bool,
    /// Waiting for the supervisor's finger on the scanner (bytes received, of).
    pub finger: Option<(usize, usize)>,
}

/// The decision being taken on a national duplicate case.
#[derive(Debug, Clone)]
pub struct CasePrompt {
    /// Distinct people or the same person.
    pub decision: crate::workflows::central::cases::CaseDecision,
    /// Reason typed.
    pub reason: String,
    /// Passphrase typed again (masked).
    pub pass: SecretInput,
    /// Cursor on the passphrase (else on the reason).
    pub on_pass: bool,
    /// Waiting for the worker.
    pub busy: bool,
}

/// The central cases screen.
#[derive(Debug, Clone, Default)]
pub struct CentralState {
    /// Open cases, oldest first (`None` while loading).
    pub cases: Option<Vec<crate::workflows::central::cases::Case>>,
    /// Selected case.
    pub selected: usize,
    /// Open decision prompt.
    pub prompt: Option<CasePrompt>,
}

/// A review in progress.
#[derive(Debug, Clone)]
pub struct ReviewState {
    /// Evidence.
    pub review: Review,
    /// Finger highlighted.
    pub finger: usize,
    /// Open decision prompt.
    pub prompt: Option<DecisionPrompt>,
    /// The reviewer captured this record (approval refused).
    pub own: bool,
}

/// The whole console state.
#[derive(Debug)]
pub struct App {
    /// Language.
    pub lang: Lang,
    /// Keys.
    pub keymap: Keymap,
    /// Screen shown.
    pub screen: Screen,
    /// Screen to return to with "back".
    pub back: Vec<Screen>,
    /// Logged-in officer.
    pub user: Option<UserInfo>,
    /// Station.
    pub station: StationInfo,
    /// Devices.
    pub devices: DeviceStatus,
    /// Sync.
    pub sync: SyncInfo,
    /// Scheduled backup.
    pub backup: BackupInfo,
    /// Help overlay shown.
    pub help: bool,
    /// One-line message.
    pub toast: Option<(Tone, String)>,
    /// Clock of the last tick (lockout countdowns).
    pub now: Instant,
    /// Wall clock of the last tick, UTC text (ages on screen; empty before the first tick).
    pub wall: String,
    /// The station's offset from UTC in seconds (0: shown as UTC).
    pub utc_offset: i64,
    /// Frame counter for the spinner.
    pub frame: u64,
    /// Leave the loop.
    pub quit: bool,
    /// Login form.
    pub login: LoginState,
    /// Home figures (`None` while loading).
    pub home: Option<HomeOverview>,
    /// Lookup.
    pub lookup: LookupState,
    /// Person shown.
    pub person: Option<PersonFile>,
    /// Proof of life in progress on the person shown.
    pub proof: Option<ProofPhase>,
    /// Enrollment in progress.
    pub enroll: Option<EnrollState>,
    /// Supervisor queue (`None` while loading).
    pub queue: Option<Vec<QueueItem>>,
    /// Selected queue line.
    pub queue_selected: usize,
    /// Review in progress.
    pub review: Option<ReviewState>,
    /// The movement form open on the person's file.
    pub movement: Option<crate::console::movement_form::MovementForm>,
    /// A line for the login screen (demo users).
    pub notice: Option<String>,
    /// The ARCO requests screen.
    pub arco: ArcoState,
    /// The central cases screen.
    pub central: CentralState,
}

impl App {
    /// A console at the login screen.
    pub fn new(lang: Lang, keymap: Keymap, now: Instant) -> Self {
        App {
            lang,
            keymap,
            screen: Screen::Login,
            back: Vec::new(),
            user: None,
            station: StationInfo::default(),
            devices: DeviceStatus::default(),
            sync: SyncInfo::default(),
            backup: BackupInfo::default(),
            help: false,
            toast: None,
            now,
            wall: String::new(),
            utc_offset: 0,
            frame: 0,
            quit: false,
            login: LoginState {
                user: String::new(),
                pass: SecretInput::new(),
                focus: LoginField::User,
                failures: 0,
                locked_until: None,
                locked_user: None,
                error: None,
                busy: false,
            },
            home: None,
            lookup: LookupState::default(),
            person: None,
            proof: None,
            enroll: None,
            queue: None,
            queue_selected: 0,
            review: None,
            movement: None,
            notice: None,
            arco: ArcoState::default(),
            central: CentralState::default(),
        }
    }

    /// The user-facing text of the current language.
    pub fn s(&self) -> &'static Strings {
        self.lang.strings()
    }

    /// Seconds left of the lockout of the user typed on the login form.
    pub fn locked_secs(&self) -> Option<u64> {
        if self.login.locked_user.as_deref() != Some(self.login.user.trim()) {
            return None;
        }
        self.login
            .locked_until
            .filter(|t| *t > self.now)
            .map(|t| t.saturating_duration_since(self.now).as_secs() + 1)
    }
}

/// Text typed into a passphrase field: zeroized when cleared or dropped, never printed, and
/// given its capacity up front so typing never leaves reallocated copies behind.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretInput(zeroize::Zeroizing<String>);

impl SecretInput {
    /// Longest passphrase accepted at the keyboard.
    pub const MAX_CHARS: usize = 128;

    /// An empty field.
    pub fn new() -> Self {
        SecretInput(zeroize::Zeroizing::new(String::with_capacity(
            Self::MAX_CHARS * 4,
        )))
    }

    /// Appends a typed character (ignored past [`SecretInput::MAX_CHARS`]).
    pub fn push(&mut self, c: char) {
        if self.0.chars().count() < Self::MAX_CHARS {
            self.0.push(c);
        }
    }

    /// Removes the last character.
    pub fn pop(&mut self) -> Option<char> {
        self.0.pop()
    }

    /// Wipes the field.
    pub fn clear(&mut self) {
        zeroize::Zeroize::zeroize(&mut *self.0);
    }

    /// Whether nothing is typed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The typed text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for SecretInput {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretInput(*****)")
    }
}

/// The ARCO requests screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArcoState {
    /// Open requests, most urgent first (`None` while loading).
    pub requests: Option<Vec<crate::workflows::arco::OpenRequest>>,
    /// Selected line.
    pub selected: usize,
    /// The filing form, when opened from a person's file.
    pub form: Option<ArcoForm>,
}

/// Which text field of the ARCO form has the cursor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ArcoField {
    /// Who asks.
    #[default]
    Requester,
    /// The identification shown.
    Identification,
}

/// A request being filed at the counter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArcoForm {
    /// The person's CURP.
    pub curp: String,
    /// The right, 0–3 in the law's order (acceso, rectificación, cancelación, oposición).
    pub right: usize,
    /// Who asks (empty: the person).
    pub requester: String,
    /// The identification shown.
    pub identification: String,
    /// Field with the cursor.
    pub focus: ArcoField,
    /// Sent to the desk, waiting for the answer.
    pub busy: bool,
}
