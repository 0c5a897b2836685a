//! English: the command line's words, and English wording for the errors of the layers below
//! (whose own messages are Spanish).

use std::error::Error;
use std::fmt::{Formatter, Result};

use huella_keys::CredentialError;
use huella_sync::StoreError;
use huella_sync::protocol::SyncError;
use huella_sync::replica::ReplicaError;
use huella_sync::roster::RosterError;

use super::es::checks_text;
use super::say::DemoQuery;
use super::{CliError, Lang, Say};
use crate::commands::out::OutputError;
use crate::workflows::enroll::EnrollError;
use crate::workflows::enroll::officer_finger::OfficerFingerError;
use crate::workflows::enroll::survival::SurvivalError;
use crate::workflows::erase::EraseError;
use crate::workflows::lookup::LookupError;
use crate::workflows::office::OfficeError;
use crate::workflows::officers::AccessError;
use crate::workflows::person::PersonError;
use crate::workflows::policy::PolicyError;
use crate::workflows::review::ReviewError;
use crate::workflows::session::SessionError;
use crate::workflows::station::StationError;
use huella_devices::DeviceError;

/// Words a [`Say`] in English.
pub fn say(s: &Say<'_>, f: &mut Formatter<'_>) -> Result {
    match *s {
        Say::StationCreated {
            station,
            office,
            dir,
            admin,
        } => write!(
            f,
            "station {station} of office {office} created in {}; administrator: {admin}",
            dir.display()
        ),
        Say::StationJoined { station, office } => {
            write!(f, "station {station} joined office {office}")
        }
        Say::OfficerAdded { user, role } => {
            write!(f, "officer {user} added with role {}", role.as_str())
        }
        Say::PlaceOfficerFinger { port } => {
            write!(f, "place your right index finger on the scanner {port}…")
        }
        Say::OfficerFingerEnrolled { user, quality } => write!(
            f,
            "reference finger of {user} enrolled (quality {quality}); sealed in their credential"
        ),
        Say::NoResults => f.write_str("no results"),
        Say::StatusStation { station, office } => write!(f, "station {station} (office {office})"),
        Say::StatusPeople(n) => write!(f, "people: {n}"),
        Say::StatusPendingApproval(n) => write!(f, "awaiting approval: {n}"),
        Say::StatusCount { status, count } => {
            write!(f, "  {}: {count}", crate::console::Lang::En.status(status))
        }
        Say::LastSync(t) => write!(f, "last sync: {}", t.unwrap_or("never")),
        Say::HubTrusts { office } => write!(f, "trusts office {office}"),
        Say::HubBundleImported { ack } => {
            write!(f, "bundle imported; acknowledgement in {}", ack.display())
        }
        Say::Prepared { records } => write!(f, "local changes prepared: {records} records"),
        Say::Compared { peer, differing } => write!(f, "{peer}: {differing} records to reconcile"),
        Say::Records { peer, done, total } => write!(f, "{peer}: records {done}/{total}"),
        Say::BlobBytes {
            peer,
            received,
            sent,
        } => write!(
            f,
            "{peer}: images and templates: {received} bytes received, {sent} sent"
        ),
        Say::UpToDate { peer } => write!(f, "{peer}: up to date"),
        Say::Unconverged { peer } => write!(f, "{peer}: differences remain; sync again"),
        Say::Retrying {
            peer,
            reason,
            attempt,
            of,
        } => write!(
            f,
            "{peer}: connection dropped ({reason}); retrying ({attempt}/{of})"
        ),
        Say::Damaged(n) => write!(f, "records with unreadable data: {n}"),
        Say::RosterWritten { path } => write!(f, "station roster written to {}", path.display()),
        Say::NoRoster => f.write_str("the office has no signed station roster yet"),
        Say::Erased { id } => write!(
            f,
            "record {id} erased; the order replicates with the next sync"
        ),
        Say::PeerRefused { reason } => write!(f, "a peer's request was refused: {reason}"),
        Say::InviteWritten { station, path } => {
            write!(f, "invite for {station} written to {}", path.display())
        }
        Say::BundleWritten {
            path,
            records,
            bytes,
        } => write!(
            f,
            "bundle written to {}: {records} records, {bytes} bytes",
            path.display()
        ),
        Say::AckWritten { path } => write!(f, "acknowledgement written to {}", path.display()),
        Say::SimUnplugged => f.write_str("the simulated device was unplugged"),
        Say::ConsentRecorded => f.write_str("consent recorded"),
        Say::ExceptionRecorded { finger, kind } => write!(
            f,
            "{}: exception recorded ({}); a supervisor reviews it",
            Lang::En.finger(finger),
            Lang::En.exception(kind)
        ),
        Say::PlaceFinger {
            finger,
            attempt,
            of,
        } => write!(
            f,
            "place the {} on the scanner (attempt {attempt}/{of})…",
            Lang::En.finger(finger)
        ),
        Say::FingerRead { finger, quality } => match quality {
            Ok(q) => write!(f, "{}: quality {q}", Lang::En.finger(finger)),
            Err(_) => write!(f, "{}: unusable read", Lang::En.finger(finger)),
        },
        Say::FingerKept { finger, quality } => write!(
            f,
            "{}: the best read is kept (quality {quality})",
            Lang::En.finger(finger)
        ),
        Say::TakingPhoto { attempt, of } => {
            write!(f, "taking the photo (attempt {attempt}/{of})…")
        }
        Say::PhotoKept { quality } => write!(f, "photo accepted (quality {quality})"),
        Say::PhotoRejected { checks } => {
            write!(f, "photo rejected: {}", checks_text(Lang::En, checks))
        }
        Say::QueueEmpty => f.write_str("no captures are waiting for approval"),
        Say::DemoReused { dir } => write!(f, "existing station in {} (reused)", dir.display()),
        Say::DemoStation { dir } => {
            write!(f, "throwaway encrypted station in {}", dir.display())
        }
        Say::DemoCreated => f.write_str("1. station 0901/DEMO-1 created with 3 users"),
        Say::DemoUsers => f.write_str("demo users:"),
        Say::DemoUser { user, role, pass } => write!(
            f,
            "  {user:<11} role {:<10} passphrase {pass}",
            role.as_str()
        ),
        Say::DemoImported { seconds, summary } => write!(
            f,
            "2. pre-registrations imported in {seconds:.2} s: {summary}"
        ),
        Say::DemoTry { curp, nss } => {
            write!(f, "   to enroll, look up for example {curp} (NSS {nss})")
        }
        Say::DemoDevices { scanner, camera } => write!(
            f,
            "simulated scanner on {scanner}, simulated camera on {camera}"
        ),
        Say::DemoSupervisorFinger { quality } => write!(
            f,
            "3. the supervisor's reference finger enrolled from the simulated scanner (quality {quality})"
        ),
        Say::DemoLookup { by, found, first } => {
            let by = match by {
                DemoQuery::Curp => "CURP",
                DemoQuery::Nss => "NSS",
                DemoQuery::Name => "name",
            };
            write!(f, "3. lookup by {by}: {found} result(s)")?;
            match first {
                Some(p) => write!(f, "; {p}"),
                None => Ok(()),
            }
        }
        Say::DemoAudit(n) => write!(f, "4. audit chain sound: {n} entries"),
        Say::PersonCaptures {
            fingers,
            face,
            consent,
        } => write!(
            f,
            "fingers: {fingers}/10, photo: {}, consent: {}",
            if face { "yes" } else { "no" },
            consent.unwrap_or("no")
        ),
        Say::PersonReceipt {
            folio,
            decision,
            supervisor,
            at,
            code,
            valid,
        } => {
            write!(
                f,
                "receipt {folio}: {decision} by {supervisor} at {at} (code {code})"
            )?;
            if !valid {
                f.write_str(" — INVALID SIGNATURE: does not count for the status")?;
            }
            Ok(())
        }
        Say::InvalidSignature => f.write_str("invalid signature: does not count"),
        Say::PersonProof {
            at,
            finger,
            score,
            matched,
        } => write!(
            f,
            "proof of life {at}: {} score {score}, {}",
            Lang::En.finger(finger),
            if matched { "matches" } else { "does not match" }
        ),
        Say::Policy {
            approval_without_finger,
        } => write!(
            f,
            "approval without the supervisor's finger: {}",
            if approval_without_finger {
                "allowed"
            } else {
                "not allowed"
            }
        ),
        Say::NoSerialPorts => {
            f.write_str("no serial ports found (give pseudo-terminals with --port)")
        }
        Say::ScannerAt {
            port,
            capacity,
            packet_size,
            baud,
        } => write!(
            f,
            "{port}\tZFM-20 scanner (capacity {capacity}, {packet_size} B packets, {baud} Bd)"
        ),
        Say::CameraAt {
            port,
            version,
            size,
            baud,
        } => write!(
            f,
            "{port}\tcamera {version} ({}×{}, {baud} Bd)",
            size.0, size.1
        ),
        Say::NothingAt { port, error } => {
            write!(f, "{port}\tno device recognised: {}", device(error))
        }
        Say::FingerprintSaved {
            path,
            width,
            height,
            bytes_per_second,
        } => write!(
            f,
            "fingerprint saved to {} ({width}×{height}, {bytes_per_second:.0} B/s)",
            path.display()
        ),
        Say::DemoHeadless => f.write_str(
            "no interactive terminal: the console is not opened (run `huella demo` in a terminal).",
        ),
        Say::SelfTestRecorded {
            kind,
            port,
            passed,
            reason,
            at,
        } => write!(
            f,
            "self-test {} ({port}): {}{} — {at}",
            match kind {
                "escaner" => "scanner",
                "camara" => "camera",
                other => other,
            },
            if passed { "passed" } else { "failed" },
            reason.map(|m| format!(" ({m})")).unwrap_or_default()
        ),
        Say::Loosened { path, mode, dir } => write!(
            f,
            "warning: {} has mode {mode:o}: other users of this machine can read it; use chmod {}",
            path.display(),
            if dir { "700" } else { "600" }
        ),
    }
}

