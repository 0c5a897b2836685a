//! The enrollment wizard: identity → consent → ten fingers → photo → duplicates → submit.

use huella_sync::FingerPosition;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use crate::console::action::Action;
use crate::console::state::{App, EnrollState, EnrollStep, Phase};
use crate::console::widgets::{bar, centred, halfblocks, panel};
use crate::workflows::enroll::{MAX_ATTEMPTS, QUALITY_THRESHOLD};

/// Draws the wizard.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let Some(e) = &app.enroll else { return };
    let [top, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(5)]).areas(area);
    let steps = [
        (EnrollStep::Identity, s.step_identity),
        (EnrollStep::Consent, s.step_consent),
        (EnrollStep::Fingers, s.step_fingers),
        (EnrollStep::Face, s.step_face),
        (EnrollStep::Duplicates, s.step_duplicates),
        (EnrollStep::Done, s.step_done),
    ];
    let mut spans = Vec::new();
    for (i, (st, label)) in steps.iter().enumerate() {
        let text = format!(" {} {label} ", i + 1);
        spans.push(if *st == e.step {
            Span::styled(text, Style::new().reversed().bold())
        } else {
            Span::raw(text)
        });
        if i < steps.len() - 1 {
            spans.push(Span::raw("›"));
        }
    }
    Paragraph::new(vec![Line::from(spans)])
        .block(panel(format!(
            "{} · {} · {}",
            s.enroll_title, e.name, e.curp
        )))
        .render(top, buf);
    match e.step {
        EnrollStep::Identity => identity(app, e, body, buf),
        EnrollStep::Consent => consent(app, body, buf),
        EnrollStep::Fingers => fingers(app, e, body, buf),
        EnrollStep::Face => face(app, e, body, buf),
        EnrollStep::Duplicates => duplicates(app, e, body, buf),
        EnrollStep::Done => done(app, e, body, buf),
    }
}

fn identity(app: &App, e: &EnrollState, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let done = e.fingers.iter().filter(|f| f.done).count();
    let mut lines = vec![
        Line::from(e.name.clone().bold()),
        Line::raw(format!(
            "CURP {}   NSS {}   {} {}",
            e.curp, e.nss, s.birth, e.birth
        )),
        Line::raw(""),
        Line::from(s.confirm_identity.bold()),
    ];
    if done > 0 || e.face_saved {
        lines.push(Line::from(
            format!("{} {done}/10 {}", s.resuming, s.fingers).yellow(),
        ));
    }
    lines.push(Line::from(format!("Enter {}", s.to_continue).cyan()));
    Paragraph::new(lines)
        .block(panel(s.step_identity))
        .render(area, buf);
}

fn consent(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let lines = vec![
        Line::from(s.notice_title.bold()),
        Line::raw(""),
        Line::raw(s.notice_text),
        Line::raw(""),
        Line::from(
            format!(
                "{}: {}",
                s.notice_version,
                crate::workflows::enroll::NOTICE_VERSION
            )
            .dim(),
        ),
        Line::raw(""),
        Line::from(
            format!(
                "Enter {}   {} {}",
                s.consent_yes,
                app.keymap.label(Action::Decline),
                s.consent_no
            )
            .cyan(),
        ),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(panel(s.step_consent))
        .render(area, buf);
}

fn finger_name(app: &App, p: FingerPosition) -> &'static str {
    app.lang.finger(p)
}

fn fingers(app: &App, e: &EnrollState, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let [list, live] =
        Layout::horizontal([Constraint::Length(40), Constraint::Min(30)]).areas(area);
    let lines: Vec<Line> = FingerPosition::ALL
        .iter()
        .zip(&e.fingers)
        .enumerate()
        .map(|(i, (p, slot))| {
            let mark = if i == e.current { "▶" } else { " " };
            let state = match (slot.done, slot.exception, slot.quality) {
                (true, Some(k), _) => format!("✗ {}", app.lang.exception(k)),
                (true, None, Some(q)) => format!("✓ {} {q}", s.quality_short),
                (false, _, Some(q)) => format!("… {} {q}", s.best_short),
                _ => "·".to_owned(),
            };
            let line = format!("{mark}{:>2} {:<18} {state}", i + 1, finger_name(app, *p));
            if i == e.current {
                Line::from(line.bold())
            } else if slot.done {
                Line::from(line.green())
            } else {
                Line::raw(line)
            }
        })
        .collect();
    let done = e.fingers.iter().filter(|f| f.done).count();
    Paragraph::new(lines)
        .block(panel(format!("{} {done}/10", s.fingers)))
        .render(list, buf);

    let slot = e.fingers[e.current];
    let [text, image] = Layout::vertical([Constraint::Length(7), Constraint::Min(3)]).areas(live);
    let pos = FingerPosition::ALL[e.current];
    let mut t = vec![Line::from(
        format!("{} {}", s.place_finger, finger_name(app, pos)).bold(),
    )];
    t.push(match &e.phase {
        Phase::Idle => Line::raw(""),
        Phase::Waiting => Line::from(s.waiting_finger.cyan()),
        Phase::Reading(d, total) => {
            Line::from(format!("{} {}", s.reading, bar(*d, *total, 20)).cyan())
        }
        Phase::Evaluating => Line::from(s.evaluating.cyan()),
        Phase::Low => Line::from(s.low_quality.yellow()),
        Phase::Failed(m) => Line::from(m.clone().red()),
    });
    let last = match &e.last_quality {
        Some(Ok(q)) => format!(
            "{} {q} ({} {QUALITY_THRESHOLD})",
            s.last_quality, s.threshold
        ),
        Some(Err(why)) => format!("{}: {why}", s.unusable),
        None => String::new(),
    };
    t.push(Line::raw(last));
    t.push(Line::raw(format!(
        "{}: {}/{MAX_ATTEMPTS}   {}: {}",
        s.attempts,
        slot.attempts,
        s.best_so_far,
        slot.quality.map_or("—".to_owned(), |q| q.to_string())
    )));
    let k = |a| app.keymap.label(a);
    t.push(Line::from(
        format!(
            "{} {}  {} {}  {} {}  ←/→ {}",
            k(Action::Retry),
            s.retry,
            k(Action::AcceptBest),
            s.accept_best,
            k(Action::Exception),
            s.exception,
            s.other_finger
        )
        .dim(),
    ));
    Paragraph::new(t).block(panel(s.capture)).render(text, buf);
    let img_block = panel(s.last_image);
    let inner = img_block.inner(image);
    img_block.render(image, buf);
    if let Some(img) = &e.last_image {
        halfblocks(img, inner, buf);
    }
    if let Some(p) = &e.exception {
        let rect = centred(area, 56, 9);
        Clear.render(rect, buf);
        let kind = p.kind.map_or(s.choose_kind.to_owned(), |k| {
            app.lang.exception(k).to_owned()
        });
        Paragraph::new(vec![
            Line::from(format!("{} — {}", s.exception_for, finger_name(app, pos)).bold()),
            Line::raw(format!(
                "1 {}  2 {}  3 {}",
                s.ex_amputado, s.ex_lesionado, s.ex_ilegible
            )),
            Line::from(format!("{}: {kind}", s.kind).yellow()),
            Line::from(vec![
                format!("{}: ", s.note).into(),
                format!("{}▏", p.note).underlined(),
            ]),
            Line::raw(""),
            Line::from(format!("Enter {}   Esc {}", s.save, s.cancel).cyan()),
        ])
        .block(panel(s.exception))
        .render(rect, buf);
    }
}

