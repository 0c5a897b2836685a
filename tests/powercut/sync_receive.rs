//! The power cut while station B pulls 150 people from a hub process on loopback (`huella
//! sync --hub`): after each cut B's store opens and verifies; if the round printed
//! `sincronizado: … recibidos N` everyone is there; and one more round leaves everyone
//! present and findable.

use super::common::{admin, ok, start_hub};
use super::mount::LazyMount;
use super::office::{PEOPLE, all_present, office};
use super::points::{Tally, choose, name};
use super::station::{count_after, text};

#[test]
fn a_power_cut_during_a_sync_receive_loses_nothing_it_acknowledged() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut m = LazyMount::mount(&dir.path().join("disco"))
        .expect("mounting the FUSE layer (needs root and /dev/fuse)");
    let o = office(dir.path(), &m);
    let (_hub, url) = start_hub(&dir.path().join("hub"), &o.roster);
    let out = ok(&admin(&o.a, &o.b.pass, &["sync", "--hub", &url]));
    assert!(out.contains(&format!("enviados {PEOPLE}")), "{out}");
    m.persist_all();
    let prepared = m.snapshot();

    let dry = m.run(o.b.admin_cmd(&["sync", "--hub", &url]), None);
    let said = text(&dry.output.stdout);
    assert_eq!(count_after(&said, "recibidos "), Some(PEOPLE), "{said}");
    let total = dry.ops;

    let mut tally = Tally::default();
    for n in choose(total, 3) {
        m.restore(&prepared).expect("remount");
        let run = m.run(o.b.admin_cmd(&["sync", "--hub", &url]), n);
        m.cut().expect("remount after the cut");
        let case = format!("sync receive, {}", name(n, total, run.cut_before.as_ref()));
        let told = count_after(&text(&run.output.stdout), "recibidos ");
        let held = o.b.people(&case);
        if told.is_some() {
            assert_eq!(
                held, PEOPLE,
                "{case}: acknowledged {told:?}, {held} after the cut"
            );
        }
        o.b.audit_verifies(&case);
        ok(&o.b.admin(&["sync", "--hub", &url]));
        all_present(&o, &case);
        o.b.audit_verifies(&case);
        tally.add(told.is_some());
    }
    tally.report("sync receive", total);
}
