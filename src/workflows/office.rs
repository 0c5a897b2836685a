//! The office's station roster: signing it, revoking a station (which rotates the office
//! key), naming the central office's key, inviting a new station and creating a station
//! from an invite.
//!
//! Owns the roster policy (administrators sign; a station cannot revoke itself; a new station
//! gets every office key generation this station holds) and the audit entries of these
//! operations. It reads no files and prints nothing: the faces pass bytes in and write the
//! bytes it returns.

use huella_keys::{Credential, CredentialError, KdfCost, OfficerKey, Passphrase, Role};
use huella_sync::replica::ReplicaError;
use huella_sync::roster::{Roster, RosterAdmin, RosterError, RosterStation, SignedRoster, Trust};
use huella_sync::{AuditAction, Station, Store, StoreError};
use serde::{Deserialize, Serialize};

use crate::home::{Home, valid_user_name};
use crate::workflows::session::Session;

/// Why an office operation failed. Messages are Spanish; the faces word them per language.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OfficeError {
    /// The officer list or roster of this station refused the change.
    #[error(transparent)]
    Access(#[from] crate::workflows::officers::AccessError),
    /// Only an administrator signs the roster.
    #[error("solo un administrador puede firmar la lista de estaciones ({user} no lo es)")]
    NotAdmin {
        /// The acting user.
        user: String,
    },
    /// The station is not in the office's roster.
    #[error("la estación {station} no está en la lista de la oficina")]
    NotListed {
        /// The station named.
        station: String,
    },
    /// A station cannot revoke itself.
    #[error(
        "una estación no puede revocarse a sí misma; revóquela desde otra estación de la oficina"
    )]
    RevokeSelf,
    /// The central key given is not an age public key (`age1…`).
    #[error("la llave central no es una llave pública age (age1…)")]
    BadCentralKey,
    /// The station to invite is already in the roster.
    #[error("la estación {station} ya está en la lista de la oficina")]
    AlreadyListed {
        /// The station named.
        station: String,
    },
    /// Not an acceptable user name.
    #[error("nombre de usuario inválido: use letras, dígitos, '.', '_' o '-'")]
    InvalidUser,
    /// The home already holds a station.
    #[error("ya existe una estación en {dir}")]
    HomeExists {
        /// The home.
        dir: String,
    },
    /// The invite is not an invite file.
    #[error("invitación ilegible: no es un archivo de invitación de huella")]
    InviteUnreadable,
    /// The invite's roster does not list the station it invites.
    #[error("la invitación no corresponde a su lista de estaciones")]
    InviteMismatch,
    /// The invite could not be encoded.
    #[error("no se pudo preparar la invitación: {0}")]
    InviteEncode(#[source] serde_json::Error),
    /// Creating the home failed.
    #[error("no se pudo crear {dir}: {source}")]
    CreateHome {
        /// The home.
        dir: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A credential or passphrase problem.
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// The roster was refused or could not be stored.
    #[error(transparent)]
    Roster(#[from] RosterError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The replicated state failed.
    #[error(transparent)]
    Replica(#[from] ReplicaError),
}

/// A station revoked, and the office key generation written from now on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// The station revoked.
    pub station: String,
    /// The roster version that revokes it.
    pub roster_version: u64,
    /// The new office key generation (unknown to the revoked station).
    pub generation: u32,
}

/// The office roster as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterView {
    /// Office code.
    pub office: String,
    /// Roster version.
    pub version: u64,
    /// The newest office key generation.
    pub generation: u32,
    /// The stations, in roster order.
    pub stations: Vec<RosterStationView>,
    /// The newest generation this station holds.
    pub own_generation: u32,
}

/// One station of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterStationView {
    /// Station name.
    pub name: String,
    /// Whether it was revoked.
    pub revoked: bool,
    /// The office key generations after 0 granted to it.
    pub generations: Vec<u32>,
}

/// What inviting a station needs.
pub struct InviteRequest<'a> {
    /// The new station's name.
    pub station: &'a str,
    /// The passphrase that will open the invite (told to the new station apart).
    pub passphrase: &'a Passphrase,
    /// scrypt cost of the sealed invite.
    pub cost: KdfCost,
}

/// What joining an office from an invite needs.
pub struct JoinRequest<'a> {
    /// The invite file's bytes.
    pub invite: &'a [u8],
    /// Where the invite came from (named in errors).
    pub invite_name: &'a str,
    /// The invite's passphrase.
    pub invite_passphrase: &'a Passphrase,
    /// The new station's first administrator.
    pub admin: &'a str,
    /// Their passphrase.
    pub passphrase: &'a Passphrase,
    /// scrypt cost of their credential.
    pub cost: KdfCost,
}

/// The invite file: the new station's secrets sealed with the invite passphrase, the signed
/// roster that already lists it, and the office's record recipients.
#[derive(Serialize, Deserialize)]
struct Invite {
    office: String,
    station: String,
    credential: String,
    roster: SignedRoster,
    recipients: Vec<(String, String)>,
}

/// Label of the throwaway officer an invite is sealed for.
const INVITE_HOLDER: &str = "invitacion";

