//! Credential files: an officer's key and the station secrets, sealed with the officer's
//! passphrase (age scrypt with an explicit work factor).
//!
//! Plaintext layout (never written to disk): `MAGIC`, then length-prefixed fields
//! (u16 big-endian length + bytes): user, role, station, office, officer signing key,
//! station X25519 identity, office X25519 identity, station signing key, index key, and
//! optionally the officer's reference fingerprint template (absent in older files; older
//! readers ignore it).

use std::io::{Read, Write};
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::CredentialError;
use crate::identity::{OfficerKey, Role, StationSecrets};
use crate::kdf::KdfCost;
use crate::secret::Passphrase;

const MAGIC: &[u8] = b"HUELLA-CREDENCIAL\x01";

/// An officer's own enrolled fingerprint (opaque reference template bytes chosen by the
/// caller), kept only inside the sealed credential; wiped on drop, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct FingerReference(Zeroizing<Vec<u8>>);

impl FingerReference {
    /// Wraps reference bytes (at most 65,535).
    pub fn new(bytes: &[u8]) -> Self {
        FingerReference(Zeroizing::new(bytes.to_vec()))
    }

    /// The reference bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for FingerReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FingerReference({} bytes)", self.0.len())
    }
}

/// An unlocked credential: who is working and the station they work at.
#[derive(Debug)]
pub struct Credential {
    /// The officer's own key.
    pub officer: OfficerKey,
    /// The station's secrets.
    pub station: StationSecrets,
    /// The officer's enrolled reference fingerprint, if any (supervisor re-authentication).
    pub finger: Option<FingerReference>,
}

impl Credential {
    /// Seals `officer` and `station` with `passphrase` at `cost`.
    pub fn seal(
        officer: &OfficerKey,
        station: &StationSecrets,
        passphrase: &Passphrase,
        cost: KdfCost,
    ) -> Result<Vec<u8>, CredentialError> {
        Self::seal_with_finger(officer, station, None, passphrase, cost)
    }

