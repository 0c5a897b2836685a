//! A supervisor's decision written into a record counts only when its signature verifies
//! with the key of an officer of the owning office allowed to decide (issue #19): a plain
//! officer of station A, running a modified binary, writes an approval (signed with their
//! own key, or with a garbage signature under a supervisor's name) and the status
//! `aprobado`; the chunks are accepted (A is a station of the office), but neither A nor
//! station B, after syncing through a hub, shows the person approved, and the pending list
//! (the status index) still holds them. A genuine supervisor's approval still approves on
//! both, B checking the role from the officer list the approval carries. The same holds for
//! a staff justification's decision, and for the orders that are not decisions: a
//! `defuncion` movement, a `restringido` status and a recapture count only when signed by a
//! supervisor or administrator. Real sled stores, real keys, signed envelopes.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::{Hub, Node, roster_for, sync_with};
use huella_keys::{OfficerKey, Role};
use huella_sync::roster::{
    DecisionCheck, ListedOfficer, OfficerList, SignedOfficerList, SignedRoster,
};
use huella_sync::store::OpenRecord;
use huella_sync::{
    Approval, BiometricStatus, Decision, Justification, JustificationDecision, JustificationKind,
    Movement, MovementKind, PersonRecord, RecordId, Seal, Signer, StaffMember, StatusChange,
};

/// Office 0101: stations A and B, a hub, the roster (administrator `root`) anchored
/// everywhere, and station A's signed officer list with a plain officer `oscar` and a
/// supervisor `sofia` (held by A only, as in the field).
struct Office {
    a: Node,
    b: Node,
    hub: Hub,
    oscar: OfficerKey,
    sofia: OfficerKey,
    list_a: SignedOfficerList,
    root: OfficerKey,
}

fn office() -> Office {
    let a = Node::new("A", "0101", &[]);
    let b = Node::with_secrets(
        a.secrets.new_station_in_office("B"),
        OfficerKey::generate("beto", Role::Admin),
    );
    let mut a = a;
    a.recipients.push(
        huella_keys::Recipient::parse("oficina", &a.secrets.public().office_recipient).unwrap(),
    );
    let root = OfficerKey::generate("root", Role::Admin);
    let roster: SignedRoster = roster_for("0101", &[&a, &b], &root);
    let hub = Hub::new();
    for t in [a.trust(), b.trust(), hub.trust()] {
        t.anchor(&roster).unwrap();
    }
    let oscar = OfficerKey::generate("oscar", Role::Officer);
    let sofia = OfficerKey::generate("sofia", Role::Supervisor);
    let listed = |k: &OfficerKey| ListedOfficer {
        user: k.user().into(),
        role: k.role().as_str().into(),
        key: k.public().key.to_hex(),
    };
    let list_a = SignedOfficerList::sign(
        &OfficerList {
            office: "0101".into(),
            station: "A".into(),
            version: 1,
            issued_at: "t".into(),
            officers: vec![listed(&a.officer), listed(&oscar), listed(&sofia)],
        },
        &root,
    );
    a.trust().put_officer_list(&list_a).unwrap();
    Office {
        a,
        b,
        hub,
        oscar,
        sofia,
        list_a,
        root,
    }
}

fn carried(list: &SignedOfficerList) -> String {
    String::from_utf8(list.to_bytes()).unwrap()
}

/// A record at A, submitted for approval by officer `by`.
fn captured(o: &Office, by: &str) -> RecordId {
    let id = o.a.create("CURP-19");
    o.a.edit(id, |r| {
        r.set_status(&StatusChange {
            status: BiometricStatus::Capturado,
            at: "2026-02-01T00:00:00Z".into(),
            by: by.into(),
            reason: "captura completa".into(),
        })
        .unwrap();
    });
    id
}

