//! The station policy an administrator sets: today, whether a supervisor may decide on a
//! capture with the passphrase alone when the station has no fingerprint scanner.
//!
//! Owns one small JSON file in the station home (`politica.json`, 0600, written whole and
//! renamed into place). Reading never fails: an absent or damaged file is the strict default
//! (the finger is required), so deleting the file can only make the station stricter. Changing
//! it needs an administrator's session and leaves an audit entry. Must not draw or hold
//! user-facing text.

use std::io;
use std::path::PathBuf;

use huella_keys::Role;
use huella_sync::{AuditAction, StoreError};
use serde::{Deserialize, Serialize};

use crate::home::Home;
use crate::workflows::session::Session;

/// What this station allows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StationPolicy {
    /// A supervisor may approve, reject or ask for recapture without the finger factor
    /// (passphrase only); the audit entry of each such decision says so.
    pub approval_without_finger: bool,
}

/// Why the policy could not be changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Only an administrator sets the station policy.
    #[error("solo un administrador cambia la política de la estación")]
    NotAdmin,
    /// The file could not be written.
    #[error("no se pudo guardar la política de la estación: {0}")]
    Write(#[source] io::Error),
    /// The audit entry could not be committed.
    #[error(transparent)]
    Store(Box<StoreError>),
}

fn file(home: &Home) -> PathBuf {
    home.dir().join("politica.json")
}

impl StationPolicy {
    /// The policy in force (the strict default when the file is absent or damaged).
    pub fn load(home: &Home) -> StationPolicy {
        std::fs::read(file(home))
            .ok()
            .filter(|b| b.len() <= 4096)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Stores this policy as the station's (administrators only; audited).
    pub fn set(&self, home: &Home, session: &Session) -> Result<(), PolicyError> {
        let me = &session.credential.officer;
        if me.role() != Role::Admin {
            return Err(PolicyError::NotAdmin);
        }
        let json = serde_json::to_vec_pretty(self).map_err(|e| PolicyError::Write(e.into()))?;
        let path = file(home);
        huella_sync::disk::write_atomic(&path, &json)
            .map_err(|e| PolicyError::Write(io::Error::other(e)))?;
        let mut batch = session.store.batch();
        batch.audit(
            AuditAction::RegistroModificado,
            &[],
            &format!(
                "política de la estación: aprobación sin huella {}",
                if self.approval_without_finger {
                    "permitida"
                } else {
                    "no permitida"
                }
            ),
        );
        session
            .store
            .commit(batch, me, &huella_sync::time::now_utc())
            .map_err(|e| PolicyError::Store(Box::new(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_or_damaged_file_is_the_strict_default() {
        let dir = tempfile::tempdir().expect("tmp");
        let home = Home::new(dir.path().to_path_buf());
        assert!(!StationPolicy::load(&home).approval_without_finger);
        std::fs::write(file(&home), b"{no es json").expect("write");
        assert!(!StationPolicy::load(&home).approval_without_finger);
        std::fs::write(file(&home), br#"{"approval_without_finger":true}"#).expect("write");
        assert!(StationPolicy::load(&home).approval_without_finger);
    }
}
