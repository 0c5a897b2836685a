//! Office key rotation after a revocation, over real sled stores and real keys: records
//! written after the rotation reach the stations still trusted and stay unreadable to the
//! revoked one, whatever path brings them there; older records stay readable.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::*;
use huella_keys::{OfficerKey, Role, StationSecrets};
use huella_sync::node::StationSide;
use huella_sync::protocol::{DATA_BUDGET, LocalSide, SyncError};
use huella_sync::roster::{Roster, RosterAdmin, SignedRoster};
use huella_sync::{RecordId, StoreError};

struct Office {
    admin: OfficerKey,
    a: Node,
    b: Node,
    c: Node,
    hub: Hub,
    v1: Roster,
}

fn office() -> Office {
    let sa = StationSecrets::generate("A", "0101");
    let sb = sa.new_station_in_office("B");
    let sc = sa.new_station_in_office("C");
    let admin = OfficerKey::generate("root", Role::Admin);
    let officer = || OfficerKey::generate("ana", Role::Admin);
    let (a, b, c) = (
        Node::with_secrets(sa, officer()),
        Node::with_secrets(sb, officer()),
        Node::with_secrets(sc, officer()),
    );
    let v1 = Roster {
        office: "0101".into(),
        version: 1,
        issued_at: "t".into(),
        office_recipient: a.secrets.public().office_recipient,
        stations: vec![a.roster_entry(), b.roster_entry(), c.roster_entry()],
        admins: vec![RosterAdmin {
            user: admin.user().into(),
            key: admin.public().key.to_hex(),
            station: String::new(),
        }],
        office_keys: vec![],
        central_key: String::new(),
    };
    let hub = Hub::new();
    let signed = SignedRoster::sign(&v1, &admin);
    for t in [a.trust(), b.trust(), c.trust(), hub.trust()] {
        t.anchor(&signed).unwrap();
    }
    Office {
        admin,
        a,
        b,
        c,
        hub,
        v1,
    }
}

/// Version 2: C revoked, office key generation 1 granted to A and B.
fn revoke_c(o: &Office) -> SignedRoster {
    let mut r = o.v1.clone();
    r.stations[2].revoked = true;
    let key = r.rotate_office_key().unwrap();
    assert_eq!(key.generation(), 1);
    r.version = 2;
    let granted: Vec<&str> = r.office_keys[0]
        .grants
        .iter()
        .map(|g| g.station.as_str())
        .collect();
    assert_eq!(granted, ["A", "B"]);
    SignedRoster::sign(&r, &o.admin)
}

/// Copies record `id` from `from`'s replica into `to` as raw replicated data (a USB copy of
/// the store, a leaked bundle…), merging it like a received sync would.
fn raw_copy(from: &Node, to: &Node, id: RecordId) -> huella_sync::Materialized {
    let theirs = to.store().replica().have(&id).unwrap();
    let (data, _) = from
        .store()
        .replica()
        .data_for(&[theirs], DATA_BUDGET)
        .unwrap();
    assert!(!data.is_empty());
    let idx = TestIndexer(&to.secrets);
    let side = StationSide::new(to.store(), to.keys(), &to.officer, &idx);
    side.apply(data).unwrap();
    side.materialized()
}

