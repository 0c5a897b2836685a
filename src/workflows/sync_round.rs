//! One reconciliation round of this station with its hub and LAN peers, shared by
//! `huella sync` and the console's sync worker.
//!
//! Owns: choosing the transport for each target, retries after a dropped connection, pinning
//! the peer's key on first contact, auditing a refused sync, and the totals of the round. It
//! must not print or draw anything: callers see progress through [`RoundEvent`]s.

use std::time::Duration;

use anyhow::Result;
use huella_keys::{BlindTag, IndexKey};
use huella_sync::events::SyncEvent;
use huella_sync::hub::HttpTransport;
use huella_sync::node::StationSide;
use huella_sync::peer::TcpTransport;
use huella_sync::protocol::{self, Client, Envelope, SyncError};
use huella_sync::roster::{Standing, Trust};
use huella_sync::{AuditAction, Indexer, PersonRecord};

use crate::workflows::session::Session;

/// Someone this station reconciles with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The address as the user gave it (URL of a hub, `host:port` of a peer).
    pub address: String,
    /// The key the other side must present (hex given by the user), if any.
    pub pinned_key: Option<[u8; 32]>,
    /// How the other side is reached.
    pub via: Via,
}

/// The transport of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// HTTP to a hub (`huella hub`), or to a peer given as an `http://` URL.
    Http,
    /// Length-prefixed frames over TCP to a station running `huella sync serve`; its
    /// answers must be signed by a trusted, unrevoked station of our roster.
    Tcp,
}

/// Why a sync round was not run or ended early.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoundError {
    /// The pinned hub key is not 32 bytes of hex.
    #[error("--hub-key debe tener 64 caracteres hexadecimales")]
    HubKey,
    /// The round with this peer or hub failed (the refusal is audited).
    #[error("sincronización con {url}")]
    With {
        /// The peer or hub.
        url: String,
        /// Why.
        #[source]
        source: SyncError,
    },
}

impl Target {
    /// A hub at `url`, optionally with its expected key in hex.
    pub fn hub(url: &str, key_hex: Option<&str>) -> Result<Self> {
        let pinned_key = match key_hex {
            Some(h) => {
                let mut k = [0u8; 32];
                hex::decode_to_slice(h.trim(), &mut k).map_err(|_| RoundError::HubKey)?;
                Some(k)
            }
            None => None,
        };
        Ok(Target {
            address: url.trim().to_string(),
            pinned_key,
            via: Via::Http,
        })
    }

    /// A LAN peer at `addr`: `host:port` goes over TCP, an `http://` URL over HTTP.
    pub fn peer(addr: &str) -> Self {
        let address = addr.trim().to_string();
        let via = if is_url(&address) {
            Via::Http
        } else {
            Via::Tcp
        };
        Target {
            address,
            pinned_key: None,
            via,
        }
    }

    /// The name the peer's key is pinned under, and the HTTP URL.
    fn url(&self) -> String {
        if self.via == Via::Tcp {
            format!("tcp://{}", self.address)
        } else if is_url(&self.address) {
            self.address.clone()
        } else {
            format!("http://{}", self.address)
        }
    }
}

fn is_url(a: &str) -> bool {
    a.starts_with("http://") || a.starts_with("https://")
}

/// Refuses an answer not signed by a trusted station of our roster (a LAN peer must be one
/// of our office's stations, not merely the key seen first).
fn check_station(trust: &Trust, answer: &[u8]) -> Result<(), SyncError> {
    let env = Envelope::from_bytes(answer)?;
    match trust.standing(&env.sender_hex())? {
        Standing::Trusted { .. } => Ok(()),
        Standing::Revoked { office, station } => Err(SyncError::Revoked { office, station }),
        Standing::Unknown => Err(SyncError::UnknownStation),
    }
}

/// Why a connection dropped: the transport's typed error, shared so progress events stay
/// cheap to clone; the faces word it in their language.
#[derive(Debug, Clone)]
pub struct DropReason(pub std::sync::Arc<SyncError>);

impl PartialEq for DropReason {
    /// Two reasons are the same when they say the same (errors carry no identity).
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl Eq for DropReason {}

/// What the round tells its caller as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundEvent {
    /// Progress from the sync protocol.
    Sync(SyncEvent),
    /// The connection to `peer` dropped; the round tries again.
    Retrying {
        /// The target's address.
        peer: String,
        /// Attempt that failed (1-based).
        attempt: u32,
        /// Attempts allowed.
        of: u32,
        /// Why it dropped (the transport's error; the faces word it).
        reason: DropReason,
    },
}

