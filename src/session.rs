//! An unlocked working session: the store plus the credential of the officer using it.
//!
//! Owns opening the store and the credential together and building the keys record writes
//! need. It must not contain workflow rules.

use anyhow::{Context, Result};
use huella_keys::{Credential, KdfCost, OfficeKeyring, Passphrase, Recipient, RecipientSet};
use huella_sync::roster::Trust;
use huella_sync::{Store, StoreKeys};

use crate::home::Home;

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
    office: std::sync::Arc<OfficeKeyring>,
}

impl Session {
    /// Unlocks `user`'s credential with the passphrase in `passphrase_file` and opens the store.
    pub fn open(home: &Home, user: &str, passphrase_file: &std::path::Path) -> Result<Self> {
        let passphrase = Passphrase::from_file(passphrase_file)?;
        Self::open_with(home, user, &passphrase)
    }

    /// Like [`Session::open`] with a passphrase already in memory.
    pub fn open_with(home: &Home, user: &str, passphrase: &Passphrase) -> Result<Self> {
        let store = Store::open(&home.store_dir())?;
        if !crate::home::valid_user_name(user) {
            anyhow::bail!("nombre de usuario inválido: {user}");
        }
        let credential = match Credential::read_file(&home.credential_file(user), passphrase, user)
        {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(target: "huella::acceso", "failed unlock for a user: {}", e);
                return Err(e.into());
            }
        };
        let station = store.station()?;
        let mut recipients = RecipientSet::new();
        for (label, text) in &station.recipients {
            recipients.push(
                Recipient::parse(label, text)
                    .with_context(|| format!("destinatario {label} de la estación"))?,
            );
        }
        // Office key generations granted to this station in its office roster: new record
        // keys go to the newest one, reads try them all.
        let ring = match Trust::new(store.replica()).roster(&station.office) {
            Ok(Some((roster, _))) => roster.keyring_for(&credential.station),
            Ok(None) => OfficeKeyring::new(),
            Err(e) => {
                tracing::warn!(target: "huella::sync", "office roster not read: {e}");
                OfficeKeyring::new()
            }
        };
        let keys = StoreKeys::new(&credential.station, recipients, ring);
        let (recipients, office) = (keys.recipients.clone(), keys.office.clone());
        drop(keys);
        Ok(Session {
            store,
            credential,
            recipients,
            office,
        })
    }

    /// The keys record writes and reads need.
    pub fn keys(&self) -> StoreKeys<'_> {
        StoreKeys {
            secrets: &self.credential.station,
            recipients: self.recipients.clone(),
            office: self.office.clone(),
        }
    }

    /// The newest office key generation this station holds (0 before any rotation).
    pub fn office_generation(&self) -> u32 {
        self.office.newest().map_or(0, |k| k.generation())
    }
}
