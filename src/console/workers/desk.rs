//! The desk worker: owns the session (store + unlocked credential) and does everything that
//! touches the store, keys or the matcher, so the UI never waits on disk or CPU work.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use huella_sync::{BiometricStatus, RecordId};
use tokio::sync::mpsc::Sender;

use super::emit;
use super::sync::{RoundJob, SyncWorker};
use crate::console::msg::{DeskCmd, DeskEvent, SyncOverview, SyncStatus, WorkerEvent};
use crate::console::state::{
    DraftRow, DupRow, HomeData, PendingRow, PersonView, StationInfo, UserInfo,
};
use crate::console::sync_config::SyncConfig;
use crate::home::Home;
use crate::workflows::approve;
use crate::workflows::enroll::{self, Attempt, OfficeGallery};
use crate::workflows::lookup::{self, PersonSummary};
use crate::workflows::session::Session;

/// Days a notified person has to enroll.
pub const RESTRICTION_DAYS: i64 = 30;
/// Rows of the pending list.
const PENDING_ROWS: usize = 200;

/// Starts the desk worker.
pub fn spawn(home: Home, events: Sender<WorkerEvent>) -> std::io::Result<SyncSender<DeskCmd>> {
    let (tx, rx) = sync_channel::<DeskCmd>(16);
    let sync = SyncWorker::spawn(home.clone(), events.clone())?;
    std::thread::Builder::new()
        .name("escritorio".into())
        .spawn(move || run(home, rx, events, sync))?;
    Ok(tx)
}

struct Desk {
    home: Home,
    session: Option<Arc<Session>>,
    gallery: OfficeGallery,
    sync: SyncWorker,
}

