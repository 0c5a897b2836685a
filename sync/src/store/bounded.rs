//! Running a store open under a deadline. A damaged sled file can make sled (or the first
//! reads after it) loop without end: the issue saw `status` spin at 100 % CPU forever on one
//! flipped bit. The open therefore runs on its own thread; if it has not ended by the
//! deadline the caller treats the store as damaged (moved aside, never wiped).
//!
//! A thread cannot be stopped from outside: the overrunning one is left behind, detached. A
//! command exits right after reporting the damage, which ends it; a long-running console keeps
//! it until it exits. This module owns only the deadline; it must not open sled itself or
//! decide what a damaged store is.

use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// How long a store open may take beyond sled's lock wait before it counts as stuck. Far
/// above a healthy open (well under a second for 100,000 people on the field machines' disks):
/// an overrun moves the store aside, so a slow disk must never trigger it.
pub(crate) const OPEN_DEADLINE: Duration = Duration::from_secs(60);

/// What running `work` under a deadline gave.
#[derive(Debug)]
pub(crate) enum Bounded<T> {
    /// It ended in time with this.
    Done(T),
    /// It was still running at the deadline (it is left running, detached).
    Overran,
    /// It panicked (sled panics on some damaged files); the panic hook has logged it.
    Panicked,
}

/// Runs `work` on a new thread and waits for it at most `deadline`. If no thread can be
/// started, `work` runs here, unbounded (as before this module existed).
pub(crate) fn within<T, F>(deadline: Duration, work: F) -> Bounded<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    let slot = Arc::new(Mutex::new(Some(work)));
    let theirs = slot.clone();
    let spawned = std::thread::Builder::new()
        .name("huella-abrir-almacen".into())
        .spawn(move || {
            let work = theirs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            if let Some(work) = work {
                // The receiver is gone only after an overrun: nobody wants the result.
                let _ = tx.send(work());
            }
        });
    if spawned.is_err() {
        let work = slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        return work.map_or(Bounded::Panicked, |w| Bounded::Done(w()));
    }
    match rx.recv_timeout(deadline) {
        Ok(v) => Bounded::Done(v),
        Err(mpsc::RecvTimeoutError::Timeout) => Bounded::Overran,
        Err(mpsc::RecvTimeoutError::Disconnected) => Bounded::Panicked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn work_that_ends_gives_its_result() {
        match within(Duration::from_secs(30), || 41 + 1) {
            Bounded::Done(v) => assert_eq!(v, 42),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn work_that_never_ends_is_reported_not_waited_for() {
        let stop = Arc::new(AtomicBool::new(false));
        let spinning = stop.clone();
        let got = within(Duration::from_millis(200), move || {
            // Spins like sled on a damaged file, until the test lets it go.
            while !spinning.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
            1
        });
        stop.store(true, Ordering::Relaxed);
        assert!(matches!(got, Bounded::Overran), "{got:?}");
    }

    #[test]
    fn work_that_panics_is_told_apart() {
        let got: Bounded<u8> = within(Duration::from_secs(30), || panic!("sled interno"));
        assert!(matches!(got, Bounded::Panicked), "{got:?}");
    }
}
