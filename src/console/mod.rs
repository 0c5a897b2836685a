//! The officer console: a keyboard-first TUI for enrollment, supervisor approval, lookup and
//! sync (see `docs/console.md`).
//!
//! Architecture (Elm style): one UI task owns the [`App`] state and the terminal. It selects
//! over terminal input (one crossterm `EventStream` for the app's lifetime), worker events and
//! a render tick; [`update`] turns keys and events into new state plus [`Effect`]s for the
//! workers; [`view::render`] is a pure function of the state. Workers ([`workers::desk`] for
//! store, keys and matching; [`workers::devices`] for scanner and camera) run on their own
//! threads behind bounded channels. A panic or an error restores the terminal; logs go to the
//! station's log file, never to the screen.

pub mod action;
pub mod backup_config;
pub mod i18n;
pub mod justifications;
pub mod keymap;
pub mod kiosk;
pub mod local_time;
pub mod msg;
mod plain_screen;

pub mod movement_form;
pub mod screens;
pub mod state;
pub mod sync_config;
pub mod update;
pub mod view;
pub mod widgets;
pub mod workers;

pub mod documents_config;

use std::sync::mpsc::{SyncSender, TrySendError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;

pub use action::Action;
pub use i18n::Lang;
pub use keymap::Keymap;
pub use msg::{Effect, WorkerEvent};
pub use state::App;
pub use workers::devices::DeviceConfig;

use crate::home::Home;
use msg::{DeskCmd, DeviceCmd};

/// Render tick: drives countdowns and the spinner.
const TICK: Duration = Duration::from_millis(250);

/// What the console needs to start.
#[derive(Debug, Clone)]
pub struct ConsoleOptions {
    /// Station home.
    pub home: Home,
    /// Language.
    pub lang: Lang,
    /// Keys.
    pub keymap: Keymap,
    /// Devices.
    pub devices: DeviceConfig,
    /// User name to pre-fill on the login form.
    pub user: Option<String>,
    /// A line shown on the login screen (the demo prints its users there).
    pub notice: Option<String>,
}

/// Reads `consola.toml` from the home (if present): language and key overrides.
pub fn load_config(
    home: &Home,
    explicit: Option<&std::path::Path>,
) -> Result<(Option<Lang>, Keymap)> {
    let path = explicit.map_or_else(
        || home.dir().join("consola.toml"),
        std::path::Path::to_path_buf,
    );
    let Ok(text) = std::fs::read_to_string(&path) else {
        if explicit.is_some() {
            return Err(keymap::KeymapError::Unreadable(path).into());
        }
        return Ok((None, Keymap::default()));
    };
    let config = Keymap::config_from_toml(&text)?;
    let keymap = Keymap::with_overrides(&config)?;
    Ok((config.idioma.as_deref().and_then(Lang::parse), keymap))
}

/// The worker command channels.
pub struct Workers {
    desk: SyncSender<DeskCmd>,
    devices: SyncSender<DeviceCmd>,
}

impl Workers {
    /// Starts the desk and device workers.
    pub fn start(opts: &ConsoleOptions, events: mpsc::Sender<WorkerEvent>) -> Result<Self> {
        Ok(Workers {
            desk: workers::desk::spawn(
                opts.home.clone(),
                crate::workflows::login::Lockout::default(),
                events.clone(),
            )?,
            devices: workers::devices::spawn(opts.devices.clone(), opts.home.clone(), events)?,
        })
    }

    /// Sends the effects of an update (never blocks the UI: a full queue is reported).
    pub fn dispatch(&self, app: &mut App, effects: Vec<Effect>) {
        for fx in effects {
            let full = match fx {
                Effect::Desk(c) => matches!(self.desk.try_send(c), Err(TrySendError::Full(_))),
                Effect::Device(c) => {
                    matches!(self.devices.try_send(c), Err(TrySendError::Full(_)))
                }
            };
            if full {
                app.toast = Some((state::Tone::Error, app.s().busy.into()));
            }
        }
    }
}

/// Runs the console until the officer quits.
pub fn run(opts: ConsoleOptions) -> Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .context("no se pudo iniciar el planificador")?;
    let mut terminal = ratatui::try_init().context("no se pudo preparar la terminal")?;
    let result = rt.block_on(event_loop(opts, &mut terminal));
    ratatui::restore();
    result
}

async fn event_loop(opts: ConsoleOptions, terminal: &mut ratatui::DefaultTerminal) -> Result<()> {
    let (tx, mut rx) = mpsc::channel::<WorkerEvent>(256);
    let workers = Workers::start(&opts, tx)?;
    let mut app = App::new(opts.lang, opts.keymap.clone(), Instant::now());
    if let Some(u) = &opts.user {
        app.login.user = u.clone();
        app.login.focus = state::LoginField::Pass;
    }
    app.notice = opts.notice.clone();
    app.utc_offset = local_time::offset_at(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0)),
    );
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tracing::info!("console started");
    loop {
        terminal.draw(|f| view::render(&app, f))?;
        let effects = tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(Event::Key(k))) => update::on_key(&mut app, k),
                Some(Ok(_)) => Vec::new(),
                Some(Err(e)) => return Err(e).context("error al leer el teclado"),
                None => break,
            },
            Some(ev) = rx.recv() => update::on_event(&mut app, ev),
            _ = tick.tick() => update::tick(&mut app, Instant::now()),
        };
        workers.dispatch(&mut app, effects);
        if app.quit {
            break;
        }
    }
    tracing::info!("console closed");
    Ok(())
}
