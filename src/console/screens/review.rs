//! Review of one capture: ten fingers and the face side by side with qualities, exceptions and
//! possible duplicates; the decision prompt with re-authentication.

use crate::workflows::types::Decision;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use crate::console::action::Action;
use crate::console::state::App;
use crate::console::widgets::{bar, centred, halfblocks, mask, panel};

/// Draws the review.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let Some(r) = &app.review else { return };
    let v = &r.review;
    let [grid, side] =
        Layout::horizontal([Constraint::Min(50), Constraint::Length(42)]).areas(area);
    let outer = panel(format!(
        "{} · {}",
        s.review_title,
        v.identity.nombre_completo()
    ));
    let inner = outer.inner(grid);
    outer.render(grid, buf);
    let rows = Layout::vertical([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).split(inner);
    for (hand, row) in rows.iter().enumerate() {
        let cols = Layout::horizontal([Constraint::Ratio(1, 5); 5]).split(*row);
        for (i, col) in cols.iter().enumerate() {
            let n = hand * 5 + i;
            let Some((c, thumb)) = v
                .fingers
                .iter()
                .find(|f| usize::from(f.capture.position.code()) == n + 1)
                .map(|f| (&f.capture, &f.thumb))
            else {
                Paragraph::new(format!("{} —", n + 1)).render(*col, buf);
                continue;
            };
            let label = match &c.exception {
                Some((k, _)) => format!("{} ✗{}", n + 1, app.lang.exception(*k)),
                None => format!("{} {}{}", n + 1, s.quality_short, c.quality),
            };
            let [img, text] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(*col);
            halfblocks(thumb, img, buf);
            let line = if n == r.finger {
                Line::from(label.reversed())
            } else {
                Line::raw(label)
            };
            Paragraph::new(line).render(text, buf);
        }
    }
    let [face, info] = Layout::vertical([Constraint::Length(14), Constraint::Min(5)]).areas(side);
    let fb = panel(s.photo);
    let fi = fb.inner(face);
    fb.render(face, buf);
    if let Some(f) = &v.face {
        halfblocks(&f.thumb, fi, buf);
    }
    let mut lines = vec![
        Line::raw(format!("CURP {}", v.identity.curp)),
        Line::raw(format!("{}: {}", s.captured_by, v.officers.join(", "))),
    ];
    if let Some(f) = r
        .review
        .fingers
        .iter()
        .map(|f| &f.capture)
        .find(|c| usize::from(c.position.code()) == r.finger + 1)
    {
        if let Some((k, note)) = &f.exception {
            lines.push(Line::from(
                format!("{}: {} — {note}", s.exception, app.lang.exception(*k)).yellow(),
            ));
        } else {
            lines.push(Line::raw(format!("{}: {}", s.attempts, f.attempts)));
        }
    }
    if v.duplicates.is_empty() {
        lines.push(Line::from(s.no_dups.green()));
    } else {
        lines.push(Line::from(s.possible_dups.yellow().bold()));
        for d in &v.duplicates {
            lines.push(Line::raw(format!(" {} {}", d.name, d.curp)));
        }
    }
    if r.own {
        lines.push(Line::from(s.own_capture.red().bold()));
    } else {
        let k = |a| app.keymap.label(a);
        lines.push(Line::from(
            format!(
                "{} {}  {} {}  {} {}",
                k(Action::Approve),
                s.approve,
                k(Action::Reject),
                s.reject,
                k(Action::Recapture),
                s.recapture
            )
            .cyan(),
        ));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(panel(s.evidence))
        .render(info, buf);
    if let Some(p) = &r.prompt {
        let rect = centred(area, 60, 9);
        Clear.render(rect, buf);
        let title = match p.decision {
            Decision::Aprobar => s.approve,
            Decision::Rechazar => s.reject,
            Decision::Recapturar => s.recapture,
        };
        let cur = |on: bool, t: String| {
            if on {
                Line::from(t.bold().underlined())
            } else {
                Line::raw(t)
            }
        };
        // The passphrase comes first and has the cursor when the prompt opens, so a
        // passphrase typed out of habit never lands in the reason (shown to every officer).
        let target = match p.decision {
            Decision::Recapturar => format!(
                "{}: {}",
                s.recapture_finger,
                app.lang
                    .finger(crate::workflows::types::FingerPosition::ALL[r.finger.min(9)])
            ),
            _ => String::new(),
        };
        Paragraph::new(vec![
            Line::from(format!("{title} — {}", v.identity.nombre_completo()).bold()),
            cur(
                p.on_pass,
                format!("{}: {}", s.reauth, mask(p.pass.as_str())),
            ),
            cur(!p.on_pass, format!("{}: {}", s.reason, p.reason)),
            Line::raw(target),
            Line::from(if let Some((d, t)) = p.finger {
                if t == 0 {
                    s.reauth_finger.yellow().bold()
                } else {
                    format!("{} {}", s.reauth_finger, bar(d, t, 16))
                        .yellow()
                        .bold()
                }
            } else if p.busy {
                s.checking.cyan()
            } else {
                format!("Enter {}   Tab {}   Esc {}", s.sign, s.next_field, s.cancel).cyan()
            }),
        ])
        .block(panel(s.decision))
        .render(rect, buf);
    }
}
