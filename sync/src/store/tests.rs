use super::*;
use crate::audit::AuditAction;
use crate::record::{BlobKind, Identity, StatusChange};
use huella_keys::{OfficerKey, Recipient, Role};

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    secrets: StationSecrets,
    officer: OfficerKey,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("db");
    let secrets = StationSecrets::generate("E1", "0901");
    let officer = OfficerKey::generate("ana", Role::Admin);
    let p = secrets.public();
    let station = Station {
        office: "0901".into(),
        station: "E1".into(),
        created_at: "t".into(),
        station_key: p.key.to_hex(),
        recipients: vec![
            ("estacion".into(), p.recipient.clone()),
            ("oficina".into(), p.office_recipient.clone()),
        ],
    };
    let store = Store::create(&path, &station).expect("create");
    store.put_officer(&officer.public()).expect("officer");
    store.flush().expect("flush");
    Fixture {
        _dir: dir,
        path,
        secrets,
        officer,
    }
}

fn keys(f: &Fixture) -> StoreKeys<'_> {
    let p = f.secrets.public();
    let mut set = RecipientSet::new();
    set.push(Recipient::parse("estacion", &p.recipient).expect("r"));
    set.push(Recipient::parse("oficina", &p.office_recipient).expect("r"));
    StoreKeys {
        secrets: &f.secrets,
        recipients: set,
        office: Default::default(),
    }
}

fn person(n: u32) -> Identity {
    Identity {
        curp: format!("PERSONA{n:011}"),
        nss: format!("{n:011}"),
        nombre: format!("Nombre{n}"),
        primer_apellido: "Apellidoúnico".into(),
        ..Identity::default()
    }
}

#[test]
fn records_survive_reopen_and_are_found_by_tag_and_edited() {
    let f = fixture();
    let k = keys(&f);
    let idx = f.secrets.index_key();
    let id;
    {
        let store = Store::open(&f.path).expect("open");
        let mut b = store.batch();
        let rec = PersonRecord::create(RecordId::generate(), &person(1), "ana", "t").expect("r");
        let mut open = OpenRecord::new(rec);
        id = open.id();
        let blob = b.put_blob(&open, b"plantilla secreta", BlobKind::FingerTemplate);
        assert_eq!(blob.size, 17);
        b.save_record(&k, &mut open, vec![idx.tag("curp", "PERSONA00000000001")])
            .expect("save");
        b.audit(AuditAction::Importacion, &[id], "1 registro");
        store.commit(b, &f.officer, "t").expect("commit");
        let got = store.get_blob(&k, id, &blob).expect("blob");
        assert_eq!(got, b"plantilla secreta");
    }
    let store = Store::open(&f.path).expect("reopen");
    assert_eq!(
        store
            .find(&idx.tag("curp", "PERSONA00000000001"))
            .expect("f"),
        vec![id]
    );
    assert!(store.find(&idx.tag("curp", "OTRA")).expect("f").is_empty());
    // Edit many times to force compaction, and change the indexed value.
    let mut open = store.open_record(&k, id).expect("open rec");
    for i in 0..(COMPACT_AFTER + 3) {
        open.record
            .set_status(&StatusChange {
                status: BiometricStatus::Capturado,
                at: format!("t{i}"),
                by: "ana".into(),
                reason: String::new(),
            })
            .expect("st");
        let mut b = store.batch();
        b.save_record(&k, &mut open, vec![idx.tag("curp", "NUEVA")])
            .expect("save");
        store.commit(b, &f.officer, "t").expect("commit");
    }
    let chunks = store.tree().scan_prefix(layout::chunk_prefix(&id)).count();
    assert!(chunks <= COMPACT_AFTER as usize, "chunks: {chunks}");
    let again = store.open_record(&k, id).expect("reload");
    assert_eq!(
        again.record.status_history().expect("h").len(),
        1 + COMPACT_AFTER as usize + 3
    );
    assert!(
        store
            .find(&idx.tag("curp", "PERSONA00000000001"))
            .expect("f")
            .is_empty()
    );
    assert_eq!(store.find(&idx.tag("curp", "NUEVA")).expect("f"), vec![id]);
    assert_eq!(
        store
            .status_counts()
            .expect("c")
            .get(&BiometricStatus::Capturado),
        Some(&1)
    );
    assert_eq!(store.verify_audit().expect("audit"), 1);
}

