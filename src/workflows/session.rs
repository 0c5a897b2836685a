//! An unlocked working session: the store plus the credential of the officer using it.
//!
//! Owns opening the store and the credential together and building the keys record writes
//! need. It must not contain workflow rules.

use std::sync::{Arc, Mutex, PoisonError};

use huella_keys::{
    Credential, CredentialError, KdfCost, OfficeKeyring, Passphrase, Recipient, RecipientSet,
};
use huella_sync::roster::Trust;
use huella_sync::{Store, StoreError, StoreKeys};

use crate::home::Home;
use crate::workflows::officers::AccessError;

/// Why a session was not opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The user name has characters a user name cannot have.
    #[error("nombre de usuario inválido: {0}")]
    InvalidUser(String),
    /// The passphrase file, the credential file or the passphrase itself failed.
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// The store could not be opened or read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The credential is not the one the signed officer list names.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// A recipient stored in the station record is not an age public key.
    #[error("la llave pública del destinatario {label} de la estación no es válida")]
    Recipient {
        /// The recipient's label.
        label: String,
    },
}

/// Environment variable that sets the scrypt cost (`log2 N`) of new credential files.
pub const KDF_ENV: &str = "HUELLA_KDF_LOG_N";

/// The scrypt cost for new credentials: `HUELLA_KDF_LOG_N` if set, else the default.
pub fn kdf_cost() -> KdfCost {
    std::env::var(KDF_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u8>().ok())
        .map(KdfCost::new)
        .unwrap_or_default()
}

/// The store and an unlocked credential.
pub struct Session {
    /// The station's store.
    pub store: Store,
    /// The unlocked credential of the acting officer.
    pub credential: Credential,
    recipients: RecipientSet,
    office: Mutex<OfficeKeys>,
}

/// The office key generations granted to this station in the roster with `stamp`, and the
/// recipients new record keys go to with them.
struct OfficeKeys {
    stamp: Option<[u8; 32]>,
    recipients: RecipientSet,
    ring: Arc<OfficeKeyring>,
}

impl Session {
    /// Commits `batch` as the acting officer, now (durable when it returns `Ok`).
    pub fn commit(&self, batch: huella_sync::store::Batch) -> Result<(), StoreError> {
        self.store.commit(
            batch,
            &self.credential.officer,
            &huella_sync::time::now_utc(),
        )
    }

    /// Unlocks `user`'s credential with the passphrase in `passphrase_file` and opens the store.
    pub fn open(
        home: &Home,
        user: &str,
        passphrase_file: &std::path::Path,
    ) -> Result<Self, SessionError> {
        let passphrase = Passphrase::from_file(passphrase_file)?;
        Self::open_with(home, user, &passphrase)
    }

