//! Replay across receivers: requests a station addressed to one hub, captured and replayed to
//! another hub that trusts the same office, are refused and change nothing there.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::cell::RefCell;

use common::*;
use huella_keys::{OfficerKey, Role};
use huella_sync::node::StationSide;
use huella_sync::protocol::{self, Client, Envelope, LocalSide, Request, SyncError};

#[test]
fn requests_captured_on_their_way_to_one_hub_are_refused_by_another() {
    let a = Node::new("A", "0101", &[]);
    let admin = OfficerKey::generate("admin", Role::Admin);
    let r = roster_for("0101", &[&a], &admin);
    let (h1, h2) = (Hub::new(), Hub::new());
    a.trust().anchor(&r).unwrap();
    h1.trust().anchor(&r).unwrap();
    h2.trust().anchor(&r).unwrap();
    a.create("AAAA");
    a.create("BBBB");

    let idx = TestIndexer(&a.secrets);
    let side = StationSide::new(a.store(), a.keys(), &a.officer, &idx);
    side.prepare().unwrap();
    let captured = RefCell::new(Vec::new());
    let mut client = Client::new("h1", None, None);
    let out = protocol::run(
        &mut client,
        &side,
        &a.secrets,
        &mut |m| {
            captured.borrow_mut().push(m.clone());
            h1.handle(&m)
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(out.sent, 2);

    let h2_root = || h2.side.replica().summary().unwrap().root;
    let before = h2_root();
    let mut data_requests = 0;
    for m in captured.borrow().iter() {
        let env = Envelope::from_bytes(m).unwrap();
        let req: Request = protocol::decode(&env.body).unwrap();
        if matches!(req, Request::Summary { .. }) && env.receiver.is_none() {
            // The opening summary of a first contact cannot name the hub (reads nothing).
            continue;
        }
        data_requests += 1;
        assert!(
            matches!(h2.handle(m), Err(SyncError::Misdirected)),
            "{req:?}"
        );
    }
    assert!(data_requests >= 2, "offer and push were captured");
    assert_eq!(
        h2_root(),
        before,
        "the replays changed nothing at the second hub"
    );
    assert!(!h2.side.replica().refusals().unwrap().is_empty());

    // An unaddressed data request (the way an old client would send it) is refused too.
    let push = Envelope::seal(
        &a.secrets,
        protocol::encode(&Request::Push { data: vec![] }),
        None,
    );
    assert!(matches!(
        h2.handle(&push.to_bytes()),
        Err(SyncError::Misdirected)
    ));
}
