//! The power cut during a CSV import of 600 rows (a committed batch of 500, then 100): after
//! each cut the store opens with whole batches only, everything the `importados: N` line
//! acknowledged is there and findable, the audit verifies, and importing the file again
//! completes it with no duplicates.

use super::common::{init_station, ok, s};
use super::mount::LazyMount;
use super::points::{Tally, choose, name};
use super::station::{Home, count_after, curps, pass_file, text};

const ROWS: u64 = 600;
const BATCH: u64 = huella::workflows::import::BATCH_ROWS as u64;

#[test]
fn a_power_cut_during_an_import_loses_nothing_it_acknowledged() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut m = LazyMount::mount(&dir.path().join("disco"))
        .expect("mounting the FUSE layer (needs root and /dev/fuse)");
    let h = Home {
        home: m.path().join("home"),
        pass: pass_file(dir.path()),
    };
    init_station(&h.home, "0901", "CORTE-1", &h.pass);
    let csv = dir.path().join("personas.csv");
    ok(&h.run(&[
        "sample",
        "csv",
        "--people",
        "600",
        "--seed",
        "18",
        "--out",
        s(&csv),
    ]));
    let people = curps(&csv);
    m.persist_all();
    let prepared = m.snapshot();

    let dry = m.run(h.admin_cmd(&["import", s(&csv)]), None);
    let said = text(&dry.output.stdout);
    assert_eq!(count_after(&said, "importados: "), Some(ROWS), "{said}");
    let total = dry.ops;

    let mut tally = Tally::default();
    for n in choose(total, 1) {
        m.restore(&prepared).expect("remount");
        let run = m.run(h.admin_cmd(&["import", s(&csv)]), n);
        m.cut().expect("remount after the cut");
        let case = format!("import, {}", name(n, total, run.cut_before.as_ref()));
        let told = count_after(&text(&run.output.stdout), "importados: ");
        let held = h.people(&case);
        if told.is_some() {
            assert_eq!(
                held, ROWS,
                "{case}: acknowledged {told:?}, {held} after the cut"
            );
        }
        assert!(
            held.is_multiple_of(BATCH) || held == ROWS,
            "{case}: a partial batch: {held}"
        );
        h.audit_verifies(&case);
        for curp in people
            .iter()
            .take(usize::try_from(held).expect("count"))
            .step_by(97)
        {
            assert_eq!(h.find(curp, &case).len(), 1, "{case}: {curp}");
        }
        let again = h.admin(&["import", s(&csv)]);
        let said = ok(&again);
        assert_eq!(
            count_after(&said, "importados: "),
            Some(ROWS - held),
            "{case}: {said}"
        );
        assert_eq!(h.people(&case), ROWS, "{case}");
        h.audit_verifies(&case);
        tally.add(told.is_some());
    }
    tally.report("import", total);
}
