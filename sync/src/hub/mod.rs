//! The hub: a real HTTP server (axum on tokio) that relays sealed records between stations.
//! It holds wrapped keys, sealed chunks and sealed blobs it cannot open, checks every request
//! against the office rosters it trusts, and answers with signed messages.
//!
//! Routes: `POST /v1/sync` (one protocol round trip, body = signed envelope),
//! `POST /v1/bundle` (a USB bundle in, the acknowledgement bundle out), `GET /v1/key`.
//! Both POST routes read their body only after the signed head in [`HEAD_HEADER`] was checked
//! (a trusted station, addressed to this hub, within the clock window) and admitted by the
//! [`Budget`] (memory for bodies, a station's share); connections are bounded and slow ones
//! dropped ([`HubLimits`]). This module must not decrypt anything; the blocking protocol work
//! runs on tokio's blocking pool.

mod client;
mod head;
mod limits;
#[cfg(feature = "postgres")]
pub mod postgres;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};

pub use client::HttpTransport;
pub use head::{HEAD_HEADER, RequestHead};
pub use limits::{Admission, Budget, HubLimits, Refusal};

use crate::node::RelaySide;
use crate::protocol::{HubKey, LocalSide, MAX_MESSAGE, NonceCache, Server, Signer, SyncError};
use crate::replica::Replica;
use crate::roster::{SignedRoster, Standing, Trust};

/// A hub's storage: its own sled database under `home/hub`, or a PostgreSQL database shared
/// with other hub processes (feature `postgres`).
pub struct HubHome {
    _db: Option<sled::Db>,
    side: RelaySide,
    key: HubKey,
    nonces: NonceCache,
    /// Nonces of request heads already checked (see [`HubHome::check_head`]).
    head_nonces: NonceCache,
    replica: Replica,
}

impl HubHome {
    /// Opens (or creates) the hub storage in `home` (a 0700 folder).
    pub fn open(home: &Path) -> Result<Self, SyncError> {
        let private = || {
            crate::disk::create_dir_durable(home)?;
            #[cfg(unix)]
            std::fs::set_permissions(
                home,
                <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o700),
            )?;
            Ok::<(), std::io::Error>(())
        };
        private().map_err(|e| SyncError::Transport {
            peer: home.display().to_string(),
            reason: e.to_string(),
        })?;
        let db = sled::open(home.join("hub")).map_err(crate::replica::ReplicaError::from)?;
        let tree = db
            .open_tree("hub")
            .map_err(crate::replica::ReplicaError::from)?;
        // What the hub acknowledges (answers, acks) is fsynced first.
        let disk = std::sync::Arc::new(crate::disk::DiskSync::new(&home.join("hub")));
        let replica = Replica::durable(tree, disk);
        Self::over(replica, Some(db))
    }

    /// Opens the hub storage in the PostgreSQL database at `url` (migrating its schema);
    /// every hub process opened on the same database serves the same replica with one key.
    #[cfg(feature = "postgres")]
    pub fn open_postgres(url: &str) -> Result<Self, SyncError> {
        let storage = postgres::PgStorage::connect(url)?;
        Self::over(Replica::on(Arc::new(storage)), None)
    }

    fn over(replica: Replica, db: Option<sled::Db>) -> Result<Self, SyncError> {
        Ok(HubHome {
            key: HubKey::load_or_create(&replica)?,
            nonces: NonceCache::new(replica.clone()),
            head_nonces: NonceCache::for_heads(replica.clone()),
            side: RelaySide::new(replica.clone()),
            replica,
            _db: db,
        })
    }

    /// Trusts an office roster given by the operator (`--trust FILE`).
    pub fn trust_roster(&self, roster: &SignedRoster) -> Result<String, SyncError> {
        Ok(Trust::new(self.replica.clone()).anchor(roster)?.office)
    }

    /// The hub's public key (hex), to pin on stations.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.public_key())
    }

    /// The replica (tests, benches).
    pub fn replica(&self) -> &Replica {
        &self.replica
    }

    /// Answers one encoded request envelope.
    pub fn handle(&self, body: &[u8]) -> Result<Vec<u8>, SyncError> {
        Server {
            local: &self.side,
            key: &self.key,
            nonces: &self.nonces,
        }
        .handle_bytes(body)
    }

    /// Imports a bundle and returns the acknowledgement bundle.
    pub fn import_bundle(&self, body: &[u8]) -> Result<Vec<u8>, SyncError> {
        crate::bundle::answer(&self.side, &self.key, body)
    }

    /// Imports a bundle and returns the acknowledgement and the bundle's hash, without
    /// marking it imported: call [`HubHome::confirm_bundle`] once the acknowledgement is
    /// durable (see [`crate::bundle::answer_unconfirmed`]).
    pub fn answer_bundle(&self, body: &[u8]) -> Result<(Vec<u8>, [u8; 32]), SyncError> {
        crate::bundle::answer_unconfirmed(&self.side, &self.key, body)
    }

    /// Marks a bundle answered by [`HubHome::answer_bundle`] as imported.
    pub fn confirm_bundle(&self, hash: &[u8; 32]) -> Result<(), SyncError> {
        crate::bundle::confirm_answered(&self.side, hash)
    }

    /// Checks a request's signed head: a trusted, unrevoked station, addressed to this hub
    /// (always, for bundles), within the clock window, announcing a body of allowed size,
    /// and never seen before (a captured head sent again is refused before its body is read).
    pub fn check_head(&self, head: &RequestHead, addressed: bool) -> Result<(), SyncError> {
        let now = crate::protocol::now_ms();
        head.check(&self.key.public_key(), addressed, now)?;
        match self.side.trust().standing(&head.envelope.sender_hex())? {
            Standing::Trusted { .. } => {}
            Standing::Revoked { office, station } => {
                return Err(SyncError::Revoked { office, station });
            }
            Standing::Unknown => return Err(SyncError::UnknownStation),
        }
        // Only after the signature and standing, so strangers cannot fill the cache.
        self.head_nonces.check(&head.envelope.nonce, now)
    }
}

