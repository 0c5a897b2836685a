//! Key material of a huella station: who may read and sign what.
//!
//! The hierarchy (see `docs/keys.md`):
//!
//! - a **station identity** ([`StationSecrets`]): an age X25519 identity that unwraps record
//!   data keys, an Ed25519 key that signs what the station asserts, a blind-index key and the
//!   office identity shared by the stations of one office;
//! - **officer keys** ([`OfficerKey`]): one Ed25519 signing key per officer, with a [`Role`];
//! - a **credential file** per officer ([`Credential`]) sealed with the officer's passphrase
//!   (age scrypt, explicit work factor): it holds the officer key and a copy of the station
//!   secrets, so one unlock opens a working session;
//! - **recipients** ([`RecipientSet`]): the station, its office, the regional and the central
//!   office; every record data key is wrapped to all of them and to no one else;
//! - **office key generations** ([`OfficeKey`], [`OfficeKeyring`]): a new office identity
//!   after each revocation, granted only to the stations still trusted;
//! - a random **data key** per person ([`DataKey`]): it seals the person's document chunks and
//!   blobs. Destroying every [`WrappedKey`] of a person is their erasure (crypto-shredding).
//!
//! This crate owns key generation, key files, symmetric sealing, key wrapping, signatures and
//! blind-index tags. It must not know about documents, devices, stores or the UI, and nothing
//! in it prints or logs secret material: secret types are not `Clone`, not serialisable, have a
//! redacted `Debug` and are zeroized on drop.

mod blind;
mod credential;
pub mod durable_file;
mod envelope;
mod error;
mod identity;
mod kdf;
mod office;
mod secret;
mod signature;
mod station_kek;
mod wrap;

pub use blind::{BlindTag, IndexKey};
pub use credential::{Credential, FingerReference};
pub use envelope::SEAL_OVERHEAD;
pub use error::{CredentialError, OpenError, SignatureError, UnwrapError, WrapError};
pub use identity::{OfficerKey, OfficerPublic, Role, StationPublic, StationSecrets};
pub use kdf::KdfCost;
pub use office::{OfficeKey, OfficeKeyring};
pub use secret::{DataKey, Passphrase};
pub use signature::{PublicKey, Signature};
pub use wrap::{Recipient, RecipientSet, WrappedKey};
