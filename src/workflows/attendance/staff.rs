//! Staff enrollment for attendance: the staff member is read the attendance purpose notice
//! ([`super::STAFF_NOTICE_VERSION`]: their fingers are used only to record their own
//! attendance, never for enrollment searches), their acknowledgement is recorded with the
//! officer and time, and their templates are sealed in a new staff document. Nothing is
//! stored without the acknowledgement. Supervisors and administrators enroll staff.

use huella_keys::RecipientSet;
use huella_sync::store::OpenRecord;
use huella_sync::{
    AuditAction, BlobKind, FingerPosition, PersonRecord, RecordId, StaffMember, StoreKeys,
};

use super::{AttendanceError, STAFF_NOTICE_VERSION, need_supervisor, now, open_staff};
use crate::workflows::enroll::{Attempt, evaluate};
use crate::workflows::session::Session;

/// One staff finger ready to store: position, quality and template bytes.
#[derive(Debug, Clone)]
pub struct StaffFinger {
    /// Which finger.
    pub position: FingerPosition,
    /// Quality 0–100.
    pub quality: u8,
    template: Vec<u8>,
}

/// Extracts a staff finger from a capture (unusable images are refused with the reason).
pub fn staff_finger(a: &Attempt) -> Result<StaffFinger, AttendanceError> {
    let (quality, template) = evaluate(a).map_err(|u| AttendanceError::Unusable(u.motivo()))?;
    Ok(StaffFinger {
        position: a.position,
        quality,
        template,
    })
}

/// The fingers taken for attendance, in order: right index, left index, right thumb, left
/// thumb, then the rest.
pub fn finger_order() -> [FingerPosition; 10] {
    use FingerPosition::*;
    [
        RightIndex,
        LeftIndex,
        RightThumb,
        LeftThumb,
        RightMiddle,
        LeftMiddle,
        RightRing,
        LeftRing,
        RightLittle,
        LeftLittle,
    ]
}

/// What an enrollment stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffEnrolled {
    /// The staff document.
    pub id: RecordId,
    /// Fingers stored.
    pub fingers: usize,
}

/// Enrolls `user` (full name `name`) with `fingers`, after they acknowledged the purpose
/// notice (`acknowledged`); audited as a capture naming the notice version.
pub fn enroll(
    session: &Session,
    user: &str,
    name: &str,
    acknowledged: bool,
    fingers: &[StaffFinger],
) -> Result<StaffEnrolled, AttendanceError> {
    need_supervisor(session)?;
    if !crate::home::valid_user_name(user) {
        return Err(AttendanceError::BadUser(user.to_owned()));
    }
    if !acknowledged {
        return Err(AttendanceError::NoNotice);
    }
    match open_staff(session, user) {
        Ok(_) => return Err(AttendanceError::AlreadyEnrolled(user.to_owned())),
        Err(AttendanceError::NotStaff(_)) => {}
        Err(e) => return Err(e),
    }
    if fingers.is_empty() {
        return Err(AttendanceError::Unusable("sin huellas"));
    }
    let me = session.credential.officer.user().to_owned();
    let member = StaffMember {
        user: user.to_owned(),
        name: name.trim().to_owned(),
        notice: STAFF_NOTICE_VERSION.to_owned(),
        notice_at: now(),
        notice_by: me,
    };
    let id = RecordId::generate();
    let mut open = OpenRecord::new(PersonRecord::create_staff(id, &member)?);
    // Minimum data: a staff document's key is wrapped to this station and the office only;
    // the regional and central offices (recipients of person records) never read staff
    // fingerprints or attendance, they only relay the sealed copy.
    let all = session.keys();
    let mut office_only = RecipientSet::new();
    for r in all
        .recipients
        .iter()
        .filter(|r| !matches!(r.label(), "regional" | "central"))
    {
        office_only.push(r.clone());
    }
    let keys = StoreKeys {
        secrets: all.secrets,
        recipients: office_only,
        office: all.office.clone(),
    };
    let tags = super::tags_of(session.credential.station.index_key(), &open.record);
    let mut batch = session.store.batch();
    for f in fingers {
        let blob = batch.put_blob(&open, &f.template, BlobKind::FingerTemplate);
        open.record
            .set_staff_template(&huella_sync::StaffTemplate {
                position: f.position,
                template: blob,
                quality: f.quality,
            })?;
    }
    batch.save_record(&keys, &mut open, tags)?;
    batch.audit(
        AuditAction::Captura,
        &[id],
        &format!(
            "asistencia: personal {user} inscrito con {} dedo(s); acuse del aviso {STAFF_NOTICE_VERSION}",
            fingers.len()
        ),
    );
    session
        .store
        .commit(batch, &session.credential.officer, &now())?;
    Ok(StaffEnrolled {
        id,
        fingers: fingers.len(),
    })
}

/// The staff members enrolled at this station (user, name), sorted by user.
pub fn list(session: &Session) -> Result<Vec<StaffMember>, AttendanceError> {
    let keys = session.keys();
    let mut out = Vec::new();
    for id in super::staff_ids(session)? {
        let open = session.store.open_record(&keys, id)?;
        if open.record.is_staff() {
            out.push(open.record.staff_member()?);
        }
    }
    out.sort_by(|a, b| a.user.cmp(&b.user));
    Ok(out)
}
