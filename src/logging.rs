//! Logging to the station's log file (never to the terminal the console draws on).

use std::path::Path;

/// Sends `tracing` output to `file` (appending). Failures to open the log are ignored:
/// logging must never stop the officer's work.
pub fn init(file: &Path) {
    let Some(dir) = file.parent() else { return };
    if !dir.exists() {
        return;
    }
    let Ok(f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
    else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("HUELLA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(f))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
}
