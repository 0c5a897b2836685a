//! The sans-IO sync protocol: typed messages, their signed envelopes, the server's pure
//! request handler and the client's state machine. Nothing here opens a socket or a file;
//! transports (HTTP hub, bundles, tests) carry the encoded bytes.
//!
//! One reconciliation is a few stateless request/response round trips:
//! `Summary` (bucket digests; nothing changed ends here) → `Offer` (what the client has of
//! each differing record; the server answers with what the client lacks and what it has) →
//! `Push` (what the server lacks), repeated until the summaries match. Every request is a
//! signed [`Envelope`]; the server refuses unknown, revoked, replayed or forged ones.
//!
//! This module must not decrypt records, touch officers' keys or print.

mod client;
mod envelope;
mod server;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use client::{Client, Outcome, Step};
pub use envelope::{Envelope, HubKey, MAX_SKEW_MS, NonceCache, Signer};
pub(crate) use envelope::{check_version, now_ms};
pub use server::{LocalSide, Server};

use crate::replica::{Hash, RecordData, RecordHave, ReplicaError, Summary};
use crate::roster::{RosterError, SignedRoster};

/// Protocol version carried by every envelope (first byte of its encoding). Version 2 added
/// the receiver binding ([`Envelope::receiver`]); version 3 the officer's signature and signed
/// officer list in erasure orders (and hubs want a signed head before a body); version 4 the
/// author of every wire chunk ([`crate::replica::ChunkAuthor`]). Older envelopes no longer
/// decode.
pub const VERSION: u8 = 4;
/// Largest encoded message accepted.
pub const MAX_MESSAGE: usize = 16 * 1024 * 1024;
/// Data budget of one message (keys, chunks, blob parts).
pub const DATA_BUDGET: usize = 4 * 1024 * 1024;
/// Most records offered in one `Offer`.
pub const OFFER_BATCH: usize = 4096;

/// A request from a station.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum Request {
    /// The client's collection digest and its office roster.
    Summary {
        /// Bucket digests.
        summary: Summary,
        /// The client's office roster, so the server learns newer versions.
        roster: Option<SignedRoster>,
        /// Roster versions the client knows.
        known_rosters: Vec<(String, u64)>,
    },
    /// What the client has of records whose digests differ.
    Offer {
        /// One entry per record.
        haves: Vec<RecordHave>,
    },
    /// Data the server lacks.
    Push {
        /// Records.
        data: Vec<RecordData>,
    },
}

/// A server's answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum Response {
    /// Answer to `Summary`.
    Summary {
        /// The roots match: nothing to do.
        equal: bool,
        /// Buckets that differ.
        buckets: Vec<u8>,
        /// The server's (record id, digest) pairs in those buckets.
        entries: Vec<([u8; 16], Hash)>,
        /// Rosters newer than the client's.
        rosters: Vec<SignedRoster>,
    },
    /// Answer to `Offer`.
    Offer {
        /// What the client lacks.
        data: Vec<RecordData>,
        /// What the server has of the offered records.
        haves: Vec<RecordHave>,
        /// Some data did not fit; ask again.
        more: bool,
    },
    /// Answer to `Push`.
    Pushed {
        /// Records whose state changed at the server.
        changed: u32,
        /// Records refused, with reasons.
        refused: Vec<([u8; 16], String)>,
    },
}

/// Why a sync exchange failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SyncError {
    /// A message or bundle of another protocol version.
    #[error(
        "la otra parte usa la versión {found} del protocolo de sincronización y esta estación la {ours}: actualice huella donde sea más antigua"
    )]
    Version {
        /// The version found.
        found: u8,
        /// Ours.
        ours: u8,
    },
    /// Bytes that do not decode as a message.
    #[error("mensaje de sincronización ilegible: {0}")]
    Decode(String),
    /// A message larger than allowed.
    #[error("mensaje de sincronización demasiado grande ({0} bytes)")]
    TooLarge(usize),
    /// The signature does not verify.
    #[error("mensaje con firma inválida (falsificado o alterado)")]
    Forged,
    /// A message seen before.
    #[error("mensaje repetido (posible reenvío malicioso); se ignoró")]
    Replayed,
    /// A message outside the accepted clock window.
    #[error("mensaje fuera de tiempo (diferencia de reloj mayor a 5 minutos)")]
    Expired,
    /// Sender not in any trusted roster.
    #[error("estación desconocida: no figura en ninguna lista de estaciones de confianza")]
    UnknownStation,
    /// Sender revoked.
    #[error("la estación {station} de la oficina {office} fue revocada")]
    Revoked {
        /// Office.
        office: String,
        /// Station.
        station: String,
    },
    /// The response does not answer our request, or comes from another hub.
    #[error("respuesta que no corresponde a la solicitud o de un concentrador distinto")]
    WrongPeer,
    /// A message addressed to another hub or station (captured and replayed here), or a
    /// data request that names no receiver.
    #[error("mensaje dirigido a otro destinatario (posible reenvío malicioso); se rechazó")]
    Misdirected,
    /// An unexpected message for the protocol step.
    #[error("mensaje inesperado en este paso del protocolo")]
    Unexpected,
    /// The peer refused the request.
    #[error("el otro extremo rechazó la solicitud: {0}")]
    Refused(String),
    /// The transport failed (connection, HTTP).
    #[error("no se pudo comunicar con {peer}: {reason}")]
    Transport {
        /// Peer address.
        peer: String,
        /// What happened.
        reason: String,
    },
    /// The replica store failed.
    #[error(transparent)]
    Replica(#[from] ReplicaError),
    /// A roster was refused.
    #[error(transparent)]
    Roster(#[from] RosterError),
    /// The station store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The station made too many requests (in flight, or this minute): try again later.
    #[error("demasiadas solicitudes de esta estación; vuelva a intentar en un minuto")]
    TooMany,
}

/// Runs a whole reconciliation over `transport` (which sends request bytes and returns the
/// answer bytes). The transport may fail; the run can then simply be started again.
pub fn run(
    client: &mut Client,
    local: &dyn LocalSide,
    signer: &dyn Signer,
    transport: &mut dyn FnMut(Vec<u8>) -> Result<Vec<u8>, SyncError>,
    events: &mut dyn FnMut(crate::events::SyncEvent),
) -> Result<Outcome, SyncError> {
    let mut msg = client.start(local, signer)?;
    loop {
        let answer = transport(msg)?;
        match client.receive(local, signer, &answer, events)? {
            Step::Send(m) => msg = m,
            Step::Done(o) => return Ok(o),
        }
    }
}

/// Encodes a message.
pub fn encode<T: Serialize>(m: &T) -> Vec<u8> {
    postcard::to_stdvec(m).unwrap_or_default()
}

/// Decodes a message, refusing oversize or malformed bytes (never panics).
pub fn decode<T: for<'de> Deserialize<'de>>(b: &[u8]) -> Result<T, SyncError> {
    if b.len() > MAX_MESSAGE {
        return Err(SyncError::TooLarge(b.len()));
    }
    postcard::from_bytes(b).map_err(|e| SyncError::Decode(e.to_string()))
}

#[cfg(test)]
mod tests;