/// Totals of a finished round.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundOutcome {
    /// Records the others accepted from this station.
    pub sent: u64,
    /// Records changed here.
    pub received: u64,
    /// Semantic conflicts found while merging.
    pub conflicts: usize,
    /// Records whose received data could not be read.
    pub damaged: usize,
    /// Records received that this station cannot open (not a recipient of their key: another
    /// office's, or written after this station was revoked).
    pub opaque: usize,
}

/// Computes blind-index tags of merged records with the station's index key.
pub struct StationIndexer<'a>(pub &'a IndexKey);

impl Indexer for StationIndexer<'_> {
    fn tags(&self, r: &PersonRecord) -> Vec<BlindTag> {
        if r.is_staff() {
            return crate::workflows::attendance::tags_of(self.0, r);
        }
        crate::workflows::indexing::record_tags(self.0, r)
    }
    fn curp_tag(&self, r: &PersonRecord) -> Option<BlindTag> {
        r.identity()
            .ok()
            .filter(|i| !i.curp.trim().is_empty())
            .map(|i| crate::workflows::indexing::curp_tag(self.0, &i.curp))
    }
}

/// The station side of a sync (or bundle) for `session`, indexing what it merges with
/// `indexer` (`StationIndexer(session.credential.station.index_key())`).
pub fn station_side<'a>(session: &'a Session, indexer: &'a StationIndexer<'a>) -> StationSide<'a> {
    StationSide::new(
        &session.store,
        session.keys(),
        &session.credential.officer,
        indexer,
    )
}

/// Reconciles the station of `session` with every target in turn, `attempts` tries each.
///
/// A target that refuses or answers garbage ends the round with an error (audited as a
/// failed access); what earlier targets merged stays merged.
pub fn run_round(
    session: &Session,
    targets: &[Target],
    attempts: u32,
    on_event: &mut dyn FnMut(RoundEvent),
) -> Result<RoundOutcome> {
    let secrets = &session.credential.station;
    let indexer = StationIndexer(secrets.index_key());
    let side = station_side(session, &indexer);
    let prepared = side.prepare()?;
    on_event(RoundEvent::Sync(SyncEvent::Prepared { records: prepared }));
    let roster = Trust::new(session.store.replica())
        .roster(secrets.office())?
        .map(|(_, s)| s);
    let attempts = attempts.max(1);
    let mut totals = RoundOutcome::default();
    for target in targets {
        let url = target.url();
        let replica = session.store.replica();
        let pin = match target.pinned_key {
            Some(k) => Some(k),
            None => replica.peer_pin(&url)?,
        };
        let mut attempt = 0;
        let outcome = loop {
            attempt += 1;
            let mut client = Client::new(&url, pin, roster.clone());
            let result = match target.via {
                Via::Http => {
                    let mut http = HttpTransport::new(&url);
                    protocol::run(
                        &mut client,
                        &side,
                        secrets,
                        &mut |m| http.call(m),
                        &mut |e| on_event(RoundEvent::Sync(e)),
                    )
                }
                Via::Tcp => {
                    let mut tcp = TcpTransport::new(&target.address);
                    let trust = Trust::new(replica.clone());
                    protocol::run(
                        &mut client,
                        &side,
                        secrets,
                        &mut |m| {
                            let answer = tcp.call(m)?;
                            check_station(&trust, &answer)?;
                            Ok(answer)
                        },
                        &mut |e| on_event(RoundEvent::Sync(e)),
                    )
                }
            };
            match result {
                Ok(o) => break o,
                Err(e @ SyncError::Transport { .. }) if attempt < attempts => {
                    on_event(RoundEvent::Retrying {
                        peer: target.address.clone(),
                        attempt,
                        of: attempts,
                        reason: DropReason(std::sync::Arc::new(e)),
                    });
                    std::thread::sleep(Duration::from_millis(500 * u64::from(attempt)));
                }
                Err(e) => {
                    let mut b = session.store.batch();
                    b.audit(
                        AuditAction::AccesoFallido,
                        &[],
                        &format!("sincronización con {url} rechazada: {e}"),
                    );
                    if let Err(c) = session.commit(b) {
                        tracing::warn!(target: "huella::sync", "refusal not audited: {c}");
                    }
                    return Err(RoundError::With {
                        url: url.to_string(),
                        source: e,
                    }
                    .into());
                }
            }
        };
        if pin.is_none()
            && let Some(k) = outcome.peer_key
        {
            replica.set_peer_pin(&url, &k)?;
        }
        totals.sent += outcome.sent;
        totals.received += outcome.received;
    }
    totals.conflicts = side.conflicts_found();
    totals.damaged = side.materialized().damaged.len();
    totals.opaque = side.materialized().opaque;
    Ok(totals)
}
