//! `huella backup`, `huella restore` and `huella recover`: parse, call `workflows::backup` or
//! `workflows::recover`, print one line.

use std::path::Path;

use anyhow::Result;
use huella_keys::Passphrase;

use crate::cli::AsUser;
use crate::commands::out;
use crate::commands::text::contract;
use crate::home::Home;
use crate::workflows::backup;
use crate::workflows::session::Session;

/// `huella backup --out F`: an encrypted, checksummed copy of the whole station, audited.
pub fn run_backup(home: &Home, target: &Path, who: &AsUser) -> Result<()> {
    if let Ok(m) = std::fs::symlink_metadata(target)
        && !m.file_type().is_file()
    {
        return Err(huella_sync::disk::DiskError::NotRegular {
            path: target.display().to_string(),
        }
        .into());
    }
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    let s = backup::backup(home, &session, target)?;
    out::line(contract::backup_written(
        target.display(),
        &s.station,
        &s.office,
        s.people,
        s.bytes,
    ))?;
    Ok(())
}

/// `huella restore F`: a fresh station home from a backup.
pub fn run_restore(home: &Home, file: &Path, who: &AsUser) -> Result<()> {
    let passphrase = Passphrase::from_file(&who.passphrase_file)?;
    let s = backup::restore(home, file, &who.user, &passphrase)?;
    out::line(contract::restored(
        &s.station,
        &s.office,
        home.dir().display(),
        s.people,
    ))?;
    Ok(())
}

/// `huella recover --from DIR|BACKUP`: a dead station's records into this station.
pub fn run_recover(home: &Home, from: &Path, who: &AsUser) -> Result<()> {
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    let r = crate::workflows::recover::recover(&session, from)?;
    out::line(contract::recovered(
        &r.station, r.records, r.created, r.merged,
    ))?;
    Ok(())
}
