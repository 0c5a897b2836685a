//! Writing a whole file durably: a reader, a crash or a power cut sees either the old file or
//! the whole new one, never a torn one, and never one that only the page cache held.
//!
//! This is the one implementation of that rule in the workspace. It lives in the lowest crate
//! because credential files are written here; `huella_sync::disk::write_atomic` and the
//! station's other files (drafts, lockouts, policy, activity) use it through that function.
//! It owns only the write sequence; it must not decide which files a station writes.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a durable write failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DurableWriteError {
    /// The target exists and is not a regular file (a device, a directory, a FIFO, a link).
    #[error("{path} no es un archivo regular; no se escribió (elija otra ruta)")]
    NotRegular {
        /// The target.
        path: String,
    },
    /// Creating, writing, syncing or renaming failed; the target is unchanged.
    #[error("no se pudo escribir {path}: {source}")]
    Io {
        /// The target.
        path: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },
}

impl DurableWriteError {
    /// The OS error underneath, if any (to tell a full disk apart).
    pub fn io_error(&self) -> Option<&io::Error> {
        match self {
            DurableWriteError::Io { source, .. } => Some(source),
            DurableWriteError::NotRegular { .. } => None,
        }
    }
}

/// Writes `bytes` to `path`: a unique temporary file beside the target (mode 0600), written and
/// fsynced, renamed over the target, then the folder fsynced so the new name survives a power
/// cut. Refuses a target that exists and is not a regular file (renaming over `/dev/null` as
/// root would replace the device). Two writers never share a temporary name.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DurableWriteError> {
    let shown = || path.display().to_string();
    if let Ok(m) = std::fs::symlink_metadata(path)
        && !m.file_type().is_file()
    {
        return Err(DurableWriteError::NotRegular { path: shown() });
    }
    let io_err = |source| DurableWriteError::Io {
        path: shown(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(temporary_name(path));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let written = opts.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(e));
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(e));
    }
    std::fs::File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err)
}

/// `.<name>.<pid>.<seq>.<nanos>.tmp`: hidden, unique per process and call.
fn temporary_name(path: &Path) -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(
        ".{name}.{}.{}.{}.tmp",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_leaves_no_temporary_and_refuses_devices() {
        let dir = tempfile::tempdir().expect("prueba");
        let f = dir.path().join("ana.cred");
        write_atomic(&f, b"uno").expect("prueba");
        write_atomic(&f, b"dos").expect("prueba");
        assert_eq!(std::fs::read(&f).expect("prueba"), b"dos");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("prueba")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("ana.cred")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&f).expect("prueba").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let e = write_atomic(Path::new("/dev/null"), b"x").expect_err("prueba");
        assert!(matches!(e, DurableWriteError::NotRegular { .. }), "{e}");
        let e = write_atomic(dir.path(), b"x").expect_err("prueba");
        assert!(matches!(e, DurableWriteError::NotRegular { .. }), "{e}");
        let e = write_atomic(&dir.path().join("no").join("x"), b"x").expect_err("prueba");
        assert!(e.io_error().is_some(), "{e}");
    }

    #[test]
    fn a_stale_temporary_of_the_old_scheme_is_not_reused() {
        // The old writer used `<stem>.tmp`; a leftover must neither block nor be renamed in.
        let dir = tempfile::tempdir().expect("prueba");
        let f = dir.path().join("ana.cred");
        std::fs::write(dir.path().join("ana.tmp"), b"viejo").expect("prueba");
        write_atomic(&f, b"nuevo").expect("prueba");
        assert_eq!(std::fs::read(&f).expect("prueba"), b"nuevo");
        assert_eq!(
            std::fs::read(dir.path().join("ana.tmp")).expect("prueba"),
            b"viejo"
        );
    }
}
