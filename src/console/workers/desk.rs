//! The desk worker: holds the open session and runs the workflow each console command asks
//! for on its own thread, so the UI never waits on disk or CPU work.
//!
//! It only dispatches: every operation, audit entry and rule lives in
//! [`crate::workflows`]; results and typed errors go back to the UI as events. It must not
//! open the store, read records or write audit entries itself.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use tokio::sync::mpsc::Sender;

use super::backup::{BackupJob, BackupWorker};
use super::emit;
use super::sync::{RoundJob, SyncWorker};
use crate::console::msg::{
    BackupOverview, BackupProblem, BackupStatus, DeskCmd, DeskError, DeskEvent, ProofOfLife,
    SyncOverview, SyncProblem, SyncStatus, WorkerEvent,
};
use crate::console::state::{StationInfo, UserInfo};
use crate::console::sync_config::SyncConfig;
use crate::home::Home;
use crate::workflows::enroll::{self, Attempt, OfficeGallery};
use crate::workflows::login::{self, Lockout};
use crate::workflows::review::{self, DecisionRequest};
use crate::workflows::session::Session;
use crate::workflows::{backup_schedule, drafts, lookup, overview, person, station};

/// Rows of the pending list.
const PENDING_ROWS: usize = 200;

/// Starts the desk worker.
pub fn spawn(
    home: Home,
    lockout: Lockout,
    events: Sender<WorkerEvent>,
) -> std::io::Result<SyncSender<DeskCmd>> {
    let (tx, rx) = sync_channel::<DeskCmd>(16);
    let workers = Background {
        sync: SyncWorker::spawn(home.clone(), events.clone())?,
        backup: BackupWorker::spawn(home.clone(), events.clone())?,
    };
    std::thread::Builder::new()
        .name("escritorio".into())
        .spawn(move || run(home, lockout, rx, events, workers))?;
    Ok(tx)
}

/// The workers the desk hands long jobs to.
struct Background {
    sync: SyncWorker,
    backup: BackupWorker,
}

struct Desk {
    home: Home,
    lockout: Lockout,
    session: Option<Arc<Session>>,
    gallery: OfficeGallery,
    sync: SyncWorker,
    backup: BackupWorker,
}

fn run(
    home: Home,
    lockout: Lockout,
    rx: Receiver<DeskCmd>,
    tx: Sender<WorkerEvent>,
    workers: Background,
) {
    if let Ok(st) = station::identity(&home) {
        let info = StationInfo {
            office: st.office,
            station: st.station,
        };
        if !emit(&tx, WorkerEvent::Desk(Box::new(DeskEvent::Station(info)))) {
            return;
        }
    }
    let mut desk = Desk {
        home,
        lockout,
        session: None,
        gallery: OfficeGallery::new(),
        sync: workers.sync,
        backup: workers.backup,
    };
    while let Ok(cmd) = rx.recv() {
        if let DeskCmd::BackupIfDue = cmd {
            if let Some(problem) = desk.backup_if_due()
                && !emit(&tx, WorkerEvent::Backup(BackupStatus::Failed(problem)))
            {
                return;
            }
            continue;
        }
        if let DeskCmd::SyncRound = cmd {
            if let Some(refused) = desk.start_round()
                && !emit(&tx, WorkerEvent::Sync(SyncStatus::Ended(Err(refused))))
            {
                return;
            }
            continue;
        }
        let events = desk.handle(cmd);
        for ev in events {
            if !emit(&tx, WorkerEvent::Desk(Box::new(ev))) {
                return;
            }
        }
    }
}

fn attempt(
    position: crate::workflows::types::FingerPosition,
    image: crate::workflows::types::FingerImage,
) -> Attempt {
    Attempt {
        position,
        pixels: image.pixels,
        width: image.width,
        height: image.height,
        dpi: image.dpi,
    }
}

