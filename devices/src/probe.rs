//! Discovery: enumerate serial ports and identify what answers on each with a short
//! handshake (ZFM scanner first, then VC0706 camera). Must not keep ports open.

use std::time::Duration;

use crate::driver::{Vc0706Camera, Vc0706Config, ZfmConfig, ZfmScanner};
use crate::error::DeviceError;

/// What answered on a port.
#[derive(Debug)]
pub enum Probe {
    /// A ZFM-class fingerprint scanner with its library capacity and packet size.
    Scanner {
        /// Library capacity.
        capacity: u16,
        /// Data packet size in bytes.
        packet_size: usize,
    },
    /// A VC0706 camera with its version string and image size.
    Camera {
        /// Reported version.
        version: String,
        /// Configured image size.
        size: (u16, u16),
    },
    /// Nothing recognisable; the scanner handshake error is kept.
    Unknown(DeviceError),
}

/// Serial ports the OS enumerates (pseudo-terminals are not listed).
pub fn serial_ports() -> Vec<String> {
    serialport::available_ports()
        .map(|ports| ports.into_iter().map(|p| p.port_name).collect())
        .unwrap_or_default()
}

/// Tries the scanner handshake at `scanner_baud`, then the camera at `camera_baud`.
pub fn probe(path: &str, scanner_baud: u32, camera_baud: u32) -> Probe {
    let quick = Duration::from_millis(300);
    let scanner = ZfmScanner::open(
        path,
        ZfmConfig {
            baud: scanner_baud,
            reply_timeout: quick,
            ..ZfmConfig::default()
        },
    );
    let err = match scanner {
        Ok(s) => {
            let p = s.params();
            return Probe::Scanner {
                capacity: p.capacity,
                packet_size: p.packet_size(),
            };
        }
        Err(e) => e,
    };
    if matches!(
        err,
        DeviceError::Busy { .. } | DeviceError::NotFound { .. } | DeviceError::WrongPassword
    ) {
        return Probe::Unknown(err);
    }
    let camera = Vc0706Camera::open(
        path,
        Vc0706Config {
            baud: camera_baud,
            reply_timeout: quick,
            ..Vc0706Config::default()
        },
    );
    match camera {
        Ok(mut c) => {
            let version = c.version().unwrap_or_default();
            let size = c.image_size().unwrap_or((0, 0));
            Probe::Camera { version, size }
        }
        Err(_) => Probe::Unknown(err),
    }
}
