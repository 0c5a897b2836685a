//! The constancia de vigencia de derechos, computed from the record's movements: entitled
//! (vigente) with an active alta; after a baja, entitled for 8 more weeks when the person had
//! at least 8 weeks of uninterrupted contributions right before it (Ley del Seguro Social,
//! art. 109). The imported pre-registration counts as the first alta. It shows the biometric
//! status and, when restricted, "Trámite restringido por falta de biometría".
//!
//! Decided: the uninterrupted period before a baja is that relationship's own alta → baja
//! (an earlier employer whose baja falls the day before the next alta is not chained);
//! "8 weeks after" is 56 calendar days, the baja day excluded. Owns the rule and the issue;
//! it must not render.

use huella_sync::time::days_from_civil;
use huella_sync::{
    AuditAction, BiometricStatus, Movement, MovementKind, PreRegistration, RecordId,
};

use super::log::{attach, new_folio, state_of};
use super::payload::{DocumentKind, Payload, SignedPayload};
use super::{DocumentError, wording as w};
use crate::workflows::session::Session;

/// Weeks of uninterrupted contributions needed to keep rights after a baja.
pub const WEEKS_NEEDED: i64 = 8;
/// Days rights are kept after the baja.
pub const DAYS_KEPT: i64 = 56;

/// Entitlement on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vigencia {
    /// Entitled on that date.
    pub vigente: bool,
    /// An active alta (employer registration, since) when there is one.
    pub active: Option<(String, String)>,
    /// The latest baja (date) when there is no active alta.
    pub last_baja: Option<String>,
    /// Uninterrupted weeks of contributions before that baja.
    pub weeks_before_baja: i64,
    /// Last day of entitlement when it is kept after a baja.
    pub until: Option<String>,
}

