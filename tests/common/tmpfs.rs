//! A tmpfs mounted for one test (root only), for the full-disk tests: the binary's and the
//! console's. It must not hold any test's assertions.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};

/// A tmpfs mounted for one test; unmounted when dropped.
pub struct Tmpfs(pub std::path::PathBuf);

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. "12m") at `dir`; `None` when mounting is refused (not
    /// root, no tmpfs), which the caller reports.
    pub fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).expect("mountpoint");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.to_owned()))
    }

    pub fn resize(&self, size: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .expect("remount");
        assert!(ok.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}