#[test]
fn no_plaintext_reaches_disk_and_erasure_shreds() {
    let f = fixture();
    let k = keys(&f);
    let store = Store::open(&f.path).expect("open");
    let mut b = store.batch();
    let rec = PersonRecord::create(RecordId::generate(), &person(7), "ana", "t").expect("r");
    let mut open = OpenRecord::new(rec);
    let id = open.id();
    b.save_record(&k, &mut open, vec![]).expect("save");
    store.commit(b, &f.officer, "t").expect("commit");
    drop(store);
    let mut all = Vec::new();
    for entry in std::fs::read_dir(&f.path).expect("dir") {
        let p = entry.expect("e").path();
        if p.is_file() {
            all.extend(std::fs::read(p).expect("read"));
        }
    }
    for needle in ["PERSONA00000000007", "Nombre7", "Apellido"] {
        assert!(
            !all.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} found in plaintext"
        );
    }
    let store = Store::open(&f.path).expect("open");
    assert!(store.erase(id).expect("erase") > 0);
    assert!(matches!(
        store.open_record(&k, id),
        Err(StoreError::NoSuchRecord(_))
    ));
    assert_eq!(store.count_people(), 0);
}

#[test]
fn outsider_station_cannot_open_records() {
    let f = fixture();
    let k = keys(&f);
    let store = Store::open(&f.path).expect("open");
    let mut b = store.batch();
    let rec = PersonRecord::create(RecordId::generate(), &person(3), "ana", "t").expect("r");
    let mut open = OpenRecord::new(rec);
    let id = open.id();
    b.save_record(&k, &mut open, vec![]).expect("save");
    store.commit(b, &f.officer, "t").expect("commit");
    let other = StationSecrets::generate("X", "9999");
    let ok = StoreKeys {
        secrets: &other,
        recipients: RecipientSet::new(),
        office: Default::default(),
    };
    assert!(matches!(
        store.open_record(&ok, id),
        Err(StoreError::Decrypt { .. })
    ));
}

#[test]
fn second_open_reports_locked_and_create_refuses_existing() {
    let f = fixture();
    let _first = Store::open(&f.path).expect("open");
    assert!(matches!(Store::open(&f.path), Err(StoreError::Locked(_))));
    let station = _first.station().expect("s");
    assert!(matches!(
        Store::create(&f.path, &station),
        Err(StoreError::AlreadyExists(_))
    ));
}

#[test]
fn verify_audit_finds_edited_deleted_and_trailing_deleted_entries_in_the_store() {
    let f = fixture();
    let store = Store::open(&f.path).expect("open");
    for i in 0..4 {
        let mut b = store.batch();
        b.audit(AuditAction::Consulta, &[], &format!("resultados: {i}"));
        store.commit(b, &f.officer, "t").expect("commit");
    }
    assert_eq!(store.verify_audit().expect("intact"), 4);
    let key2 = layout::audit(2);
    let original = store.tree().get(&key2).expect("get").expect("entry");

    let edited = String::from_utf8_lossy(&original).replace("resultados: 1", "resultados: 9");
    store.tree().insert(&key2, edited.as_bytes()).expect("edit");
    let err = store.verify_audit().expect_err("edited");
    assert!(err.to_string().contains("entrada 2"), "{err}");

    store.tree().remove(&key2).expect("delete");
    let err = store.verify_audit().expect_err("deleted");
    assert!(err.to_string().contains("entrada 2"), "{err}");
    store.tree().insert(&key2, original).expect("restore");
    assert_eq!(store.verify_audit().expect("restored"), 4);

    store.tree().remove(layout::audit(4)).expect("delete last");
    let err = store.verify_audit().expect_err("trailing");
    assert!(err.to_string().contains("borradas"), "{err}");
}

