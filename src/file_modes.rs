//! Owner-only files for a station: the process creates everything with umask 077 (files
//! 0600, folders 0700) and, at start, finds the station files someone loosened so the
//! command can warn.
//!
//! Credentials are sealed with a passphrase, so a copy can be attacked offline; the store,
//! invites and bundles hold ciphertext and office metadata. Other users of the machine must
//! not be able to read any of them. This module owns that rule; it must not change the mode
//! of a file it finds loosened (the operator decides) nor touch files outside the home.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::home::Home;

/// Mode bits that let the group or other users in.
const SHARED: u32 = 0o077;

/// Makes every file and folder this process creates from now on owner-only.
pub fn restrict_new_files() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(SHARED));
}

/// Creates `dir` (and missing parents, their names made durable) and makes it 0700.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    huella_sync::disk::create_dir_durable(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

/// Writes `bytes` to an owner-only (0600) file at `path`, replacing it whole and durably
/// (`huella_sync::disk::write_atomic`).
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    huella_sync::disk::write_atomic(path, bytes).map_err(std::io::Error::other)
}

/// A station file or folder others can read, and its mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loosened {
    /// The path.
    pub path: PathBuf,
    /// Its permission bits.
    pub mode: u32,
}

/// The station's files and folders (home, store, credentials folder and files) that the group
/// or other users may access. A home that does not exist has none.
pub fn loosened(home: &Home) -> Vec<Loosened> {
    let mut paths = vec![
        home.dir().to_path_buf(),
        home.store_dir(),
        home.credentials_dir(),
    ];
    if let Ok(entries) = std::fs::read_dir(home.credentials_dir()) {
        paths.extend(entries.flatten().map(|e| e.path()));
    }
    paths
        .into_iter()
        .filter_map(|path| {
            let mode = std::fs::symlink_metadata(&path).ok()?.permissions().mode() & 0o777;
            (mode & SHARED != 0).then_some(Loosened { path, mode })
        })
        .collect()
}