/// Words a [`CliError`] in English.
pub fn error_text(e: &CliError, f: &mut Formatter<'_>) -> Result {
    match e {
        CliError::OneQuery => f.write_str("give exactly one of --curp, --nss or --name"),
        CliError::UnknownRole { role } => write!(
            f,
            "unknown role \"{role}\" (use officer, supervisor or admin)"
        ),
        CliError::NeedCredentials => f.write_str("give --as USER and --passphrase-file FILE"),
        CliError::NeedSyncTarget => f.write_str("give --hub URL or at least one --peer ADDRESS"),
        CliError::ConflictsNeedSupervisor => {
            f.write_str("only a supervisor or administrator may review conflicts")
        }
        CliError::BadRecordId { id } => write!(
            f,
            "invalid record id: {id} (32 hexadecimal characters expected)"
        ),
        CliError::Read { path } => write!(f, "could not read {}", path.display()),
        CliError::Write { path } => write!(f, "could not write {}", path.display()),
        CliError::NoStation { dir } => write!(
            f,
            "no station in {} (create one with `huella init` or try `huella demo`)",
            dir.display()
        ),
        CliError::NeedsTerminal => f.write_str("the console needs an interactive terminal"),
        CliError::BadFinger => f.write_str("the finger must be between 1 and 10"),
        CliError::BadException { text } => write!(
            f,
            "invalid exception \"{text}\": use N:KIND:REASON (N 1–10; KIND amputado, lesionado or ilegible)"
        ),
        CliError::NotFound { curp } => write!(f, "no pre-registered person has the CURP {curp}"),
        CliError::NotEnrolled => f.write_str(
            "the person has no approved prints: a proof of life needs an approved enrollment",
        ),
        CliError::NeedConsent => f.write_str(
            "consent is missing: read the privacy notice to the person and, if they accept, run again with --consent",
        ),
        CliError::FingerUnusable { finger } => write!(
            f,
            "{}: no usable read; clean the glass and run again, or record an exception with --exception",
            Lang::En.finger(*finger)
        ),
        CliError::FaceRejected { checks } => write!(
            f,
            "no photo passed the checks ({}); fix the shot and run again",
            checks_text(Lang::En, checks)
        ),
        CliError::HubInUse { dir } => write!(
            f,
            "the hub folder {} is in use by another process (a running hub?); stop it or use another folder",
            dir.display()
        ),
        CliError::Device(e) => write!(
            f,
            "{} ({})",
            Lang::En.device_problem(crate::console::msg::DeviceProblem::Device(e.kind())),
            device(e)
        ),
        CliError::NoPostgres => write!(
            f,
            "this program was built without PostgreSQL support; build it with `--features postgres` or drop --store to keep the hub in its folder"
        ),
        CliError::NoPostgresSearch => write!(
            f,
            "this program was built without PostgreSQL support; the sharded national search (central worker, central run --search) needs `--features postgres`; without --search the search runs in this process"
        ),
        CliError::UnknownStore { store } => write!(
            f,
            "--store {store}: expected an address postgres://user@host:port/database"
        ),
    }
}

