//! `sync serve`: this station answers its office peers over TCP until the process ends,
//! merging what they push. Owns flushing before an answer (what a peer is told was received
//! is on disk) and auditing every refusal of who a peer is as a failed access.

use std::net::SocketAddr;

use huella_sync::AuditAction;
use huella_sync::protocol::{NonceCache, Server, SyncError};

use crate::workflows::session::Session;
use crate::workflows::sync_round::{StationIndexer, station_side};

/// Serves on `listen`: `ready` hears the bound address, `refused` every request refused
/// (a malformed one or a peer that is not trusted).
pub fn serve(
    session: &Session,
    listen: &str,
    ready: impl FnOnce(SocketAddr),
    refused: &mut dyn FnMut(&SyncError),
) -> Result<(), SyncError> {
    let secrets = &session.credential.station;
    let indexer = StationIndexer(secrets.index_key());
    let side = station_side(session, &indexer);
    side.prepare()?;
    let nonces = NonceCache::new(session.store.replica());
    let server = Server {
        local: &side,
        key: secrets,
        nonces: &nonces,
    };
    // Both the head check and the handler report refusals, one at a time on this thread.
    let refused = std::cell::RefCell::new(refused);
    let mut admit = |head: &huella_sync::hub::RequestHead| {
        let r = server.check_head(head);
        if let Err(e) = &r {
            (refused.borrow_mut())(e);
            if is_refused_peer(e) {
                audit_refusal(session, e);
            }
        }
        r
    };
    huella_sync::peer::serve(listen, ready, &mut admit, &mut |request| {
        let answer = server
            .handle_bytes(request)
            .and_then(|a| session.store.flush().map(|()| a).map_err(Into::into));
        if let Err(e) = &answer {
            (refused.borrow_mut())(e);
            if is_refused_peer(e) {
                audit_refusal(session, e);
            }
        }
        answer
    })
}

/// A refusal of who the peer is (audited), as opposed to a malformed message (only logged).
fn is_refused_peer(e: &SyncError) -> bool {
    matches!(
        e,
        SyncError::UnknownStation
            | SyncError::Revoked { .. }
            | SyncError::Forged
            | SyncError::Replayed
            | SyncError::Expired
            | SyncError::Misdirected
    )
}

/// Audits a refused peer; a failure to audit is logged, never fatal to the server.
fn audit_refusal(session: &Session, e: &SyncError) {
    let mut b = session.store.batch();
    b.audit(
        AuditAction::AccesoFallido,
        &[],
        &format!("sincronización de un par rechazada: {e}"),
    );
    if let Err(e) = session.commit(b) {
        tracing::warn!(target: "huella::sync", "audit of a refused peer: {e}");
    }
}
