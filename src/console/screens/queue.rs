//! The supervisor queue: captures waiting for approval, oldest first.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};

use crate::console::state::App;
use crate::console::widgets::panel;

/// Draws the queue.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let Some(items) = &app.queue else {
        Paragraph::new(s.loading)
            .block(panel(s.queue_title))
            .render(area, buf);
        return;
    };
    if items.is_empty() {
        Paragraph::new(s.queue_empty)
            .block(panel(s.queue_title))
            .render(area, buf);
        return;
    }
    let rows = items.iter().enumerate().map(|(i, q)| {
        let style = if i == app.queue_selected {
            Style::new().reversed()
        } else {
            Style::new()
        };
        Row::new(vec![
            Cell::from(q.name.clone()),
            Cell::from(q.curp.clone()),
            Cell::from(q.officer.clone()),
            Cell::from(app.lang.stamp(&q.submitted_at, app.utc_offset)),
            Cell::from(q.exceptions.to_string()),
            Cell::from(if q.duplicates > 0 {
                format!("⚠ {}", q.duplicates)
            } else {
                "0".into()
            }),
        ])
        .style(style)
    });
    Table::new(
        rows,
        [
            Constraint::Min(20),
            Constraint::Length(19),
            Constraint::Length(12),
            Constraint::Length(21),
            Constraint::Length(5),
            Constraint::Length(6),
        ],
    )
    .header(
        Row::new(vec![
            s.name,
            "CURP",
            s.officer,
            s.submitted_at,
            s.exc_short,
            s.dup_short,
        ])
        .bold(),
    )
    .block(panel(format!("{} ({})", s.queue_title, items.len())))
    .render(area, buf);
}
