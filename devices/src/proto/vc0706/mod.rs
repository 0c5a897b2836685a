//! VC0706 serial JPEG camera protocol: request `56 sn cmd n data…`, reply
//! `76 sn cmd status n data…` (no checksum). Sans-IO codec; must not open ports.

use crate::error::FramingError;

/// First byte of a host request.
pub const REQUEST_MARK: u8 = 0x56;
/// First byte of a camera reply.
pub const REPLY_MARK: u8 = 0x76;
/// Largest data field of a request.
pub const MAX_REQUEST_DATA: usize = 16;
/// Text the camera prints at the end of its boot banner after a reset.
pub const BANNER_END: &[u8] = b"Init end\r\n";

/// Command codes.
pub mod cmd {
    /// Firmware version string.
    pub const GEN_VERSION: u8 = 0x11;
    /// Reboot the camera.
    pub const SYSTEM_RESET: u8 = 0x26;
    /// Read a register / EEPROM value.
    pub const READ_DATA: u8 = 0x30;
    /// Write a register / EEPROM value.
    pub const WRITE_DATA: u8 = 0x31;
    /// Read bytes from the frame buffer.
    pub const READ_FBUF: u8 = 0x32;
    /// Length of the frozen frame.
    pub const GET_FBUF_LEN: u8 = 0x34;
    /// Freeze / resume the frame buffer.
    pub const FBUF_CTRL: u8 = 0x36;
}

/// Reply status codes.
pub mod status {
    /// Executed.
    pub const OK: u8 = 0;
    /// Command not received / unknown.
    pub const NOT_RECEIVED: u8 = 1;
    /// Wrong data length.
    pub const BAD_LENGTH: u8 = 2;
    /// Data format error.
    pub const BAD_FORMAT: u8 = 3;
    /// Cannot execute now.
    pub const BUSY: u8 = 4;
}

/// A host request. `data` excludes the length byte (the encoder writes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Camera serial number (default 0).
    pub serial: u8,
    /// Command code.
    pub command: u8,
    /// Data bytes (at most 16).
    pub data: Vec<u8>,
}

/// A camera reply header plus its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Camera serial number.
    pub serial: u8,
    /// Echoed command code.
    pub command: u8,
    /// Status (0 = ok).
    pub status: u8,
    /// Data bytes.
    pub data: Vec<u8>,
}

/// Result of parsing one frame from the front of a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed<T> {
    /// Need more bytes.
    Incomplete,
    /// A frame and the bytes it used.
    Frame(T, usize),
    /// A framing error and bytes to skip.
    Error(FramingError, usize),
}

/// Image sizes by EEPROM size code.
pub fn size_of_code(code: u8) -> Option<(u16, u16)> {
    match code {
        0x00 => Some((640, 480)),
        0x11 => Some((320, 240)),
        0x22 => Some((160, 120)),
        _ => None,
    }
}

impl Request {
    /// A request to camera 0.
    pub fn new(command: u8, data: Vec<u8>) -> Self {
        Self {
            serial: 0,
            command,
            data,
        }
    }

    /// GEN_VERSION.
    pub fn version() -> Self {
        Self::new(cmd::GEN_VERSION, vec![])
    }

    /// SYSTEM_RESET (`56 00 26 00`).
    pub fn reset() -> Self {
        Self::new(cmd::SYSTEM_RESET, vec![])
    }

    /// READ_DATA of the image size code (EEPROM 0x0019).
    pub fn read_image_size() -> Self {
        Self::new(cmd::READ_DATA, vec![0x04, 0x01, 0x00, 0x19])
    }

    /// FBUF_CTRL with flag 0 (freeze current frame) or 3 (resume).
    pub fn fbuf_ctrl(flag: u8) -> Self {
        Self::new(cmd::FBUF_CTRL, vec![flag])
    }

    /// GET_FBUF_LEN of the current frame.
    pub fn frame_len() -> Self {
        Self::new(cmd::GET_FBUF_LEN, vec![0x00])
    }

    /// READ_FBUF of `len` bytes at `offset` with a delay in 0.01 ms units.
    pub fn read_frame(offset: u32, len: u32, delay: u16) -> Self {
        let mut d = vec![0x00, 0x0A];
        d.extend_from_slice(&offset.to_be_bytes());
        d.extend_from_slice(&len.to_be_bytes());
        d.extend_from_slice(&delay.to_be_bytes());
        Self::new(cmd::READ_FBUF, d)
    }

    /// For a READ_FBUF request: (offset, length).
    pub fn frame_window(&self) -> Option<(u32, u32)> {
        match self.data.as_slice() {
            [_, _, o0, o1, o2, o3, l0, l1, l2, l3, ..] => Some((
                u32::from_be_bytes([*o0, *o1, *o2, *o3]),
                u32::from_be_bytes([*l0, *l1, *l2, *l3]),
            )),
            _ => None,
        }
    }

