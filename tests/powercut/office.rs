//! The office the receive scenarios start from: station A (on an ordinary disk) holding
//! `PEOPLE` people, its roster, and station B joined to the office with its home on the
//! power-cut layer, having received nothing yet. It owns that setup; it must not cut.

use std::path::{Path, PathBuf};

use super::common::{admin, huella, init_station, join_station, ok, s};
use super::mount::LazyMount;
use super::station::{Home, curps, pass_file};

/// People A holds and B is to receive.
pub const PEOPLE: u64 = 150;

/// Station A, the office roster, and station B on the mount.
pub struct Office {
    /// Station A's home (ordinary disk).
    pub a: PathBuf,
    /// The office roster a hub trusts.
    pub roster: PathBuf,
    /// Station B, on the mount.
    pub b: Home,
    /// The CURPs of A's people.
    pub curps: Vec<String>,
}

/// Builds the office in `dir`, B's home on `m`.
pub fn office(dir: &Path, m: &LazyMount) -> Office {
    let pass = pass_file(dir);
    let a = dir.join("a");
    init_station(&a, "0901", "A", &pass);
    let b = Home {
        home: m.path().join("b"),
        pass: pass.clone(),
    };
    join_station(dir, &a, &b.home, "B", &pass, "admin");
    let roster = dir.join("roster");
    ok(&admin(
        &a,
        &pass,
        &["sync", "roster", "export", "--out", s(&roster)],
    ));
    let csv = dir.join("personas.csv");
    ok(&huella(
        &a,
        &[
            "sample",
            "csv",
            "--people",
            &PEOPLE.to_string(),
            "--seed",
            "7",
            "--out",
            s(&csv),
        ],
    ));
    ok(&admin(&a, &pass, &["import", s(&csv)]));
    Office {
        a,
        roster,
        b,
        curps: curps(&csv),
    }
}

/// Every person of A is at B, once.
pub fn all_present(o: &Office, case: &str) {
    assert_eq!(o.b.people(case), PEOPLE, "{case}");
    for curp in o.curps.iter().step_by(29) {
        assert_eq!(o.b.find(curp, case).len(), 1, "{case}: {curp}");
    }
}
