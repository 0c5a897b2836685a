//! Logging an officer in at the counter: unlock the credential, open the session, audit it,
//! and lock out one user (never the whole station) after repeated wrong passphrases.
//!
//! The lockout is per user and persisted in the station home (`accesos/<user>`: failures in a
//! row and the Unix second the lock ends; no personal data), so restarting the console does
//! not clear it and one officer's typos do not stop the others. The lock doubles with each
//! further round of failures, up to 64 times the base. Must not draw or hold user-facing
//! text.

use std::io;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use huella_keys::{CredentialError, Passphrase, Role};
use huella_sync::AuditAction;

use crate::home::{Home, valid_user_name};
use crate::workflows::session::{Session, SessionError};

/// How many wrong passphrases lock a user, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    /// Failures in a row that lock the user.
    pub after: u32,
    /// The first lock; each further round doubles it.
    pub base: Duration,
}

impl Default for Lockout {
    fn default() -> Self {
        Lockout {
            after: 3,
            base: Duration::from_secs(30),
        }
    }
}

/// Who logged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedIn {
    /// User name.
    pub user: String,
    /// Role.
    pub role: Role,
}

/// Why a login was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoginError {
    /// The user is locked out for this many more seconds.
    #[error("usuario bloqueado por {seconds} s tras varios intentos fallidos")]
    Locked {
        /// Seconds left.
        seconds: u64,
    },
    /// Unknown user or wrong passphrase (not told apart on purpose).
    #[error("usuario o contraseña incorrectos")]
    Refused {
        /// Failures in a row for this user.
        failures: u32,
        /// Seconds this failure locked the user for, if it did.
        locked_for: Option<u64>,
    },
    /// The user name has characters a user name cannot have.
    #[error("nombre de usuario inválido")]
    InvalidUser,
    /// The station could not be opened (store, station keys).
    #[error("no se pudo abrir la estación: {0:#}")]
    Station(#[source] anyhow::Error),
}

fn lock_file(home: &Home, user: &str) -> PathBuf {
    home.dir().join("accesos").join(user)
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Failures in a row and the second the lock ends, for one user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Attempts {
    failures: u32,
    locked_until: u64,
}

impl Attempts {
    fn load(home: &Home, user: &str) -> Attempts {
        let text = std::fs::read(lock_file(home, user))
            .ok()
            .filter(|b| b.len() <= 64)
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        let mut parts = text.split_whitespace().map(str::parse::<u64>);
        match (parts.next(), parts.next()) {
            (Some(Ok(f)), Some(Ok(until))) => Attempts {
                failures: u32::try_from(f).unwrap_or(u32::MAX),
                locked_until: until,
            },
            _ => Attempts::default(),
        }
    }

    fn store(self, home: &Home, user: &str) -> io::Result<()> {
        let path = lock_file(home, user);
        if let Some(dir) = path.parent() {
            huella_sync::disk::create_dir_durable(dir)?;
        }
        if self == Attempts::default() {
            return match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            };
        }
        // Durable: a lockout must survive a power cut as much as a record does.
        let text = format!("{} {}", self.failures, self.locked_until);
        huella_sync::disk::write_atomic(&path, text.as_bytes()).map_err(io::Error::other)
    }
}

/// Seconds `user` is still locked out for (`None`: may try now).
pub fn locked_for(home: &Home, user: &str) -> Option<u64> {
    if !valid_user_name(user) {
        return None;
    }
    let left = Attempts::load(home, user)
        .locked_until
        .saturating_sub(now_secs());
    (left > 0).then_some(left)
}

