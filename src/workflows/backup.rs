//! Station backups: `huella backup` writes one file holding the whole store and the station's
//! credential files; `huella restore` makes a fresh station home from it (another machine,
//! same station, same people, drafts and audit chain).
//!
//! File layout: `MAGIC`, a length-prefixed JSON [`Header`] (public names, credential files in
//! hex), the length-prefixed wrapped data key, the sealed store copy, then the SHA-256 of
//! everything before it (checked before anything is parsed; lengths are u32 big-endian). The store copy is sealed with a fresh data key wrapped
//! to the station's recipients (its own key, the office's newest generation, regional and
//! central), so the office can open a dead station's backup; the credential files travel as
//! they are (each sealed with its officer's passphrase). Written with `disk::write_atomic`.
//! This module owns the file format; it must not print.

use std::path::Path;

use anyhow::Result;
use huella_keys::{Credential, DataKey, OfficeKeyring, Passphrase, WrappedKey};
use huella_sync::Store;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::home::{Home, valid_user_name};
use crate::workflows::session::Session;

/// First bytes of a backup file.
pub const MAGIC: &[u8] = b"HUELLA-RESPALDO\x01";
/// Context bound into the sealed store copy.
const CONTEXT: &[u8] = b"huella/respaldo/v1";
/// Largest backup file read.
const MAX_BACKUP: u64 = 8 << 30;

/// The public part of a backup file.
#[derive(Serialize, Deserialize)]
struct Header {
    /// When it was made (UTC).
    made_at: String,
    /// Office code.
    office: String,
    /// Station name.
    station: String,
    /// Credential files: (user, sealed bytes in hex).
    credentials: Vec<(String, String)>,
    /// The console's open-draft pointers (`borradores/<user>`: a record id, no personal
    /// data): (user, file text).
    #[serde(default)]
    drafts: Vec<(String, String)>,
}

/// The console's draft pointers of the home (see `console::workers::desk`).
fn drafts_dir(home: &Home) -> std::path::PathBuf {
    home.dir().join("borradores")
}

fn put(out: &mut Vec<u8>, part: &[u8]) -> Result<()> {
    let n = u32::try_from(part.len()).map_err(|_| BackupError::TooLarge)?;
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(part);
    Ok(())
}

fn take<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (n, tail) = rest.split_first_chunk::<4>()?;
    let n = usize::try_from(u32::from_be_bytes(*n)).ok()?;
    if tail.len() < n {
        return None;
    }
    let (part, tail) = tail.split_at(n);
    *rest = tail;
    Some(part)
}

/// What a backup held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// Office code.
    pub office: String,
    /// Station name.
    pub station: String,
    /// People in the store.
    pub people: usize,
    /// Bytes of the backup file.
    pub bytes: usize,
}

/// Why a backup was not restored or opened (the refusals a person can act on).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The user name has characters a user name cannot have.
    #[error("nombre de usuario inválido: {0}")]
    InvalidUser(String),
    /// The target home already holds a station.
    #[error("ya hay una estación en {dir}: restaure en una carpeta nueva")]
    HomeExists {
        /// The home folder.
        dir: String,
    },
    /// The backup holds no credential of this user.
    #[error("el respaldo no tiene la credencial de {0}")]
    NoCredential(String),
    /// The credential opened but does not open this backup's key.
    #[error("la credencial no abre este respaldo")]
    WrongKey,
    /// The file is not a huella backup.
    #[error("{file} no es un respaldo de huella")]
    NotABackup {
        /// The file.
        file: String,
    },
    /// The checksum does not match.
    #[error(
        "el respaldo {file} está dañado (la suma de verificación no coincide); no se restauró nada"
    )]
    Damaged {
        /// The file.
        file: String,
    },
    /// The parts of the file cannot be read.
    #[error("respaldo ilegible: {file}")]
    Unreadable {
        /// The file.
        file: String,
    },
    /// The content did not decrypt with the recovered key.
    #[error("el contenido del respaldo no se pudo abrir")]
    Content,
    /// A part of the backup is over 4 GiB.
    #[error("parte del respaldo demasiado grande")]
    TooLarge,
    /// A folder could not be read or created.
    #[error("no se pudo {} {dir}", if *.creating { "crear" } else { "leer" })]
    Folder {
        /// The folder.
        dir: String,
        /// Whether it was being created (else read).
        creating: bool,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// Writes a backup of the session's station to `out`.
pub fn backup(home: &Home, session: &Session, out: &Path) -> Result<BackupSummary> {
    // Audited first, so the copy holds the entry that says it was made.
    let mut b = session.store.batch();
    b.audit(
        huella_sync::AuditAction::Exportacion,
        &[],
        &format!("copia de respaldo: {}", out.display()),
    );
    session.commit(b)?;
    let station = session.store.station()?;
    let mut credentials = Vec::new();
    let dir = home.credentials_dir();
    for e in std::fs::read_dir(&dir).map_err(|source| BackupError::Folder {
        dir: dir.display().to_string(),
        creating: false,
        source,
    })? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(user) = name.strip_suffix(".age") else {
            continue;
        };
        let bytes = huella_sync::disk::read_regular(&e.path(), 1 << 20)?;
        credentials.push((user.to_owned(), hex::encode(bytes)));
    }
    let mut drafts = Vec::new();
    if let Ok(entries) = std::fs::read_dir(drafts_dir(home)) {
        for e in entries.flatten() {
            let user = e.file_name().to_string_lossy().into_owned();
            if valid_user_name(&user)
                && let Ok(text) = huella_sync::disk::read_regular(&e.path(), 1024)
            {
                drafts.push((user, String::from_utf8_lossy(&text).into_owned()));
            }
        }
    }
    let keys = session.keys();
    let dek = DataKey::generate();
    let wrapped = dek.wrap_at(keys.secrets, &keys.recipients)?;
    let copy = session.store.copy_bytes()?;
    let header = Header {
        made_at: huella_sync::time::now_utc(),
        office: station.office.clone(),
        station: station.station.clone(),
        credentials,
        drafts,
    };
    let mut bytes = MAGIC.to_vec();
    put(&mut bytes, &serde_json::to_vec(&header)?)?;
    put(&mut bytes, wrapped.as_bytes())?;
    bytes.extend(dek.seal(&copy, CONTEXT));
    let sum: [u8; 32] = Sha256::digest(&bytes).into();
    bytes.extend_from_slice(&sum);
    huella_sync::disk::write_atomic(out, &bytes)?;
    Ok(BackupSummary {
        office: station.office,
        station: station.station,
        people: session.store.count_people(),
        bytes: bytes.len(),
    })
}

