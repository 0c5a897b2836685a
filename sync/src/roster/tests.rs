use super::*;
use huella_keys::{OfficerKey, Role};

fn roster(admin: &OfficerKey, version: u64) -> Roster {
    Roster {
        office: "0101".into(),
        version,
        issued_at: "t".into(),
        office_recipient: String::new(),
        stations: vec![],
        admins: vec![RosterAdmin {
            user: admin.user().into(),
            key: admin.public().key.to_hex(),
        }],
        office_keys: vec![],
    }
}

#[test]
fn newer_rosters_need_a_known_admin() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sled::open(dir.path()).expect("db");
    let t = Trust::new(Replica::new(db.open_tree("t").expect("tree")));
    let admin = OfficerKey::generate("a", Role::Admin);
    let intruder = OfficerKey::generate("x", Role::Admin);
    t.anchor(&SignedRoster::sign(&roster(&admin, 1), &admin))
        .expect("anchor");
    assert!(
        t.accept(&SignedRoster::sign(&roster(&intruder, 2), &intruder), true)
            .is_err()
    );
    assert!(
        t.accept(&SignedRoster::sign(&roster(&admin, 2), &admin), false)
            .expect("ok")
    );
    assert!(
        !t.accept(&SignedRoster::sign(&roster(&admin, 1), &admin), false)
            .expect("stale")
    );
    let mut forged = SignedRoster::sign(&roster(&admin, 3), &admin);
    forged.roster[10] ^= 1;
    assert!(t.accept(&forged, false).is_err());
}