    /// Like [`Session::open`] with a passphrase already in memory.
    pub fn open_with(
        home: &Home,
        user: &str,
        passphrase: &Passphrase,
    ) -> Result<Self, SessionError> {
        let store = Store::open(&home.store_dir())?;
        if !crate::home::valid_user_name(user) {
            return Err(SessionError::InvalidUser(user.to_owned()));
        }
        let credential = match Credential::read_file(&home.credential_file(user), passphrase, user)
        {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(target: "huella::acceso", "failed unlock for a user: {}", e);
                return Err(e.into());
            }
        };
        // The role is the signed officer list's, not the credential's; a foreign or edited
        // credential stops here, before anything is written.
        if let Err(e) = crate::workflows::officers::check_credential(&store, &credential) {
            tracing::warn!(target: "huella::acceso", "credential refused: {}", e);
            return Err(e.into());
        }
        let station = store.station()?;
        let mut recipients = RecipientSet::new();
        for (label, text) in &station.recipients {
            recipients.push(Recipient::parse(label, text).map_err(|_| {
                SessionError::Recipient {
                    label: label.clone(),
                }
            })?);
        }
        let office = Mutex::new(OfficeKeys {
            stamp: None,
            recipients: recipients.clone(),
            ring: Arc::new(OfficeKeyring::new()),
        });
        let session = Session {
            store,
            credential,
            recipients,
            office,
        };
        session.office_keys();
        // Stores written before statuses were derived from verified decisions and orders
        // re-derive their status index once (`Store::reindex_statuses`); a failure leaves it
        // for the next session and does not stop this one.
        match session.store.reindex_statuses(&session.keys()) {
            Ok(0) => {}
            Ok(n) => tracing::info!(target: "huella::sync", "status index re-derived: {n} entries"),
            Err(e) => tracing::warn!(target: "huella::sync", "status index not re-derived: {e}"),
        }
        Ok(session)
    }

    /// The keys record writes and reads need.
    pub fn keys(&self) -> StoreKeys<'_> {
        let (recipients, office) = self.office_keys();
        StoreKeys {
            secrets: &self.credential.station,
            recipients,
            office,
        }
    }

    /// The office key generations granted to this station in its office roster, re-opened
    /// when the roster changed (a sync round in a long console session may bring a rotation):
    /// new record keys go to the newest generation, reads try them all.
    fn office_keys(&self) -> (RecipientSet, Arc<OfficeKeyring>) {
        let trust = Trust::new(self.store.replica());
        let office = self.credential.station.office();
        let mut cached = self.office.lock().unwrap_or_else(PoisonError::into_inner);
        let stamp = match trust.stamp(office) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(target: "huella::sync", "office roster not read: {e}");
                cached.stamp
            }
        };
        if stamp != cached.stamp {
            let ring = match trust.roster(office) {
                Ok(r) => r.map(|(r, _)| r.keyring_for(&self.credential.station)),
                Err(e) => {
                    tracing::warn!(target: "huella::sync", "office roster not read: {e}");
                    None
                }
            };
            if let Some(ring) = ring {
                let keys = StoreKeys::new(&self.credential.station, self.recipients.clone(), ring);
                *cached = OfficeKeys {
                    stamp,
                    recipients: keys.recipients.clone(),
                    ring: keys.office.clone(),
                };
            }
        }
        (cached.recipients.clone(), cached.ring.clone())
    }

    /// The newest office key generation this station holds (0 before any rotation).
    pub fn office_generation(&self) -> u32 {
        self.office_keys().1.newest().map_or(0, |k| k.generation())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use huella_sync::roster::{Roster, RosterAdmin, RosterStation, SignedRoster};

    #[test]
    fn an_open_session_adopts_a_rotation_that_arrives_later() {
        let dir = tempfile::tempdir().expect("tmp");
        let home = Home::new(dir.path().join("a"));
        let pass = Passphrase::new("clave-de-prueba-sesion");
        crate::workflows::station::init(
            &home,
            &crate::workflows::station::InitParams {
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
        let session = Session::open_with(&home, "ana", &pass).expect("open");
        let me = session.credential.station.public();
        let gen0 = me.office_recipient.clone();
        assert_eq!(session.office_generation(), 0);
        assert!(
            session
                .keys()
                .recipients
                .iter()
                .any(|r| r.to_text() == gen0)
        );

        // A roster with generation 1 granted to this station lands in the store (as a sync
        // round would put it there) while the session stays open.
        let officer = &session.credential.officer;
        let mut r = Roster {
            office: "0901".into(),
            version: 2,
            issued_at: "t".into(),
            office_recipient: gen0.clone(),
            stations: vec![RosterStation {
                name: "A".into(),
                key: me.key.to_hex(),
                recipient: me.recipient.clone(),
                revoked: false,
                revoked_at: String::new(),
            }],
            admins: vec![RosterAdmin {
                user: officer.user().into(),
                key: officer.public().key.to_hex(),
                station: String::new(),
            }],
            office_keys: vec![],
            central_key: String::new(),
        };
        let g1 = r.rotate_office_key().expect("rotate");
        Trust::new(session.store.replica())
            .anchor(&SignedRoster::sign(&r, officer))
            .expect("anchor");
        assert_eq!(session.office_generation(), 1);
        let now: Vec<String> = session
            .keys()
            .recipients
            .iter()
            .map(|r| r.to_text())
            .collect();
        assert!(now.contains(&g1.recipient().to_owned()), "{now:?}");
        assert!(!now.contains(&gen0), "{now:?}");
    }
}
