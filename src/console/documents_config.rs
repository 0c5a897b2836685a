//! Where the console prints acuses: the `[documentos]` table of `<home>/consola.toml`
//! (`carpeta`, and `papel` = `a4` or `carta`), set by the station's administrator. With no
//! folder nothing is printed automatically (`huella document acuse` still prints on demand).
//! Owns reading that table; printing is `crate::workflows::documents::print`.

use std::path::PathBuf;

use serde::Deserialize;

use crate::home::Home;
use crate::workflows::documents::PaperSize;

/// The `[documentos]` table.
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct DocumentsConfig {
    /// Folder the acuses are written to after each submission and approval.
    pub carpeta: Option<PathBuf>,
    /// Paper size: `a4` (default) or `carta`.
    pub papel: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default)]
    documentos: DocumentsConfig,
}

impl DocumentsConfig {
    /// Reads the table (an absent or unreadable file or table: nothing set; the reason is
    /// logged, the officer's work goes on).
    pub fn load(home: &Home) -> Self {
        let path = home.dir().join("consola.toml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Self::default();
        };
        Self::parse(&text).unwrap_or_else(|e| {
            tracing::warn!(target: "huella::consola", "[documentos] not used: {e}");
            Self::default()
        })
    }

    /// Parses the table out of a whole `consola.toml` text.
    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str::<File>(text).map(|f| f.documentos)
    }

    /// The folder and paper size, when a folder is set.
    pub fn target(&self) -> Option<(PathBuf, PaperSize)> {
        let folder = self.carpeta.clone().filter(|p| !p.as_os_str().is_empty())?;
        let size = self
            .papel
            .as_deref()
            .and_then(PaperSize::parse)
            .unwrap_or_default();
        Some((folder, size))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_folder_and_paper_and_ignores_the_rest_of_the_file() {
        let c = DocumentsConfig::parse(
            "[sincronizacion]\nvecinas = []\n[documentos]\ncarpeta = \"/srv/acuses\"\npapel = \"carta\"\n",
        )
        .expect("parse");
        assert_eq!(
            c.target(),
            Some((PathBuf::from("/srv/acuses"), PaperSize::Carta))
        );
        let none = DocumentsConfig::parse("[sincronizacion]\n").expect("parse");
        assert_eq!(none.target(), None);
        assert!(DocumentsConfig::parse("[documentos]\ncarpta = \"x\"\n").is_err());
    }
}
