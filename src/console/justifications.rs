//! The supervisor's justification queue (`huella console --justifications`): the staff's
//! pending faltas, retardos and pases de salida, one per line; `a` approves the chosen one,
//! `r` asks for a note and rejects it. The rules (supervisors only, never one's own, once)
//! are `workflows::attendance::justify`'s; a refusal is shown on the screen. Ctrl+q quits.

use anyhow::Result;
use crossterm::event::{self, Event, KeyCode, KeyEventKind};

use super::Lang;
use super::kiosk::login;
use super::plain_screen::{Screen, draw, prompt, quit_key};
use crate::home::Home;
use crate::workflows::attendance::justify;

/// How the queue runs.
#[derive(Debug, Clone)]
pub struct QueueOptions {
    /// The station home.
    pub home: Home,
    /// Language of the screen.
    pub lang: Lang,
    /// The supervisor's user name (asked for when absent).
    pub user: Option<String>,
}

/// Runs the queue until Ctrl+q.
pub fn run(opts: QueueOptions) -> Result<()> {
    let _screen = Screen::enter()?;
    let words = opts.lang.justification_queue();
    let Some(session) = login(&opts.home, opts.lang, opts.user.as_deref(), words.title)? else {
        return Ok(());
    };
    let mut chosen = 0usize;
    let mut last = if session.credential.officer.role().can_supervise() {
        String::new()
    } else {
        words.supervisors_only.to_owned()
    };
    loop {
        let pending = match justify::list(&session, true) {
            Ok(p) => p,
            Err(e) => {
                last = crate::commands::text::describe(&e);
                Vec::new()
            }
        };
        chosen = chosen.min(pending.len().saturating_sub(1));
        let rows: Vec<String> = pending
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let j = &f.justification;
                let times = if j.from.is_empty() {
                    String::new()
                } else {
                    format!(" {}-{}", j.from, j.to)
                };
                // A decision whose signature does not verify leaves it pending, marked.
                let invalid = if f.refused.is_some() {
                    format!("  [{}]", opts.lang.strings().invalid_signature)
                } else {
                    String::new()
                };
                format!(
                    "{} {}  {}  {}  {}{times}  {}{invalid}",
                    if i == chosen { '>' } else { ' ' },
                    j.id,
                    f.user,
                    opts.lang.justification_kind(j.kind),
                    j.date,
                    j.reason
                )
            })
            .collect();
        let mut lines: Vec<&str> = vec![words.title, words.hint];
        if rows.is_empty() {
            lines.push(words.empty);
        }
        lines.extend(rows.iter().map(String::as_str));
        lines.push(&last);
        draw(&lines)?;
        let Event::Key(k) = event::read()? else {
            continue;
        };
        if quit_key(&k) {
            return Ok(());
        }
        if k.kind != KeyEventKind::Press {
            continue;
        }
        let approve = match k.code {
            KeyCode::Up => {
                chosen = chosen.saturating_sub(1);
                continue;
            }
            KeyCode::Down => {
                chosen += 1;
                continue;
            }
            KeyCode::Char('a') => true,
            KeyCode::Char('r') => false,
            _ => continue,
        };
        let Some(item) = pending.get(chosen) else {
            continue;
        };
        let note = if approve {
            String::new()
        } else {
            match prompt(words.note, &lines, false)? {
                Some(n) => n.to_string(),
                None => return Ok(()),
            }
        };
        last = match justify::decide(&session, &item.justification.id, approve, &note) {
            Ok(f) => opts
                .lang
                .justification_decided(&f.justification.id, &f.user, approve),
            Err(e) => crate::commands::text::describe(&e),
        };
    }
}