impl Desk {
    fn handle(&mut self, cmd: DeskCmd) -> Vec<DeskEvent> {
        if let DeskCmd::Login { user, pass } = cmd {
            return vec![self.login(&user, &pass)];
        }
        if let DeskCmd::Logout = cmd {
            self.session = None;
            self.gallery = OfficeGallery::new();
            return Vec::new();
        }
        let Some(session) = self.session.clone() else {
            return Vec::new();
        };
        let s = &*session;
        let home = &self.home;
        match cmd {
            DeskCmd::Login { .. } | DeskCmd::Logout | DeskCmd::SyncRound | DeskCmd::BackupIfDue => {
                Vec::new()
            }
            DeskCmd::CentralCases => vec![DeskEvent::CentralCases(
                crate::workflows::central::cases::list(s).map_err(DeskError::from),
            )],
            DeskCmd::CentralDecide {
                case,
                decision,
                reason,
                pass,
            } => vec![DeskEvent::CentralDecided(
                crate::workflows::central::cases::decide(home, s, case, decision, &reason, &pass)
                    .map_err(DeskError::from),
            )],
            DeskCmd::SyncOverview => vec![DeskEvent::SyncOverview(Box::new(self.overview(s)))],
            DeskCmd::ProveLife {
                id,
                position,
                image,
            } => {
                let r = enroll::survival::prove_life(s, id, &attempt(position, image))
                    .map_err(DeskError::from)
                    .and_then(|v| {
                        Ok(ProofOfLife {
                            matched: v.matched,
                            score: v.score,
                            file: Box::new(person::open(s, id)?),
                        })
                    });
                vec![DeskEvent::ProvedLife(r)]
            }
            DeskCmd::Home => vec![DeskEvent::Home(
                overview::home(home, s)
                    .map(Box::new)
                    .map_err(DeskError::from),
            )],
            DeskCmd::Lookup(q) => vec![DeskEvent::Found(
                lookup::find(s, &q).map_err(DeskError::Lookup),
            )],
            DeskCmd::Person(id) => vec![DeskEvent::Person(
                person::open(s, id)
                    .map(|mut file| {
                        // When retention will erase the biometrics, with this station's period.
                        file.biometrics_erased_on = crate::workflows::retention::erase_dates(
                            home,
                            s,
                            &[file.summary.id.as_str()],
                        )
                        .ok()
                        .and_then(|mut d| d.pop().flatten());
                        Box::new(file)
                    })
                    .map_err(DeskError::from),
            )],
            DeskCmd::StartEnroll(id) => {
                let r = enroll::load_draft(s, id).map(Box::new);
                if r.is_ok() {
                    self.remember(s, Some(id));
                }
                vec![DeskEvent::Draft(r.map_err(DeskError::from))]
            }
            DeskCmd::Reopen(id) => {
                let r = enroll::reopen(s, id).map(Box::new);
                if r.is_ok() {
                    self.remember(s, Some(id));
                }
                vec![DeskEvent::Draft(r.map_err(DeskError::from))]
            }
            DeskCmd::Consent(id) => vec![DeskEvent::Consented(
                enroll::record_consent(s, id)
                    .map(|_| ())
                    .map_err(DeskError::from),
            )],
            DeskCmd::Attempt {
                id,
                position,
                image,
                attempts,
            } => vec![DeskEvent::Attempted(
                enroll::save_attempt(s, id, &attempt(position, image), attempts)
                    .map_err(DeskError::from),
            )],
            DeskCmd::Exception {
                id,
                position,
                kind,
                note,
                attempts,
            } => vec![DeskEvent::ExceptionSaved(
                enroll::save_exception(s, id, position, kind, &note, attempts)
                    .map(|_| (position, kind))
                    .map_err(DeskError::from),
            )],
            DeskCmd::CheckFace(jpeg) => vec![DeskEvent::FaceChecked(enroll::check_face(&jpeg))],
            DeskCmd::SaveFace { id, jpeg, check } => vec![DeskEvent::FaceSaved(
                enroll::save_face(s, id, &jpeg, &check)
                    .map(|_| ())
                    .map_err(DeskError::from),
            )],
            DeskCmd::Duplicates(id) => vec![DeskEvent::Duplicates(
                enroll::duplicates(s, &mut self.gallery, id).map_err(DeskError::from),
            )],
            DeskCmd::Submit { id, hits } => {
                let r = enroll::submit(s, id, &hits);
                if r.is_ok() {
                    self.remember(s, None);
                    self.print_acuse(s, id);
                }
                vec![DeskEvent::Submitted(r.map_err(DeskError::from))]
            }
            DeskCmd::Queue => vec![DeskEvent::Queue(review::queue(s).map_err(DeskError::from))],
            DeskCmd::ArcoList => vec![DeskEvent::ArcoList(
                crate::workflows::arco::list(s).map_err(DeskError::from),
            )],
            DeskCmd::ArcoFile {
                curp,
                right,
                requester,
                identification,
            } => vec![DeskEvent::ArcoFiled(
                crate::workflows::arco::file(s, &curp, right, &requester, &identification)
                    .map_err(DeskError::from),
            )],
            DeskCmd::Review(id) => vec![DeskEvent::Review(
                review::evidence(s, id)
                    .map(Box::new)
                    .map_err(DeskError::from),
            )],
            DeskCmd::Decide {
                id,
                decision,
                reason,
                pass,
                finger,
                recapture,
            } => {
                let live =
                    finger.map(|image| attempt(enroll::officer_finger::OFFICER_FINGER, image));
                let req = DecisionRequest {
                    id,
                    decision,
                    reason: &reason,
                    passphrase: &pass,
                    finger: live.as_ref(),
                    recapture: &recapture,
                };
                let outcome = review::decide(home, s, &req).map(|o| o.approval.decision);
                if matches!(outcome, Ok(crate::workflows::types::Decision::Aprobar)) {
                    self.print_acuse(s, id);
                }
                vec![DeskEvent::Decided(outcome.map_err(DeskError::from))]
            }
            DeskCmd::Pending => vec![DeskEvent::Pending(
                overview::pending(s, PENDING_ROWS).map_err(DeskError::from),
            )],
            DeskCmd::Movement { id, request } => {
                let r = crate::workflows::movements::record(s, id, &request)
                    .map_err(DeskError::from)
                    .and_then(|done| {
                        self.print_acuse(s, id);
                        Ok((done.folio, Box::new(person::open(s, id)?)))
                    });
                vec![DeskEvent::MovementRecorded(r)]
            }
        }
    }

