//! The station's attendance rules: the start of the working day, the lateness tolerance and
//! the working days. One small JSON file in the station home (`asistencia.json`, 0600,
//! written whole and renamed into place); an absent or damaged file means the documented
//! defaults (08:00, 10 minutes, Monday to Friday). Changing it takes a supervisor and leaves
//! an audit entry. Must not hold user-facing text.

use std::path::PathBuf;

use huella_sync::AuditAction;
use serde::{Deserialize, Serialize};

use super::{AttendanceError, minutes_of, need_supervisor, now};
use crate::home::Home;
use crate::workflows::session::Session;

/// Largest configuration file read.
const MAX_FILE: u64 = 4096;

/// The attendance rules of this station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttendanceConfig {
    /// Start of the working day, `HH:MM` local time.
    pub hora_entrada: String,
    /// Minutes after the start an entry still counts as on time.
    pub tolerancia_minutos: u32,
    /// Working weekdays, 1 = Monday … 7 = Sunday.
    pub dias_laborables: Vec<u8>,
}

impl Default for AttendanceConfig {
    fn default() -> Self {
        AttendanceConfig {
            hora_entrada: "08:00".into(),
            tolerancia_minutos: 10,
            dias_laborables: vec![1, 2, 3, 4, 5],
        }
    }
}

fn file(home: &Home) -> PathBuf {
    home.dir().join("asistencia.json")
}

impl AttendanceConfig {
    /// The rules in force (the defaults when the file is absent, too large or damaged).
    pub fn load(home: &Home) -> AttendanceConfig {
        let read = std::fs::File::open(file(home)).ok().and_then(|f| {
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_FILE + 1), &mut b).ok()?;
            Some(b)
        });
        read.filter(|b| b.len() as u64 <= MAX_FILE)
            .and_then(|b| serde_json::from_slice::<AttendanceConfig>(&b).ok())
            .filter(AttendanceConfig::valid)
            .unwrap_or_default()
    }

    /// Whether every field is in its domain.
    pub fn valid(&self) -> bool {
        minutes_of(&self.hora_entrada).is_some()
            && self.tolerancia_minutos <= 240
            && self.dias_laborables.iter().all(|d| (1..=7).contains(d))
    }

    /// Start of the day in minutes after midnight.
    pub fn start_minutes(&self) -> u32 {
        minutes_of(&self.hora_entrada).unwrap_or(8 * 60)
    }

    /// Whether weekday `w` (1 = Monday) is a working day.
    pub fn works_on(&self, w: u8) -> bool {
        self.dias_laborables.contains(&w)
    }

    /// Stores these rules (supervisors and administrators; audited).
    pub fn set(&self, home: &Home, session: &Session) -> Result<(), AttendanceError> {
        need_supervisor(session)?;
        if !self.valid() {
            return Err(AttendanceError::BadDate(self.hora_entrada.clone()));
        }
        let json = serde_json::to_vec_pretty(self).unwrap_or_default();
        let tmp = file(home).with_extension("json.tmp");
        std::fs::write(&tmp, json).map_err(AttendanceError::Config)?;
        std::fs::rename(&tmp, file(home)).map_err(AttendanceError::Config)?;
        let mut batch = session.store.batch();
        batch.audit(
            AuditAction::RegistroModificado,
            &[],
            &format!(
                "asistencia: entrada {} con tolerancia de {} min",
                self.hora_entrada, self.tolerancia_minutos
            ),
        );
        session
            .store
            .commit(batch, &session.credential.officer, &now())?;
        Ok(())
    }
}