/// Refuses a session that is not an administrator's.
pub fn require_admin(session: &Session) -> Result<(), OfficeError> {
    if session.credential.officer.role() == Role::Admin {
        Ok(())
    } else {
        Err(OfficeError::NotAdmin {
            user: session.credential.officer.user().to_owned(),
        })
    }
}

/// The signed office roster file (for hubs: `hub --trust`), creating and signing version 1
/// from this station if none exists. Administrators only.
pub fn roster_file(session: &Session) -> Result<Vec<u8>, OfficeError> {
    require_admin(session)?;
    let (_, signed) = ensure_roster(session)?;
    Ok(signed.to_file_bytes())
}

/// The office roster as known here (`None` before one was signed).
pub fn roster_view(session: &Session) -> Result<Option<RosterView>, OfficeError> {
    let Some((r, _)) =
        Trust::new(session.store.replica()).roster(session.credential.station.office())?
    else {
        return Ok(None);
    };
    let stations = r
        .stations
        .iter()
        .map(|s| RosterStationView {
            name: s.name.clone(),
            revoked: s.revoked,
            generations: r
                .office_keys
                .iter()
                .filter(|g| g.grants.iter().any(|x| x.station == s.name))
                .map(|g| g.generation)
                .collect(),
        })
        .collect();
    Ok(Some(RosterView {
        office: r.office.clone(),
        version: r.version,
        generation: r.current_generation(),
        stations,
        own_generation: session.office_generation(),
    }))
}

/// Revokes `station` and rotates the office key: hubs and peers refuse it once the new roster
/// reaches them, and what is written afterwards is unreadable to it. Administrators only.
pub fn revoke(session: &Session, station: &str) -> Result<Revocation, OfficeError> {
    require_admin(session)?;
    let (mut r, _) = ensure_roster(session)?;
    let s = r
        .stations
        .iter_mut()
        .find(|s| s.name == station)
        .ok_or_else(|| OfficeError::NotListed {
            station: station.to_owned(),
        })?;
    if s.name == session.credential.station.station() {
        return Err(OfficeError::RevokeSelf);
    }
    s.revoked = true;
    // Documents it signed before this instant still verify (workflows::documents::verify).
    s.revoked_at = huella_sync::time::now_utc();
    // Its administrators stay listed but no longer sign rosters (`SignedRoster::verify_by`):
    // a thief of the station cannot sign one that re-admits it, while its own officer list
    // still verifies, so its officers keep reading what they could.
    // A new office key for the stations still trusted: what is written from now on is
    // unreadable to the revoked one.
    let key = r.rotate_office_key()?;
    r.version += 1;
    r.issued_at = huella_sync::time::now_utc();
    let signed = SignedRoster::sign(&r, &session.credential.officer);
    Trust::new(session.store.replica()).anchor(&signed)?;
    audit(
        session,
        AuditAction::EstacionRevocada,
        &format!(
            "estación {station} revocada; llave de oficina generación {}",
            key.generation()
        ),
    )?;
    Ok(Revocation {
        station: station.to_owned(),
        roster_version: r.version,
        generation: key.generation(),
    })
}

/// A central key named in the office roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentralKeyChange {
    /// The roster version that names it.
    pub roster_version: u64,
    /// Whether it replaced another central key.
    pub replaced: bool,
}

/// Names `central` (the central office's `age1…` key) in a new version of the office roster,
/// signed by the acting administrator and audited, so hubs, peers and stations accept the
/// central node's changes to this office's records (`init --central` does it at creation).
/// Records keep the recipients they were wrapped to: stations wrap new records to the central
/// office only when created with `--central`. Administrators only.
pub fn set_central_key(session: &Session, central: &str) -> Result<CentralKeyChange, OfficeError> {
    require_admin(session)?;
    let key = huella_keys::Recipient::parse("central", central)
        .map_err(|_| OfficeError::BadCentralKey)?
        .to_text();
    let (mut r, _) = ensure_roster(session)?;
    let replaced = !r.central_key.is_empty() && r.central_key != key;
    r.central_key = key;
    r.version += 1;
    r.issued_at = huella_sync::time::now_utc();
    let signed = SignedRoster::sign(&r, &session.credential.officer);
    Trust::new(session.store.replica()).anchor(&signed)?;
    audit(
        session,
        AuditAction::ListaOficinaModificada,
        &format!(
            "llave central {}nombrada en la lista de la oficina, versión {}",
            if replaced { "re" } else { "" },
            r.version
        ),
    )?;
    Ok(CentralKeyChange {
        roster_version: r.version,
        replaced,
    })
}

