//! SIGKILL in the middle of a large import: the store reopens, the audit chain verifies,
//! what was acknowledged is there in whole batches, and a re-import completes the set with
//! no duplicates.

use std::time::{Duration, Instant};

use super::util::{Station, assert_success, sample_csv, stdout};

fn people(st: &Station) -> u64 {
    let out = st.run(&["status", "--json"]);
    assert_success(&out);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    v["personas"].as_u64().expect("personas")
}

#[test]
fn sigkill_mid_import_loses_no_acknowledged_batch_and_reimport_completes() {
    let st = Station::init();
    // Size the file from this machine's speed so the kill lands mid-import.
    let probe = st.path("probe.csv");
    sample_csv(&st, &probe, 1000, 99);
    let t = Instant::now();
    assert_success(&st.run_as_admin(&["import", probe.to_str().expect("utf8")]));
    let per_row = t.elapsed().as_secs_f64() / 1000.0;
    let total: u64 = ((6.0 / per_row) as u64).clamp(4000, 60_000);
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
    std::thread::sleep(Duration::from_secs_f64(per_row * total as f64 * 0.4));
    let finished_early = child.try_wait().expect("try_wait").is_some();
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
        after_kill % huella::import::BATCH_ROWS as u64,
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
