//! Small drawing helpers shared by the screens: halfblock images, key hints, the help
//! overlay, framed panels and centred popups. Pure functions of their inputs.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};

use super::action::Action;
use super::keymap::{GLOBAL, actions_of};
use super::state::App;
use crate::workflows::enroll::Thumb;

/// A bordered panel with a title.
pub fn panel<'a>(title: impl Into<String>) -> Block<'a> {
    let title: String = title.into();
    Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Span::styled(format!(" {title} "), Style::new().bold()))
}

/// Draws a grey image with "▀" halfblocks (two pixels per cell), fitted and centred.
pub fn halfblocks(thumb: &Thumb, area: Rect, buf: &mut Buffer) {
    let (w, h) = (usize::from(thumb.width), usize::from(thumb.height));
    if w == 0 || h == 0 || area.width == 0 || area.height == 0 {
        return;
    }
    let cols = usize::from(area.width);
    let rows2 = usize::from(area.height) * 2;
    let scale = (w as f32 / cols as f32).max(h as f32 / rows2 as f32);
    let out_w = ((w as f32 / scale) as usize).clamp(1, cols);
    let out_h = ((h as f32 / scale) as usize).clamp(1, rows2);
    let x0 = area.x + ((cols - out_w) / 2) as u16;
    let y0 = area.y + ((rows2 - out_h) / 4) as u16;
    let px = |x: usize, y: usize| {
        let sx = ((x as f32 * scale) as usize).min(w - 1);
        let sy = ((y as f32 * scale) as usize).min(h - 1);
        let v = thumb.at(sx, sy);
        Color::Rgb(v, v, v)
    };
    for cy in 0..out_h.div_ceil(2) {
        for cx in 0..out_w {
            let (x, y) = (x0 + cx as u16, y0 + cy as u16);
            if !area.contains((x, y).into()) {
                continue;
            }
            let top = px(cx, cy * 2);
            let bottom = if cy * 2 + 1 < out_h {
                px(cx, cy * 2 + 1)
            } else {
                Color::Reset
            };
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.set_symbol("▀").set_fg(top).set_bg(bottom);
            }
        }
    }
}

/// A text progress bar `[#####.....] 50 %`.
pub fn bar(done: usize, total: usize, width: usize) -> String {
    let total = total.max(1);
    let filled = (done.min(total) * width) / total;
    format!(
        "[{}{}] {:>3} %",
        "█".repeat(filled),
        "·".repeat(width - filled),
        done.min(total) * 100 / total
    )
}

/// The key-hint line of the current screen.
pub fn hints(app: &App) -> Line<'static> {
    let mut spans = Vec::new();
    let shown: Vec<Action> = actions_of(app.screen)
        .iter()
        .copied()
        .filter(|a| !matches!(a, Action::Up | Action::Down | Action::Left | Action::Right))
        .take(6)
        .chain([Action::Help, Action::Back])
        .collect();
    for a in shown {
        spans.push(Span::styled(
            format!(" {} ", app.keymap.label(a)),
            Style::new().add_modifier(Modifier::REVERSED),
        ));
        spans.push(Span::raw(format!(" {}  ", app.lang.action(a))));
    }
    Line::from(spans)
}

/// A rectangle of `w × h` centred in `area`.
pub fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// The help overlay: every key of the current screen.
pub fn help(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let mut lines = vec![Line::from(s.help_intro.italic()), Line::raw("")];
    for a in actions_of(app.screen).iter().chain(&GLOBAL) {
        let keys: Vec<String> = app.keymap.keys(*a).iter().map(|k| k.label()).collect();
        lines.push(Line::from(vec![
            Span::styled(format!("{:<16}", keys.join(", ")), Style::new().bold()),
            Span::raw(app.lang.action(*a)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(s.help_config.italic()));
    let h = lines.len() as u16 + 2;
    let rect = centred(area, 64, h);
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(panel(s.help_title))
        .render(rect, buf);
}

/// Masks a passphrase.
pub fn mask(text: &str) -> String {
    "•".repeat(text.chars().count())
}