/// Unlocks `user`'s credential and opens a session (audited), honouring and updating the
/// user's lockout.
pub fn login(
    home: &Home,
    user: &str,
    pass: &Passphrase,
    lockout: Lockout,
) -> Result<(Session, LoggedIn), LoginError> {
    if !valid_user_name(user) {
        return Err(LoginError::InvalidUser);
    }
    if let Some(seconds) = locked_for(home, user) {
        return Err(LoginError::Locked { seconds });
    }
    let session = match Session::open_with(home, user, pass) {
        Ok(s) => s,
        Err(e) if refused(&e) => return Err(failed(home, user, lockout)),
        Err(e) => return Err(LoginError::Station(e.into())),
    };
    if let Err(e) = Attempts::default().store(home, user) {
        tracing::warn!(target: "huella::acceso", "lockout file not cleared: {e}");
    }
    let mut batch = session.store.batch();
    batch.audit(AuditAction::Consulta, &[], "inicio de sesión en la consola");
    session
        .store
        .commit(
            batch,
            &session.credential.officer,
            &huella_sync::time::now_utc(),
        )
        .map_err(|e| LoginError::Station(e.into()))?;
    let who = LoggedIn {
        user: session.credential.officer.user().to_owned(),
        role: session.credential.officer.role(),
    };
    Ok((session, who))
}

/// Whether opening failed because of the user or passphrase (counts towards the lockout).
fn refused(e: &SessionError) -> bool {
    match e {
        SessionError::Credential(
            CredentialError::WrongPassphrase { .. } | CredentialError::UnknownUser { .. },
        ) => true,
        SessionError::Credential(CredentialError::Io { source, .. }) => {
            source.kind() == io::ErrorKind::NotFound
        }
        _ => false,
    }
}

fn failed(home: &Home, user: &str, lockout: Lockout) -> LoginError {
    tracing::warn!(target: "huella::acceso", "console login failed");
    let mut a = Attempts::load(home, user);
    a.failures = a.failures.saturating_add(1);
    let after = lockout.after.max(1);
    let locked_for = a.failures.is_multiple_of(after).then(|| {
        let rounds = a.failures / after;
        lockout.base.as_secs() << rounds.saturating_sub(1).min(6)
    });
    if let Some(secs) = locked_for {
        a.locked_until = now_secs() + secs;
    }
    if let Err(e) = a.store(home, user) {
        tracing::warn!(target: "huella::acceso", "lockout file not written: {e}");
    }
    LoginError::Refused {
        failures: a.failures,
        locked_for,
    }
}

#[cfg(test)]
mod tests {
    use huella_keys::KdfCost;

    use super::*;
    use crate::workflows::station::{self, InitParams};

    #[test]
    fn three_wrong_passphrases_lock_that_user_only_and_the_lock_is_on_disk() {
        let dir = tempfile::tempdir().expect("tmp");
        let home = Home::new(dir.path().join("estacion"));
        let pass = Passphrase::new("clave-de-prueba-acceso");
        station::init(
            &home,
            &InitParams {
                office: "0901",
                station: "A",
                admin: "ana",
                passphrase: &pass,
                regional: None,
                central: None,
                cost: KdfCost::new(KdfCost::MIN),
            },
        )
        .expect("init");
        let wrong = Passphrase::new("no-es-la-clave");
        let lockout = Lockout::default();
        for n in 1..=2 {
            assert!(matches!(
                login(&home, "ana", &wrong, lockout),
                Err(LoginError::Refused { failures, locked_for: None }) if failures == n
            ));
        }
        assert!(matches!(
            login(&home, "ana", &wrong, lockout),
            Err(LoginError::Refused {
                failures: 3,
                locked_for: Some(30)
            })
        ));
        // Locked even with the right passphrase; an unknown user is counted on its own.
        assert!(matches!(
            login(&home, "ana", &pass, lockout),
            Err(LoginError::Locked { .. })
        ));
        assert!(locked_for(&home, "ana").is_some());
        assert!(locked_for(&home, "beto").is_none());
        assert!(matches!(
            login(&home, "beto", &wrong, lockout),
            Err(LoginError::Refused { failures: 1, .. })
        ));
        assert!(matches!(
            login(&home, "../x", &wrong, lockout),
            Err(LoginError::InvalidUser)
        ));
        // Once the lock has passed, the right passphrase opens and clears the count.
        Attempts {
            failures: 3,
            locked_until: 0,
        }
        .store(&home, "ana")
        .expect("expire");
        let (_, who) = login(&home, "ana", &pass, lockout).expect("login");
        assert_eq!(who.user, "ana");
        assert_eq!(Attempts::load(&home, "ana"), Attempts::default());
    }
}
