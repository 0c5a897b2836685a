//! Every printing command ends quietly when nobody reads its output (`huella find … | head`):
//! exit 0 or 141, nothing on stderr (no panic, no "Broken pipe"). Servers keep serving.

use std::process::{Child, Output, Stdio};

use super::util::{Station, assert_success, sample_csv, stderr};

/// Runs the command with stdout a pipe whose reading end is already closed.
fn run_closed(st: &Station, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    st.cmd(args)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .expect("run huella")
}

fn assert_quiet(o: &Output, what: &str) {
    assert!(
        matches!(o.status.code(), Some(0 | 141)),
        "{what}: exit {:?}, stderr: {}",
        o.status.code(),
        stderr(o)
    );
    assert_eq!(stderr(o), "", "{what}: stderr must stay empty");
}

#[test]
fn printing_commands_end_quietly_on_a_closed_pipe() {
    let st = Station::init();
    let csv = st.path("people.csv");
    let lines = sample_csv(&st, &csv, 30, 3);
    assert_success(&st.run_as_admin(&["import", csv.to_str().expect("utf8")]));
    let curp = lines[1].split(',').next().expect("curp").to_owned();
    let pass = st.admin_pass.to_str().expect("utf8").to_owned();
    let who = ["--as", "admin", "--passphrase-file", pass.as_str()];
    let with_who = |args: &[&'static str]| -> Vec<String> {
        args.iter()
            .map(|s| (*s).to_owned())
            .chain(who.iter().map(|s| (*s).to_owned()))
            .collect()
    };
    let mut cases: Vec<Vec<String>> = vec![
        vec!["status".into()],
        vec!["status".into(), "--json".into()],
        vec!["audit".into(), "verify".into()],
        vec!["officer".into(), "list".into()],
        vec![
            "sample".into(),
            "csv".into(),
            "--people".into(),
            "5000".into(),
        ],
        vec![
            "sim".into(),
            "scanner".into(),
            "--synthetic".into(),
            "1".into(),
        ],
        vec!["devices".into(), "list".into()],
        vec!["policy".into(), "show".into()],
        with_who(&["find", "--name", "a"]),
        with_who(&["sync", "roster", "show"]),
        with_who(&["sync", "conflicts"]),
        with_who(&["review", "list", "--json"]),
    ];
    let mut person = with_who(&["person"]);
    person.extend(["--curp".to_owned(), curp.clone()]);
    cases.push(person);
    let mut find_curp = with_who(&["find", "--json"]);
    find_curp.extend(["--curp".to_owned(), curp]);
    cases.push(find_curp);
    let mut reimport = with_who(&["import"]);
    reimport.push(csv.to_str().expect("utf8").to_owned());
    cases.push(reimport);
    for args in &cases {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_quiet(&run_closed(&st, &refs), &args.join(" "));
    }
    // The audited lookups above still left a sound chain behind.
    assert_success(&st.run(&["audit", "verify"]));
}

/// Kills the child when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_hub_whose_output_is_closed_keeps_serving() {
    let st = Station::init();
    let roster = st.path("0901.lista");
    assert_success(&st.run_as_admin(&[
        "sync",
        "roster",
        "export",
        "--out",
        roster.to_str().expect("utf8"),
    ]));
    // The hub cannot tell us its port on a closed stdout: give it a free one.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let hub_home = st.path("hub");
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let listen = format!("127.0.0.1:{port}");
    let hub = Running(
        std::process::Command::new(env!("CARGO_BIN_EXE_huella"))
            .env_remove("HUELLA_HOME")
            .arg("--home")
            .arg(&hub_home)
            .args(["hub", "--listen", &listen, "--trust"])
            .arg(&roster)
            .stdout(Stdio::from(writer))
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn hub"),
    );
    // Wait until it listens (it cannot say so on a closed stdout).
    let listening = (0..200).any(|_| {
        std::net::TcpStream::connect(&listen).is_ok() || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            false
        }
    });
    assert!(listening, "the hub never listened on {listen}");
    let o = st.run_as_admin(&["sync", "--hub", &format!("http://{listen}")]);
    assert_success(&o);
    assert!(super::util::stdout(&o).contains("sincronizado: enviados"));
    drop(hub);
}
