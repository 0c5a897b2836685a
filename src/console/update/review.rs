//! Transitions of the supervisor queue and the review of one capture.

use huella_keys::Passphrase;
use huella_sync::Decision;

use super::{back, go, set_toast};
use crate::console::action::Action;
use crate::console::msg::{DeskCmd, DeskEvent, DeviceCmd, DeviceEvent, Effect};
use crate::console::state::{App, DecisionPrompt, ReviewState, Screen, SecretInput, Tone};
use crate::workflows::enroll::officer_finger::{OFFICER_FINGER, officer_subject};

pub(super) fn queue_action(app: &mut App, action: Action) -> Vec<Effect> {
    let len = app.queue.as_ref().map_or(0, Vec::len);
    match action {
        Action::Up => app.queue_selected = app.queue_selected.saturating_sub(1),
        Action::Down if app.queue_selected + 1 < len => app.queue_selected += 1,
        Action::Refresh => return vec![Effect::Desk(DeskCmd::Queue)],
        Action::Confirm => {
            if let Some(item) = app.queue.as_ref().and_then(|q| q.get(app.queue_selected)) {
                return vec![Effect::Desk(DeskCmd::Review(item.id))];
            }
        }
        Action::Back => return back(app),
        _ => {}
    }
    Vec::new()
}

pub(super) fn type_char(app: &mut App, c: char) {
    if let Some(p) = app.review.as_mut().and_then(|r| r.prompt.as_mut()) {
        if p.on_pass {
            p.pass.push(c);
        } else if p.reason.chars().count() < 200 {
            p.reason.push(c);
        }
    }
}

pub(super) fn backspace(app: &mut App) {
    if let Some(p) = app.review.as_mut().and_then(|r| r.prompt.as_mut()) {
        if p.on_pass {
            p.pass.pop();
        } else {
            p.reason.pop();
        }
    }
}

pub(super) fn action(app: &mut App, action: Action) -> Vec<Effect> {
    let s = app.s();
    let Some(r) = app.review.as_mut() else {
        return back(app);
    };
    if let Some(p) = r.prompt.as_mut() {
        match action {
            Action::Back if p.finger.is_some() => {
                r.prompt = None;
                return vec![Effect::Device(DeviceCmd::Cancel)];
            }
            Action::Back => r.prompt = None,
            Action::NextField | Action::Up | Action::Down => p.on_pass = !p.on_pass,
            Action::Confirm if !p.busy => {
                if p.decision != Decision::Aprobar && p.reason.trim().is_empty() {
                    p.on_pass = false;
                    set_toast(app, Tone::Error, s.need_reason);
                    return Vec::new();
                }
                if p.pass.is_empty() {
                    p.on_pass = true;
                    return Vec::new();
                }
                p.busy = true;
                if app.devices.scanner.is_some() {
                    // The passphrase stays in the (zeroizing) field until the finger arrives.
                    p.finger = Some((0, 0));
                    let user = app.user.as_ref().map_or("", |u| u.user.as_str());
                    return vec![Effect::Device(DeviceCmd::Finger {
                        position: OFFICER_FINGER,
                        subject: officer_subject(user),
                    })];
                }
                return vec![decide(r.review.id, p, None)];
            }
            _ => {}
        }
        return Vec::new();
    }
    let decision = match action {
        Action::Left => {
            r.finger = (r.finger + 9) % 10;
            None
        }
        Action::Right => {
            r.finger = (r.finger + 1) % 10;
            None
        }
        Action::Approve => Some(Decision::Aprobar),
        Action::Reject => Some(Decision::Rechazar),
        Action::Recapture => Some(Decision::Recapturar),
        Action::Back => return back(app),
        _ => None,
    };
    if let Some(decision) = decision {
        if r.own {
            set_toast(app, Tone::Error, s.own_capture);
        } else {
            r.prompt = Some(DecisionPrompt {
                decision,
                reason: String::new(),
                pass: SecretInput::new(),
                on_pass: decision == Decision::Aprobar,
                busy: false,
                finger: None,
            });
        }
    }
    Vec::new()
}

/// The signed-decision command; wipes the typed passphrase.
fn decide(
    id: huella_sync::RecordId,
    p: &mut DecisionPrompt,
    finger: Option<huella_devices::FingerImage>,
) -> Effect {
    let pass = Passphrase::new(p.pass.as_str());
    p.pass.clear();
    p.finger = None;
    Effect::Desk(DeskCmd::Decide {
        id,
        decision: p.decision,
        reason: p.reason.clone(),
        pass,
        finger,
    })
}

/// Scanner events while a decision waits for the supervisor's finger.
pub(super) fn on_device(app: &mut App, ev: DeviceEvent) -> Vec<Effect> {
    let Some(r) = app.review.as_mut() else {
        return Vec::new();
    };
    let id = r.review.id;
    let Some(p) = r.prompt.as_mut().filter(|p| p.finger.is_some()) else {
        return Vec::new();
    };
    match ev {
        DeviceEvent::Progress(done, total) => p.finger = Some((done, total)),
        DeviceEvent::Image(img) => return vec![decide(id, p, Some(img))],
        DeviceEvent::Failed(e) => {
            p.finger = None;
            p.busy = false;
            p.pass.clear();
            p.on_pass = true;
            set_toast(app, Tone::Error, e);
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn on_desk(app: &mut App, ev: DeskEvent) -> Vec<Effect> {
    let s = app.s();
    match ev {
        DeskEvent::Queue(Ok(items)) => {
            app.queue_selected = app.queue_selected.min(items.len().saturating_sub(1));
            app.queue = Some(items);
        }
        DeskEvent::Queue(Err(e)) => {
            app.queue = Some(Vec::new());
            set_toast(app, Tone::Error, e);
        }
        DeskEvent::Review(Ok(review)) => {
            let me = app
                .user
                .as_ref()
                .map(|u| u.user.clone())
                .unwrap_or_default();
            let own = review.officers.contains(&me);
            app.review = Some(ReviewState {
                review: *review,
                finger: 0,
                prompt: None,
                own,
            });
            go(app, Screen::Review);
        }
        DeskEvent::Review(Err(e)) => set_toast(app, Tone::Error, e),
        DeskEvent::Decided(Ok(d)) => {
            let text = match d {
                Decision::Aprobar => s.decided_approved,
                Decision::Rechazar => s.decided_rejected,
                Decision::Recapturar => s.decided_recapture,
            };
            app.review = None;
            let fx = back(app);
            set_toast(app, Tone::Ok, text);
            let mut fx = fx;
            fx.push(Effect::Desk(DeskCmd::Queue));
            return fx;
        }
        DeskEvent::Decided(Err(e)) => {
            if let Some(p) = app.review.as_mut().and_then(|r| r.prompt.as_mut()) {
                p.busy = false;
            }
            set_toast(app, Tone::Error, e);
        }
        _ => {}
    }
    Vec::new()
}
