//! `huella hub`, `huella sync …`, `huella bundle …` and `huella init --join`: argument glue
//! over the sync crate (protocol, hub, bundles, rosters). Prints progress lines and the
//! contract line `sincronizado: enviados S, recibidos R, conflictos C`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use huella_keys::{Credential, OfficerKey, Passphrase, Role};
use huella_sync::bundle::{self, BundleKind};
use huella_sync::events::SyncEvent;
use huella_sync::hub::HubHome;
use huella_sync::protocol::{NonceCache, Server};
use huella_sync::roster::{Roster, RosterAdmin, RosterStation, SignedRoster, Trust};
use huella_sync::{AuditAction, RecordId, Station, Store};
use serde::{Deserialize, Serialize};

use crate::cli::AsUser;
use crate::home::{Home, valid_user_name};
use crate::workflows::session::{Session, kdf_cost};
use crate::workflows::sync_round::{RoundEvent, StationIndexer, Target, run_round, station_side};

/// `huella hub`: runs a hub, or answers one bundle.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Ejemplos:\n  huella --home /srv/hub hub --listen 0.0.0.0:7400 --trust oficina-0901.lista\n  huella --home /srv/hub hub --import-bundle E1.paquete --ack-out E1.acuse"
)]
pub struct HubArgs {
    /// Address to listen on (e.g. 127.0.0.1:7400; port 0 picks a free one).
    #[arg(long, value_name = "ADDR", required_unless_present = "import_bundle")]
    pub listen: Option<String>,
    /// Office roster file to trust (from `huella sync roster export`); repeatable.
    #[arg(long, value_name = "FILE")]
    pub trust: Vec<PathBuf>,
    /// Imports a station's bundle instead of serving.
    #[arg(long, value_name = "FILE")]
    pub import_bundle: Option<PathBuf>,
    /// Where to write the acknowledgement bundle.
    #[arg(long, value_name = "FILE", requires = "import_bundle")]
    pub ack_out: Option<PathBuf>,
}

/// `huella sync`: one reconciliation round, or a sync subcommand.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    /// Hub URL (e.g. http://10.0.0.5:7400).
    #[arg(long, value_name = "URL")]
    pub hub: Option<String>,
    /// LAN peer address (a station running `huella sync serve`); repeatable.
    #[arg(long, value_name = "ADDR")]
    pub peer: Vec<String>,
    /// Expected hub key (hex) instead of trusting the first one seen.
    #[arg(long, value_name = "HEX")]
    pub hub_key: Option<String>,
    /// Attempts per peer when the connection drops mid-sync.
    #[arg(long, default_value_t = 5)]
    pub attempts: u32,
    /// Acting user.
    #[arg(long = "as", value_name = "USER")]
    pub user: Option<String>,
    /// File whose first line is the user's passphrase.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Subcommand.
    #[command(subcommand)]
    pub action: Option<SyncAction>,
}

/// Sync subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum SyncAction {
    /// Lists semantic conflicts (same CURP on two records, contradictory statuses).
    Conflicts {
        /// JSON output.
        #[arg(long)]
        json: bool,
        /// Credentials.
        #[command(flatten)]
        who: AsUser,
    },
    /// Office roster: export it (signed) or revoke a station.
    Roster {
        /// What to do.
        #[command(subcommand)]
        action: RosterAction,
    },
    /// Makes an invite file that lets a new station join this office (`init --join`).
    Invite {
        /// Name of the new station.
        #[arg(long)]
        station: String,
        /// Invite file to write.
        #[arg(long)]
        out: PathBuf,
        /// File whose first line is the invite passphrase (tell it to the new station apart).
        #[arg(long)]
        invite_passphrase_file: PathBuf,
        /// Credentials (an administrator).
        #[command(flatten)]
        who: AsUser,
    },
    /// Serves this station's office peers over TCP (they run `sync --peer HOST:PORT`) until
    /// killed. This process owns the station's store meanwhile: close the console first.
    #[command(
        after_help = "Ejemplo:\n  huella sync serve --listen 0.0.0.0:7401 --as admin --passphrase-file clave.txt"
    )]
    Serve {
        /// Address to listen on (port 0 picks a free one).
        #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:7401")]
        listen: String,
        /// Credentials (the officer merges are recorded under).
        #[command(flatten)]
        who: AsUser,
    },
    /// Erases a person with a signed order that replicates and prevents resurrection.
    Erase {
        /// Record id (32 hex characters).
        id: String,
        /// Credentials (supervisor or administrator).
        #[command(flatten)]
        who: AsUser,
    },
}