/// An approval as `supervisor`, signed with `key` (the signature is replaced by
/// `signature` when given), carrying `signer`.
fn approval(
    id: RecordId,
    supervisor: &str,
    key: &OfficerKey,
    signer: Signer,
    signature: Option<&str>,
) -> Approval {
    let mut a = Approval {
        id: format!("ap-{supervisor}"),
        decision: Decision::Aprobar,
        reason: String::new(),
        supervisor: supervisor.into(),
        signed_at: "2026-02-02T00:00:00Z".into(),
        capture_digest: String::new(),
        signature: String::new(),
        signer,
    };
    a.signature = match signature {
        Some(s) => s.into(),
        None => key.sign(&a.signed_message(&id)).to_hex(),
    };
    a
}

/// Writes `a` into the record at A with the status it claims, as a modified binary would.
fn write_decision(o: &Office, id: RecordId, a: &Approval) {
    o.a.edit(id, |r| {
        r.add_approval(a).unwrap();
        r.set_status(&StatusChange {
            status: BiometricStatus::Aprobado,
            at: a.signed_at.clone(),
            by: a.supervisor.clone(),
            reason: "aprobado".into(),
        })
        .unwrap();
    });
}

fn status_at(n: &Node, id: RecordId) -> BiometricStatus {
    n.read(id, |r| r.status().unwrap())
}

/// A and B (after syncing through the hub) both show `want`, in the record and in the
/// status index the pending list is read from.
fn both_show(o: &Office, id: RecordId, want: BiometricStatus) {
    sync_with(&o.a, &o.hub).unwrap();
    sync_with(&o.b, &o.hub).unwrap();
    for n in [&o.a, &o.b] {
        assert_eq!(status_at(n, id), want, "status at {}", n.name);
        assert!(
            n.store().ids_with_status(want).unwrap().contains(&id),
            "status index at {}",
            n.name
        );
    }
}

fn only_check(n: &Node, id: RecordId) -> DecisionCheck {
    let keys = n.keys();
    let open = n.store().open_record(&keys, id).unwrap();
    let checks = n.store().checked_approvals(id, &open.record).unwrap();
    assert_eq!(checks.len(), 1);
    checks.into_iter().next().unwrap().1
}

#[test]
fn an_approval_signed_by_a_plain_officer_does_not_approve_at_either_station() {
    let o = office();
    let id = captured(&o, "cap");
    let signer = Signer {
        key: o.oscar.public().key.to_hex(),
        officers: carried(&o.list_a),
    };
    write_decision(&o, id, &approval(id, "oscar", &o.oscar, signer, None));
    // The record holds the written `aprobado`, but it does not count.
    assert_eq!(
        o.a.read(id, |r| r.written_status().unwrap()),
        BiometricStatus::Aprobado
    );
    both_show(&o, id, BiometricStatus::Capturado);
    assert_eq!(only_check(&o.b, id), DecisionCheck::NotEntitled);
}

#[test]
fn an_approval_with_a_garbage_signature_or_an_unknown_name_is_ignored() {
    let o = office();
    // Sofia's name and key, but a garbage signature.
    let id = captured(&o, "cap");
    let signer = Signer {
        key: o.sofia.public().key.to_hex(),
        officers: carried(&o.list_a),
    };
    write_decision(&o, id, &approval(id, "sofia", &o.sofia, signer, Some("00")));
    both_show(&o, id, BiometricStatus::Capturado);
    assert_eq!(only_check(&o.b, id), DecisionCheck::BadSignature);

    // Sofia's name and key, signed by oscar.
    let id = captured(&o, "cap");
    let signer = Signer {
        key: o.sofia.public().key.to_hex(),
        officers: carried(&o.list_a),
    };
    write_decision(&o, id, &approval(id, "sofia", &o.oscar, signer, None));
    both_show(&o, id, BiometricStatus::Capturado);
    assert_eq!(only_check(&o.b, id), DecisionCheck::BadSignature);

    // A name nobody in the office has, in the older form (no key, no list).
    let id = captured(&o, "cap");
    let nobody = OfficerKey::generate("nadie", Role::Supervisor);
    write_decision(
        &o,
        id,
        &approval(id, "nadie", &nobody, Signer::default(), None),
    );
    both_show(&o, id, BiometricStatus::Capturado);
    assert_eq!(only_check(&o.a, id), DecisionCheck::UnknownSigner);
}