fn save_new(
    store: &Store,
    k: &StoreKeys<'_>,
    b: &mut Batch,
    n: u32,
    tags: Vec<BlindTag>,
) -> OpenRecord {
    let rec = PersonRecord::create(RecordId::generate(), &person(n), "ana", "t").expect("r");
    let mut open = OpenRecord::new(rec);
    let _ = store;
    b.save_record(k, &mut open, tags).expect("save");
    open
}

#[test]
fn shared_tags_keep_every_record_through_edits_erasure_and_older_entries() {
    let f = fixture();
    let k = keys(&f);
    let idx = f.secrets.index_key();
    let store = Store::open(&f.path).expect("open");
    let common = idx.tag("nombre", "GARCIA");
    let curp = |n: u32| idx.tag("curp", &format!("C{n}"));
    let mut opens = Vec::new();
    for part in 0..3u32 {
        let mut b = store.batch();
        for n in part * 200..(part + 1) * 200 {
            opens.push(save_new(&store, &k, &mut b, n, vec![common, curp(n)]));
        }
        store.commit(b, &f.officer, "t").expect("commit");
    }
    let ids: Vec<RecordId> = opens.iter().map(OpenRecord::id).collect();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(store.find(&common).expect("f"), want);
    let lists = store
        .tree()
        .scan_prefix(layout::index_prefix(&common))
        .count();
    assert!(lists <= 256, "one key per bucket, not per person: {lists}");

    // Record 0 leaves the shared tag, record 1 is erased.
    let mut b = store.batch();
    b.save_record(&k, &mut opens[0], vec![curp(0)])
        .expect("save");
    store.commit(b, &f.officer, "t").expect("commit");
    store.erase(ids[1]).expect("erase");
    want.retain(|id| *id != ids[0] && *id != ids[1]);
    assert_eq!(store.find(&common).expect("f"), want);
    assert_eq!(store.find(&curp(0)).expect("f"), vec![ids[0]]);
    assert!(store.find(&curp(1)).expect("f").is_empty());

    // An entry as older stores wrote it (one key per tag and record) is found once, and is
    // removed when its record leaves the tag.
    let legacy = layout::legacy_index(&common, &ids[2]);
    store
        .tree()
        .insert(&legacy, Vec::<u8>::new())
        .expect("legacy");
    assert_eq!(store.find(&common).expect("f"), want);
    let mut b = store.batch();
    b.save_record(&k, &mut opens[2], vec![curp(2)])
        .expect("save");
    store.commit(b, &f.officer, "t").expect("commit");
    want.retain(|id| *id != ids[2]);
    assert_eq!(store.find(&common).expect("f"), want);
    assert!(!store.tree().contains_key(&legacy).expect("get"));
    let older_only = idx.tag("nombre", "LOPEZ");
    store
        .tree()
        .insert(layout::legacy_index(&older_only, &ids[3]), Vec::<u8>::new())
        .expect("legacy");
    assert_eq!(store.find(&older_only).expect("f"), vec![ids[3]]);
}

#[test]
fn concurrent_writers_lose_no_index_entry_and_keep_the_audit_chain() {
    let f = fixture();
    let idx = f.secrets.index_key();
    let store = Store::open(&f.path).expect("open");
    let common = idx.tag("nombre", "HERNANDEZ");
    std::thread::scope(|s| {
        for w in 0..2u32 {
            let (store, f) = (&store, &f);
            s.spawn(move || {
                let k = keys(f);
                for round in 0..15u32 {
                    let mut b = store.batch();
                    for n in 0..6u32 {
                        let tag = idx.tag("curp", &format!("W{w}R{round}N{n}"));
                        save_new(
                            store,
                            &k,
                            &mut b,
                            w * 1000 + round * 10 + n,
                            vec![common, tag],
                        );
                    }
                    b.audit(AuditAction::Importacion, &[], "lote");
                    store.commit(b, &f.officer, "t").expect("commit");
                }
            });
        }
    });
    assert_eq!(store.find(&common).expect("f").len(), 2 * 15 * 6);
    assert_eq!(store.verify_audit().expect("audit"), 30);
}

