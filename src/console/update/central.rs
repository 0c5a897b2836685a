//! Central cases screen transitions (the central node): the open national duplicate cases,
//! choosing one, and deciding it — `a` distinct people (register), `r` the same person
//! (duplicate) — with a reason and the passphrase typed again, signed by the desk's workflow.

use super::{go, set_toast};
use crate::console::action::Action;
use crate::console::msg::{DeskCmd, DeskEvent, Effect};
use crate::console::state::{App, CasePrompt, Screen, SecretInput, Tone};
use crate::workflows::central::cases::CaseDecision;
use crate::workflows::types::{BiometricStatus, Passphrase};

/// Opens the screen (supervisors and administrators only).
pub fn open(app: &mut App) -> Vec<Effect> {
    if !app.user.as_ref().is_some_and(|u| u.role.can_supervise()) {
        let t = app.lang.central().only_supervisors;
        set_toast(app, Tone::Error, t);
        return Vec::new();
    }
    go(app, Screen::Central);
    app.central.cases = None;
    app.central.selected = 0;
    app.central.prompt = None;
    vec![Effect::Desk(DeskCmd::CentralCases)]
}

/// Keys on the screen.
pub fn action(app: &mut App, action: Action) -> Vec<Effect> {
    let count = app.central.cases.as_ref().map_or(0, Vec::len);
    if let Some(p) = app.central.prompt.as_mut() {
        match action {
            Action::Back if !p.busy => app.central.prompt = None,
            Action::NextField => p.on_pass = !p.on_pass,
            Action::Confirm if !p.busy => return submit(app),
            _ => {}
        }
        return Vec::new();
    }
    match action {
        Action::Refresh => return vec![Effect::Desk(DeskCmd::CentralCases)],
        Action::Back => return super::back(app),
        Action::Up => app.central.selected = app.central.selected.saturating_sub(1),
        Action::Down if app.central.selected + 1 < count => app.central.selected += 1,
        Action::Approve if count > 0 => prompt(app, CaseDecision::Distinct),
        Action::Reject if count > 0 => prompt(app, CaseDecision::Duplicate),
        _ => {}
    }
    Vec::new()
}

fn prompt(app: &mut App, decision: CaseDecision) {
    app.central.prompt = Some(CasePrompt {
        decision,
        reason: String::new(),
        pass: SecretInput::new(),
        on_pass: false,
        busy: false,
    });
}

fn submit(app: &mut App) -> Vec<Effect> {
    let case = app
        .central
        .cases
        .as_ref()
        .and_then(|c| c.get(app.central.selected))
        .map(|c| c.id);
    let (Some(case), Some(p)) = (case, app.central.prompt.as_mut()) else {
        return Vec::new();
    };
    if p.reason.trim().is_empty() {
        p.on_pass = false;
        let t = app.lang.central().need_reason;
        set_toast(app, Tone::Error, t);
        return Vec::new();
    }
    if p.pass.is_empty() {
        p.on_pass = true;
        return Vec::new();
    }
    p.busy = true;
    vec![Effect::Desk(DeskCmd::CentralDecide {
        case,
        decision: p.decision,
        reason: p.reason.trim().to_owned(),
        pass: Passphrase::new(p.pass.as_str()),
    })]
}

/// Types into the prompt's field with the cursor.
pub fn type_char(app: &mut App, c: char) {
    if let Some(p) = app.central.prompt.as_mut().filter(|p| !p.busy) {
        if p.on_pass {
            p.pass.push(c);
        } else if p.reason.chars().count() < 200 {
            p.reason.push(c);
        }
    }
}

/// Deletes in the prompt's field with the cursor.
pub fn backspace(app: &mut App) {
    if let Some(p) = app.central.prompt.as_mut().filter(|p| !p.busy) {
        if p.on_pass {
            p.pass.pop();
        } else {
            p.reason.pop();
        }
    }
}

/// Whether printable keys go into the prompt.
pub fn typing(app: &App) -> bool {
    app.central.prompt.is_some()
}

/// Desk results for the screen.
pub fn on_desk(app: &mut App, ev: DeskEvent) -> Vec<Effect> {
    match ev {
        DeskEvent::CentralCases(Ok(cases)) => {
            app.central.selected = app.central.selected.min(cases.len().saturating_sub(1));
            app.central.cases = Some(cases);
        }
        DeskEvent::CentralDecided(Ok(status)) => {
            app.central.prompt = None;
            let w = app.lang.central();
            let text = if status == BiometricStatus::Registrado {
                w.registered
            } else {
                w.rejected
            };
            set_toast(app, Tone::Ok, text);
            return vec![Effect::Desk(DeskCmd::CentralCases)];
        }
        DeskEvent::CentralCases(Err(e)) | DeskEvent::CentralDecided(Err(e)) => {
            if let Some(p) = app.central.prompt.as_mut() {
                p.busy = false;
                p.pass = SecretInput::new();
            }
            if app.central.cases.is_none() {
                app.central.cases = Some(Vec::new());
            }
            let text = app.lang.desk_error(&e);
            set_toast(app, Tone::Error, text);
        }
        _ => {}
    }
    Vec::new()
}
