//! What a supervisor's decision covers: the digest of a record's captures that an approval
//! signs, and whether the approval in force still covers the captures the record has now
//! (a recapture merged from another station may have replaced them).
//!
//! This module owns that comparison. It must not change the record nor decide its status.

use sha2::{Digest as _, Sha256};

use super::{Approval, Decision, FingerCapture, PersonRecord, RecordError};

/// The digest a decision signs: every capture (in finger order) and the face, as hex.
pub fn capture_digest(captures: &[FingerCapture], face_image_hash: Option<&str>) -> String {
    let mut sorted: Vec<&FingerCapture> = captures.iter().collect();
    sorted.sort_by_key(|c| c.position.code());
    let mut h = Sha256::new();
    for c in sorted {
        h.update(format!(
            "{}|{}|{}|{}|{:?}\n",
            c.position.code(),
            c.quality,
            c.template.as_ref().map_or("", |b| b.hash.as_str()),
            c.image.as_ref().map_or("", |b| b.hash.as_str()),
            c.exception
        ));
    }
    if let Some(f) = face_image_hash {
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

impl PersonRecord {
    /// The digest of the record's current captures and face (what an approval signs).
    pub fn capture_digest(&self) -> Result<String, RecordError> {
        let face = self.face()?;
        Ok(capture_digest(
            &self.captures()?,
            face.as_ref().map(|f| f.image.hash.as_str()),
        ))
    }

    /// The approval in force when it no longer covers the current captures: the newest
    /// decision is an approval whose signed capture digest differs from the record's
    /// (approvals without a digest, from before digests existed, are not judged).
    pub fn superseded_approval(&self) -> Result<Option<Approval>, RecordError> {
        let Some(last) = self.approvals()?.pop() else {
            return Ok(None);
        };
        if last.decision != Decision::Aprobar || last.capture_digest.is_empty() {
            return Ok(None);
        }
        Ok((last.capture_digest != self.capture_digest()?).then_some(last))
    }
}