/// Roster subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum RosterAction {
    /// Writes the office roster (signed), creating version 1 if needed.
    Export {
        /// File to write.
        #[arg(long)]
        out: PathBuf,
        /// Credentials (an administrator).
        #[command(flatten)]
        who: AsUser,
    },
    /// Shows the office roster: version, office key generation, stations.
    Show {
        /// Credentials.
        #[command(flatten)]
        who: AsUser,
    },
    /// Revokes a station and rotates the office key: hubs and peers refuse it once the new
    /// roster reaches them, and records written afterwards are unreadable to it.
    Revoke {
        /// Station name.
        station: String,
        /// Credentials (an administrator).
        #[command(flatten)]
        who: AsUser,
    },
}

/// `huella bundle`: offline exchange on a USB stick.
#[derive(Debug, clap::Subcommand)]
pub enum BundleAction {
    /// Writes what the hub (or `--peer`) is not known to have.
    Export {
        /// Bundle file to write.
        #[arg(long)]
        out: PathBuf,
        /// Name of the other side (its state is remembered per name).
        #[arg(long, default_value = "hub")]
        peer: String,
        /// Credentials.
        #[command(flatten)]
        who: AsUser,
    },
    /// Reads a bundle (an acknowledgement from the hub, or an export from a station).
    Import {
        /// Bundle file.
        file: PathBuf,
        /// For a station's export: where to write the acknowledgement.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Name of the other side.
        #[arg(long, default_value = "hub")]
        peer: String,
        /// Credentials.
        #[command(flatten)]
        who: AsUser,
    },
}

