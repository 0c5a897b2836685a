//! Workers: each runs on its own thread, takes commands on a bounded channel and sends
//! [`WorkerEvent`](super::msg::WorkerEvent)s to the UI task on another bounded channel.

pub mod backup;
pub mod desk;
pub mod devices;
pub mod self_test;
pub mod sync;

use tokio::sync::mpsc::Sender;

use super::msg::WorkerEvent;

/// Sends an event to the UI; false once the UI is gone.
pub(crate) fn emit(tx: &Sender<WorkerEvent>, ev: WorkerEvent) -> bool {
    tx.blocking_send(ev).is_ok()
}
