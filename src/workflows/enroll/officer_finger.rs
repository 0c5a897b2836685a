//! Officers' own fingerprints: the reference an officer enrolls (sealed inside their
//! credential file with their passphrase, never elsewhere on disk) and the 1:1 check of a
//! live capture against it at FMR 1/10,000, used to re-authenticate a supervisor's decision.

use huella_keys::{Credential, FingerReference, Passphrase};
use huella_sync::{AuditAction, FingerPosition};
use sha2::{Digest, Sha256};

use super::{Attempt, EnrollError, QUALITY_THRESHOLD, evaluate};
use crate::home::Home;
use crate::matching::{self, Template, Unusable};
use crate::workflows::session::Session;

/// False-match rate of the officer's 1:1 re-authentication.
pub const REAUTH_FMR: f64 = 1e-4;

/// The finger officers enroll and present (right index).
pub const OFFICER_FINGER: FingerPosition = FingerPosition::RightIndex;

/// Why an officer finger could not be enrolled or checked.
#[derive(Debug, thiserror::Error)]
pub enum OfficerFingerError {
    /// The image cannot be used.
    #[error("huella inutilizable: {0}")]
    Unusable(&'static str),
    /// Quality below the threshold.
    #[error("calidad {0} menor a {min}: coloque el dedo de nuevo", min = QUALITY_THRESHOLD)]
    LowQuality(u8),
    /// The credential could not be unlocked or rewritten.
    #[error(transparent)]
    Credential(#[from] huella_keys::CredentialError),
    /// The reference in the credential is damaged.
    #[error("la huella de referencia guardada está dañada: regístrela de nuevo")]
    Damaged,
    /// The audit entry could not be written.
    #[error(transparent)]
    Save(#[from] EnrollError),
}

/// One 1:1 comparison of a live finger against a reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FingerMatch {
    /// Verification score (the matcher's scale).
    pub score: f32,
    /// Threshold at the FMR used.
    pub threshold: f32,
    /// Whether the score reaches it.
    pub matched: bool,
}

/// A seed telling the scanner simulator whose finger is on the glass for `user` (the demo and
/// the tests place the officer's synthetic finger; real scanners ignore it).
pub fn officer_subject(user: &str) -> u64 {
    let d = Sha256::digest(format!("huella-oficial:{user}").as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b)
}

/// Extracts a reference from a capture (quality at or above the enrollment threshold).
pub fn reference_of(a: &Attempt) -> Result<FingerReference, OfficerFingerError> {
    let (q, template) = evaluate(a).map_err(|u| OfficerFingerError::Unusable(u.motivo()))?;
    if q < QUALITY_THRESHOLD {
        return Err(OfficerFingerError::LowQuality(q));
    }
    let mut bytes = Vec::with_capacity(template.len() + 1);
    bytes.push(a.position.code());
    bytes.extend_from_slice(&template);
    Ok(FingerReference::new(&bytes))
}

/// Verifies a live capture against a template at [`REAUTH_FMR`]: the matcher with the ridge
/// texture's second opinion ([`matching::verify`]), each test at half the rate.
pub fn compare_template(live: &Attempt, template: &[u8]) -> Result<FingerMatch, Unusable> {
    let (_, t) = evaluate(live)?;
    let live = Template::decode(&t).map_err(|_| Unusable::Undecodable)?;
    let reference = Template::decode(template).map_err(|_| Unusable::Undecodable)?;
    // Both views of each print: verification averages them when both templates have two.
    let score = matching::verify(
        &matching::prepare_for_verification(&live),
        &matching::prepare_for_verification(&reference),
    );
    let threshold = matching::verify::threshold_for(REAUTH_FMR);
    Ok(FingerMatch {
        score,
        threshold,
        matched: score >= threshold,
    })
}

/// Compares a live capture with an officer's reference.
pub fn check(
    reference: &FingerReference,
    live: &Attempt,
) -> Result<FingerMatch, OfficerFingerError> {
    let (&code, template) = reference
        .as_bytes()
        .split_first()
        .ok_or(OfficerFingerError::Damaged)?;
    if FingerPosition::from_code(code).is_none() {
        return Err(OfficerFingerError::Damaged);
    }
    compare_template(live, template).map_err(|u| OfficerFingerError::Unusable(u.motivo()))
}

/// Seals `reference` into the credential of the session's officer (re-reading it with
/// `passphrase`, rewriting it atomically at `cost`) and audits it.
pub fn enroll(
    home: &Home,
    session: &Session,
    passphrase: &Passphrase,
    reference: &FingerReference,
    cost: huella_keys::KdfCost,
) -> Result<(), OfficerFingerError> {
    let me = &session.credential.officer;
    let path = home.credential_file(me.user());
    let current = Credential::read_file(&path, passphrase, me.user())?;
    let sealed = Credential::seal_with_finger(
        &current.officer,
        &current.station,
        Some(reference),
        passphrase,
        cost,
    )?;
    Credential::write_file(&path, &sealed)?;
    let mut batch = session.store.batch();
    batch.audit(
        AuditAction::OficialAgregado,
        &[],
        &format!(
            "huella de referencia del usuario {} registrada en su credencial",
            me.user()
        ),
    );
    session
        .store
        .commit(batch, me, &super::now())
        .map_err(EnrollError::from)?;
    Ok(())
}
