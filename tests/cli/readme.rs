//! The README's "Using it" block runs top to bottom as written, on a fresh temp directory:
//! each line is one shell command (run by `bash` in that directory, `huella` being the built
//! binary and `/srv/` a temp folder); a line whose comment says "leave it running" starts in
//! the background and the next line waits for its first line of output (a server's
//! `escuchando en`, a simulator's `PTY`), whose pseudo-terminal path replaces `/dev/pts/N`
//! (scanner) or `/dev/pts/M` (camera).
//! The block's loopback ports move to free ones so that parallel runs do not collide.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The shell lines of the first ```sh block after the "## Using it" heading.
fn using_it_block() -> Vec<String> {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(&readme).expect("README.md");
    let section = text
        .split("## Using it")
        .nth(1)
        .expect("a Using it section");
    let block = section
        .split("```sh")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a sh block");
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// A command and its comment (`cmd   # comment`).
fn split_comment(line: &str) -> (&str, &str) {
    match line.find(" # ").or_else(|| line.find("  #")) {
        Some(i) => (
            line[..i].trim(),
            line[i..].trim_start().trim_start_matches('#').trim(),
        ),
        None => (line, ""),
    }
}

/// Background processes, killed (and reaped) when the test ends, however it ends.
#[derive(Default)]
struct Background(Vec<Child>);

impl Drop for Background {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[test]
fn the_readme_using_it_block_runs_as_written() {
    let lines = using_it_block();
    assert!(lines.len() > 10, "the block: {lines:?}");
    let dir = tempfile::tempdir().expect("tmp");
    let work = dir.path();
    let srv = work.join("srv");
    let bin_dir = work.join("bin");
    std::fs::create_dir_all(&bin_dir).expect("bin");
    // `huella` on PATH is the binary under test.
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_huella"), bin_dir.join("huella"))
        .expect("symlink");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let mut env: Vec<(String, String)> = vec![
        ("PATH".into(), path),
        ("HUELLA_KDF_LOG_N".into(), "12".into()),
    ];
    // The block's fixed ports, moved to free ones so that runs in parallel do not collide.
    let ports: Vec<(u16, u16)> = [7400, 7401].map(|p| (p, free_port())).to_vec();
    let mut background = Background::default();
    // Simulator ports by the placeholder the block uses for them.
    let mut ptys: Vec<(&str, String)> = Vec::new();
    for line in &lines {
        let (cmd, comment) = split_comment(line);
        let mut cmd = cmd.replace("/srv/", &format!("{}/", srv.display()));
        for (port, free) in &ports {
            cmd = cmd.replace(&format!("127.0.0.1:{port}"), &format!("127.0.0.1:{free}"));
        }
        for (placeholder, path) in &ptys {
            cmd = cmd.replace(placeholder, path);
        }
        if cmd.contains("../shared/") {
            if !shared.is_dir() {
                // A worktree without the shared data beside it: nothing to evaluate.
                continue;
            }
            cmd = cmd.replace("../shared/", &format!("{}/", shared.display()));
        }
        if let Some(assign) = cmd.strip_prefix("export ") {
            let (k, v) = assign.split_once('=').expect("export K=V");
            env.push((k.to_owned(), v.to_owned()));
            continue;
        }
        if comment.contains("leave it running") {
            // `exec`: killing the child stops the server itself, not a shell around it.
            let mut child = Command::new("bash")
                .args(["-c", &format!("exec {cmd}")])
                .current_dir(work)
                .env_remove("HUELLA_HOME")
                .envs(env.iter().map(|(k, v)| (k, v)))
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("spawn");
            let out = child.stdout.take().expect("stdout");
            background.0.push(child);
            // Ready once it says where it is (a hub first says which offices it trusts).
            let ready = BufReader::new(out)
                .lines()
                .map_while(Result::ok)
                .find(|l| l.starts_with("PTY ") || l.contains("escuchando en"))
                .unwrap_or_else(|| panic!("{cmd}: ended without saying where it listens"));
            if let Some(p) = ready.strip_prefix("PTY ") {
                let placeholder = if cmd.contains("sim camera") {
                    "/dev/pts/M"
                } else {
                    "/dev/pts/N"
                };
                ptys.push((placeholder, p.to_owned()));
            }
            continue;
        }
        let out = Command::new("bash")
            .args(["-c", &format!("set -o pipefail; {cmd}")])
            .current_dir(work)
            .env_remove("HUELLA_HOME")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "README line failed: {line}\nexit {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        check_contract(&cmd, &String::from_utf8_lossy(&out.stdout));
    }
    assert!(srv.join("huella").is_dir(), "the block used /srv/huella");
    assert!(
        work.join("huella.png").is_file(),
        "the capture wrote huella.png"
    );
    drop(background);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// What the block promises in its comments, checked on the lines that promise it.
fn check_contract(cmd: &str, stdout: &str) {
    if cmd.contains(" find ") {
        let v: serde_json::Value = serde_json::from_str(stdout).expect("find --json");
        assert_eq!(v.as_array().map_or(0, Vec::len), 1, "find found: {stdout}");
    }
    if cmd.contains(" sync --") {
        assert!(stdout.contains("sincronizado: enviados"), "{cmd}: {stdout}");
    }
    if cmd.contains(" enroll ") {
        assert!(
            stdout.contains("enviado a aprobación: folio F-"),
            "{stdout}"
        );
    }
    if cmd.contains(" review approve ") {
        assert!(stdout.contains("decisión registrada: "), "{stdout}");
    }
    if cmd.contains("audit verify") {
        assert!(stdout.starts_with("auditoría íntegra: "), "{stdout}");
    }
}
