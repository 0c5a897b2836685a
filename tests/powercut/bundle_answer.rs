//! The power cut while a hub answers a station's bundle (`huella hub --import-bundle …
//! --ack-out …`), the hub's store and the acknowledgement on the cut disk: if the hub ended
//! (exit 0) before the cut, the acknowledgement file survives whole; if not, the same command
//! again answers it (never "repetido" while no acknowledgement survived). Either way the
//! station then accepts the acknowledgement and its audit verifies.

use super::common::{init_station, ok, s};
use super::mount::LazyMount;
use super::points::{Tally, choose, name};
use super::station::{Home, count_after, pass_file, text};

const PEOPLE: u64 = 120;

#[test]
fn a_power_cut_while_a_hub_answers_a_bundle_never_loses_the_acknowledgement() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let mut m = LazyMount::mount(&d.join("disco"))
        .expect("mounting the FUSE layer (needs root and /dev/fuse)");
    let a = Home {
        home: m.path().join("a"),
        pass: pass_file(d),
    };
    init_station(&a.home, "0901", "A", &a.pass);
    let csv = d.join("personas.csv");
    ok(&a.run(&[
        "sample",
        "csv",
        "--people",
        &PEOPLE.to_string(),
        "--seed",
        "9",
        "--out",
        s(&csv),
    ]));
    ok(&a.admin(&["import", s(&csv)]));
    let roster = d.join("roster");
    ok(&a.admin(&["sync", "roster", "export", "--out", s(&roster)]));
    let bundle = d.join("a.paquete");
    ok(&a.admin(&["bundle", "export", "--out", s(&bundle)]));
    m.persist_all();
    let prepared = m.snapshot();
    let ack = m.path().join("a.acuse");
    let hub = Home {
        home: m.path().join("hub"),
        pass: a.pass.clone(),
    };
    let args = [
        "hub",
        "--trust",
        s(&roster),
        "--import-bundle",
        s(&bundle),
        "--ack-out",
        s(&ack),
    ];

    let dry = m.run(hub.cmd(&args), None);
    assert!(dry.output.status.success(), "{}", text(&dry.output.stderr));
    let total = dry.ops;

    let mut tally = Tally::default();
    for n in choose(total, 6) {
        m.restore(&prepared).expect("remount");
        let run = m.run(hub.cmd(&args), n);
        m.cut().expect("remount after the cut");
        let case = format!("hub answer, {}", name(n, total, run.cut_before.as_ref()));
        let told = run.cut_before.is_none() && run.output.status.success();
        if told {
            assert!(
                ack.is_file(),
                "{case}: the hub ended but its acknowledgement is gone"
            );
        }
        if !ack.is_file() {
            let again = hub.run(&args);
            assert!(
                again.status.success(),
                "{case}: answering again: {}",
                text(&again.stderr)
            );
        }
        let out = a.admin(&["bundle", "import", s(&ack)]);
        let said = ok(&out);
        assert_eq!(
            count_after(&said, "enviados "),
            Some(PEOPLE),
            "{case}: {said}"
        );
        a.audit_verifies(&case);
        tally.add(told);
    }
    tally.report("hub answer", total);
}
