//! State transitions: keys (through the keymap), worker events and ticks change the [`App`]
//! and return the [`Effect`]s the loop must send to workers. No I/O happens here, so every
//! transition is testable with a plain `App`.

mod arco;
mod backup;
mod central;
mod enroll;
mod person;
mod review;
mod sync;

use std::time::{Duration, Instant};

use crate::workflows::types::Passphrase;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use super::action::Action;
use super::keymap::Key;
use super::msg::{DeskCmd, DeskEvent, DeviceEvent, Effect, WorkerEvent};
use super::state::{App, LoginField, Screen, Tone};
use crate::workflows::login::LoginError;
use crate::workflows::lookup::Query;

/// Handles a key press.
pub fn on_key(app: &mut App, ev: KeyEvent) -> Vec<Effect> {
    if ev.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let key = Key::of(&ev);
    let text = text_focus(app);
    if let Some(action) = app.keymap.resolve(app.screen, key, text) {
        return on_action(app, action);
    }
    if text {
        match key.code {
            KeyCode::Char(c) if key.is_text() => type_char(app, c),
            KeyCode::Backspace => backspace(app),
            _ => {}
        }
    }
    Vec::new()
}

/// Whether printable keys go into a text field on this screen.
pub fn text_focus(app: &App) -> bool {
    match app.screen {
        Screen::Arco => !app.help && app.arco.form.is_some(),
        Screen::Central => !app.help && central::typing(app),
        Screen::Login | Screen::Lookup => !app.help,
        Screen::Enroll => app.enroll.as_ref().is_some_and(|e| e.exception.is_some()),
        Screen::Review => app.review.as_ref().is_some_and(|r| r.prompt.is_some()),
        Screen::Person => app.movement.is_some() && !app.help,
        _ => false,
    }
}

fn type_char(app: &mut App, c: char) {
    match app.screen {
        Screen::Login => match app.login.focus {
            LoginField::User => app.login.user.push(c),
            LoginField::Pass => app.login.pass.push(c),
        },
        Screen::Lookup => {
            app.lookup.query.push(c);
            app.lookup.dirty = true;
        }
        Screen::Enroll => enroll::type_char(app, c),
        Screen::Review => review::type_char(app, c),
        Screen::Person => {
            if let Some(f) = app.movement.as_mut().filter(|f| !f.busy) {
                f.type_char(c);
            }
        }
        Screen::Arco => arco::type_char(app, c),
        Screen::Central => central::type_char(app, c),
        _ => {}
    }
}

fn backspace(app: &mut App) {
    match app.screen {
        Screen::Login => {
            match app.login.focus {
                LoginField::User => app.login.user.pop(),
                LoginField::Pass => app.login.pass.pop(),
            };
        }
        Screen::Lookup => {
            app.lookup.query.pop();
            app.lookup.dirty = true;
        }
        Screen::Enroll => enroll::backspace(app),
        Screen::Review => review::backspace(app),
        Screen::Person => {
            if let Some(f) = app.movement.as_mut().filter(|f| !f.busy) {
                f.backspace();
            }
        }
        Screen::Arco => arco::backspace(app),
        Screen::Central => central::backspace(app),
        _ => {}
    }
}

/// Moves to `screen`, remembering where "back" returns.
pub fn go(app: &mut App, screen: Screen) {
    if app.screen != screen {
        app.back.push(app.screen);
        app.screen = screen;
    }
    app.toast = None;
}

/// Returns to the home screen, forgetting the trail.
pub fn go_home(app: &mut App) -> Vec<Effect> {
    app.back.clear();
    app.screen = Screen::Home;
    vec![Effect::Desk(DeskCmd::Home)]
}

fn toast(app: &mut App, tone: Tone, text: impl Into<String>) {
    app.toast = Some((tone, text.into()));
}

/// Handles an action.
pub fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    if app.help {
        if matches!(action, Action::Help | Action::Back | Action::Confirm) {
            app.help = false;
        } else if action == Action::Quit {
            app.quit = true;
        }
        return Vec::new();
    }
    match action {
        Action::Help => {
            app.help = true;
            return Vec::new();
        }
        Action::Quit => {
            app.quit = true;
            return vec![Effect::Device(super::msg::DeviceCmd::Cancel)];
        }
        Action::Logout if app.user.is_some() && app.sync.running => {
            let t = app.s().sync_busy;
            toast(app, Tone::Info, t);
            return Vec::new();
        }
        Action::Logout if app.user.is_some() => return logout(app),
        _ => {}
    }
    match app.screen {
        Screen::Login => login_action(app, action),
        Screen::Home => home_action(app, action),
        Screen::Lookup => lookup_action(app, action),
        Screen::Person => person::action(app, action),
        Screen::Enroll => enroll::action(app, action),
        Screen::Queue => review::queue_action(app, action),
        Screen::Review => review::action(app, action),
        Screen::Sync => sync::action(app, action),
        Screen::Arco => arco::action(app, action),
        Screen::Central => central::action(app, action),
    }
}

