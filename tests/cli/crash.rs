//! SIGKILL in the middle of a large import: the store reopens, the audit chain verifies,
//! what was acknowledged is there in whole batches, and a re-import completes the set with
//! no duplicates.

use std::time::Duration;

use super::util::{Station, assert_success, sample_csv, stdout};

fn people(st: &Station) -> u64 {
    let out = st.run(&["status", "--json"]);
    assert_success(&out);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    v["personas"].as_u64().expect("personas")
}

/// Bytes under `dir` (the sled files of the store).
fn bytes_under(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => bytes_under(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn sigkill_mid_import_loses_no_acknowledged_batch_and_reimport_completes() {
    let st = Station::init();
    let probe = st.path("probe.csv");
    sample_csv(&st, &probe, 1000, 99);
    assert_success(&st.run_as_admin(&["import", probe.to_str().expect("utf8")]));
    let store = st.home.join("almacen");
    let before = bytes_under(&store);
    let grown_per_row = before / 1000;
    // Large enough that the kill below lands mid-import on any machine: the kill waits for
    // the store to grow by ~2,000 rows' worth (several committed batches), not for a time.
    let total: u64 = 20_000;
    let csv = st.path("big.csv");
    sample_csv(&st, &csv, total, 5);

    let mut child = st
        .cmd(&[
            "import",
            csv.to_str().expect("utf8"),
            "--as",
            "admin",
            "--passphrase-file",
            st.admin_pass.to_str().expect("utf8"),
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let mut finished_early = false;
    while bytes_under(&store) < before + 2000 * grown_per_row {
        if child.try_wait().expect("try_wait").is_some() {
            finished_early = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    finished_early |= child.try_wait().expect("try_wait").is_some();
    child.kill().expect("SIGKILL");
    child.wait().expect("wait");
    assert!(
        !finished_early,
        "import finished before the kill; test inconclusive"
    );

    let after_kill = people(&st) - 1000;
    assert!(
        after_kill < total,
        "killed import stored everything: {after_kill}"
    );
    assert_eq!(
        after_kill % huella::workflows::import::BATCH_ROWS as u64,
        0,
        "a partial batch survived: {after_kill}"
    );
    let out = st.run(&["audit", "verify"]);
    assert_success(&out);

    let out = st.run_as_admin(&["import", csv.to_str().expect("utf8")]);
    assert_success(&out);
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "importados: {}, rechazados: 0, ya existentes: {after_kill}",
            total - after_kill
        )),
        "{text}"
    );
    assert_eq!(people(&st), total + 1000);
    assert_success(&st.run(&["audit", "verify"]));
    // Every person is findable exactly once.
    let lines = std::fs::read_to_string(&csv).expect("read");
    for l in lines.lines().skip(1).step_by((total / 25) as usize) {
        let curp = l.split(',').next().expect("curp");
        let out = st.run_as_admin(&["find", "--curp", curp, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
        assert_eq!(v.as_array().map(Vec::len), Some(1), "{curp}");
    }
}