fn status_of(e: &SyncError) -> StatusCode {
    match e {
        SyncError::UnknownStation
        | SyncError::Revoked { .. }
        | SyncError::Forged
        | SyncError::Misdirected => StatusCode::FORBIDDEN,
        SyncError::Replayed | SyncError::Expired => StatusCode::CONFLICT,
        SyncError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        SyncError::Decode(_) | SyncError::Unexpected | SyncError::WrongPeer => {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// What the routes share.
struct App {
    hub: Arc<HubHome>,
    budget: Arc<Budget>,
}

type Answer = (StatusCode, Vec<u8>);

fn refused(e: &SyncError) -> Answer {
    (status_of(e), e.to_string().into_bytes())
}

/// Checks the head, admits the body and reads it; the admission is held while answering.
async fn admitted_body(
    app: &App,
    headers: &HeaderMap,
    body: Body,
    bundle: bool,
) -> Result<(Bytes, Admission), Answer> {
    let head = headers
        .get(HEAD_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            (
                StatusCode::UNAUTHORIZED,
                b"falta la cabecera firmada de la solicitud".to_vec(),
            )
        })
        .and_then(|t| RequestHead::from_header(t).map_err(|e| refused(&e)))?;
    let hub = app.hub.clone();
    let checked = head.clone();
    // The standing check reads sled: off the async threads.
    tokio::task::spawn_blocking(move || hub.check_head(&checked, bundle))
        .await
        .map_err(|_| internal())?
        .map_err(|e| {
            tracing::warn!(target: "huella::hub", sender = %head.envelope.sender_hex(), "request head refused: {e}");
            refused(&e)
        })?;
    let admission = app
        .budget
        .admit(head.envelope.sender, head.length)
        .map_err(|r| match r {
            Refusal::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                b"concentrador ocupado; vuelva a intentar".to_vec(),
            ),
            Refusal::TooMany => (
                StatusCode::TOO_MANY_REQUESTS,
                b"demasiadas solicitudes de esta estacion".to_vec(),
            ),
        })?;
    let limit = usize::try_from(head.length).unwrap_or(MAX_MESSAGE);
    let bytes = tokio::time::timeout(
        app.budget.limits().body_timeout,
        axum::body::to_bytes(body, limit),
    )
    .await
    .map_err(|_| {
        (
            StatusCode::REQUEST_TIMEOUT,
            b"cuerpo de la solicitud demasiado lento".to_vec(),
        )
    })?
    .map_err(|_| {
        (
            StatusCode::BAD_REQUEST,
            b"cuerpo de la solicitud incompleto o mayor que lo anunciado".to_vec(),
        )
    })?;
    let matches = if bundle {
        head.announces_bundle(&bytes)
    } else {
        head.announces_request(&bytes)
    };
    if !matches {
        return Err(refused(&SyncError::Forged));
    }
    Ok((bytes, admission))
}

fn internal() -> Answer {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        b"error interno del concentrador".to_vec(),
    )
}

