//! Person view transitions: enrolling, and supervivencia (proof of life) — a live finger
//! from the scanner verified 1:1 against the person's enrolled print by the desk worker.

use super::enroll::subject_of;
use super::{back, set_toast};
use crate::console::action::Action;
use crate::console::msg::{DeskCmd, DeskError, DeviceCmd, DeviceEvent, Effect, ProofOfLife};
use crate::console::state::{App, PersonFile, ProofPhase, Tone};

fn id_of(p: &PersonFile) -> Option<crate::workflows::types::RecordId> {
    crate::workflows::types::RecordId::parse(&p.summary.id)
}

/// Keys on the person view.
pub fn action(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        // A rejected person is reopened for a new enrollment round; anyone else resumes.
        Action::Enroll => match app.person.as_ref().and_then(|p| Some((id_of(p)?, p))) {
            Some((id, p)) if p.summary.estado_biometrico == "rechazado" => {
                vec![Effect::Desk(DeskCmd::Reopen(id))]
            }
            Some((id, _)) => vec![Effect::Desk(DeskCmd::StartEnroll(id))],
            None => Vec::new(),
        },
        Action::Verify => start_proof(app),
        Action::Arco => {
            let curp = app.person.as_ref().map(|p| p.summary.curp.clone());
            super::arco::open(app, curp)
        }
        Action::Lookup | Action::Back if app.proof.is_some() => {
            app.proof = None;
            vec![Effect::Device(DeviceCmd::Cancel)]
        }
        Action::Lookup | Action::Back => back(app),
        _ => Vec::new(),
    }
}

fn start_proof(app: &mut App) -> Vec<Effect> {
    let s = app.s();
    if app.proof.is_some() {
        return Vec::new();
    }
    let Some((position, subject)) = app
        .person
        .as_ref()
        .map(|p| (p.proof_finger, subject_of(&p.summary.curp)))
    else {
        return Vec::new();
    };
    let Some(position) = position else {
        set_toast(app, Tone::Error, s.proof_not_enrolled);
        return Vec::new();
    };
    if app.devices.scanner.is_none() {
        set_toast(app, Tone::Error, s.proof_no_scanner);
        return Vec::new();
    }
    app.proof = Some(ProofPhase::Capturing(0, 0));
    app.toast = None;
    vec![Effect::Device(DeviceCmd::Finger { position, subject })]
}

/// Scanner events during a proof of life.
pub fn on_device(app: &mut App, ev: DeviceEvent) -> Vec<Effect> {
    if app.proof.is_none() {
        return Vec::new();
    }
    match ev {
        DeviceEvent::Progress(d, t) => app.proof = Some(ProofPhase::Capturing(d, t)),
        DeviceEvent::Image(image) => {
            let Some((id, position)) = app
                .person
                .as_ref()
                .and_then(|p| Some((id_of(p)?, p.proof_finger?)))
            else {
                app.proof = None;
                return Vec::new();
            };
            app.proof = Some(ProofPhase::Checking);
            return vec![Effect::Desk(DeskCmd::ProveLife {
                id,
                position,
                image,
            })];
        }
        DeviceEvent::Failed(e) => {
            app.proof = None;
            let text = app.lang.device_problem(e);
            set_toast(app, Tone::Error, text);
        }
        _ => {}
    }
    Vec::new()
}

/// The desk's answer to a proof of life.
pub fn on_proved(app: &mut App, r: Result<ProofOfLife, DeskError>) {
    app.proof = None;
    let s = app.s();
    match r {
        Ok(ProofOfLife {
            matched,
            score,
            file,
        }) => {
            app.person = Some(*file);
            let (tone, text) = if matched {
                (Tone::Ok, s.proof_matched)
            } else {
                (Tone::Error, s.proof_not_matched)
            };
            set_toast(app, tone, format!("{text} ({} {score})", s.proof_score));
        }
        Err(e) => {
            let text = app.lang.desk_error(&e);
            set_toast(app, Tone::Error, text);
        }
    }
}
