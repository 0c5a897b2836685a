//! `huella eval fingerprints` on the seven FVC development sets (from the shared data folder
//! beside the repository) in one run, each set guarded at its measured level with about one
//! to four genuine pairs of slack (one pair ≈ 0.36 point of FVC EER), and the mean; and two
//! of them as a sensor of another resolution would give them.

use std::path::PathBuf;
use std::process::Command;

/// (set, highest FVC EER, lowest rank-1) — measured after the issue #14 twenty-seventh pass
/// (1:1 verification of both views of each capture, their mean; a print's faint part kept in
/// its mask; docs/matching.md): 0.00, 0.18, 0.36, 1.83, 2.18, 4.37, 4.37 % EER; rank-1 100,
/// 100, 100, 98.6, 100, 100, 97.1 %. Each bound leaves one to four genuine pairs of slack.
const SETS: [(&str, f64, f64); 7] = [
    ("FVC2002_DB1_B", 0.008, 1.0),
    ("FVC2002_DB3_B", 0.016, 0.985),
    ("FVC2000_DB1_B", 0.016, 0.985),
    ("FVC2000_DB2_B", 0.033, 0.97),
    ("FVC2000_DB3_B", 0.033, 0.97),
    ("FVC2004_DB1_B", 0.056, 0.97),
    ("FVC2004_DB2_B", 0.058, 0.95),
];

/// `huella eval fingerprints DIRS --ppi PPI --json`, which must succeed, as JSON.
fn eval_json(dirs: &[PathBuf], ppi: u32) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_huella"))
        .args(["eval", "fingerprints"])
        .args(dirs)
        .args(["--ppi", &ppi.to_string(), "--json"])
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
fn seven_development_sets_hold_their_levels() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/fingerprints");
    let dirs: Vec<PathBuf> = SETS
        .iter()
        .map(|(set, _, _)| root.join(set).join("tif"))
        .collect();
    for d in &dirs {
        assert!(d.is_dir(), "missing data set {}", d.display());
    }
    let v = eval_json(&dirs, 500);
    let sets = v["sets"].as_array().expect("sets");
    assert_eq!(sets.len(), SETS.len(), "{v}");
    for (r, (name, max_eer, min_rank1)) in sets.iter().zip(SETS) {
        assert_eq!(r["set"], name, "{r}");
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
            assert!(r[key].is_number(), "missing {key} in {r}");
        }
        let get = |k: &str| r[k].as_f64().unwrap_or(f64::NAN);
        assert!(get("eer") <= max_eer, "{name}: EER above {max_eer}: {r}");
        assert!(
            get("rank1") >= min_rank1,
            "{name}: rank-1 below {min_rank1}: {r}"
        );
        // One failure to enrol in 80 images at most (the 1 % goal, rounded to images).
        assert!(get("fte") <= 1.0 / 80.0 + 1e-9, "{name}: FTE {r}");
    }
    let mean = v["mean_eer"].as_f64().unwrap_or(1.0);
    assert!(mean <= 0.022, "mean FVC EER {mean}: {v}");
    let expected = sets
        .iter()
        .map(|r| r["eer"].as_f64().unwrap_or(1.0))
        .sum::<f64>()
        / 7.0;
    assert!((mean - expected).abs() < 1e-12, "mean {mean} vs {expected}");
}

/// (set, capture resolution, highest FVC EER): a set resampled (Lanczos) to the resolution of
/// another sensor and read at it, so that `huella` resamples it back to 500 ppi. A level guard
/// of the whole path at a shrinking and an enlarging scale, measured after the issue #14
/// twenty-seventh pass: 2.18 % and 4.90 % (extended 1.43 % and 3.57 %; after the
/// twenty-sixth 2.18 % and 6.19 %, docs/matching.md).
const OTHER_RESOLUTIONS: [(&str, u32, f64); 2] =
    [("FVC2000_DB3_B", 700, 0.045), ("FVC2004_DB1_B", 400, 0.065)];

#[test]
fn sets_captured_at_another_resolution_hold_their_level() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/fingerprints");
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("eval_fvc_resolutions");
    for (set, ppi, max_eer) in OTHER_RESOLUTIONS {
        let src = root.join(set).join("tif");
        let dst = tmp.join(format!("{set}_{ppi}"));
        let _ = std::fs::remove_dir_all(&dst);
        std::fs::create_dir_all(&dst).expect("temp dir");
        let scale = f64::from(ppi) / 500.0;
        let mut n = 0;
        for entry in std::fs::read_dir(&src).expect("set folder") {
            let path = entry.expect("entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("tif") {
                continue;
            }
            let img = image::open(&path).expect("decode").to_luma8();
            let (w, h) = (
                (f64::from(img.width()) * scale).round() as u32,
                (f64::from(img.height()) * scale).round() as u32,
            );
            let out = image::imageops::resize(&img, w, h, image::imageops::FilterType::Lanczos3);
            let stem = path.file_stem().and_then(|s| s.to_str()).expect("stem");
            out.save(dst.join(format!("{stem}.png")))
                .expect("write png");
            n += 1;
        }
        assert_eq!(n, 80, "{set}: images");
        let r = eval_json(std::slice::from_ref(&dst), ppi);
        let get = |k: &str| r[k].as_f64().unwrap_or(f64::NAN);
        assert!(
            get("eer") <= max_eer,
            "{set} at {ppi} ppi: EER above {max_eer}: {r}"
        );
        assert!(
            get("fte") <= 1.0 / 80.0 + 1e-9,
            "{set} at {ppi} ppi: FTE {r}"
        );
        let _ = std::fs::remove_dir_all(&dst);
    }
}
