//! Fault kinds a simulator can inject, with their command-line names. Pure data; the
//! device state machines decide where each fault bites.

use std::fmt;
use std::str::FromStr;

/// A fault injected by a simulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Corrupts the checksum (scanner) or a reply header (camera) in the middle of an upload.
    Checksum,
    /// Drops a few bytes in the middle of an upload.
    DropBytes,
    /// The scanner never sees a finger.
    NoFinger,
    /// The device answers the handshake, then stops answering.
    Timeout,
    /// The device is slow: long captures and gaps between data packets.
    Slow,
    /// The scanner has a non-default password, so the handshake is refused.
    WrongPassword,
    /// The device is unplugged (pty master closed) a third of the way into an upload.
    Unplug,
    /// The scanner reports a failed capture (poor image).
    PoorImage,
}

/// Names accepted by `--fault` (English, then Spanish alias).
const NAMES: &[(Fault, &str, &str)] = &[
    (Fault::Checksum, "checksum", "suma"),
    (Fault::DropBytes, "drop-bytes", "bytes-perdidos"),
    (Fault::NoFinger, "no-finger", "sin-dedo"),
    (Fault::Timeout, "timeout", "sin-respuesta"),
    (Fault::Slow, "slow", "lento"),
    (Fault::WrongPassword, "wrong-password", "contrasena"),
    (Fault::Unplug, "unplug", "desconexion"),
    (Fault::PoorImage, "poor-image", "mala-imagen"),
];

impl Fault {
    /// Every fault kind.
    pub fn all() -> impl Iterator<Item = Self> {
        NAMES.iter().map(|(f, _, _)| *f)
    }

    /// The canonical command-line name.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(f, _, _)| *f == self)
            .map_or("?", |(_, n, _)| n)
    }

    /// True if the camera simulator can inject this fault.
    pub fn applies_to_camera(self) -> bool {
        matches!(
            self,
            Self::Checksum | Self::DropBytes | Self::Timeout | Self::Slow | Self::Unplug
        )
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown fault name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "fallo desconocido; use uno de: checksum, drop-bytes, no-finger, timeout, slow, wrong-password, unplug, poor-image"
)]
pub struct UnknownFault;

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        NAMES
            .iter()
            .find(|(_, en, es)| *en == s || *es == s)
            .map(|(f, _, _)| *f)
            .ok_or(UnknownFault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Fault::all() {
            assert_eq!(f.name().parse::<Fault>(), Ok(f));
        }
        assert_eq!("SIN-DEDO".parse::<Fault>(), Ok(Fault::NoFinger));
        assert!("x".parse::<Fault>().is_err());
    }
}
