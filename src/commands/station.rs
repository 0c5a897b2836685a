//! `init`, `officer`, `import`, `find`, `status` and `audit verify`.

use std::path::Path;

use anyhow::Result;
use huella_keys::{Passphrase, Role};

use crate::cli::{AsUser, AuditCmd, OfficerAction};
use crate::commands::out::{self, Deferred};
use crate::commands::text::{CliError, Say, contract};
use crate::home::Home;
use crate::say;
use crate::workflows::lookup::{self, Query};
use crate::workflows::session::{Session, kdf_cost};
use crate::workflows::station::{self, InitParams};
use crate::workflows::status;

/// `huella init`.
pub fn init(
    home: &Home,
    office: &str,
    station_name: &str,
    admin: &str,
    passphrase_file: &Path,
    regional: Option<&str>,
    central: Option<&str>,
) -> Result<()> {
    let pass = Passphrase::from_file(passphrase_file)?;
    let pass = Passphrase::new_for_sealing_from(&pass)?;
    let st = station::init(
        home,
        &InitParams {
            office,
            station: station_name,
            admin,
            passphrase: &pass,
            regional,
            central,
            cost: kdf_cost(),
        },
    )?;
    out::line(Say::StationCreated {
        station: &st.station,
        office: &st.office,
        dir: home.dir(),
        admin,
    })?;
    Ok(())
}

/// `huella officer …`.
pub fn officer(home: &Home, action: OfficerAction) -> Result<()> {
    match action {
        OfficerAction::Add {
            name: user,
            role,
            new_passphrase_file,
            who,
        } => {
            let role: Role = role.parse().map_err(|_| CliError::UnknownRole { role })?;
            let new_pass = Passphrase::from_file(&new_passphrase_file)?;
            let new_pass = Passphrase::new_for_sealing_from(&new_pass)?;
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            station::add_officer(home, &session, &user, role, &new_pass, kdf_cost())?;
            out::line(Say::OfficerAdded { user: &user, role })?;
        }
        OfficerAction::List => {
            for (user, role) in status::officers(home)? {
                say!("{user}\t{}", role.as_str())?;
            }
        }
        OfficerAction::Finger {
            scanner,
            timeout,
            who,
        } => {
            let pass = Passphrase::from_file(&who.passphrase_file)?;
            let session = Session::open_with(home, &who.user, &pass)?;
            out::line(Say::PlaceOfficerFinger { port: &scanner })?;
            let quality = enroll_officer_finger(
                home,
                &session,
                &pass,
                &scanner,
                std::time::Duration::from_secs(timeout),
                kdf_cost(),
            )?;
            out::line(Say::OfficerFingerEnrolled {
                user: &who.user,
                quality,
            })?;
        }
    }
    Ok(())
}

/// Captures the acting officer's right index from the scanner at `port` and seals it in their
/// credential (re-sealed at `cost`). Returns the capture quality.
pub fn enroll_officer_finger(
    home: &Home,
    session: &Session,
    pass: &Passphrase,
    port: &str,
    timeout: std::time::Duration,
    cost: huella_keys::KdfCost,
) -> Result<u8> {
    use crate::workflows::enroll::officer_finger::{self, OFFICER_FINGER};
    let baud = huella_devices::ZfmConfig::default().baud;
    let attempt = crate::commands::scan::finger(port, baud, OFFICER_FINGER, timeout)?;
    let quality = crate::workflows::enroll::evaluate(&attempt)
        .map(|(q, _)| q)
        .unwrap_or_default();
    let reference = officer_finger::reference_of(&attempt)?;
    officer_finger::enroll(home, session, pass, &reference, cost)?;
    Ok(quality)
}

/// `huella import FILE`.
pub fn import(home: &Home, file: &Path, who: &AsUser) -> Result<()> {
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    let mut out = Deferred::default();
    let report = crate::workflows::import::import_file(&session, file, |r| {
        out.line(contract::rejected_row(r.line, &r.reason));
    })?;
    out.finish()?;
    say!("{}", report.summary_line())?;
    Ok(())
}

/// `huella find`.
pub fn find(
    home: &Home,
    curp: Option<String>,
    nss: Option<String>,
    name: Option<String>,
    json_out: bool,
    who: &AsUser,
) -> Result<()> {
    let query = match (curp, nss, name) {
        (Some(c), None, None) => Query::Curp(c),
        (None, Some(n), None) => Query::Nss(n),
        (None, None, Some(n)) => Query::Name(n),
        _ => return Err(CliError::OneQuery.into()),
    };
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    if json_out {
        let found = lookup::find_with_history(&session, &query)?;
        // Each person also says when retention will erase their biometrics (docs/privacy.md).
        let ids: Vec<&str> = found.iter().map(|p| p.summary.id.as_str()).collect();
        let dates = crate::workflows::retention::erase_dates(home, &session, &ids)?;
        let mut people = serde_json::to_value(&found)?;
        if let Some(list) = people.as_array_mut() {
            for (p, date) in list.iter_mut().zip(dates) {
                if let Some(obj) = p.as_object_mut() {
                    obj.insert("biometria_se_borra_el".into(), date.into());
                }
            }
        }
        say!("{}", serde_json::to_string_pretty(&people)?)?;
        return Ok(());
    }
    let found = lookup::find(&session, &query)?;
    if found.is_empty() {
        out::line(Say::NoResults)?;
    } else {
        // Records may come from other stations: nothing in them may drive the terminal.
        let show = crate::identifiers::text::printable;
        for p in &found {
            say!(
                "{}  {}  {}  {} {} {}  [{}]",
                p.id,
                show(&p.curp),
                show(&p.nss),
                show(&p.nombre),
                show(&p.primer_apellido),
                show(&p.segundo_apellido),
                p.estado_biometrico
            )?;
        }
    }
    Ok(())
}

/// `huella status`.
pub fn status(home: &Home, json_out: bool) -> Result<()> {
    let st = status::status(home)?;
    if json_out {
        out::line(serde_json::to_string_pretty(&st)?)?;
        return Ok(());
    }
    out::line(Say::StatusStation {
        station: &st.estacion,
        office: &st.oficina,
    })?;
    out::line(Say::StatusPeople(st.personas))?;
    out::line(Say::StatusPendingApproval(st.pendientes_aprobacion))?;
    for (status, count) in &st.por_estado {
        out::line(Say::StatusCount {
            status,
            count: *count,
        })?;
    }
    for d in &st.dispositivos {
        let seen = &d.seen;
        say!(
            "{} {} ({}): {} — {}",
            seen.tipo,
            seen.modelo.as_deref().unwrap_or("?"),
            seen.puerto,
            seen.estado,
            seen.visto
        )?;
        if let Some(t) = &d.autoprueba {
            out::line(Say::SelfTestRecorded {
                kind: &t.tipo,
                port: &t.puerto,
                passed: t.resultado == "correcto",
                reason: t.motivo.as_deref(),
                at: &t.cuando,
            })?;
        }
    }
    out::line(Say::LastSync(st.ultima_sincronizacion.as_deref()))?;
    Ok(())
}

/// `huella audit verify`.
pub fn audit(home: &Home, action: AuditCmd) -> Result<()> {
    match action {
        AuditCmd::Verify => {
            out::line(contract::audit_sound(status::verify_audit(home)?))?;
        }
    }
    Ok(())
}