    /// Serialises the request (data longer than 16 bytes is cut).
    pub fn encode(&self) -> Vec<u8> {
        let data = self.data.get(..MAX_REQUEST_DATA).unwrap_or(&self.data);
        let mut v = vec![REQUEST_MARK, self.serial, self.command, data.len() as u8];
        v.extend_from_slice(data);
        v
    }

    /// Parses one request from the front of `buf`.
    pub fn parse(buf: &[u8]) -> Parsed<Self> {
        match buf {
            [] => Parsed::Incomplete,
            [m, ..] if *m != REQUEST_MARK => {
                Parsed::Error(FramingError::BadHeader, skip(buf, REQUEST_MARK))
            }
            [_, serial, command, n, rest @ ..] => {
                let n = usize::from(*n);
                if n > MAX_REQUEST_DATA {
                    return Parsed::Error(
                        FramingError::BadLength(n as u16),
                        skip(buf, REQUEST_MARK),
                    );
                }
                match rest.get(..n) {
                    None => Parsed::Incomplete,
                    Some(data) => Parsed::Frame(
                        Self {
                            serial: *serial,
                            command: *command,
                            data: data.to_vec(),
                        },
                        4 + n,
                    ),
                }
            }
            _ => Parsed::Incomplete,
        }
    }
}

impl Reply {
    /// An OK reply with data.
    pub fn ok(serial: u8, command: u8, data: Vec<u8>) -> Self {
        Self {
            serial,
            command,
            status: status::OK,
            data,
        }
    }

    /// Serialises the reply (data longer than 255 bytes is cut).
    pub fn encode(&self) -> Vec<u8> {
        let data = self.data.get(..255).unwrap_or(&self.data);
        let mut v = vec![
            REPLY_MARK,
            self.serial,
            self.command,
            self.status,
            data.len() as u8,
        ];
        v.extend_from_slice(data);
        v
    }

    /// Parses one reply from the front of `buf`.
    pub fn parse(buf: &[u8]) -> Parsed<Self> {
        match buf {
            [] => Parsed::Incomplete,
            [m, ..] if *m != REPLY_MARK => {
                Parsed::Error(FramingError::BadHeader, skip(buf, REPLY_MARK))
            }
            [_, serial, command, status, n, rest @ ..] => match rest.get(..usize::from(*n)) {
                None => Parsed::Incomplete,
                Some(data) => Parsed::Frame(
                    Self {
                        serial: *serial,
                        command: *command,
                        status: *status,
                        data: data.to_vec(),
                    },
                    5 + usize::from(*n),
                ),
            },
            _ => Parsed::Incomplete,
        }
    }

    /// The u32 carried by a GET_FBUF_LEN reply.
    pub fn frame_len(&self) -> Option<u32> {
        match self.data.as_slice() {
            [a, b, c, d] => Some(u32::from_be_bytes([*a, *b, *c, *d])),
            _ => None,
        }
    }
}

fn skip(buf: &[u8], mark: u8) -> usize {
    buf.iter()
        .enumerate()
        .skip(1)
        .find(|(_, b)| **b == mark)
        .map_or(buf.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn golden_requests_from_adafruit_driver() {
        assert_eq!(Request::reset().encode(), vec![0x56, 0, 0x26, 0]);
        assert_eq!(Request::fbuf_ctrl(0).encode(), vec![0x56, 0, 0x36, 1, 0]);
        assert_eq!(Request::frame_len().encode(), vec![0x56, 0, 0x34, 1, 0]);
        assert_eq!(
            Request::read_frame(0x20, 0x40, 10).encode(),
            vec![
                0x56, 0, 0x32, 0x0C, 0, 0x0A, 0, 0, 0, 0x20, 0, 0, 0, 0x40, 0, 0x0A
            ]
        );
        assert_eq!(Request::read_frame(8, 64, 10).frame_window(), Some((8, 64)));
    }

    #[test]
    fn golden_replies() {
        let r = Reply::parse(&[0x76, 0, 0x34, 0, 4, 0, 0, 0x1F, 0x40]);
        assert!(matches!(r, Parsed::Frame(ref r, 9) if r.frame_len() == Some(8000)));
    }

    proptest! {
        #[test]
        fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = Request::parse(&bytes);
            let _ = Reply::parse(&bytes);
        }

        #[test]
        fn request_round_trip(serial in any::<u8>(), command in any::<u8>(), data in proptest::collection::vec(any::<u8>(), 0..=16)) {
            let r = Request { serial, command, data };
            let wire = r.encode();
            prop_assert_eq!(Request::parse(&wire), Parsed::Frame(r, wire.len()));
        }

        #[test]
        fn reply_round_trip(serial in any::<u8>(), command in any::<u8>(), status in any::<u8>(), data in proptest::collection::vec(any::<u8>(), 0..=255)) {
            let r = Reply { serial, command, status, data };
            let wire = r.encode();
            prop_assert_eq!(Reply::parse(&wire), Parsed::Frame(r, wire.len()));
        }
    }
}
