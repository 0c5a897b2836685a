//! Every line and error of the command line has English words: each variant rendered in
//! English holds none of the Spanish words of its Spanish rendering's vocabulary.

use std::fmt;
use std::path::Path;

use huella_keys::Role;
use huella_sync::{FingerException, FingerPosition};

use super::{CliError, DemoQuery, Say, en, es};
use crate::workflows::enroll::FaceCheckKind;

/// Spanish words the English text must not contain (data in the samples is neutral).
const SPANISH: &[&str] = &[
    "estación",
    "oficina",
    "registro",
    "contraseña",
    "la huella",
    "huellas",
    "lector",
    "fotografía",
    "consentimiento",
    "recibo",
    "supervivencia",
    "usuario",
    "paquete",
    "acuse",
    "dedo ",
    "calidad",
    "intento",
    "quedaron",
    "al día",
    "lista",
    "indique",
    "no se pudo",
    "solo un",
    "búsqueda",
    "personas",
    "pendientes",
    "sincroniz",
    "nunca",
    "invitación",
    "coloque",
    "tomando",
    "rechazad",
    "permitida",
    "aprobación",
    "revisa",
    "escrit",
    "borrado",
];

struct En<'a>(&'a Say<'a>);
impl fmt::Display for En<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        en::say(self.0, f)
    }
}
struct Es<'a>(&'a Say<'a>);
impl fmt::Display for Es<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        es::say(self.0, f)
    }
}
struct EnErr<'a>(&'a CliError);
impl fmt::Display for EnErr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        en::error_text(self.0, f)
    }
}

/// One of each line; the match below fails to compile when a variant is added without one.
fn lines() -> Vec<Say<'static>> {
    let p = Path::new("/x");
    let f = FingerPosition::RightIndex;
    let checks: &'static [FaceCheckKind] = &[FaceCheckKind::Sharp];
    let all = vec![
        Say::StationCreated {
            station: "X",
            office: "1",
            dir: p,
            admin: "a",
        },
        Say::StationJoined {
            station: "X",
            office: "1",
        },
        Say::OfficerAdded {
            user: "a",
            role: Role::Officer,
        },
        Say::PlaceOfficerFinger { port: "p" },
        Say::OfficerFingerEnrolled {
            user: "a",
            quality: 1,
        },
        Say::NoResults,
        Say::StatusStation {
            station: "X",
            office: "1",
        },
        Say::StatusPeople(1),
        Say::StatusPendingApproval(1),
        Say::StatusCount {
            status: "pendiente",
            count: 1,
        },
        Say::LastSync(None),
        Say::HubTrusts { office: "1" },
        Say::HubBundleImported { ack: p },
        Say::Prepared { records: 1 },
        Say::Compared {
            peer: "p",
            differing: 1,
        },
        Say::Records {
            peer: "p",
            done: 1,
            total: 2,
        },
        Say::BlobBytes {
            peer: "p",
            received: 1,
            sent: 2,
        },
        Say::UpToDate { peer: "p" },
        Say::Unconverged { peer: "p" },
        Say::Retrying {
            peer: "p",
            reason: "r",
            attempt: 1,
            of: 2,
        },
        Say::Damaged(1),
        Say::RosterWritten { path: p },
        Say::NoRoster,
        Say::Erased { id: "i" },
        Say::PeerRefused { reason: "r" },
        Say::InviteWritten {
            station: "X",
            path: p,
        },
        Say::BundleWritten {
            path: p,
            records: 1,
            bytes: 2,
        },
        Say::AckWritten { path: p },
        Say::SimUnplugged,
        Say::ConsentRecorded,
        Say::ExceptionRecorded {
            finger: f,
            kind: FingerException::Lesionado,
        },
        Say::PlaceFinger {
            finger: f,
            attempt: 1,
            of: 3,
        },
        Say::FingerRead {
            finger: f,
            quality: Ok(50),
        },
        Say::FingerRead {
            finger: f,
            quality: Err("r"),
        },
        Say::FingerKept {
            finger: f,
            quality: 50,
        },
        Say::TakingPhoto { attempt: 1, of: 3 },
        Say::PhotoKept { quality: 50 },
        Say::PhotoRejected { checks },
        Say::QueueEmpty,
        Say::DemoReused { dir: p },
        Say::DemoStation { dir: p },
        Say::DemoCreated,
        Say::DemoUsers,
        Say::DemoUser {
            user: "a",
            role: Role::Admin,
            pass: "x",
        },
        Say::DemoImported {
            seconds: 1.0,
            summary: "s",
        },
        Say::DemoTry {
            curp: "C",
            nss: "N",
        },
        Say::DemoDevices {
            scanner: "s",
            camera: "c",
        },
        Say::DemoSupervisorFinger { quality: 1 },
        Say::DemoLookup {
            by: DemoQuery::Name,
            found: 1,
            first: Some("p"),
        },
        Say::DemoAudit(1),
        Say::DemoHeadless,
        Say::PersonCaptures {
            fingers: 1,
            face: true,
            consent: None,
        },
        Say::PersonReceipt {
            folio: "F",
            decision: "d",
            supervisor: "s",
            at: "t",
            code: "c",
            valid: false,
        },
        Say::InvalidSignature,
        Say::PersonProof {
            at: "t",
            finger: f,
            score: 1,
            matched: false,
        },
        Say::Policy {
            approval_without_finger: false,
        },
        Say::SelfTestRecorded {
            kind: "escaner",
            port: "/dev/ttyUSB0",
            passed: false,
            reason: Some("sin-respuesta"),
            at: "t",
        },
        Say::Loosened {
            path: std::path::Path::new("/srv/huella"),
            mode: 0o755,
            dir: true,
        },
        Say::NoSerialPorts,
        Say::ScannerAt {
            port: "/dev/ttyUSB0",
            capacity: 162,
            packet_size: 128,
            baud: 57600,
        },
        Say::CameraAt {
            port: "/dev/ttyUSB1",
            version: "VC0706 1.00",
            size: (640, 480),
            baud: 115_200,
        },
        Say::NothingAt {
            port: "/dev/ttyUSB2",
            error: Box::leak(Box::new(huella_devices::DeviceError::Disconnected)),
        },
        Say::FingerprintSaved {
            path: std::path::Path::new("/tmp/h.png"),
            width: 256,
            height: 288,
            bytes_per_second: 5000.0,
        },
    ];
    for s in &all {
        match s {
            Say::SelfTestRecorded { .. }
            | Say::Loosened { .. }
            | Say::StationCreated { .. }
            | Say::StationJoined { .. }
            | Say::OfficerAdded { .. }
            | Say::PlaceOfficerFinger { .. }
            | Say::OfficerFingerEnrolled { .. }
            | Say::NoResults
            | Say::StatusStation { .. }
            | Say::StatusPeople(_)
            | Say::StatusPendingApproval(_)
            | Say::StatusCount { .. }
            | Say::LastSync(_)
            | Say::HubTrusts { .. }
            | Say::HubBundleImported { .. }
            | Say::Prepared { .. }
            | Say::Compared { .. }
            | Say::Records { .. }
            | Say::BlobBytes { .. }
            | Say::UpToDate { .. }
            | Say::Unconverged { .. }
            | Say::Retrying { .. }
            | Say::Damaged(_)
            | Say::RosterWritten { .. }
            | Say::NoRoster
            | Say::Erased { .. }
            | Say::PeerRefused { .. }
            | Say::InviteWritten { .. }
            | Say::BundleWritten { .. }
            | Say::AckWritten { .. }
            | Say::SimUnplugged
            | Say::ConsentRecorded
            | Say::ExceptionRecorded { .. }
            | Say::PlaceFinger { .. }
            | Say::FingerRead { .. }
            | Say::FingerKept { .. }
            | Say::TakingPhoto { .. }
            | Say::PhotoKept { .. }
            | Say::PhotoRejected { .. }
            | Say::QueueEmpty
            | Say::DemoReused { .. }
            | Say::DemoStation { .. }
            | Say::DemoCreated
            | Say::DemoUsers
            | Say::DemoUser { .. }
            | Say::DemoImported { .. }
            | Say::DemoTry { .. }
            | Say::DemoDevices { .. }
            | Say::DemoSupervisorFinger { .. }
            | Say::DemoLookup { .. }
            | Say::DemoAudit(_)
            | Say::DemoHeadless
            | Say::PersonCaptures { .. }
            | Say::PersonReceipt { .. }
            | Say::InvalidSignature
            | Say::PersonProof { .. }
            | Say::Policy { .. }
            | Say::NoSerialPorts
            | Say::ScannerAt { .. }
            | Say::CameraAt { .. }
            | Say::NothingAt { .. }
            | Say::FingerprintSaved { .. } => {}
        }
    }
    all
}