async fn blocking(
    hub: Arc<HubHome>,
    body: Bytes,
    f: fn(&HubHome, &[u8]) -> Result<Vec<u8>, SyncError>,
) -> Answer {
    let r = tokio::task::spawn_blocking(move || f(&hub, &body)).await;
    match r {
        Ok(Ok(b)) => (StatusCode::OK, b),
        Ok(Err(e)) => refused(&e),
        Err(_) => internal(),
    }
}

async fn route(
    app: Arc<App>,
    headers: HeaderMap,
    body: Body,
    bundle: bool,
    f: fn(&HubHome, &[u8]) -> Result<Vec<u8>, SyncError>,
) -> Answer {
    match admitted_body(&app, &headers, body, bundle).await {
        Ok((bytes, admission)) => {
            let answer = blocking(app.hub.clone(), bytes, f).await;
            drop(admission);
            answer
        }
        Err(a) => a,
    }
}

/// The router of a hub with the default limits.
pub fn router(hub: Arc<HubHome>) -> Router {
    router_with(hub, Budget::new(HubLimits::default()))
}

/// The router of a hub sharing `budget`.
pub fn router_with(hub: Arc<HubHome>, budget: Arc<Budget>) -> Router {
    let app = Arc::new(App {
        hub: hub.clone(),
        budget,
    });
    Router::new()
        .route(
            "/v1/sync",
            post(
                |State(app): State<Arc<App>>, headers: HeaderMap, body: Body| async move {
                    route(app, headers, body, false, HubHome::handle).await
                },
            ),
        )
        .route(
            "/v1/bundle",
            post(
                |State(app): State<Arc<App>>, headers: HeaderMap, body: Body| async move {
                    route(app, headers, body, true, HubHome::import_bundle).await
                },
            ),
        )
        .route(
            "/v1/key",
            get(|State(app): State<Arc<App>>| async move { app.hub.public_key_hex() }),
        )
        .layer(DefaultBodyLimit::max(MAX_MESSAGE))
        .with_state(app)
}

/// Serves `hub` on `listen` with the default limits until the process is killed; `ready`
/// gets the bound address.
pub fn serve(hub: HubHome, listen: &str, ready: impl FnOnce(SocketAddr)) -> Result<(), SyncError> {
    serve_with(hub, listen, HubLimits::default(), ready)
}

/// Like [`serve`] with `limits`: at most `max_connections` connections (more are closed on
/// arrival), headers within `header_timeout`, each connection at most `connection_lifetime`.
pub fn serve_with(
    hub: HubHome,
    listen: &str,
    limits: HubLimits,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), SyncError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| transport(listen, &e))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| transport(listen, &e))?;
        let addr = listener.local_addr().map_err(|e| transport(listen, &e))?;
        ready(addr);
        tracing::info!(target: "huella::hub", %addr, "hub listening");
        let app = router_with(Arc::new(hub), Budget::new(limits.clone()));
        let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
        loop {
            let (tcp, peer) = match listener.accept().await {
                Ok(c) => c,
                Err(e) => {
                    // Out of descriptors or similar: wait a little rather than spin.
                    tracing::warn!(target: "huella::hub", "accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            };
            let Ok(slot) = slots.clone().try_acquire_owned() else {
                tracing::warn!(target: "huella::hub", %peer, "connection refused: hub full");
                drop(tcp);
                continue;
            };
            let service = hyper_util::service::TowerToHyperService::new(app.clone());
            let limits = limits.clone();
            tokio::spawn(async move {
                let _slot = slot;
                let mut http = hyper::server::conn::http1::Builder::new();
                http.timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(limits.header_timeout)
                    .max_buf_size(64 * 1024);
                let conn = http.serve_connection(hyper_util::rt::TokioIo::new(tcp), service);
                if tokio::time::timeout(limits.connection_lifetime, conn)
                    .await
                    .is_err()
                {
                    tracing::info!(target: "huella::hub", %peer, "connection closed at its time limit");
                }
            });
        }
    })
}

fn transport(peer: &str, e: &dyn std::fmt::Display) -> SyncError {
    SyncError::Transport {
        peer: peer.to_owned(),
        reason: e.to_string(),
    }
}
