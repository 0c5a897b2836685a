//! LAN peers through the real binary: station A of an office runs `huella sync serve`, its
//! office peer B reconciles with `huella sync --peer`, both end with each other's records;
//! a station of another office and, after `roster revoke`, B itself are refused and the
//! refusals are reported on both sides.

mod common;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;

use common::{found, huella, import, init_station, join_station, ok, s};

/// A running `huella sync serve`; killed when dropped.
struct Serving {
    child: Child,
    addr: String,
    lines: mpsc::Receiver<String>,
}

impl Serving {
    fn start(home: &Path, pass: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_huella"))
            .env("HUELLA_KDF_LOG_N", "12")
            .arg("--home")
            .arg(home)
            .args(["sync", "serve", "--listen", "127.0.0.1:0", "--as", "admin"])
            .args(["--passphrase-file", s(pass)])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn serve");
        let out = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for l in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        let first = lines.recv().expect("first line");
        let addr = first
            .strip_prefix("escuchando en ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_owned();
        Serving { child, addr, lines }
    }

    /// Stops the server and returns what it printed after its first line (all of it: the
    /// reader thread ends at the pipe's end, which the server's exit brings).
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.lines.iter().collect::<Vec<_>>().join("\n")
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sync_peer(home: &Path, addr: &str, pass: &Path) -> Output {
    huella(
        home,
        &[
            "sync",
            "--peer",
            addr,
            "--attempts",
            "1",
            "--as",
            "admin",
            "--passphrase-file",
            s(pass),
        ],
    )
}

#[test]
fn office_peers_reconcile_over_tcp_and_strangers_or_revoked_are_refused() {
    let d = tempfile::tempdir().expect("tmp");
    let dir = d.path();
    let (a, b, c): (PathBuf, PathBuf, PathBuf) = (dir.join("a"), dir.join("b"), dir.join("c"));
    let pass = dir.join("pass");
    std::fs::write(&pass, "clave-de-prueba-pares\n").expect("pass");

    init_station(&a, "0901", "A", &pass);
    join_station(dir, &a, &b, "B", &pass, "admin");
    init_station(&c, "0902", "C", &pass);
    let from_a = import(&a, dir, "3", &pass);
    let from_b = import(&b, dir, "4", &pass);

    let serving = Serving::start(&a, &pass);
    let out = ok(&sync_peer(&b, &serving.addr, &pass));
    assert!(
        out.trim_end()
            .ends_with("sincronizado: enviados 6, recibidos 6, conflictos 0"),
        "{out}"
    );
    // Another office's station is not in A's roster.
    let refused = sync_peer(&c, &serving.addr, &pass);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("estación desconocida"), "{err}");
    let printed = serving.stop();
    assert!(
        printed.contains("rechazada: estación desconocida"),
        "{printed}"
    );

    assert_eq!(found(&a, &from_b, &pass), 1);
    assert_eq!(found(&b, &from_a, &pass), 1);
    ok(&huella(&a, &["audit", "verify"]));
    ok(&huella(&b, &["audit", "verify"]));

    // A's administrator revokes B; A refuses it from then on.
    ok(&huella(
        &a,
        &[
            "sync",
            "roster",
            "revoke",
            "B",
            "--as",
            "admin",
            "--passphrase-file",
            s(&pass),
        ],
    ));
    let serving = Serving::start(&a, &pass);
    let refused = sync_peer(&b, &serving.addr, &pass);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("revocada"), "{err}");
    let printed = serving.stop();
    assert!(printed.contains("fue revocada"), "{printed}");
}