    /// Like [`Credential::seal`], also sealing the officer's reference fingerprint.
    pub fn seal_with_finger(
        officer: &OfficerKey,
        station: &StationSecrets,
        finger: Option<&FingerReference>,
        passphrase: &Passphrase,
        cost: KdfCost,
    ) -> Result<Vec<u8>, CredentialError> {
        let mut plain = Zeroizing::new(Vec::with_capacity(512));
        plain.extend_from_slice(MAGIC);
        put(&mut plain, officer.user().as_bytes());
        put(&mut plain, officer.role().as_str().as_bytes());
        put(&mut plain, station.station().as_bytes());
        put(&mut plain, station.office().as_bytes());
        put(&mut plain, officer.secret_bytes().as_slice());
        put(&mut plain, station.x25519_text().as_bytes());
        put(&mut plain, station.office_x25519_text().as_bytes());
        put(&mut plain, station.signing_bytes().as_slice());
        put(&mut plain, station.index_bytes().as_slice());
        if let Some(f) = finger {
            put(&mut plain, f.as_bytes());
        }

        let mut recipient = age::scrypt::Recipient::new(passphrase.to_age());
        recipient.set_work_factor(cost.log_n());
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as _))
            .map_err(|_| io_err("<memoria>", std::io::Error::other("age")))?;
        let mut out = Vec::with_capacity(plain.len() + 256);
        let mut w = encryptor
            .wrap_output(&mut out)
            .map_err(|e| io_err("<memoria>", e))?;
        w.write_all(&plain).map_err(|e| io_err("<memoria>", e))?;
        w.finish().map_err(|e| io_err("<memoria>", e))?;
        Ok(out)
    }

    /// Opens sealed bytes. `user` and `path` only shape error messages.
    pub fn open(
        sealed: &[u8],
        passphrase: &Passphrase,
        user: &str,
        path: &str,
    ) -> Result<Self, CredentialError> {
        let truncated = || CredentialError::Truncated {
            path: path.to_owned(),
        };
        let corrupt = |detail| CredentialError::Corrupt {
            path: path.to_owned(),
            detail,
        };
        let map_age = |e: age::DecryptError| match e {
            age::DecryptError::DecryptionFailed
            | age::DecryptError::KeyDecryptionFailed
            | age::DecryptError::NoMatchingKeys => CredentialError::WrongPassphrase {
                user: user.to_owned(),
            },
            age::DecryptError::ExcessiveWork { required, .. } => CredentialError::ExcessiveWork {
                required,
                max: KdfCost::MAX,
            },
            age::DecryptError::Io(ref io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                truncated()
            }
            _ => corrupt("cabecera"),
        };
        let decryptor = age::Decryptor::new(sealed).map_err(map_age)?;
        let mut identity = age::scrypt::Identity::new(passphrase.to_age());
        identity.set_max_work_factor(KdfCost::MAX);
        let mut reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(map_age)?;
        let mut plain = Zeroizing::new(Vec::new());
        reader.read_to_end(&mut plain).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                truncated()
            } else {
                corrupt("contenido")
            }
        })?;
        Self::parse(&plain, path)
    }

    fn parse(plain: &[u8], path: &str) -> Result<Self, CredentialError> {
        let corrupt = |detail| CredentialError::Corrupt {
            path: path.to_owned(),
            detail,
        };
        let mut rest = plain
            .strip_prefix(MAGIC)
            .ok_or_else(|| corrupt("formato desconocido"))?;
        let mut next = || -> Result<&[u8], CredentialError> {
            take(&mut rest).ok_or_else(|| corrupt("campo incompleto"))
        };
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| corrupt("texto"));
        let user = text(next()?)?;
        let role: Role = text(next()?)?.parse().map_err(|_| corrupt("rol"))?;
        let station = text(next()?)?;
        let office = text(next()?)?;
        let officer_secret = key32(next()?).ok_or_else(|| corrupt("llave de oficial"))?;
        let x = Zeroizing::new(String::from_utf8_lossy(next()?).into_owned());
        let ox = Zeroizing::new(String::from_utf8_lossy(next()?).into_owned());
        let station_signing = key32(next()?).ok_or_else(|| corrupt("llave de firma"))?;
        let mut index = key32(next()?).ok_or_else(|| corrupt("llave de índice"))?;
        let finger = take(&mut rest)
            .filter(|b| !b.is_empty())
            .map(FingerReference::new);
        let officer = OfficerKey::from_parts(user, role, &officer_secret);
        let station = StationSecrets::from_parts(
            station,
            office,
            &x,
            &ox,
            &station_signing,
            &mut index,
            path,
        )?;
        Ok(Credential {
            officer,
            station,
            finger,
        })
    }

    /// Writes a sealed credential to `path` whole and durably (owner-only, see
    /// [`crate::durable_file::write_atomic`]: unique temporary file, fsync, rename, folder fsync).
    pub fn write_file(path: &Path, sealed: &[u8]) -> Result<(), CredentialError> {
        crate::durable_file::write_atomic(path, sealed).map_err(|e| {
            let shown = path.display().to_string();
            match e {
                crate::durable_file::DurableWriteError::Io { source, .. } => io_err(&shown, source),
                other => io_err(&shown, std::io::Error::other(other.to_string())),
            }
        })
    }

    /// Reads and opens the credential of `user` at `path`.
    pub fn read_file(
        path: &Path,
        passphrase: &Passphrase,
        user: &str,
    ) -> Result<Self, CredentialError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                CredentialError::UnknownUser {
                    user: user.to_owned(),
                }
            } else {
                io_err(&shown, e)
            }
        })?;
        Self::open(&bytes, passphrase, user, &shown)
    }
}

fn io_err(path: &str, source: std::io::Error) -> CredentialError {
    CredentialError::Io {
        path: path.to_owned(),
        source,
    }
}

fn put(buf: &mut Vec<u8>, field: &[u8]) {
    let len = u16::try_from(field.len()).unwrap_or(u16::MAX);
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(&field[..usize::from(len)]);
}