/// Runs `huella hub`.
pub fn run_hub(home: &Home, args: &HubArgs) -> Result<()> {
    let hub = HubHome::open(home.dir())?;
    for f in &args.trust {
        let bytes = std::fs::read(f).with_context(|| format!("no se pudo leer {}", f.display()))?;
        let office = hub.trust_roster(&SignedRoster::from_file_bytes(&bytes)?)?;
        println!("confía en la oficina {office}");
    }
    if let Some(file) = &args.import_bundle {
        let bytes =
            std::fs::read(file).with_context(|| format!("no se pudo leer {}", file.display()))?;
        let ack = hub.import_bundle(&bytes)?;
        let out = args
            .ack_out
            .clone()
            .unwrap_or_else(|| file.with_extension("acuse"));
        write_file(&out, &ack)?;
        println!("paquete importado; acuse en {}", out.display());
        return Ok(());
    }
    let listen = args.listen.as_deref().unwrap_or("127.0.0.1:7400");
    let key = hub.public_key_hex();
    huella_sync::hub::serve(hub, listen, |addr| {
        println!("concentrador escuchando en http://{addr} (clave {key})");
    })?;
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)
        .with_context(|| format!("no se pudo escribir {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("no se pudo escribir {}", path.display()))?;
    Ok(())
}

fn print_event(e: &SyncEvent) {
    match e {
        SyncEvent::Prepared { records } if *records > 0 => {
            println!("cambios locales preparados: {records} registros");
        }
        SyncEvent::Compared { peer, differing } => {
            println!("{peer}: {differing} registros por conciliar");
        }
        SyncEvent::Records { peer, done, total } => println!("{peer}: registros {done}/{total}"),
        SyncEvent::BlobBytes {
            peer,
            received,
            sent,
        } => {
            println!("{peer}: imágenes y plantillas: {received} bytes recibidos, {sent} enviados");
        }
        SyncEvent::Finished {
            peer, converged, ..
        } => {
            if *converged {
                println!("{peer}: al día");
            } else {
                println!("{peer}: quedaron diferencias; vuelva a sincronizar");
            }
        }
        _ => {}
    }
}

/// Runs `huella sync` (or one of its subcommands).
pub fn run_sync(home: &Home, args: SyncArgs) -> Result<()> {
    if let Some(action) = args.action {
        return run_action(home, action);
    }
    let (Some(user), Some(pf)) = (&args.user, &args.passphrase_file) else {
        bail!("indique --as USUARIO y --passphrase-file ARCHIVO");
    };
    if args.hub.is_none() && args.peer.is_empty() {
        bail!("indique --hub URL o al menos un --peer DIRECCIÓN");
    }
    let mut targets = Vec::new();
    if let Some(hub) = &args.hub {
        targets.push(Target::hub(hub, args.hub_key.as_deref())?);
    }
    targets.extend(args.peer.iter().map(|p| Target::peer(p)));
    let session = Session::open(home, user, pf)?;
    let outcome = run_round(&session, &targets, args.attempts, &mut |e| match e {
        RoundEvent::Sync(e) => print_event(&e),
        RoundEvent::Retrying {
            peer,
            attempt,
            of,
            reason,
        } => println!("{peer}: conexión interrumpida ({reason}); reintentando ({attempt}/{of})"),
    })?;
    if outcome.damaged > 0 {
        println!("registros con datos ilegibles: {}", outcome.damaged);
    }
    print_opaque(outcome.opaque);
    println!(
        "sincronizado: enviados {}, recibidos {}, conflictos {}",
        outcome.sent, outcome.received, outcome.conflicts
    );
    note_sync(home);
    Ok(())
}

/// Tells how many received records this station cannot open (they travel on as relay copies).
fn print_opaque(n: usize) {
    if n > 0 {
        println!(
            "registros recibidos que esta estación no puede abrir (no es destinataria de su llave): {n}"
        );
    }
}

/// Remembers when this station last synced well, for `huella status` (a failure to write
/// the note is logged, never fatal: the data is already safe).
fn note_sync(home: &Home) {
    if let Err(e) = crate::workflows::activity::record_sync(home, &huella_sync::time::now_utc()) {
        tracing::warn!("could not record the last sync time: {e}");
    }
}

fn run_action(home: &Home, action: SyncAction) -> Result<()> {
    match action {
        SyncAction::Conflicts { json, who } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            if !session.credential.officer.role().can_supervise() {
                bail!("solo un supervisor o administrador puede revisar conflictos");
            }
            let list = huella_sync::conflicts::list(&session.store)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for c in &list {
                    println!("{}\t{}\t{}", c.kind.as_str(), c.records.join(","), c.detail);
                }
                println!("conflictos: {}", list.len());
            }
            Ok(())
        }
        SyncAction::Roster { action } => match action {
            RosterAction::Export { out, who } => {
                let session = admin_session(home, &who)?;
                let (_, signed) = ensure_roster(&session)?;
                write_file(&out, &signed.to_file_bytes())?;
                println!("lista de estaciones escrita en {}", out.display());
                Ok(())
            }
            RosterAction::Revoke { station, who } => {
                let session = admin_session(home, &who)?;
                let (mut r, _) = ensure_roster(&session)?;
                let s = r
                    .stations
                    .iter_mut()
                    .find(|s| s.name == station)
                    .with_context(|| format!("la estación {station} no está en la lista"))?;
                if s.name == session.credential.station.station() {
                    bail!(
                        "una estación no puede revocarse a sí misma; revóquela desde otra estación de la oficina"
                    );
                }
                s.revoked = true;
                // A new office key for the stations still trusted: what is written from now
                // on is unreadable to the revoked one.
                let key = r.rotate_office_key()?;
                r.version += 1;
                r.issued_at = huella_sync::time::now_utc();
                let signed = SignedRoster::sign(&r, &session.credential.officer);
                Trust::new(session.store.replica()).anchor(&signed)?;
                let mut b = session.store.batch();
                b.audit(
                    AuditAction::EstacionRevocada,
                    &[],
                    &format!(
                        "estación {station} revocada; llave de oficina generación {}",
                        key.generation()
                    ),
                );
                session.store.commit(
                    b,
                    &session.credential.officer,
                    &huella_sync::time::now_utc(),
                )?;
                println!(
                    "estación {station} revocada (lista versión {}); nueva llave de oficina: generación {}",
                    r.version,
                    key.generation()
                );
                Ok(())
            }
            RosterAction::Show { who } => {
                let session = Session::open(home, &who.user, &who.passphrase_file)?;
                let Some((r, _)) = Trust::new(session.store.replica())
                    .roster(session.credential.station.office())?
                else {
                    println!("la oficina aún no tiene lista de estaciones firmada");
                    return Ok(());
                };
                println!(
                    "oficina {}, lista versión {}, llave de oficina generación {}",
                    r.office,
                    r.version,
                    r.current_generation()
                );
                for s in &r.stations {
                    let held: Vec<String> = r
                        .office_keys
                        .iter()
                        .filter(|g| g.grants.iter().any(|x| x.station == s.name))
                        .map(|g| g.generation.to_string())
                        .collect();
                    println!(
                        "{}\t{}\tgeneraciones: 0{}",
                        s.name,
                        if s.revoked { "revocada" } else { "activa" },
                        held.iter().map(|g| format!(",{g}")).collect::<String>()
                    );
                }
                println!(
                    "esta estación tiene la generación {}",
                    session.office_generation()
                );
                Ok(())
            }
        },
        SyncAction::Invite {
            station,
            out,
            invite_passphrase_file,
            who,
        } => run_invite(home, &station, &out, &invite_passphrase_file, &who),
        SyncAction::Serve { listen, who } => run_serve(home, &listen, &who),
        SyncAction::Erase { id, who } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            if !session.credential.officer.role().can_supervise() {
                bail!("solo un supervisor o administrador puede ordenar un borrado");
            }
            let id = RecordId::parse(&id).context("identificador de registro inválido")?;
            session
                .store
                .erase_replicated(&session.keys(), &session.credential.officer, id)?;
            println!("registro {id} borrado; la orden se replicará en la próxima sincronización");
            Ok(())
        }
    }
}

