//! Workflows: one API per operation an officer, supervisor or administrator performs.
//!
//! The console (`crate::console`) and the command line (`crate::commands`) are faces over these
//! modules: they parse, call one workflow and show its result. Workflows own the store session,
//! the audit entries and the policy; they print nothing and hold no user-facing text.

pub mod activity;
pub mod arco;
pub mod attendance;
pub mod backup;
pub mod backup_schedule;
pub mod bundles;
pub mod central;
pub mod conflicts;
pub mod documents;
pub mod drafts;
pub mod enroll;
pub mod erase;
pub mod folio;
pub mod import;
pub mod indexing;
pub mod login;
pub mod lookup;
pub mod office;
pub mod officers;
pub mod overview;
pub mod peer_server;
pub mod person;
pub mod policy;
pub mod recover;
pub mod retention;
pub mod review;
pub mod self_test;
pub mod session;
pub mod station;
pub mod status;
pub mod sync_round;
pub mod types;

pub mod employer_report;
pub mod movements;
pub mod restriction;
