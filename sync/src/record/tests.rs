use super::*;

fn ana() -> Identity {
    Identity {
        curp: "GOMA850101MDFRRN09".into(),
        nss: "12345678903".into(),
        rfc: "GOMA850101AB1".into(),
        nombre: "Ana".into(),
        primer_apellido: "Gómez".into(),
        segundo_apellido: "Martínez".into(),
        fecha_nacimiento: "1985-01-01".into(),
        sexo: "M".into(),
        entidad: "DF".into(),
    }
}

fn blob(kind: BlobKind) -> BlobRef {
    BlobRef {
        hash: "ab".repeat(32),
        size: 700,
        kind,
    }
}

#[test]
fn typed_fields_round_trip_through_save_and_load() {
    let id = RecordId::generate();
    let mut r = PersonRecord::create(id, &ana(), "oficial1", "2026-01-01T10:00:00Z").expect("c");
    r.set_pre_registration(&PreRegistration {
        registro_patronal: "Y5412345106".into(),
        salario_diario: "315.04".into(),
        fecha_alta: "2026-01-02".into(),
        regimen: Regime::Eventual,
        lote: "abc".into(),
    })
    .expect("pre");
    r.set_consent(&Consent {
        aviso_version: "2026.1".into(),
        otorgado_en: "2026-01-03T09:00:00Z".into(),
        oficial: "oficial1".into(),
        estacion: "E1".into(),
    })
    .expect("consent");
    r.set_capture(&FingerCapture {
        position: FingerPosition::LeftIndex,
        quality: 81,
        attempts: 2,
        template: Some(blob(BlobKind::FingerTemplate)),
        image: Some(blob(BlobKind::FingerImage)),
        exception: None,
        captured_at: "2026-01-03T09:01:00Z".into(),
        officer: "oficial1".into(),
    })
    .expect("cap");
    r.set_capture(&FingerCapture {
        position: FingerPosition::RightThumb,
        quality: 0,
        attempts: 0,
        template: None,
        image: None,
        exception: Some((FingerException::Amputado, "desde 2010".into())),
        captured_at: "2026-01-03T09:02:00Z".into(),
        officer: "oficial1".into(),
    })
    .expect("exc");
    r.set_face(&Face {
        image: blob(BlobKind::FaceImage),
        quality: 70,
        captured_at: "t".into(),
        officer: "oficial1".into(),
    })
    .expect("face");
    r.add_movement(&Movement {
        id: "m1".into(),
        kind: MovementKind::Baja,
        fecha: "2026-05-01".into(),
        registro_patronal: "Y5412345106".into(),
        salario_diario: None,
        regimen: None,
        motivo: Some("renuncia".into()),
        oficial: "oficial1".into(),
        registrado_en: "t".into(),
    })
    .expect("mv");
    r.add_approval(&Approval {
        id: "a1".into(),
        decision: Decision::Aprobar,
        reason: String::new(),
        supervisor: "sup".into(),
        signed_at: "2026-01-03T10:00:00Z".into(),
        capture_digest: "ff".into(),
        signature: "00".into(),
        signer: crate::record::Signer::default(),
    })
    .expect("ap");
    r.add_verification(&Verification {
        id: "v1".into(),
        purpose: "supervivencia".into(),
        finger: FingerPosition::LeftIndex,
        score: 88,
        matched: true,
        officer: "oficial1".into(),
        at: "t".into(),
    })
    .expect("ver");
    r.set_status(&StatusChange {
        status: BiometricStatus::Aprobado,
        at: "2026-01-03T10:00:00Z".into(),
        by: "sup".into(),
        reason: String::new(),
    })
    .expect("st");

    let bytes = r.save();
    let back = PersonRecord::load(id, &bytes).expect("load");
    assert_eq!(back.identity().expect("i"), ana());
    assert_eq!(
        back.pre_registration().expect("p").expect("some").regimen,
        Regime::Eventual
    );
    assert_eq!(back.consent().expect("c").aviso_version, "2026.1");
    let caps = back.captures().expect("caps");
    assert_eq!(caps.len(), 2);
    assert_eq!(caps[0].position, FingerPosition::RightThumb);
    assert_eq!(
        caps[0].exception.as_ref().map(|e| e.0),
        Some(FingerException::Amputado)
    );
    assert_eq!(caps[1].quality, 81);
    assert_eq!(caps[1].template, Some(blob(BlobKind::FingerTemplate)));
    assert_eq!(back.face().expect("f").expect("some").quality, 70);
    assert_eq!(
        back.movements().expect("m")[0].motivo.as_deref(),
        Some("renuncia")
    );
    assert_eq!(back.approvals().expect("a")[0].decision, Decision::Aprobar);
    assert!(back.verifications().expect("v")[0].matched);
    assert_eq!(back.status().expect("s"), BiometricStatus::Aprobado);
    assert_eq!(back.status_history().expect("h").len(), 2);
    assert!(PersonRecord::load(RecordId::generate(), &bytes).is_err());
}

