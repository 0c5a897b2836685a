//! The ARCO requests screen: open requests, most urgent first, with the business days left
//! (late ones in red), and the filing form when opened from a person's file.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};

use crate::console::state::{App, ArcoField, ArcoForm};
use crate::console::widgets::panel;
use crate::workflows::types::ArcoRight;

/// Draws the screen.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let (list_area, form_area) = match &app.arco.form {
        Some(_) => {
            let [top, bottom] =
                Layout::vertical([Constraint::Min(5), Constraint::Length(7)]).areas(area);
            (top, Some(bottom))
        }
        None => (area, None),
    };
    render_list(app, list_area, buf);
    if let (Some(form), Some(area)) = (&app.arco.form, form_area) {
        render_form(app, form, area, buf);
    }
}

fn right_name(app: &App, code: &str) -> &'static str {
    let names = app.lang.arco().rights;
    ArcoRight::ALL
        .iter()
        .position(|r| r.as_str() == code)
        .map_or("?", |i| names[i])
}

fn render_list(app: &App, area: Rect, buf: &mut Buffer) {
    let w = app.lang.arco();
    let Some(items) = &app.arco.requests else {
        Paragraph::new(app.s().loading)
            .block(panel(w.title))
            .render(area, buf);
        return;
    };
    if items.is_empty() {
        let mut lines = vec![Line::from(w.empty)];
        if app.arco.form.is_none() {
            lines.push(Line::from(w.list_hint).dim());
        }
        Paragraph::new(lines)
            .block(panel(w.title))
            .render(area, buf);
        return;
    }
    let show = crate::identifiers::text::printable;
    let rows = items.iter().enumerate().map(|(i, q)| {
        let mut style = if q.dias_habiles_restantes < 0 {
            Style::new().red()
        } else if q.dias_habiles_restantes <= 5 {
            Style::new().yellow()
        } else {
            Style::new()
        };
        if i == app.arco.selected {
            style = style.reversed();
        }
        Row::new(vec![
            Cell::from(q.folio.clone()),
            Cell::from(right_name(app, &q.derecho)),
            Cell::from(show(&q.curp)),
            Cell::from(q.vence.clone()),
            Cell::from(q.dias_habiles_restantes.to_string()),
        ])
        .style(style)
    });
    Table::new(
        rows,
        [
            Constraint::Length(21),
            Constraint::Length(14),
            Constraint::Length(19),
            Constraint::Length(11),
            Constraint::Min(6),
        ],
    )
    .header(Row::new(vec![w.folio, w.right, "CURP", w.deadline, w.days_left]).bold())
    .block(panel(format!("{} ({})", w.title, items.len())))
    .render(area, buf);
}

fn render_form(app: &App, f: &ArcoForm, area: Rect, buf: &mut Buffer) {
    let w = app.lang.arco();
    let field = |label: &str, value: &str, focused: bool, hint: &str| {
        let shown = if value.is_empty() && !focused {
            hint.to_owned()
        } else if focused {
            format!("{value}▏")
        } else {
            value.to_owned()
        };
        let line = Line::from(format!("{label}: {shown}"));
        if focused { line.bold() } else { line }
    };
    let rights: Vec<String> = w
        .rights
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if i == f.right {
                format!("[{r}]")
            } else {
                format!(" {r} ")
            }
        })
        .collect();
    let lines = vec![
        Line::from(format!("{}: {}", w.right, rights.join(" "))),
        field(
            w.requester,
            &f.requester,
            f.focus == ArcoField::Requester,
            w.requester_hint,
        ),
        field(
            w.identification,
            &f.identification,
            f.focus == ArcoField::Identification,
            "",
        ),
        Line::from(w.form_hint).dim(),
    ];
    Paragraph::new(lines)
        .block(panel(format!(
            "{} {}",
            w.form_title,
            crate::identifiers::text::printable(&f.curp)
        )))
        .render(area, buf);
}
