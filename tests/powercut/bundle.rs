//! The power cut while station B imports a hub's acknowledgement bundle carrying 150 people
//! (`huella bundle import`): after each cut B's store opens and verifies; if the import printed
//! `sincronizado: … recibidos N` everyone is there; importing the same acknowledgement again
//! completes (or, if it already counted, a new export and answer round does), and then everyone
//! is present and findable.

use std::path::Path;

use super::common::{admin, huella, ok, s};
use super::mount::LazyMount;
use super::office::{Office, PEOPLE, all_present, office};
use super::points::{Tally, choose, name};
use super::station::{count_after, text};

/// A hub (`--import-bundle`, no server) at `hub` answers `bundle` into `ack`.
fn answer(hub: &Path, o: &Office, bundle: &Path, ack: &Path) {
    ok(&huella(
        hub,
        &[
            "hub",
            "--trust",
            s(&o.roster),
            "--import-bundle",
            s(bundle),
            "--ack-out",
            s(ack),
        ],
    ));
}

#[test]
fn a_power_cut_during_a_bundle_import_loses_nothing_it_acknowledged() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let mut m = LazyMount::mount(&d.join("disco"))
        .expect("mounting the FUSE layer (needs root and /dev/fuse)");
    let o = office(d, &m);
    let hub = d.join("hub");
    ok(&admin(
        &o.a,
        &o.b.pass,
        &["bundle", "export", "--out", s(&d.join("a.paquete"))],
    ));
    answer(&hub, &o, &d.join("a.paquete"), &d.join("a.acuse"));
    let (bundle, ack) = (d.join("b.paquete"), d.join("b.acuse"));
    ok(&o.b.admin(&["bundle", "export", "--out", s(&bundle)]));
    answer(&hub, &o, &bundle, &ack);
    m.persist_all();
    let prepared = m.snapshot();

    let dry = m.run(o.b.admin_cmd(&["bundle", "import", s(&ack)]), None);
    let said = text(&dry.output.stdout);
    assert_eq!(
        count_after(&said, "recibidos "),
        Some(PEOPLE),
        "{said}{}",
        text(&dry.output.stderr)
    );
    let total = dry.ops;

    let mut tally = Tally::default();
    for (i, n) in choose(total, 4).into_iter().enumerate() {
        m.restore(&prepared).expect("remount");
        let run = m.run(o.b.admin_cmd(&["bundle", "import", s(&ack)]), n);
        m.cut().expect("remount after the cut");
        let case = format!("bundle import, {}", name(n, total, run.cut_before.as_ref()));
        let told = count_after(&text(&run.output.stdout), "recibidos ");
        let held = o.b.people(&case);
        if told.is_some() {
            assert_eq!(
                held, PEOPLE,
                "{case}: acknowledged {told:?}, {held} after the cut"
            );
        }
        o.b.audit_verifies(&case);
        let again = o.b.admin(&["bundle", "import", s(&ack)]);
        if !again.status.success() {
            // It counted before the cut: a new round answers it.
            let (b2, a2) = (
                d.join(format!("b-{i}.paquete")),
                d.join(format!("b-{i}.acuse")),
            );
            ok(&o.b.admin(&["bundle", "export", "--out", s(&b2)]));
            answer(&hub, &o, &b2, &a2);
            ok(&o.b.admin(&["bundle", "import", s(&a2)]));
        }
        all_present(&o, &case);
        o.b.audit_verifies(&case);
        tally.add(told.is_some());
    }
    tally.report("bundle import", total);
}
