//! [`Say`]: every line of progress or result a command prints for a person.

use std::fmt;

use huella_sync::{FingerException, FingerPosition};

use super::{Lang, en, es, lang};
use crate::workflows::enroll::FaceCheckKind;

/// A line for a person, worded in the process's language when displayed.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Say<'a> {
    /// `init` created a station.
    StationCreated {
        /// Station name.
        station: &'a str,
        /// Office code.
        office: &'a str,
        /// Its home directory.
        dir: &'a std::path::Path,
        /// First administrator.
        admin: &'a str,
    },
    /// `init --join` joined an office.
    StationJoined {
        /// Station name.
        station: &'a str,
        /// Office code.
        office: &'a str,
    },
    /// `officer add` added an officer.
    OfficerAdded {
        /// User name.
        user: &'a str,
        /// Role code (`officer`, `supervisor`, `admin`).
        role: huella_keys::Role,
    },
    /// `officer finger`: waiting for the finger.
    PlaceOfficerFinger {
        /// Scanner port.
        port: &'a str,
    },
    /// `officer finger` sealed the reference finger.
    OfficerFingerEnrolled {
        /// User name.
        user: &'a str,
        /// Capture quality 0–100.
        quality: u8,
    },
    /// `find` found nobody.
    NoResults,
    /// `status`: the station line.
    StatusStation {
        /// Station name.
        station: &'a str,
        /// Office code.
        office: &'a str,
    },
    /// `status`: people in the store.
    StatusPeople(usize),
    /// `status`: people waiting for a supervisor.
    StatusPendingApproval(usize),
    /// `status`: people in one biometric status (its stored code).
    StatusCount {
        /// Status code.
        status: &'a str,
        /// How many.
        count: usize,
    },
    /// `status`: when the last good sync ended (`None`: never).
    LastSync(Option<&'a str>),
    /// The hub trusts an office's roster.
    HubTrusts {
        /// Office code.
        office: &'a str,
    },
    /// The hub imported a bundle and wrote its acknowledgement.
    HubBundleImported {
        /// Acknowledgement file.
        ack: &'a std::path::Path,
    },
    /// A sync round prepared local changes.
    Prepared {
        /// Records prepared.
        records: usize,
    },
    /// A sync round compared digests with a peer.
    Compared {
        /// Peer.
        peer: &'a str,
        /// Records that differ.
        differing: usize,
    },
    /// Progress of records exchanged with a peer.
    Records {
        /// Peer.
        peer: &'a str,
        /// Done so far.
        done: usize,
        /// Total.
        total: usize,
    },
    /// Images and templates exchanged with a peer.
    BlobBytes {
        /// Peer.
        peer: &'a str,
        /// Bytes received.
        received: u64,
        /// Bytes sent.
        sent: u64,
    },
    /// A peer is up to date after the round.
    UpToDate {
        /// Peer.
        peer: &'a str,
    },
    /// Differences remain with a peer.
    Unconverged {
        /// Peer.
        peer: &'a str,
    },
    /// A connection dropped; the round retries.
    Retrying {
        /// Peer.
        peer: &'a str,
        /// Why it dropped.
        reason: &'a str,
        /// This attempt.
        attempt: u32,
        /// Of how many.
        of: u32,
    },
    /// Records whose data could not be read after the round.
    Damaged(usize),
    /// The signed roster was written.
    RosterWritten {
        /// File.
        path: &'a std::path::Path,
    },
    /// The office has no signed roster yet.
    NoRoster,
    /// An erasure order was recorded.
    Erased {
        /// Record id.
        id: &'a str,
    },
    /// `sync serve` refused a peer's request.
    PeerRefused {
        /// Why (already worded).
        reason: &'a str,
    },
    /// An invite file was written.
    InviteWritten {
        /// New station.
        station: &'a str,
        /// File.
        path: &'a std::path::Path,
    },
    /// A bundle was written.
    BundleWritten {
        /// File.
        path: &'a std::path::Path,
        /// Records in it.
        records: usize,
        /// Its size.
        bytes: usize,
    },
    /// The acknowledgement of a station's bundle was written.
    AckWritten {
        /// File.
        path: &'a std::path::Path,
    },
    /// A simulated device was unplugged (its fault) and the simulator ends.
    SimUnplugged,
    /// `enroll`: the person's consent was recorded.
    ConsentRecorded,
    /// `enroll`: a finger exception was recorded.
    ExceptionRecorded {
        /// The finger.
        finger: FingerPosition,
        /// Why it cannot be captured.
        kind: FingerException,
    },
    /// `enroll`: waiting for a finger.
    PlaceFinger {
        /// The finger.
        finger: FingerPosition,
        /// This attempt.
        attempt: u8,
        /// Of how many.
        of: u8,
    },
    /// `enroll`: one read of a finger (its quality, or why it is unusable).
    FingerRead {
        /// The finger.
        finger: FingerPosition,
        /// Quality 0–100, or the reason (Spanish, from matching).
        quality: Result<u8, &'static str>,
    },
    /// `enroll`: the best read of a finger is kept.
    FingerKept {
        /// The finger.
        finger: FingerPosition,
        /// Its quality.
        quality: u8,
    },
    /// `enroll`: taking the face photo.
    TakingPhoto {
        /// This attempt.
        attempt: u8,
        /// Of how many.
        of: u8,
    },
    /// `enroll`: the photo passed its checks and was kept.
    PhotoKept {
        /// Its quality.
        quality: u8,
    },
    /// `enroll`: the photo failed these checks.
    PhotoRejected {
        /// The failed checks.
        checks: &'a [FaceCheckKind],
    },
    /// `review list`: nothing waits.
    QueueEmpty,
    /// `demo`: an existing demo station is reused.
    DemoReused {
        /// Its home.
        dir: &'a std::path::Path,
    },
    /// `demo`: a throwaway encrypted station is created.
    DemoStation {
        /// Its home.
        dir: &'a std::path::Path,
    },
    /// `demo`: the station and its users exist.
    DemoCreated,
    /// `demo`: the header of the users list.
    DemoUsers,
    /// `demo`: one demo user.
    DemoUser {
        /// User name.
        user: &'a str,
        /// Role.
        role: huella_keys::Role,
        /// Passphrase (throwaway).
        pass: &'a str,
    },
    /// `demo`: the sample pre-registrations were imported.
    DemoImported {
        /// How long it took.
        seconds: f64,
        /// The import's summary line.
        summary: &'a str,
    },
    /// `demo`: a person to look up first.
    DemoTry {
        /// Their CURP.
        curp: &'a str,
        /// Their NSS.
        nss: &'a str,
    },
    /// `demo`: where the simulated devices are.
    DemoDevices {
        /// Scanner PTY.
        scanner: &'a str,
        /// Camera PTY.
        camera: &'a str,
    },
    /// `demo`: the supervisor's reference finger was enrolled.
    DemoSupervisorFinger {
        /// Its quality.
        quality: u8,
    },
    /// `demo` without a terminal: one lookup.
    DemoLookup {
        /// By what.
        by: DemoQuery,
        /// How many found.
        found: usize,
        /// The first one found, as data (`nombre apellido CURP [estado]`).
        first: Option<&'a str>,
    },
    /// `demo` without a terminal: the audit chain is sound.
    DemoAudit(u64),
    /// `demo` without a terminal: the console is not opened.
    DemoHeadless,
    /// `status`: a device's last self-test.
    SelfTestRecorded {
        /// `escaner` or `camara`.
        kind: &'a str,
        /// Port tested.
        port: &'a str,
        /// Whether it passed.
        passed: bool,
        /// Machine code of the failure.
        reason: Option<&'a str>,
        /// When (UTC).
        at: &'a str,
    },
    /// A station file or folder others on this machine can read (shown before every command).
    Loosened {
        /// The file or folder.
        path: &'a std::path::Path,
        /// Its permission bits.
        mode: u32,
        /// Whether it is a folder (chmod 700) or a file (chmod 600).
        dir: bool,
    },
    /// `person`: what is on file.
    PersonCaptures {
        /// Fingers captured or justified, of 10.
        fingers: usize,
        /// A photo is on file.
        face: bool,
        /// The privacy notice version consented to.
        consent: Option<&'a str>,
    },
    /// `person`: one signed decision.
    PersonReceipt {
        /// Folio.
        folio: &'a str,
        /// Decision code.
        decision: &'a str,
        /// Supervisor.
        supervisor: &'a str,
        /// When.
        at: &'a str,
        /// Signature prefix printed on receipts.
        code: &'a str,
        /// Whether the signature and the signer's role verified (else it does not count).
        valid: bool,
    },
    /// `person`: the mark of a decision whose signature does not verify.
    InvalidSignature,
    /// `person`: one proof of life.
    PersonProof {
        /// When.
        at: &'a str,
        /// Finger presented.
        finger: FingerPosition,
        /// Score (thousandths).
        score: u32,
        /// Whether it matched.
        matched: bool,
    },
    /// `policy`: the station policy in force.
    Policy {
        /// Whether supervisors may decide without the finger.
        approval_without_finger: bool,
    },
    /// `devices list`: no serial port found.
    NoSerialPorts,
    /// `devices list`: a fingerprint scanner answers on a port.
    ScannerAt {
        /// The port.
        port: &'a str,
        /// Template library capacity.
        capacity: u16,
        /// Data packet size in bytes.
        packet_size: usize,
        /// Speed probed.
        baud: u32,
    },
    /// `devices list`: a camera answers on a port.
    CameraAt {
        /// The port.
        port: &'a str,
        /// Reported version.
        version: &'a str,
        /// Image size.
        size: (u16, u16),
        /// Speed probed.
        baud: u32,
    },
    /// `devices list`: nothing recognised on a port.
    NothingAt {
        /// The port.
        port: &'a str,
        /// Why the probe failed.
        error: &'a huella_devices::DeviceError,
    },
    /// `devices capture`: the fingerprint image was saved.
    FingerprintSaved {
        /// The PNG written.
        path: &'a std::path::Path,
        /// Width in pixels.
        width: u16,
        /// Height in pixels.
        height: u16,
        /// Upload speed.
        bytes_per_second: f64,
    },
}

/// What a headless demo lookup searched by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoQuery {
    /// CURP.
    Curp,
    /// NSS.
    Nss,
    /// Name words.
    Name,
}

impl fmt::Display for Say<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match lang() {
            Lang::Es => es::say(self, f),
            Lang::En => en::say(self, f),
        }
    }
}
