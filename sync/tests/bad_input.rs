//! Forged, replayed, corrupt and truncated messages and bundles are refused and change nothing.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::*;
use huella_keys::{OfficerKey, Role};
use huella_sync::bundle;
use huella_sync::node::StationSide;
use huella_sync::protocol::{Client, Envelope, LocalSide, SyncError};

fn setup() -> (Node, Hub, Node) {
    let a = Node::new("A", "0101", &[]);
    let outsider = Node::new("X", "0101", &[]);
    let admin = OfficerKey::generate("admin", Role::Admin);
    let r = roster_for("0101", &[&a], &admin);
    let hub = Hub::new();
    a.trust().anchor(&r).unwrap();
    hub.trust().anchor(&r).unwrap();
    (a, hub, outsider)
}

fn hub_root(hub: &Hub) -> [u8; 32] {
    hub.side.replica().summary().unwrap().root
}

#[test]
fn replayed_forged_and_unknown_requests_change_nothing() {
    let (a, hub, outsider) = setup();
    a.create("AAAA");
    let idx = TestIndexer(&a.secrets);
    let side = StationSide::new(a.store(), a.keys(), &a.officer, &idx);
    side.prepare().unwrap();
    let mut client = Client::new("hub", None, None);
    let first = client.start(&side, &a.secrets).unwrap();
    let answer = hub.handle(&first).unwrap();
    // Replay of the very same request.
    assert!(matches!(hub.handle(&first), Err(SyncError::Replayed)));
    // Forged: body swapped after signing.
    let mut env = Envelope::from_bytes(&first).unwrap();
    env.body.push(0);
    env.nonce[0] ^= 1;
    assert!(matches!(
        hub.handle(&env.to_bytes()),
        Err(SyncError::Forged)
    ));
    // Truncated.
    assert!(hub.handle(&first[..first.len() / 2]).is_err());
    // Unknown station.
    let before = hub_root(&hub);
    let oidx = TestIndexer(&outsider.secrets);
    let oside = StationSide::new(outsider.store(), outsider.keys(), &outsider.officer, &oidx);
    outsider.create("XXXX");
    oside.prepare().unwrap();
    let mut oc = Client::new("hub", None, None);
    let m = oc.start(&oside, &outsider.secrets).unwrap();
    assert!(matches!(hub.handle(&m), Err(SyncError::UnknownStation)));
    assert_eq!(hub_root(&hub), before);
    assert!(!hub.side.replica().refusals().unwrap().is_empty());
    // An answer to another request is refused by the client.
    let mut other = Client::new("hub", None, None);
    let _ = other.start(&side, &a.secrets).unwrap();
    assert!(matches!(
        other.receive(&side, &a.secrets, &answer, &mut |_| {}),
        Err(SyncError::WrongPeer)
    ));
}

#[test]
fn bundles_round_trip_and_bad_bundles_are_refused() {
    let (a, hub, outsider) = setup();
    let ids: Vec<_> = (0..5).map(|i| a.create(&format!("CURP{i}"))).collect();
    let idx = TestIndexer(&a.secrets);
    let side = StationSide::new(a.store(), a.keys(), &a.officer, &idx);
    side.prepare().unwrap();
    let (b1, n) = bundle::export(&side, &a.secrets, "hub", None).unwrap();
    assert_eq!(n, 5);
    let before = hub_root(&hub);
    // Corrupt and truncated bundles.
    let mut bad = b1.clone();
    let last = bad.len() - 10;
    bad[last] ^= 0x55;
    assert!(bundle::answer(&hub.side, &hub.key, &bad).is_err());
    assert!(bundle::answer(&hub.side, &hub.key, &b1[..b1.len() - 1]).is_err());
    assert!(bundle::answer(&hub.side, &hub.key, b"basura").is_err());
    // A bundle from an unknown station.
    let oidx = TestIndexer(&outsider.secrets);
    let oside = StationSide::new(outsider.store(), outsider.keys(), &outsider.officer, &oidx);
    outsider.create("XX");
    oside.prepare().unwrap();
    let (ob, _) = bundle::export(&oside, &outsider.secrets, "hub", None).unwrap();
    assert!(matches!(
        bundle::answer(&hub.side, &hub.key, &ob),
        Err(SyncError::UnknownStation)
    ));
    assert_eq!(hub_root(&hub), before);

    let ack = bundle::answer(&hub.side, &hub.key, &b1).unwrap();
    assert!(matches!(
        bundle::answer(&hub.side, &hub.key, &b1),
        Err(SyncError::Replayed)
    ));
    let imported = bundle::import(&side, &ack, "hub", None).unwrap();
    assert_eq!(imported.haves.len(), 5);
    assert!(matches!(
        bundle::import(&side, &ack, "hub", None),
        Err(SyncError::Replayed)
    ));
    assert_eq!(side.replica().summary().unwrap().root, hub_root(&hub));
    // The next export carries only what changed since the acknowledgement.
    a.edit_name(ids[0], "Otro");
    side.prepare().unwrap();
    let (b2, n2) = bundle::export(&side, &a.secrets, "hub", None).unwrap();
    assert_eq!(n2, 1);
    assert!(b2.len() < b1.len() / 3, "{} vs {}", b2.len(), b1.len());
    let ack2 = bundle::answer(&hub.side, &hub.key, &b2).unwrap();
    // An ack signed by another hub is refused once the first is pinned.
    let other = Hub::new();
    other
        .trust()
        .anchor(&a.trust().roster("0101").unwrap().unwrap().1)
        .unwrap();
    let (b3, _) = bundle::export(&side, &a.secrets, "otro", None).unwrap();
    let foreign_ack = bundle::answer(&other.side, &other.key, &b3).unwrap();
    assert!(matches!(
        bundle::import(&side, &foreign_ack, "hub", Some(imported.signer)),
        Err(SyncError::WrongPeer)
    ));
    bundle::import(&side, &ack2, "hub", Some(imported.signer)).unwrap();
    assert_eq!(side.replica().summary().unwrap().root, hub_root(&hub));
}
