//! `init`, `officer`, `import`, `find`, `status` and `audit verify`.

use std::path::Path;

use anyhow::{Result, bail};
use huella_keys::{Passphrase, Role};
use huella_sync::{BiometricStatus, Store};
use serde_json::json;

use crate::cli::{AsUser, AuditCmd, OfficerAction};
use crate::home::Home;
use crate::workflows::lookup::{self, Query};
use crate::workflows::session::{Session, kdf_cost};
use crate::workflows::station::{self, InitParams};

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
    println!(
        "estación {} de la oficina {} creada en {}; administrador: {admin}",
        st.station,
        st.office,
        home.dir().display()
    );
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
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            let new_pass = Passphrase::from_file(&new_passphrase_file)?;
            let new_pass = Passphrase::new_for_sealing_from(&new_pass)?;
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            station::add_officer(home, &session, &user, role, &new_pass, kdf_cost())?;
            println!("oficial {user} agregado con rol {}", role.as_str());
        }
        OfficerAction::List => {
            let store = Store::open(&home.store_dir())?;
            for o in store.officers()? {
                println!("{}\t{}", o.user, o.role.as_str());
            }
        }
        OfficerAction::Finger {
            scanner,
            timeout,
            who,
        } => {
            let pass = Passphrase::from_file(&who.passphrase_file)?;
            let session = Session::open_with(home, &who.user, &pass)?;
            println!("coloque el índice derecho en el lector {scanner}…");
            let quality = enroll_officer_finger(
                home,
                &session,
                &pass,
                &scanner,
                std::time::Duration::from_secs(timeout),
                kdf_cost(),
            )?;
            println!(
                "huella de referencia de {} registrada (calidad {quality}); sellada en su credencial",
                who.user
            );
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
    let report =
        huella_devices::capture::capture_once(port, huella_devices::ZfmConfig::default(), timeout)
            .map_err(|e| anyhow::anyhow!("{}", e.mensaje()))?;
    let img = report.image;
    let attempt = crate::workflows::enroll::Attempt {
        position: OFFICER_FINGER,
        pixels: img.pixels,
        width: img.width,
        height: img.height,
        dpi: img.dpi,
    };
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
    let report = crate::workflows::import::import_file(&session, file, |r| {
        println!("línea {}: {}", r.line, r.reason);
    })?;
    println!("{}", report.summary_line());
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
        _ => bail!("indique exactamente una de --curp, --nss o --name"),
    };
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    let found = lookup::find(&session, &query)?;
    if json_out {
        println!("{}", serde_json::to_string_pretty(&found)?);
    } else if found.is_empty() {
        println!("sin resultados");
    } else {
        for p in &found {
            println!(
                "{}  {}  {}  {} {} {}  [{}]",
                p.id,
                p.curp,
                p.nss,
                p.nombre,
                p.primer_apellido,
                p.segundo_apellido,
                p.estado_biometrico
            );
        }
    }
    Ok(())
}

/// `huella status`.
pub fn status(home: &Home, json_out: bool) -> Result<()> {
    let store = Store::open(&home.store_dir())?;
    let st = store.station()?;
    let counts = store.status_counts()?;
    let people = store.count_people();
    let devices = crate::workflows::activity::devices(home);
    let last_sync = crate::workflows::activity::last_sync(home);
    let per_status: serde_json::Map<String, serde_json::Value> = BiometricStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_owned(),
                json!(counts.get(s).copied().unwrap_or(0)),
            )
        })
        .collect();
    let pending = counts
        .get(&BiometricStatus::Capturado)
        .copied()
        .unwrap_or(0);
    let value = json!({
        "estacion": st.station,
        "oficina": st.office,
        "creada": st.created_at,
        "personas": people,
        "pendientes_aprobacion": pending,
        "pendientes_captura": counts.get(&BiometricStatus::Pendiente).copied().unwrap_or(0),
        "por_estado": per_status,
        "oficiales": store.officers()?.len(),
        "destinatarios": st.recipients.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>(),
        "dispositivos": devices,
        "ultima_sincronizacion": last_sync,
        "almacen_bytes": store.size_on_disk()?,
    });
    if json_out {
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        println!("estación {} (oficina {})", st.station, st.office);
        println!("personas: {people}");
        println!("pendientes de aprobación: {pending}");
        for s in BiometricStatus::ALL {
            println!("  {}: {}", s.as_str(), counts.get(&s).copied().unwrap_or(0));
        }
        for d in &devices {
            println!(
                "{} {} ({}): {} — {}",
                d.tipo,
                d.modelo.as_deref().unwrap_or("?"),
                d.puerto,
                d.estado,
                d.visto
            );
        }
        println!(
            "última sincronización: {}",
            last_sync.as_deref().unwrap_or("nunca")
        );
    }
    Ok(())
}

/// `huella audit verify`.
pub fn audit(home: &Home, action: AuditCmd) -> Result<()> {
    match action {
        AuditCmd::Verify => {
            let store = Store::open(&home.store_dir())?;
            let n = store.verify_audit()?;
            println!("auditoría íntegra: {n} entradas");
        }
    }
    Ok(())
}
