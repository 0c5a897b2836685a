//! Rendering: a pure function of the [`App`]. Never blocks, never does I/O.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::screens;
use super::state::{App, Screen, Tone};
use super::widgets;

/// Draws the whole console.
pub fn render(app: &App, frame: &mut Frame) {
    let [top, body, toast, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    frame.render_widget(header(app, top.width), top);
    let buf = frame.buffer_mut();
    match app.screen {
        Screen::Login => screens::login::render(app, body, buf),
        Screen::Home => screens::home::render(app, body, buf),
        Screen::Lookup => screens::lookup::render(app, body, buf),
        Screen::Person => screens::person::render(app, body, buf),
        Screen::Enroll => screens::enroll::render(app, body, buf),
        Screen::Queue => screens::queue::render(app, body, buf),
        Screen::Review => screens::review::render(app, body, buf),
        Screen::Sync => screens::sync::render(app, body, buf),
        Screen::Arco => screens::arco::render(app, body, buf),
        Screen::Central => screens::central::render(app, body, buf),
    }
    if let Some((tone, text)) = &app.toast {
        let color = match tone {
            Tone::Info => Color::Cyan,
            Tone::Ok => Color::Green,
            Tone::Error => Color::Red,
        };
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(
                format!(" {text}"),
                Style::new().fg(color).bold(),
            ))),
            toast,
        );
    }
    frame.render_widget(Paragraph::new(widgets::hints(app, keys.width)), keys);
    if app.help {
        widgets::help(app, body, frame.buffer_mut());
    }
}

fn header(app: &App, width: u16) -> Paragraph<'static> {
    let s = app.s();
    let who = app.user.as_ref().map_or_else(
        || s.not_logged_in.to_owned(),
        |u| format!("{} ({})", u.user, app.lang.role(u.role)),
    );
    let last = app
        .sync
        .last
        .as_deref()
        .or(app.home.as_ref().and_then(|h| h.last_sync.as_deref()));
    let sync = last.map_or_else(
        || s.never_synced.to_owned(),
        |t| format!("{} {}", s.synced_at, app.lang.ago(t, &app.wall)),
    );
    let full = format!(
        " {} {} · {} │ {} │ {} │ {}",
        s.office,
        app.station.office,
        app.station.station,
        app.lang.screen(app.screen),
        who,
        sync
    );
    // Narrow terminals drop the "Oficina" label and the role so the sync age stays visible.
    let text = if full.chars().count() + 8 > usize::from(width) {
        let who = app
            .user
            .as_ref()
            .map_or(s.not_logged_in, |u| u.user.as_str());
        format!(
            " {}·{} │ {} │ {} │ {}",
            app.station.office,
            app.station.station,
            app.lang.screen(app.screen),
            who,
            sync
        )
    } else {
        full
    };
    Paragraph::new(Line::from(vec![
        Span::styled(" huella ", Style::new().reversed().bold()),
        Span::raw(text),
    ]))
}
