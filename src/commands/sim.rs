//! `huella sim scanner|camera`: runs a wire-faithful simulated device on a new
//! pseudo-terminal, prints `PTY <path>` as the first stdout line and serves until killed.
//! Glue only: the simulators live in `huella_devices::sim`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use huella_devices::SimFinger;
use huella_devices::sim::{self, Fault, Glass, ImageSource, Line, ScannerSimConfig};

use crate::commands::out;
use crate::commands::text::{CliError, Say, contract};

/// Options of `huella sim`.
#[derive(clap::Args, Debug)]
pub struct SimArgs {
    /// Which device to simulate.
    #[command(subcommand)]
    pub device: SimDevice,
}

/// Simulated devices.
#[derive(clap::Subcommand, Debug)]
pub enum SimDevice {
    /// Lector de huellas ZFM-20 (R30x/AS608) en una pseudo-terminal.
    ///
    /// Ejemplo: huella sim scanner --baud 115200 --synthetic 7
    Scanner(ScannerArgs),
    /// Cámara serie VC0706 en una pseudo-terminal.
    ///
    /// Ejemplo: huella sim camera --baud 115200
    Camera(CameraArgs),
}

/// Options of `huella sim scanner`.
#[derive(clap::Args, Debug)]
pub struct ScannerArgs {
    /// Velocidad de la línea; la salida se acompasa a baud/10 bytes por segundo.
    #[arg(long, default_value_t = 57_600)]
    pub baud: u32,
    /// Carpeta de imágenes PNG a servir (en orden de nombre, cíclicamente).
    #[arg(long, value_name = "DIR", conflicts_with = "synthetic")]
    pub images: Option<PathBuf>,
    /// Huellas sintéticas; SEED es la persona que está sobre el cristal por omisión.
    #[arg(long, value_name = "SEED")]
    pub synthetic: Option<u64>,
    /// Dedo (1 pulgar derecho … 10 meñique izquierdo) sobre el cristal por omisión.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub finger: u8,
    /// Archivo de control releído en cada sondeo: «PERSONA DEDO» (p. ej. «42 7») o «-» sin dedo.
    #[arg(long, value_name = "FILE", env = "HUELLA_SIM_GLASS")]
    pub glass: Option<PathBuf>,
    /// Falla a inyectar: checksum, drop-bytes, no-finger, timeout, slow, wrong-password, unplug, poor-image.
    #[arg(long, value_name = "KIND")]
    pub fault: Option<Fault>,
    /// No acompasar la salida (tan rápido como la pseudo-terminal).
    #[arg(long)]
    pub unpaced: bool,
}

/// Options of `huella sim camera`.
#[derive(clap::Args, Debug)]
pub struct CameraArgs {
    /// Velocidad de la línea; la salida se acompasa a baud/10 bytes por segundo.
    #[arg(long, default_value_t = 38_400)]
    pub baud: u32,
    /// Semilla del rostro sintético.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Falla a inyectar: checksum, drop-bytes, timeout, slow, unplug.
    #[arg(long, value_name = "KIND")]
    pub fault: Option<Fault>,
    /// No acompasar la salida (tan rápido como la pseudo-terminal).
    #[arg(long)]
    pub unpaced: bool,
}

fn line(baud: u32, unpaced: bool) -> Line {
    if unpaced {
        Line::unpaced(baud)
    } else {
        Line::paced(baud)
    }
}

/// Runs the simulator until it is killed (or unplugged by the `unplug` fault).
pub fn run(args: SimArgs) -> Result<()> {
    let handle = match args.device {
        SimDevice::Scanner(a) => {
            let finger = SimFinger::new(a.finger).ok_or(CliError::BadFinger)?;
            let glass = match &a.glass {
                Some(path) => Glass::from_control_file(path),
                None => {
                    let g = Glass::new();
                    g.place(a.synthetic.unwrap_or(0), finger);
                    g
                }
            };
            let source = match &a.images {
                Some(dir) => ImageSource::folder(dir)
                    .with_context(|| CliError::Read { path: dir.clone() })?,
                None => ImageSource::synthetic(),
            };
            sim::start_scanner(ScannerSimConfig {
                line: line(a.baud, a.unpaced),
                source,
                glass,
                fault: a.fault,
            })?
        }
        SimDevice::Camera(a) => sim::start_camera(line(a.baud, a.unpaced), a.seed, a.fault)?,
    };
    // Nobody can use a simulator whose port was never read: a closed output ends it.
    out::line(contract::pty(handle.path()))?;
    handle.wait();
    out::warn(Say::SimUnplugged);
    Ok(())
}
