//! "Who is on the glass": the shared, scriptable state that decides which synthetic finger
//! (person, finger) a simulated scanner sees. Can be driven in-process or by a control file.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::synthetic::SimFinger;

/// A finger resting on the glass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OnGlass {
    /// Synthetic person seed.
    pub person: u64,
    /// Which finger.
    pub finger: SimFinger,
}

/// Shared handle to what the simulated sensor sees; clones share state.
#[derive(Debug, Clone, Default)]
pub struct Glass {
    state: Arc<Mutex<Option<OnGlass>>>,
    control_file: Option<PathBuf>,
}

/// A control-file line that is not `PERSON FINGER`, `-` or empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("línea de control inválida: se espera «PERSONA DEDO» (dedo 1 a 10) o «-»")]
pub struct BadGlassLine;

impl Glass {
    /// An empty glass controlled in-process.
    pub fn new() -> Self {
        Self::default()
    }

    /// A glass whose state is re-read from `path` at every sensor poll.
    ///
    /// The file's first line is `PERSON FINGER` (e.g. `42 7`), or `-` / empty for no finger.
    /// A missing or malformed file leaves the last state in place.
    pub fn from_control_file(path: &Path) -> Self {
        let g = Self {
            state: Arc::default(),
            control_file: Some(path.to_path_buf()),
        };
        g.reload();
        g
    }

    fn lock(&self) -> MutexGuard<'_, Option<OnGlass>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Places `person`'s `finger` on the glass.
    pub fn place(&self, person: u64, finger: SimFinger) {
        *self.lock() = Some(OnGlass { person, finger });
    }

    /// Lifts whatever finger is on the glass.
    pub fn lift(&self) {
        *self.lock() = None;
    }

    /// What is on the glass now (re-reading the control file if there is one).
    pub fn current(&self) -> Option<OnGlass> {
        self.reload();
        *self.lock()
    }

    fn reload(&self) {
        let Some(path) = &self.control_file else {
            return;
        };
        if let Ok(text) = std::fs::read_to_string(path)
            && let Ok(state) = parse_line(text.lines().next().unwrap_or(""))
        {
            *self.lock() = state;
        }
    }
}

/// Parses one control line: `PERSON FINGER`, `-` or empty.
pub fn parse_line(line: &str) -> Result<Option<OnGlass>, BadGlassLine> {
    let line = line.trim();
    if line.is_empty() || line == "-" {
        return Ok(None);
    }
    let mut parts = line
        .split(|c: char| c.is_whitespace() || c == ',' || c == ':')
        .filter(|p| !p.is_empty());
    let person = parts
        .next()
        .and_then(|p| p.parse::<u64>().ok())
        .ok_or(BadGlassLine)?;
    let finger = parts
        .next()
        .and_then(|p| p.parse::<u8>().ok())
        .and_then(SimFinger::new)
        .ok_or(BadGlassLine)?;
    if parts.next().is_some() {
        return Err(BadGlassLine);
    }
    Ok(Some(OnGlass { person, finger }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_lines() {
        assert_eq!(parse_line(""), Ok(None));
        assert_eq!(parse_line(" - "), Ok(None));
        let f = SimFinger::new(7);
        assert_eq!(
            parse_line("42 7")
                .ok()
                .flatten()
                .map(|g| (g.person, Some(g.finger))),
            Some((42, f))
        );
        assert_eq!(parse_line("42 11"), Err(BadGlassLine));
        assert_eq!(parse_line("x 1"), Err(BadGlassLine));
    }

    #[test]
    fn control_file_is_reread() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("glass");
        std::fs::write(&path, "5 2\n")?;
        let g = Glass::from_control_file(&path);
        assert_eq!(g.current().map(|o| o.person), Some(5));
        std::fs::write(&path, "-\n")?;
        assert_eq!(g.current(), None);
        Ok(())
    }
}
