//! ARCO screen transitions: the open requests by deadline, and filing one for the person whose
//! file was open (right with ←/→, requester and identification typed, Enter files it).

use super::{go, set_toast};
use crate::console::action::Action;
use crate::console::msg::{DeskCmd, DeskEvent, Effect};
use crate::console::state::{App, ArcoField, ArcoForm, Screen, Tone};
use crate::workflows::types::ArcoRight;

/// Opens the ARCO screen; with a CURP, with the filing form for that person.
pub fn open(app: &mut App, curp: Option<String>) -> Vec<Effect> {
    go(app, Screen::Arco);
    app.arco.requests = None;
    app.arco.selected = 0;
    app.arco.form = curp.map(|curp| ArcoForm {
        curp,
        ..ArcoForm::default()
    });
    vec![Effect::Desk(DeskCmd::ArcoList)]
}

/// Keys on the ARCO screen.
pub fn action(app: &mut App, action: Action) -> Vec<Effect> {
    let count = app.arco.requests.as_ref().map_or(0, Vec::len);
    match (action, app.arco.form.as_mut()) {
        (Action::Refresh, _) => return vec![Effect::Desk(DeskCmd::ArcoList)],
        (Action::Back, _) => return super::back(app),
        (Action::Left, Some(f)) => f.right = (f.right + ArcoRight::ALL.len() - 1) % 4,
        (Action::Right, Some(f)) => f.right = (f.right + 1) % ArcoRight::ALL.len(),
        (Action::NextField, Some(f)) => {
            f.focus = match f.focus {
                ArcoField::Requester => ArcoField::Identification,
                ArcoField::Identification => ArcoField::Requester,
            }
        }
        (Action::Confirm, Some(f)) if !f.busy => {
            if f.identification.trim().is_empty() {
                f.focus = ArcoField::Identification;
                let t = app.lang.arco().identification;
                set_toast(app, Tone::Error, format!("{t}?"));
                return Vec::new();
            }
            f.busy = true;
            return vec![Effect::Desk(DeskCmd::ArcoFile {
                curp: f.curp.clone(),
                right: ArcoRight::ALL[f.right % ArcoRight::ALL.len()],
                requester: f.requester.trim().to_owned(),
                identification: f.identification.trim().to_owned(),
            })];
        }
        (Action::Up, _) => app.arco.selected = app.arco.selected.saturating_sub(1),
        (Action::Down, _) if app.arco.selected + 1 < count => app.arco.selected += 1,
        _ => {}
    }
    Vec::new()
}

/// Types into the form's field with the cursor.
pub fn type_char(app: &mut App, c: char) {
    if let Some(f) = app.arco.form.as_mut() {
        let field = match f.focus {
            ArcoField::Requester => &mut f.requester,
            ArcoField::Identification => &mut f.identification,
        };
        // Bounded: a requester's name or a document number, never a paste of a file.
        if field.chars().count() < 80 {
            field.push(c);
        }
    }
}

/// Deletes in the form's field with the cursor.
pub fn backspace(app: &mut App) {
    if let Some(f) = app.arco.form.as_mut() {
        match f.focus {
            ArcoField::Requester => f.requester.pop(),
            ArcoField::Identification => f.identification.pop(),
        };
    }
}

/// Desk results for the ARCO screen.
pub fn on_desk(app: &mut App, ev: DeskEvent) -> Vec<Effect> {
    match ev {
        DeskEvent::ArcoList(Ok(items)) => {
            app.arco.selected = app.arco.selected.min(items.len().saturating_sub(1));
            app.arco.requests = Some(items);
        }
        DeskEvent::ArcoFiled(Ok(req)) => {
            app.arco.form = None;
            let w = app.lang.arco();
            set_toast(
                app,
                Tone::Ok,
                format!("{} {} · {} {}", w.filed, req.folio, w.due, req.deadline),
            );
            return vec![Effect::Desk(DeskCmd::ArcoList)];
        }
        DeskEvent::ArcoList(Err(e)) | DeskEvent::ArcoFiled(Err(e)) => {
            if let Some(f) = app.arco.form.as_mut() {
                f.busy = false;
            }
            if app.arco.requests.is_none() {
                app.arco.requests = Some(Vec::new());
            }
            let text = app.lang.desk_error(&e);
            set_toast(app, Tone::Error, text);
        }
        _ => {}
    }
    Vec::new()
}
