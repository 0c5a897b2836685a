//! When and where the console backs the station up: the `[respaldo]` table of
//! `<home>/consola.toml` (`carpeta`, `cada_horas`, `conservar`), set by the station's
//! administrator. Without the table the console makes no backup by itself (`huella backup`
//! still does on demand). Owns reading and checking that table; the backup and its schedule
//! are `crate::workflows::backup_schedule`.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::home::Home;
use crate::workflows::backup_schedule::BackupSchedule;

/// Hours between backups unless the table says otherwise.
pub const DEFAULT_HOURS: u32 = 24;
/// Backups kept unless the table says otherwise.
pub const DEFAULT_KEEP: u32 = 7;

/// The `[respaldo]` table.
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct BackupConfig {
    /// Folder the backups go to (a USB stick's mount point, a share).
    pub carpeta: Option<PathBuf>,
    /// Hours between two backups (1 to 720).
    pub cada_horas: Option<u32>,
    /// Backups of this station kept in the folder (1 to 365).
    pub conservar: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default)]
    respaldo: Option<BackupConfig>,
}

/// Why the `[respaldo]` table cannot be used. Its `Display` is for the log; people read the
/// console language layer's wording (`Lang::backup_config_error`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackupConfigError {
    /// `consola.toml` exists but cannot be read.
    #[error("consola.toml cannot be read")]
    Unreadable,
    /// The table is not valid TOML of the expected shape (the parser's words).
    #[error("the [respaldo] table is invalid: {0}")]
    Invalid(String),
    /// The table has no `carpeta`.
    #[error("the [respaldo] table has no carpeta")]
    NoFolder,
    /// `cada_horas` or `conservar` is out of range.
    #[error("cada_horas must be 1 to 720 and conservar 1 to 365")]
    OutOfRange,
}

/// Reads the schedule from `<home>/consola.toml`: `Ok(None)` when there is no `[respaldo]`
/// table (or no file).
pub fn load(home: &Home) -> Result<Option<BackupSchedule>, BackupConfigError> {
    let path = home.dir().join("consola.toml");
    let text = match huella_sync::disk::read_regular(&path, 1 << 20) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| BackupConfigError::Unreadable)?,
        Err(huella_sync::disk::DiskError::Io { os, .. })
            if os.kind() == std::io::ErrorKind::NotFound =>
        {
            return Ok(None);
        }
        Err(e) => {
            tracing::warn!(target: "huella::consola", "consola.toml not read: {e:?}");
            return Err(BackupConfigError::Unreadable);
        }
    };
    parse(&text)
}

/// Parses the table out of a whole `consola.toml` text.
pub fn parse(text: &str) -> Result<Option<BackupSchedule>, BackupConfigError> {
    let Some(c) = toml::from_str::<File>(text)
        .map_err(|e| BackupConfigError::Invalid(e.to_string()))?
        .respaldo
    else {
        return Ok(None);
    };
    let folder = c
        .carpeta
        .filter(|p| !p.as_os_str().is_empty())
        .ok_or(BackupConfigError::NoFolder)?;
    let hours = c.cada_horas.unwrap_or(DEFAULT_HOURS);
    let keep = c.conservar.unwrap_or(DEFAULT_KEEP);
    if !(1..=720).contains(&hours) || !(1..=365).contains(&keep) {
        return Err(BackupConfigError::OutOfRange);
    }
    Ok(Some(BackupSchedule {
        folder,
        every: Duration::from_secs(u64::from(hours) * 3600),
        keep: usize::try_from(keep).unwrap_or(1),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_table_with_defaults_and_ignores_the_rest_of_the_file() {
        let s = parse("[sincronizacion]\nvecinas = []\n[respaldo]\ncarpeta = \"/media/usb\"\n")
            .expect("parse")
            .expect("a schedule");
        assert_eq!(s.folder, PathBuf::from("/media/usb"));
        assert_eq!(s.every, Duration::from_secs(24 * 3600));
        assert_eq!(s.keep, 7);
        let s = parse("[respaldo]\ncarpeta = \"/m\"\ncada_horas = 4\nconservar = 30\n")
            .expect("parse")
            .expect("a schedule");
        assert_eq!((s.every.as_secs(), s.keep), (4 * 3600, 30));
        assert_eq!(parse("idioma = \"es\"\n"), Ok(None));
    }

    #[test]
    fn refuses_a_table_without_folder_out_of_range_or_with_typos() {
        assert_eq!(
            parse("[respaldo]\ncada_horas = 4\n"),
            Err(BackupConfigError::NoFolder)
        );
        assert_eq!(
            parse("[respaldo]\ncarpeta = \"/m\"\ncada_horas = 0\n"),
            Err(BackupConfigError::OutOfRange)
        );
        assert_eq!(
            parse("[respaldo]\ncarpeta = \"/m\"\nconservar = 100000\n"),
            Err(BackupConfigError::OutOfRange)
        );
        assert!(matches!(
            parse("[respaldo]\ncarpta = \"/m\"\n"),
            Err(BackupConfigError::Invalid(_))
        ));
    }

    #[test]
    fn an_absent_file_is_no_schedule() {
        let dir = tempfile::tempdir().expect("tmp");
        assert_eq!(load(&Home::new(dir.path().to_path_buf())), Ok(None));
    }
}
