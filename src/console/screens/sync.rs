//! Sync: last sync, hub and peers, progress, conflicts; people pending capture with the
//! 30-day countdown before their procedures are restricted.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};

use crate::console::state::App;
use crate::console::widgets::{bar, panel};

/// Draws the sync screen.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let y = &app.sync;
    let [status, pending] =
        Layout::vertical([Constraint::Length(7), Constraint::Min(4)]).areas(area);
    let mut lines = vec![Line::from(match &y.last {
        Some(t) => format!("{}: {t}", s.synced_at).green(),
        None => s.never_synced.yellow().bold(),
    })];
    lines.push(Line::raw(format!(
        "{}: {}",
        s.hub,
        y.hub.clone().unwrap_or_else(|| s.not_configured.to_owned())
    )));
    lines.push(Line::raw(format!(
        "{}: {}",
        s.peers,
        if y.peers.is_empty() {
            "—".to_owned()
        } else {
            y.peers.join(", ")
        }
    )));
    if let Some((d, t)) = y.progress {
        lines.push(Line::from(
            format!("{} {}", s.progress, bar(d, t, 20)).cyan(),
        ));
    }
    lines.push(Line::raw(format!("{}: {}", s.conflicts, y.conflicts)));
    Paragraph::new(lines)
        .block(panel(s.sync_title))
        .render(status, buf);
    let rows = y.pending.iter().map(|p| {
        let days = if p.days_left < 0 {
            Cell::from(format!("{} {}", s.overdue, -p.days_left).red())
        } else if p.days_left <= 5 {
            Cell::from(format!("{} {}", p.days_left, s.days).yellow())
        } else {
            Cell::from(format!("{} {}", p.days_left, s.days))
        };
        Row::new(vec![
            Cell::from(p.name.clone()),
            Cell::from(p.curp.clone()),
            days,
        ])
    });
    Table::new(
        rows,
        [
            Constraint::Min(24),
            Constraint::Length(19),
            Constraint::Length(14),
        ],
    )
    .header(Row::new(vec![s.name, "CURP", s.days_left]).bold())
    .block(panel(format!(
        "{} ({})",
        s.pending_capture, y.pending_total
    )))
    .render(pending, buf);
}
