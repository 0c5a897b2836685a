//! The central node's national duplicate cases: the open cases oldest first (person, office,
//! hits), the selected case's matches with a strength the supervisor can read, and the
//! decision prompt (reason, passphrase again).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget, Wrap};

use crate::console::state::{App, CasePrompt};
use crate::console::widgets::panel;
use crate::identifiers::text::printable;
use crate::workflows::central::cases::{self, Case, CaseDecision};

/// Draws the screen.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let w = app.lang.central();
    let Some(items) = &app.central.cases else {
        Paragraph::new(app.s().loading)
            .block(panel(w.title))
            .render(area, buf);
        return;
    };
    if items.is_empty() {
        Paragraph::new(w.empty)
            .wrap(Wrap { trim: true })
            .block(panel(w.title))
            .render(area, buf);
        return;
    }
    let prompt_h = if app.central.prompt.is_some() { 5 } else { 0 };
    let [list, detail, prompt] = Layout::vertical([
        Constraint::Min(5),
        Constraint::Length(detail_rows(items.get(app.central.selected))),
        Constraint::Length(prompt_h),
    ])
    .areas(area);
    render_list(app, items, list, buf);
    if let Some(case) = items.get(app.central.selected) {
        render_detail(app, case, detail, buf);
        if let Some(p) = &app.central.prompt {
            render_prompt(app, case, p, prompt, buf);
        }
    }
}

fn render_list(app: &App, items: &[Case], area: Rect, buf: &mut Buffer) {
    let w = app.lang.central();
    let rows = items.iter().enumerate().map(|(i, c)| {
        let style = if i == app.central.selected {
            Style::new().reversed()
        } else {
            Style::new()
        };
        Row::new(vec![
            Cell::from(printable(&c.person.curp)),
            Cell::from(printable(&c.person.office)),
            Cell::from(c.matches.len().to_string()),
            Cell::from(app.lang.stamp(&c.opened_at, app.utc_offset)),
            Cell::from(printable(&c.person.name)),
        ])
        .style(style)
    });
    Table::new(
        rows,
        [
            Constraint::Length(19),
            Constraint::Length(8),
            Constraint::Length(6),
            Constraint::Length(21),
            Constraint::Min(10),
        ],
    )
    .header(Row::new(vec!["CURP", w.office, w.matches, w.opened, w.name]).bold())
    .block(panel(format!("{} ({})", w.title, items.len())))
    .render(area, buf);
}

fn render_detail(app: &App, case: &Case, area: Rect, buf: &mut Buffer) {
    let w = app.lang.central();
    let mut lines: Vec<Line> = Vec::new();
    for (p, m) in case.matches.iter().take(SHOWN) {
        lines.push(Line::from(format!(
            "{} · {} {} · {} {:.2}",
            app.lang.hit_strength(cases::strength(m)),
            m.fingers,
            w.fingers,
            w.score,
            m.score,
        )));
        lines.push(Line::from(format!(
            "  {} · {} · {}",
            printable(&p.curp),
            printable(&p.office),
            printable(&p.name),
        )));
    }
    lines.push(Line::from(w.hint).dim());
    Paragraph::new(lines)
        .block(panel(format!(
            "{} {}",
            w.detail,
            printable(&case.person.curp)
        )))
        .render(area, buf);
}

/// Matches shown for the selected case (the rest are in `huella central cases`).
const SHOWN: usize = 3;

/// Rows the detail panel needs for `case`.
fn detail_rows(case: Option<&Case>) -> u16 {
    let shown = case.map_or(0, |c| c.matches.len().min(SHOWN));
    u16::try_from(2 * shown + 3).unwrap_or(9)
}

fn render_prompt(app: &App, case: &Case, p: &CasePrompt, area: Rect, buf: &mut Buffer) {
    let w = app.lang.central();
    let title = match p.decision {
        CaseDecision::Distinct => w.distinct,
        CaseDecision::Duplicate => w.duplicate,
    };
    let reason = if p.on_pass {
        Line::from(format!("{}: {}", w.reason, p.reason))
    } else {
        Line::from(format!("{}: {}▏", w.reason, p.reason)).bold()
    };
    let masked = "•".repeat(p.pass.as_str().chars().count());
    let pass = if p.on_pass {
        Line::from(format!("{}: {masked}▏", w.passphrase)).bold()
    } else {
        Line::from(format!("{}: {masked}", w.passphrase))
    };
    let hint = if p.busy {
        Line::from(app.s().loading).dim()
    } else {
        Line::from(w.prompt_hint).dim()
    };
    Paragraph::new(vec![reason, pass, hint])
        .block(panel(format!("{title} {}", printable(&case.person.curp))))
        .render(area, buf);
}
