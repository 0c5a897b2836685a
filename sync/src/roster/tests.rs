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
            station: String::new(),
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

#[test]
fn rosters_without_office_keys_keep_their_format_and_bad_recipients_are_refused() {
    let admin = OfficerKey::generate("a", Role::Admin);
    let signed = SignedRoster::sign(&roster(&admin, 1), &admin);
    assert!(!String::from_utf8_lossy(&signed.roster).contains("office_keys"));
    // A roster file written before office keys existed parses with none.
    let old = br#"{"office":"0101","version":4,"issued_at":"t","office_recipient":"","stations":[],"admins":[]}"#;
    let r: Roster = serde_json::from_slice(old).expect("old roster");
    assert!(r.office_keys.is_empty());
    assert_eq!(r.current_generation(), 0);
    let mut rotated = roster(&admin, 2);
    rotated.stations.push(RosterStation {
        name: "E1".into(),
        key: "00".into(),
        recipient: "age1nope".into(),
        revoked: false,
        revoked_at: String::new(),
    });
    assert!(matches!(
        rotated.rotate_office_key(),
        Err(RosterError::Grant { .. })
    ));
}

#[test]
fn a_revoked_stations_admin_signs_no_roster() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sled::open(dir.path()).expect("db");
    let t = Trust::new(Replica::new(db.open_tree("t").expect("tree")));
    let first = OfficerKey::generate("a", Role::Admin);
    let thief = OfficerKey::generate("x", Role::Admin);
    let station = |name: &str, revoked| RosterStation {
        name: name.into(),
        key: format!("{name}-key"),
        recipient: String::new(),
        revoked,
        revoked_at: String::new(),
    };
    let mut r = roster(&first, 2);
    r.admins[0].station = "A".into();
    r.admins.push(RosterAdmin {
        user: thief.user().into(),
        key: thief.public().key.to_hex(),
        station: "X".into(),
    });
    r.stations = vec![station("A", false), station("X", true)];
    t.anchor(&SignedRoster::sign(&r, &first)).expect("anchor");
    // X's administrator tries to re-admit X.
    let mut back = r.clone();
    back.version = 3;
    back.stations[1].revoked = false;
    assert!(
        t.accept(&SignedRoster::sign(&back, &thief), false).is_err(),
        "a revoked station's admin re-admitted it"
    );
    assert!(
        t.accept(&SignedRoster::sign(&back, &first), false)
            .expect("an admin of a trusted station may")
    );
}
