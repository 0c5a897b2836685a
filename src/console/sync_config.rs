//! Where the console syncs to: the `[sincronizacion]` table of `<home>/consola.toml`, set by
//! the station's administrator (hub URL, its expected key, LAN peers, attempts per peer).
//! Owns reading and checking that table; the round itself is `crate::workflows::sync_round`.

use serde::Deserialize;

use crate::home::Home;
use crate::workflows::sync_round::Target;

/// Attempts per target when the connection drops, unless the file says otherwise.
pub const DEFAULT_ATTEMPTS: u32 = 3;

/// The `[sincronizacion]` table.
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct SyncConfig {
    /// Hub URL (`http://10.0.0.5:7400`).
    pub concentrador: Option<String>,
    /// The hub's key in hex (64 characters); without it the first key seen is pinned.
    pub clave_concentrador: Option<String>,
    /// LAN peers (`host:port` of stations running `huella sync serve`).
    pub vecinas: Vec<String>,
    /// Attempts per target.
    pub intentos: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default)]
    sincronizacion: SyncConfig,
}

/// The targets of a round, ready for `sync_round::run_round`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncTargets {
    /// Hub first, then the peers.
    pub targets: Vec<Target>,
    /// Attempts per target.
    pub attempts: u32,
}

/// Why the `[sincronizacion]` table cannot be used. Its `Display` is for the log; people read
/// the console language layer's wording (`Lang::sync_config_error`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SyncConfigError {
    /// `consola.toml` exists but cannot be read.
    #[error("consola.toml cannot be read")]
    Unreadable,
    /// The table is not valid TOML of the expected shape (the parser's words).
    #[error("the [sincronizacion] table is invalid: {0}")]
    Invalid(String),
    /// `clave_concentrador` is not 64 hex characters.
    #[error("clave_concentrador must be 64 hex characters")]
    BadHubKey,
    /// Neither hub nor peers.
    #[error("no hub and no peer configured in [sincronizacion]")]
    NoTargets,
}

impl SyncConfig {
    /// Reads the table from `<home>/consola.toml` (an absent file or table: nothing set).
    pub fn load(home: &Home) -> Result<Self, SyncConfigError> {
        let path = home.dir().join("consola.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                tracing::warn!(target: "huella::sync", "consola.toml not read: {e}");
                return Err(SyncConfigError::Unreadable);
            }
        };
        Self::parse(&text)
    }

    /// Parses the table out of a whole `consola.toml` text.
    pub fn parse(text: &str) -> Result<Self, SyncConfigError> {
        toml::from_str::<File>(text)
            .map(|f| f.sincronizacion)
            .map_err(|e| SyncConfigError::Invalid(e.to_string()))
    }

    /// Hub and peers as shown on the screen.
    pub fn labels(&self) -> (Option<String>, Vec<String>) {
        (
            self.concentrador.clone().filter(|h| !h.trim().is_empty()),
            self.vecinas.clone(),
        )
    }

    /// The targets of a round, or why there is none.
    pub fn targets(&self) -> Result<SyncTargets, SyncConfigError> {
        let mut targets = Vec::new();
        if let Some(hub) = self
            .concentrador
            .as_deref()
            .filter(|h| !h.trim().is_empty())
        {
            targets.push(
                Target::hub(hub, self.clave_concentrador.as_deref())
                    .map_err(|_| SyncConfigError::BadHubKey)?,
            );
        }
        targets.extend(
            self.vecinas
                .iter()
                .filter(|p| !p.trim().is_empty())
                .map(|p| Target::peer(p)),
        );
        if targets.is_empty() {
            return Err(SyncConfigError::NoTargets);
        }
        Ok(SyncTargets {
            targets,
            attempts: self.intentos.unwrap_or(DEFAULT_ATTEMPTS).clamp(1, 10),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hub_and_peers_and_ignores_the_rest_of_the_file() {
        let c = SyncConfig::parse(
            "idioma = \"es\"\n[teclas]\naprobar = \"F9\"\n[sincronizacion]\nconcentrador = \"http://10.0.0.5:7400\"\nvecinas = [\"10.0.0.6:7401\"]\n",
        )
        .expect("parse");
        let t = c.targets().expect("targets");
        assert_eq!(t.targets.len(), 2);
        assert_eq!(t.targets[0].address, "http://10.0.0.5:7400");
        assert_eq!(t.targets[1].address, "10.0.0.6:7401");
        assert_eq!(t.attempts, DEFAULT_ATTEMPTS);
    }

    #[test]
    fn explains_missing_targets_bad_keys_and_typos_in_spanish() {
        let es = |e: &SyncConfigError| crate::console::Lang::Es.sync_config_error(e);
        let none = SyncConfig::parse("idioma = \"en\"\n").expect("parse");
        assert!(es(&none.targets().expect_err("empty")).contains("[sincronizacion]"));
        let bad = SyncConfig::parse(
            "[sincronizacion]\nconcentrador = \"http://h:1\"\nclave_concentrador = \"zz\"\n",
        )
        .expect("parse");
        assert!(es(&bad.targets().expect_err("bad key")).contains("64 caracteres"));
        let typo =
            SyncConfig::parse("[sincronizacion]\nconcentrdor = \"x\"\n").expect_err("unknown key");
        assert!(es(&typo).contains("inválida"), "{typo}");
    }
}
