//! User text, one file per language ([`es`], [`en`]); screens read it through [`Strings`].

use crate::workflows::types::Role;
use crate::workflows::types::{FingerException, FingerPosition};

use super::action::Action;
use super::state::Screen;
use crate::workflows::enroll::FaceCheckKind;

pub mod arco;
mod backup;
pub mod central;
mod clock;
mod devices;
pub mod en;
mod errors;
pub mod es;
mod kiosk;
mod records;

pub mod movements;

/// Console language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Spanish (default).
    #[default]
    Es,
    /// English.
    En,
}

impl Lang {
    /// `es` or `en` (anything else: `None`).
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "es" => Some(Lang::Es),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The strings of this language.
    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::Es => &es::STRINGS,
            Lang::En => &en::STRINGS,
        }
    }

    /// Name of an action (hints and help).
    pub fn action(self, a: Action) -> &'static str {
        match self {
            Lang::Es => es::action(a),
            Lang::En => en::action(a),
        }
    }

    /// Name of a screen.
    pub fn screen(self, s: Screen) -> &'static str {
        match self {
            Lang::Es => es::screen(s),
            Lang::En => en::screen(s),
        }
    }

    /// Name of a role.
    pub fn role(self, r: Role) -> &'static str {
        match self {
            Lang::Es => es::role(r),
            Lang::En => en::role(r),
        }
    }

    /// Name of a finger.
    pub fn finger(self, p: FingerPosition) -> &'static str {
        match self {
            Lang::Es => p.nombre(),
            Lang::En => en::finger(p),
        }
    }

    /// Name of an exception kind.
    pub fn exception(self, k: FingerException) -> &'static str {
        let s = self.strings();
        match k {
            FingerException::Amputado => s.ex_amputado,
            FingerException::Lesionado => s.ex_lesionado,
            FingerException::Ilegible => s.ex_ilegible,
        }
    }

    /// Name of a face check.
    pub fn face_check(self, k: FaceCheckKind) -> &'static str {
        match self {
            Lang::Es => es::face_check(k),
            Lang::En => en::face_check(k),
        }
    }

    /// A biometric status (stored as its Spanish code) in this language.
    pub fn status(self, code: &str) -> &'static str {
        let s = self.strings();
        match code {
            "pendiente" => s.st_pendiente,
            "capturado" => s.st_capturado,
            "aprobado" => s.st_aprobado,
            "rechazado" => s.st_rechazado,
            "registrado" => s.st_registrado,
            "restringido" => s.st_restringido,
            _ => "?",
        }
    }

    /// How strong a duplicate hit is, in words a supervisor reads (not a bare score).
    pub fn hit_strength(self, h: crate::matching::HitStrength) -> &'static str {
        match self {
            Lang::Es => es::hit_strength(h),
            Lang::En => en::hit_strength(h),
        }
    }
}

