//! The words of the command line, one file per language ([`es`], [`en`]).
//!
//! Every line a person reads is a [`Say`] (progress and results) or a [`CliError`] (why a
//! command failed), worded here in the language `main` chose with `--lang`. The lines scripts
//! parse (the contract of docs/cli.md) are not here: they live in [`contract`] and read the
//! same in every language. Errors of the layers below (keys, store, sync) are worded by
//! [`error_report`], which also prints an OS error once, not once per layer that wraps it.
//! This module owns wording; it must not print (that is `out`) or decide anything.

use std::sync::OnceLock;

pub use crate::console::Lang;

pub mod arco;
pub mod central;
pub mod contract;
pub mod documents;
pub mod en;
pub mod es;
pub mod eval;
pub mod movements;
pub mod self_test;

mod en_identifiers;
mod error;
mod say;
#[cfg(test)]
mod tests;

pub use error::CliError;
pub use say::{DemoQuery, Say};

static LANG: OnceLock<Lang> = OnceLock::new();

/// Chooses the language of this process's messages (once, at start, like a locale; later
/// calls are ignored).
pub fn set_lang(lang: Lang) {
    let _ = LANG.set(lang);
}

/// The language of this process's messages (Spanish until `set_lang`).
pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// One line for a failed command: the error and its causes joined by `: `, each worded in the
/// current language when this layer knows its type, and a cause left out when the message
/// before it already says it (an OS error wrapped by two layers is printed once).
pub fn error_report(e: &anyhow::Error) -> String {
    describe(e.as_ref())
}

/// Like [`error_report`] for any error and its causes.
pub fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(e);
    while let Some(cause) = next {
        let keymap = cause.downcast_ref::<crate::console::keymap::KeymapError>();
        let text = match (lang(), keymap) {
            (Lang::Es, Some(k)) => es::keymap(k),
            (Lang::En, Some(k)) => en::keymap(k),
            (Lang::En, None) => en::error(cause).unwrap_or_else(|| cause.to_string()),
            (Lang::Es, None) => cause.to_string(),
        };
        let text = text.trim().to_owned();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = cause.source();
    }
    parts.join(": ")
}
