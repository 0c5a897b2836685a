//! Progress events a sync emits for the console (typed, sent on a channel or to a callback).
//! They carry counts only, never personal data.

/// One progress event of a reconciliation with one peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    /// Local changes were prepared for sending.
    Prepared {
        /// Records with new local changes.
        records: usize,
    },
    /// The collection digests were compared.
    Compared {
        /// Peer address or name.
        peer: String,
        /// Records whose state differs.
        differing: usize,
    },
    /// Records reconciled so far.
    Records {
        /// Peer.
        peer: String,
        /// Done.
        done: usize,
        /// Of.
        total: usize,
    },
    /// Blob bytes moved so far.
    BlobBytes {
        /// Peer.
        peer: String,
        /// Bytes received.
        received: u64,
        /// Bytes sent.
        sent: u64,
    },
    /// The reconciliation with a peer finished.
    Finished {
        /// Peer.
        peer: String,
        /// Records the peer accepted from us.
        sent: u64,
        /// Records changed here.
        received: u64,
        /// Whether both ends now hold the same state.
        converged: bool,
    },
}

/// Where events go.
pub type EventSink<'a> = &'a mut dyn FnMut(SyncEvent);
