//! The movement form over a person's file, and the lines of the "Movimientos y acuses" panel
//! (who, when, before → after, folio; a movement that does not count marked) and of the
//! restriction countdown. Drawing only.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use crate::console::state::App;
use crate::console::widgets::{centred, panel};
use crate::workflows::person::{MovementRow, RestrictionView};

/// One line of the movement history.
pub fn history_line(app: &App, m: &MovementRow) -> Line<'static> {
    let t = app.lang.mv();
    let change = match (&m.before, &m.after) {
        (Some(b), Some(a)) => format!(" {b} → {a}"),
        (None, Some(a)) => format!(" {a}"),
        (Some(b), None) => format!(" ({b})"),
        (None, None) => String::new(),
    };
    let folio = m.folio.clone().unwrap_or_else(|| t.from_import.to_owned());
    let text = format!(
        "{} {} {}{change} · {folio} · {} {} {}",
        app.lang.movement(m.kind),
        m.date,
        m.employer,
        t.by,
        m.officer,
        app.lang.stamp(&m.recorded_at, app.utc_offset),
    );
    if m.unverified {
        Line::from(format!("{text} [{}]", app.lang.strings().invalid_signature).red())
    } else {
        Line::raw(text)
    }
}

/// The restriction countdown line of a person's file.
pub fn restriction_line(app: &App, r: &RestrictionView) -> Line<'static> {
    let t = app.lang.mv();
    if r.days_left < 0 {
        Line::from(
            format!("{} ({} {})", t.restricted, -r.days_left, t.overdue_days)
                .red()
                .bold(),
        )
    } else {
        let text = format!(
            "{}: {} · {} {}",
            t.notice, r.notice, r.days_left, t.days_left
        );
        if r.days_left <= 5 {
            Line::from(text.yellow().bold())
        } else {
            Line::from(text.yellow())
        }
    }
}

/// Draws the open movement form over `area`.
pub fn render_form(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(f) = &app.movement else {
        return;
    };
    let t = app.lang.mv();
    let mut lines = vec![
        Line::from(format!("{}: ‹ {} ›", t.kind, app.lang.movement(f.kind())).bold()),
        Line::from(t.choose_kind.dim()),
        Line::raw(""),
    ];
    for (i, field) in f.fields().iter().enumerate() {
        let text = format!("{}: {}", app.lang.movement_field(*field), f.value(*field));
        lines.push(if i == f.focus % f.fields().len() {
            Line::from(format!("{text}▏").bold().underlined())
        } else {
            Line::raw(text)
        });
    }
    lines.push(Line::raw(""));
    lines.push(if f.busy {
        Line::from(t.recording.cyan())
    } else {
        Line::from(t.form_keys.cyan())
    });
    let rect = centred(area, 64, u16::try_from(lines.len() + 2).unwrap_or(12));
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(panel(t.form_title))
        .render(rect, buf);
}
