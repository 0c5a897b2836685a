//! The mounted power-cut layer as the test drives it: mount on a folder, arm a cut point,
//! run one command of the real binary until it ends or the power is cut, kill it, revert the
//! tree to its durable state and mount it again (the reboot). It owns the mount's lifetime:
//! dropping a [`LazyMount`] unmounts, on every path, a failing test included. It must not
//! judge what the command left behind (the scenarios do).

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fuser::{BackgroundSession, Config, MountOption};

use super::fuse::{LazyFs, Shared};
use super::tree::Tree;

/// The layer, mounted.
pub struct LazyMount {
    dir: PathBuf,
    shared: Arc<Shared>,
    session: Option<BackgroundSession>,
}

/// How one run under an armed cut ended.
pub struct Run {
    /// What the command printed before it ended or was killed.
    pub output: Output,
    /// Mutating operations it made (the refused one included).
    pub ops: u64,
    /// The operation the power was cut before; `None` when the command ended first.
    pub cut_before: Option<String>,
}

fn session(dir: &Path, shared: &Arc<Shared>) -> io::Result<BackgroundSession> {
    let mut config = Config::default();
    config.mount_options = vec![
        MountOption::FSName("huella-powercut".into()),
        MountOption::Subtype("lazy".into()),
        MountOption::RW,
        MountOption::NoDev,
        MountOption::NoSuid,
    ];
    fuser::spawn_mount(LazyFs(Arc::clone(shared)), dir, &config)
}

impl LazyMount {
    /// Mounts an empty layer on `dir` (created if missing). Fails with the kernel's error
    /// when mounting FUSE is refused (not root, no /dev/fuse).
    pub fn mount(dir: &Path) -> io::Result<LazyMount> {
        std::fs::create_dir_all(dir)?;
        let shared = Arc::new(Shared::default());
        let session = session(dir, &shared)?;
        Ok(LazyMount {
            dir: dir.to_owned(),
            shared,
            session: Some(session),
        })
    }

    /// The mount point.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Everything written so far becomes durable (the prepared home is on the disk).
    pub fn persist_all(&self) {
        self.shared.tree().persist_all();
    }

    /// A copy of the whole tree (to start each cut point from the same prepared disk).
    pub fn snapshot(&self) -> Tree {
        self.shared.tree().clone()
    }

    /// Puts `tree` back as the disk's content and mounts it again.
    pub fn restore(&mut self, tree: &Tree) -> io::Result<()> {
        self.unmount();
        *self.shared.tree() = tree.clone();
        self.session = Some(session(&self.dir, &self.shared)?);
        Ok(())
    }

    /// Runs `cmd` with the power cut just before its `cut_at`-th mutating operation (or never):
    /// at the cut the process is killed (SIGKILL) while its request is held, so it runs no
    /// code after the cut. The tree is then reverted to its durable state and mounted again.
    pub fn run(&self, cmd: Command, cut_at: Option<u64>) -> Run {
        self.run_armed(cmd, |t| t.arm(cut_at))
    }

    /// [`LazyMount::run`] with the power cut just before the `nth` operation described as
    /// `what` (see [`Tree::arm_named`]).
    pub fn run_named(&self, cmd: Command, what: &str, nth: u64) -> Run {
        self.run_armed(cmd, |t| t.arm_named(what, nth))
    }

    fn run_armed(&self, mut cmd: Command, arm: impl FnOnce(&mut Tree)) -> Run {
        *self
            .shared
            .killed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = false;
        arm(&mut self.shared.tree());
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn huella");
        // Drain the pipes on threads so a chatty command never blocks on a full pipe.
        let out = drain(child.stdout.take());
        let err = drain(child.stderr.take());
        let cut_before = wait_or_cut(&mut child, &self.shared);
        if cut_before.is_some() {
            let _ = child.kill();
        }
        {
            *self
                .shared
                .killed
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = true;
            self.shared.wake.notify_all();
        }
        let status = child.wait().expect("wait huella");
        let output = Output {
            status,
            stdout: out.join().unwrap_or_default(),
            stderr: err.join().unwrap_or_default(),
        };
        let ops = self.shared.tree().ops();
        Run {
            output,
            ops,
            cut_before,
        }
    }

    /// The power cut and the reboot: unmount (dropping the kernel's caches), revert every
    /// file and folder to its durable state, mount again. After a run that ended before its
    /// cut point, this is a cut right after the command ended.
    pub fn cut(&mut self) -> io::Result<()> {
        self.unmount();
        self.shared.tree().cut();
        self.session = Some(session(&self.dir, &self.shared)?);
        Ok(())
    }

    fn unmount(&mut self) {
        if let Some(s) = self.session.take() {
            // A busy mount is detached instead, so the test never leaves one behind.
            if s.umount_and_join().is_err() {
                let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
            }
        }
    }
}

impl Drop for LazyMount {
    fn drop(&mut self) {
        // A request held at a cut must not keep the FUSE thread (and the unmount) waiting.
        *self
            .shared
            .killed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = true;
        self.shared.wake.notify_all();
        self.unmount();
    }
}

fn drain(pipe: Option<impl io::Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// Waits until `child` ends or the power is cut; returns the operation cut before.
fn wait_or_cut(child: &mut Child, shared: &Shared) -> Option<String> {
    let start = Instant::now();
    loop {
        if let Some(cut) = shared.tree().cut_before() {
            return Some(cut.to_owned());
        }
        if child.try_wait().ok().flatten().is_some() {
            return None;
        }
        if start.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the command neither ended nor reached its cut point in 300 s");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}
