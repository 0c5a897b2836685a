//! `huella hub`, `huella sync …`, `huella bundle …` and `huella init --join`: argument glue
//! over the sync crate (protocol, hub, bundles, rosters). Prints progress lines and the
//! contract line `sincronizado: enviados S, recibidos R, conflictos C`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use huella_keys::Passphrase;
use huella_sync::events::SyncEvent;
use huella_sync::hub::HubHome;
use huella_sync::protocol::SyncError;
use huella_sync::roster::SignedRoster;
use huella_sync::{RecordId, Station};

use crate::cli::AsUser;
use crate::commands::out::{self, Deferred, OutputError};
use crate::commands::text::{self, CliError, Say, contract};
use crate::home::Home;
use crate::say;
use crate::workflows::office::{self, InviteRequest, JoinRequest};
use crate::workflows::session::{Session, kdf_cost};
use crate::workflows::sync_round::{RoundEvent, Target, run_round};
use crate::workflows::{bundles, erase, peer_server};

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
    /// Keeps the hub's replica in PostgreSQL (postgres://user@host:port/db), shared by every
    /// hub process given the same URL; without it, in the home folder (sled).
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
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
    /// Names the central office's public key (age1…) in a new roster version, signed and
    /// audited: hubs, peers and stations then accept the central node's changes.
    CentralKey {
        /// The central office's public key (age1…).
        key: String,
        /// Credentials (an administrator).
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
    let hub = match &args.store {
        Some(url) => crate::commands::hub_store::open(url)?,
        None => HubHome::open(home.dir()).map_err(|e| hub_open_error(home, e))?,
    };
    for f in &args.trust {
        let bytes = read_file(f)?;
        let office = hub.trust_roster(&SignedRoster::from_file_bytes(&bytes)?)?;
        out::server_line(Say::HubTrusts { office: &office });
    }
    if let Some(file) = &args.import_bundle {
        let bytes = read_bundle(file)?;
        let (ack, hash) = hub.answer_bundle(&bytes)?;
        let out = args
            .ack_out
            .clone()
            .unwrap_or_else(|| file.with_extension("acuse"));
        write_file(&out, &ack)?;
        // Only a durable acknowledgement makes the bundle count as imported: if writing it
        // failed, importing the same bundle again writes it again.
        hub.confirm_bundle(&hash)?;
        out::line(Say::HubBundleImported { ack: &out })?;
        return Ok(());
    }
    let listen = args.listen.as_deref().unwrap_or("127.0.0.1:7400");
    let key = hub.public_key_hex();
    huella_sync::hub::serve(hub, listen, |addr| {
        out::server_line(contract::hub_listening(addr, &key));
    })?;
    Ok(())
}

/// A hub folder held by a running hub says so once, plainly; sled only reports the lock as
/// an I/O error text (as `Store::open` also has to recognise it).
fn hub_open_error(home: &Home, e: SyncError) -> anyhow::Error {
    if e.to_string().contains("could not acquire lock") {
        CliError::HubInUse {
            dir: home.dir().to_owned(),
        }
        .into()
    } else {
        e.into()
    }
}

/// Writes an output file whole and durably beside its target (see `disk::write_atomic`).
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    huella_sync::disk::write_atomic(path, bytes)?;
    Ok(())
}

/// A bundle file, read whole but never past the largest bundle (a device or a FIFO is refused).
fn read_bundle(path: &Path) -> Result<Vec<u8>> {
    Ok(huella_sync::disk::read_regular(
        path,
        huella_sync::bundle::MAX_BUNDLE as u64,
    )?)
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| CliError::Read {
        path: path.to_owned(),
    })
}

