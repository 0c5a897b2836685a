//! The sync worker: runs one reconciliation round at a time (`crate::workflows::sync_round`) on its own
//! thread with the desk's session, forwarding progress to the UI as it happens, so the UI
//! loop never waits on the network. Afterwards it remembers when the last good round ended
//! and lists the conflicts left for a supervisor.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use tokio::sync::mpsc::Sender;

use super::emit;
use crate::console::msg::{ConflictRow, RoundSummary, SyncStatus, WorkerEvent};
use crate::console::sync_config::SyncTargets;
use crate::home::Home;
use crate::workflows::session::Session;
use crate::workflows::sync_round::{self, RoundEvent};

/// A round to run.
pub struct RoundJob {
    /// The logged-in session (shared with the desk).
    pub session: Arc<Session>,
    /// Hub and peers.
    pub targets: SyncTargets,
}

/// Handle of the sync worker.
#[derive(Clone)]
pub struct SyncWorker {
    tx: SyncSender<RoundJob>,
}

impl SyncWorker {
    /// Starts the worker thread.
    pub fn spawn(home: Home, events: Sender<WorkerEvent>) -> std::io::Result<Self> {
        let (tx, rx) = sync_channel::<RoundJob>(1);
        std::thread::Builder::new()
            .name("sincronizacion".into())
            .spawn(move || run(&home, &rx, &events))?;
        Ok(SyncWorker { tx })
    }

    /// Queues a round; false if one is already running or queued.
    pub fn start(&self, job: RoundJob) -> bool {
        !matches!(self.tx.try_send(job), Err(TrySendError::Full(_)))
    }
}

/// The conflicts waiting for a supervisor, without personal data.
pub fn conflicts(session: &Session) -> Result<Vec<ConflictRow>, String> {
    huella_sync::conflicts::list(&session.store)
        .map(|l| {
            l.into_iter()
                .map(|c| ConflictRow {
                    kind: c.kind.as_str().to_owned(),
                    records: c.records,
                    found_at: c.found_at,
                    detail: c.detail,
                })
                .collect()
        })
        .map_err(|e| e.to_string())
}

fn run(home: &Home, rx: &Receiver<RoundJob>, tx: &Sender<WorkerEvent>) {
    while let Ok(job) = rx.recv() {
        let labels = job
            .targets
            .targets
            .iter()
            .map(|t| t.address.clone())
            .collect();
        if !emit(tx, WorkerEvent::Sync(SyncStatus::Started(labels))) {
            return;
        }
        let mut alive = true;
        let result = sync_round::run_round(
            &job.session,
            &job.targets.targets,
            job.targets.attempts,
            &mut |e: RoundEvent| {
                if alive {
                    alive = emit(tx, WorkerEvent::Sync(SyncStatus::Round(e)));
                }
            },
        );
        let ended = match result {
            Ok(o) => {
                let at = huella_sync::time::now_utc();
                if let Err(e) = crate::workflows::activity::record_sync(home, &at) {
                    tracing::warn!("could not record the last sync time: {e}");
                }
                let summary = RoundSummary {
                    sent: o.sent,
                    received: o.received,
                    conflicts: o.conflicts,
                    damaged: o.damaged,
                    at,
                };
                conflicts(&job.session).map(|c| (summary, c))
            }
            Err(e) => {
                tracing::warn!("sync round failed");
                Err(format!("{e:#}"))
            }
        };
        drop(job);
        if !emit(tx, WorkerEvent::Sync(SyncStatus::Ended(ended))) {
            return;
        }
    }
}
