//! One person: identity, movements, biometric status and history, receipts.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::console::action::Action;
use crate::console::state::{App, ProofPhase};
use crate::console::widgets::{bar, panel};
use crate::workflows::types::CentralOutcome;

/// Draws a person's file.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let s = app.s();
    let Some(p) = &app.person else {
        Paragraph::new(s.loading)
            .block(panel(s.person_title))
            .render(area, buf);
        return;
    };
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let [ident, bio] = Layout::vertical([Constraint::Length(11), Constraint::Min(4)]).areas(left);
    let [hist, rest] = Layout::vertical([Constraint::Min(5), Constraint::Length(8)]).areas(right);
    let x = &p.summary;
    let id_lines = vec![
        Line::from(format!("{} {} {}", x.nombre, x.primer_apellido, x.segundo_apellido).bold()),
        Line::raw(format!("CURP  {}", x.curp)),
        Line::raw(format!("NSS   {}", x.nss)),
        Line::raw(format!("RFC   {}", x.rfc)),
        Line::raw(format!(
            "{}: {}   {}: {}   {}: {}",
            s.birth, x.fecha_nacimiento, s.sex, x.sexo, s.state, x.entidad
        )),
        Line::raw(format!(
            "{}: {}",
            s.employer,
            x.registro_patronal.clone().unwrap_or_else(|| "—".into())
        )),
        Line::raw(""),
        Line::from(
            format!("{}: {}", s.status, app.lang.status(&x.estado_biometrico))
                .bold()
                .yellow(),
        ),
    ];
    Paragraph::new(id_lines)
        .wrap(Wrap { trim: true })
        .block(panel(s.person_title))
        .render(ident, buf);
    let mut b = vec![
        Line::raw(format!(
            "{}: {}/10   {}: {}",
            s.fingers,
            p.fingers,
            s.photo,
            if p.face { s.yes } else { s.no }
        )),
        Line::raw(format!(
            "{}: {}",
            s.consent,
            p.consent.clone().unwrap_or_else(|| s.no.to_owned())
        )),
    ];
    if let Some(day) = &p.biometrics_erased_on {
        b.push(Line::raw(format!("{}: {day}", app.lang.arco().erased_on)));
    }
    if x.estado_biometrico == "rechazado" {
        b.push(Line::from(
            format!("{} {}", app.keymap.label(Action::Enroll), s.to_reopen)
                .cyan()
                .bold(),
        ));
    }
    if x.estado_biometrico == "pendiente" {
        b.push(Line::from(
            format!("{} {}", app.keymap.label(Action::Enroll), s.to_enroll)
                .cyan()
                .bold(),
        ));
    }
    if let Some(c) = &p.central {
        b.push(match (c.check.is_ok(), c.outcome) {
            (false, _) => Line::from(s.central_unverified.red()),
            (true, CentralOutcome::Registrado) => Line::from(s.central_registered.green().bold()),
            (true, CentralOutcome::EnRevision) => Line::from(s.central_review.yellow().bold()),
            (true, CentralOutcome::Duplicado) => Line::from(s.central_duplicate.red().bold()),
        });
    }
    if let Some(f) = p.proof_finger {
        b.push(Line::from(
            format!(
                "{} {} — {}",
                app.keymap.label(Action::Verify),
                s.proof_to_verify,
                app.lang.finger(f)
            )
            .cyan()
            .bold(),
        ));
    }
    if let Some(r) = &p.restriction {
        b.push(super::movement::restriction_line(app, r));
    }
    b.push(Line::from(
        format!(
            "{} {}",
            app.keymap.label(Action::Movement),
            app.lang.mv().to_record
        )
        .cyan(),
    ));
    match app.proof {
        Some(ProofPhase::Capturing(d, t)) if t > 0 => b.push(Line::from(
            format!("{} {}", s.proof_place, bar(d, t, 16)).yellow(),
        )),
        Some(ProofPhase::Capturing(..)) => b.push(Line::from(s.proof_place.yellow().bold())),
        Some(ProofPhase::Checking) => b.push(Line::from(s.proof_checking.cyan())),
        None => {}
    }
    for v in p.verifications.iter().rev().take(4) {
        let text = format!(
            "{}: {} {} {} {} {}",
            s.proof_title,
            app.lang.stamp(&v.at, app.utc_offset),
            app.lang.finger(v.finger),
            if v.matched { s.proof_yes } else { s.proof_no },
            v.score,
            v.officer
        );
        b.push(if v.matched {
            Line::from(text.green())
        } else {
            Line::from(text.red())
        });
    }
    Paragraph::new(b)
        .wrap(Wrap { trim: true })
        .block(panel(s.biometrics))
        .render(bio, buf);
    let h: Vec<Line> = p
        .history
        .iter()
        .rev()
        .map(|h| {
            let text = format!(
                "{}  {:<12} {}: {}",
                app.lang.stamp(&h.at, app.utc_offset),
                app.lang.status(h.status.as_str()),
                h.by,
                app.lang.status_reason(&h.reason)
            );
            if h.unverified {
                Line::from(format!("{text} [{}]", s.invalid_signature).red())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    Paragraph::new(h)
        .wrap(Wrap { trim: true })
        .block(panel(s.history))
        .render(hist, buf);
    let mut r: Vec<Line> = p
        .movements
        .iter()
        .rev()
        .map(|m| super::movement::history_line(app, m))
        .collect();
    for rc in &p.receipts {
        let text = format!(
            "{} {} · {} · {} · {} · {} {}",
            s.receipt,
            rc.folio,
            app.lang.decision(rc.decision),
            rc.supervisor,
            app.lang.stamp(&rc.signed_at, app.utc_offset),
            s.code,
            rc.code
        );
        r.push(Line::from(if rc.verified {
            text.green()
        } else {
            format!("{text} · {}", s.invalid_signature).red()
        }));
    }
    Paragraph::new(r)
        .wrap(Wrap { trim: true })
        .block(panel(s.movements_receipts))
        .render(rest, buf);
    super::movement::render_form(app, area, buf);
}
