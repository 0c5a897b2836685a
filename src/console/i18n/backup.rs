//! The scheduled backup in the officer's words: the sync screen's backup line, the result
//! toast, and why a backup was not made (a stick left out, a full disk, a bad `[respaldo]`).

use super::Lang;
use crate::console::backup_config::BackupConfigError;
use crate::console::msg::{BackupOverview, BackupProblem};
use crate::workflows::backup_schedule::ScheduledBackupError;

impl Lang {
    /// The sync screen's backup line: last backup, folder and interval, or how to set one up.
    pub fn backup_line(self, plan: &BackupOverview, running: bool, offset: i64) -> String {
        let last = plan.last.as_deref().map(|t| self.stamp(t, offset));
        if let Some(e) = &plan.config_error {
            return match self {
                Lang::Es => format!("Respaldo: {}", self.backup_config_error(e)),
                Lang::En => format!("Backup: {}", self.backup_config_error(e)),
            };
        }
        let Some(folder) = &plan.folder else {
            return match self {
                Lang::Es => "Respaldo: sin programar (sección [respaldo] de consola.toml)".into(),
                Lang::En => "Backup: not scheduled ([respaldo] table of consola.toml)".into(),
            };
        };
        let folder = folder.display();
        let h = plan.every_hours;
        match (self, running, last) {
            (Lang::Es, true, _) => format!("Respaldo: escribiendo en {folder}…"),
            (Lang::En, true, _) => format!("Backup: writing to {folder}…"),
            (Lang::Es, false, Some(t)) => format!("Respaldo: {t} · {folder} · cada {h} h"),
            (Lang::En, false, Some(t)) => format!("Backup: {t} · {folder} · every {h} h"),
            (Lang::Es, false, None) => format!("Respaldo: aún ninguno · {folder} · cada {h} h"),
            (Lang::En, false, None) => format!("Backup: none yet · {folder} · every {h} h"),
        }
    }

    /// A scheduled backup written.
    pub fn backup_done(self, file: &str, people: usize) -> String {
        match self {
            Lang::Es => format!("Respaldo guardado: {file} ({people} personas)"),
            Lang::En => format!("Backup saved: {file} ({people} people)"),
        }
    }

    /// Why the scheduled backup was not made.
    pub fn backup_problem(self, p: &BackupProblem) -> String {
        use ScheduledBackupError as W;
        match (self, p) {
            (_, BackupProblem::Config(e)) => match self {
                Lang::Es => format!("Respaldo no hecho: {}", self.backup_config_error(e)),
                Lang::En => format!("Backup not made: {}", self.backup_config_error(e)),
            },
            (Lang::Es, BackupProblem::Write(W::FolderMissing(f))) => format!(
                "Respaldo no hecho: la carpeta {} no existe (¿está conectada la memoria USB?); se reintenta en unos minutos",
                f.display()
            ),
            (Lang::En, BackupProblem::Write(W::FolderMissing(f))) => format!(
                "Backup not made: folder {} does not exist (is the USB stick plugged in?); retrying in a few minutes",
                f.display()
            ),
            (Lang::Es, BackupProblem::Write(W::NotAFolder(f))) => {
                format!("Respaldo no hecho: {} no es una carpeta", f.display())
            }
            (Lang::En, BackupProblem::Write(W::NotAFolder(f))) => {
                format!("Backup not made: {} is not a folder", f.display())
            }
            (Lang::Es, BackupProblem::Write(W::Full(f))) => format!(
                "Respaldo no hecho: no queda espacio en {}; libere espacio (no se dejó nada a medias)",
                f.display()
            ),
            (Lang::En, BackupProblem::Write(W::Full(f))) => format!(
                "Backup not made: no space left in {}; free some space (nothing was left half-written)",
                f.display()
            ),
            (Lang::Es, BackupProblem::Write(W::Failed(why))) => {
                format!("Respaldo no hecho: {why:#}")
            }
            (Lang::En, BackupProblem::Write(_)) => {
                "Backup not made: it could not be written; the details are in the log".into()
            }
        }
    }

    /// Why the `[respaldo]` table cannot be used.
    pub fn backup_config_error(self, e: &BackupConfigError) -> String {
        use BackupConfigError as C;
        match (self, e) {
            (Lang::Es, C::Unreadable) => "no se pudo leer consola.toml".into(),
            (Lang::Es, C::Invalid(d)) => format!("sección [respaldo] inválida: {d}"),
            (Lang::Es, C::NoFolder) => "falta «carpeta» en la sección [respaldo]".into(),
            (Lang::Es, C::OutOfRange) => {
                "[respaldo]: cada_horas va de 1 a 720 y conservar de 1 a 365".into()
            }
            (Lang::En, C::Unreadable) => "consola.toml cannot be read".into(),
            (Lang::En, C::Invalid(d)) => format!("the [respaldo] table is invalid: {d}"),
            (Lang::En, C::NoFolder) => "the [respaldo] table has no «carpeta»".into(),
            (Lang::En, C::OutOfRange) => {
                "[respaldo]: cada_horas must be 1 to 720 and conservar 1 to 365".into()
            }
        }
    }
}
