//! The backup worker: writes one scheduled backup at a time
//! (`crate::workflows::backup_schedule`) on its own thread with the desk's session, so the UI
//! and the desk never wait on copying the store to a USB stick. It only runs what the desk
//! hands it; whether one is due is the desk's question to the workflow.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use tokio::sync::mpsc::Sender;

use super::emit;
use crate::console::msg::{BackupProblem, BackupStatus, WorkerEvent};
use crate::home::Home;
use crate::workflows::backup_schedule::{self, BackupSchedule};
use crate::workflows::session::Session;

/// A backup to write.
pub struct BackupJob {
    /// The logged-in session (shared with the desk).
    pub session: Arc<Session>,
    /// Where and how many to keep.
    pub schedule: BackupSchedule,
}

/// Handle of the backup worker.
#[derive(Clone)]
pub struct BackupWorker {
    tx: SyncSender<BackupJob>,
}

impl BackupWorker {
    /// Starts the worker thread.
    pub fn spawn(home: Home, events: Sender<WorkerEvent>) -> std::io::Result<Self> {
        let (tx, rx) = sync_channel::<BackupJob>(1);
        std::thread::Builder::new()
            .name("respaldo".into())
            .spawn(move || run(&home, &rx, &events))?;
        Ok(BackupWorker { tx })
    }

    /// Queues a backup; false if one is already being written or queued.
    pub fn start(&self, job: BackupJob) -> bool {
        !matches!(self.tx.try_send(job), Err(TrySendError::Full(_)))
    }
}

fn run(home: &Home, rx: &Receiver<BackupJob>, tx: &Sender<WorkerEvent>) {
    while let Ok(job) = rx.recv() {
        if !emit(tx, WorkerEvent::Backup(BackupStatus::Started)) {
            return;
        }
        let status = match backup_schedule::run_scheduled(home, &job.session, &job.schedule) {
            Ok(done) => {
                tracing::info!(
                    target: "huella::respaldo",
                    "scheduled backup written: {} ({} bytes, {} older removed)",
                    done.file.display(),
                    done.bytes,
                    done.removed
                );
                BackupStatus::Done(done)
            }
            Err(e) => {
                tracing::warn!(target: "huella::respaldo", "scheduled backup failed: {e:?}");
                BackupStatus::Failed(BackupProblem::Write(e))
            }
        };
        if !emit(tx, WorkerEvent::Backup(status)) {
            return;
        }
    }
}