fn errors() -> Vec<CliError> {
    let p = || Path::new("/x").to_path_buf();
    vec![
        CliError::OneQuery,
        CliError::UnknownRole { role: "r".into() },
        CliError::NeedCredentials,
        CliError::NeedSyncTarget,
        CliError::ConflictsNeedSupervisor,
        CliError::BadRecordId { id: "i".into() },
        CliError::Read { path: p() },
        CliError::Write { path: p() },
        CliError::NoStation { dir: p() },
        CliError::NeedsTerminal,
        CliError::BadFinger,
        CliError::NotFound { curp: "C".into() },
        CliError::NotEnrolled,
        CliError::NeedConsent,
        CliError::FingerUnusable {
            finger: FingerPosition::LeftThumb,
        },
        CliError::FaceRejected {
            checks: vec![FaceCheckKind::Exposure],
        },
        CliError::HubInUse { dir: p() },
        CliError::NoPostgres,
        CliError::NoPostgresSearch,
        CliError::UnknownStore {
            store: "mysql://x".into(),
        },
    ]
}

#[test]
fn every_line_reads_english_in_english_and_differs_from_spanish() {
    for s in lines() {
        let (english, spanish) = (En(&s).to_string(), Es(&s).to_string());
        for w in SPANISH {
            assert!(!english.to_lowercase().contains(w), "{w:?} in {english:?}");
        }
        // Lines without words (only data) may read the same; every other differs.
        assert!(
            english != spanish || !spanish.chars().any(char::is_alphabetic) || spanish.len() < 4,
            "{s:?}: {english}"
        );
    }
}

#[test]
fn every_command_error_reads_english_in_english() {
    for e in errors() {
        let english = EnErr(&e).to_string();
        for w in SPANISH {
            assert!(!english.to_lowercase().contains(w), "{w:?} in {english:?}");
        }
    }
}