/// Goes back one screen (never to the login).
pub fn back(app: &mut App) -> Vec<Effect> {
    app.toast = None;
    match app.back.pop() {
        Some(Screen::Login) | None => go_home(app),
        Some(Screen::Home) => go_home(app),
        Some(s) => {
            app.screen = s;
            Vec::new()
        }
    }
}

fn logout(app: &mut App) -> Vec<Effect> {
    let lang = app.lang;
    let keymap = app.keymap.clone();
    let station = app.station.clone();
    let devices = app.devices.clone();
    let sync = app.sync.clone();
    let notice = app.notice.take();
    *app = App::new(lang, keymap, app.now);
    app.station = station;
    app.devices = devices;
    app.sync = sync;
    app.notice = notice;
    vec![
        Effect::Device(super::msg::DeviceCmd::Cancel),
        Effect::Desk(DeskCmd::Logout),
    ]
}

fn login_action(app: &mut App, action: Action) -> Vec<Effect> {
    let l = &mut app.login;
    match action {
        Action::NextField | Action::Up | Action::Down => {
            l.focus = match l.focus {
                LoginField::User => LoginField::Pass,
                LoginField::Pass => LoginField::User,
            };
            Vec::new()
        }
        Action::Confirm if l.focus == LoginField::User => {
            l.focus = LoginField::Pass;
            Vec::new()
        }
        Action::Confirm => {
            if app.locked_secs().is_some() || app.login.busy {
                return Vec::new();
            }
            let l = &mut app.login;
            if l.user.trim().is_empty() {
                l.focus = LoginField::User;
                l.error = Some(app.lang.strings().login_need_user.to_owned());
                return Vec::new();
            }
            let pass = Passphrase::new(l.pass.as_str());
            l.pass.clear();
            l.busy = true;
            l.error = None;
            vec![Effect::Desk(DeskCmd::Login {
                user: l.user.trim().to_owned(),
                pass,
            })]
        }
        _ => Vec::new(),
    }
}

fn home_action(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Lookup => {
            go(app, Screen::Lookup);
            Vec::new()
        }
        Action::Queue => {
            if app.user.as_ref().is_some_and(|u| u.role.can_supervise()) {
                go(app, Screen::Queue);
                app.queue = None;
                vec![Effect::Desk(DeskCmd::Queue)]
            } else {
                let t = app.s().only_supervisors;
                toast(app, Tone::Error, t);
                Vec::new()
            }
        }
        Action::Sync => {
            go(app, Screen::Sync);
            vec![
                Effect::Desk(DeskCmd::Pending),
                Effect::Desk(DeskCmd::SyncOverview),
            ]
        }
        Action::Arco => arco::open(app, None),
        Action::Central => central::open(app),
        Action::Resume => match app.home.as_ref().and_then(|h| h.drafts.first()) {
            Some(d) => vec![Effect::Desk(DeskCmd::StartEnroll(d.id))],
            None => {
                let t = app.s().no_drafts;
                toast(app, Tone::Info, t);
                Vec::new()
            }
        },
        Action::Refresh => vec![Effect::Desk(DeskCmd::Home)],
        _ => Vec::new(),
    }
}

/// Reads a lookup query: digits only → NSS; letters and digits → CURP; else a name.
pub fn parse_query(text: &str) -> Query {
    let t = text.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
        Query::Nss(t.to_owned())
    } else if t.chars().any(|c| c.is_ascii_digit()) && !t.contains(' ') {
        Query::Curp(t.to_uppercase())
    } else {
        Query::Name(t.to_owned())
    }
}

fn lookup_action(app: &mut App, action: Action) -> Vec<Effect> {
    let l = &mut app.lookup;
    match action {
        Action::Clear => {
            *l = super::state::LookupState::default();
            Vec::new()
        }
        Action::Up => {
            l.selected = l.selected.saturating_sub(1);
            Vec::new()
        }
        Action::Down => {
            if l.selected + 1 < l.results.len() {
                l.selected += 1;
            }
            Vec::new()
        }
        Action::Confirm if l.dirty || l.results.is_empty() => {
            if l.query.trim().is_empty() {
                return Vec::new();
            }
            l.dirty = false;
            vec![Effect::Desk(DeskCmd::Lookup(parse_query(&l.query)))]
        }
        Action::Confirm => match l
            .results
            .get(l.selected)
            .and_then(|p| crate::workflows::types::RecordId::parse(&p.id))
        {
            Some(id) => {
                app.person = None;
                app.proof = None;
                go(app, Screen::Person);
                vec![Effect::Desk(DeskCmd::Person(id))]
            }
            None => Vec::new(),
        },
        Action::Back => back(app),
        _ => Vec::new(),
    }
}