#[test]
fn concurrent_edits_on_two_replicas_merge_field_by_field() {
    let id = RecordId::generate();
    let mut a = PersonRecord::create(id, &ana(), "o", "t0").expect("c");
    let mut b = PersonRecord::load(id, &a.save()).expect("fork");
    b.doc_mut().set_actor(automerge::ActorId::random());
    let mut i = ana();
    i.rfc = "GOMA850101XY2".into();
    a.set_identity(&i).expect("a");
    b.add_movement(&Movement {
        id: "m9".into(),
        kind: MovementKind::Alta,
        fecha: "2026-02-01".into(),
        registro_patronal: "R".into(),
        salario_diario: Some("300".into()),
        regimen: Some(Regime::Permanente),
        motivo: None,
        oficial: "o".into(),
        registrado_en: "t".into(),
    })
    .expect("b");
    a.merge(&mut b).expect("merge");
    assert_eq!(a.identity().expect("i").rfc, "GOMA850101XY2");
    assert_eq!(a.movements().expect("m").len(), 1);
}

fn pre(lote: &str) -> PreRegistration {
    PreRegistration {
        registro_patronal: "Y5412345106".into(),
        salario_diario: "315.04".into(),
        fecha_alta: "2026-01-02".into(),
        regimen: Regime::Construccion,
        lote: lote.into(),
    }
}

#[test]
fn a_pre_registered_record_reads_like_create_then_set_and_merges_later_edits() {
    let id = RecordId::generate();
    let mut a =
        PersonRecord::create_pre_registered(id, &ana(), &pre("l1"), "adm", "t0").expect("create");
    let mut slow = PersonRecord::create(id, &ana(), "adm", "t0").expect("c");
    slow.set_pre_registration(&pre("l1")).expect("p");
    for r in [&a, &slow] {
        assert_eq!(r.identity().expect("i"), ana());
        assert_eq!(r.pre_registration().expect("p"), Some(pre("l1")));
        assert_eq!(r.status().expect("s"), BiometricStatus::Pendiente);
        let h = r.status_history().expect("h");
        assert_eq!((h.len(), h[0].by.as_str()), (1, "adm"));
        assert!(r.movements().expect("m").is_empty() && r.captures().expect("c").is_empty());
    }
    // Saved, loaded elsewhere, edited concurrently on both sides inside the containers the
    // first change created: both edits survive the merge, in both directions.
    let bytes = a.save();
    let mut b = PersonRecord::load(id, &bytes).expect("load");
    b.doc_mut().set_actor(automerge::ActorId::random());
    a.add_movement(&Movement {
        id: "m1".into(),
        kind: MovementKind::Alta,
        fecha: "2026-02-01".into(),
        registro_patronal: "R".into(),
        salario_diario: Some("300".into()),
        regimen: Some(Regime::Permanente),
        motivo: None,
        oficial: "o".into(),
        registrado_en: "t1".into(),
    })
    .expect("a");
    let mut i = ana();
    i.nombre = "Ana María".into();
    b.set_identity(&i).expect("b");
    b.set_pre_registration(&pre("l2")).expect("b pre");
    b.set_status(&StatusChange {
        status: BiometricStatus::Capturado,
        at: "t2".into(),
        by: "o".into(),
        reason: String::new(),
    })
    .expect("b st");
    let inc = a.save_incremental();
    assert!(!inc.is_empty());
    let mut b2 = PersonRecord::load(id, &b.save()).expect("b2");
    a.merge(&mut b).expect("merge a<-b");
    b2.doc_mut().load_incremental(&inc).expect("inc");
    for r in [&a, &b2] {
        assert_eq!(r.identity().expect("i").nombre, "Ana María");
        assert_eq!(r.movements().expect("m").len(), 1);
        assert_eq!(r.pre_registration().expect("p"), Some(pre("l2")));
        assert_eq!(r.status().expect("s"), BiometricStatus::Capturado);
        assert_eq!(r.status_history().expect("h").len(), 2);
    }
    let back = PersonRecord::load(id, &a.save()).expect("reload");
    assert_eq!(back.movements().expect("m").len(), 1);
    assert!(PersonRecord::load(RecordId::generate(), &bytes).is_err());
}

#[test]
fn garbage_bytes_do_not_load() {
    assert!(PersonRecord::load(RecordId::generate(), b"not automerge").is_err());
}

#[test]
fn status_changes_of_one_second_read_in_the_order_they_were_written_on_every_replica() {
    let id = RecordId::generate();
    let mut a = PersonRecord::create(id, &ana(), "o", "t0").expect("c");
    let change = |status| StatusChange {
        status,
        at: "t1".into(),
        by: "o".into(),
        reason: String::new(),
    };
    use BiometricStatus::{Capturado, Pendiente, Rechazado};
    // Many times over: with random entry keys, a wrong order shows up within a few rounds.
    for _ in 0..16 {
        let mut r = PersonRecord::load(id, &a.save()).expect("fork");
        for s in [Capturado, Pendiente, Capturado, Rechazado] {
            r.set_status(&change(s)).expect("set");
        }
        // Another station merges, then reopens the rejected person in the same second.
        let mut other = PersonRecord::load(id, &r.save()).expect("other");
        other.doc_mut().set_actor(automerge::ActorId::random());
        other.set_status(&change(Pendiente)).expect("reopen");
        r.merge(&mut other).expect("merge");
        let back = PersonRecord::load(id, &r.save()).expect("reload");
        for x in [&r, &other, &back] {
            let h: Vec<_> = x.status_history().expect("h");
            let order: Vec<_> = h.iter().map(|c| c.status).collect();
            assert_eq!(
                order,
                [
                    Pendiente, Capturado, Pendiente, Capturado, Rechazado, Pendiente
                ]
            );
        }
    }
}
