//! `huella devices test`: the shift-start self-test of the scanner and/or the camera. Glue
//! only: the tests and their record live in `workflows::self_test`; this file words them.

use std::time::Duration;

use anyhow::{Result, bail};
use huella_devices::{Vc0706Config, ZfmConfig};

use super::devices::parse_password;
use super::out;
use super::text::self_test as self_test_words;
use crate::home::Home;
use crate::workflows::self_test::{CameraTarget, ScannerTarget, run_and_record};

/// Options of `huella devices test`.
#[derive(clap::Args, Debug)]
#[command(group = clap::ArgGroup::new("dispositivo").required(true).multiple(true).args(["port", "camera"]))]
pub struct TestArgs {
    /// Ruta del puerto serie del lector (o `libfprint[:DRIVER]` para un lector USB, en
    /// compilaciones con la función `libfprint`).
    #[arg(long, value_name = "PATH")]
    pub port: Option<String>,
    /// Velocidad de la línea del lector.
    #[arg(long, default_value_t = 57_600)]
    pub baud: u32,
    /// Contraseña del módulo (decimal o 0x hexadecimal).
    #[arg(long, default_value = "0", value_parser = parse_password)]
    pub password: u32,
    /// Segundos de espera para que se coloque el dedo (y para la foto).
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// Ruta del puerto serie de la cámara.
    #[arg(long, value_name = "PATH")]
    pub camera: Option<String>,
    /// Velocidad de la línea de la cámara.
    #[arg(long, default_value_t = 38_400)]
    pub camera_baud: u32,
}

impl TestArgs {
    fn scanner(&self) -> Option<ScannerTarget> {
        self.port.as_ref().map(|port| ScannerTarget {
            port: port.clone(),
            config: ZfmConfig {
                baud: self.baud,
                password: self.password,
                ..ZfmConfig::default()
            },
            timeout: Duration::from_secs(self.timeout),
        })
    }

    fn camera(&self) -> Option<CameraTarget> {
        self.camera.as_ref().map(|port| CameraTarget {
            port: port.clone(),
            config: Vc0706Config {
                baud: self.camera_baud,
                ..Vc0706Config::default()
            },
            timeout: Duration::from_secs(self.timeout.max(20)),
        })
    }
}

/// Runs `huella devices test`: tests the devices given, records the outcome in the station,
/// prints one line per device and fails (exit 1) if any device failed.
pub fn run(a: &TestArgs, home: &Home) -> Result<()> {
    let (tests, written) = run_and_record(home, a.scanner().as_ref(), a.camera().as_ref());
    for t in &tests {
        out::line(self_test_words::line(t))?;
    }
    if let Err(e) = written {
        tracing::warn!("could not record the self-test: {e}");
        out::warn(self_test_words::not_recorded(&e.to_string()));
    }
    let failed: Vec<&str> = tests
        .iter()
        .filter(|t| !t.passed())
        .map(|t| self_test_words::device_name(t.kind))
        .collect();
    if !failed.is_empty() {
        bail!(self_test_words::failed(&failed));
    }
    out::line(self_test_words::passed())?;
    Ok(())
}
