//! Changes to a record (status changes, supervisor decisions, any edit) are accepted only
//! from stations of the office that owns it, or from the central key that office's signed
//! roster names: a supervisor of office 0202 who can read a 0101 record (its key is wrapped
//! to them, as to a regional reader) and writes a decision and a status into it is refused at
//! the hub, at a LAN peer and at a station of 0101. Real sled stores, real keys, signed
//! envelopes through the server handler.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::{Hub, Node, roster_for, sync_peers, sync_with};
use huella_keys::{OfficerKey, Recipient, Role};
use huella_sync::roster::{SignedRoster, Trust};
use huella_sync::{Approval, BiometricStatus, Decision, RecordId, StatusChange};

fn status_of(n: &Node, id: RecordId) -> BiometricStatus {
    n.read(id, |r| r.status().unwrap())
}

fn decisions_of(n: &Node, id: RecordId) -> usize {
    n.read(id, |r| r.approvals().unwrap().len())
}

/// `n`'s supervisor approves record `id` and sets its status to `status`.
fn decide(n: &Node, id: RecordId, status: BiometricStatus) {
    // Genuinely signed by the station's officer (an administrator of its own office's
    // roster): only the owning office's check of the signer can refuse it.
    let mut a = Approval {
        id: format!("ap-{}", n.name),
        decision: Decision::Aprobar,
        reason: String::new(),
        supervisor: n.officer.user().into(),
        signed_at: "2026-02-01T00:00:00Z".into(),
        capture_digest: String::new(),
        signature: String::new(),
        signer: huella_sync::Signer {
            key: n.officer.public().key.to_hex(),
            officers: String::new(),
        },
    };
    a.signature = n.officer.sign(&a.signed_message(&id)).to_hex();
    n.edit(id, |r| {
        r.add_approval(&a).unwrap();
        r.set_status(&StatusChange {
            status,
            at: "2026-02-01T00:00:00Z".into(),
            by: n.officer.user().into(),
            reason: "dictamen".into(),
        })
        .unwrap();
    });
}

/// Office 0101 (stations A and B, records also wrapped to `readers`), its roster naming
/// `central` as central key, and a hub; every node trusts `extra` rosters too.
fn office(readers: &[&Node], central: Option<&Node>) -> (Node, Node, SignedRoster) {
    let mut a = Node::new("A", "0101", &[]);
    let b = Node::with_secrets(
        a.secrets.new_station_in_office("B"),
        OfficerKey::generate("beto", Role::Admin),
    );
    a.recipients
        .push(Recipient::parse("oficina", &a.secrets.public().office_recipient).unwrap());
    for r in readers {
        a.recipients
            .push(Recipient::parse("regional", &r.secrets.public().recipient).unwrap());
    }
    let admin = OfficerKey::generate("root", Role::Admin);
    let mut roster = roster_for("0101", &[&a, &b], &admin).verify_self().unwrap();
    if let Some(c) = central {
        roster.central_key = c.secrets.public().key.to_hex();
    }
    let signed = SignedRoster::sign(&roster, &admin);
    (a, b, signed)
}

fn anchor_all(trusts: &[Trust], rosters: &[&SignedRoster]) {
    for t in trusts {
        for r in rosters {
            t.anchor(r).unwrap();
        }
    }
}

#[test]
fn another_offices_supervisor_cannot_decide_on_a_record_at_a_hub_a_peer_or_a_station() {
    let c = Node::with_secrets(
        huella_keys::StationSecrets::generate("C", "0202"),
        OfficerKey::generate("sup", Role::Supervisor),
    );
    let (a, b, r1) = office(&[&c], None);
    let r2 = roster_for("0202", &[&c], &OfficerKey::generate("root2", Role::Admin));
    let hub = Hub::new();
    anchor_all(&[a.trust(), b.trust(), c.trust(), hub.trust()], &[&r1, &r2]);

    let id = a.create("CURP-0101");
    sync_with(&a, &hub).unwrap();
    sync_with(&b, &hub).unwrap();
    sync_with(&c, &hub).unwrap();
    assert_eq!(
        c.name_of(id).as_deref(),
        Some("Nombre CURP-0101"),
        "C reads it"
    );
    let hub_chunks = hub.side_replica().chunk_hashes(&id).unwrap().len();

    // C's supervisor approves the 0101 record and marks it registered.
    decide(&c, id, BiometricStatus::Registrado);
    assert_eq!(status_of(&c, id), BiometricStatus::Registrado);

    // Hub: C's chunk is refused, the hub holds what it held.
    let _ = sync_with(&c, &hub);
    assert_eq!(
        hub.side_replica().chunk_hashes(&id).unwrap().len(),
        hub_chunks,
        "the hub stored another office's change"
    );

    // LAN peer: B serves, C pushes its change directly.
    let _ = sync_peers(&c, &b);
    assert_eq!(
        status_of(&b, id),
        BiometricStatus::Pendiente,
        "peer took it"
    );
    assert_eq!(decisions_of(&b, id), 0);

    // Station: A pulls from C (C answers with its change).
    let _ = sync_peers(&a, &c);
    assert_eq!(
        status_of(&a, id),
        BiometricStatus::Pendiente,
        "station took it"
    );
    assert_eq!(decisions_of(&a, id), 0);

    // The owning office's own supervisor can: B's decision reaches A through the hub.
    decide(&b, id, BiometricStatus::Aprobado);
    sync_with(&b, &hub).unwrap();
    sync_with(&a, &hub).unwrap();
    assert_eq!(status_of(&a, id), BiometricStatus::Aprobado);
    assert_eq!(decisions_of(&a, id), 1);
}

#[test]
fn the_central_key_named_in_the_owning_offices_roster_may_register_a_record() {
    // D is the central node: a station of office 0000, named as 0101's central key.
    let d = Node::with_secrets(
        huella_keys::StationSecrets::generate("D", "0000"),
        OfficerKey::generate("central", Role::Supervisor),
    );
    let (a, b, r1) = office(&[&d], Some(&d));
    let r0 = roster_for("0000", &[&d], &OfficerKey::generate("root0", Role::Admin));
    let hub = Hub::new();
    anchor_all(&[a.trust(), b.trust(), d.trust(), hub.trust()], &[&r1, &r0]);
    let id = a.create("CURP-C");
    sync_with(&a, &hub).unwrap();
    sync_with(&d, &hub).unwrap();
    decide(&d, id, BiometricStatus::Registrado);
    sync_with(&d, &hub).unwrap();
    sync_with(&b, &hub).unwrap();
    assert_eq!(status_of(&b, id), BiometricStatus::Registrado);
    let _ = sync_peers(&a, &d);
    assert_eq!(status_of(&a, id), BiometricStatus::Registrado);
}
