//! The officer's open enrollment: which record an officer was capturing, so the console can
//! offer to resume it after a logout, a crash or a power cut.
//!
//! Owns one small file per officer in the station home (`borradores/<user>`, 0600 in a 0700
//! folder) holding a record id only, never personal data; the captures themselves are already
//! in the record (see [`crate::workflows::enroll`]). Must not draw.

use std::io;
use std::path::PathBuf;

use huella_sync::{BiometricStatus, RecordId};

use crate::home::Home;
use crate::workflows::session::Session;

/// An enrollment the officer left open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRow {
    /// The record.
    pub id: RecordId,
    /// Full name.
    pub name: String,
    /// Fingers captured or justified, of 10.
    pub fingers: usize,
}

/// Why the open draft could not be remembered or forgotten.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DraftError {
    /// The file could not be written or removed.
    #[error("no se pudo guardar el borrador: {0}")]
    Io(#[from] io::Error),
}

fn file(home: &Home, session: &Session) -> PathBuf {
    home.dir()
        .join("borradores")
        .join(session.credential.officer.user())
}

/// Remembers `id` as the officer's open enrollment.
pub fn remember(home: &Home, session: &Session, id: RecordId) -> Result<(), DraftError> {
    let path = file(home, session);
    if let Some(dir) = path.parent() {
        huella_sync::disk::create_dir_durable(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    // Owner-only, fsynced, renamed: the pointer to a draft survives a power cut whole.
    huella_sync::disk::write_atomic(&path, id.to_hex().as_bytes()).map_err(io::Error::other)?;
    Ok(())
}

/// Forgets the officer's open enrollment (submitted, or nothing open).
pub fn forget(home: &Home, session: &Session) -> Result<(), DraftError> {
    match std::fs::remove_file(file(home, session)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// The officer's open enrollment, if it is still waiting for capture. A file that names a
/// record no longer pending (approved elsewhere, erased) reads as none.
pub fn open_drafts(home: &Home, session: &Session) -> Vec<DraftRow> {
    let Some(id) = std::fs::read(file(home, session))
        .ok()
        .filter(|b| b.len() <= 128)
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| RecordId::parse(t.trim()))
    else {
        return Vec::new();
    };
    let Ok(open) = session.store.open_record(&session.keys(), id) else {
        return Vec::new();
    };
    if open.record.status().ok() != Some(BiometricStatus::Pendiente) {
        return Vec::new();
    }
    vec![DraftRow {
        id,
        name: open
            .record
            .identity()
            .map(|i| i.nombre_completo())
            .unwrap_or_default(),
        fingers: open.record.captures().map_or(0, |c| c.len()),
    }]
}