/// Restores the backup in `file` onto `home`, which must not have a station yet; `user`'s
/// credential in the backup (opened with `passphrase`) opens it.
pub fn restore(
    home: &Home,
    file: &Path,
    user: &str,
    passphrase: &Passphrase,
) -> Result<BackupSummary> {
    if !valid_user_name(user) {
        return Err(BackupError::InvalidUser(user.to_owned()).into());
    }
    if home.store_dir().exists() || home.credentials_dir().exists() {
        return Err(BackupError::HomeExists {
            dir: home.dir().display().to_string(),
        }
        .into());
    }
    let opened = open_backup(file, |wrapped, credentials| {
        let Some((_, cred_bytes)) = credentials.iter().find(|(u, _)| u == user) else {
            return Err(BackupError::NoCredential(user.to_owned()).into());
        };
        let credential =
            Credential::open(cred_bytes, passphrase, user, &file.display().to_string())?;
        wrapped
            .unwrap_at(&credential.station, &OfficeKeyring::new())
            .map_err(|_| BackupError::WrongKey.into())
    })?;
    let OpenedBackup {
        office,
        station,
        credentials,
        drafts,
        copy,
        bytes,
    } = opened;
    std::fs::create_dir_all(home.dir()).map_err(|source| BackupError::Folder {
        dir: home.dir().display().to_string(),
        creating: true,
        source,
    })?;
    let store = Store::create_from_copy(&home.store_dir(), &copy)?;
    let dir = home.credentials_dir();
    std::fs::create_dir_all(&dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    }
    for (u, bytes) in &credentials {
        if valid_user_name(u) {
            huella_sync::disk::write_atomic(&home.credential_file(u), bytes)?;
        }
    }
    if !drafts.is_empty() {
        std::fs::create_dir_all(drafts_dir(home))?;
        for (u, text) in &drafts {
            if valid_user_name(u) {
                huella_sync::disk::write_atomic(&drafts_dir(home).join(u), text.as_bytes())?;
            }
        }
    }
    Ok(BackupSummary {
        office,
        station,
        people: store.count_people(),
        bytes,
    })
}

/// A backup file checked and opened.
pub struct OpenedBackup {
    /// Office code.
    pub office: String,
    /// Station name.
    pub station: String,
    /// Credential files: (user, sealed bytes).
    pub credentials: Vec<(String, Vec<u8>)>,
    /// The console's draft pointers: (user, record id text).
    pub drafts: Vec<(String, String)>,
    /// The store copy (`Store::copy_bytes`), decrypted.
    pub copy: Vec<u8>,
    /// Bytes of the file.
    pub bytes: usize,
}

/// Reads `file`, checks its checksum, and opens its store copy with the data key `unwrap`
/// recovers (given the wrapped key and the credential files).
pub fn open_backup(
    file: &Path,
    unwrap: impl FnOnce(&WrappedKey, &[(String, Vec<u8>)]) -> Result<DataKey>,
) -> Result<OpenedBackup> {
    let raw = huella_sync::disk::read_regular(file, MAX_BACKUP)?;
    let body = raw
        .strip_prefix(MAGIC)
        .filter(|b| b.len() >= 32)
        .ok_or_else(|| BackupError::NotABackup {
            file: file.display().to_string(),
        })?;
    let (content, sum) = raw.split_at(raw.len() - 32);
    if Sha256::digest(content).as_slice() != sum {
        return Err(BackupError::Damaged {
            file: file.display().to_string(),
        }
        .into());
    }
    let unreadable = || BackupError::Unreadable {
        file: file.display().to_string(),
    };
    let mut rest = &body[..body.len() - 32];
    let header: Header = serde_json::from_slice(take(&mut rest).ok_or_else(unreadable)?)
        .map_err(|_| unreadable())?;
    let wrapped = WrappedKey::from_bytes(take(&mut rest).ok_or_else(unreadable)?.to_vec());
    let mut credentials = Vec::new();
    for (u, h) in &header.credentials {
        credentials.push((u.clone(), hex::decode(h).map_err(|_| unreadable())?));
    }
    let dek = unwrap(&wrapped, &credentials)?;
    let copy = dek.open(rest, CONTEXT).map_err(|_| BackupError::Content)?;
    Ok(OpenedBackup {
        office: header.office,
        station: header.station,
        credentials,
        drafts: header.drafts,
        copy,
        bytes: raw.len(),
    })
}