/// Every user-facing sentence and label of the console.
#[derive(Debug)]
pub struct Strings {
    /// Text `accept`.
    pub accept: &'static str,
    /// Text `accept_best`.
    pub accept_best: &'static str,
    /// Text `approvals`.
    pub approvals: &'static str,
    /// Text `approve`.
    pub approve: &'static str,
    /// Text `attempts`.
    pub attempts: &'static str,
    /// Text `back_home`.
    pub back_home: &'static str,
    /// Text `backlog`.
    pub backlog: &'static str,
    /// Text `best_short`.
    pub best_short: &'static str,
    /// Text `best_so_far`.
    pub best_so_far: &'static str,
    /// Text `biometrics`.
    pub biometrics: &'static str,
    /// Text `birth`.
    pub birth: &'static str,
    /// Text `camera`.
    pub camera: &'static str,
    /// Text `cancel`.
    pub cancel: &'static str,
    /// Text `capture`.
    pub capture: &'static str,
    /// Text `captured_by`.
    pub captured_by: &'static str,
    /// Text `checking`.
    pub checking: &'static str,
    /// Text `choose_kind`.
    pub choose_kind: &'static str,
    /// Text `code`.
    pub code: &'static str,
    /// Text `confirm_identity`.
    pub confirm_identity: &'static str,
    /// Text `conflicts`.
    pub conflicts: &'static str,
    /// Text `consent`.
    pub consent: &'static str,
    /// Text `consent_no`.
    pub consent_no: &'static str,
    /// Text `consent_yes`.
    pub consent_yes: &'static str,
    /// Text `days`.
    pub days: &'static str,
    /// Text `days_left`.
    pub days_left: &'static str,
    /// Text `deadline_30`.
    pub deadline_30: &'static str,
    /// Text `decided_approved`.
    pub decided_approved: &'static str,
    /// Text `decided_recapture`.
    pub decided_recapture: &'static str,
    /// Text `decided_rejected`.
    pub decided_rejected: &'static str,
    /// Text `decision`.
    pub decision: &'static str,
    /// Text `detected`.
    pub detected: &'static str,
    /// Text `devices`.
    pub devices: &'static str,
    /// Text `draft_kept`.
    pub draft_kept: &'static str,
    /// Text `drafts`.
    pub drafts: &'static str,
    /// Text `dup_short`.
    pub dup_short: &'static str,
    /// Text `dups_to_supervisor`.
    pub dups_to_supervisor: &'static str,
    /// Text `employer`.
    pub employer: &'static str,
    /// Text `enroll_title`.
    pub enroll_title: &'static str,
    /// Text `evaluating`.
    pub evaluating: &'static str,
    /// Text `evidence`.
    pub evidence: &'static str,
    /// Text `ex_amputado`.
    pub ex_amputado: &'static str,
    /// Text `ex_ilegible`.
    pub ex_ilegible: &'static str,
    /// Text `ex_lesionado`.
    pub ex_lesionado: &'static str,
    /// Text `exc_short`.
    pub exc_short: &'static str,
    /// Text `exception`.
    pub exception: &'static str,
    /// Text `exception_for`.
    pub exception_for: &'static str,
    /// Text `exceptions`.
    pub exceptions: &'static str,
    /// Text `face_checks`.
    pub face_checks: &'static str,
    /// Text `face_failed`.
    pub face_failed: &'static str,
    /// Text `face_instructions`.
    pub face_instructions: &'static str,
    /// Text `face_ok`.
    pub face_ok: &'static str,
    /// Text `failed_attempts`.
    pub failed_attempts: &'static str,
    /// Text `fingers`.
    pub fingers: &'static str,
    /// Text `folio`.
    pub folio: &'static str,
    /// Text `help_config`.
    pub help_config: &'static str,
    /// Text `help_intro`.
    pub help_intro: &'static str,
    /// Text `help_title`.
    pub help_title: &'static str,
    /// Text `history`.
    pub history: &'static str,
    /// Text `hub`.
    pub hub: &'static str,
    /// Text `invalid_signature`: a decision whose signature or signer does not verify.
    pub invalid_signature: &'static str,
    /// Text `kind`.
    pub kind: &'static str,
    /// Text `kind_curp`.
    pub kind_curp: &'static str,
    /// Text `kind_name`.
    pub kind_name: &'static str,
    /// Text `kind_nss`.
    pub kind_nss: &'static str,
    /// Text `last_image`.
    pub last_image: &'static str,
    /// Text `last_quality`.
    pub last_quality: &'static str,
    /// Text `loading`.
    pub loading: &'static str,
    /// Text `locked`.
    pub locked: &'static str,
    /// Text `login_hint`.
    pub login_hint: &'static str,
    /// Text `login_need_user`.
    pub login_need_user: &'static str,
    /// Text `login_title`.
    pub login_title: &'static str,
    /// Text `lookup_hint`.
    pub lookup_hint: &'static str,
    /// Text `lookup_prompt`.
    pub lookup_prompt: &'static str,
    /// Text `lookup_title`.
    pub lookup_title: &'static str,
    /// Text `low_quality`.
    pub low_quality: &'static str,
    /// Text `max_attempts`.
    pub max_attempts: &'static str,
    /// Text `movements_receipts`.
    pub movements_receipts: &'static str,
    /// Text `name`.
    pub name: &'static str,
    /// Text `need_reason`.
    pub need_reason: &'static str,
    /// Text `never_synced`.
    pub never_synced: &'static str,
    /// Text `next_field`.
    pub next_field: &'static str,
    /// Text `no`.
    pub no: &'static str,
    /// Text `no_consent`.
    pub no_consent: &'static str,
    /// Text `no_drafts`.
    pub no_drafts: &'static str,
    /// Text `no_dups`.
    pub no_dups: &'static str,
    /// Text `no_results`.
    pub no_results: &'static str,
    /// Text `not_configured`.
    pub not_configured: &'static str,
    /// Text `not_connected`.
    pub not_connected: &'static str,
    /// Text `not_logged_in`.
    pub not_logged_in: &'static str,
    /// Text `note`.
    pub note: &'static str,
    /// Text `notice_text`.
    pub notice_text: &'static str,
    /// Text `notice_title`.
    pub notice_title: &'static str,
    /// Text `notice_version`.
    pub notice_version: &'static str,
    /// Text `office`.
    pub office: &'static str,
    /// Text `officer`.
    pub officer: &'static str,
    /// Text `only_supervisors`.
    pub only_supervisors: &'static str,
    /// Text `other_finger`.
    pub other_finger: &'static str,
    /// Text `overdue`.
    pub overdue: &'static str,
    /// Text `not_notified` (a pending person with no restriction notice: no clock runs).
    pub not_notified: &'static str,
    /// Text `own_capture`.
    pub own_capture: &'static str,
    /// Text `passphrase`.
    pub passphrase: &'static str,
    /// Text `peers`.
    pub peers: &'static str,
    /// Text `pending_capture`.
    pub pending_capture: &'static str,
    /// Text `people`.
    pub people: &'static str,
    /// Text `person_title`.
    pub person_title: &'static str,
    /// Text `photo`.
    pub photo: &'static str,
    /// Text `place_finger`.
    pub place_finger: &'static str,
    /// Text `possible_dups`.
    pub possible_dups: &'static str,
    /// Text `progress`.
    pub progress: &'static str,
    /// Text `quality`.
    pub quality: &'static str,
    /// Text `quality_short`.
    pub quality_short: &'static str,
    /// Text `queue_empty`.
    pub queue_empty: &'static str,
    /// Text `queue_title`.
    pub queue_title: &'static str,
    /// Text `reading`.
    pub reading: &'static str,
    /// Text `reason`.
    pub reason: &'static str,
    /// Text `reauth`.
    pub reauth: &'static str,
    /// Text `recapture`.
    pub recapture: &'static str,
    /// Text `receipt`.
    pub receipt: &'static str,
    /// Text `reject`.
    pub reject: &'static str,
    /// Text `results`.
    pub results: &'static str,
    /// Text `resuming`.
    pub resuming: &'static str,
    /// Text `retake`.
    pub retake: &'static str,
    /// Text `retry`.
    pub retry: &'static str,
    /// Text `review_title`.
    pub review_title: &'static str,
    /// Text `save`.
    pub save: &'static str,
    /// Text `scanner`.
    pub scanner: &'static str,
    /// Text `score`.
    pub score: &'static str,
    /// Text `searching_dups`.
    pub searching_dups: &'static str,
    /// Text `sex`.
    pub sex: &'static str,
    /// Text `sign`.
    pub sign: &'static str,
    /// Text `st_aprobado`.
    pub st_aprobado: &'static str,
    /// Text `st_capturado`.
    pub st_capturado: &'static str,
    /// Text `st_pendiente`.
    pub st_pendiente: &'static str,
    /// Text `st_rechazado`.
    pub st_rechazado: &'static str,
    /// Text `st_registrado`.
    pub st_registrado: &'static str,
    /// Text `st_restringido`.
    pub st_restringido: &'static str,
    /// Text `state`.
    pub state: &'static str,
    /// Text `status`.
    pub status: &'static str,
    /// Text `step_consent`.
    pub step_consent: &'static str,
    /// Text `step_done`.
    pub step_done: &'static str,
    /// Text `step_duplicates`.
    pub step_duplicates: &'static str,
    /// Text `step_face`.
    pub step_face: &'static str,
    /// Text `step_fingers`.
    pub step_fingers: &'static str,
    /// Text `step_identity`.
    pub step_identity: &'static str,
    /// Text `submit`.
    pub submit: &'static str,
    /// Text `submitted`.
    pub submitted: &'static str,
    /// Text `submitted_at`.
    pub submitted_at: &'static str,
    /// Text `sync_title`.
    pub sync_title: &'static str,
    /// Text `synced_at`.
    pub synced_at: &'static str,
    /// Text `taking_photo`.
    pub taking_photo: &'static str,
    /// Text `threshold`.
    pub threshold: &'static str,
    /// Text `to_continue`.
    pub to_continue: &'static str,
    /// Text `to_enroll`.
    pub to_enroll: &'static str,
    /// Text `to_lookup`.
    pub to_lookup: &'static str,
    /// Text `to_resume`.
    pub to_resume: &'static str,
    /// Text `to_review`.
    pub to_review: &'static str,
    /// Text `to_sync`.
    pub to_sync: &'static str,
    /// Text `todays_work`.
    pub todays_work: &'static str,
    /// Text `unusable`.
    pub unusable: &'static str,
    /// Text `user`.
    pub user: &'static str,
    /// Text `waiting_approval`.
    pub waiting_approval: &'static str,
    /// Text `waiting_finger`.
    pub waiting_finger: &'static str,
    /// Text `yes`.
    pub yes: &'static str,
    /// Text `sync_running`.
    pub sync_running: &'static str,
    /// Text `sync_start_hint`.
    pub sync_start_hint: &'static str,
    /// Text `sync_prepared`.
    pub sync_prepared: &'static str,
    /// Text `sync_records`.
    pub sync_records: &'static str,
    /// Text `sync_blobs`.
    pub sync_blobs: &'static str,
    /// Text `sync_received`.
    pub sync_received: &'static str,
    /// Text `sync_sent`.
    pub sync_sent: &'static str,
    /// Text `sync_waiting`.
    pub sync_waiting: &'static str,
    /// Text `sync_retrying`.
    pub sync_retrying: &'static str,
    /// Text `sync_up_to_date`.
    pub sync_up_to_date: &'static str,
    /// Text `sync_diverged`.
    pub sync_diverged: &'static str,
    /// Text `sync_done`.
    pub sync_done: &'static str,
    /// Text `sync_damaged`.
    pub sync_damaged: &'static str,
    /// Text `sync_failed`.
    pub sync_failed: &'static str,
    /// Text `sync_busy`.
    pub sync_busy: &'static str,
    /// Text `sync_config_error`.
    pub sync_config_error: &'static str,
    /// Text `conflict_list`.
    pub conflict_list: &'static str,
    /// Text `reauth_finger`.
    pub reauth_finger: &'static str,
    /// Text `proof_not_enrolled`.
    pub proof_not_enrolled: &'static str,
    /// Text `proof_no_scanner`.
    pub proof_no_scanner: &'static str,
    /// Text `proof_matched`.
    pub proof_matched: &'static str,
    /// Text `proof_not_matched`.
    pub proof_not_matched: &'static str,
    /// Text `proof_score`.
    pub proof_score: &'static str,
    /// Text `proof_title`.
    pub proof_title: &'static str,
    /// Text `proof_place`.
    pub proof_place: &'static str,
    /// Text `proof_checking`.
    pub proof_checking: &'static str,
    /// Text `proof_to_verify`.
    pub proof_to_verify: &'static str,
    /// Text `proof_yes`.
    pub proof_yes: &'static str,
    /// Text `proof_no`.
    pub proof_no: &'static str,
    /// Text `wait_for_read`.
    pub wait_for_read: &'static str,
    /// Text `recaptures`.
    pub recaptures: &'static str,
    /// Text `recapture_all`.
    pub recapture_all: &'static str,
    /// Text `oldest`.
    pub oldest: &'static str,
    /// Text `recapture_finger`.
    pub recapture_finger: &'static str,
    /// Text `to_reopen`.
    pub to_reopen: &'static str,
    /// Text `busy`.
    pub busy: &'static str,
    /// Text `recapture_requested`.
    pub recapture_requested: &'static str,
    /// Text `central_registered` (a verified central registration).
    pub central_registered: &'static str,
    /// Text `central_review` (a national duplicate case is open).
    pub central_review: &'static str,
    /// Text `central_duplicate` (the central supervisor decided: duplicate).
    pub central_duplicate: &'static str,
    /// Text `central_unverified` (a central verdict this station does not accept).
    pub central_unverified: &'static str,
    /// Text `self_test`.
    pub self_test: &'static str,
    /// Text `self_test_running`.
    pub self_test_running: &'static str,
    /// Text `self_test_passed`.
    pub self_test_passed: &'static str,
    /// Text `self_test_failed`.
    pub self_test_failed: &'static str,
    /// Text `self_test_poor_image`.
    pub self_test_poor_image: &'static str,
    /// Text `self_test_unreadable_photo`.
    pub self_test_unreadable_photo: &'static str,
    /// Text `self_test_exposure`.
    pub self_test_exposure: &'static str,
}

impl Lang {
    /// Why a device failed its shift-start self-test.
    pub fn self_test_fault(self, f: crate::console::msg::SelfTestFault) -> &'static str {
        use crate::console::msg::{DeviceProblem, SelfTestFault};
        let s = self.strings();
        match f {
            SelfTestFault::Device(k) => self.device_problem(DeviceProblem::Device(k)),
            SelfTestFault::PoorImage => s.self_test_poor_image,
            SelfTestFault::UnreadablePhoto => s.self_test_unreadable_photo,
            SelfTestFault::Exposure => s.self_test_exposure,
        }
    }
}
