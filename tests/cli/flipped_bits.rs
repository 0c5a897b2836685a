//! One flipped bit anywhere in the store's sled files (the database log, the snapshot, sled's
//! `conf`), at seeded offsets: every command ends (the open is bounded), and either opens the
//! store with everyone in it or moves the store aside whole with the Spanish damaged-store
//! message. Never a hang, never an English sled error, never a store opened short.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::util::{Station, assert_success, sample_csv, stderr, stdout};

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8")
}

/// Far above the binary's own open deadline (60 s plus sled's 3 s lock wait): reaching it
/// means the command hung, not that it was slow.
const HANG: Duration = Duration::from_secs(180);

fn run_bounded(mut cmd: Command) -> Option<Output> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            return Some(child.wait_with_output().expect("output"));
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A small seeded generator (SplitMix64): the offsets are the same on every run.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn a_flipped_bit_in_any_sled_file_ends_opened_whole_or_moved_aside() {
    let st = Station::init();
    let csv = st.path("people.csv");
    sample_csv(&st, &csv, 200, 5);
    assert_success(&st.run_as_admin(&["import", s(&csv)]));
    let store = st.home.join("almacen");
    let pristine = st.path("pristine");
    std::fs::rename(&store, &pristine).expect("keep a pristine copy");
    let snapshot = std::fs::read_dir(&pristine)
        .expect("store")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("snap."))
        .expect("a snapshot file");
    let seed: u64 = std::env::var("HUELLA_FLIP_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(18);
    let mut state = seed;
    let mut targets: Vec<&str> = vec!["db"; 8];
    targets.extend([snapshot.as_str(), snapshot.as_str(), "conf", "conf"]);
    let (mut opened, mut aside) = (0, 0);
    for file in targets {
        let _ = std::fs::remove_dir_all(&store);
        let copied = Command::new("cp")
            .args(["-a", s(&pristine), s(&store)])
            .status()
            .expect("cp");
        assert!(copied.success());
        let path = store.join(file);
        let mut bytes = std::fs::read(&path).expect("file");
        let at = usize::try_from(next(&mut state) % bytes.len() as u64).expect("offset");
        let bit = next(&mut state) % 8;
        bytes[at] ^= 1 << bit;
        std::fs::write(&path, &bytes).expect("flip");
        let case = format!("{file} byte {at} bit {bit} (seed {seed})");
        let out = run_bounded(st.cmd(&["status", "--json"]))
            .unwrap_or_else(|| panic!("status hung on a store with a flipped bit: {case}"));
        if out.status.success() {
            let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
            assert_eq!(v["personas"].as_u64(), Some(200), "opened short: {case}");
            opened += 1;
            continue;
        }
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{case}: {err}");
        assert!(err.contains("dañado"), "{case}: {err}");
        assert!(err.contains("se apartó sin borrar nada"), "{case}: {err}");
        for english in ["Unsupported", "Corruption", "os error", "panicked"] {
            assert!(!err.contains(english), "{case}: {err}");
        }
        assert!(
            !store.exists(),
            "{case}: the damaged store was left in place"
        );
        aside += 1;
    }
    eprintln!("flipped bits: {opened} opened whole, {aside} moved aside");
    assert!(aside > 0, "no flip was detected");
}
