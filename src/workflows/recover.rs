//! `huella recover --from DIR|BACKUP`: brings a dead station's records, synced or not, into
//! this live station of the same office. The dead station's store (its folder, or a backup
//! file) is copied to a temporary folder and never written; its unsynced local edits are
//! sealed there into wire chunks with this station's keys (the office key opens them), then
//! everything is merged here exactly as a received bundle would be, and audited.
//!
//! This module must not print; it owns only the order of those steps.

use std::path::{Path, PathBuf};

use anyhow::Result;
use huella_sync::protocol::LocalSide as _;
use huella_sync::replica::RecordHave;
use huella_sync::{AuditAction, Store};

use crate::workflows::backup;
use crate::workflows::session::Session;
use crate::workflows::sync_round::{StationIndexer, station_side};

/// What a recovery brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// The dead station's name.
    pub station: String,
    /// Records in the dead station's store.
    pub records: usize,
    /// Records new to this station.
    pub created: usize,
    /// Records that existed here and changed.
    pub merged: usize,
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let kind = e.file_type()?;
        if kind.is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()))?;
        } else if kind.is_file() {
            std::fs::copy(e.path(), to.join(e.file_name()))?;
        }
    }
    Ok(())
}

/// The store folder inside `from` (a store folder, or a station home holding `almacen`).
fn store_folder(from: &Path) -> Option<PathBuf> {
    if from.join("conf").is_file() {
        Some(from.to_owned())
    } else if from.join("almacen").join("conf").is_file() {
        Some(from.join("almacen"))
    } else {
        None
    }
}

/// Why a dead station's records were not recovered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecoverError {
    /// No scratch folder could be made.
    #[error("no se pudo crear una carpeta temporal")]
    Scratch(#[source] std::io::Error),
    /// The folder holds no station store.
    #[error("{0} no contiene el almacén de una estación")]
    NoStore(String),
    /// The dead station's store could not be copied.
    #[error("no se pudo copiar {dir}")]
    Copy {
        /// The store folder.
        dir: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// This station's keys do not open the backup.
    #[error("las llaves de esta estación no abren ese respaldo")]
    WrongKeys,
    /// The dead station belongs to another office.
    #[error("la estación {station} es de la oficina {theirs}, no de la {ours}")]
    OtherOffice {
        /// The dead station.
        station: String,
        /// Its office.
        theirs: String,
        /// Ours.
        ours: String,
    },
    /// The folder or backup is this very station.
    #[error("{0} es esta misma estación")]
    SameStation(String),
}

/// Recovers the records of the dead station at `from` into the session's station.
pub fn recover(session: &Session, from: &Path) -> Result<Recovered> {
    let scratch = tempfile::tempdir().map_err(RecoverError::Scratch)?;
    let copy = scratch.path().join("almacen");
    if from.is_dir() {
        let Some(folder) = store_folder(from) else {
            return Err(RecoverError::NoStore(from.display().to_string()).into());
        };
        copy_dir(&folder, &copy).map_err(|source| RecoverError::Copy {
            dir: folder.display().to_string(),
            source,
        })?;
    } else {
        let keys = session.keys();
        let opened = backup::open_backup(from, |wrapped, _| {
            keys.open_key(wrapped)
                .map_err(|_| RecoverError::WrongKeys.into())
        })?;
        Store::create_from_copy(&copy, &opened.copy)?;
    }
    let dead = Store::open(&copy)?;
    let theirs = dead.station()?;
    let ours = session.store.station()?;
    if theirs.office != ours.office {
        return Err(RecoverError::OtherOffice {
            station: theirs.station,
            theirs: theirs.office,
            ours: ours.office,
        }
        .into());
    }
    if theirs.station_key == ours.station_key {
        return Err(RecoverError::SameStation(from.display().to_string()).into());
    }
    let keys = session.keys();
    dead.export_local(&keys)?;
    let replica = dead.replica();
    let wanted: Vec<RecordHave> = replica
        .entries()?
        .into_iter()
        .map(|(id, _)| RecordHave {
            id: id.0,
            ..RecordHave::default()
        })
        .collect();
    let (data, _) = replica.data_for(&wanted, usize::MAX)?;
    drop(dead);
    let indexer = StationIndexer(session.credential.station.index_key());
    let side = station_side(session, &indexer);
    side.prepare()?;
    side.apply(data)?;
    let done = side.materialized();
    let mut b = session.store.batch();
    b.audit(
        AuditAction::Importacion,
        &[],
        &format!(
            "recuperación desde la estación {} ({} registros; {} nuevos, {} combinados)",
            theirs.station,
            wanted.len(),
            done.created.len(),
            done.merged.len()
        ),
    );
    session.commit(b)?;
    Ok(Recovered {
        station: theirs.station,
        records: wanted.len(),
        created: done.created.len(),
        merged: done.merged.len(),
    })
}
