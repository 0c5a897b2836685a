//! An approval that a concurrent recapture on another station superseded: after the merge
//! the conflict is listed for supervisors and the person is back in review, never left
//! `aprobado` on captures nobody approved. Real sled stores, real hub side, real keys.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::*;
use huella_keys::{OfficerKey, Recipient, Role};
use huella_sync::conflicts::{self, ConflictKind};
use huella_sync::roster::{ListedOfficer, OfficerList, SignedOfficerList};
use huella_sync::{
    Approval, BiometricStatus, BlobKind, BlobRef, Decision, FingerCapture, FingerPosition,
    PersonRecord, Signer, StatusChange,
};

fn capture(position: FingerPosition, quality: u8, hash: &str) -> FingerCapture {
    FingerCapture {
        position,
        quality,
        attempts: 1,
        template: Some(BlobRef {
            hash: hash.repeat(32),
            size: 10,
            kind: BlobKind::FingerTemplate,
        }),
        image: None,
        exception: None,
        captured_at: "2026-01-01T00:00:00Z".into(),
        officer: "ana".into(),
    }
}

fn status(r: &mut PersonRecord, s: BiometricStatus, by: &str) {
    status_at(r, s, by, "2026-01-01T00:00:01Z");
}

/// A status change at `at` (a decision's status change carries the decision's time).
fn status_at(r: &mut PersonRecord, s: BiometricStatus, by: &str, at: &str) {
    r.set_status(&StatusChange {
        status: s,
        at: at.into(),
        by: by.into(),
        reason: String::new(),
    })
    .unwrap();
}

thread_local! {
    /// The office administrator of the test's roster (one per test thread).
    static ROOT: OfficerKey = OfficerKey::generate("root", Role::Admin);
}

/// What `supervisor`'s decision carries: their key and station `station`'s officer list,
/// signed by the office administrator, listing them as supervisor.
fn signer_for(supervisor: &OfficerKey, station: &str) -> Signer {
    let list = OfficerList {
        office: "0101".into(),
        station: station.into(),
        version: 1,
        issued_at: "t".into(),
        officers: vec![ListedOfficer {
            user: supervisor.user().into(),
            role: supervisor.role().as_str().into(),
            key: supervisor.public().key.to_hex(),
        }],
    };
    let signed = ROOT.with(|root| SignedOfficerList::sign(&list, root));
    Signer {
        key: supervisor.public().key.to_hex(),
        officers: String::from_utf8(signed.to_bytes()).unwrap(),
    }
}

fn approve(r: &mut PersonRecord, supervisor: &OfficerKey) {
    let mut a = Approval {
        id: "ap-1".into(),
        decision: Decision::Aprobar,
        reason: String::new(),
        supervisor: supervisor.user().into(),
        signed_at: "2026-01-01T00:00:02Z".into(),
        capture_digest: r.capture_digest().unwrap(),
        signature: String::new(),
        signer: signer_for(supervisor, "B"),
    };
    a.signature = supervisor.sign(&a.signed_message(&r.id())).to_hex();
    r.add_approval(&a).unwrap();
    status_at(
        r,
        BiometricStatus::Aprobado,
        supervisor.user(),
        &a.signed_at,
    );
}

fn pair() -> (Node, Node, Hub) {
    let mut a = Node::new("A", "0101", &[]);
    let mut b = Node::new("B", "0101", &[]);
    let (ra, rb) = (a.secrets.public().recipient, b.secrets.public().recipient);
    a.recipients.push(Recipient::parse("b", &rb).unwrap());
    b.recipients.push(Recipient::parse("a", &ra).unwrap());
    let roster = ROOT.with(|admin| roster_for("0101", &[&a, &b], admin));
    let hub = Hub::new();
    for t in [a.trust(), b.trust(), hub.trust()] {
        t.anchor(&roster).unwrap();
    }
    (a, b, hub)
}

fn kinds(n: &Node) -> Vec<ConflictKind> {
    conflicts::list(n.store())
        .unwrap()
        .into_iter()
        .map(|c| c.kind)
        .collect()
}

