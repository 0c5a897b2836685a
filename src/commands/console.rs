//! `huella console`: the officer console of the station in `--home`.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;

use crate::commands::text::CliError;
use crate::console::{self, ConsoleOptions, DeviceConfig, Lang};
use crate::home::Home;

/// Options of `huella console`.
#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Ejemplo:\n  huella --home /srv/huella console --scanner /dev/ttyUSB0 --camera /dev/ttyUSB1"
)]
pub struct ConsoleArgs {
    /// Fingerprint scanner serial port.
    #[arg(long, value_name = "PUERTO")]
    pub scanner: Option<String>,
    /// Camera serial port.
    #[arg(long, value_name = "PUERTO")]
    pub camera: Option<String>,
    /// Console configuration (language, keys); default `<home>/consola.toml`.
    #[arg(long, value_name = "ARCHIVO")]
    pub config: Option<PathBuf>,
    /// User name to pre-fill on the login screen.
    #[arg(long = "user", value_name = "USUARIO")]
    pub user: Option<String>,
    /// Attendance kiosk: only clocks staff in and out (needs --scanner).
    #[arg(long, requires = "scanner", conflicts_with = "justifications")]
    pub kiosk: bool,
    /// The supervisor's queue of staff attendance justifications.
    #[arg(long)]
    pub justifications: bool,
}

/// The language: `--lang en` wins, else the configuration file, else Spanish.
pub fn pick_lang(cli: &str, config: Option<Lang>) -> Lang {
    match Lang::parse(cli) {
        Some(Lang::En) => Lang::En,
        _ => config.unwrap_or_default(),
    }
}

/// Builds the options for a station home.
pub fn options(
    home: &Home,
    lang: &str,
    args: &ConsoleArgs,
    devices: DeviceConfig,
) -> Result<ConsoleOptions> {
    let (config_lang, keymap) = console::load_config(home, args.config.as_deref())?;
    Ok(ConsoleOptions {
        home: home.clone(),
        lang: pick_lang(lang, config_lang),
        keymap,
        devices,
        user: args.user.clone(),
        notice: None,
    })
}

/// Runs `huella console`.
pub fn run(home: &Home, lang: &str, args: &ConsoleArgs) -> Result<()> {
    if !home.store_dir().exists() {
        return Err(CliError::NoStation {
            dir: home.dir().to_owned(),
        }
        .into());
    }
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(CliError::NeedsTerminal.into());
    }
    if args.kiosk {
        let (config_lang, _) = console::load_config(home, args.config.as_deref())?;
        return console::kiosk::run(console::kiosk::KioskOptions {
            home: home.clone(),
            lang: pick_lang(lang, config_lang),
            scanner: args.scanner.clone().unwrap_or_default(),
            user: args.user.clone(),
        });
    }
    if args.justifications {
        let (config_lang, _) = console::load_config(home, args.config.as_deref())?;
        return console::justifications::run(console::justifications::QueueOptions {
            home: home.clone(),
            lang: pick_lang(lang, config_lang),
            user: args.user.clone(),
        });
    }
    let devices = DeviceConfig {
        scanner: args.scanner.clone(),
        camera: args.camera.clone(),
        glass: None,
    };
    console::run(options(home, lang, args, devices)?)
}
