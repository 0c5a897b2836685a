//! Keys → actions. Defaults live in code; a user TOML file overrides single actions:
//!
//! ```toml
//! idioma = "en"          # optional
//! [teclas]
//! aprobar = "F9"         # one key
//! ayuda = ["F1", "?"]    # or several
//! ```
//!
//! Key syntax: a character (`a`, `?`), `Enter`, `Esc`, `Tab`, `BackTab`, `Up`, `Down`, `Left`,
//! `Right`, `Backspace`, `F1`…`F12`, with optional `ctrl+` / `alt+` prefixes.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::action::Action;
use super::state::Screen;

/// A key with modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl held.
    pub ctrl: bool,
    /// Alt held.
    pub alt: bool,
}

impl Key {
    /// A plain key.
    pub const fn plain(code: KeyCode) -> Self {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    /// A key with Ctrl.
    pub const fn ctrl(c: char) -> Self {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// The key of a terminal event (shift folded into the character).
    pub fn of(ev: &KeyEvent) -> Self {
        let code = match ev.code {
            KeyCode::Char(c) if ev.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        Key {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Parses `ctrl+q`, `F1`, `Enter`, `a`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl+") {
                ctrl = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("alt+") {
                alt = true;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "backspace" => KeyCode::Backspace,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            f if f.len() > 1 && f.starts_with('f') => KeyCode::F(f[1..].parse().ok()?),
            _ => {
                let mut chars = rest.chars();
                let c = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
        };
        Some(Key { code, ctrl, alt })
    }

    /// How the key is shown in hints and help.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Enter => "Enter".to_owned(),
            KeyCode::Esc => "Esc".to_owned(),
            KeyCode::Tab => "Tab".to_owned(),
            KeyCode::BackTab => "Shift+Tab".to_owned(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::Backspace => "Retroceso".to_owned(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(c) => c.to_string(),
            _ => "?".to_owned(),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("Ctrl+{base}"),
            (_, true) => format!("Alt+{base}"),
            _ => base,
        }
    }

    /// True for a printable character without Ctrl/Alt (typed into text fields).
    pub fn is_text(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.ctrl && !self.alt
    }
}

/// Why `consola.toml` (language and keys) was refused. `Display` is for the log; the command
/// line words it for people (`commands/text`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeymapError {
    /// An explicitly named file cannot be read.
    #[error("cannot read {0}")]
    Unreadable(std::path::PathBuf),
    /// Not valid TOML or wrong shape.
    #[error("the key file is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    /// Unknown action name.
    #[error("unknown action in the key file: «{0}»")]
    UnknownAction(String),
    /// Unparsable key.
    #[error("invalid key for «{action}»: «{key}»")]
    BadKey {
        /// Action.
        action: String,
        /// Key text.
        key: String,
    },
}

/// One key or several in the file.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// The console's configuration file (`consola.toml`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConsoleConfig {
    /// Language (`es` or `en`).
    pub idioma: Option<String>,
    /// Key overrides by action name.
    teclas: BTreeMap<String, OneOrMany>,
}

/// Keys of every action.
#[derive(Debug, Clone)]
pub struct Keymap {
    keys: BTreeMap<Action, Vec<Key>>,
}

fn c(ch: char) -> Key {
    Key::plain(KeyCode::Char(ch))
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyCode::*;
        let p = Key::plain;
        let table: [(Action, Vec<Key>); 29] = [
            (Action::Quit, vec![Key::ctrl('q')]),
            (Action::Help, vec![p(F(1)), c('?')]),
            (Action::Back, vec![p(Esc), p(F(10))]),
            (Action::Logout, vec![p(F(12))]),
            (Action::Lookup, vec![p(F(3)), c('b')]),
            (Action::Queue, vec![p(F(4)), c('s')]),
            (Action::Sync, vec![p(F(5)), c('y')]),
            (Action::Resume, vec![c('c')]),
            (Action::Up, vec![p(Up)]),
            (Action::Down, vec![p(Down)]),
            (Action::Left, vec![p(Left)]),
            (Action::Right, vec![p(Right)]),
            (Action::Confirm, vec![p(Enter)]),
            (Action::NextField, vec![p(Tab), p(BackTab)]),
            (Action::Enroll, vec![c('e'), p(F(6))]),
            (Action::Retry, vec![c('r')]),
            (Action::AcceptBest, vec![c('a')]),
            (Action::Exception, vec![c('x')]),
            (Action::Decline, vec![c('n')]),
            (Action::Approve, vec![c('a')]),
            (Action::Reject, vec![c('r')]),
            (Action::Recapture, vec![c('c')]),
            (Action::Refresh, vec![Key::ctrl('r')]),
            (Action::SyncNow, vec![p(Enter), p(F(9))]),
            (Action::Verify, vec![c('v'), p(F(7))]),
            (Action::Clear, vec![Key::ctrl('u')]),
            (Action::Movement, vec![c('m')]),
            (Action::Arco, vec![p(F(8)), c('o')]),
            (Action::Central, vec![p(F(11)), c('d')]),
        ];
        Keymap {
            keys: table.into_iter().collect(),
        }
    }
}

impl Keymap {
    /// Defaults with the overrides of a configuration file applied.
    pub fn with_overrides(config: &ConsoleConfig) -> Result<Self, KeymapError> {
        let mut map = Self::default();
        for (name, keys) in &config.teclas {
            let action =
                Action::from_name(name).ok_or_else(|| KeymapError::UnknownAction(name.clone()))?;
            let texts = match keys {
                OneOrMany::One(k) => vec![k.clone()],
                OneOrMany::Many(ks) => ks.clone(),
            };
            let mut parsed = Vec::new();
            for t in texts {
                parsed.push(Key::parse(&t).ok_or_else(|| KeymapError::BadKey {
                    action: name.clone(),
                    key: t.clone(),
                })?);
            }
            map.keys.insert(action, parsed);
        }
        Ok(map)
    }

    /// Parses a configuration file's text.
    pub fn config_from_toml(text: &str) -> Result<ConsoleConfig, KeymapError> {
        Ok(toml::from_str(text)?)
    }

    /// Keys of `action`.
    pub fn keys(&self, action: Action) -> &[Key] {
        self.keys.get(&action).map_or(&[], Vec::as_slice)
    }

    /// The first key of `action`, as shown in hints.
    pub fn label(&self, action: Action) -> String {
        self.keys(action)
            .first()
            .map_or_else(|| "—".to_owned(), Key::label)
    }

    /// The action `key` means on `screen` (`text` = a text field has the cursor, so
    /// printable keys are typed instead).
    pub fn resolve(&self, screen: Screen, key: Key, text: bool) -> Option<Action> {
        if text && key.is_text() {
            return None;
        }
        actions_of(screen)
            .iter()
            .copied()
            .chain(GLOBAL)
            .find(|a| self.keys(*a).contains(&key))
    }
}

/// Actions available everywhere (after the screen's own).
pub const GLOBAL: [Action; 4] = [Action::Help, Action::Quit, Action::Back, Action::Logout];

/// The actions of a screen, in the order the help overlay lists them.
pub fn actions_of(screen: Screen) -> &'static [Action] {
    use Action::*;
    match screen {
        Screen::Login => &[Confirm, NextField, Up, Down],
        Screen::Home => &[Lookup, Queue, Sync, Resume, Refresh, Arco, Central],
        Screen::Lookup => &[Confirm, Clear, Up, Down],
        Screen::Person => &[
            Enroll, Verify, Movement, Lookup, Arco, Confirm, NextField, Left, Right,
        ],
        Screen::Enroll => &[
            Confirm, Retry, AcceptBest, Exception, Decline, Left, Right, Up, Down,
        ],
        Screen::Queue => &[Confirm, Up, Down, Refresh],
        Screen::Review => &[Approve, Reject, Recapture, Left, Right, Confirm, NextField],
        Screen::Sync => &[SyncNow, Refresh, Up, Down],
        Screen::Arco => &[Confirm, NextField, Left, Right, Up, Down, Refresh],
        Screen::Central => &[Approve, Reject, Confirm, NextField, Up, Down, Refresh],
    }
}
