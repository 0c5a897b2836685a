//! Acknowledgement bundles are scoped: an exporter gets back what the hub holds of its own
//! records and its office's records (from bundles or HTTP syncs), erasures included, and
//! nothing of other offices.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::*;
use huella_keys::{OfficerKey, Recipient, Role};
use huella_sync::bundle;
use huella_sync::node::StationSide;
use huella_sync::protocol::{LocalSide, SyncError};

/// Exports `n`'s bundle for the hub, has the hub answer it and imports the acknowledgement.
fn round(n: &Node, hub: &Hub) -> (bundle::Imported, Vec<u8>) {
    let idx = TestIndexer(&n.secrets);
    let side = StationSide::new(n.store(), n.keys(), &n.officer, &idx);
    side.prepare().unwrap();
    let (b, _) = bundle::export(&side, &n.secrets, "hub", None).unwrap();
    let ack = bundle::answer(&hub.side, &hub.key, &b).unwrap();
    (bundle::import(&side, &ack, "hub", None).unwrap(), b)
}

fn exported_records(n: &Node) -> usize {
    let idx = TestIndexer(&n.secrets);
    let side = StationSide::new(n.store(), n.keys(), &n.officer, &idx);
    side.prepare().unwrap();
    bundle::export(&side, &n.secrets, "hub", None).unwrap().1
}

#[test]
fn acknowledgements_carry_the_office_not_the_region() {
    let mut a1 = Node::new("A1", "0101", &[]);
    let mut a2 = Node::new("A2", "0101", &[]);
    let a3 = Node::new("A3", "0101", &[]);
    let b1 = Node::new("B1", "0202", &[]);
    // The office's stations can read each other's records.
    let (r1, r2) = (a1.secrets.public().recipient, a2.secrets.public().recipient);
    a1.recipients.push(Recipient::parse("a2", &r2).unwrap());
    a2.recipients.push(Recipient::parse("a1", &r1).unwrap());
    let admin = OfficerKey::generate("admin", Role::Admin);
    let ra = roster_for("0101", &[&a1, &a2, &a3], &admin);
    let rb = roster_for("0202", &[&b1], &admin);
    let hub = Hub::new();
    for (r, nodes) in [(&ra, vec![&a1, &a2, &a3]), (&rb, vec![&b1])] {
        hub.trust().anchor(r).unwrap();
        for n in nodes {
            n.trust().anchor(r).unwrap();
        }
    }

    let mine: Vec<_> = (0..3).map(|i| a1.create(&format!("AAAA{i}"))).collect();
    let (first, first_bundle) = round(&a1, &hub);
    assert_eq!(first.haves.len(), 3);
    assert!(first.applied.changed.is_empty());
    let theirs: Vec<_> = (0..2).map(|i| b1.create(&format!("BBBB{i}"))).collect();
    let (from_b, _) = round(&b1, &hub);
    assert_eq!(from_b.haves.len(), 2, "B's ack lists only B's records");
    assert!(from_b.applied.changed.is_empty());

    // A2 gets the records of its office (readable) and none of office 0202.
    let own = a2.create("AAAA9");
    let (got, _) = round(&a2, &hub);
    let mut changed = got.applied.changed.clone();
    changed.sort();
    let mut want = mine.clone();
    want.sort();
    assert_eq!(changed, want);
    assert_eq!(got.haves.len(), 4);
    assert!(got.haves.iter().any(|h| h.id == own.0));
    for id in &theirs {
        assert!(a2.store().replica().meta(id).unwrap().is_none());
    }
    assert_eq!(a2.name_of(mine[0]).as_deref(), Some("Nombre AAAA0"));
    // The station learned from the ack what arrived: its next bundle carries nothing.
    assert_eq!(exported_records(&a2), 0);

    // A record of the office that reached the hub over HTTP comes back in acks too.
    let by_http = a3.create("AAAA7");
    assert!(sync_with(&a3, &hub).unwrap().converged);
    let (again, _) = round(&a1, &hub);
    assert!(again.applied.changed.contains(&by_http));
    assert!(again.applied.changed.contains(&own));
    assert!(!again.applied.changed.iter().any(|id| theirs.contains(id)));

    // An erasure at A1 reaches A2 through the hub's ack and stays.
    let keys = a1.keys();
    a1.store()
        .erase_replicated(&keys, &a1.officer, mine[1])
        .unwrap();
    round(&a1, &hub);
    let (erased, _) = round(&a2, &hub);
    assert_eq!(erased.applied.erased, vec![mine[1]]);
    assert!(a2.name_of(mine[1]).is_none());
    a2.restart();
    assert!(a2.name_of(mine[1]).is_none());
    assert_eq!(exported_records(&a2), 0);

    // An old bundle replayed changes nothing.
    let root = hub.side.replica().summary().unwrap().root;
    assert!(matches!(
        bundle::answer(&hub.side, &hub.key, &first_bundle),
        Err(SyncError::Replayed)
    ));
    assert_eq!(hub.side.replica().summary().unwrap().root, root);
}
