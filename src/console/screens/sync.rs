//! Sync: hub and peers, the running round's progress per peer, the result line, conflicts to
//! resolve, and the people pending capture with the 30-day countdown before their procedures
//! are restricted.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget, Wrap};

use crate::console::i18n::Strings;
use crate::console::state::{App, PeerPhase, PeerProgress, Tone};
use crate::console::widgets::{bar, panel};

/// Draws the sync screen.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let y = &app.sync;
    let status_lines = status(app);
    let conflicts_h = if y.conflict_list.is_empty() {
        0
    } else {
        (y.conflict_list.len().min(5) + 3) as u16
    };
    // Wrapped lines take more rows: count them so the result line is never cut off
    // (word wrapping can need one more row than the character count says).
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let wrapped = status_lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner))
        .sum::<usize>();
    let slack = usize::from(wrapped > status_lines.len());
    let rows = u16::try_from(wrapped + slack + 2).unwrap_or(u16::MAX);
    let [top, conflicts, pending] = Layout::vertical([
        Constraint::Length(rows),
        Constraint::Length(conflicts_h),
        Constraint::Min(4),
    ])
    .areas(area);
    Paragraph::new(status_lines)
        .wrap(Wrap { trim: false })
        .block(panel(s.sync_title))
        .render(top, buf);
    if conflicts_h > 0 {
        render_conflicts(app, conflicts, buf);
    }
    render_pending(app, pending, buf);
}

fn status(app: &App) -> Vec<Line<'static>> {
    let s = app.s();
    let y = &app.sync;
    let mut lines = vec![Line::from(match &y.last {
        Some(t) => format!("{}: {}", s.synced_at, app.lang.stamp(t, app.utc_offset)).green(),
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
    if let Some(e) = &y.config_error {
        lines.push(Line::from(
            format!("{}: {}", s.sync_config_error, app.lang.sync_config_error(e)).red(),
        ));
    }
    let b = &app.backup;
    let line = app.lang.backup_line(&b.plan, b.running, app.utc_offset);
    lines.push(if b.plan.config_error.is_some() {
        Line::from(line.red())
    } else {
        Line::raw(line)
    });
    if let Some((Tone::Error, why)) = &b.result {
        lines.push(Line::from(why.clone().red()));
    }
    if y.running {
        let spin = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
        let i = usize::try_from(app.frame % 10).unwrap_or(0);
        lines.push(Line::from(format!("{} {}", spin[i], s.sync_running).cyan()));
    }
    if let Some(n) = y.prepared.filter(|n| *n > 0) {
        lines.push(Line::raw(format!("{}: {n}", s.sync_prepared)));
    }
    for r in &y.rounds {
        lines.push(peer_line(s, r));
    }
    if let Some((d, t)) = y.progress {
        lines.push(Line::from(
            format!("{} {}", s.progress, bar(d, t, 20)).cyan(),
        ));
    }
    lines.push(Line::raw(format!("{}: {}", s.conflicts, y.conflicts)));
    match &y.result {
        Some((tone, text)) => {
            let color = match tone {
                Tone::Ok => Color::Green,
                Tone::Error => Color::Red,
                Tone::Info => Color::Cyan,
            };
            lines.push(Line::styled(text.clone(), Style::new().fg(color).bold()));
        }
        None if !y.running => lines.push(Line::from(s.sync_start_hint.dark_gray())),
        None => {}
    }
    lines
}

fn peer_line(s: &Strings, r: &PeerProgress) -> Line<'static> {
    let state = match r.phase {
        PeerPhase::Waiting => Span::raw(s.sync_waiting.to_owned()).dark_gray(),
        PeerPhase::Running => Span::raw(format!(
            "{} {}/{} {}",
            bar(r.done, r.total.max(1), 16),
            r.done,
            r.total,
            s.sync_records
        ))
        .cyan(),
        PeerPhase::Retrying(a, of) => Span::raw(format!("{} {a}/{of}", s.sync_retrying)).yellow(),
        PeerPhase::Done(true) => Span::raw(format!(
            "{} ({} {})",
            s.sync_up_to_date, r.total, s.sync_records
        ))
        .green(),
        PeerPhase::Done(false) => Span::raw(s.sync_diverged.to_owned()).yellow(),
    };
    let mut spans = vec![Span::raw(format!("  {}  ", r.peer)).bold(), state];
    if r.blob_received > 0 || r.blob_sent > 0 {
        spans.push(Span::raw(format!(
            " · {}: {} {}, {} {}",
            s.sync_blobs,
            bytes(r.blob_received),
            s.sync_received,
            bytes(r.blob_sent),
            s.sync_sent
        )));
    }
    Line::from(spans)
}

/// Bytes as B / KiB / MiB.
fn bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / f64::from(1u32 << 20))
    } else if n >= 1 << 10 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

fn render_conflicts(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let rows = app.sync.conflict_list.iter().take(5).map(|c| {
        let ids: Vec<String> = c
            .records
            .iter()
            .map(|r| r.chars().take(8).collect())
            .collect();
        Row::new(vec![
            Cell::from(c.kind.clone().yellow()),
            Cell::from(ids.join(" + ")),
            Cell::from(c.detail.clone()),
        ])
    });
    Table::new(
        rows,
        [
            Constraint::Length(22),
            Constraint::Length(19),
            Constraint::Min(10),
        ],
    )
    .block(panel(format!(
        "{} ({})",
        s.conflict_list,
        app.sync.conflict_list.len()
    )))
    .render(area, buf);
}

fn render_pending(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let y = &app.sync;
    let rows = y.pending.iter().map(|p| {
        let days = match p.days_left {
            None => Cell::from(s.not_notified),
            Some(d) if d < 0 => Cell::from(format!("{} {}", s.overdue, -d).red()),
            Some(d) if d <= 5 => Cell::from(format!("{d} {}", s.days).yellow()),
            Some(d) => Cell::from(format!("{d} {}", s.days)),
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
    .render(area, buf);
}
