use super::*;
use proptest::prelude::*;

proptest! {
    #[test]
    fn decoders_never_panic(junk in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode::<Request>(&junk);
        let _ = decode::<Response>(&junk);
        let _ = Envelope::from_bytes(&junk);
        let _ = crate::bundle::open(&junk);
        let mut b = crate::bundle::MAGIC.to_vec();
        b.extend_from_slice(&junk);
        let _ = crate::bundle::open(&b);
    }

    #[test]
    fn flipped_bits_in_an_envelope_are_refused(pos in 0usize..400, bit in 0u8..8) {
        let key = HubKey::generate();
        let env = Envelope::seal(&key, encode(&Request::Offer { haves: vec![] }), None);
        let mut b = env.to_bytes();
        let i = pos % b.len();
        b[i] ^= 1 << bit;
        if let Ok(e) = Envelope::from_bytes(&b) {
            prop_assert!(e == env || e.verify(envelope::now_ms()).is_err());
        }
    }
}

#[test]
fn truncated_and_oversize_messages_are_refused() {
    let key = HubKey::generate();
    let env = Envelope::seal(&key, encode(&Request::Push { data: vec![] }), None);
    let b = env.to_bytes();
    for n in 0..b.len() {
        assert!(Envelope::from_bytes(&b[..n]).is_err());
    }
    assert!(matches!(
        decode::<Request>(&vec![0u8; MAX_MESSAGE + 1]),
        Err(SyncError::TooLarge(_))
    ));
}

#[test]
fn old_or_future_envelopes_are_expired() {
    let key = HubKey::generate();
    let env = Envelope::seal(&key, vec![1, 2, 3], None);
    assert!(env.verify(envelope::now_ms()).is_ok());
    assert!(matches!(
        env.verify(envelope::now_ms() + MAX_SKEW_MS + 1000),
        Err(SyncError::Expired)
    ));
}

#[test]
fn messages_and_bundles_of_another_protocol_version_say_so() {
    let key = HubKey::generate();
    let env = Envelope::seal(&key, encode(&Request::Offer { haves: vec![] }), None);
    let mut b = env.to_bytes();
    assert_eq!(b[0], VERSION, "the version is the first byte on the wire");
    b[0] = 1;
    let err = Envelope::from_bytes(&b).expect_err("old version");
    assert!(matches!(
        err,
        SyncError::Version {
            found: 1,
            ours: VERSION
        }
    ));
    assert!(err.to_string().contains("versión 1"));
    let mut bundle = crate::bundle::MAGIC.to_vec();
    bundle.extend_from_slice(&b);
    assert!(matches!(
        crate::bundle::open(&bundle),
        Err(SyncError::Version { found: 1, .. })
    ));
}
