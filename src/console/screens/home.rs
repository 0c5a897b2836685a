//! Home: today's work and drafts, pending approvals, devices, sync age and deadlines.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::console::action::Action;
use crate::console::state::App;
use crate::console::widgets::panel;

/// Draws the home screen.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let [work, approvals] =
        Layout::vertical([Constraint::Min(6), Constraint::Length(5)]).areas(left);
    let [devices, sync] =
        Layout::vertical([Constraint::Length(6), Constraint::Min(5)]).areas(right);
    let k = |a: Action| app.keymap.label(a);

    let mut lines = Vec::new();
    match &app.home {
        None => lines.push(Line::from(s.loading.dim())),
        Some(h) => {
            lines.push(Line::from(format!("{}: {}", s.people, h.people)));
            let counts: Vec<String> = h
                .counts
                .iter()
                .map(|c| format!("{} {}", app.lang.status(c.status.as_str()), c.count))
                .collect();
            // Two lines of three, so the counts fit at 80 columns.
            for row in counts.chunks(3) {
                lines.push(Line::from(row.join(" · ")));
            }
            lines.push(Line::raw(""));
            if !h.recaptures.is_empty() {
                lines.push(Line::from(format!("{}:", s.recaptures).yellow().bold()));
                for r in h.recaptures.iter().take(4) {
                    let fingers: Vec<&str> =
                        r.fingers.iter().map(|f| app.lang.finger(*f)).collect();
                    let what = if fingers.is_empty() {
                        s.recapture_all.to_owned()
                    } else {
                        fingers.join(", ")
                    };
                    lines.push(Line::raw(format!("  • {} {} — {what}", r.name, r.curp)));
                    if !r.reason.is_empty() {
                        lines.push(Line::from(format!("    {}: {}", r.by, r.reason).dim()));
                    }
                }
            }
            if h.drafts.is_empty() {
                lines.push(Line::from(s.no_drafts.dim()));
            } else {
                lines.push(Line::from(
                    format!("{} ({} {}):", s.drafts, k(Action::Resume), s.to_resume).bold(),
                ));
                for d in h.drafts.iter().take(5) {
                    lines.push(Line::raw(format!(
                        "  • {} — {}/10 {}",
                        d.name, d.fingers, s.fingers
                    )));
                }
            }
            lines.push(Line::raw(""));
            lines.push(Line::from(
                format!("{} {} {}", k(Action::Lookup), s.to_lookup, s.lookup_hint).cyan(),
            ));
        }
    }
    Paragraph::new(lines)
        .block(panel(s.todays_work))
        .render(work, buf);

    let pending = app.home.as_ref().map_or(0, |h| h.backlog);
    let can = app.user.as_ref().is_some_and(|u| u.role.can_supervise());
    let oldest = app
        .home
        .as_ref()
        .and_then(|h| h.oldest_waiting.as_deref())
        .map(|t| format!(" ({} {})", s.oldest, app.lang.ago(t, &app.wall)))
        .unwrap_or_default();
    let mut a = vec![Line::from(
        format!("{}: {pending}{oldest}", s.waiting_approval).bold(),
    )];
    if can {
        a.push(Line::from(
            format!("{} {}", k(Action::Queue), s.to_review).cyan(),
        ));
    } else {
        a.push(Line::from(s.only_supervisors.dim()));
    }
    Paragraph::new(a)
        .wrap(Wrap { trim: true })
        .block(panel(s.approvals))
        .render(approvals, buf);

    let dev = |label: &str, v: &Option<String>| match v {
        Some(d) => Line::from(format!("● {label}: {d}").green()),
        None => Line::from(format!("○ {label}: {}", s.not_connected).red()),
    };
    let mut d = vec![
        dev(s.scanner, &app.devices.scanner),
        dev(s.camera, &app.devices.camera),
    ];
    if let Some(p) = &app.devices.problem {
        d.push(Line::from(p.clone().yellow()));
    }
    if app.devices.self_testing {
        d.push(Line::from(s.self_test_running.yellow()));
    }
    for t in &app.devices.self_test {
        let label = match t.kind {
            crate::workflows::self_test::DeviceKind::Escaner => s.scanner,
            crate::workflows::self_test::DeviceKind::Camara => s.camera,
        };
        d.push(match t.fault {
            None => Line::from(format!("{} {label}: {}", s.self_test, s.self_test_passed).green()),
            Some(f) => Line::from(
                format!(
                    "{} {label}: {} — {}",
                    s.self_test,
                    s.self_test_failed,
                    app.lang.self_test_fault(f)
                )
                .red(),
            ),
        });
    }
    Paragraph::new(d)
        .block(panel(s.devices))
        .render(devices, buf);

    let last = app
        .sync
        .last
        .as_deref()
        .or(app.home.as_ref().and_then(|h| h.last_sync.as_deref()));
    let mut y = vec![Line::from(match last {
        Some(t) => format!("{}: {}", s.synced_at, app.lang.ago(t, &app.wall)),
        None => s.never_synced.to_owned(),
    })];
    if let Some(h) = &app.home {
        let count = |st: crate::workflows::types::BiometricStatus| {
            h.counts
                .iter()
                .find(|c| c.status == st)
                .map_or(0, |c| c.count)
        };
        y.push(Line::from(
            format!(
                "{}: {} ({})",
                s.pending_capture,
                count(crate::workflows::types::BiometricStatus::Pendiente),
                s.deadline_30
            )
            .yellow(),
        ));
    }
    y.push(Line::from(
        format!("{} {}", k(Action::Sync), s.to_sync).cyan(),
    ));
    Paragraph::new(y)
        .wrap(Wrap { trim: true })
        .block(panel(s.sync_title))
        .render(sync, buf);
}
