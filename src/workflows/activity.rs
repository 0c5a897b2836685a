//! What a station did lately that `huella status` reports without a passphrase: when the last
//! good sync ended, and which devices the console last connected (or failed to).
//!
//! Two small files in the station home, written whole and renamed into place: a timestamp
//! (`ultima-sincronizacion`) and a JSON list (`dispositivos.json`). Neither holds personal
//! data or keys. This module owns those files; it must not open the store or talk to devices.

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::home::Home;

/// A device as the console last saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSeen {
    /// `escaner` or `camara`.
    pub tipo: String,
    /// Serial port path.
    pub puerto: String,
    /// Model reported by the device, if it answered.
    pub modelo: Option<String>,
    /// `conectado`, or why it could not be opened.
    pub estado: String,
    /// When (UTC).
    pub visto: String,
}

fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Records that a sync round (hub, peers or a bundle) ended well at `at` (UTC).
pub fn record_sync(home: &Home, at: &str) -> io::Result<()> {
    write_whole(&home.last_sync_file(), at.as_bytes())
}

/// When the last good sync ended, if any.
pub fn last_sync(home: &Home) -> Option<String> {
    std::fs::read_to_string(home.last_sync_file())
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// Replaces what is known about the devices of the kinds in `seen` (others are kept).
pub fn record_devices(home: &Home, seen: &[DeviceSeen]) -> io::Result<()> {
    let mut all = devices(home);
    all.retain(|d| !seen.iter().any(|s| s.tipo == d.tipo));
    all.extend_from_slice(seen);
    let json = serde_json::to_vec_pretty(&all).map_err(io::Error::other)?;
    write_whole(&home.devices_file(), &json)
}

/// The devices last seen; an absent or damaged file reads as none.
pub fn devices(home: &Home) -> Vec<DeviceSeen> {
    std::fs::read(home.devices_file())
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(tipo: &str, estado: &str) -> DeviceSeen {
        DeviceSeen {
            tipo: tipo.into(),
            puerto: "/dev/ttyUSB0".into(),
            modelo: Some("ZFM-20".into()),
            estado: estado.into(),
            visto: "2026-11-22T06:00:00Z".into(),
        }
    }

    #[test]
    fn sync_time_and_devices_round_trip_and_damage_reads_as_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let home = Home::new(dir.path().to_path_buf());
        assert_eq!(last_sync(&home), None);
        assert!(devices(&home).is_empty());
        record_sync(&home, "2026-11-22T06:00:00Z").expect("sync");
        assert_eq!(last_sync(&home).as_deref(), Some("2026-11-22T06:00:00Z"));
        record_devices(
            &home,
            &[seen("escaner", "conectado"), seen("camara", "conectado")],
        )
        .expect("devices");
        record_devices(&home, &[seen("camara", "no responde")]).expect("devices");
        let got = devices(&home);
        assert_eq!(got.len(), 2);
        assert!(got.contains(&seen("escaner", "conectado")));
        assert!(got.contains(&seen("camara", "no responde")));
        std::fs::write(home.devices_file(), b"{no es json").expect("damage");
        assert!(devices(&home).is_empty());
    }
}
