//! Supervisor re-authentication by fingerprint, below the console: the reference sealed in a
//! real credential file on disk (readable only with the passphrase, not in plaintext), and the
//! 1:1 check at FMR 1/10,000 accepting another impression of the same finger and refusing
//! someone else's finger. Synthetic fingers come from the same generator the scanner
//! simulator serves.

use huella::home::Home;
use huella::workflows::enroll::Attempt;
use huella::workflows::enroll::officer_finger::{self, OFFICER_FINGER, officer_subject};
use huella::workflows::session::Session;
use huella::workflows::station::{self, InitParams};
use huella_devices::synthetic::SyntheticFinger;
use huella_keys::{Credential, CredentialError, KdfCost, Passphrase};

fn impression(user: &str, n: u32) -> Attempt {
    let f = huella_devices::SimFinger::new(OFFICER_FINGER.code()).expect("finger");
    let img = SyntheticFinger::new(officer_subject(user), f).impression(n);
    Attempt {
        position: OFFICER_FINGER,
        pixels: img.pixels,
        width: img.width,
        height: img.height,
        dpi: img.dpi,
    }
}

#[test]
fn reference_is_sealed_in_the_credential_and_matches_only_its_owner() {
    let dir = tempfile::tempdir().expect("tmp");
    let home = Home::new(dir.path().join("estacion"));
    let pass = Passphrase::new("supervisora-de-prueba");
    let cost = KdfCost::new(KdfCost::MIN);
    station::init(
        &home,
        &InitParams {
            office: "0901",
            station: "E1",
            admin: "ana",
            passphrase: &pass,
            regional: None,
            central: None,
            cost,
        },
    )
    .expect("init");
    let reference = officer_finger::reference_of(&impression("ana", 1)).expect("reference");
    {
        let session = Session::open_with(&home, "ana", &pass).expect("session");
        assert!(session.credential.finger.is_none());
        officer_finger::enroll(&home, &session, &pass, &reference, cost).expect("enroll");
    }
    let path = home.credential_file("ana");
    let on_disk = std::fs::read(&path).expect("read");
    let probe = &reference.as_bytes()[1..33];
    assert!(
        !on_disk.windows(probe.len()).any(|w| w == probe),
        "the template is not stored in plaintext"
    );
    let again = Credential::read_file(&path, &pass, "ana").expect("reopen");
    let sealed = again.finger.expect("reference kept in the credential");
    assert_eq!(sealed, reference);
    assert!(matches!(
        Credential::read_file(&path, &Passphrase::new("otra-contraseña"), "ana"),
        Err(CredentialError::WrongPassphrase { .. })
    ));

    let same = officer_finger::check(&sealed, &impression("ana", 2)).expect("check");
    assert!(same.matched, "another impression of her finger: {same:?}");
    let other = officer_finger::check(&sealed, &impression("beto", 1)).expect("check");
    assert!(!other.matched, "someone else's finger: {other:?}");
    assert!(other.score < same.score);
    assert!((same.threshold - other.threshold).abs() < f32::EPSILON);
}
