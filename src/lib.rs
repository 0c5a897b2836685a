//! huella: the officer console of a field office (library part of the `huella` binary).
//!
//! Module map:
//! - workflows: [`station`] (init, officers), [`import`] (pre-registrations), [`lookup`]
//!   (find people), [`indexing`] (blind-index tags of a person);
//! - domain rules: [`identifiers`] (CURP, NSS, RFC, registro patronal);
//! - [`matching`]: fingerprint quality, extraction, 1:1 and 1:N, templates, evaluation;
//! - plumbing: [`home`] (paths), [`session`] (store + unlocked credential), [`logging`];
//! - the command line: [`cli`] and [`commands`].
//!
//! Records, the store and the audit chain live in `huella-sync`; keys in `huella-keys`;
//! device drivers in `huella-devices`.

pub mod activity;
pub mod approve;
pub mod cli;
pub mod commands;
pub mod console;
pub mod enroll;
pub mod home;
pub mod identifiers;
pub mod import;
pub mod indexing;
pub mod logging;
pub mod lookup;
pub mod matching;
pub mod session;
pub mod station;
pub mod sync_round;
