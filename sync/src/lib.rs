//! Person records and where they live.
//!
//! - [`record`]: one Automerge document per person ([`PersonRecord`]) with a typed API over
//!   flat maps of scalar strings: identity, employer pre-registration, movements, consent,
//!   finger captures, face, signed approvals, verifications and biometric status history.
//!   Images and templates are never inside a document: the document holds [`BlobRef`]s.
//! - [`store`]: the station's sled database. Every document chunk and blob is sealed with the
//!   person's data key; lookups use blind-index tags; writes are atomic batches that are
//!   flushed before anyone is told they are saved.
//! - [`audit`]: the append-only, hash-chained, signed audit trail kept in the same database.
//!
//! This crate must not print, draw or talk to devices. Sync sessions, hub and bundles build on
//! these types (see `docs/architecture.md`).

pub mod audit;
pub mod bundle;
pub mod conflicts;
pub mod disk;
pub mod events;
pub mod hub;
pub mod node;
pub mod peer;
pub mod protocol;
pub mod record;
pub mod replica;
pub mod roster;
mod station_share;
pub mod store;
pub mod time;

pub use audit::{AuditAction, AuditEntry, AuditProblem};
pub use record::IssuedDocument;
pub use record::{
    Approval, BiometricStatus, BlobKind, BlobRef, Consent, Decision, Face, FingerCapture,
    FingerException, FingerPosition, Identity, Movement, MovementKind, PersonRecord,
    PreRegistration, RecordError, RecordId, Regime, Seal, Signer, StatusChange, Verification,
    Written,
};
pub use record::{
    ClockMark, Justification, JustificationDecision, JustificationKind, MarkKind, STAFF_KIND,
    StaffMember, StaffTemplate,
};
pub use store::{Batch, Indexer, Materialized, Station, StatusEntry, Store, StoreError, StoreKeys};