#[test]
fn a_forged_approval_after_a_genuine_rejection_leaves_it_rejected() {
    let o = office();
    let id = captured(&o, "cap");
    let mut reject = approval(
        id,
        "sofia",
        &o.sofia,
        Signer {
            key: o.sofia.public().key.to_hex(),
            officers: carried(&o.list_a),
        },
        Some(""),
    );
    reject.decision = Decision::Rechazar;
    reject.reason = "borrosa".into();
    reject.signature = o.sofia.sign(&reject.signed_message(&id)).to_hex();
    o.a.edit(id, |r| {
        r.add_approval(&reject).unwrap();
        r.set_status(&StatusChange {
            status: BiometricStatus::Rechazado,
            at: reject.signed_at.clone(),
            by: "sofia".into(),
            reason: "rechazado: borrosa".into(),
        })
        .unwrap();
    });
    let mut forged = approval(id, "oscar", &o.oscar, Signer::default(), None);
    forged.signed_at = "2026-02-03T00:00:00Z".into();
    forged.signature = o.oscar.sign(&forged.signed_message(&id)).to_hex();
    write_decision(&o, id, &forged);
    both_show(&o, id, BiometricStatus::Rechazado);
}

#[test]
fn a_supervisor_approving_their_own_capture_does_not_approve() {
    let o = office();
    let id = captured(&o, "sofia");
    let signer = Signer {
        key: o.sofia.public().key.to_hex(),
        officers: carried(&o.list_a),
    };
    write_decision(&o, id, &approval(id, "sofia", &o.sofia, signer, None));
    both_show(&o, id, BiometricStatus::Capturado);
    assert_eq!(only_check(&o.b, id), DecisionCheck::OwnWork);
}

#[test]
fn a_genuine_supervisor_approval_approves_at_both_stations() {
    let o = office();
    let id = captured(&o, "cap");
    let signer = Signer {
        key: o.sofia.public().key.to_hex(),
        officers: carried(&o.list_a),
    };
    write_decision(&o, id, &approval(id, "sofia", &o.sofia, signer, None));
    // B holds no officer list of A: it checks Sofia's role in the list the approval carries.
    assert!(o.b.trust().officer_list("0101", "A").unwrap().is_none());
    both_show(&o, id, BiometricStatus::Aprobado);
    assert!(only_check(&o.b, id).is_valid());

    // An approval of the older form (no key, no list) is looked up by name: at A, which
    // holds its officer list, it counts.
    let id = captured(&o, "cap");
    write_decision(
        &o,
        id,
        &approval(id, "sofia", &o.sofia, Signer::default(), None),
    );
    assert_eq!(status_at(&o.a, id), BiometricStatus::Aprobado);
}

/// A staff document of `luz` at A with a justification she filed.
fn staff_with_justification(o: &Office) -> (RecordId, Justification) {
    let id = RecordId::generate();
    let rec = PersonRecord::create_staff(
        id,
        &StaffMember {
            user: "luz".into(),
            name: "Luz".into(),
            notice: "aviso-asistencia-1".into(),
            notice_at: "2026-01-01T00:00:00Z".into(),
            notice_by: "ana".into(),
        },
    )
    .unwrap();
    let j = Justification {
        id: "j-19".into(),
        kind: JustificationKind::Falta,
        date: "2026-02-02".into(),
        from: String::new(),
        to: String::new(),
        reason: "consulta médica".into(),
        requested_by: "luz".into(),
        requested_at: "2026-02-02T08:00:00Z".into(),
        decision: None,
    };
    let mut open = OpenRecord::new(rec);
    open.record.add_justification(&j).unwrap();
    let keys = o.a.keys();
    let mut b = o.a.store().batch();
    b.save_record(&keys, &mut open, vec![]).unwrap();
    o.a.store().commit(b, &o.a.officer, "t").unwrap();
    (id, j)
}

