//! Retention of biometrics: after a baja (the last movement ends the employment) or a death,
//! the person's biometrics are kept for a configured period and then erased everywhere, the
//! same way an ARCO cancellation erases them (a new record without biometrics, the old one
//! erased by a replicated order). Identity and movements are kept.
//!
//! The period lives in `retencion.json` in the station home (0600, written whole and renamed),
//! set by an administrator. Default: 5 years (docs/privacy.md says why: the longest term in
//! which the contributions and the enrollment tied to that employment can still be reviewed,
//! Ley del Seguro Social art. 297 and Código Fiscal de la Federación art. 30; after it the
//! biometrics no longer serve the purpose they were taken for, LFPDPPP art. 11).
//!
//! Owns the rule (which records are due, when) and the run. Must not word anything.

use std::io;
use std::path::PathBuf;

use huella_keys::Role;
use huella_sync::{AuditAction, BiometricStatus, MovementKind, PersonRecord, RecordId, StoreError};
use serde::{Deserialize, Serialize};

use crate::home::Home;
use crate::workflows::arco::ArcoError;
use crate::workflows::arco::cancel::{self, CancelError};
use crate::workflows::arco::request::Day;
use crate::workflows::session::Session;

/// Years biometrics are kept after a baja or a death when the station sets nothing.
pub const DEFAULT_YEARS: u32 = 5;

/// The station's retention setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetentionPolicy {
    /// Years after the baja or death.
    pub years: u32,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            years: DEFAULT_YEARS,
        }
    }
}