/// Records whose status index entry says `aprobado` as an earlier build wrote it (no verified
/// decision backs it: this store knows no roster), and no re-index marker.
fn stale_index(f: &Fixture, n: u32) -> Vec<RecordId> {
    let store = Store::open(&f.path).expect("open");
    let k = keys(f);
    let mut ids = Vec::new();
    for i in 0..n {
        let rec = PersonRecord::create(RecordId::generate(), &person(i), "ana", "t").expect("r");
        let mut open = OpenRecord::new(rec);
        open.record
            .set_status(&StatusChange {
                status: BiometricStatus::Aprobado,
                at: "2026-02-02T00:00:00Z".into(),
                by: "nadie".into(),
                reason: "aprobado".into(),
            })
            .expect("status");
        let mut b = store.batch();
        b.save_record(&k, &mut open, vec![]).expect("save");
        store.commit(b, &f.officer, "t").expect("commit");
        // The entry as an earlier build wrote it: the status as written.
        store
            .tree()
            .insert(
                layout::status(&open.id()),
                vec![BiometricStatus::Aprobado.to_byte()],
            )
            .expect("stale");
        ids.push(open.id());
    }
    store
        .tree()
        .remove(layout::meta("indice_estado"))
        .expect("no marker");
    store.flush().expect("flush");
    ids
}

#[test]
fn the_status_index_of_an_earlier_build_is_rederived_once_at_open() {
    let f = fixture();
    let ids = stale_index(&f, 3);
    let store = Store::open(&f.path).expect("open");
    assert!(!store.status_index_current().expect("marker"));
    assert_eq!(
        store
            .ids_with_status(BiometricStatus::Aprobado)
            .expect("s")
            .len(),
        3
    );
    assert_eq!(store.reindex_statuses(&keys(&f)).expect("reindex"), 3);
    assert!(
        store
            .ids_with_status(BiometricStatus::Aprobado)
            .expect("s")
            .is_empty()
    );
    // The newest entry that counts: the record's first, `pendiente`.
    let mut pending = store
        .ids_with_status(BiometricStatus::Pendiente)
        .expect("s");
    pending.sort_by_key(RecordId::to_hex);
    let mut want = ids;
    want.sort_by_key(RecordId::to_hex);
    assert_eq!(pending, want);
    assert!(store.status_index_current().expect("marker"));
    // Once: a second open finds the marker and opens nothing.
    assert_eq!(store.reindex_statuses(&keys(&f)).expect("again"), 0);
}

#[test]
fn a_reindex_cut_short_leaves_no_marker_and_finishes_at_the_next_open() {
    let f = fixture();
    stale_index(&f, 3);
    {
        let store = Store::open(&f.path).expect("open");
        // Killed after one rewrite: no marker.
        assert_eq!(store.reindex_statuses_until(&keys(&f), 1).expect("cut"), 1);
        assert!(!store.status_index_current().expect("marker"));
    }
    let store = Store::open(&f.path).expect("reopen");
    assert_eq!(
        store
            .ids_with_status(BiometricStatus::Aprobado)
            .expect("s")
            .len(),
        2
    );
    assert_eq!(store.reindex_statuses(&keys(&f)).expect("finish"), 2);
    assert!(
        store
            .ids_with_status(BiometricStatus::Aprobado)
            .expect("s")
            .is_empty()
    );
    assert!(store.status_index_current().expect("marker"));
}