fn run(home: Home, rx: Receiver<DeskCmd>, tx: Sender<WorkerEvent>, sync: SyncWorker) {
    if let Ok(store) = huella_sync::Store::open(&home.store_dir())
        && let Ok(st) = store.station()
    {
        let info = StationInfo {
            office: st.office,
            station: st.station,
        };
        drop(store);
        if !emit(&tx, WorkerEvent::Desk(Box::new(DeskEvent::Station(info)))) {
            return;
        }
    }
    let mut desk = Desk {
        home,
        session: None,
        gallery: OfficeGallery::new(),
        sync,
    };
    while let Ok(cmd) = rx.recv() {
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

fn text<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
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
        match cmd {
            DeskCmd::Login { .. } | DeskCmd::Logout | DeskCmd::SyncRound => Vec::new(),
            DeskCmd::SyncOverview => vec![DeskEvent::SyncOverview(Box::new(self.overview(s)))],
            DeskCmd::ProveLife {
                id,
                position,
                image,
            } => {
                let live = Attempt {
                    position,
                    pixels: image.pixels,
                    width: image.width,
                    height: image.height,
                    dpi: image.dpi,
                };
                let r = enroll::survival::prove_life(s, id, &live)
                    .map_err(text)
                    .and_then(|v| Ok((v.matched, v.score, Box::new(person(s, id)?))));
                vec![DeskEvent::ProvedLife(r)]
            }
            DeskCmd::Home => vec![DeskEvent::Home(self.home_data(s))],
            DeskCmd::Lookup(q) => vec![DeskEvent::Found(
                lookup::find(s, &q).map_err(|e| format!("{e:#}")),
            )],
            DeskCmd::Person(id) => vec![DeskEvent::Person(person(s, id).map(Box::new))],
            DeskCmd::StartEnroll(id) => {
                let r = enroll::load_draft(s, id).map(Box::new).map_err(text);
                if r.is_ok() {
                    self.set_draft(s, Some(id));
                }
                vec![DeskEvent::Draft(r)]
            }
            DeskCmd::Consent(id) => vec![DeskEvent::Consented(
                enroll::record_consent(s, id).map(|_| ()).map_err(text),
            )],
            DeskCmd::Attempt {
                id,
                position,
                image,
                attempts,
            } => {
                let a = Attempt {
                    position,
                    pixels: image.pixels,
                    width: image.width,
                    height: image.height,
                    dpi: image.dpi,
                };
                vec![DeskEvent::Attempted(
                    enroll::save_attempt(s, id, &a, attempts).map_err(text),
                )]
            }
            DeskCmd::Exception {
                id,
                position,
                kind,
                note,
                attempts,
            } => vec![DeskEvent::ExceptionSaved(
                enroll::save_exception(s, id, position, kind, &note, attempts)
                    .map(|_| (position, kind))
                    .map_err(text),
            )],
            DeskCmd::CheckFace(jpeg) => vec![DeskEvent::FaceChecked(enroll::check_face(&jpeg))],
            DeskCmd::SaveFace { id, jpeg, check } => vec![DeskEvent::FaceSaved(
                enroll::save_face(s, id, &jpeg, &check)
                    .map(|_| ())
                    .map_err(text),
            )],
            DeskCmd::Duplicates(id) => {
                let r = self.gallery.search(s, id).map_err(text).map(|hits| {
                    hits.into_iter()
                        .filter_map(|h| {
                            let o = s.store.open_record(&s.keys(), h.id).ok()?;
                            let i = o.record.identity().ok()?;
                            Some(DupRow {
                                id: h.id,
                                name: i.nombre_completo(),
                                curp: i.curp,
                                score: h.score,
                            })
                        })
                        .collect()
                });
                vec![DeskEvent::Duplicates(r)]
            }
            DeskCmd::Submit { id, hits } => {
                let hits: Vec<enroll::DuplicateHit> = hits
                    .into_iter()
                    .map(|id| enroll::DuplicateHit {
                        id,
                        score: 0.0,
                        evidence: 0.0,
                        fingers: 0,
                        strength: crate::matching::HitStrength::Possible,
                    })
                    .collect();
                let r = enroll::submit(s, id, &hits).map_err(text);
                if r.is_ok() {
                    self.set_draft(s, None);
                }
                vec![DeskEvent::Submitted(r)]
            }
            DeskCmd::Queue => vec![DeskEvent::Queue(approve::queue(s).map_err(text))],
            DeskCmd::Review(id) => vec![DeskEvent::Review(
                approve::review(s, id).map(Box::new).map_err(text),
            )],
            DeskCmd::Decide {
                id,
                decision,
                reason,
                pass,
                finger,
            } => {
                let live = finger.map(|image| Attempt {
                    position: enroll::officer_finger::OFFICER_FINGER,
                    pixels: image.pixels,
                    width: image.width,
                    height: image.height,
                    dpi: image.dpi,
                });
                let factor = match &live {
                    Some(a) => approve::SecondFactor::Finger(a),
                    None => approve::SecondFactor::NoScanner,
                };
                vec![DeskEvent::Decided(
                    approve::decide_with(&self.home, s, id, decision, &reason, &pass, &factor)
                        .map(|a| a.decision)
                        .map_err(text),
                )]
            }
            DeskCmd::Pending => {
                let (rows, total) = pending(s);
                vec![DeskEvent::Pending(rows, total)]
            }
        }
    }

    fn login(&mut self, user: &str, pass: &huella_keys::Passphrase) -> DeskEvent {
        match Session::open_with(&self.home, user, pass) {
            Ok(s) => {
                let info = UserInfo {
                    user: s.credential.officer.user().to_owned(),
                    role: s.credential.officer.role(),
                };
                let mut batch = s.store.batch();
                batch.audit(
                    huella_sync::AuditAction::Consulta,
                    &[],
                    "inicio de sesión en la consola",
                );
                let _ = s
                    .store
                    .commit(batch, &s.credential.officer, &huella_sync::time::now_utc());
                self.session = Some(Arc::new(s));
                DeskEvent::LoggedIn(info)
            }
            Err(e) => {
                tracing::warn!(target: "huella::acceso", "console login failed");
                DeskEvent::LoginFailed(format!("{e:#}"))
            }
        }
    }

    /// Hands a round to the sync worker; the reason in Spanish when it cannot start.
    fn start_round(&self) -> Option<String> {
        let Some(session) = self.session.clone() else {
            return Some("inicie sesión para sincronizar".into());
        };
        let targets = match SyncConfig::load(&self.home).and_then(|c| c.targets()) {
            Ok(t) => t,
            Err(e) => return Some(e),
        };
        if self.sync.start(RoundJob { session, targets }) {
            None
        } else {
            Some("ya hay una sincronización en curso".into())
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
        }
    }

    fn draft_file(&self, s: &Session) -> std::path::PathBuf {
        self.home
            .dir()
            .join("borradores")
            .join(s.credential.officer.user())
    }

    /// Remembers (or forgets) the officer's open draft: a record id only, no personal data.
    fn set_draft(&self, s: &Session, id: Option<RecordId>) {
        let path = self.draft_file(s);
        let _ = match id {
            Some(id) => path
                .parent()
                .map(std::fs::create_dir_all)
                .unwrap_or(Ok(()))
                .and_then(|()| std::fs::write(&path, id.to_hex())),
            None => std::fs::remove_file(&path),
        };
    }

    fn home_data(&self, s: &Session) -> HomeData {
        let counts = s.store.status_counts().unwrap_or_default();
        let order = BiometricStatus::ALL;
        let mut drafts = Vec::new();
        if let Some(id) = std::fs::read_to_string(self.draft_file(s))
            .ok()
            .and_then(|t| RecordId::parse(t.trim()))
            && let Ok(o) = s.store.open_record(&s.keys(), id)
            && o.record.status().ok() == Some(BiometricStatus::Pendiente)
        {
            drafts.push(DraftRow {
                id,
                name: o
                    .record
                    .identity()
                    .map(|i| i.nombre_completo())
                    .unwrap_or_default(),
                fingers: o.record.captures().map(|c| c.len()).unwrap_or(0),
            });
        }
        HomeData {
            people: counts.values().sum(),
            counts: order.map(|st| counts.get(&st).copied().unwrap_or(0)),
            drafts,
        }
    }
}