/// Why retention could not be set or run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RetentionError {
    /// Only an administrator sets or runs retention.
    #[error("solo un administrador configura o ejecuta la retención")]
    NotAdmin,
    /// The period is out of range.
    #[error("el periodo de retención debe estar entre 0 y 100 años")]
    BadYears,
    /// The setting could not be written.
    #[error("no se pudo guardar la retención de la estación: {0}")]
    Write(#[source] io::Error),
    /// Erasing a person failed.
    #[error(transparent)]
    Cancel(#[from] CancelError),
    /// The store failed.
    #[error(transparent)]
    Store(Box<StoreError>),
}

impl From<StoreError> for RetentionError {
    fn from(e: StoreError) -> Self {
        RetentionError::Store(Box::new(e))
    }
}

impl From<huella_sync::RecordError> for RetentionError {
    fn from(e: huella_sync::RecordError) -> Self {
        RetentionError::Cancel(CancelError::Arco(ArcoError::Record(e)))
    }
}

fn file(home: &Home) -> PathBuf {
    home.dir().join("retencion.json")
}

impl RetentionPolicy {
    /// The setting in force (the default when the file is absent or damaged).
    pub fn load(home: &Home) -> RetentionPolicy {
        std::fs::read(file(home))
            .ok()
            .filter(|b| b.len() <= 4096)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Stores this setting (administrators only; audited).
    pub fn set(&self, home: &Home, session: &Session) -> Result<(), RetentionError> {
        if session.credential.officer.role() != Role::Admin {
            return Err(RetentionError::NotAdmin);
        }
        if self.years > 100 {
            return Err(RetentionError::BadYears);
        }
        let json = serde_json::to_vec_pretty(self).map_err(|e| RetentionError::Write(e.into()))?;
        let path = file(home);
        // Whole and durable (unique temporary, fsync, rename, folder fsync).
        crate::file_modes::write_private(&path, &json).map_err(RetentionError::Write)?;
        let mut batch = session.store.batch();
        batch.audit(
            AuditAction::RegistroModificado,
            &[],
            &format!("retención de biometría: {} años", self.years),
        );
        session.commit(batch)?;
        Ok(())
    }
}

/// The day `record`'s biometrics are to be erased (`YYYY-MM-DD`), or `None` while the person
/// is active (an alta with no baja, and no death) or has no biometrics left. The clock starts
/// at the death, or at the last baja once no alta is active (a new alta stops it).
pub fn erase_on(record: &PersonRecord, policy: RetentionPolicy) -> Option<String> {
    if record.captures().ok()?.is_empty() && record.face().ok()?.is_none() {
        return None;
    }
    let (history, standing) = crate::workflows::movements::history(record).ok()?;
    let end = match standing.deceased {
        Some(day) => day,
        None if standing.active.is_empty() => history
            .iter()
            .rev()
            .find(|m| m.kind == MovementKind::Baja)?
            .date
            .clone(),
        None => return None,
    };
    Some(Day::parse(&end)?.plus_years(policy.years).iso())
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionRun {
    /// People whose biometrics were erased.
    pub purged: Vec<RecordId>,
    /// Records read.
    pub examined: usize,
}

/// Erases the biometrics of everyone whose retention ended by today (administrators only).
/// Reads every record of the station (a nightly job: its cost grows with the station).
pub fn run(home: &Home, session: &Session) -> Result<RetentionRun, RetentionError> {
    if session.credential.officer.role() != Role::Admin {
        return Err(RetentionError::NotAdmin);
    }
    let policy = RetentionPolicy::load(home);
    let today = Day::today().iso();
    let keys = session.keys();
    let mut ids = Vec::new();
    for s in BiometricStatus::ALL {
        ids.extend(session.store.ids_with_status(s)?);
    }
    let mut out = RetentionRun::default();
    for id in ids {
        out.examined += 1;
        let open = session.store.open_record(&keys, id)?;
        let due = erase_on(&open.record, policy).is_some_and(|day| day <= today);
        if !due {
            continue;
        }
        cancel::erase_biometrics(session, open, "retención vencida", "", |_| Ok(()))?;
        out.purged.push(id);
    }
    let mut batch = session.store.batch();
    batch.audit(
        AuditAction::Borrado,
        &out.purged,
        &format!(
            "retención ({} años): {} personas depuradas de {}",
            policy.years,
            out.purged.len(),
            out.examined
        ),
    );
    session.commit(batch)?;
    Ok(out)
}

/// When the biometrics of each of `ids` (hex record ids, as `find` returns them) will be
/// erased, in the same order (`None`: the clock does not run, or no biometrics are left).
pub fn erase_dates(
    home: &Home,
    session: &Session,
    ids: &[&str],
) -> Result<Vec<Option<String>>, RetentionError> {
    let policy = RetentionPolicy::load(home);
    let keys = session.keys();
    ids.iter()
        .map(|hex| {
            let Some(id) = RecordId::parse(hex) else {
                return Ok(None);
            };
            let open = session.store.open_record(&keys, id)?;
            Ok(erase_on(&open.record, policy))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use huella_sync::{
        BlobKind, BlobRef, FingerCapture, FingerPosition, Identity, Movement, MovementKind,
        PersonRecord, RecordId,
    };

    use super::{RetentionPolicy, erase_on};

    fn movement(id: &str, kind: MovementKind, fecha: &str) -> Movement {
        Movement {
            id: id.to_owned(),
            kind,
            fecha: fecha.to_owned(),
            registro_patronal: "Y5412345105".to_owned(),
            salario_diario: None,
            regimen: None,
            motivo: None,
            oficial: "ana".to_owned(),
            registrado_en: format!("{fecha}T10:00:00Z"),
        }
    }

    fn enrolled() -> PersonRecord {
        let identity = Identity {
            curp: "MORF991110HBCRSR07".to_owned(),
            nss: "12345678901".to_owned(),
            nombre: "FERNANDA".to_owned(),
            primer_apellido: "MORALES".to_owned(),
            ..Identity::default()
        };
        let mut r = PersonRecord::create(
            RecordId::generate(),
            &identity,
            "ana",
            "2020-01-01T00:00:00Z",
        )
        .expect("record");
        r.set_capture(&FingerCapture {
            position: FingerPosition::RightIndex,
            quality: 80,
            attempts: 1,
            template: Some(BlobRef {
                hash: "00".repeat(32),
                size: 10,
                kind: BlobKind::FingerTemplate,
            }),
            image: None,
            exception: None,
            captured_at: "2020-01-02T00:00:00Z".to_owned(),
            officer: "ana".to_owned(),
        })
        .expect("capture");
        r
    }

    #[test]
    fn the_clock_runs_from_the_last_baja_and_stops_with_a_new_alta() {
        let five = RetentionPolicy { years: 5 };
        let mut r = enrolled();
        assert_eq!(erase_on(&r, five), None, "active: no clock");
        r.add_movement(&movement("m1", MovementKind::Alta, "2020-01-01"))
            .expect("alta");
        assert_eq!(erase_on(&r, five), None);
        r.add_movement(&movement("m2", MovementKind::Baja, "2021-03-15"))
            .expect("baja");
        assert_eq!(erase_on(&r, five).as_deref(), Some("2026-03-15"));
        assert_eq!(
            erase_on(&r, RetentionPolicy { years: 10 }).as_deref(),
            Some("2031-03-15")
        );
        r.add_movement(&movement("m3", MovementKind::Alta, "2022-06-01"))
            .expect("alta again");
        assert_eq!(erase_on(&r, five), None, "a new alta stops the clock");
    }

    #[test]
    fn nothing_to_erase_without_biometrics() {
        let identity = Identity {
            curp: "MORF991110HBCRSR07".to_owned(),
            nss: "12345678901".to_owned(),
            nombre: "FERNANDA".to_owned(),
            primer_apellido: "MORALES".to_owned(),
            ..Identity::default()
        };
        let mut r = PersonRecord::create(
            RecordId::generate(),
            &identity,
            "ana",
            "2020-01-01T00:00:00Z",
        )
        .expect("record");
        r.add_movement(&movement("m1", MovementKind::Baja, "2001-01-01"))
            .expect("baja");
        assert_eq!(erase_on(&r, RetentionPolicy::default()), None);
    }
}
