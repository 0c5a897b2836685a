//! The power cut while `huella init` creates a station on an empty disk: if init ended
//! (exit 0) before the cut, the station opens after it and its administrator can work; if
//! not, `init` run again either completes a working station or says one exists, and then
//! that station works (a half-made home never blocks the office).

use super::common::{ok, s};
use super::mount::LazyMount;
use super::points::{Tally, choose, name};
use super::station::{Home, pass_file, text};

fn init_args(h: &Home) -> Vec<String> {
    [
        "init",
        "--office",
        "0901",
        "--station",
        "CORTE-5",
        "--admin",
        "admin",
        "--passphrase-file",
        s(&h.pass),
    ]
    .map(str::to_owned)
    .to_vec()
}

/// The station works: the store opens, the audit verifies, the administrator's credential
/// opens and a person can be imported and found.
fn works(h: &Home, dir: &std::path::Path, case: &str) {
    h.people(case);
    h.audit_verifies(case);
    let csv = dir.join("uno.csv");
    if !csv.exists() {
        ok(&h.run(&[
            "sample",
            "csv",
            "--people",
            "1",
            "--seed",
            "5",
            "--out",
            s(&csv),
        ]));
    }
    let out = h.admin(&["import", s(&csv)]);
    assert!(
        out.status.success(),
        "{case}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(h.people(case), 1, "{case}");
}

#[test]
fn a_power_cut_during_init_leaves_a_working_station_or_one_init_can_finish() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut m = LazyMount::mount(&dir.path().join("disco"))
        .expect("mounting the FUSE layer (needs root and /dev/fuse)");
    let h = Home {
        home: m.path().join("home"),
        pass: pass_file(dir.path()),
    };
    m.persist_all();
    let empty = m.snapshot();
    let args = init_args(&h);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let dry = m.run(h.cmd(&argv), None);
    assert!(dry.output.status.success(), "{}", text(&dry.output.stderr));
    let total = dry.ops;

    let mut tally = Tally::default();
    for n in choose(total, 5) {
        m.restore(&empty).expect("remount");
        let run = m.run(h.cmd(&argv), n);
        m.cut().expect("remount after the cut");
        let case = format!("init, {}", name(n, total, run.cut_before.as_ref()));
        let told = run.cut_before.is_none() && run.output.status.success();
        if !told {
            // Either init starts again, or it says the station exists and then the station
            // must work as it is.
            let again = h.run(&argv);
            assert!(
                again.status.success() || text(&again.stderr).contains("ya existe una estación"),
                "{case}: init again: {}",
                text(&again.stderr)
            );
        }
        works(&h, dir.path(), &case);
        tally.add(told);
    }
    tally.report("init", total);
}
