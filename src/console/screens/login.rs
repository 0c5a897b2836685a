//! Login: officer name and passphrase; failures count towards a timed lockout.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::console::state::{App, LoginField};
use crate::console::widgets::{centred, mask, panel};

/// Draws the login form.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let l = &app.login;
    let field = |label: &str, value: String, focused: bool| {
        let cursor = if focused { "▏" } else { "" };
        let style = if focused {
            Style::new().bold().underlined()
        } else {
            Style::new()
        };
        Line::from(vec![
            Span::raw(format!("  {label:<14}")),
            Span::styled(format!("{value}{cursor}"), style),
        ])
    };
    let mut lines = vec![
        Line::raw(""),
        field(s.user, l.user.clone(), l.focus == LoginField::User),
        field(
            s.passphrase,
            mask(l.pass.as_str()),
            l.focus == LoginField::Pass,
        ),
        Line::raw(""),
    ];
    if let Some(secs) = app.locked_secs() {
        lines.push(Line::from(format!("  {} {secs} s", s.locked).red().bold()));
    } else if l.busy {
        lines.push(Line::from(format!("  {}", s.checking).cyan()));
    } else if let Some(e) = &l.error {
        lines.push(Line::from(format!("  {e}").red()));
    } else {
        lines.push(Line::from(format!("  {}", s.login_hint).dim()));
    }
    if l.failures > 0 {
        lines.push(Line::from(
            format!("  {}: {}", s.failed_attempts, l.failures).dim(),
        ));
    }
    if let Some(n) = &app.notice {
        lines.push(Line::raw(""));
        lines.push(Line::from(format!("  {n}").yellow()));
    }
    let rect = centred(area, 84, lines.len() as u16 + 2);
    Paragraph::new(lines)
        .block(panel(s.login_title))
        .render(rect, buf);
}
