//! Scheduled-backup transitions: asking the desk every few minutes whether a backup is due
//! (only while an officer is logged in), and the result line and toast from the backup worker.

use std::time::{Duration, Instant};

use super::set_toast;
use crate::console::msg::{BackupStatus, DeskCmd, Effect};
use crate::console::state::{App, Tone};

/// How often the console asks whether a backup is due.
pub const CHECK_EVERY: Duration = Duration::from_secs(300);

/// At a tick: asks the desk whether a backup is due, at most every [`CHECK_EVERY`].
pub fn check(app: &mut App, now: Instant) -> Vec<Effect> {
    if app.user.is_none() || app.backup.running {
        return Vec::new();
    }
    if app
        .backup
        .checked
        .is_some_and(|t| now.saturating_duration_since(t) < CHECK_EVERY)
    {
        return Vec::new();
    }
    app.backup.checked = Some(now);
    vec![Effect::Desk(DeskCmd::BackupIfDue)]
}

/// Events of the backup worker (and a configuration the desk could not use).
pub fn on_status(app: &mut App, status: BackupStatus) -> Vec<Effect> {
    match status {
        BackupStatus::Started => app.backup.running = true,
        BackupStatus::Done(done) => {
            app.backup.running = false;
            let name = done
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = app.lang.backup_done(&name, done.people);
            app.backup.plan.last = Some(done.at);
            app.backup.result = Some((Tone::Ok, text.clone()));
            set_toast(app, Tone::Ok, text);
        }
        BackupStatus::Failed(problem) => {
            app.backup.running = false;
            let text = app.lang.backup_problem(&problem);
            // The same failure every few minutes (a stick left out) is said once.
            let again = app.backup.result.as_ref().is_some_and(|(_, t)| *t == text);
            app.backup.result = Some((Tone::Error, text.clone()));
            if !again {
                set_toast(app, Tone::Error, text);
            }
        }
    }
    Vec::new()
}
