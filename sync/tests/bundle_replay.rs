//! A bundle is applied once, whatever bytes are appended to the file: the envelope must end
//! the file, and the replay key is the hash of what was signed. A hub answers nothing (no
//! acknowledgement, so none of the office's ciphertext) to a replay with one extra byte.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::{Hub, Node, TestIndexer, roster_for};
use huella_keys::{OfficerKey, Role};
use huella_sync::bundle;
use huella_sync::node::StationSide;
use huella_sync::protocol::LocalSide;

#[test]
fn a_bundle_with_one_extra_byte_is_refused_as_a_replay() {
    let a = Node::new("A", "0101", &[]);
    let admin = OfficerKey::generate("root", Role::Admin);
    let r = roster_for("0101", &[&a], &admin);
    let hub = Hub::new();
    for t in [a.trust(), hub.trust()] {
        t.anchor(&r).unwrap();
    }
    for i in 0..3 {
        a.create(&format!("CURP{i}"));
    }
    let idx = TestIndexer(&a.secrets);
    let side = StationSide::new(a.store(), a.keys(), &a.officer, &idx);
    side.prepare().unwrap();
    let (b1, _) = bundle::export(&side, &a.secrets, "hub", None).unwrap();
    bundle::answer(&hub.side, &hub.key, &b1).unwrap();
    let root = hub.side.replica().summary().unwrap().root;
    for extra in [&[0u8][..], b"\n", &[0xff; 64]] {
        let longer = [b1.as_slice(), extra].concat();
        assert!(
            bundle::answer(&hub.side, &hub.key, &longer).is_err(),
            "replay with {} extra bytes answered",
            extra.len()
        );
        assert!(bundle::import(&side, &longer, "hub", None).is_err());
    }
    assert_eq!(hub.side.replica().summary().unwrap().root, root);
}