fn decide_justification(o: &Office, id: RecordId, j: &Justification, key: &OfficerKey) {
    let mut d = JustificationDecision {
        approved: true,
        by: key.user().into(),
        at: "2026-02-03T00:00:00Z".into(),
        note: String::new(),
        signature: String::new(),
        signer: Signer {
            key: key.public().key.to_hex(),
            officers: carried(&o.list_a),
        },
    };
    d.signature = key.sign(&j.decision_message(&id, &d)).to_hex();
    o.a.edit(id, |r| r.decide_justification(&j.id, &d).unwrap());
}

/// The justification's decision as `n` checks it: (counted decision, refused check).
fn justification_at(n: &Node, id: RecordId) -> (bool, Option<DecisionCheck>) {
    let keys = n.keys();
    let open = n.store().open_record(&keys, id).unwrap();
    let c = n
        .store()
        .checked_justifications(id, &open.record)
        .unwrap()
        .pop()
        .unwrap();
    (
        c.justification.decision.is_some(),
        c.refused.map(|(_, r)| r),
    )
}

#[test]
fn a_justification_approved_by_a_plain_officer_stays_pending_at_both_stations() {
    let o = office();
    let (id, j) = staff_with_justification(&o);
    decide_justification(&o, id, &j, &o.oscar);
    sync_with(&o.a, &o.hub).unwrap();
    sync_with(&o.b, &o.hub).unwrap();
    for n in [&o.a, &o.b] {
        assert_eq!(
            justification_at(n, id),
            (false, Some(DecisionCheck::NotEntitled)),
            "at {}",
            n.name
        );
    }
}

#[test]
fn a_justification_decision_without_a_signature_or_edited_after_it_does_not_count() {
    let o = office();
    let (id, j) = staff_with_justification(&o);
    // Unsigned, as older binaries (or a modified one) write it.
    o.a.edit(id, |r| {
        r.decide_justification(
            &j.id,
            &JustificationDecision {
                approved: true,
                by: "sofia".into(),
                at: "2026-02-03T00:00:00Z".into(),
                note: String::new(),
                signature: String::new(),
                signer: Signer::default(),
            },
        )
        .unwrap();
    });
    assert_eq!(
        justification_at(&o.a, id),
        (false, Some(DecisionCheck::BadSignature))
    );
    // Signed by Sofia, then the day it covers is changed.
    decide_justification(&o, id, &j, &o.sofia);
    assert_eq!(justification_at(&o.a, id), (true, None));
    o.a.edit(id, |r| {
        use automerge::ReadDoc;
        use automerge::transaction::Transactable;
        let doc = r.doc_mut();
        let (_, all) = doc
            .get(automerge::ROOT, "justificaciones")
            .unwrap()
            .unwrap();
        let (_, one) = doc.get(&all, j.id.as_str()).unwrap().unwrap();
        doc.put(&one, "fecha", "2026-02-09").unwrap();
    });
    assert_eq!(
        justification_at(&o.a, id),
        (false, Some(DecisionCheck::BadSignature))
    );
}

#[test]
fn a_genuine_supervisor_decides_a_justification_at_both_stations() {
    let o = office();
    let (id, j) = staff_with_justification(&o);
    decide_justification(&o, id, &j, &o.sofia);
    sync_with(&o.a, &o.hub).unwrap();
    sync_with(&o.b, &o.hub).unwrap();
    for n in [&o.a, &o.b] {
        assert_eq!(justification_at(n, id), (true, None), "at {}", n.name);
    }
}

