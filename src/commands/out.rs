//! Standard output of the commands: every line a command prints goes through here.
//!
//! A reader that goes away (`huella find … | head`) is the reader's choice, not a failure.
//! Rust ignores SIGPIPE, so `println!` would panic on it; here the first write to a closed
//! pipe returns [`OutputError::Closed`] instead, the command stops where it is, and `main`
//! exits quietly with 141 (what a shell shows for a process ended by SIGPIPE, so
//! `set -o pipefail` scripts still see that the output was cut). This module owns writing to
//! stdout; it must not decide what the text says (that is `text`) and it never panics.

use std::fmt::Display;
use std::io::{self, Write};

/// Writing a line to standard output failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// Nobody reads standard output any more (closed pipe).
    #[error("la salida estándar se cerró")]
    Closed,
    /// Standard output failed otherwise (e.g. a redirect to a full disk).
    #[error("no se pudo escribir en la salida estándar: {0}")]
    Io(#[source] io::Error),
}

/// Sorts a write error on standard output: a closed pipe, or a real failure.
pub fn classify(e: io::Error) -> OutputError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        OutputError::Closed
    } else {
        OutputError::Io(e)
    }
}

/// Prints `text` and a newline on standard output, flushed.
pub fn line(text: impl Display) -> Result<(), OutputError> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(classify)
}

/// A server's line (`hub`, `sync serve`): printed while someone reads, dropped when nobody
/// does. A server keeps serving when its output is closed: the stations syncing with it do
/// not depend on the terminal that started it.
pub fn server_line(text: impl Display) {
    if let Err(e) = line(text) {
        tracing::debug!("a server line was not printed: {e}");
    }
}

/// Prints a line on standard error, ignoring failure: a message about a failure must not
/// itself fail (nor panic, as `eprintln!` would on a closed stderr).
pub fn warn(text: impl Display) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

/// Lines printed from inside a callback that cannot return an error (progress of a sync
/// round, rejected rows of an import): after the first failed write the rest are skipped and
/// [`Deferred::finish`] reports it, once the operation the callback serves has finished.
#[derive(Debug, Default)]
pub struct Deferred {
    failed: Option<OutputError>,
}

impl Deferred {
    /// Prints `text` unless an earlier line already failed.
    pub fn line(&mut self, text: impl Display) {
        if self.failed.is_none()
            && let Err(e) = line(text)
        {
            self.failed = Some(e);
        }
    }

    /// The first failure, if any line failed.
    pub fn finish(self) -> Result<(), OutputError> {
        self.failed.map_or(Ok(()), Err)
    }
}

/// `say!("…", args)`: like `println!`, through [`line`]; evaluates to
/// `Result<(), OutputError>` (use `?`).
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::commands::out::line(::std::format_args!($($arg)*))
    };
}
