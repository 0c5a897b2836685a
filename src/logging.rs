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
        .with_writer(std::sync::Mutex::new(QuietLog(f)))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
}

/// The log file, whose write failures (a full disk) are dropped: the officer sees the
/// operation's own message, never the logger's complaint in English.
struct QuietLog(std::fs::File);

impl std::io::Write for QuietLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}
