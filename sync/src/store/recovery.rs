//! What opening a store does about what a crash or a full disk left behind, before and after
//! sled opens it: unfinished snapshot files are set aside (sled would read the newest
//! `snap.*` file, finished or not, and fail with "Read corrupted data"), and a store sled
//! reports as corrupt is moved aside whole to `almacen.dañado-<fecha>` beside it, never
//! wiped or repaired in place.
//!
//! This module must not open sled or decrypt anything; it only renames and removes files
//! sled never finished writing.

use std::path::{Path, PathBuf};

use crate::disk::{DiskError, sync_dir};

/// File in the store directory holding the last audit entry confirmed durable (`seq hash`),
/// written after each commit's fsync. sled never reads it.
const CONFIRMED: &str = "huella-confirmado";

/// The audit sequence number last confirmed durable, if the store has the mark (stores made
/// before it existed have none; a damaged mark is ignored rather than trusted).
pub(crate) fn confirmed_seq(dir: &Path) -> Option<u64> {
    let raw = crate::disk::read_regular(&dir.join(CONFIRMED), 256).ok()?;
    let text = String::from_utf8(raw).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Replaces the confirmed mark with `seq hash` (atomically, fsynced).
pub(crate) fn write_confirmed(dir: &Path, seq: u64, hash: &str) -> Result<(), DiskError> {
    crate::disk::write_atomic(&dir.join(CONFIRMED), format!("{seq} {hash}\n").as_bytes())
}

/// Snapshot files sled started and never renamed into place (`snap.<lsn>.generating`).
fn unfinished_snapshots(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("snap.") && name.ends_with(".generating")
        })
        .map(|e| e.path())
        .collect()
}

/// Removes unfinished snapshot files of at most 12 bytes (sled's own minimum: nothing in
/// them) and renames larger ones to `descartado-<name>` (out of sled's `snap.` prefix, kept
/// for inspection). Sled then opens from its last finished snapshot and its log, as if it
/// had stopped before starting the snapshot. Returns the files handled.
///
/// Only while holding sled's lock on the `db` file (the same `flock` sled takes), so a
/// snapshot another process is writing right now is never touched; the lock is released
/// before sled opens.
pub(crate) fn set_aside_unfinished_snapshots(dir: &Path) -> Result<Vec<PathBuf>, DiskError> {
    let found = unfinished_snapshots(dir);
    if found.is_empty() {
        return Ok(found);
    }
    let Ok(db) = std::fs::File::open(dir.join("db")) else {
        return Ok(Vec::new());
    };
    if db.try_lock().is_err() {
        return Ok(Vec::new());
    }
    for path in &found {
        let len = std::fs::metadata(path).map_or(0, |m| m.len());
        if len <= 12 {
            std::fs::remove_file(path).map_err(|e| DiskError::from_io(path, e))?;
        } else {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let to = dir.join(format!("descartado-{name}"));
            std::fs::rename(path, &to).map_err(|e| DiskError::from_io(path, e))?;
        }
        tracing::warn!(
            target: "huella::store",
            file = %path.display(),
            bytes = len,
            "unfinished sled snapshot set aside at open"
        );
    }
    sync_dir(dir)?;
    drop(db);
    Ok(found)
}

/// Moves the store directory `dir` aside to `almacen.dañado-<fecha>` beside it (a number is
/// added if that name is taken); returns the new path.
pub(crate) fn move_aside(dir: &Path) -> Result<PathBuf, DiskError> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let stamp = crate::time::now_utc().replace(':', "-");
    let mut to = parent.join(format!("almacen.dañado-{stamp}"));
    let mut n = 1;
    while to.exists() {
        n += 1;
        to = parent.join(format!("almacen.dañado-{stamp}-{n}"));
    }
    std::fs::rename(dir, &to).map_err(|e| DiskError::from_io(dir, e))?;
    sync_dir(&parent)?;
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfinished_snapshots_are_removed_or_kept_aside() {
        let dir = tempfile::tempdir().expect("prueba");
        let d = dir.path();
        std::fs::write(d.join("db"), b"").expect("prueba");
        std::fs::write(d.join("snap.00000000000000AA"), b"terminado-0123456789").expect("prueba");
        std::fs::write(d.join("snap.00000000000000BB.generating"), b"").expect("prueba");
        std::fs::write(d.join("snap.00000000000000CC.generating"), [7u8; 40]).expect("prueba");
        let found = set_aside_unfinished_snapshots(d).expect("prueba");
        assert_eq!(found.len(), 2);
        let mut names: Vec<String> = std::fs::read_dir(d)
            .expect("prueba")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "db",
                "descartado-snap.00000000000000CC.generating",
                "snap.00000000000000AA"
            ]
        );
        // Held by another handle (sled's lock): nothing is touched.
        std::fs::write(d.join("snap.00000000000000DD.generating"), b"").expect("prueba");
        let held = std::fs::File::open(d.join("db")).expect("prueba");
        held.lock().expect("prueba");
        assert!(
            set_aside_unfinished_snapshots(d)
                .expect("prueba")
                .is_empty()
        );
        assert!(d.join("snap.00000000000000DD.generating").exists());
    }

    #[test]
    fn a_store_is_moved_aside_whole() {
        let dir = tempfile::tempdir().expect("prueba");
        let db = dir.path().join("db");
        std::fs::create_dir(&db).expect("prueba");
        std::fs::write(db.join("conf"), b"x").expect("prueba");
        let first = move_aside(&db).expect("prueba");
        assert!(!db.exists());
        assert!(first.join("conf").exists());
        std::fs::create_dir(&db).expect("prueba");
        let second = move_aside(&db).expect("prueba");
        assert_ne!(first, second);
        assert!(
            first
                .file_name()
                .expect("prueba")
                .to_string_lossy()
                .starts_with("almacen.dañado-")
        );
    }
}
