//! The attendance kiosk (`huella console --kiosk --scanner PORT`): a console mode that only
//! clocks staff in and out. An operator opens the station once with their passphrase (the
//! station's keys are sealed in credentials, so a kiosk nobody unlocked reads nothing); then
//! each staff member only places a finger: it is identified 1:N over staff alone and the
//! screen shows the recorded mark or "no identificado". After a mark the kiosk waits for the
//! finger to be lifted, so one touch is one mark. Ctrl+q quits; no other screen is reachable.
//!
//! Owns the kiosk loop and its drawing. The rules are `workflows::attendance`; the words are
//! `i18n::kiosk`.

use std::time::Duration;

use anyhow::Result;
use huella_devices::capture::{capture_from, open_scanner};
use huella_devices::{DeviceError, FingerprintScanner, ZfmConfig};
use huella_keys::Passphrase;
use zeroize::Zeroizing;

use super::plain_screen::{Screen, draw, prompt, quit_pressed};

use super::Lang;
use super::local_time;
use crate::home::Home;
use crate::workflows::attendance::clock::{self, Clocked};
use crate::workflows::attendance::gallery::StaffGallery;
use crate::workflows::enroll::Attempt;
use crate::workflows::session::Session;

/// How the kiosk runs.
#[derive(Debug, Clone)]
pub struct KioskOptions {
    /// The station home.
    pub home: Home,
    /// Language of the screen.
    pub lang: Lang,
    /// Scanner port.
    pub scanner: String,
    /// The operator's user name (asked for when absent).
    pub user: Option<String>,
}

/// Asks for the operator's user (unless given) and passphrase until a session opens, under
/// `title`; `None` when Ctrl+q was pressed.
pub(crate) fn login(
    home: &Home,
    lang: Lang,
    given_user: Option<&str>,
    title: &str,
) -> Result<Option<Session>> {
    let words = lang.kiosk();
    let mut problem = String::new();
    loop {
        let shown = [title, words.purpose, problem.as_str()];
        let user = match given_user {
            Some(u) => Zeroizing::new(u.to_owned()),
            None => match prompt(words.user, &shown, false)? {
                Some(u) => u,
                None => return Ok(None),
            },
        };
        let Some(pass) = prompt(words.passphrase, &shown, true)? else {
            return Ok(None);
        };
        match Session::open_with(home, user.trim(), &Passphrase::new(&pass)) {
            Ok(s) => return Ok(Some(s)),
            Err(e) => {
                problem = format!(
                    "{}: {}",
                    words.login_failed,
                    crate::commands::text::describe(&e)
                );
            }
        }
    }
}

/// Runs the kiosk until Ctrl+q.
pub fn run(opts: KioskOptions) -> Result<()> {
    let _screen = Screen::enter()?;
    let words = opts.lang.kiosk();
    let title = words.title.to_owned();
    let Some(session) = login(&opts.home, opts.lang, opts.user.as_deref(), &title)? else {
        return Ok(());
    };
    let title = format!("{title} — {}", session.credential.station.station());
    let mut gallery = StaffGallery::new();
    let mut scanner: Option<Box<dyn FingerprintScanner>> = None;
    let mut last = String::new();
    loop {
        draw(&[&title, words.purpose, words.place_finger, &last, words.hint])?;
        if quit_pressed(Duration::from_millis(20))? {
            return Ok(());
        }
        let Some(s) = scanner.as_mut() else {
            match open_scanner(&opts.scanner, ZfmConfig::default()) {
                Ok(s) => scanner = Some(s),
                Err(e) => {
                    last = format!("{}: {e}", words.no_scanner);
                    if quit_pressed(Duration::from_secs(1))? {
                        return Ok(());
                    }
                }
            }
            continue;
        };
        let image = match capture_from(s.as_mut(), Duration::from_millis(500)) {
            Ok(r) => r.image,
            Err(DeviceError::NoFinger | DeviceError::Timeout { .. }) => continue,
            Err(e) => {
                last = format!("{}: {e}", words.no_scanner);
                scanner = None;
                continue;
            }
        };
        let live = Attempt {
            position: huella_sync::FingerPosition::RightIndex,
            pixels: image.pixels,
            width: image.width,
            height: image.height,
            dpi: image.dpi,
        };
        let unix = clock::unix_now();
        let offset = local_time::offset_at(unix);
        last = match clock::clock(&session, &mut gallery, &live, unix, offset) {
            Ok(Clocked::Recorded {
                user, kind, time, ..
            }) => opts.lang.kiosk_mark(kind, &user, &time),
            Ok(Clocked::NotIdentified) => words.not_identified.to_owned(),
            Err(e) => crate::commands::text::describe(&e),
        };
        // One touch, one mark: wait until the finger leaves the glass.
        loop {
            draw(&[&title, words.purpose, words.lift_finger, &last, words.hint])?;
            if quit_pressed(Duration::from_millis(20))? {
                return Ok(());
            }
            let Some(s) = scanner.as_mut() else { break };
            match capture_from(s.as_mut(), Duration::from_millis(300)) {
                Ok(_) => continue,
                Err(DeviceError::NoFinger | DeviceError::Timeout { .. }) => break,
                Err(_) => {
                    scanner = None;
                    break;
                }
            }
        }
    }
}
