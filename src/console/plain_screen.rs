//! A plain full-screen terminal for the console's single-purpose modes (the attendance kiosk
//! and the justification queue): raw mode on an alternate screen restored on drop, whole-screen
//! redraws of a few lines, a one-line prompt (hidden for passphrases) and Ctrl+q. Owns no
//! words and no rules.

use std::io::Write;
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, queue, style, terminal};
use zeroize::Zeroizing;

/// Longest user name or passphrase typed.
const MAX_TYPED: usize = 256;

/// Restores the terminal however the kiosk ends.
pub(crate) struct Screen;

impl Screen {
    pub(crate) fn enter() -> std::io::Result<Screen> {
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

pub(crate) fn draw(lines: &[&str]) -> std::io::Result<()> {
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

pub(crate) fn quit_key(k: &KeyEvent) -> bool {
    k.kind == KeyEventKind::Press
        && k.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(k.code, KeyCode::Char('q') | KeyCode::Char('c'))
}

/// Whether Ctrl+q was pressed (waits at most `wait`).
pub(crate) fn quit_pressed(wait: Duration) -> std::io::Result<bool> {
    if event::poll(wait)?
        && let Event::Key(k) = event::read()?
    {
        return Ok(quit_key(&k));
    }
    Ok(false)
}

/// Reads one line (hidden: echoes nothing); `None` on Ctrl+q.
pub(crate) fn prompt(
    label: &str,
    shown: &[&str],
    hidden: bool,
) -> std::io::Result<Option<Zeroizing<String>>> {
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
