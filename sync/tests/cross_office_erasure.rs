//! Erasure orders are accepted only from the record's own office and from an officer whose
//! role, in that office's signed data, allows it: a station of office 0202 that relays a
//! record of office 0101 cannot have it erased at the hub, at a LAN peer or at a station of
//! 0101; an officer (not a supervisor) of 0101 cannot either. Real sled stores, real keys,
//! signed envelopes through the server handler.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::{Hub, Node, roster_for, sync_peers, sync_with};
use huella_keys::{OfficerKey, Role};
use huella_sync::RecordId;
use huella_sync::roster::{ListedOfficer, OfficerList, SignedOfficerList};

fn office_recipient(n: &Node) -> String {
    n.secrets.public().office_recipient
}

fn erased_at(replica: &huella_sync::replica::Replica, id: RecordId) -> bool {
    replica.erasure(&id).unwrap().is_some()
}

#[test]
fn another_office_cannot_erase_a_record_at_a_hub_a_peer_or_a_station() {
    let mut a = Node::new("A", "0101", &[]);
    let b = Node::with_secrets(
        a.secrets.new_station_in_office("B"),
        OfficerKey::generate("beto", Role::Admin),
    );
    a.recipients
        .push(huella_keys::Recipient::parse("oficina", &office_recipient(&a)).unwrap());
    let c = Node::new("C", "0202", &[]);
    let admin = OfficerKey::generate("root", Role::Admin);
    let r1 = roster_for("0101", &[&a, &b], &admin);
    let r2 = roster_for("0202", &[&c], &admin);
    let hub = Hub::new();
    for t in [a.trust(), b.trust(), c.trust(), hub.trust()] {
        t.anchor(&r1).unwrap();
        t.anchor(&r2).unwrap();
    }

    let id = a.create("CURP-0101");
    sync_with(&a, &hub).unwrap();
    sync_with(&b, &hub).unwrap();
    sync_with(&c, &hub).unwrap();
    assert_eq!(b.name_of(id).as_deref(), Some("Nombre CURP-0101"));
    assert!(c.name_of(id).is_none(), "C relays it without reading it");

    // C's supervisor orders it erased (C signs as a trusted station of 0202).
    let keys = c.keys();
    c.store().erase_replicated(&keys, &c.officer, id).unwrap();

    // Hub: the record was first delivered by office 0101.
    sync_with(&c, &hub).unwrap();
    assert!(
        !erased_at(hub.side_replica(), id),
        "hub applied a foreign erasure"
    );

    // LAN peer: B serves, C pushes the order directly.
    let _ = sync_peers(&c, &b);
    assert!(!erased_at(&b.store().replica(), id), "peer applied it");
    assert_eq!(b.name_of(id).as_deref(), Some("Nombre CURP-0101"));

    // Station: A pulls from C (C answers with the order).
    let _ = sync_peers(&a, &c);
    assert!(!erased_at(&a.store().replica(), id), "station applied it");
    assert_eq!(a.name_of(id).as_deref(), Some("Nombre CURP-0101"));

    // The owning office's administrator can: the order reaches the hub and B.
    let keys = a.keys();
    a.store().erase_replicated(&keys, &a.officer, id).unwrap();
    sync_with(&a, &hub).unwrap();
    assert!(erased_at(hub.side_replica(), id));
    sync_with(&b, &hub).unwrap();
    assert!(b.name_of(id).is_none(), "the owning office's order applies");
}

#[test]
fn an_officer_without_supervision_cannot_order_an_erasure() {
    let a = Node::new("A", "0101", &[]);
    let b = Node::with_secrets(
        a.secrets.new_station_in_office("B"),
        OfficerKey::generate("beto", Role::Admin),
    );
    let admin = OfficerKey::generate("root", Role::Admin);
    let r1 = roster_for("0101", &[&a, &b], &admin);
    let hub = Hub::new();
    for t in [a.trust(), b.trust(), hub.trust()] {
        t.anchor(&r1).unwrap();
    }
    // A's signed list: "oficial" is an officer, "sup" a supervisor.
    let oficial = OfficerKey::generate("oficial", Role::Officer);
    let sup = OfficerKey::generate("sup", Role::Supervisor);
    let listed = |k: &OfficerKey| ListedOfficer {
        user: k.user().into(),
        role: k.role().as_str().into(),
        key: k.public().key.to_hex(),
    };
    let list = OfficerList {
        office: "0101".into(),
        station: "A".into(),
        version: 1,
        issued_at: "t".into(),
        officers: vec![listed(&oficial), listed(&sup)],
    };
    a.trust()
        .put_officer_list(&SignedOfficerList::sign(&list, &admin))
        .unwrap();
    let (x, y) = (a.create("CURP-X"), a.create("CURP-Y"));
    sync_with(&a, &hub).unwrap();
    let keys = a.keys();
    a.store().erase_replicated(&keys, &oficial, x).unwrap();
    a.store().erase_replicated(&keys, &sup, y).unwrap();
    sync_with(&a, &hub).unwrap();
    assert!(
        !erased_at(hub.side_replica(), x),
        "an officer's order applied"
    );
    assert!(
        erased_at(hub.side_replica(), y),
        "a supervisor's order did not"
    );
}