fn take<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, tail) = rest.split_first_chunk::<2>()?;
    let len = usize::from(u16::from_be_bytes(*len));
    if tail.len() < len {
        return None;
    }
    let (field, tail) = tail.split_at(len);
    *rest = tail;
    Some(field)
}

fn key32(b: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
    let arr: [u8; 32] = b.try_into().ok()?;
    Some(Zeroizing::new(arr))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> KdfCost {
        KdfCost::new(KdfCost::MIN)
    }

    #[test]
    fn seal_open_round_trip_keeps_identity() {
        let station = StationSecrets::generate("E1", "0901");
        let officer = OfficerKey::generate("ana", Role::Supervisor);
        let p = Passphrase::new("correcta caballo");
        let sealed = Credential::seal(&officer, &station, &p, cheap()).expect("seal");
        let c = Credential::open(&sealed, &p, "ana", "x").expect("open");
        assert_eq!(c.officer.public(), officer.public());
        assert_eq!(c.station.public(), station.public());
        let sig = c.officer.sign(b"hola");
        officer.public().key.verify(b"hola", &sig).expect("verify");
    }

    #[test]
    fn reference_finger_is_sealed_inside_and_optional() {
        let station = StationSecrets::generate("E1", "0901");
        let officer = OfficerKey::generate("ana", Role::Supervisor);
        let p = Passphrase::new("correcta caballo");
        let plain = Credential::seal(&officer, &station, &p, cheap()).expect("seal");
        assert!(
            Credential::open(&plain, &p, "ana", "x")
                .expect("open")
                .finger
                .is_none()
        );
        let finger = FingerReference::new(b"plantilla-de-referencia-123");
        let sealed = Credential::seal_with_finger(&officer, &station, Some(&finger), &p, cheap())
            .expect("seal");
        assert!(!sealed.windows(10).any(|w| w == b"plantilla-"));
        let c = Credential::open(&sealed, &p, "ana", "x").expect("open");
        assert_eq!(c.finger.as_ref(), Some(&finger));
        assert_eq!(c.officer.public(), officer.public());
        assert!(!format!("{c:?}").contains("plantilla"));
    }

    #[test]
    fn wrong_passphrase_truncated_and_corrupt_are_told_apart() {
        let station = StationSecrets::generate("E1", "0901");
        let officer = OfficerKey::generate("ana", Role::Officer);
        let p = Passphrase::new("correcta caballo");
        let sealed = Credential::seal(&officer, &station, &p, cheap()).expect("seal");
        let wrong = Credential::open(&sealed, &Passphrase::new("otra cosa"), "ana", "x");
        assert!(matches!(
            wrong,
            Err(CredentialError::WrongPassphrase { .. })
        ));
        assert_eq!(
            wrong.expect_err("wrong").to_string(),
            "contraseña incorrecta para el usuario ana"
        );
        for cut in [10, sealed.len() / 2, sealed.len() - 1] {
            let r = Credential::open(&sealed[..cut], &p, "ana", "x");
            assert!(
                matches!(
                    r,
                    Err(CredentialError::Truncated { .. } | CredentialError::Corrupt { .. })
                ),
                "cut at {cut}: {r:?}"
            );
        }
        let mut flipped = sealed.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0x55;
        assert!(Credential::open(&flipped, &p, "ana", "x").is_err());
        assert!(Credential::open(b"no es age", &p, "ana", "x").is_err());
    }

    #[test]
    fn file_round_trip_and_missing_user() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("ana.cred");
        let station = StationSecrets::generate("E1", "0901");
        let officer = OfficerKey::generate("ana", Role::Admin);
        let p = Passphrase::new("correcta caballo");
        let sealed = Credential::seal(&officer, &station, &p, cheap()).expect("seal");
        Credential::write_file(&path, &sealed).expect("write");
        assert!(Credential::read_file(&path, &p, "ana").is_ok());
        let missing = Credential::read_file(&dir.path().join("x.cred"), &p, "x");
        assert!(matches!(missing, Err(CredentialError::UnknownUser { .. })));
    }
}