/// `huella sync serve`: answers office peers over TCP, merging what they push into this
/// station's store; every refused peer is printed and audited as a failed access.
fn run_serve(home: &Home, listen: &str, who: &AsUser) -> Result<()> {
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    let secrets = &session.credential.station;
    let indexer = StationIndexer(secrets.index_key());
    let side = station_side(&session, &indexer);
    side.prepare()?;
    let nonces = NonceCache::new(session.store.replica());
    let server = Server {
        local: &side,
        key: secrets,
        nonces: &nonces,
    };
    huella_sync::peer::serve(
        listen,
        |addr| println!("escuchando en {addr}"),
        &mut |request| {
            // What the peer is told was received must be on disk first.
            let answer = server
                .handle_bytes(request)
                .and_then(|a| session.store.flush().map(|()| a).map_err(Into::into));
            match &answer {
                Ok(_) => {}
                Err(e) if !is_refused_peer(e) => println!("solicitud de un par rechazada: {e}"),
                Err(e) => {
                    println!("solicitud de un par rechazada: {e}");
                    let mut b = session.store.batch();
                    b.audit(
                        AuditAction::AccesoFallido,
                        &[],
                        &format!("sincronización de un par rechazada: {e}"),
                    );
                    if let Err(e) = session.store.commit(
                        b,
                        &session.credential.officer,
                        &huella_sync::time::now_utc(),
                    ) {
                        tracing::warn!(target: "huella::sync", "audit of a refused peer: {e}");
                    }
                }
            }
            answer
        },
    )?;
    Ok(())
}

