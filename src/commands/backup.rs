//! `huella backup`, `huella restore` and `huella recover`: parse, call `workflows::backup` or
//! `workflows::recover`, print one line.

use std::path::Path;

use anyhow::Result;
use huella_keys::Passphrase;
use huella_sync::AuditAction;

use crate::cli::AsUser;
use crate::home::Home;
use crate::workflows::backup;
use crate::workflows::session::Session;

/// `huella backup --out F`: an encrypted, checksummed copy of the whole station, audited.
pub fn run_backup(home: &Home, out: &Path, who: &AsUser) -> Result<()> {
    if let Ok(m) = std::fs::symlink_metadata(out)
        && !m.file_type().is_file()
    {
        anyhow::bail!(
            "{} no es un archivo regular; no se escribió (elija otra ruta)",
            out.display()
        );
    }
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    // Audited first, so the copy holds the entry that says it was made.
    let mut b = session.store.batch();
    b.audit(
        AuditAction::Exportacion,
        &[],
        &format!("copia de respaldo: {}", out.display()),
    );
    session.store.commit(
        b,
        &session.credential.officer,
        &huella_sync::time::now_utc(),
    )?;
    let s = backup::backup(home, &session, out)?;
    println!(
        "respaldo escrito en {}: estación {} de la oficina {}, {} personas, {} bytes",
        out.display(),
        s.station,
        s.office,
        s.people,
        s.bytes
    );
    Ok(())
}

/// `huella restore F`: a fresh station home from a backup.
pub fn run_restore(home: &Home, file: &Path, who: &AsUser) -> Result<()> {
    let passphrase = Passphrase::from_file(&who.passphrase_file)?;
    let s = backup::restore(home, file, &who.user, &passphrase)?;
    println!(
        "estación {} de la oficina {} restaurada en {}: {} personas",
        s.station,
        s.office,
        home.dir().display(),
        s.people
    );
    Ok(())
}

/// `huella recover --from DIR|BACKUP`: a dead station's records into this station.
pub fn run_recover(home: &Home, from: &Path, who: &AsUser) -> Result<()> {
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    let r = crate::workflows::recover::recover(&session, from)?;
    println!(
        "recuperados de la estación {}: {} registros ({} nuevos, {} combinados)",
        r.station, r.records, r.created, r.merged
    );
    Ok(())
}