fn print_event(out: &mut Deferred, e: &SyncEvent) {
    match e {
        SyncEvent::Prepared { records } if *records > 0 => {
            out.line(Say::Prepared { records: *records });
        }
        SyncEvent::Compared { peer, differing } => {
            out.line(Say::Compared {
                peer,
                differing: *differing,
            });
        }
        SyncEvent::Records { peer, done, total } => {
            out.line(Say::Records {
                peer,
                done: *done,
                total: *total,
            });
        }
        SyncEvent::BlobBytes {
            peer,
            received,
            sent,
        } => {
            out.line(Say::BlobBytes {
                peer,
                received: *received,
                sent: *sent,
            });
        }
        SyncEvent::Finished {
            peer, converged, ..
        } => {
            if *converged {
                out.line(Say::UpToDate { peer });
            } else {
                out.line(Say::Unconverged { peer });
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
        return Err(CliError::NeedCredentials.into());
    };
    if args.hub.is_none() && args.peer.is_empty() {
        return Err(CliError::NeedSyncTarget.into());
    }
    let mut targets = Vec::new();
    if let Some(hub) = &args.hub {
        targets.push(Target::hub(hub, args.hub_key.as_deref())?);
    }
    targets.extend(args.peer.iter().map(|p| Target::peer(p)));
    let session = Session::open(home, user, pf)?;
    let mut out = Deferred::default();
    let outcome = run_round(&session, &targets, args.attempts, &mut |e| match e {
        RoundEvent::Sync(e) => print_event(&mut out, &e),
        RoundEvent::Retrying {
            peer,
            attempt,
            of,
            reason,
        } => out.line(Say::Retrying {
            peer: &peer,
            reason: &crate::commands::text::describe(reason.0.as_ref()),
            attempt,
            of,
        }),
    })?;
    // The round is done and safe on disk; only then does a closed output stop the command.
    note_sync(home);
    out.finish()?;
    if outcome.damaged > 0 {
        out::line(Say::Damaged(outcome.damaged))?;
    }
    print_opaque(outcome.opaque)?;
    out::line(contract::synced(
        outcome.sent,
        outcome.received,
        outcome.conflicts,
    ))?;
    Ok(())
}

/// Tells how many received records this station cannot open (they travel on as relay copies).
fn print_opaque(n: usize) -> Result<(), OutputError> {
    if n > 0 {
        out::line(contract::opaque(n))?;
    }
    Ok(())
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
            use crate::workflows::conflicts::{ConflictsError, for_supervisor};
            let list = match for_supervisor(&session) {
                Ok(list) => list,
                Err(ConflictsError::NotSupervisor) => {
                    return Err(CliError::ConflictsNeedSupervisor.into());
                }
                Err(e) => return Err(e.into()),
            };
            if json {
                say!("{}", serde_json::to_string_pretty(&list)?)?;
            } else {
                for c in &list {
                    out::line(contract::conflict(
                        c.kind.as_str(),
                        &c.records.join(","),
                        &c.detail,
                    ))?;
                }
                out::line(contract::conflicts_total(list.len()))?;
            }
            Ok(())
        }
        SyncAction::Roster { action } => match action {
            RosterAction::Export { out, who } => {
                let session = Session::open(home, &who.user, &who.passphrase_file)?;
                write_file(&out, &office::roster_file(&session)?)?;
                out::line(Say::RosterWritten { path: &out })?;
                Ok(())
            }
            RosterAction::Revoke { station, who } => {
                let session = Session::open(home, &who.user, &who.passphrase_file)?;
                let r = office::revoke(&session, &station)?;
                out::line(contract::revoked(
                    &r.station,
                    r.roster_version,
                    r.generation,
                ))?;
                Ok(())
            }
            RosterAction::CentralKey { key, who } => {
                let session = Session::open(home, &who.user, &who.passphrase_file)?;
                let c = office::set_central_key(&session, &key)?;
                out::line(contract::central_key_named(c.roster_version))?;
                Ok(())
            }
            RosterAction::Show { who } => {
                let session = Session::open(home, &who.user, &who.passphrase_file)?;
                let Some(r) = office::roster_view(&session)? else {
                    out::line(Say::NoRoster)?;
                    return Ok(());
                };
                out::line(contract::roster_head(&r.office, r.version, r.generation))?;
                for s in &r.stations {
                    out::line(contract::roster_station(&s.name, s.revoked, &s.generations))?;
                }
                out::line(contract::roster_own_generation(r.own_generation))?;
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
            let id = RecordId::parse(&id).ok_or(CliError::BadRecordId { id })?;
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            erase::erase(&session, id)?;
            out::line(Say::Erased {
                id: &id.to_string(),
            })?;
            Ok(())
        }
    }
}

/// `huella sync serve`: answers office peers over TCP until killed; every refused request is
/// printed (and a refused peer audited by the workflow).
fn run_serve(home: &Home, listen: &str, who: &AsUser) -> Result<()> {
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    peer_server::serve(
        &session,
        listen,
        |addr| out::server_line(contract::listening(addr)),
        &mut |e| {
            out::server_line(Say::PeerRefused {
                reason: &text::describe(e),
            });
        },
    )?;
    Ok(())
}

fn run_invite(home: &Home, station: &str, out: &Path, pass: &Path, who: &AsUser) -> Result<()> {
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    let invite = office::invite(
        &session,
        &InviteRequest {
            station,
            passphrase: &Passphrase::from_file(pass)?,
            cost: kdf_cost(),
        },
    )?;
    write_file(out, &invite)?;
    out::line(Say::InviteWritten { station, path: out })?;
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
    let station = office::join(
        home,
        &JoinRequest {
            invite: &read_file(invite)?,
            invite_name: &invite.display().to_string(),
            invite_passphrase: &Passphrase::from_file(invite_pass)?,
            admin,
            passphrase: &Passphrase::from_file(pass)?,
            cost: kdf_cost(),
        },
    )?;
    out::line(Say::StationJoined {
        station: &station.station,
        office: &station.office,
    })?;
    Ok(station)
}

/// Runs `huella bundle export|import`.
pub fn run_bundle(home: &Home, action: BundleAction) -> Result<()> {
    match action {
        BundleAction::Export { out, peer, who } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let export = bundles::export(&session, &peer)?;
            write_file(&out, &export.bytes)?;
            out::line(Say::BundleWritten {
                path: &out,
                records: export.records,
                bytes: export.bytes.len(),
            })?;
            Ok(())
        }
        BundleAction::Import {
            file,
            out,
            peer,
            who,
        } => {
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            match bundles::read(&session, &read_bundle(&file)?, &peer)? {
                bundles::Read::Answered {
                    ack,
                    bundle,
                    opaque,
                } => {
                    let out = out.unwrap_or_else(|| file.with_extension("acuse"));
                    write_file(&out, &ack)?;
                    bundles::confirm_answer(&session, &bundle)?;
                    note_sync(home);
                    print_opaque(opaque)?;
                    out::line(Say::AckWritten { path: &out })?;
                }
                bundles::Read::Merged {
                    sent,
                    received,
                    conflicts,
                    opaque,
                } => {
                    note_sync(home);
                    print_opaque(opaque)?;
                    out::line(contract::synced(sent, received, conflicts))?;
                }
            }
            Ok(())
        }
    }
}