/// A refusal of who the peer is (audited), as opposed to a malformed message (only logged).
fn is_refused_peer(e: &huella_sync::protocol::SyncError) -> bool {
    use huella_sync::protocol::SyncError as E;
    matches!(
        e,
        E::UnknownStation
            | E::Revoked { .. }
            | E::Forged
            | E::Replayed
            | E::Expired
            | E::Misdirected
    )
}

fn admin_session(home: &Home, who: &AsUser) -> Result<Session> {
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    if session.credential.officer.role() != Role::Admin {
        bail!("solo un administrador puede firmar la lista de estaciones");
    }
    Ok(session)
}

/// The office roster, creating and signing version 1 from this station if none exists.
fn ensure_roster(session: &Session) -> Result<(Roster, SignedRoster)> {
    let trust = Trust::new(session.store.replica());
    let secrets = &session.credential.station;
    if let Some(r) = trust.roster(secrets.office())? {
        return Ok(r);
    }
    let p = secrets.public();
    let officer = &session.credential.officer;
    let r = Roster {
        office: secrets.office().to_owned(),
        version: 1,
        issued_at: huella_sync::time::now_utc(),
        office_recipient: p.office_recipient.clone(),
        stations: vec![RosterStation {
            name: secrets.station().to_owned(),
            key: p.key.to_hex(),
            recipient: p.recipient,
            revoked: false,
        }],
        admins: vec![RosterAdmin {
            user: officer.user().to_owned(),
            key: officer.public().key.to_hex(),
        }],
        office_keys: vec![],
    };
    let signed = SignedRoster::sign(&r, officer);
    trust.anchor(&signed)?;
    Ok((r, signed))
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

fn run_invite(home: &Home, station: &str, out: &Path, pass: &Path, who: &AsUser) -> Result<()> {
    let session = admin_session(home, who)?;
    let (mut r, _) = ensure_roster(&session)?;
    if r.stations.iter().any(|s| s.name == station) {
        bail!("la estación {station} ya está en la lista de la oficina");
    }
    let secrets = session.credential.station.new_station_in_office(station);
    let p = secrets.public();
    // The new station reads everything of the office: every generation this station holds.
    let ring = r.keyring_for(&session.credential.station);
    r.grant_all(&ring, station, &p.recipient)?;
    r.stations.push(RosterStation {
        name: station.to_owned(),
        key: p.key.to_hex(),
        recipient: p.recipient,
        revoked: false,
    });
    r.version += 1;
    r.issued_at = huella_sync::time::now_utc();
    let signed = SignedRoster::sign(&r, &session.credential.officer);
    Trust::new(session.store.replica()).anchor(&signed)?;
    let invite_pass = Passphrase::new_for_sealing_from(&Passphrase::from_file(pass)?)?;
    let holder = OfficerKey::generate("invitacion", Role::Officer);
    let sealed = Credential::seal(&holder, &secrets, &invite_pass, kdf_cost())?;
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
        roster: signed,
        recipients,
    };
    write_file(out, &serde_json::to_vec_pretty(&invite)?)?;
    let mut b = session.store.batch();
    b.audit(
        AuditAction::OficialAgregado,
        &[],
        &format!("invitación para la estación {station}"),
    );
    session.store.commit(
        b,
        &session.credential.officer,
        &huella_sync::time::now_utc(),
    )?;
    println!("invitación para {station} escrita en {}", out.display());
    Ok(())
}