#[test]
fn a_recapture_concurrent_with_an_approval_is_listed_and_sent_back_to_review() {
    let (a, b, hub) = pair();
    let id = a.create("CURP-CAPTURA");
    a.edit(id, |r| {
        r.set_capture(&capture(FingerPosition::RightIndex, 60, "aa"))
            .unwrap();
        status(r, BiometricStatus::Capturado, "ana");
    });
    sync_with(&a, &hub).unwrap();
    sync_with(&b, &hub).unwrap();
    assert_eq!(
        b.read(id, |r| r.status().unwrap()),
        BiometricStatus::Capturado
    );

    // Concurrently: A recaptures the finger; B's supervisor approves the old capture.
    a.edit(id, |r| {
        r.set_capture(&capture(FingerPosition::RightIndex, 85, "bb"))
            .unwrap();
    });
    let sup = OfficerKey::generate("sara", Role::Supervisor);
    b.edit(id, |r| approve(r, &sup));
    assert!(b.read(id, |r| r.superseded_approval().unwrap()).is_none());

    // Each station merges the other's change, finds the conflict and sends its fix on the
    // next round; three rounds each settle everything.
    for _ in 0..3 {
        sync_with(&a, &hub).unwrap();
        sync_with(&b, &hub).unwrap();
    }

    for n in [&a, &b] {
        assert!(
            kinds(n).contains(&ConflictKind::AprobacionReemplazada),
            "{}: {:?}",
            n.name,
            kinds(n)
        );
        let (st, captures, last) = n.read(id, |r| {
            (
                r.status().unwrap(),
                r.captures().unwrap(),
                r.status_history().unwrap().pop().unwrap(),
            )
        });
        assert_eq!(st, BiometricStatus::Capturado, "{}", n.name);
        assert_eq!(captures[0].quality, 85, "the recapture is kept");
        assert_eq!(last.by, conflicts::SYSTEM);
        assert_eq!(
            n.store()
                .ids_with_status(BiometricStatus::Aprobado)
                .unwrap()
                .len(),
            0
        );
    }
    assert_eq!(a.heads(id), b.heads(id));
    let c = conflicts::list(a.store()).unwrap();
    let listed = c
        .iter()
        .find(|c| c.kind == ConflictKind::AprobacionReemplazada)
        .unwrap();
    assert_eq!(listed.records, vec![id.to_hex()]);
    assert!(!listed.detail.contains("CURP"));

    // A new approval of the current captures settles it: nothing more is flagged.
    let sup2 = OfficerKey::generate("sol", Role::Supervisor);
    a.edit(id, |r| {
        let mut ap = Approval {
            id: "ap-2".into(),
            decision: Decision::Aprobar,
            reason: String::new(),
            supervisor: sup2.user().into(),
            // After the conflict's status change (stamped with the real time).
            signed_at: huella_sync::time::now_utc(),
            capture_digest: r.capture_digest().unwrap(),
            signature: String::new(),
            signer: signer_for(&sup2, "A"),
        };
        ap.signature = sup2.sign(&ap.signed_message(&r.id())).to_hex();
        r.add_approval(&ap).unwrap();
        status_at(r, BiometricStatus::Aprobado, "sol", &ap.signed_at);
    });
    sync_with(&a, &hub).unwrap();
    sync_with(&b, &hub).unwrap();
    assert_eq!(
        b.read(id, |r| r.status().unwrap()),
        BiometricStatus::Aprobado
    );
    assert!(b.read(id, |r| r.superseded_approval().unwrap()).is_none());
}

#[test]
fn an_approval_of_the_current_captures_is_no_conflict() {
    let (a, b, hub) = pair();
    let id = a.create("CURP-SIN-CONFLICTO");
    a.edit(id, |r| {
        r.set_capture(&capture(FingerPosition::RightThumb, 70, "cc"))
            .unwrap();
        status(r, BiometricStatus::Capturado, "ana");
    });
    sync_with(&a, &hub).unwrap();
    sync_with(&b, &hub).unwrap();
    let sup = OfficerKey::generate("sara", Role::Supervisor);
    b.edit(id, |r| approve(r, &sup));
    sync_with(&b, &hub).unwrap();
    sync_with(&a, &hub).unwrap();
    assert_eq!(
        a.read(id, |r| r.status().unwrap()),
        BiometricStatus::Aprobado
    );
    assert!(!kinds(&a).contains(&ConflictKind::AprobacionReemplazada));
}
