//! The hub: a real HTTP server (axum on tokio) that relays sealed records between stations.
//! It holds wrapped keys, sealed chunks and sealed blobs it cannot open, checks every request
//! against the office rosters it trusts, and answers with signed messages.
//!
//! Routes: `POST /v1/sync` (one protocol round trip, body = signed envelope),
//! `POST /v1/bundle` (a USB bundle in, the acknowledgement bundle out), `GET /v1/key`.
//! This module must not decrypt anything; the blocking protocol work runs on tokio's
//! blocking pool.

mod client;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post};

pub use client::HttpTransport;

use crate::node::RelaySide;
use crate::protocol::{HubKey, MAX_MESSAGE, NonceCache, Server, Signer, SyncError};
use crate::replica::Replica;
use crate::roster::{SignedRoster, Trust};

/// A hub's storage: its own sled database under `home/hub`.
pub struct HubHome {
    _db: sled::Db,
    side: RelaySide,
    key: HubKey,
    nonces: NonceCache,
    replica: Replica,
}

impl HubHome {
    /// Opens (or creates) the hub storage in `home`.
    pub fn open(home: &Path) -> Result<Self, SyncError> {
        let private = || {
            std::fs::create_dir_all(home)?;
            #[cfg(unix)]
            std::fs::set_permissions(home, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
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
        let replica = Replica::new(tree);
        Ok(HubHome {
            key: HubKey::load_or_create(&replica)?,
            nonces: NonceCache::new(replica.clone()),
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

async fn blocking(
    hub: Arc<HubHome>,
    body: Bytes,
    f: fn(&HubHome, &[u8]) -> Result<Vec<u8>, SyncError>,
) -> (StatusCode, Vec<u8>) {
    let r = tokio::task::spawn_blocking(move || f(&hub, &body)).await;
    match r {
        Ok(Ok(b)) => (StatusCode::OK, b),
        Ok(Err(e)) => (status_of(&e), e.to_string().into_bytes()),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            b"error interno del concentrador".to_vec(),
        ),
    }
}

/// The router of a hub.
pub fn router(hub: Arc<HubHome>) -> Router {
    Router::new()
        .route(
            "/v1/sync",
            post(|State(h): State<Arc<HubHome>>, body: Bytes| async move {
                blocking(h, body, HubHome::handle).await
            }),
        )
        .route(
            "/v1/bundle",
            post(|State(h): State<Arc<HubHome>>, body: Bytes| async move {
                blocking(h, body, HubHome::import_bundle).await
            }),
        )
        .route(
            "/v1/key",
            get(|State(h): State<Arc<HubHome>>| async move { h.public_key_hex() }),
        )
        .layer(DefaultBodyLimit::max(MAX_MESSAGE))
        .with_state(hub)
}

/// Serves `hub` on `listen` until the process is killed; `ready` gets the bound address.
pub fn serve(hub: HubHome, listen: &str, ready: impl FnOnce(SocketAddr)) -> Result<(), SyncError> {
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
        axum::serve(listener, router(Arc::new(hub)))
            .await
            .map_err(|e| transport(listen, &e))
    })
}

fn transport(peer: &str, e: &dyn std::fmt::Display) -> SyncError {
    SyncError::Transport {
        peer: peer.to_owned(),
        reason: e.to_string(),
    }
}
