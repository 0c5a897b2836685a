//! Lookup by NSS, CURP or name; the kind is detected from what is typed.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};

use crate::console::state::App;
use crate::console::update::parse_query;
use crate::console::widgets::panel;
use crate::workflows::lookup::Query;

/// Draws the lookup form and results.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let l = &app.lookup;
    let [form, results] = Layout::vertical([Constraint::Length(5), Constraint::Min(3)]).areas(area);
    let kind = match parse_query(&l.query) {
        Query::Nss(_) => s.kind_nss,
        Query::Curp(_) => s.kind_curp,
        Query::Name(_) => s.kind_name,
    };
    let mut lines = vec![
        Line::from(vec![
            format!("{}: ", s.lookup_prompt).into(),
            format!("{}▏", l.query).bold().underlined(),
        ]),
        Line::from(format!("{}: {kind}", s.detected).dim()),
    ];
    if let Some(e) = &l.error {
        lines.push(Line::from(e.clone().red()));
    }
    Paragraph::new(lines)
        .block(panel(s.lookup_title))
        .render(form, buf);
    if l.searched && l.results.is_empty() && l.error.is_none() {
        Paragraph::new(s.no_results)
            .block(panel(s.results))
            .render(results, buf);
        return;
    }
    let rows = l.results.iter().enumerate().map(|(i, p)| {
        let style = if i == l.selected {
            Style::new().reversed()
        } else {
            Style::new()
        };
        Row::new(vec![
            Cell::from(format!(
                "{} {} {}",
                p.nombre, p.primer_apellido, p.segundo_apellido
            )),
            Cell::from(p.curp.clone()),
            Cell::from(p.nss.clone()),
            Cell::from(app.lang.status(&p.estado_biometrico)),
        ])
        .style(style)
    });
    Table::new(
        rows,
        [
            Constraint::Min(24),
            Constraint::Length(19),
            Constraint::Length(12),
            Constraint::Length(14),
        ],
    )
    .header(Row::new(vec![s.name, "CURP", "NSS", s.status]).bold())
    .block(panel(s.results))
    .render(results, buf);
}