fn person(s: &Session, id: RecordId) -> Result<PersonView, String> {
    let open = s.store.open_record(&s.keys(), id).map_err(text)?;
    let r = &open.record;
    let summary = PersonSummary::of(r).map_err(|e| format!("{e:#}"))?;
    let mut batch = s.store.batch();
    batch.audit(
        huella_sync::AuditAction::Consulta,
        &[id],
        "expediente en consola",
    );
    s.store
        .commit(batch, &s.credential.officer, &huella_sync::time::now_utc())
        .map_err(text)?;
    let movements = r
        .movements()
        .unwrap_or_default()
        .into_iter()
        .map(|m| (m.kind.as_str().to_owned(), m.fecha, m.registro_patronal))
        .collect();
    let history = r
        .status_history()
        .unwrap_or_default()
        .into_iter()
        .map(|h| (h.status.as_str().to_owned(), h.at, h.by, h.reason))
        .collect();
    let receipts = r
        .approvals()
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            let code: String = a.signature.chars().take(12).collect();
            (
                enroll::folio(id),
                a.decision.as_str().to_owned(),
                a.supervisor,
                a.signed_at,
                code.to_uppercase(),
            )
        })
        .collect();
    Ok(PersonView {
        summary,
        movements,
        history,
        receipts,
        fingers: r.captures().map(|c| c.len()).unwrap_or(0),
        face: r.face().ok().flatten().is_some(),
        consent: r.consent().map(|c| c.aviso_version),
        verifications: r
            .verifications()
            .unwrap_or_default()
            .into_iter()
            .map(|v| {
                (
                    v.at,
                    v.finger.nombre().to_owned(),
                    v.score,
                    v.matched,
                    v.officer,
                )
            })
            .collect(),
        proof_finger: enroll::survival::finger_to_present(r).ok().flatten(),
    })
}

fn days_since(at: &str) -> Option<i64> {
    let day = |y: i64, m: i64, d: i64| {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy
    };
    let parse = |t: &str| -> Option<i64> {
        Some(day(
            t.get(0..4)?.parse().ok()?,
            t.get(5..7)?.parse().ok()?,
            t.get(8..10)?.parse().ok()?,
        ))
    };
    Some(parse(&huella_sync::time::now_utc())? - parse(at)?)
}

fn pending(s: &Session) -> (Vec<PendingRow>, usize) {
    let ids = s
        .store
        .ids_with_status(BiometricStatus::Pendiente)
        .unwrap_or_default();
    let keys = s.keys();
    let mut rows: Vec<PendingRow> = ids
        .iter()
        .take(PENDING_ROWS)
        .filter_map(|id| {
            let o = s.store.open_record(&keys, *id).ok()?;
            let since = o.record.status_history().ok()?.last()?.at.clone();
            let i = o.record.identity().ok()?;
            Some(PendingRow {
                name: i.nombre_completo(),
                curp: i.curp,
                days_left: RESTRICTION_DAYS - days_since(&since)?,
            })
        })
        .collect();
    rows.sort_by_key(|r| r.days_left);
    (rows, ids.len())
}
