//! Printing a person's latest acuse into a folder (the console does it after each submission
//! and approval when `consola.toml` names a folder): `<folder>/<folio>.pdf` and `.txt`, sealed
//! by this station. Owns the file names; it must not decide when to print.

use std::path::{Path, PathBuf};

use huella_sync::RecordId;

use super::payload::{DocumentKind, SignedPayload};
use super::{DocumentError, PaperSize, render};
use crate::workflows::session::Session;

/// Why the files were not written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrintError {
    /// The acuse could not be found or rendered.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// The person has no acuse yet.
    #[error("la persona no tiene acuse")]
    NoAcuse,
    /// The folder or a file could not be written.
    #[error("no se pudo escribir en la carpeta de documentos: {0}")]
    Write(#[from] std::io::Error),
}

/// Writes the latest acuse of record `id` into `folder` (created if absent); returns the
/// files written.
pub fn latest_acuse_to(
    session: &Session,
    id: RecordId,
    folder: &Path,
    size: PaperSize,
) -> Result<Vec<PathBuf>, PrintError> {
    let open = session
        .store
        .open_record(&session.keys(), id)
        .map_err(DocumentError::from)?;
    let doc = open
        .record
        .documents()
        .map_err(DocumentError::from)?
        .into_iter()
        .rfind(|d| d.kind == DocumentKind::Acuse.as_str())
        .ok_or(PrintError::NoAcuse)?;
    let signed = SignedPayload::from_token(&doc.token)
        .map_err(|_| DocumentError::Damaged(doc.folio.clone()))?;
    write_to(session, &signed, folder, size)
}

/// Writes `signed` as `<folder>/<folio>.pdf` and `.txt`.
pub fn write_to(
    session: &Session,
    signed: &SignedPayload,
    folder: &Path,
    size: PaperSize,
) -> Result<Vec<PathBuf>, PrintError> {
    std::fs::create_dir_all(folder)?;
    let station = &session.credential.station;
    // Folios are `<office>-<station>-<seq>`; a separator in a station name never escapes.
    let name: String = signed
        .payload
        .folio
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let pdf = folder.join(format!("{name}.pdf"));
    let txt = folder.join(format!("{name}.txt"));
    std::fs::write(&pdf, render::pdf(signed, size, station)?)?;
    std::fs::write(&txt, render::text(signed, station))?;
    Ok(vec![pdf, txt])
}