/// Days since 1970-01-01 of `YYYY-MM-DD` (`None` when it is not a date).
fn day(date: &str) -> Option<i64> {
    let mut it = date.get(..10)?.split('-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    Some(days_from_civil(y, m, d))
}

fn date_of(days: i64) -> String {
    let (y, m, d) = huella_sync::time::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The entitlement on `today` (`YYYY-MM-DD`) from the movements and the pre-registration.
pub fn vigencia(movements: &[Movement], pre: Option<&PreRegistration>, today: &str) -> Vigencia {
    // (employer, alta day) of each open relationship; movements in effective-date order.
    let mut moves: Vec<&Movement> = movements.iter().collect();
    moves.sort_by(|a, b| (&a.fecha, &a.registrado_en).cmp(&(&b.fecha, &b.registrado_en)));
    let mut open: Vec<(String, i64)> = Vec::new();
    if let Some(p) = pre
        && let Some(d) = day(&p.fecha_alta)
        && !moves.iter().any(|m| {
            m.kind == MovementKind::Alta
                && m.registro_patronal == p.registro_patronal
                && m.fecha == p.fecha_alta
        })
    {
        open.push((p.registro_patronal.clone(), d));
    }
    let now = day(today).unwrap_or(i64::MIN);
    let mut last_baja: Option<(i64, i64)> = None; // (baja day, weeks before it)
    for m in moves {
        let Some(d) = day(&m.fecha) else { continue };
        if d > now {
            continue;
        }
        match m.kind {
            MovementKind::Alta => open.push((m.registro_patronal.clone(), d)),
            MovementKind::Baja => {
                // A baja ends the relationship with its employer (or, unnamed, the latest).
                let pos = open
                    .iter()
                    .rposition(|(e, _)| *e == m.registro_patronal)
                    .or_else(|| open.len().checked_sub(1));
                if let Some(i) = pos {
                    let (_, since) = open.remove(i);
                    last_baja = Some((d, (d - since) / 7));
                }
            }
            _ => {}
        }
    }
    if let Some((employer, since)) = open.first() {
        return Vigencia {
            vigente: true,
            active: Some((employer.clone(), date_of(*since))),
            last_baja: None,
            weeks_before_baja: 0,
            until: None,
        };
    }
    match last_baja {
        Some((baja, weeks)) => {
            let kept = weeks >= WEEKS_NEEDED;
            let until = baja + DAYS_KEPT;
            Vigencia {
                vigente: kept && now <= until,
                active: None,
                last_baja: Some(date_of(baja)),
                weeks_before_baja: weeks,
                until: kept.then(|| date_of(until)),
            }
        }
        None => Vigencia {
            vigente: false,
            active: None,
            last_baja: None,
            weeks_before_baja: 0,
            until: None,
        },
    }
}

/// Issues the constancia of record `id` as of today (UTC), stores it in the record and
/// commits (audited as an export of the person's data).
pub fn issue(session: &Session, id: RecordId) -> Result<SignedPayload, DocumentError> {
    let keys = session.keys();
    let mut open = session.store.open_record(&keys, id)?;
    let record = &mut open.record;
    let identity = record.identity()?;
    let now = huella_sync::time::now_utc();
    let today = now.get(..10).unwrap_or_default().to_owned();
    let v = vigencia(
        &record.movements()?,
        record.pre_registration()?.as_ref(),
        &today,
    );
    let status = record.status()?;
    let mut lines: Vec<(String, String)> = vec![
        (w::AS_OF.into(), today.clone()),
        (
            w::ENTITLEMENT.into(),
            if v.vigente { w::VIGENTE } else { w::NO_VIGENTE }.into(),
        ),
    ];
    match (&v.active, &v.last_baja) {
        (Some((employer, since)), _) => {
            lines.push((w::BASIS.into(), w::BASIS_ALTA.into()));
            lines.push((w::EMPLOYER.into(), format!("{employer} (desde {since})")));
        }
        (None, Some(baja)) => {
            lines.push((
                w::BASIS.into(),
                if v.vigente {
                    w::BASIS_KEPT
                } else {
                    w::BASIS_NONE
                }
                .into(),
            ));
            lines.push((w::LAST_BAJA.into(), baja.clone()));
            lines.push((w::WEEKS.into(), v.weeks_before_baja.to_string()));
            if let Some(until) = &v.until {
                lines.push((w::UNTIL.into(), until.clone()));
            }
        }
        (None, None) => lines.push((w::BASIS.into(), w::BASIS_NONE.into())),
    }
    lines.push((w::STATUS.into(), status.as_str().into()));
    if status == BiometricStatus::Restringido {
        lines.push((w::RESTRICTION.into(), w::RESTRICTED.into()));
    }
    let payload = Payload {
        kind: DocumentKind::Constancia,
        folio: new_folio(session)?,
        office: session.credential.station.office().to_owned(),
        station: session.credential.station.station().to_owned(),
        issued_at: now.clone(),
        officer: session.credential.officer.user().to_owned(),
        supervisor: String::new(),
        curp: identity.curp.clone(),
        name: identity.nombre_completo(),
        state_hash: state_of(record)?,
        lines,
    };
    let signed = attach(session, record, payload)?;
    let record_tags = crate::workflows::enroll::tags(session, &open.record);
    let mut batch = session.store.batch();
    batch.save_record(&keys, &mut open, record_tags)?;
    batch.audit(
        AuditAction::Exportacion,
        &[id],
        &format!("constancia de vigencia {}", signed.payload.folio),
    );
    session
        .store
        .commit(batch, &session.credential.officer, &now)?;
    Ok(signed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use huella_sync::Regime;

    fn mv(kind: MovementKind, fecha: &str) -> Movement {
        Movement {
            id: fecha.into(),
            kind,
            fecha: fecha.into(),
            registro_patronal: "A1234567890".into(),
            salario_diario: None,
            regimen: None,
            motivo: None,
            oficial: "ana".into(),
            registrado_en: format!("{fecha}T10:00:00Z"),
        }
    }

    fn pre(fecha: &str) -> PreRegistration {
        PreRegistration {
            registro_patronal: "A1234567890".into(),
            salario_diario: "400.00".into(),
            fecha_alta: fecha.into(),
            regimen: Regime::Permanente,
            lote: "x".into(),
        }
    }

    #[test]
    fn an_active_alta_is_vigente_and_the_pre_registration_counts_as_one() {
        let v = vigencia(&[], Some(&pre("2026-01-05")), "2026-06-01");
        assert!(v.vigente);
        assert_eq!(v.active.map(|a| a.1).as_deref(), Some("2026-01-05"));
        assert!(!vigencia(&[], None, "2026-06-01").vigente);
    }

    #[test]
    fn ten_weeks_then_a_baja_keep_rights_eight_weeks_and_not_nine() {
        // Alta on 2026-01-05, baja 70 days (10 weeks) later.
        let moves = [mv(MovementKind::Baja, "2026-03-16")];
        let three = vigencia(&moves, Some(&pre("2026-01-05")), "2026-04-06");
        assert!(three.vigente);
        assert_eq!(three.weeks_before_baja, 10);
        assert_eq!(three.until.as_deref(), Some("2026-05-11"));
        let nine = vigencia(&moves, Some(&pre("2026-01-05")), "2026-05-18");
        assert!(!nine.vigente);
    }

    #[test]
    fn fewer_than_eight_weeks_before_the_baja_keep_nothing() {
        let moves = [
            mv(MovementKind::Alta, "2026-02-02"),
            mv(MovementKind::Baja, "2026-03-16"),
        ];
        let v = vigencia(&moves, None, "2026-03-20");
        assert_eq!(v.weeks_before_baja, 6);
        assert!(!v.vigente);
        assert_eq!(v.until, None);
    }

    #[test]
    fn a_new_alta_after_a_baja_is_vigente_again() {
        let moves = [
            mv(MovementKind::Baja, "2026-03-16"),
            mv(MovementKind::Alta, "2026-09-01"),
        ];
        assert!(vigencia(&moves, Some(&pre("2026-01-05")), "2026-09-02").vigente);
        assert!(!vigencia(&moves, Some(&pre("2026-01-05")), "2026-08-31").vigente);
    }
}
