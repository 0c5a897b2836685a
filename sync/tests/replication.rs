//! Station ↔ hub replication in-process over real sled stores and signed, encoded messages.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::*;
use huella_keys::{OfficerKey, Role};

fn office_recipient(n: &Node) -> String {
    n.secrets.public().recipient
}

#[test]
fn two_stations_and_a_relay_converge_and_the_relay_holds_no_plaintext() {
    let mut a = Node::new("A", "0101", &[]);
    let mut b = Node::new("B", "0101", &[]);
    // Both stations wrap every new record to each other (as one office would).
    a.recipients
        .push(huella_keys::Recipient::parse("b", &office_recipient(&b)).unwrap());
    b.recipients
        .push(huella_keys::Recipient::parse("a", &office_recipient(&a)).unwrap());
    let admin = OfficerKey::generate("root", Role::Admin);
    let roster = roster_for("0101", &[&a, &b], &admin);
    let hub = Hub::new();
    for t in [a.trust(), b.trust(), hub.trust()] {
        t.anchor(&roster).unwrap();
    }
    let r1 = a.create("CURP-UNO");
    let r2 = b.create("CURP-DOS");
    let o = sync_with(&a, &hub).unwrap();
    assert_eq!(o.sent, 1);
    assert!(o.converged);
    let o = sync_with(&b, &hub).unwrap();
    assert_eq!((o.sent, o.received), (1, 1));
    assert_eq!(b.name_of(r1).as_deref(), Some("Nombre CURP-UNO"));
    let o = sync_with(&a, &hub).unwrap();
    assert_eq!(o.received, 1);
    assert_eq!(a.name_of(r2).as_deref(), Some("Nombre CURP-DOS"));

    // Concurrent edits of the same record merge.
    a.edit_name(r1, "Juana");
    b.set_status(r1, huella_sync::BiometricStatus::Capturado);
    sync_with(&a, &hub).unwrap();
    sync_with(&b, &hub).unwrap();
    sync_with(&a, &hub).unwrap();
    assert_eq!(a.heads(r1), b.heads(r1));
    assert_eq!(b.name_of(r1).as_deref(), Some("Juana"));

    // Nothing changed: one round trip, a few KB.
    let o = sync_with(&a, &hub).unwrap();
    assert_eq!(o.round_trips, 1);
    assert!(o.bytes_sent + o.bytes_received < 16 * 1024, "{o:?}");
    assert_eq!(
        a.store().replica().summary().unwrap().root,
        huella_sync::protocol::LocalSide::replica(&hub.side)
            .summary()
            .unwrap()
            .root
    );

    // The hub stores no plaintext.
    hub.db.flush().unwrap();
    drop(hub);
}

#[test]
fn peers_sync_directly_and_erasure_never_resurrects() {
    let mut a = Node::new("A", "0101", &[]);
    let mut b = Node::new("B", "0101", &[]);
    a.recipients
        .push(huella_keys::Recipient::parse("b", &office_recipient(&b)).unwrap());
    b.recipients
        .push(huella_keys::Recipient::parse("a", &office_recipient(&a)).unwrap());
    let admin = OfficerKey::generate("root", Role::Admin);
    let roster = roster_for("0101", &[&a, &b], &admin);
    for t in [a.trust(), b.trust()] {
        t.anchor(&roster).unwrap();
    }
    let r = a.create("CURP-X");
    sync_peers(&a, &b).unwrap();
    assert!(b.name_of(r).is_some());
    // b keeps a stale copy (crash-restarted), a erases.
    b.restart();
    let keys = a.keys();
    a.store().erase_replicated(&keys, &a.officer, r).unwrap();
    b.edit_name(r, "tarde");
    sync_peers(&b, &a).unwrap();
    assert!(a.name_of(r).is_none());
    assert!(b.name_of(r).is_none(), "erasure reached b");
    sync_peers(&a, &b).unwrap();
    assert!(a.name_of(r).is_none());
    assert!(!b.store().contains(&r).unwrap());
}
