//! `huella eval fingerprints` on the FVC2002 DB1_B and DB3_B development sets (from the shared
//! data folder beside the repository), checked against the accuracy goals of the matching issue.

use std::path::PathBuf;
use std::process::Command;

fn eval(set: &str) -> serde_json::Value {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/fingerprints")
        .join(set)
        .join("tif");
    assert!(dir.is_dir(), "missing data set {}", dir.display());
    let out = Command::new(env!("CARGO_BIN_EXE_huella"))
        .args(["eval", "fingerprints"])
        .arg(&dir)
        .args(["--ppi", "500", "--json"])
        .output()
        .expect("run huella eval");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn fvc2002_development_sets_meet_the_accuracy_goals() {
    let db1 = eval("FVC2002_DB1_B");
    let db3 = eval("FVC2002_DB3_B");
    for v in [&db1, &db3] {
        for key in [
            "eer",
            "fmr100",
            "fmr1000",
            "zero_fmr",
            "ext_eer",
            "ext_fmr100",
            "ext_fmr1000",
            "ext_zero_fmr",
            "rank1",
            "fte",
            "extract_ms",
            "matches_per_s",
        ] {
            assert!(v[key].is_number(), "missing {key} in {v}");
        }
        assert_eq!(v["fte"].as_f64(), Some(0.0), "{v}");
    }
    assert_eq!(db1["rank1"].as_f64(), Some(1.0), "{db1}");
    assert_eq!(db3["rank1"].as_f64(), Some(1.0), "{db3}");
    let mean_eer = (db1["eer"].as_f64().unwrap_or(1.0) + db3["eer"].as_f64().unwrap_or(1.0)) / 2.0;
    assert!(mean_eer <= 0.02, "mean EER {mean_eer}: {db1} {db3}");
}
