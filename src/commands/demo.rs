//! `huella demo`: a throwaway encrypted station with sample people, walked through headlessly
//! until the console lands: create, add users, import, look up, verify the audit chain.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use huella_keys::{KdfCost, Passphrase, Role};

use crate::home::Home;
use crate::identifiers::{csv_header, synthetic_person};
use crate::lookup::{self, Query};
use crate::session::Session;
use crate::station::{self, InitParams};

/// Demo users and their passphrases (printed; the demo station is throwaway).
pub const DEMO_USERS: [(&str, Role, &str); 3] = [
    ("admin", Role::Admin, "admin-demo-2026"),
    ("oficial", Role::Officer, "oficial-demo-2026"),
    ("supervisor", Role::Supervisor, "supervisor-demo-2026"),
];

/// Options of `huella demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// How many sample people to pre-register.
    #[arg(long, default_value_t = 200)]
    pub people: u64,
    /// Keep the demo station in this directory instead of a temporary one.
    #[arg(long)]
    pub keep: Option<PathBuf>,
}

/// Runs the demo walk-through.
pub fn run(args: &DemoArgs) -> Result<()> {
    let tmp;
    let dir = match &args.keep {
        Some(d) => d.clone(),
        None => {
            tmp = tempfile::Builder::new()
                .prefix("huella-demo-")
                .tempdir()
                .context("no se pudo crear un directorio temporal")?;
            tmp.path().join("estacion")
        }
    };
    let home = Home::new(dir);
    // Throwaway station: a cheaper scrypt cost keeps the demo quick.
    let cost = KdfCost::new(15);
    let out = &mut std::io::stdout();
    writeln!(out, "== huella demo ==")?;
    writeln!(out, "estación temporal cifrada en {}", home.dir().display())?;
    writeln!(out, "usuarios de demostración:")?;
    for (user, role, pass) in DEMO_USERS {
        writeln!(
            out,
            "  {user:<11} rol {:<10} contraseña {pass}",
            role.as_str()
        )?;
    }
    let (admin, _, admin_pass) = DEMO_USERS[0];
    let admin_pass = Passphrase::new(admin_pass);
    station::init(
        &home,
        &InitParams {
            office: "0901",
            station: "DEMO-1",
            admin,
            passphrase: &admin_pass,
            regional: None,
            central: None,
            cost,
        },
    )?;
    let session = Session::open_with(&home, admin, &admin_pass)?;
    for (user, role, pass) in &DEMO_USERS[1..] {
        station::add_officer(&home, &session, user, *role, &Passphrase::new(pass), cost)?;
    }
    writeln!(out, "1. estación 0901/DEMO-1 creada con 3 usuarios")?;

    let csv_path = home.dir().join("preregistro-demo.csv");
    let mut csv = String::from(csv_header());
    csv.push('\n');
    for i in 0..args.people {
        csv.push_str(&synthetic_person(2026, i).csv_row());
        csv.push('\n');
    }
    csv.push_str("HEGG560427MVZRRL05,12345678903,GODE561231GR8,Fila,Mala,,1956-04-27,M,VZ,A1234567890,100.00,2026-01-01,permanente\n");
    std::fs::write(&csv_path, csv)?;
    let started = std::time::Instant::now();
    let report = crate::import::import_file(&session, &csv_path, |r| {
        let _ = writeln!(std::io::stdout(), "   línea {}: {}", r.line, r.reason);
    })?;
    writeln!(
        out,
        "2. preregistros importados en {:.2} s: {}",
        started.elapsed().as_secs_f64(),
        report.summary_line()
    )?;

    let sample = synthetic_person(2026, args.people / 2);
    for (label, q) in [
        ("CURP", Query::Curp(sample.curp.to_string())),
        ("NSS", Query::Nss(sample.nss.to_string())),
        (
            "nombre",
            Query::Name(format!("{} {}", sample.nombre, sample.primer_apellido)),
        ),
    ] {
        let found = lookup::find(&session, &q)?;
        let first = found.first();
        writeln!(
            out,
            "3. búsqueda por {label}: {} resultado(s){}",
            found.len(),
            first.map_or(String::new(), |p| format!(
                "; {} {} {} [{}]",
                p.nombre, p.primer_apellido, p.curp, p.estado_biometrico
            ))
        )?;
    }
    let n = session.store.verify_audit()?;
    writeln!(out, "4. auditoría íntegra: {n} entradas")?;
    writeln!(
        out,
        "La consola interactiva llega con el issue de la consola; por ahora la demo es este recorrido."
    )?;
    Ok(())
}
