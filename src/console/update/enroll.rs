//! Transitions of the enrollment wizard.

use huella_sync::{FingerException, FingerPosition};

use super::{back, go, go_home, set_toast};
use crate::console::action::Action;
use crate::console::msg::{DeskCmd, DeskEvent, DeviceCmd, DeviceEvent, Effect};
use crate::console::state::{
    App, EnrollState, EnrollStep, ExceptionPrompt, Phase, Screen, Slot, Tone,
};
use crate::workflows::enroll::{Draft, MAX_ATTEMPTS, QUALITY_THRESHOLD, Thumb};

/// A stable number for a person, used by simulated devices to show "their" finger and face.
pub fn subject_of(curp: &str) -> u64 {
    curp.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    }) % 1_000_000
}

fn position(i: usize) -> FingerPosition {
    FingerPosition::ALL[i.min(9)]
}

fn capture(e: &mut EnrollState) -> Vec<Effect> {
    e.phase = Phase::Waiting;
    e.last_quality = None;
    vec![Effect::Device(DeviceCmd::Finger {
        position: position(e.current),
        subject: subject_of(&e.curp),
    })]
}

fn photo(e: &mut EnrollState) -> Vec<Effect> {
    e.phase = Phase::Waiting;
    e.face = None;
    e.photo = None;
    vec![Effect::Device(DeviceCmd::Photo {
        subject: subject_of(&e.curp),
    })]
}

/// Moves to the first finger not done, or to the photo.
fn advance(e: &mut EnrollState) -> Vec<Effect> {
    match e.fingers.iter().position(|s| !s.done) {
        Some(i) => {
            e.current = i;
            e.step = EnrollStep::Fingers;
            capture(e)
        }
        None if e.face_saved => duplicates(e),
        None => {
            e.step = EnrollStep::Face;
            photo(e)
        }
    }
}

fn duplicates(e: &mut EnrollState) -> Vec<Effect> {
    e.step = EnrollStep::Duplicates;
    e.phase = Phase::Idle;
    e.duplicates = None;
    vec![Effect::Desk(DeskCmd::Duplicates(e.id))]
}

fn state_of(d: &Draft) -> EnrollState {
    let mut fingers = [Slot::default(); 10];
    for (slot, c) in fingers.iter_mut().zip(&d.fingers) {
        if let Some(c) = c {
            *slot = Slot {
                quality: c.exception.is_none().then_some(c.quality),
                attempts: c.attempts,
                exception: c.exception.as_ref().map(|(k, _)| *k),
                // A saved best-so-far below the threshold was not necessarily accepted
                // before the interruption: the officer recaptures or accepts it again.
                done: c.exception.is_some() || c.quality >= QUALITY_THRESHOLD,
            };
        }
    }
    EnrollState {
        id: d.id,
        name: d.identity.nombre_completo(),
        curp: d.identity.curp.clone(),
        nss: d.identity.nss.clone(),
        birth: d.identity.fecha_nacimiento.clone(),
        step: EnrollStep::Identity,
        current: fingers.iter().position(|s| !s.done).unwrap_or(0),
        fingers,
        phase: Phase::Idle,
        last_image: None,
        last_quality: None,
        exception: None,
        face: None,
        photo: None,
        face_saved: d.face.is_some(),
        duplicates: None,
        folio: None,
    }
}

pub(super) fn type_char(app: &mut App, c: char) {
    let Some(p) = app.enroll.as_mut().and_then(|e| e.exception.as_mut()) else {
        return;
    };
    if p.kind.is_none() {
        p.kind = match c {
            '1' => Some(FingerException::Amputado),
            '2' => Some(FingerException::Lesionado),
            '3' => Some(FingerException::Ilegible),
            _ => None,
        };
    } else if p.note.chars().count() < 120 {
        p.note.push(c);
    }
}

pub(super) fn backspace(app: &mut App) {
    if let Some(p) = app.enroll.as_mut().and_then(|e| e.exception.as_mut())
        && p.note.pop().is_none()
    {
        p.kind = None;
    }
}

fn busy(e: &EnrollState) -> bool {
    matches!(
        e.phase,
        Phase::Waiting | Phase::Reading(..) | Phase::Evaluating
    )
}