#[test]
fn records_after_a_revocation_are_unreadable_to_the_revoked_station() {
    let o = office();
    let old = o.a.create("CURP-ANTES");
    sync_with(&o.a, &o.hub).unwrap();
    for n in [&o.b, &o.c] {
        sync_with(n, &o.hub).unwrap();
        assert_eq!(n.name_of(old).as_deref(), Some("Nombre CURP-ANTES"));
    }

    // The administrator at A revokes C: roster v2 with office key generation 1.
    let v2 = revoke_c(&o);
    o.a.trust().anchor(&v2).unwrap();
    let new = o.a.create("CURP-DESPUES");
    // A wraps new keys to generation 1, not to the generation-0 office key C holds.
    let gen0 = o.a.secrets.public().office_recipient;
    assert!(!o.a.keys().recipients.iter().any(|r| r.to_text() == gen0));
    assert_eq!(o.a.keys().office_generation(), 1);

    // The roster reaches the hub with A's sync, and B with its own (ahead of the records).
    sync_offering(&o.a, &o.hub, Some(v2.clone())).unwrap();
    let out = sync_with(&o.b, &o.hub).unwrap();
    assert!(out.received >= 1);
    assert_eq!(o.b.name_of(new).as_deref(), Some("Nombre CURP-DESPUES"));
    assert_eq!(o.b.keys().office_generation(), 1);

    // C is refused by the hub...
    assert!(matches!(
        sync_with(&o.c, &o.hub),
        Err(SyncError::Refused(_) | SyncError::Revoked { .. })
    ));
    // ...and even with the new roster and a raw copy of the record it cannot open it.
    o.c.trust().accept(&v2, false).unwrap();
    assert_eq!(o.c.keys().office_generation(), 0);
    let m = raw_copy(&o.a, &o.c, new);
    assert_eq!((m.opaque, m.created.len()), (1, 0));
    assert!(o.c.name_of(new).is_none());
    assert!(matches!(
        o.c.store().open_record(&o.c.keys(), new),
        Err(StoreError::NoSuchRecord(_))
    ));
    let wrapped = o.c.store().replica().wrapped_key(&new).unwrap().unwrap();
    assert!(
        o.c.keys()
            .open_key(&huella_keys::WrappedKey::from_bytes(wrapped))
            .is_err()
    );

    // Records from before stay readable to A and B (and to C, which already held them).
    for n in [&o.a, &o.b, &o.c] {
        assert_eq!(n.name_of(old).as_deref(), Some("Nombre CURP-ANTES"));
    }
    // B writes with generation 1 too; A reads it after a round.
    let from_b = o.b.create("CURP-DE-B");
    sync_with(&o.b, &o.hub).unwrap();
    sync_with(&o.a, &o.hub).unwrap();
    assert_eq!(o.a.name_of(from_b).as_deref(), Some("Nombre CURP-DE-B"));
    let m = raw_copy(&o.b, &o.c, from_b);
    assert_eq!(m.opaque, 1);
}

#[test]
fn a_record_that_arrives_before_its_roster_is_read_once_the_roster_comes() {
    let o = office();
    let v2 = revoke_c(&o);
    o.a.trust().anchor(&v2).unwrap();
    let new = o.a.create("CURP-ADELANTADO");
    o.a.store().export_local(&o.a.keys()).unwrap();
    // B gets the record before the roster that grants its key: kept opaque.
    let m = raw_copy(&o.a, &o.b, new);
    assert_eq!(m.opaque, 1);
    assert!(o.b.name_of(new).is_none());
    // The roster arrives (any path); the next round opens the record without it being sent
    // again.
    o.b.trust().accept(&v2, false).unwrap();
    let idx = TestIndexer(&o.b.secrets);
    let side = StationSide::new(o.b.store(), o.b.keys(), &o.b.officer, &idx);
    side.prepare().unwrap();
    assert_eq!(side.materialized().created, vec![new]);
    assert_eq!(o.b.name_of(new).as_deref(), Some("Nombre CURP-ADELANTADO"));
}

#[test]
fn an_invited_station_is_granted_every_generation() {
    let o = office();
    let v2 = revoke_c(&o);
    o.a.trust().anchor(&v2).unwrap();
    let mut r = v2.roster().unwrap();
    let d = o.a.secrets.new_station_in_office("D");
    let dn = Node::with_secrets(d, OfficerKey::generate("ana", Role::Admin));
    let ring = r.keyring_for(&o.a.secrets);
    assert_eq!(ring.len(), 1);
    r.grant_all(&ring, "D", &dn.secrets.public().recipient)
        .unwrap();
    r.stations.push(dn.roster_entry());
    r.version = 3;
    let v3 = SignedRoster::sign(&r, &o.admin);
    dn.trust().anchor(&v3).unwrap();
    assert_eq!(dn.keys().office_generation(), 1);
    // C's keyring cannot be forged from the roster: it has no grant, whatever it holds.
    assert!(r.keyring_for(&o.c.secrets).is_empty());
    // A station that lacks a generation cannot grant it.
    assert!(
        r.grant_all(
            &huella_keys::OfficeKeyring::new(),
            "E",
            &dn.secrets.public().recipient
        )
        .is_err()
    );
}
