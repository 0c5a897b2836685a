//! Plain data types the faces name (ids, finger positions, statuses, roles, the typed
//! passphrase, a scanner image, UTC text), re-exported so a face depends on the workflows
//! layer only. Nothing here has behaviour of its own.

pub use huella_devices::{ErrorKind as DeviceErrorKind, FingerImage};
pub use huella_keys::{Passphrase, Role};
pub use huella_sync::events::SyncEvent;
/// What the central node concluded about a record (registered, case open, duplicate).
pub use huella_sync::record::CentralOutcome;
pub use huella_sync::record::privacy::{ArcoRequest, ArcoRight};
pub use huella_sync::{
    BiometricStatus, Decision, FingerCapture, FingerException, FingerPosition, Identity,
    MovementKind, RecordId,
};

/// UTC timestamps as text (`YYYY-MM-DDTHH:MM:SSZ`).
pub mod time {
    pub use huella_sync::time::{format_utc, now_utc, parse_utc};
}
