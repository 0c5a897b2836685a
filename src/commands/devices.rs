//! `huella devices list|test|capture`: discovery, shift-start self-test and one-shot
//! fingerprint capture to PNG. Glue only: drivers live in `huella_devices`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use huella_devices::ZfmConfig;
use huella_devices::capture::{CaptureError, capture_to_png};
use huella_devices::probe::{Probe, probe, serial_ports};

use super::devices_test::{self, TestArgs};
use crate::commands::out;
use crate::commands::text::{CliError, Say};
use crate::home::Home;
#[cfg(feature = "libfprint")]
use crate::say;

/// Options of `huella devices`.
#[derive(clap::Args, Debug)]
pub struct DevicesArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: DevicesAction,
}

/// Device actions.
#[derive(clap::Subcommand, Debug)]
pub enum DevicesAction {
    /// Enumera los puertos serie y prueba cada uno con un saludo corto.
    ///
    /// Las pseudo-terminales no se enumeran: indíquelas con --port.
    List(ListArgs),
    /// Prueba de inicio de turno del lector (una huella) y de la cámara (una foto).
    ///
    /// Indique uno o ambos dispositivos; el resultado queda registrado en la estación y
    /// `huella status --json` lo muestra en `dispositivos[].autoprueba`.
    ///
    /// Ejemplo: huella devices test --port /dev/ttyUSB0 --camera /dev/ttyUSB1
    Test(TestArgs),
    /// Captura una huella y la guarda como PNG (solo si la captura terminó).
    ///
    /// Ejemplo: huella devices capture --port /dev/pts/3 --baud 115200 --out f.png
    Capture(CaptureArgs),
}

/// Options of `huella devices list`.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Puerto adicional a probar (repetible), p. ej. una pseudo-terminal de simulador.
    #[arg(long = "port", value_name = "PATH")]
    pub ports: Vec<String>,
    /// Velocidad para el lector de huellas.
    #[arg(long, default_value_t = 57_600)]
    pub baud: u32,
    /// Velocidad para la cámara.
    #[arg(long, default_value_t = 38_400)]
    pub camera_baud: u32,
}

/// A scanner port and how to talk to it.
#[derive(clap::Args, Debug)]
pub struct ScannerPort {
    /// Ruta del puerto serie del lector (o `libfprint[:DRIVER]` para un lector USB, en
    /// compilaciones con la función `libfprint`).
    #[arg(long, value_name = "PATH")]
    pub port: String,
    /// Velocidad de la línea.
    #[arg(long, default_value_t = 57_600)]
    pub baud: u32,
    /// Contraseña del módulo (decimal o 0x hexadecimal).
    #[arg(long, default_value = "0", value_parser = parse_password)]
    pub password: u32,
    /// Segundos de espera para que se coloque el dedo.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

/// Options of `huella devices capture`.
#[derive(clap::Args, Debug)]
pub struct CaptureArgs {
    /// Port settings.
    #[command(flatten)]
    pub scanner: ScannerPort,
    /// Archivo PNG de salida.
    #[arg(long, value_name = "FILE.png")]
    pub out: PathBuf,
}

pub(crate) fn parse_password(s: &str) -> Result<u32, String> {
    let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => s.parse(),
    };
    r.map_err(|_| "contraseña inválida".to_string())
}

impl ScannerPort {
    fn config(&self) -> ZfmConfig {
        ZfmConfig {
            baud: self.baud,
            password: self.password,
            ..ZfmConfig::default()
        }
    }
}

/// Runs `huella devices …`.
pub fn run(args: DevicesArgs, home: &Home) -> Result<()> {
    match args.action {
        DevicesAction::List(a) => list(&a),
        DevicesAction::Test(a) => devices_test::run(&a, home),
        DevicesAction::Capture(a) => capture(&a),
    }
}

/// USB readers through libfprint (only in builds with the `libfprint` feature).
#[cfg(feature = "libfprint")]
fn list_libfprint() -> Result<()> {
    use huella_devices::usb::libfprint::{Unusable, readers};
    for r in readers() {
        match r.unusable {
            None => say!(
                "libfprint:{}\tlector USB {} ({})",
                r.driver,
                r.name,
                r.device_id
            ),
            Some(Unusable::NoImages) => say!(
                "libfprint:{}\tlector USB {} ({}): no utilizable, compara en el chip y no entrega imágenes",
                r.driver,
                r.name,
                r.device_id
            ),
            Some(_) => say!(
                "libfprint:{}\tlector USB {} ({}): no utilizable",
                r.driver,
                r.name,
                r.device_id
            ),
        }?;
    }
    Ok(())
}

fn list(a: &ListArgs) -> Result<()> {
    #[cfg(feature = "libfprint")]
    list_libfprint()?;
    let mut ports = serial_ports();
    for p in &a.ports {
        if !ports.contains(p) {
            ports.push(p.clone());
        }
    }
    if ports.is_empty() {
        out::line(Say::NoSerialPorts)?;
        return Ok(());
    }
    for port in ports {
        match probe(&port, a.baud, a.camera_baud) {
            Probe::Scanner {
                capacity,
                packet_size,
            } => out::line(Say::ScannerAt {
                port: &port,
                capacity,
                packet_size,
                baud: a.baud,
            })?,
            Probe::Camera { version, size } => out::line(Say::CameraAt {
                port: &port,
                version: &version,
                size,
                baud: a.camera_baud,
            })?,
            Probe::Unknown(e) => out::line(Say::NothingAt {
                port: &port,
                error: &e,
            })?,
        }
    }
    Ok(())
}

fn capture(a: &CaptureArgs) -> Result<()> {
    let p = &a.scanner;
    match capture_to_png(&p.port, p.config(), Duration::from_secs(p.timeout), &a.out) {
        Ok(r) => {
            out::line(Say::FingerprintSaved {
                path: &a.out,
                width: r.image.width,
                height: r.image.height,
                bytes_per_second: r.bytes_per_second(),
            })?;
            Ok(())
        }
        Err(CaptureError::Device(e)) => Err(CliError::Device(e).into()),
        Err(CaptureError::File(e)) => Err(anyhow::Error::new(e).context(CliError::Write {
            path: a.out.clone(),
        })),
    }
}
