//! Offline exchange on a USB stick: a station's export bundle and the reading of a bundle
//! that came back (the hub's acknowledgement) or came from another station (answered with an
//! acknowledgement). Owns preparing the local side, pinning the other side's key on first
//! use and the audit entry of an export. It reads and writes no files: the faces do.

use huella_sync::AuditAction;
use huella_sync::bundle::{self, BundleKind};
use huella_sync::protocol::SyncError;
use huella_sync::roster::Trust;

use crate::workflows::session::Session;
use crate::workflows::sync_round::{StationIndexer, station_side};

/// An export bundle, ready to be written.
#[derive(Debug)]
pub struct Export {
    /// The bundle's bytes.
    pub bytes: Vec<u8>,
    /// Records in it.
    pub records: usize,
}

/// What reading a bundle did.
#[derive(Debug)]
pub enum Read {
    /// Another station's export was merged; its acknowledgement is to be handed back.
    Answered {
        /// The acknowledgement bundle's bytes.
        ack: Vec<u8>,
        /// The answered bundle, for [`confirm_answer`] once the acknowledgement is written.
        bundle: huella_sync::replica::Hash,
        /// Received records this station cannot open (relay copies).
        opaque: usize,
    },
    /// An acknowledgement (or export) from the other side was merged, like a sync round.
    Merged {
        /// Records the other side now holds from us.
        sent: usize,
        /// Records received.
        received: usize,
        /// Conflicts found.
        conflicts: usize,
        /// Received records this station cannot open (relay copies).
        opaque: usize,
    },
}

/// Writes what `peer` (by default the hub) is not known to have, with the office roster;
/// audited as an export.
pub fn export(session: &Session, peer: &str) -> Result<Export, SyncError> {
    let secrets = &session.credential.station;
    let indexer = StationIndexer(secrets.index_key());
    let side = station_side(session, &indexer);
    side.prepare()?;
    let roster = Trust::new(session.store.replica())
        .roster(secrets.office())?
        .map(|(_, s)| s);
    let (bytes, records) = bundle::export(&side, secrets, peer, roster)?;
    let mut b = session.store.batch();
    b.audit(
        AuditAction::Exportacion,
        &[],
        &format!("paquete de sincronización: {records} registros"),
    );
    session.commit(b)?;
    Ok(Export { bytes, records })
}

/// Marks an answered bundle done, after its acknowledgement was written durably.
pub fn confirm_answer(
    session: &Session,
    answered: &huella_sync::replica::Hash,
) -> Result<(), SyncError> {
    let secrets = &session.credential.station;
    let indexer = StationIndexer(secrets.index_key());
    let side = station_side(session, &indexer);
    bundle::confirm_answered(&side, answered)
}

/// Reads a bundle from `peer`: another station's export is merged and answered; an
/// acknowledgement is merged, and the signer's key pinned for `peer` on first use.
pub fn read(session: &Session, bytes: &[u8], peer: &str) -> Result<Read, SyncError> {
    let secrets = &session.credential.station;
    let indexer = StationIndexer(secrets.index_key());
    let side = station_side(session, &indexer);
    side.prepare()?;
    let replica = session.store.replica();
    let pin_name = format!("paquete:{peer}");
    let pin = replica.peer_pin(&pin_name)?;
    let kind = bundle::open(bytes).map(|(_, b, _)| b.kind)?;
    if kind == BundleKind::Export {
        // Not yet marked answered: only a durable acknowledgement makes it count, so a lost
        // acknowledgement (full disk, pulled stick) is made again by reading the bundle again.
        let (ack, hash) = bundle::answer_unconfirmed(&side, secrets, bytes)?;
        return Ok(Read::Answered {
            ack,
            bundle: hash,
            opaque: side.materialized().opaque,
        });
    }
    let imported = bundle::import(&side, bytes, peer, pin)?;
    if pin.is_none() {
        replica.set_peer_pin(&pin_name, &imported.signer)?;
    }
    Ok(Read::Merged {
        sent: imported.haves.len(),
        received: imported.applied.changed.len(),
        conflicts: side.conflicts_found(),
        opaque: side.materialized().opaque,
    })
}
