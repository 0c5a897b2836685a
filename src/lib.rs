//! huella: the officer console of a field office (library part of the `huella` binary).
//!
//! Three layers inside this crate:
//! - faces: [`console`] (the TUI) and [`cli`] + [`commands`] (the command line); they parse,
//!   call one workflow and show its result;
//! - [`workflows`]: one API per operation (station and officers, import, lookup, enrollment,
//!   approval, sync rounds, the store session);
//! - domain rules: [`identifiers`] (CURP, NSS, RFC, registro patronal) and [`matching`]
//!   (fingerprint quality, extraction, 1:1 and 1:N, templates, evaluation);
//! - plumbing: [`home`] (paths), [`logging`].
//!
//! Records, the store and the audit chain live in `huella-sync`; keys in `huella-keys`;
//! device drivers in `huella-devices`.

pub mod cli;
pub mod commands;
pub mod console;
pub mod home;
pub mod identifiers;
pub mod logging;
pub mod matching;
pub mod workflows;