/// Adds `station` to the office roster and returns the invite file that lets it join
/// (`init --join`): its secrets sealed with the invite passphrase, and every office key
/// generation this station holds. Administrators only.
pub fn invite(session: &Session, req: &InviteRequest<'_>) -> Result<Vec<u8>, OfficeError> {
    require_admin(session)?;
    // Checked before the roster changes: a weak passphrase leaves nothing behind.
    let invite_pass = Passphrase::new_for_sealing_from(req.passphrase)?;
    let station = req.station;
    let (mut r, _) = ensure_roster(session)?;
    if r.stations.iter().any(|s| s.name == station) {
        return Err(OfficeError::AlreadyListed {
            station: station.to_owned(),
        });
    }
    let secrets = session.credential.station.new_station_in_office(station);
    let p = secrets.public();
    let ring = r.keyring_for(&session.credential.station);
    r.grant_all(&ring, station, &p.recipient)?;
    r.stations.push(RosterStation {
        name: station.to_owned(),
        key: p.key.to_hex(),
        recipient: p.recipient,
        revoked: false,
        revoked_at: String::new(),
    });
    // The invite's key becomes the new station's first administrator: listed now as an
    // office administrator, so the office keeps a signer if this station is lost.
    let holder = OfficerKey::generate(INVITE_HOLDER, Role::Officer);
    r.admins.push(RosterAdmin {
        user: format!("admin-{station}"),
        key: holder.public().key.to_hex(),
        station: station.to_owned(),
    });
    r.version += 1;
    r.issued_at = huella_sync::time::now_utc();
    let signed = SignedRoster::sign(&r, &session.credential.officer);
    let sealed = Credential::seal(&holder, &secrets, &invite_pass, req.cost)?;
    let recipients = session
        .store
        .station()?
        .recipients
        .into_iter()
        .filter(|(l, _)| l != "estacion")
        .collect();
    let invite = Invite {
        office: r.office.clone(),
        station: station.to_owned(),
        credential: hex::encode(sealed),
        roster: signed.clone(),
        recipients,
    };
    let bytes = serde_json::to_vec_pretty(&invite).map_err(OfficeError::InviteEncode)?;
    Trust::new(session.store.replica()).anchor(&signed)?;
    audit(
        session,
        AuditAction::OficialAgregado,
        &format!("invitación para la estación {station}"),
    )?;
    Ok(bytes)
}

/// Creates a station in `home` from an invite made on an administrator's station of the
/// office, with `admin` as its first administrator.
pub fn join(home: &Home, req: &JoinRequest<'_>) -> Result<Station, OfficeError> {
    if !valid_user_name(req.admin) {
        return Err(OfficeError::InvalidUser);
    }
    if home.store_dir().exists() || home.credentials_dir().exists() {
        return Err(OfficeError::HomeExists {
            dir: home.dir().display().to_string(),
        });
    }
    let inv: Invite =
        serde_json::from_slice(req.invite).map_err(|_| OfficeError::InviteUnreadable)?;
    let sealed = hex::decode(&inv.credential).map_err(|_| OfficeError::InviteUnreadable)?;
    let cred = Credential::open(
        &sealed,
        req.invite_passphrase,
        INVITE_HOLDER,
        req.invite_name,
    )?;
    let roster = inv.roster.verify_self()?;
    let p = cred.station.public();
    if !roster.stations.iter().any(|s| s.key == p.key.to_hex())
        || cred.station.station() != inv.station
    {
        return Err(OfficeError::InviteMismatch);
    }
    let passphrase = Passphrase::new_for_sealing_from(req.passphrase)?;
    // The invite's key, listed in the roster as this station's administrator, is kept.
    let admin_key = cred.officer.into_named(req.admin, Role::Admin);
    let cred_bytes = Credential::seal(&admin_key, &cred.station, &passphrase, req.cost)?;
    crate::file_modes::create_private_dir(home.dir())
        .and_then(|()| crate::file_modes::create_private_dir(&home.credentials_dir()))
        .map_err(|source| OfficeError::CreateHome {
            dir: home.dir().display().to_string(),
            source,
        })?;
    let now = huella_sync::time::now_utc();
    let mut recipients = vec![("estacion".to_owned(), p.recipient.clone())];
    recipients.extend(inv.recipients);
    let station = Station {
        office: inv.office.clone(),
        station: inv.station.clone(),
        created_at: now.clone(),
        station_key: p.key.to_hex(),
        recipients,
    };
    let store = Store::create(&home.store_dir(), &station)?;
    store.put_officer(&admin_key.public())?;
    Credential::write_file(&home.credential_file(req.admin), &cred_bytes)?;
    Trust::new(store.replica()).anchor(&inv.roster)?;
    crate::workflows::officers::start_list(&store, &cred.station, &admin_key)?;
    let mut b = store.batch();
    b.audit(
        AuditAction::EstacionCreada,
        &[],
        &format!(
            "oficina {}, estación {} (unida por invitación), administrador {}",
            inv.office, inv.station, req.admin
        ),
    );
    store.commit(b, &admin_key, &now)?;
    Ok(station)
}

/// The office roster, creating and signing version 1 from this station if none exists.
fn ensure_roster(session: &Session) -> Result<(Roster, SignedRoster), OfficeError> {
    Ok(crate::workflows::officers::ensure_roster(
        &session.store,
        &session.credential.station,
        &session.credential.officer,
    )?)
}

/// One audit entry signed by the session's officer, committed (and flushed) now.
fn audit(session: &Session, action: AuditAction, detail: &str) -> Result<(), StoreError> {
    let mut b = session.store.batch();
    b.audit(action, &[], detail);
    session.commit(b)
}
