//! `huella demo`: scanner and camera simulators on pseudo-terminals, a throwaway encrypted
//! station with sample people, the demo users printed, then the console. Without a terminal
//! (CI, a pipe) it walks through the same station headlessly and exits 0.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result};
use huella_devices::sim::{self, Line, ScannerSimConfig};
use huella_keys::{KdfCost, Passphrase, Role};

use crate::commands::console::{ConsoleArgs, options};
use crate::commands::out;
use crate::commands::out::Deferred;
use crate::commands::text::{DemoQuery, Say, contract};
use crate::console::DeviceConfig;
use crate::home::Home;
use crate::identifiers::{csv_header, synthetic_person};
use crate::workflows::lookup::{self, Query};
use crate::workflows::session::{KDF_ENV, Session, kdf_cost};
use crate::workflows::station::{self, InitParams};
use crate::workflows::status;

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
    /// Keep the demo station in this directory instead of a temporary one (reused if it
    /// already holds a station).
    #[arg(long)]
    pub keep: Option<PathBuf>,
    /// Pace the simulated devices at their real line rate (slower, realistic).
    #[arg(long)]
    pub paced: bool,
    /// Never open the console (print the walk-through only).
    #[arg(long)]
    pub headless: bool,
}

/// Runs the demo.
pub fn run(args: &DemoArgs, lang: &str) -> Result<()> {
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
    out::line("== huella demo ==")?;
    let fresh = !home.store_dir().exists();
    if fresh {
        create_station(&home, args)?;
    } else {
        out::line(Say::DemoReused { dir: home.dir() })?;
    }
    out::line(Say::DemoUsers)?;
    for (user, role, pass) in DEMO_USERS {
        out::line(Say::DemoUser { user, role, pass })?;
    }
    let interactive =
        !args.headless && std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if !interactive {
        return headless(&home, args);
    }
    let line = |baud| {
        if args.paced {
            Line::paced(baud)
        } else {
            Line::unpaced(baud)
        }
    };
    let scanner = sim::start_scanner(ScannerSimConfig::synthetic(line(57_600)))
        .context("no se pudo iniciar el lector simulado")?;
    let camera = sim::start_camera(line(38_400), 7, None)
        .context("no se pudo iniciar la cámara simulada")?;
    out::line(Say::DemoDevices {
        scanner: scanner.path(),
        camera: camera.path(),
    })?;
    if fresh {
        enroll_supervisor_finger(&home, &scanner)?;
    }
    crate::logging::init(&home.log_file());
    let devices = DeviceConfig {
        scanner: Some(scanner.path().to_owned()),
        camera: Some(camera.path().to_owned()),
        glass: Some(scanner.glass().clone()),
    };
    let console_args = ConsoleArgs {
        scanner: None,
        camera: None,
        config: None,
        user: None,
    };
    let mut opts = options(&home, lang, &console_args, devices)?;
    opts.notice = Some(format!(
        "demo: {} / {} · {} / {}",
        DEMO_USERS[1].0, DEMO_USERS[1].2, DEMO_USERS[2].0, DEMO_USERS[2].2
    ));
    let r = crate::console::run(opts);
    drop(scanner);
    drop(camera);
    r
}

/// Throwaway station: a cheaper scrypt cost keeps the demo quick.
fn demo_cost() -> KdfCost {
    if std::env::var_os(KDF_ENV).is_some() {
        kdf_cost()
    } else {
        KdfCost::new(15)
    }
}

/// Enrolls the demo supervisor's right index from the simulated scanner (the glass shows
/// the supervisor's synthetic finger), sealed in the supervisor's credential.
fn enroll_supervisor_finger(home: &Home, scanner: &sim::SimHandle) -> Result<()> {
    use crate::workflows::enroll::officer_finger::{OFFICER_FINGER, officer_subject};
    let (user, _, pass) = DEMO_USERS[2];
    let pass = Passphrase::new(pass);
    let session = Session::open_with(home, user, &pass)?;
    // Like an officer at the counter: up to three placements until the quality is enough.
    let mut q = Err(anyhow::anyhow!("sin intentos"));
    for _ in 0..3 {
        if let Some(f) = huella_devices::SimFinger::new(OFFICER_FINGER.code()) {
            scanner.glass().place(officer_subject(user), f);
        }
        q = crate::commands::station::enroll_officer_finger(
            home,
            &session,
            &pass,
            scanner.path(),
            std::time::Duration::from_secs(30),
            demo_cost(),
        );
        scanner.glass().lift();
        if q.is_ok() {
            break;
        }
    }
    out::line(Say::DemoSupervisorFinger { quality: q? })?;
    Ok(())
}

fn create_station(home: &Home, args: &DemoArgs) -> Result<()> {
    let cost = demo_cost();
    out::line(Say::DemoStation { dir: home.dir() })?;
    let (admin, _, admin_pass) = DEMO_USERS[0];
    let admin_pass = Passphrase::new(admin_pass);
    station::init(
        home,
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
    let session = Session::open_with(home, admin, &admin_pass)?;
    for (user, role, pass) in &DEMO_USERS[1..] {
        station::add_officer(home, &session, user, *role, &Passphrase::new(pass), cost)?;
    }
    out::line(Say::DemoCreated)?;
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
    let mut out = Deferred::default();
    let report = crate::workflows::import::import_file(&session, &csv_path, |r| {
        out.line(format_args!(
            "   {}",
            contract::rejected_row(r.line, &r.reason)
        ));
    })?;
    out.finish()?;
    out::line(Say::DemoImported {
        seconds: started.elapsed().as_secs_f64(),
        summary: &report.summary_line(),
    })?;
    let p = synthetic_person(2026, 0);
    out::line(Say::DemoTry {
        curp: p.curp.as_ref(),
        nss: p.nss.as_ref(),
    })?;
    Ok(())
}

fn headless(home: &Home, args: &DemoArgs) -> Result<()> {
    let (admin, _, admin_pass) = DEMO_USERS[0];
    let session = Session::open_with(home, admin, &Passphrase::new(admin_pass))?;
    let sample = synthetic_person(2026, args.people / 2);
    for (by, q) in [
        (DemoQuery::Curp, Query::Curp(sample.curp.to_string())),
        (DemoQuery::Nss, Query::Nss(sample.nss.to_string())),
        (
            DemoQuery::Name,
            Query::Name(format!("{} {}", sample.nombre, sample.primer_apellido)),
        ),
    ] {
        let found = lookup::find(&session, &q)?;
        let first = found.first().map(|p| {
            format!(
                "{} {} {} [{}]",
                p.nombre, p.primer_apellido, p.curp, p.estado_biometrico
            )
        });
        out::line(Say::DemoLookup {
            by,
            found: found.len(),
            first: first.as_deref(),
        })?;
    }
    // The check opens the store itself: the session must let go of it first.
    drop(session);
    out::line(Say::DemoAudit(status::verify_audit(home)?))?;
    out::line(Say::DemoHeadless)?;
    Ok(())
}
