//! The station home directory: where the store, credential files and the log live.
//!
//! Layout: `almacen/` (sled store), `credenciales/<user>.age` (passphrase-sealed credentials),
//! `huella.log` (the log; never personal data), `ultima-sincronizacion` and `dispositivos.json`
//! (see `activity`). This module only knows paths.

use std::path::{Path, PathBuf};

/// A station home directory.
#[derive(Debug, Clone)]
pub struct Home {
    dir: PathBuf,
}

impl Home {
    /// The home at `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Home { dir }
    }

    /// The home from `--home`, `HUELLA_HOME` (handled by clap) or the platform data dir.
    pub fn resolve(explicit: Option<PathBuf>) -> Self {
        if let Some(d) = explicit {
            return Home::new(d);
        }
        let base = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .unwrap_or_else(|| PathBuf::from("."));
        Home::new(base.join("huella"))
    }

    /// The home directory itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The sled store directory.
    pub fn store_dir(&self) -> PathBuf {
        self.dir.join("almacen")
    }

    /// The credentials directory.
    pub fn credentials_dir(&self) -> PathBuf {
        self.dir.join("credenciales")
    }

    /// The credential file of `user`.
    pub fn credential_file(&self, user: &str) -> PathBuf {
        self.credentials_dir().join(format!("{user}.age"))
    }

    /// The log file.
    pub fn log_file(&self) -> PathBuf {
        self.dir.join("huella.log")
    }

    /// When the last good sync ended (a timestamp; see `activity`).
    pub fn last_sync_file(&self) -> PathBuf {
        self.dir.join("ultima-sincronizacion")
    }

    /// The devices the console last saw (see `activity`).
    pub fn devices_file(&self) -> PathBuf {
        self.dir.join("dispositivos.json")
    }
}

/// Whether a user name is acceptable (letters, digits, `.`, `_`, `-`; 1–32 chars).
pub fn valid_user_name(user: &str) -> bool {
    !user.is_empty()
        && user.len() <= 32
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}
