//! The tmux harness of the console end-to-end tests: the real `huella` binary in a
//! fixed-size detached tmux session (its own server, killed by a guard), driven with
//! `send-keys` and read with `capture-pane -p`.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A private tmux server with one 120×40 session; killed on drop.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn start(command: &str) -> Tmux {
        let socket = format!(
            "huella-e2e-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let t = Tmux { socket };
        t.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "c",
            "-x",
            "120",
            "-y",
            "40",
        ]);
        t.run(&["set-option", "-s", "escape-time", "10"]);
        t.run(&["set-option", "-g", "remain-on-exit", "on"]);
        t.respawn(command);
        t
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn respawn(&self, command: &str) {
        self.run(&["respawn-pane", "-k", "-t", "c", command]);
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "c"])
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", "c", k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    pub fn text(&self, text: &str) {
        self.run(&["send-keys", "-t", "c", "-l", text]);
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn pane_pid(&self) -> u32 {
        self.run(&["list-panes", "-t", "c", "-F", "#{pane_pid}"])
            .trim()
            .parse()
            .expect("pane pid")
    }

    #[track_caller]
    pub fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(90),
                "no apareció «{needle}» en la pantalla:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

pub fn demo_command(dir: &Path) -> String {
    format!(
        "exec env HUELLA_KDF_LOG_N=12 {} demo --people 20 --keep {}",
        env!("CARGO_BIN_EXE_huella"),
        dir.display()
    )
}

pub fn login(t: &Tmux, user: &str, pass: &str) {
    t.wait_for("Inicio de sesión");
    t.text(user);
    t.keys(&["Enter"]);
    t.text(pass);
    t.keys(&["Enter"]);
    t.wait_for("Trabajo de hoy");
}

pub fn open_person(t: &Tmux, curp: &str) {
    t.keys(&["F3"]);
    t.wait_for("Buscar persona");
    t.text(curp);
    t.keys(&["Enter"]);
    t.wait_for(&format!("{curp}  "));
    t.keys(&["Enter"]);
    t.wait_for("Historial del estado biométrico");
}

pub fn finish_enrollment(t: &Tmux) {
    t.wait_for("La foto cumple las revisiones");
    t.keys(&["Enter"]);
    t.wait_for("Sin coincidencias en la oficina");
    t.keys(&["Enter"]);
    t.wait_for("Folio");
    t.keys(&["Enter"]);
    t.wait_for("Trabajo de hoy");
}

/// Waits until the console has quit (the store's lock is released).
pub fn wait_exit(t: &Tmux) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let pid = t.pane_pid();
        if !Path::new(&format!("/proc/{pid}")).exists() || t.screen().contains("[exited]") {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `huella console` on an existing station, without scanner or camera.
pub fn console_command(dir: &Path, lang: &str) -> String {
    format!(
        "exec env HUELLA_KDF_LOG_N=12 {} --home {} --lang {lang} console",
        env!("CARGO_BIN_EXE_huella"),
        dir.display()
    )
}

/// From the consent screen of a fresh enrollment to the home screen after submitting.
pub fn consent_and_finish(t: &Tmux) {
    t.wait_for("¿Es la persona que está frente a usted?");
    t.keys(&["Enter"]);
    t.wait_for("Aviso de privacidad");
    t.keys(&["Enter"]);
    t.wait_for("Coloque el");
    finish_enrollment(t);
}

/// The officer enrolls `curp` from start to submit, then logs out.
pub fn officer_enrolls(t: &Tmux, curp: &str) {
    login(t, "oficial", "oficial-demo-2026");
    open_person(t, curp);
    t.keys(&["e"]);
    consent_and_finish(t);
    t.keys(&["F12"]);
}

/// The supervisor opens the only capture waiting in the queue.
pub fn supervisor_opens_review(t: &Tmux, curp: &str) {
    login(t, "supervisor", "supervisor-demo-2026");
    t.keys(&["F4"]);
    t.wait_for(curp);
    t.keys(&["Enter"]);
    t.wait_for("Evidencia");
}

/// Audit entries of a closed station: (action, detail).
pub fn audit(home: &Path) -> Vec<(String, String)> {
    let store = huella_sync::Store::open(&huella::home::Home::new(home.to_path_buf()).store_dir())
        .expect("store");
    store
        .audit_entries()
        .filter_map(Result::ok)
        .map(|e| (e.action, e.detail))
        .collect()
}