#[test]
fn a_genuine_approval_in_the_same_second_as_the_submission_approves() {
    // Times have one-second resolution; entries of one second sort in no fixed order.
    for _ in 0..8 {
        let o = office();
        let id = captured(&o, "cap");
        let signer = Signer {
            key: o.sofia.public().key.to_hex(),
            officers: carried(&o.list_a),
        };
        let mut a = approval(id, "sofia", &o.sofia, signer, Some(""));
        a.signed_at = "2026-02-01T00:00:00Z".into();
        a.signature = o.sofia.sign(&a.signed_message(&id)).to_hex();
        write_decision(&o, id, &a);
        assert_eq!(status_at(&o.a, id), BiometricStatus::Aprobado);
    }
}

#[test]
fn retiring_a_station_keeps_the_decisions_made_there_before_and_refuses_later_ones() {
    let o = office();
    let signer = || Signer {
        key: o.sofia.public().key.to_hex(),
        officers: carried(&o.list_a),
    };
    // Approved at A on 2 February; a second approval claims 1 April.
    let before = captured(&o, "cap");
    write_decision(
        &o,
        before,
        &approval(before, "sofia", &o.sofia, signer(), None),
    );
    let after = captured(&o, "cap");
    let mut late = approval(after, "sofia", &o.sofia, signer(), None);
    late.signed_at = "2026-04-01T00:00:00Z".into();
    late.signature = o.sofia.sign(&late.signed_message(&after)).to_hex();
    write_decision(&o, after, &late);
    sync_with(&o.a, &o.hub).unwrap();
    sync_with(&o.b, &o.hub).unwrap();
    assert_eq!(status_at(&o.b, before), BiometricStatus::Aprobado);
    assert_eq!(status_at(&o.b, after), BiometricStatus::Aprobado);

    // Station A is revoked on 1 March (the office roster, version 2, reaches B).
    let (mut roster, _) = o.b.trust().roster("0101").unwrap().unwrap();
    roster.version += 1;
    for st in roster.stations.iter_mut().filter(|st| st.name == "A") {
        st.revoked = true;
        st.revoked_at = "2026-03-01T00:00:00Z".into();
    }
    o.b.trust()
        .anchor(&SignedRoster::sign(&roster, &o.root))
        .unwrap();
    assert_eq!(status_at(&o.b, before), BiometricStatus::Aprobado);
    assert_eq!(status_at(&o.b, after), BiometricStatus::Capturado);
    assert!(!only_check(&o.b, after).is_valid());

    // A revocation with no recorded time (an older roster) refuses both.
    roster.version += 1;
    for st in roster.stations.iter_mut().filter(|st| st.name == "A") {
        st.revoked_at = String::new();
    }
    o.b.trust()
        .anchor(&SignedRoster::sign(&roster, &o.root))
        .unwrap();
    assert_eq!(status_at(&o.b, before), BiometricStatus::Capturado);
}

// Orders that are not decisions (issue #19): a movement, a `restringido`, a recapture. Each
// carries the acting officer's signature and counts only when their role may give it.

fn sign_with(key: &OfficerKey, message: &[u8], list: &SignedOfficerList) -> Seal {
    Seal {
        signature: key.sign(message).to_hex(),
        signer: Signer {
            key: key.public().key.to_hex(),
            officers: carried(list),
        },
    }
}

/// A defunción of record `id` recorded by `by` on `at`.
fn death(by: &str, at: &str) -> Movement {
    Movement {
        id: format!("MOV-{by}-{at}"),
        kind: MovementKind::Defuncion,
        fecha: "2026-02-01".into(),
        registro_patronal: String::new(),
        salario_diario: None,
        regimen: None,
        motivo: None,
        oficial: by.into(),
        registrado_en: at.into(),
    }
}

fn counted_kinds(n: &Node, id: RecordId) -> Vec<MovementKind> {
    n.read(id, |r| {
        r.movements().unwrap().into_iter().map(|m| m.kind).collect()
    })
}

fn movement_checks(n: &Node, id: RecordId) -> Vec<DecisionCheck> {
    let keys = n.keys();
    let open = n.store().open_record(&keys, id).unwrap();
    n.store()
        .checked_movements(id, &open.record)
        .unwrap()
        .into_iter()
        .map(|c| c.check)
        .collect()
}

