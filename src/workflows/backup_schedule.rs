//! Scheduled backups: when one is due, what its file is called, and how many are kept in the
//! configured folder (a USB stick, a network share). The backup itself is
//! [`crate::workflows::backup::backup`]; this module adds the schedule around it: a marker in
//! the station home (`ultimo-respaldo`, UTC text, written durably) says when the last scheduled
//! backup was made, and the oldest of this station's own files beyond `keep` are removed after
//! a new one is written and synced.
//!
//! It owns the marker and the naming and pruning rules; it must not read the console's
//! configuration file (the console gives it a [`BackupSchedule`]) or print.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::home::Home;
use crate::workflows::backup;
use crate::workflows::session::Session;

/// Suffix of every backup file the schedule writes.
const SUFFIX: &str = ".respaldo";
/// Largest marker file read.
const MARKER_MAX: u64 = 64;

/// Where and how often the console backs the station up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSchedule {
    /// Folder the backups go to; it must exist (a USB stick not plugged in is not created).
    pub folder: PathBuf,
    /// Time between two backups.
    pub every: Duration,
    /// How many of this station's backups the folder keeps (the newest ones).
    pub keep: usize,
}

/// A scheduled backup written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledBackup {
    /// The file written.
    pub file: PathBuf,
    /// People in it.
    pub people: usize,
    /// Its size in bytes.
    pub bytes: usize,
    /// Older backups of this station removed from the folder.
    pub removed: usize,
    /// When it was made (UTC text).
    pub at: String,
}

/// Why a scheduled backup was not made. Each leaves the station as it was; the next check
/// tries again.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduledBackupError {
    /// The folder does not exist (the stick is not plugged in, the share is not mounted).
    #[error("backup folder {0} does not exist")]
    FolderMissing(PathBuf),
    /// The path exists and is not a folder.
    #[error("backup folder {0} is not a folder")]
    NotAFolder(PathBuf),
    /// The folder's disk is full: nothing was left half-written.
    #[error("the disk of {0} is full")]
    Full(PathBuf),
    /// The backup could not be written (the reason, in Spanish, for the log and the officer).
    #[error("backup failed: {0}")]
    Failed(#[source] anyhow::Error),
}

/// The marker file of the last scheduled backup.
fn marker(home: &Home) -> PathBuf {
    home.dir().join("ultimo-respaldo")
}

/// When the last scheduled backup was made (UTC text), if ever.
pub fn last_scheduled(home: &Home) -> Option<String> {
    let bytes = huella_sync::disk::read_regular(&marker(home), MARKER_MAX).ok()?;
    let text = String::from_utf8(bytes).ok()?.trim().to_owned();
    huella_sync::time::parse_utc(&text).map(|_| text)
}

/// Whether a backup is due at `now` (seconds since the epoch): never made, made longer ago
/// than `every`, or stamped in the future (a clock set back must not stop backups).
pub fn is_due(home: &Home, schedule: &BackupSchedule, now: u64) -> bool {
    let Some(last) = last_scheduled(home).and_then(|t| huella_sync::time::parse_utc(&t)) else {
        return true;
    };
    last > now || now - last >= schedule.every.as_secs()
}

/// File name prefix of this station's backups (`huella-<office>-<station>-`).
fn prefix(office: &str, station: &str) -> String {
    format!("huella-{office}-{station}-")
}

/// Writes a backup into the schedule's folder, removes this station's oldest ones beyond
/// `keep`, and records the time. Audited by the backup itself.
pub fn run_scheduled(
    home: &Home,
    session: &Session,
    schedule: &BackupSchedule,
) -> Result<ScheduledBackup, ScheduledBackupError> {
    let folder = &schedule.folder;
    match std::fs::metadata(folder) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(ScheduledBackupError::NotAFolder(folder.clone())),
        Err(_) => return Err(ScheduledBackupError::FolderMissing(folder.clone())),
    }
    let station = session
        .store
        .station()
        .map_err(|e| ScheduledBackupError::Failed(e.into()))?;
    let at = huella_sync::time::now_utc();
    // `2026-12-05T03:00:00Z` → `20261205T030000Z`: sorts by time, valid on FAT sticks.
    let stamp: String = at.chars().filter(|c| *c != '-' && *c != ':').collect();
    let pre = prefix(&station.office, &station.station);
    let file = folder.join(format!("{pre}{stamp}{SUFFIX}"));
    let summary = backup::backup(home, session, &file).map_err(|e| classify(folder, e))?;
    let removed = prune(folder, &pre, &file, schedule.keep.max(1));
    huella_sync::disk::write_atomic(&marker(home), at.as_bytes())
        .map_err(|e| ScheduledBackupError::Failed(e.into()))?;
    Ok(ScheduledBackup {
        file,
        people: summary.people,
        bytes: summary.bytes,
        removed,
        at,
    })
}

/// A full disk gets its own variant; anything else is kept whole for the log.
fn classify(folder: &Path, e: anyhow::Error) -> ScheduledBackupError {
    let full = e.chain().any(|c| {
        matches!(
            c.downcast_ref::<huella_sync::disk::DiskError>(),
            Some(huella_sync::disk::DiskError::Full { .. })
        ) || c
            .downcast_ref::<std::io::Error>()
            .is_some_and(huella_sync::disk::is_disk_full)
    });
    if full {
        ScheduledBackupError::Full(folder.to_owned())
    } else {
        ScheduledBackupError::Failed(e)
    }
}