/// Advances clocks (lockout countdowns, spinner) and asks for a scheduled backup when one
/// may be due.
pub fn tick(app: &mut App, now: Instant) -> Vec<Effect> {
    app.now = now;
    app.wall = crate::workflows::types::time::now_utc();
    app.frame = app.frame.wrapping_add(1);
    if app.login.locked_until.is_some_and(|t| t <= now) {
        app.login.locked_until = None;
    }
    backup::check(app, now)
}

/// Handles a worker event.
pub fn on_event(app: &mut App, ev: WorkerEvent) -> Vec<Effect> {
    match ev {
        WorkerEvent::Desk(d) => on_desk(app, *d),
        WorkerEvent::Device(d) => on_device(app, d),
        WorkerEvent::Sync(s) => sync::on_status(app, s),
        WorkerEvent::Backup(b) => backup::on_status(app, b),
    }
}

fn on_device(app: &mut App, ev: DeviceEvent) -> Vec<Effect> {
    match ev {
        DeviceEvent::Status { scanner, camera } => {
            app.devices.scanner = scanner;
            app.devices.camera = camera;
            Vec::new()
        }
        DeviceEvent::SelfTestStarted => {
            app.devices.self_testing = true;
            app.devices.self_test.clear();
            Vec::new()
        }
        DeviceEvent::SelfTested(outcomes) => {
            app.devices.self_testing = false;
            app.devices.self_test = outcomes;
            Vec::new()
        }
        other if app.screen == Screen::Review => review::on_device(app, other),
        other if app.screen == Screen::Person => person::on_device(app, other),
        other => enroll::on_device(app, other),
    }
}

fn on_desk(app: &mut App, ev: DeskEvent) -> Vec<Effect> {
    match ev {
        DeskEvent::Station(s) => app.station = s,
        DeskEvent::LoggedIn(u) => {
            app.login.busy = false;
            app.login.failures = 0;
            app.login.error = None;
            app.user = Some(u);
            app.home = None;
            app.backup.checked = None;
            app.devices.self_test.clear();
            let mut fx = go_home(app);
            // The device worker tests its devices if the last test is older than the shift.
            fx.push(Effect::Device(super::msg::DeviceCmd::SelfTest));
            return fx;
        }
        DeskEvent::LoginFailed(e) => {
            let text = app.lang.login_error(&e);
            let l = &mut app.login;
            l.busy = false;
            l.focus = LoginField::Pass;
            l.locked_user = Some(l.user.trim().to_owned());
            match e {
                LoginError::Locked { seconds } => {
                    l.locked_until = Some(app.now + Duration::from_secs(seconds));
                }
                LoginError::Refused {
                    failures,
                    locked_for,
                } => {
                    l.failures = failures;
                    l.locked_until = locked_for.map(|secs| app.now + Duration::from_secs(secs));
                }
                _ => {}
            }
            l.error = Some(text);
        }
        DeskEvent::Home(Ok(h)) => app.home = Some(*h),
        DeskEvent::Home(Err(e)) => {
            let text = app.lang.desk_error(&e);
            app.home = Some(Default::default());
            toast(app, Tone::Error, text);
        }
        DeskEvent::Drafts(d) => {
            if let Some(h) = app.home.as_mut() {
                h.drafts = d;
            }
        }
        DeskEvent::Found(r) => {
            let l = &mut app.lookup;
            l.searched = true;
            l.selected = 0;
            match r {
                Ok(v) => {
                    l.results = v;
                    l.error = None;
                }
                Err(e) => {
                    l.results.clear();
                    l.error = Some(app.lang.desk_error(&e));
                }
            }
        }
        DeskEvent::Person(r) => match r {
            Ok(p) => app.person = Some(*p),
            Err(e) => {
                let text = app.lang.desk_error(&e);
                toast(app, Tone::Error, text);
                return back(app);
            }
        },
        DeskEvent::SyncOverview(o) => sync::on_overview(app, *o),
        DeskEvent::ProvedLife(r) => person::on_proved(app, r),
        DeskEvent::MovementRecorded(r) => person::on_movement(app, r),
        DeskEvent::Pending(Ok(list)) => {
            app.sync.pending = list.rows;
            app.sync.pending_total = list.total;
        }
        DeskEvent::Pending(Err(e)) => {
            let text = app.lang.desk_error(&e);
            toast(app, Tone::Error, text);
        }
        DeskEvent::Queue(_) | DeskEvent::Review(_) | DeskEvent::Decided(_) => {
            return review::on_desk(app, ev);
        }
        DeskEvent::ArcoList(_) | DeskEvent::ArcoFiled(_) => return arco::on_desk(app, ev),
        DeskEvent::CentralCases(_) | DeskEvent::CentralDecided(_) => {
            return central::on_desk(app, ev);
        }
        other => return enroll::on_desk(app, other),
    }
    Vec::new()
}

pub(super) fn set_toast(app: &mut App, tone: Tone, text: impl Into<String>) {
    toast(app, tone, text);
}
