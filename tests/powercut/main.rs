//! Power-cut tests (issue 18): the real binary runs with its station home on an in-memory
//! FUSE filesystem that keeps unsynced writes only in memory (in the spirit of Jepsen's
//! LazyFS). The power is cut at seeded points of an import, an enrollment, a sync receive and
//! a bundle import: the process is killed and every file and folder goes back to what was
//! fsynced. After each cut the store opens, everything the command acknowledged before the
//! cut is there, the audit chain verifies, and the same operation run again completes.
//!
//! Needs root and /dev/fuse (the `powercut` feature): `cargo test -p huella --features
//! powercut --test powercut`. `HUELLA_POWERCUT_SEED` and `HUELLA_POWERCUT_POINTS` (cut points
//! per scenario, default 20) change the points. docs/reliability.md holds the model and the
//! matrix.
#![allow(missing_docs, clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod fuse;
mod mount;
mod office;
mod points;
mod station;
mod tree;

mod bundle;
mod bundle_answer;
mod enroll;
mod import;
mod init;
mod sync_receive;