    fn login(&mut self, user: &str, pass: &crate::workflows::types::Passphrase) -> DeskEvent {
        match login::login(&self.home, user, pass, self.lockout) {
            Ok((session, who)) => {
                self.session = Some(Arc::new(session));
                DeskEvent::LoggedIn(UserInfo {
                    user: who.user,
                    role: who.role,
                })
            }
            Err(e) => DeskEvent::LoginFailed(e),
        }
    }

    /// Prints the person's latest acuse into the `[documentos]` folder of `consola.toml`, if
    /// one is set; a failure is logged (the acuse stays in the record: `huella document acuse`).
    fn print_acuse(&self, s: &Session, id: crate::workflows::types::RecordId) {
        let Some((folder, size)) =
            crate::console::documents_config::DocumentsConfig::load(&self.home).target()
        else {
            return;
        };
        if let Err(e) = crate::workflows::documents::print::latest_acuse_to(s, id, &folder, size) {
            tracing::warn!(target: "huella::consola", "acuse not printed: {e}");
        }
    }

    /// Remembers (or forgets) the officer's open draft; a failure only costs the resume offer.
    fn remember(&self, s: &Session, id: Option<crate::workflows::types::RecordId>) {
        let r = match id {
            Some(id) => drafts::remember(&self.home, s, id),
            None => drafts::forget(&self.home, s),
        };
        if let Err(e) = r {
            tracing::warn!(target: "huella::consola", "draft marker: {e}");
        }
    }

    /// Hands a round to the sync worker; why not when it cannot start.
    fn start_round(&self) -> Option<SyncProblem> {
        let Some(session) = self.session.clone() else {
            return Some(SyncProblem::NotLoggedIn);
        };
        let targets = match SyncConfig::load(&self.home).and_then(|c| c.targets()) {
            Ok(t) => t,
            Err(e) => return Some(SyncProblem::Config(e)),
        };
        if self.sync.start(RoundJob { session, targets }) {
            None
        } else {
            Some(SyncProblem::Busy)
        }
    }

    /// Hands a scheduled backup to the backup worker when one is due; a configuration that
    /// cannot be used is the only thing reported (a busy worker or nothing due: silence).
    fn backup_if_due(&self) -> Option<BackupProblem> {
        let session = self.session.clone()?;
        let schedule = match crate::console::backup_config::load(&self.home) {
            Ok(Some(s)) => s,
            Ok(None) => return None,
            Err(e) => return Some(BackupProblem::Config(e)),
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        if backup_schedule::is_due(&self.home, &schedule, now) {
            // A full queue means one is being written: the next check sees the new marker.
            let _ = self.backup.start(BackupJob { session, schedule });
        }
        None
    }

    fn backup_overview(&self) -> BackupOverview {
        let last = backup_schedule::last_scheduled(&self.home);
        match crate::console::backup_config::load(&self.home) {
            Ok(Some(s)) => BackupOverview {
                folder: Some(s.folder),
                every_hours: s.every.as_secs() / 3600,
                last,
                config_error: None,
            },
            Ok(None) => BackupOverview {
                last,
                ..BackupOverview::default()
            },
            Err(e) => BackupOverview {
                last,
                config_error: Some(e),
                ..BackupOverview::default()
            },
        }
    }

    fn overview(&self, s: &Session) -> SyncOverview {
        let (config, config_error) = match SyncConfig::load(&self.home) {
            Ok(c) => (c, None),
            Err(e) => (SyncConfig::default(), Some(e)),
        };
        let (hub, peers) = config.labels();
        let conflicts = super::sync::conflicts(s).unwrap_or_default();
        SyncOverview {
            hub,
            peers,
            config_error,
            last: crate::workflows::activity::last_sync(&self.home),
            conflicts,
            backup: self.backup_overview(),
        }
    }
}
