use super::*;

#[test]
fn digests_depend_on_content_not_order() {
    let a = [1u8; 32];
    let b = [2u8; 32];
    assert_eq!(record_digest(&[a, b], &[]), record_digest(&[b, a], &[]));
    assert_ne!(record_digest(&[a], &[]), record_digest(&[], &[a]));
    let id = RecordId([7; 16]);
    assert_ne!(erased_digest(&id), record_digest(&[], &[]));
}

#[test]
fn blobs_resume_from_where_they_stopped() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sled::open(dir.path()).expect("db");
    let r = Replica::new(db.open_tree("t").expect("tree"));
    let id = RecordId([3; 16]);
    let blob: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
    let hash: Hash = Sha256::digest(&blob).into();
    let part = |o: usize, n: usize| RecordData {
        id: id.0,
        wrapped_key: Some(vec![1; 10]),
        blobs: vec![BlobPart {
            hash,
            offset: o as u64,
            total: 3000,
            bytes: blob[o..o + n].to_vec(),
        }],
        ..RecordData::default()
    };
    let ok = |_: &Erasure| true;
    r.apply(vec![part(0, 1000)], &ok).expect("apply");
    assert_eq!(r.have(&id).expect("have").partial, vec![(hash, 1000)]);
    // A part out of order is ignored; the right one continues.
    r.apply(vec![part(2000, 1000)], &ok).expect("apply");
    r.apply(vec![part(1000, 2000)], &ok).expect("apply");
    let h = r.have(&id).expect("have");
    assert_eq!(h.blobs, vec![hash]);
    assert!(h.partial.is_empty());
}
