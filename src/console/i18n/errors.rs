//! Wording of the workflows' typed errors in the console's language. Spanish uses the
//! errors' own messages (they are written for the officer); English words each variant here,
//! and anything technical (store, record, OS) becomes one line that points to the log, where
//! the details are written.

use super::Lang;
use crate::console::msg::DeskError;
use crate::workflows::enroll::EnrollError;
use crate::workflows::enroll::officer_finger::OfficerFingerError;
use crate::workflows::enroll::survival::SurvivalError;
use crate::workflows::login::LoginError;
use crate::workflows::review::ReviewError;

pub(super) const EN_TECHNICAL: &str =
    "The station could not complete this; the details are in the log.";

impl Lang {
    /// A desk operation's failure, for the officer.
    pub fn desk_error(self, e: &DeskError) -> String {
        if self == Lang::Es {
            return format!("{e:#}");
        }
        tracing::warn!(target: "huella::consola", "desk error: {e:#}");
        match e {
            DeskError::Enroll(e) => en_enroll(e),
            DeskError::Review(e) => en_review(e),
            DeskError::Survival(e) => match &**e {
                SurvivalError::Enroll(e) => en_enroll(e),
                SurvivalError::NotEnrolled(st) => format!(
                    "The person has no approved prints (status: {}).",
                    self.status(st)
                ),
                SurvivalError::NoTemplate(_) => "No enrolled template for that finger.".to_owned(),
                SurvivalError::Unusable(_) => "Unusable print; capture it again.".to_owned(),
                SurvivalError::Opposed(_) => {
                    "The person opposed proof of life by fingerprint: use the supervised alternative path."
                        .to_owned()
                }
                SurvivalError::Deceased(date) => {
                    format!("A death is recorded for the person ({date}): proof of life has ended.")
                }
            },
            DeskError::Movement(e) => self
                .movement_error(e)
                .unwrap_or_else(|| EN_TECHNICAL.to_owned()),
            DeskError::Arco(e) => super::arco::error_en(e),
            DeskError::Central(e) => super::central::error_en(e),
            DeskError::Lookup(_) => {
                "Nothing could be searched: check the CURP (18 characters), the NSS (11 digits) or the name."
                    .to_owned()
            }
            _ => EN_TECHNICAL.to_owned(),
        }
    }

    /// A refused login, for the officer.
    pub fn login_error(self, e: &LoginError) -> String {
        if self == Lang::Es {
            return e.to_string();
        }
        match e {
            LoginError::Locked { seconds } => {
                format!("User locked for {seconds} s after several failed attempts.")
            }
            LoginError::Refused { .. } => "Wrong user or passphrase.".to_owned(),
            LoginError::InvalidUser => "Invalid user name.".to_owned(),
            _ => EN_TECHNICAL.to_owned(),
        }
    }
}

fn en_enroll(e: &EnrollError) -> String {
    match e {
        EnrollError::NotPending(st) => format!(
            "The person is not waiting for capture (status: {}).",
            Lang::En.status(st)
        ),
        EnrollError::NoConsent => "No consent: nothing is captured without it.".to_owned(),
        EnrollError::Incomplete(n) => format!("{n} finger(s) still to capture or justify."),
        EnrollError::NoFace => "The photo is missing.".to_owned(),
        EnrollError::Image => "The image could not be saved.".to_owned(),
        EnrollError::NotRejected(st) => format!(
            "Only a rejected person is reopened (status: {}).",
            Lang::En.status(st)
        ),
        _ => EN_TECHNICAL.to_owned(),
    }
}

fn en_review(e: &ReviewError) -> String {
    match e {
        ReviewError::NotSupervisor => "Only a supervisor approves or rejects captures.".to_owned(),
        ReviewError::Reauth => "Wrong passphrase: the decision was not recorded.".to_owned(),
        ReviewError::OwnCapture => "You cannot decide on a capture you made.".to_owned(),
        ReviewError::NotCaptured(st) => format!(
            "The capture is not waiting for approval (status: {}).",
            Lang::En.status(st)
        ),
        ReviewError::NoReason => "Type the reason for the rejection or recapture.".to_owned(),
        ReviewError::FingerMismatch => {
            "The finger does not match the supervisor's reference: the decision was not recorded."
                .to_owned()
        }
        ReviewError::NoReference => {
            "You have no reference finger: enroll it with `huella officer finger` before deciding."
                .to_owned()
        }
        ReviewError::Finger(OfficerFingerError::LowQuality(q)) => {
            format!("Quality {q} is too low: place the finger again.")
        }
        ReviewError::Finger(OfficerFingerError::Unusable(_)) => {
            "Unusable print: place the finger again.".to_owned()
        }
        ReviewError::FingerRequired => {
            "This station requires the supervisor's finger to decide: connect the scanner (or an administrator changes the policy)."
                .to_owned()
        }
        ReviewError::RecaptureFingers => "Invalid fingers for the recapture.".to_owned(),
        _ => EN_TECHNICAL.to_owned(),
    }
}

impl Lang {
    /// Why a sync round did not start or finish, for the officer.
    pub fn sync_problem(self, p: &crate::console::msg::SyncProblem) -> String {
        use crate::console::msg::SyncProblem as P;
        match (self, p) {
            (_, P::Config(e)) => self.sync_config_error(e),
            (Lang::Es, P::NotLoggedIn) => "inicie sesión para sincronizar".to_owned(),
            (Lang::Es, P::Busy) => "ya hay una sincronización en curso".to_owned(),
            (Lang::Es, P::Round(why)) => why.clone(),
            (Lang::En, P::NotLoggedIn) => "log in to synchronise".to_owned(),
            (Lang::En, P::Busy) => "a sync round is already running".to_owned(),
            (Lang::En, P::Round(why)) => {
                tracing::warn!(target: "huella::sync", "round failed: {why}");
                "the hub or a peer could not be reached or refused the round; the details are in the log"
                    .to_owned()
            }
        }
    }

    /// Why the `[sincronizacion]` table cannot be used.
    pub fn sync_config_error(self, e: &crate::console::sync_config::SyncConfigError) -> String {
        use crate::console::sync_config::SyncConfigError as C;
        match (self, e) {
            (Lang::Es, C::Unreadable) => "no se pudo leer consola.toml".to_owned(),
            (Lang::Es, C::Invalid(detail)) => format!("sección [sincronizacion] inválida: {detail}"),
            (Lang::Es, C::BadHubKey) => {
                "clave_concentrador debe tener 64 caracteres hexadecimales".to_owned()
            }
            (Lang::Es, C::NoTargets) => {
                "no hay concentrador ni estaciones vecinas configurados: el administrador los indica en la sección [sincronizacion] de consola.toml"
                    .to_owned()
            }
            (Lang::En, C::Unreadable) => "consola.toml cannot be read".to_owned(),
            (Lang::En, C::Invalid(detail)) => {
                format!("the [sincronizacion] table is invalid: {detail}")
            }
            (Lang::En, C::BadHubKey) => "clave_concentrador must be 64 hex characters".to_owned(),
            (Lang::En, C::NoTargets) => {
                "no hub and no peer configured: the administrator sets them in the [sincronizacion] table of consola.toml"
                    .to_owned()
            }
        }
    }
}