pub(super) fn action(app: &mut App, action: Action) -> Vec<Effect> {
    let s = app.s();
    let Some(e) = app.enroll.as_mut() else {
        return go_home(app);
    };
    if let Some(p) = e.exception.as_mut() {
        return match action {
            Action::Back => {
                e.exception = None;
                capture(e)
            }
            Action::Confirm => match p.kind {
                Some(kind) => {
                    let note = p.note.clone();
                    e.exception = None;
                    e.phase = Phase::Evaluating;
                    vec![Effect::Desk(DeskCmd::Exception {
                        id: e.id,
                        position: position(e.current),
                        kind,
                        note,
                        attempts: e.fingers[e.current].attempts,
                    })]
                }
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
    }
    match (e.step, action) {
        (EnrollStep::Done, Action::Confirm | Action::Back) => {
            app.enroll = None;
            go_home(app)
        }
        (_, Action::Back) => {
            let mut fx = vec![Effect::Device(DeviceCmd::Cancel)];
            app.enroll = None;
            set_toast(app, Tone::Info, s.draft_kept);
            fx.extend(back(app));
            fx
        }
        (EnrollStep::Identity, Action::Confirm) => {
            if e.fingers.iter().any(|f| f.done) || e.face_saved {
                advance(e)
            } else {
                e.step = EnrollStep::Consent;
                Vec::new()
            }
        }
        (EnrollStep::Consent, Action::Confirm) => {
            e.phase = Phase::Evaluating;
            vec![Effect::Desk(DeskCmd::Consent(e.id))]
        }
        (EnrollStep::Consent, Action::Decline) => {
            app.enroll = None;
            set_toast(app, Tone::Error, s.no_consent);
            back(app)
        }
        (EnrollStep::Fingers, Action::Retry) if !busy(e) => capture(e),
        (EnrollStep::Fingers, Action::AcceptBest) if !busy(e) => {
            let slot = &mut e.fingers[e.current];
            if slot.quality.is_some() {
                slot.done = true;
                advance(e)
            } else {
                Vec::new()
            }
        }
        (EnrollStep::Fingers, Action::Exception) => {
            e.exception = Some(ExceptionPrompt {
                kind: None,
                note: String::new(),
            });
            e.phase = Phase::Idle;
            vec![Effect::Device(DeviceCmd::Cancel)]
        }
        (EnrollStep::Fingers, Action::Left | Action::Right) => {
            let n = if action == Action::Left { 9 } else { 1 };
            e.current = (e.current + n) % 10;
            let mut fx = vec![Effect::Device(DeviceCmd::Cancel)];
            fx.extend(capture(e));
            fx
        }
        (EnrollStep::Face, Action::Retry) if !busy(e) => photo(e),
        (EnrollStep::Face, Action::Confirm) => match (&e.face, &e.photo) {
            (Some(check), Some(jpeg)) if check.passed() => {
                e.phase = Phase::Evaluating;
                vec![Effect::Desk(DeskCmd::SaveFace {
                    id: e.id,
                    jpeg: jpeg.clone(),
                    check: check.clone(),
                })]
            }
            (Some(_), _) => {
                set_toast(app, Tone::Error, s.face_failed);
                Vec::new()
            }
            _ => Vec::new(),
        },
        (EnrollStep::Duplicates, Action::Confirm) => match &e.duplicates {
            Some(d) => {
                e.phase = Phase::Evaluating;
                vec![Effect::Desk(DeskCmd::Submit {
                    id: e.id,
                    hits: d.iter().map(|h| h.id).collect(),
                })]
            }
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

pub(super) fn on_device(app: &mut App, ev: DeviceEvent) -> Vec<Effect> {
    let Some(e) = app.enroll.as_mut().filter(|_| app.screen == Screen::Enroll) else {
        return Vec::new();
    };
    if e.exception.is_some() {
        return Vec::new();
    }
    match ev {
        DeviceEvent::FingerDetected => e.phase = Phase::Reading(0, 1),
        DeviceEvent::Progress(d, t) => e.phase = Phase::Reading(d, t),
        DeviceEvent::Image(img) if e.step == EnrollStep::Fingers => {
            e.phase = Phase::Evaluating;
            e.last_image = Some(Thumb::fit(
                &img.pixels,
                usize::from(img.width),
                usize::from(img.height),
                64,
                72,
            ));
            let slot = &mut e.fingers[e.current];
            slot.attempts = slot.attempts.saturating_add(1);
            return vec![Effect::Desk(DeskCmd::Attempt {
                id: e.id,
                position: position(e.current),
                image: img,
                attempts: slot.attempts,
            })];
        }
        DeviceEvent::Photo(jpeg) if e.step == EnrollStep::Face => {
            e.phase = Phase::Evaluating;
            e.photo = Some(jpeg.clone());
            return vec![Effect::Desk(DeskCmd::CheckFace(jpeg))];
        }
        DeviceEvent::Failed(msg) => {
            app.devices.problem = Some(msg.clone());
            e.phase = Phase::Failed(msg);
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn on_desk(app: &mut App, ev: DeskEvent) -> Vec<Effect> {
    let s = app.s();
    if let DeskEvent::Draft(r) = ev {
        return match r {
            Ok(d) => {
                app.enroll = Some(state_of(&d));
                go(app, Screen::Enroll);
                Vec::new()
            }
            Err(msg) => {
                set_toast(app, Tone::Error, msg);
                Vec::new()
            }
        };
    }
    let Some(e) = app.enroll.as_mut() else {
        return Vec::new();
    };
    let err = match ev {
        DeskEvent::Consented(Ok(())) => {
            e.phase = Phase::Idle;
            return advance(e);
        }
        DeskEvent::Attempted(Ok(out)) => {
            let slot = &mut e.fingers[e.current];
            slot.quality = out.best.as_ref().map(|b| b.quality);
            e.last_quality = Some(out.quality.map_err(str::to_owned));
            if out.quality.is_ok_and(|q| q >= QUALITY_THRESHOLD) {
                slot.done = true;
                return advance(e);
            }
            e.phase = Phase::Low;
            if slot.attempts >= MAX_ATTEMPTS {
                set_toast(app, Tone::Info, s.max_attempts);
            }
            return Vec::new();
        }
        DeskEvent::ExceptionSaved(Ok((p, kind))) => {
            let i = usize::from(p.code()) - 1;
            if let Some(slot) = e.fingers.get_mut(i) {
                slot.done = true;
                slot.quality = None;
                slot.exception = Some(kind);
            }
            return advance(e);
        }
        DeskEvent::FaceChecked(check) => {
            e.phase = Phase::Idle;
            e.face = Some(check);
            return Vec::new();
        }
        DeskEvent::FaceSaved(Ok(())) => {
            e.face_saved = true;
            return duplicates(e);
        }
        DeskEvent::Duplicates(Ok(rows)) => {
            e.phase = Phase::Idle;
            e.duplicates = Some(rows);
            return Vec::new();
        }
        DeskEvent::Submitted(Ok(folio)) => {
            e.phase = Phase::Idle;
            e.step = EnrollStep::Done;
            e.folio = Some(folio);
            return Vec::new();
        }
        DeskEvent::Consented(Err(m))
        | DeskEvent::Attempted(Err(m))
        | DeskEvent::ExceptionSaved(Err(m))
        | DeskEvent::FaceSaved(Err(m))
        | DeskEvent::Duplicates(Err(m))
        | DeskEvent::Submitted(Err(m)) => m,
        _ => return Vec::new(),
    };
    e.phase = Phase::Failed(err.clone());
    set_toast(app, Tone::Error, err);
    Vec::new()
}

#[cfg(test)]
mod tests {
    use huella_sync::{FingerCapture, FingerException, FingerPosition, Identity, RecordId};

    use super::state_of;
    use crate::workflows::enroll::{Draft, QUALITY_THRESHOLD};

    fn capture(p: FingerPosition, quality: u8, exception: bool) -> FingerCapture {
        FingerCapture {
            position: p,
            quality,
            attempts: 3,
            template: None,
            image: None,
            exception: exception.then(|| (FingerException::Amputado, "motivo".into())),
            captured_at: String::new(),
            officer: "oficial".into(),
        }
    }

    #[test]
    fn a_resumed_draft_reopens_a_best_below_the_threshold() {
        let mut d = Draft {
            id: RecordId([1; 16]),
            identity: Identity::default(),
            consent: None,
            fingers: Default::default(),
            face: None,
        };
        let [p0, p1, p2, ..] = FingerPosition::ALL;
        d.fingers[0] = Some(capture(p0, QUALITY_THRESHOLD, false));
        d.fingers[1] = Some(capture(p1, QUALITY_THRESHOLD - 1, false));
        d.fingers[2] = Some(capture(p2, 0, true));
        let e = state_of(&d);
        assert!(e.fingers[0].done);
        assert!(
            !e.fingers[1].done,
            "below the threshold: not done after resume"
        );
        assert_eq!(e.fingers[1].quality, Some(QUALITY_THRESHOLD - 1));
        assert!(e.fingers[2].done, "an exception is done");
        assert_eq!(e.current, 1);
    }
}