fn sync_both(o: &Office) {
    sync_with(&o.a, &o.hub).unwrap();
    sync_with(&o.b, &o.hub).unwrap();
    sync_with(&o.a, &o.hub).unwrap();
}

#[test]
fn a_defuncion_recorded_by_a_plain_officer_or_unsigned_does_not_count_at_either_station() {
    let o = office();
    let id = o.a.create("CURP-DEF");
    let forged = death("oscar", "2026-02-02T00:00:00Z");
    let seal = sign_with(&o.oscar, &forged.signed_message(&id), &o.list_a);
    o.a.edit(id, |r| r.add_signed_movement(&forged, &seal).unwrap());
    // As an earlier build (or a modified one) writes it: no signature at all.
    let unsigned = death("sofia", "2026-02-03T00:00:00Z");
    o.a.edit(id, |r| r.add_movement(&unsigned).unwrap());
    sync_both(&o);
    for n in [&o.a, &o.b] {
        assert!(counted_kinds(n, id).is_empty(), "at {}", n.name);
        assert_eq!(
            movement_checks(n, id),
            vec![DecisionCheck::NotEntitled, DecisionCheck::Unsigned],
            "at {}",
            n.name
        );
    }
}

#[test]
fn a_defuncion_signed_by_a_supervisor_counts_at_both_stations() {
    let o = office();
    let id = o.a.create("CURP-DEF");
    let genuine = death("sofia", "2026-02-02T00:00:00Z");
    let seal = sign_with(&o.sofia, &genuine.signed_message(&id), &o.list_a);
    o.a.edit(id, |r| r.add_signed_movement(&genuine, &seal).unwrap());
    // Sofia's signature, then the date of death changed by a modified binary.
    let edited = death("sofia", "2026-02-04T00:00:00Z");
    let mut seal = sign_with(&o.sofia, &edited.signed_message(&id), &o.list_a);
    seal.signature = o
        .sofia
        .sign(&death("sofia", "2026-02-05T00:00:00Z").signed_message(&id))
        .to_hex();
    o.a.edit(id, |r| r.add_signed_movement(&edited, &seal).unwrap());
    sync_both(&o);
    assert!(o.b.trust().officer_list("0101", "A").unwrap().is_none());
    for n in [&o.a, &o.b] {
        assert_eq!(counted_kinds(n, id), vec![MovementKind::Defuncion]);
        assert!(movement_checks(n, id)[0].is_valid(), "at {}", n.name);
        assert_eq!(movement_checks(n, id)[1], DecisionCheck::BadSignature);
    }
}

fn restrict(o: &Office, id: RecordId, key: &OfficerKey, seal: bool) {
    let change = StatusChange {
        status: BiometricStatus::Restringido,
        at: "2026-02-03T00:00:00Z".into(),
        by: key.user().into(),
        reason: "cancelación ARCO: sin biometría".into(),
    };
    let signed = sign_with(key, &change.signed_message(&id), &o.list_a);
    o.a.edit(id, |r| {
        if seal {
            r.set_signed_status(&change, &signed).unwrap();
        } else {
            r.set_status(&change).unwrap();
        }
    });
}

#[test]
fn a_restringido_signed_by_a_plain_officer_or_unsigned_does_not_restrict() {
    let o = office();
    let id = captured(&o, "cap");
    restrict(&o, id, &o.oscar, true);
    both_show(&o, id, BiometricStatus::Capturado);
    // Unsigned, on a record that still holds its captures' history and names no record it
    // replaced: not what a cancellation of an earlier build left.
    let id = captured(&o, "cap");
    restrict(&o, id, &o.sofia, false);
    both_show(&o, id, BiometricStatus::Capturado);
    let history = o.b.read(id, |r| {
        o.b.store()
            .checked_status_history(id, r)
            .unwrap()
            .into_iter()
            .map(|(h, counts)| (h.status, counts))
            .collect::<Vec<_>>()
    });
    assert_eq!(history.last(), Some(&(BiometricStatus::Restringido, false)));
}

