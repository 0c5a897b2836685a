//! Creating a station and adding officers.
//!
//! `init` creates the home, the station and office identities, the first administrator's
//! credential and the store, and audits it. `officer add` needs an administrator's session.

use anyhow::{Context, Result, bail};
use huella_keys::{Credential, KdfCost, OfficerKey, Passphrase, Recipient, Role, StationSecrets};
use huella_sync::{AuditAction, Station, Store};

use crate::home::{Home, valid_user_name};
use crate::workflows::session::Session;

/// What `init` needs.
pub struct InitParams<'a> {
    /// Office code.
    pub office: &'a str,
    /// Station name.
    pub station: &'a str,
    /// First administrator's user name.
    pub admin: &'a str,
    /// The administrator's passphrase.
    pub passphrase: &'a Passphrase,
    /// Regional office recipient (`age1…`), optional.
    pub regional: Option<&'a str>,
    /// Central office recipient (`age1…`), optional.
    pub central: Option<&'a str>,
    /// scrypt cost for the administrator's credential.
    pub cost: KdfCost,
}

/// Creates a station in `home`; refuses a home that already has one.
pub fn init(home: &Home, p: &InitParams<'_>) -> Result<Station> {
    if !valid_user_name(p.admin) {
        bail!("nombre de usuario inválido: use letras, dígitos, '.', '_' o '-'");
    }
    if p.office.trim().is_empty() || p.station.trim().is_empty() {
        bail!("la oficina y la estación no pueden estar vacías");
    }
    if home.store_dir().exists() || home.credentials_dir().exists() {
        bail!("ya existe una estación en {}", home.dir().display());
    }
    let secrets = StationSecrets::generate(p.station, p.office);
    let public = secrets.public();
    let mut recipients = vec![
        ("estacion".to_owned(), public.recipient.clone()),
        ("oficina".to_owned(), public.office_recipient.clone()),
    ];
    for (label, r) in [("regional", p.regional), ("central", p.central)] {
        if let Some(text) = r {
            Recipient::parse(label, text)?;
            recipients.push((label.to_owned(), text.trim().to_owned()));
        }
    }
    let admin = OfficerKey::generate(p.admin, Role::Admin);
    let sealed = Credential::seal(&admin, &secrets, p.passphrase, p.cost)?;

    std::fs::create_dir_all(home.credentials_dir())
        .with_context(|| format!("no se pudo crear {}", home.dir().display()))?;
    let now = huella_sync::time::now_utc();
    let station = Station {
        office: p.office.to_owned(),
        station: p.station.to_owned(),
        created_at: now.clone(),
        station_key: public.key.to_hex(),
        recipients,
    };
    let store = Store::create(&home.store_dir(), &station)?;
    store.put_officer(&admin.public())?;
    Credential::write_file(&home.credential_file(p.admin), &sealed)?;
    let mut batch = store.batch();
    batch.audit(
        AuditAction::EstacionCreada,
        &[],
        &format!(
            "oficina {}, estación {}, administrador {}",
            p.office, p.station, p.admin
        ),
    );
    store.commit(batch, &admin, &now)?;
    Ok(station)
}

/// Adds an officer; the acting session must be an administrator's.
pub fn add_officer(
    home: &Home,
    session: &Session,
    user: &str,
    role: Role,
    passphrase: &Passphrase,
    cost: KdfCost,
) -> Result<()> {
    if session.credential.officer.role() != Role::Admin {
        bail!(
            "solo un administrador puede agregar oficiales ({} es {})",
            session.credential.officer.user(),
            session.credential.officer.role().as_str()
        );
    }
    if !valid_user_name(user) {
        bail!("nombre de usuario inválido: use letras, dígitos, '.', '_' o '-'");
    }
    let path = home.credential_file(user);
    if path.exists() {
        bail!("el usuario {user} ya existe");
    }
    let officer = OfficerKey::generate(user, role);
    let sealed = Credential::seal(&officer, &session.credential.station, passphrase, cost)?;
    session.store.put_officer(&officer.public())?;
    let mut batch = session.store.batch();
    batch.audit(
        AuditAction::OficialAgregado,
        &[],
        &format!("usuario {user}, rol {}", role.as_str()),
    );
    session.store.commit(
        batch,
        &session.credential.officer,
        &huella_sync::time::now_utc(),
    )?;
    Credential::write_file(&path, &sealed)?;
    Ok(())
}
