//! Exporting many local edits at once (spread over the cores) seals each record exactly once
//! and replicates them all.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::*;
use huella_keys::{OfficerKey, Recipient, Role};
use huella_sync::node::StationSide;

#[test]
fn many_records_export_once_and_replicate() {
    let mut a = Node::new("A", "0101", &[]);
    let b = Node::new("B", "0101", &[]);
    a.recipients
        .push(Recipient::parse("b", &b.secrets.public().recipient).unwrap());
    let admin = OfficerKey::generate("admin", Role::Admin);
    let r = roster_for("0101", &[&a, &b], &admin);
    let hub = Hub::new();
    for t in [a.trust(), b.trust(), hub.trust()] {
        t.anchor(&r).unwrap();
    }
    let ids: Vec<_> = (0..300).map(|i| a.create(&format!("CURP{i:04}"))).collect();
    let idx = TestIndexer(&a.secrets);
    let side = StationSide::new(a.store(), a.keys(), &a.officer, &idx);
    assert_eq!(side.prepare().unwrap(), 300);
    assert_eq!(side.prepare().unwrap(), 0);
    a.edit_name(ids[7], "Otro");
    assert_eq!(side.prepare().unwrap(), 1);
    let o = sync_with(&a, &hub).unwrap();
    assert!(o.converged);
    assert_eq!(o.sent, 300);
    assert!(sync_with(&b, &hub).unwrap().converged);
    assert_eq!(b.name_of(ids[7]).as_deref(), Some("Otro"));
    assert_eq!(b.name_of(ids[299]).as_deref(), Some("Nombre CURP0299"));
    assert_eq!(b.store().replica().summary().unwrap().records, 300);
}