/// `huella init --join INVITE --invite-passphrase-file F --admin USER --passphrase-file F`:
/// creates this station from an invite made on an administrator's station of the office.
pub fn run_join(
    home: &Home,
    invite: &Path,
    invite_pass: &Path,
    admin: &str,
    pass: &Path,
) -> Result<Station> {
    if !valid_user_name(admin) {
        bail!("nombre de usuario inválido: use letras, dígitos, '.', '_' o '-'");
    }
    if home.store_dir().exists() || home.credentials_dir().exists() {
        bail!("ya existe una estación en {}", home.dir().display());
    }
    let raw =
        std::fs::read(invite).with_context(|| format!("no se pudo leer {}", invite.display()))?;
    let inv: Invite = serde_json::from_slice(&raw).context("invitación ilegible")?;
    let sealed = hex::decode(&inv.credential).context("invitación dañada")?;
    let cred = Credential::open(
        &sealed,
        &Passphrase::from_file(invite_pass)?,
        "invitacion",
        &invite.display().to_string(),
    )?;
    let roster = inv.roster.verify_self()?;
    let p = cred.station.public();
    if !roster.stations.iter().any(|s| s.key == p.key.to_hex())
        || cred.station.station() != inv.station
    {
        bail!("la invitación no corresponde a su lista de estaciones");
    }
    let passphrase = Passphrase::new_for_sealing_from(&Passphrase::from_file(pass)?)?;
    let admin_key = OfficerKey::generate(admin, Role::Admin);
    let cred_bytes = Credential::seal(&admin_key, &cred.station, &passphrase, kdf_cost())?;
    std::fs::create_dir_all(home.credentials_dir())
        .with_context(|| format!("no se pudo crear {}", home.dir().display()))?;
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
    Credential::write_file(&home.credential_file(admin), &cred_bytes)?;
    Trust::new(store.replica()).anchor(&inv.roster)?;
    let mut b = store.batch();
    b.audit(
        AuditAction::EstacionCreada,
        &[],
        &format!(
            "oficina {}, estación {} (unida por invitación), administrador {admin}",
            inv.office, inv.station
        ),
    );
    store.commit(b, &admin_key, &now)?;
    println!("estación {} unida a la oficina {}", inv.station, inv.office);
    Ok(station)
}

/// Runs `huella bundle export|import`.
pub fn run_bundle(home: &Home, action: BundleAction) -> Result<()> {
    match action {
        BundleAction::Export { out, peer, who } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let secrets = &session.credential.station;
            let idx = StationIndexer(secrets.index_key());
            let side = station_side(&session, &idx);
            side.prepare()?;
            let roster = Trust::new(session.store.replica())
                .roster(secrets.office())?
                .map(|(_, s)| s);
            let (bytes, n) = bundle::export(&side, secrets, &peer, roster)?;
            write_file(&out, &bytes)?;
            let mut b = session.store.batch();
            b.audit(
                AuditAction::Exportacion,
                &[],
                &format!("paquete de sincronización: {n} registros"),
            );
            session.store.commit(
                b,
                &session.credential.officer,
                &huella_sync::time::now_utc(),
            )?;
            println!(
                "paquete escrito en {}: {n} registros, {} bytes",
                out.display(),
                bytes.len()
            );
            Ok(())
        }
        BundleAction::Import {
            file,
            out,
            peer,
            who,
        } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let secrets = &session.credential.station;
            let idx = StationIndexer(secrets.index_key());
            let side = station_side(&session, &idx);
            side.prepare()?;
            let bytes = std::fs::read(&file)
                .with_context(|| format!("no se pudo leer {}", file.display()))?;
            let replica = session.store.replica();
            let pin = replica.peer_pin(&format!("paquete:{peer}"))?;
            let kind = bundle::open(&bytes).map(|(_, b, _)| b.kind)?;
            if kind == BundleKind::Export {
                let ack = bundle::answer(&side, secrets, &bytes)?;
                let out = out.unwrap_or_else(|| file.with_extension("acuse"));
                write_file(&out, &ack)?;
                print_opaque(side.materialized().opaque);
                println!("acuse escrito en {}", out.display());
                note_sync(home);
            } else {
                let imported = bundle::import(&side, &bytes, &peer, pin)?;
                print_opaque(side.materialized().opaque);
                if pin.is_none() {
                    replica.set_peer_pin(&format!("paquete:{peer}"), &imported.signer)?;
                }
                println!(
                    "sincronizado: enviados {}, recibidos {}, conflictos {}",
                    imported.haves.len(),
                    imported.applied.changed.len(),
                    side.conflicts_found()
                );
                note_sync(home);
            }
            Ok(())
        }
    }
}
