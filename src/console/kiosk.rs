//! The attendance kiosk (`huella console --kiosk --scanner PORT`): a console mode that only
//! clocks staff in and out. An operator opens the station once with their passphrase (the
//! station's keys are sealed in credentials, so a kiosk nobody unlocked reads nothing); then
//! each staff member only places a finger: it is identified 1:N over staff alone and the
//! screen shows the recorded mark or "no identificado". After a mark the kiosk waits for the
//! finger to be lifted, so one touch is one mark. Ctrl+q quits; no other screen is reachable.
//!
//! Owns the kiosk loop and its drawing. The rules are `workflows::attendance`; the words are
//! `i18n::kiosk`.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, queue, style, terminal};
use huella_devices::capture::{capture_from, open_scanner};
use huella_devices::{DeviceError, FingerprintScanner, ZfmConfig};
use huella_keys::Passphrase;
use zeroize::Zeroizing;

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

/// Longest user name or passphrase typed.
const MAX_TYPED: usize = 256;

/// Restores the terminal however the kiosk ends.
struct Screen;

impl Screen {
    fn enter() -> std::io::Result<Screen> {
        terminal::enable_raw_mode()?;
        execute!(std::io::stdout(), terminal::EnterAlternateScreen)?;
        Ok(Screen)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = execute!(
            std::io::stdout(),
            cursor::Show,
            terminal::LeaveAlternateScreen
        );
        let _ = terminal::disable_raw_mode();
    }
}

fn draw(lines: &[&str]) -> std::io::Result<()> {
    let mut out = std::io::stdout();
    queue!(
        out,
        cursor::Hide,
        terminal::Clear(terminal::ClearType::All),
        cursor::MoveTo(0, 0)
    )?;
    for (i, l) in lines.iter().enumerate() {
        queue!(
            out,
            cursor::MoveTo(2, u16::try_from(i * 2 + 1).unwrap_or(u16::MAX)),
            style::Print(l)
        )?;
    }
    out.flush()
}

fn quit_key(k: &KeyEvent) -> bool {
    k.kind == KeyEventKind::Press
        && k.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(k.code, KeyCode::Char('q') | KeyCode::Char('c'))
}

/// Whether Ctrl+q was pressed (waits at most `wait`).
fn quit_pressed(wait: Duration) -> std::io::Result<bool> {
    if event::poll(wait)?
        && let Event::Key(k) = event::read()?
    {
        return Ok(quit_key(&k));
    }
    Ok(false)
}

/// Reads one line (hidden: echoes nothing); `None` on Ctrl+q.
fn prompt(label: &str, shown: &[&str], hidden: bool) -> std::io::Result<Option<Zeroizing<String>>> {
    let mut typed = Zeroizing::new(String::new());
    loop {
        let echo = if hidden {
            "*".repeat(typed.chars().count())
        } else {
            typed.to_string()
        };
        let line = format!("{label}{echo}");
        let mut lines = shown.to_vec();
        lines.push(&line);
        draw(&lines)?;
        if let Event::Key(k) = event::read()? {
            if quit_key(&k) {
                return Ok(None);
            }
            if k.kind != KeyEventKind::Press {
                continue;
            }
            match k.code {
                KeyCode::Enter => return Ok(Some(typed)),
                KeyCode::Backspace => {
                    typed.pop();
                }
                KeyCode::Char(c) if typed.len() < MAX_TYPED => typed.push(c),
                _ => {}
            }
        }
    }
}

/// Runs the kiosk until Ctrl+q.
pub fn run(opts: KioskOptions) -> Result<()> {
    let _screen = Screen::enter()?;
    let words = opts.lang.kiosk();
    let title = words.title.to_owned();
    let mut problem = String::new();
    let session = loop {
        let shown = [title.as_str(), words.purpose, problem.as_str()];
        let user = match &opts.user {
            Some(u) => Zeroizing::new(u.clone()),
            None => match prompt(words.user, &shown, false)? {
                Some(u) => u,
                None => return Ok(()),
            },
        };
        let Some(pass) = prompt(words.passphrase, &shown, true)? else {
            return Ok(());
        };
        match Session::open_with(&opts.home, user.trim(), &Passphrase::new(&pass)) {
            Ok(s) => break s,
            Err(e) => {
                problem = format!(
                    "{}: {}",
                    words.login_failed,
                    crate::commands::text::describe(&e)
                );
            }
        }
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