fn face(app: &App, e: &EnrollState, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let [img, checks] =
        Layout::horizontal([Constraint::Length(30), Constraint::Min(30)]).areas(area);
    let b = panel(s.photo);
    let inner = b.inner(img);
    b.render(img, buf);
    if let Some(c) = &e.face {
        halfblocks(&c.thumb, inner, buf);
    }
    let mut lines = vec![match &e.phase {
        Phase::Waiting => Line::from(s.taking_photo.cyan()),
        Phase::Reading(d, t) => Line::from(format!("{} {}", s.reading, bar(*d, *t, 20)).cyan()),
        Phase::Evaluating => Line::from(s.evaluating.cyan()),
        Phase::Failed(m) => Line::from(m.clone().red()),
        _ => Line::raw(s.face_instructions),
    }];
    if let Some(c) = &e.face {
        for (kind, ok) in &c.checks {
            let l = format!(
                "{} {}",
                if *ok { "✓" } else { "✗" },
                app.lang.face_check(*kind)
            );
            lines.push(if *ok {
                Line::from(l.green())
            } else {
                Line::from(l.red())
            });
        }
        lines.push(Line::from(format!("{}: {}", s.quality, c.quality).bold()));
        lines.push(Line::from(if c.passed() {
            s.face_ok.green()
        } else {
            s.face_failed.red()
        }));
    }
    lines.push(Line::from(
        format!(
            "Enter {}   {} {}",
            s.accept,
            app.keymap.label(Action::Retry),
            s.retake
        )
        .cyan(),
    ));
    Paragraph::new(lines)
        .block(panel(s.face_checks))
        .render(checks, buf);
}

fn duplicates(app: &App, e: &EnrollState, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let mut lines = Vec::new();
    match &e.duplicates {
        None => lines.push(Line::from(s.searching_dups.cyan())),
        Some(d) if d.is_empty() => lines.push(Line::from(s.no_dups.green())),
        Some(d) => {
            lines.push(Line::from(s.possible_dups.yellow().bold()));
            for h in d {
                lines.push(Line::raw(format!(
                    "  {} {} ({} {:.2})",
                    h.name, h.curp, s.score, h.score
                )));
            }
            lines.push(Line::from(s.dups_to_supervisor.dim()));
        }
    }
    let done = e.fingers.iter().filter(|f| f.done).count();
    let ex = e.fingers.iter().filter(|f| f.exception.is_some()).count();
    lines.push(Line::raw(""));
    lines.push(Line::raw(format!(
        "{}: {done}/10 · {}: {ex} · {}: {}",
        s.fingers,
        s.exceptions,
        s.photo,
        if e.face_saved { s.yes } else { s.no }
    )));
    if e.duplicates.is_some() {
        lines.push(Line::from(format!("Enter {}", s.submit).cyan().bold()));
    }
    Paragraph::new(lines)
        .block(panel(s.step_duplicates))
        .render(area, buf);
}

fn done(app: &App, e: &EnrollState, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let folio = e.folio.clone().unwrap_or_default();
    let ex = e.fingers.iter().filter(|f| f.exception.is_some()).count();
    let lines = vec![
        Line::from(s.submitted.green().bold()),
        Line::raw(""),
        Line::raw(format!("{}: {folio}", s.folio)),
        Line::raw(format!("{}: {}   CURP: {}", s.name, e.name, e.curp)),
        Line::raw(format!(
            "{}: {}/10 · {}: {ex}",
            s.fingers,
            10 - ex,
            s.exceptions
        )),
        Line::raw(format!("{}: {}", s.status, app.lang.status("capturado"))),
        Line::raw(""),
        Line::from(format!("Enter {}", s.back_home).cyan()),
    ];
    Paragraph::new(lines)
        .block(panel(s.receipt))
        .render(area, buf);
}