/// Removes this station's backups beyond the newest `keep` (never `just_written`, never
/// another station's file, never anything but a regular file), and the hidden temporaries of
/// this station's backups a crash or a pulled stick left behind (only one backup of a station
/// is written at a time, and it has just finished); returns how many backups went.
fn prune(folder: &Path, prefix: &str, just_written: &Path, keep: usize) -> usize {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return 0;
    };
    let hidden = format!(".{prefix}");
    let mut ours: Vec<PathBuf> = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !e.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        if name.starts_with(prefix) && name.ends_with(SUFFIX) {
            ours.push(e.path());
        } else if name.starts_with(&hidden)
            && name.ends_with(".tmp")
            && name.contains(&format!("{SUFFIX}."))
            && let Err(err) = std::fs::remove_file(e.path())
        {
            tracing::warn!("stale backup temporary {name} not removed: {err}");
        }
    }
    // Names carry the UTC stamp, so the name order is the time order.
    ours.sort();
    let excess = ours.len().saturating_sub(keep);
    let mut removed = 0;
    for old in ours.into_iter().take(excess) {
        if old == just_written {
            continue;
        }
        match std::fs::remove_file(&old) {
            Ok(()) => removed += 1,
            Err(e) => tracing::warn!("old backup {} not removed: {e}", old.display()),
        }
    }
    if removed > 0
        && let Err(e) = huella_sync::disk::sync_dir(folder)
    {
        tracing::warn!("backup folder not synced after pruning: {e}");
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home() -> (tempfile::TempDir, Home) {
        let dir = tempfile::tempdir().expect("tmp");
        let home = Home::new(dir.path().to_path_buf());
        (dir, home)
    }

    fn schedule(folder: &Path, hours: u64) -> BackupSchedule {
        BackupSchedule {
            folder: folder.to_owned(),
            every: Duration::from_secs(hours * 3600),
            keep: 2,
        }
    }

    #[test]
    fn due_when_never_made_when_old_and_when_the_clock_went_back() {
        let (_d, home) = home();
        let s = schedule(home.dir(), 24);
        let now = huella_sync::time::parse_utc("2026-12-05T03:00:00Z").expect("t");
        assert!(is_due(&home, &s, now), "never made");
        huella_sync::disk::write_atomic(&marker(&home), b"2026-12-05T01:00:00Z").expect("w");
        assert!(!is_due(&home, &s, now), "two hours ago, every 24 h");
        assert!(is_due(&home, &schedule(home.dir(), 1), now), "every hour");
        huella_sync::disk::write_atomic(&marker(&home), b"2027-01-01T00:00:00Z").expect("w");
        assert!(is_due(&home, &s, now), "a stamp in the future");
        huella_sync::disk::write_atomic(&marker(&home), b"garbage").expect("w");
        assert!(is_due(&home, &s, now), "an unreadable marker");
    }

    #[test]
    fn prunes_only_this_stations_oldest_regular_files() {
        let dir = tempfile::tempdir().expect("tmp");
        let f = dir.path();
        let pre = prefix("0901", "E1");
        for stamp in ["20261201T000000Z", "20261202T000000Z", "20261203T000000Z"] {
            std::fs::write(f.join(format!("{pre}{stamp}{SUFFIX}")), b"x").expect("w");
        }
        std::fs::write(
            f.join(format!("huella-0901-E2-20261101T000000Z{SUFFIX}")),
            b"x",
        )
        .expect("other station");
        std::fs::write(f.join("notas.txt"), b"x").expect("other file");
        let stale = f.join(format!(".{pre}20261130T000000Z{SUFFIX}.4242.0.17.tmp"));
        std::fs::write(&stale, b"half a backup").expect("a crash's temporary");
        let other_tmp = f.join(format!(
            ".huella-0901-E2-20261130T000000Z{SUFFIX}.1.0.1.tmp"
        ));
        std::fs::write(&other_tmp, b"x").expect("another station's temporary");
        std::fs::create_dir(f.join(format!("{pre}20261100T000000Z{SUFFIX}"))).expect("a dir");
        let newest = f.join(format!("{pre}20261203T000000Z{SUFFIX}"));
        assert_eq!(prune(f, &pre, &newest, 2), 1);
        assert!(!f.join(format!("{pre}20261201T000000Z{SUFFIX}")).exists());
        assert!(f.join(format!("{pre}20261202T000000Z{SUFFIX}")).exists());
        assert!(newest.exists());
        assert!(
            f.join(format!("huella-0901-E2-20261101T000000Z{SUFFIX}"))
                .exists()
        );
        assert!(f.join("notas.txt").exists());
        assert!(!stale.exists(), "a crash's temporary is cleaned up");
        assert!(other_tmp.exists(), "another station's is not touched");
        assert!(f.join(format!("{pre}20261100T000000Z{SUFFIX}")).is_dir());
    }
}