/// English for an error of a lower layer whose own message is Spanish; `None` for a type this
/// table does not know (its own message is printed).
pub fn error(e: &(dyn Error + 'static)) -> Option<String> {
    if let Some(e) = e.downcast_ref::<CliError>() {
        return Some(e.to_string());
    }
    if let Some(text) = super::arco::error_en(e) {
        return Some(text);
    }
    if let Some(e) = e.downcast_ref::<OutputError>() {
        return Some(match e {
            OutputError::Io(io) => format!("could not write to standard output: {io}"),
            _ => "standard output was closed".to_owned(),
        });
    }
    if let Some(e) = e.downcast_ref::<CredentialError>() {
        return Some(credential(e));
    }
    if let Some(e) = e.downcast_ref::<StoreError>() {
        return store(e);
    }
    if let Some(e) = e.downcast_ref::<SyncError>() {
        return sync(e);
    }
    if let Some(e) = e.downcast_ref::<RosterError>() {
        return roster(e);
    }
    if let Some(e) = e.downcast_ref::<ReplicaError>() {
        return Some(replica(e));
    }
    if let Some(e) = e.downcast_ref::<OfficeError>() {
        return office(e);
    }
    if let Some(e) = e.downcast_ref::<EnrollError>() {
        return enroll(e);
    }
    if let Some(e) = e.downcast_ref::<crate::workflows::documents::DocumentError>() {
        return super::documents::en_error(e);
    }
    if let Some(e) = e.downcast_ref::<crate::workflows::documents::verify::VerifyError>() {
        return super::documents::en_verify_error(e);
    }
    if let Some(e) = e.downcast_ref::<crate::workflows::attendance::AttendanceError>() {
        return super::attendance::error_en(e);
    }
    if let Some(e) = e.downcast_ref::<ReviewError>() {
        return review(e);
    }
    if let Some(e) = e.downcast_ref::<crate::workflows::central::CentralError>() {
        return super::central::error_en(e);
    }
    #[cfg(feature = "postgres")]
    if let Some(e) = e.downcast_ref::<crate::workflows::central::shards::ShardError>() {
        return super::central::shard_error_en(e);
    }
    if let Some(e) = e.downcast_ref::<OfficerFingerError>() {
        return officer_finger(e);
    }
    if let Some(e) = e.downcast_ref::<DeviceError>() {
        return Some(device(e));
    }
    if let Some(crate::workflows::conflicts::ConflictsError::Store(e)) =
        e.downcast_ref::<crate::workflows::conflicts::ConflictsError>()
    {
        return store(e);
    }
    if let Some(e) = e.downcast_ref::<huella_devices::formats::png::ImageFileError>() {
        use huella_devices::formats::png::ImageFileError as F;
        return Some(
            match e {
                F::Io(_) => "file error",
                F::Decode(_) => "unreadable PNG",
                F::Encode(_) => "the PNG could not be encoded",
                F::BadDimensions => "inconsistent image size",
                _ => return None,
            }
            .to_owned(),
        );
    }
    if let Some(e) = e.downcast_ref::<crate::identifiers::IdentifierError>() {
        return Some(super::en_identifiers::identifier(e));
    }
    if let Some(e) = e.downcast_ref::<PolicyError>() {
        return match e {
            PolicyError::NotAdmin => {
                Some("only an administrator changes the station policy".to_owned())
            }
            PolicyError::Write(io) => Some(format!("could not save the station policy: {io}")),
            PolicyError::Store(e) => store(e),
        };
    }
    if let Some(e) = e.downcast_ref::<PersonError>() {
        return match e {
            PersonError::Store(e) => store(e),
            _ => None,
        };
    }
    if let Some(e) = e.downcast_ref::<SurvivalError>() {
        return match e {
            SurvivalError::Enroll(e) => enroll(e),
            SurvivalError::NotEnrolled(status) => Some(format!(
                "the person has no approved prints (status: {})",
                Lang::En.status(status)
            )),
            SurvivalError::NoTemplate(_) => {
                Some("there is no enrolled template of that finger".to_owned())
            }
            SurvivalError::Unusable(_) => Some("unusable fingerprint; capture it again".to_owned()),
            SurvivalError::Opposed(o) => Some(super::arco::opposed_en(o)),
            SurvivalError::Deceased(date) => Some(format!(
                "a death is recorded for the person ({date}): proof of life has ended"
            )),
        };
    }
    if let Some(e) = e.downcast_ref::<EraseError>() {
        return match e {
            EraseError::NotSupervisor => {
                Some("only a supervisor or administrator may order an erasure".to_owned())
            }
            EraseError::Unknown(id) => Some(format!("this station holds no record {id}")),
            EraseError::Store(e) => store(e),
        };
    }
    if let Some(e) = e.downcast_ref::<AccessError>() {
        return access(e);
    }
    if let Some(e) = e.downcast_ref::<SessionError>() {
        return session(e);
    }
    if let Some(e) = e.downcast_ref::<StationError>() {
        return station(e);
    }
    if let Some(e) = e.downcast_ref::<huella_sync::disk::DiskError>() {
        return disk(e);
    }
    if let Some(e) = e.downcast_ref::<crate::workflows::backup::BackupError>() {
        return Some(backup(e));
    }
    if let Some(e) = e.downcast_ref::<crate::workflows::import::ImportError>() {
        use crate::workflows::import::ImportError;
        return Some(match e {
            ImportError::NoHeader => "the file has no readable CSV header".to_owned(),
            ImportError::WrongHeader(cols) => {
                format!("the header is not the expected one; it must be: {cols}")
            }
            ImportError::Worker => "internal failure while preparing records".to_owned(),
        });
    }
    if let Some(e) = e.downcast_ref::<crate::workflows::sync_round::RoundError>() {
        use crate::workflows::sync_round::RoundError;
        return Some(match e {
            RoundError::HubKey => "--hub-key must be 64 hexadecimal characters".to_owned(),
            RoundError::With { url, .. } => format!("sync with {url}"),
        });
    }
    if let Some(e) = e.downcast_ref::<crate::workflows::recover::RecoverError>() {
        use crate::workflows::recover::RecoverError;
        return Some(match e {
            RecoverError::Scratch(_) => "could not create a temporary folder".to_owned(),
            RecoverError::NoStore(dir) => format!("{dir} holds no station store"),
            RecoverError::Copy { dir, .. } => format!("could not copy {dir}"),
            RecoverError::WrongKeys => "this station's keys do not open that backup".to_owned(),
            RecoverError::OtherOffice {
                station,
                theirs,
                ours,
            } => format!("station {station} belongs to office {theirs}, not {ours}"),
            RecoverError::SameStation(dir) => format!("{dir} is this very station"),
        });
    }
    if let Some(e) = e.downcast_ref::<crate::workflows::movements::MovementError>() {
        return super::movements::movement_en(e);
    }
    if let Some(e) = e.downcast_ref::<crate::workflows::restriction::RestrictionError>() {
        return super::movements::restriction_en(e);
    }
    if let Some(e) = e.downcast_ref::<crate::workflows::employer_report::ReportError>() {
        return super::movements::report_en(e);
    }
    if let Some(e) = e.downcast_ref::<LookupError>() {
        return match e {
            LookupError::EmptyName => {
                Some("write at least one name or surname to search".to_owned())
            }
            LookupError::Identifier(e) => Some(super::en_identifiers::identifier(e)),
            LookupError::Store(e) => store(e),
        };
    }
    None
}

fn disk(e: &huella_sync::disk::DiskError) -> Option<String> {
    use huella_sync::disk::DiskError;
    Some(match e {
        DiskError::Full { path } => format!(
            "no space left on the disk ({path}): free some space and try again; nothing was half-saved"
        ),
        DiskError::NotRegular { path } => {
            format!("{path} is not a regular file; nothing was written (choose another path)")
        }
        DiskError::TooLarge { path, max } => {
            format!("{path} is too large (over {max} bytes); it was not read")
        }
        DiskError::Io { path, .. } => format!("could not write {path} safely to disk"),
        _ => return None,
    })
}

fn backup(e: &crate::workflows::backup::BackupError) -> String {
    use crate::workflows::backup::BackupError;
    match e {
        BackupError::InvalidUser(user) => format!("invalid user name: {user}"),
        BackupError::HomeExists { dir } => {
            format!("a station already exists in {dir}: restore into a new folder")
        }
        BackupError::NoCredential(user) => format!("the backup holds no credential of {user}"),
        BackupError::WrongKey => "this credential does not open this backup".to_owned(),
        BackupError::NotABackup { file } => format!("{file} is not a huella backup"),
        BackupError::Damaged { file } => format!(
            "the backup {file} is damaged (the checksum does not match); nothing was restored"
        ),
        BackupError::Unreadable { file } => format!("unreadable backup: {file}"),
        BackupError::Content => "the backup's content could not be opened".to_owned(),
        BackupError::TooLarge => "a part of the backup is too large".to_owned(),
        BackupError::Folder {
            dir,
            creating: true,
            ..
        } => format!("could not create {dir}"),
        BackupError::Folder { dir, .. } => format!("could not read {dir}"),
    }
}

fn session(e: &SessionError) -> Option<String> {
    Some(match e {
        SessionError::InvalidUser(user) => format!("invalid user name: {user}"),
        SessionError::Credential(e) => credential(e),
        SessionError::Store(e) => return store(e),
        SessionError::Access(e) => return access(e),
        SessionError::Recipient { label } => {
            format!("the station's recipient {label} is not a valid public key")
        }
    })
}

fn station(e: &StationError) -> Option<String> {
    Some(match e {
        StationError::InvalidUser => {
            "invalid user name: use letters, digits, '.', '_' or '-'".to_owned()
        }
        StationError::EmptyName => "the office and the station cannot be empty".to_owned(),
        StationError::HomeExists { dir } => format!("a station already exists in {dir}"),
        StationError::CreateHome { dir, .. } => format!("could not create {dir}"),
        StationError::Recipient { label } => {
            format!("the public key of recipient {label} is not valid (expected age1…)")
        }
        StationError::NotAdmin { user, role } => format!(
            "only an administrator may add officers ({user} is {})",
            role.as_str()
        ),
        StationError::UserExists(user) => format!("user {user} already exists"),
        StationError::Credential(e) => credential(e),
        StationError::Store(e) => return store(e),
        StationError::Access(e) => return access(e),
    })
}

fn enroll(e: &EnrollError) -> Option<String> {
    Some(match e {
        EnrollError::Store(e) => return store(e),
        EnrollError::NotPending(status) => format!(
            "the person is not waiting for capture (status: {})",
            Lang::En.status(status)
        ),
        EnrollError::NoConsent => "consent is missing: no consent, no capture".to_owned(),
        EnrollError::NotRejected(status) => format!(
            "only a rejected person is reopened (status: {})",
            Lang::En.status(status)
        ),
        EnrollError::Incomplete(n) => format!("{n} finger(s) still to capture or justify"),
        EnrollError::NoFace => "the photo is missing".to_owned(),
        EnrollError::Image => "the image could not be saved".to_owned(),
        EnrollError::Document(e) => {
            return super::documents::en_error(e)
                .map(|d| format!("the acuse could not be issued: {d}"));
        }
        _ => return None,
    })
}

fn review(e: &ReviewError) -> Option<String> {
    Some(match e {
        ReviewError::Store(e) => return store(e),
        ReviewError::Save(e) => return enroll(e),
        ReviewError::Finger(e) => return officer_finger(e),
        ReviewError::NotSupervisor => {
            "only a supervisor may approve or reject captures".to_owned()
        }
        ReviewError::Reauth => "wrong passphrase: the decision was not recorded".to_owned(),
        ReviewError::OwnCapture => "you cannot decide on a capture you made".to_owned(),
        ReviewError::NotCaptured(status) => format!(
            "the capture is not waiting for approval (status: {})",
            Lang::En.status(status)
        ),
        ReviewError::NoReason => "give the reason for the rejection or recapture".to_owned(),
        ReviewError::FingerRequired => "this station requires the supervisor's finger to decide: connect the scanner (--scanner) or an administrator changes the policy (`huella policy`)".to_owned(),
        ReviewError::RecaptureFingers => "invalid recapture fingers".to_owned(),
        ReviewError::FingerMismatch => {
            "the finger does not match the supervisor's reference: the decision was not recorded"
                .to_owned()
        }
        ReviewError::NoReference => "you have no reference finger: enroll it with `huella officer finger` (or in the console) before deciding".to_owned(),
        _ => return None,
    })
}

fn officer_finger(e: &OfficerFingerError) -> Option<String> {
    Some(match e {
        OfficerFingerError::Unusable(_) => "unusable fingerprint".to_owned(),
        OfficerFingerError::LowQuality(q) => {
            format!("quality {q} is too low: place the finger again")
        }
        OfficerFingerError::Credential(e) => credential(e),
        OfficerFingerError::Damaged => {
            "the stored reference finger is damaged: enroll it again".to_owned()
        }
        OfficerFingerError::Save(e) => return enroll(e),
    })
}

fn device(e: &DeviceError) -> String {
    match e {
        DeviceError::Timeout { op, waited } => {
            format!("no answer from the device in {op} after {waited:?}")
        }
        DeviceError::Framing(f) => format!("frame error: {f}"),
        DeviceError::Disconnected => "device disconnected".to_owned(),
        DeviceError::NotFound { port } => format!("the port {} does not exist", port.display()),
        DeviceError::Busy { port } => {
            format!("the port {} is in use by another program", port.display())
        }
        DeviceError::NoFinger => "no finger on the sensor".to_owned(),
        DeviceError::PoorImage(q) => format!("poor image ({q:?})"),
        DeviceError::WrongPassword => "wrong module password".to_owned(),
        DeviceError::EnrollMismatch => "the two captures are not of the same finger".to_owned(),
        DeviceError::Rejected { code } => {
            format!("the device refused the command (code {code:#04x})")
        }
        DeviceError::Unsupported { code } => {
            format!("command not supported by the device (code {code:#04x})")
        }
        DeviceError::Hardware { code } => format!("device hardware fault (code {code:#04x})"),
        DeviceError::Cancelled => "operation cancelled".to_owned(),
        DeviceError::Io(io) => format!("I/O error on the port: {io}"),
    }
}

fn access(e: &AccessError) -> Option<String> {
    Some(match e {
        AccessError::ForeignCredential {
            user,
            station,
            office,
        } => format!(
            "the credential of {user} belongs to another station or office ({station}, office {office}); it cannot be used here"
        ),
        AccessError::NotListed(user) => {
            format!("user {user} is not in this station's signed officer list")
        }
        AccessError::KeyMismatch(user) => {
            format!("the credential of {user} does not match the signed officer list")
        }
        AccessError::RoleMismatch {
            user,
            claimed,
            listed,
        } => format!(
            "the credential of {user} claims role {claimed} but the signed officer list says {listed}; refused"
        ),
        AccessError::Store(e) => return store(e),
        AccessError::Roster(e) => return roster(e),
    })
}

fn office(e: &OfficeError) -> Option<String> {
    Some(match e {
        OfficeError::Access(e) => return access(e),
        OfficeError::NotAdmin { user } => {
            format!("only an administrator may sign the station roster ({user} is not one)")
        }
        OfficeError::NotListed { station } => {
            format!("station {station} is not in the office's roster")
        }
        OfficeError::RevokeSelf => {
            "a station cannot revoke itself; revoke it from another station of the office"
                .to_owned()
        }
        OfficeError::BadCentralKey => "the central key is not an age public key (age1…)".to_owned(),
        OfficeError::AlreadyListed { station } => {
            format!("station {station} is already in the office's roster")
        }
        OfficeError::InvalidUser => {
            "invalid user name: use letters, digits, '.', '_' or '-'".to_owned()
        }
        OfficeError::HomeExists { dir } => format!("a station already exists in {dir}"),
        OfficeError::InviteUnreadable => "unreadable invite: not a huella invite file".to_owned(),
        OfficeError::InviteMismatch => "the invite does not match its station roster".to_owned(),
        OfficeError::InviteEncode(e) => format!("could not prepare the invite: {e}"),
        OfficeError::CreateHome { dir, source } => format!("could not create {dir}: {source}"),
        OfficeError::Credential(e) => credential(e),
        OfficeError::Roster(e) => return roster(e),
        OfficeError::Store(e) => return store(e),
        OfficeError::Replica(e) => replica(e),
    })
}

fn replica(e: &ReplicaError) -> String {
    match e {
        ReplicaError::Sled(s) => format!("local store error: {s}"),
        ReplicaError::Damaged(m) => format!("damaged replica state: {m}"),
        other => other.to_string(),
    }
}

fn credential(e: &CredentialError) -> String {
    match e {
        CredentialError::WrongPassphrase { user } => format!("wrong passphrase for user {user}"),
        CredentialError::Corrupt { path, detail } => {
            format!("the key file {path} is damaged or not a huella file ({detail})")
        }
        CredentialError::Truncated { path } => {
            format!("the key file {path} is incomplete (cut short)")
        }
        CredentialError::ExcessiveWork { required, max } => format!(
            "the key file asks for a key-derivation cost of 2^{required}, above the maximum 2^{max}"
        ),
        CredentialError::UnknownUser { user } => format!("there is no user {user} at this station"),
        CredentialError::WeakPassphrase { min } => {
            format!("the passphrase must have at least {min} characters")
        }
        CredentialError::Io { path, source } => format!("could not read or write {path}: {source}"),
        other => other.to_string(),
    }
}

fn store(e: &StoreError) -> Option<String> {
    Some(match e {
        StoreError::Sled(s) => format!("local store error: {s}"),
        StoreError::AlreadyExists(dir) => format!("a station already exists in {dir}"),
        StoreError::NotInitialised(dir) => {
            format!("there is no station in {dir} (use `huella init`)")
        }
        StoreError::Locked(dir) => format!("the store {dir} is in use by another huella process"),
        StoreError::NoSuchRecord(id) => format!("there is no record {id}"),
        StoreError::Decrypt { id, .. } => format!("record {id} could not be decrypted"),
        StoreError::Meta(m) => format!("damaged metadata: {m}"),
        _ => return None,
    })
}

fn sync(e: &SyncError) -> Option<String> {
    Some(match e {
        SyncError::Version { found, ours } => format!(
            "the other side speaks version {found} of the sync protocol and this station {ours}: update huella where it is older"
        ),
        SyncError::Decode(d) => format!("unreadable sync message: {d}"),
        SyncError::TooLarge(n) => format!("sync message too large ({n} bytes)"),
        SyncError::Forged => "message with an invalid signature (forged or altered)".to_owned(),
        SyncError::Replayed => "repeated message (possible malicious replay); ignored".to_owned(),
        SyncError::Expired => "message out of time (clock difference over 5 minutes)".to_owned(),
        SyncError::UnknownStation => {
            "unknown station: not in any trusted station roster".to_owned()
        }
        SyncError::Revoked { office, station } => {
            format!("station {station} of office {office} was revoked")
        }
        SyncError::WrongPeer => {
            "an answer that does not match the request, or from another hub".to_owned()
        }
        SyncError::Misdirected => {
            "message addressed to someone else (possible malicious replay); refused".to_owned()
        }
        SyncError::Unexpected => "unexpected message at this protocol step".to_owned(),
        SyncError::Refused(r) => format!("the other side refused the request: {r}"),
        SyncError::Transport { peer, reason } => format!("could not reach {peer}: {reason}"),
        // Transparent wrappers show the wrapped error's own message.
        SyncError::Store(e) => return store(e),
        SyncError::Roster(e) => return roster(e),
        SyncError::Replica(e) => return Some(replica(e)),
        SyncError::TooMany => {
            "too many requests from this station; try again in a minute".to_owned()
        }
        _ => return None,
    })
}

fn roster(e: &RosterError) -> Option<String> {
    Some(match e {
        RosterError::Malformed(m) => format!("unreadable station roster: {m}"),
        RosterError::BadSignature(office) => format!(
            "the station roster of office {office} is not signed by a trusted administrator"
        ),
        RosterError::Stale { office, got, known } => format!(
            "the station roster of office {office} (version {got}) is not newer than the known one ({known})"
        ),
        RosterError::Store(m) => format!("local store error: {m}"),
        RosterError::Grant { station } => {
            format!("the office key could not be given to station {station}")
        }
        RosterError::MissingGeneration(g) => format!(
            "this station does not hold the office key of generation {g}; invite from a station that does"
        ),
        _ => return None,
    })
}

/// English wording of a refused `consola.toml`.
pub fn keymap(e: &crate::console::keymap::KeymapError) -> String {
    use crate::console::keymap::KeymapError as K;
    match e {
        K::Unreadable(path) => format!("cannot read {}", path.display()),
        K::Toml(e) => format!("consola.toml is not valid TOML: {e}"),
        K::UnknownAction(a) => format!("unknown action in consola.toml: «{a}»"),
        K::BadKey { action, key } => format!("invalid key for «{action}» in consola.toml: «{key}»"),
    }
}