#[test]
fn a_restringido_signed_by_a_supervisor_restricts_at_both_stations() {
    let o = office();
    let id = captured(&o, "cap");
    restrict(&o, id, &o.sofia, true);
    both_show(&o, id, BiometricStatus::Restringido);
}

/// A recapture decision by `key` on record `id`, with the `pendiente` it sets.
fn recapture(o: &Office, id: RecordId, key: &OfficerKey) {
    let mut a = approval(
        id,
        key.user(),
        key,
        Signer {
            key: key.public().key.to_hex(),
            officers: carried(&o.list_a),
        },
        Some(""),
    );
    a.decision = Decision::Recapturar;
    a.reason = "borrosa".into();
    a.signature = key.sign(&a.signed_message(&id)).to_hex();
    o.a.edit(id, |r| {
        r.add_approval(&a).unwrap();
        r.set_status(&StatusChange {
            status: BiometricStatus::Pendiente,
            at: a.signed_at.clone(),
            by: key.user().into(),
            reason: "recaptura solicitada: borrosa".into(),
        })
        .unwrap();
    });
}

#[test]
fn a_recapture_asked_by_a_plain_officer_leaves_the_capture_awaiting_a_decision() {
    let o = office();
    let id = captured(&o, "cap");
    recapture(&o, id, &o.oscar);
    both_show(&o, id, BiometricStatus::Capturado);
    // A `pendiente` with no decision at all (a modified binary's "reopen").
    let id = captured(&o, "cap");
    o.a.edit(id, |r| {
        r.set_status(&StatusChange {
            status: BiometricStatus::Pendiente,
            at: "2026-02-02T00:00:00Z".into(),
            by: "oscar".into(),
            reason: "reabierto para una nueva captura".into(),
        })
        .unwrap();
    });
    both_show(&o, id, BiometricStatus::Capturado);

    let id = captured(&o, "cap");
    recapture(&o, id, &o.sofia);
    both_show(&o, id, BiometricStatus::Pendiente);
}

#[test]
fn a_demoted_supervisor_keeps_earlier_decisions_and_not_later_ones_where_the_newer_list_is_held() {
    let o = office();
    let signer = || Signer {
        key: o.sofia.public().key.to_hex(),
        officers: carried(&o.list_a),
    };
    let before = captured(&o, "cap");
    write_decision(
        &o,
        before,
        &approval(before, "sofia", &o.sofia, signer(), None),
    );
    // Signed after the demotion, still carrying the list in which Sofia supervised.
    let after = captured(&o, "cap");
    let mut late = approval(after, "sofia", &o.sofia, signer(), None);
    late.signed_at = "2026-04-01T00:00:00Z".into();
    late.signature = o.sofia.sign(&late.signed_message(&after)).to_hex();
    write_decision(&o, after, &late);

    // Station A's list, version 2 of 1 March: Sofia is a plain officer. B holds it.
    let mut list = o
        .list_a
        .verify_by(&o.b.trust().roster("0101").unwrap().unwrap().0)
        .unwrap();
    list.version = 2;
    list.issued_at = "2026-03-01T00:00:00Z".into();
    for off in list.officers.iter_mut().filter(|off| off.user == "sofia") {
        off.role = Role::Officer.as_str().into();
    }
    o.b.trust()
        .put_officer_list(&SignedOfficerList::sign(&list, &o.root))
        .unwrap();
    sync_with(&o.a, &o.hub).unwrap();
    sync_with(&o.b, &o.hub).unwrap();
    assert_eq!(status_at(&o.b, before), BiometricStatus::Aprobado);
    assert_eq!(status_at(&o.b, after), BiometricStatus::Capturado);
    assert_eq!(only_check(&o.b, after), DecisionCheck::NotEntitled);
}
