//! ZFM instruction set (the subset we drive or simulate), acknowledgements, system parameters
//! and confirmation-code mapping. Pure data ↔ bytes; must not do I/O.

use crate::error::{DeviceError, QualityIssue};

/// Instruction codes (first content byte of a command packet).
pub mod code {
    /// Capture an image into the image buffer.
    pub const GEN_IMG: u8 = 0x01;
    /// Extract features into a char buffer.
    pub const IMG2TZ: u8 = 0x02;
    /// Compare char buffers 1 and 2.
    pub const MATCH: u8 = 0x03;
    /// Search the library.
    pub const SEARCH: u8 = 0x04;
    /// Merge char buffers into a template.
    pub const REG_MODEL: u8 = 0x05;
    /// Store a template in the library.
    pub const STORE: u8 = 0x06;
    /// Upload the image buffer to the host.
    pub const UP_IMAGE: u8 = 0x0A;
    /// Download an image from the host.
    pub const DOWN_IMAGE: u8 = 0x0B;
    /// Delete templates.
    pub const DELETE_CHAR: u8 = 0x0C;
    /// Clear the library.
    pub const EMPTY: u8 = 0x0D;
    /// Write a system parameter.
    pub const SET_SYS_PARA: u8 = 0x0E;
    /// Read the system parameters.
    pub const READ_SYS_PARA: u8 = 0x0F;
    /// Set the handshake password.
    pub const SET_PWD: u8 = 0x12;
    /// Verify the handshake password.
    pub const VFY_PWD: u8 = 0x13;
    /// Get a random number.
    pub const GET_RANDOM_CODE: u8 = 0x14;
    /// Count stored templates.
    pub const TEMPLETE_NUM: u8 = 0x1D;
}

/// A host command (the subset this crate speaks), convertible to and from packet content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Capture an image (01).
    GenImg,
    /// Extract features into buffer 1 or 2 (02).
    Img2Tz {
        /// Char buffer number.
        buffer: u8,
    },
    /// Compare the two char buffers (03).
    Match,
    /// Merge the char buffers into a template (05).
    RegModel,
    /// Store buffer in library page (06).
    Store {
        /// Char buffer number.
        buffer: u8,
        /// Library slot.
        page: u16,
    },
    /// Upload the image buffer (0A).
    UpImage,
    /// Clear the library (0D).
    Empty,
    /// Write system parameter `param` (4 baud, 5 security, 6 packet size) (0E).
    SetSysPara {
        /// Parameter number.
        param: u8,
        /// New value.
        value: u8,
    },
    /// Read system parameters (0F).
    ReadSysPara,
    /// Set the password (12).
    SetPwd(u32),
    /// Verify the password (13).
    VfyPwd(u32),
    /// Random number (14).
    GetRandomCode,
    /// Template count (1D).
    TempleteNum,
    /// Any other instruction with raw parameters.
    Other {
        /// Instruction code.
        code: u8,
        /// Raw parameter bytes.
        params: Vec<u8>,
    },
}

impl Command {
    /// The packet content: instruction code followed by parameters.
    pub fn content(&self) -> Vec<u8> {
        let mut c = vec![self.code()];
        match self {
            Self::Img2Tz { buffer } => c.push(*buffer),
            Self::Store { buffer, page } => {
                c.push(*buffer);
                c.extend_from_slice(&page.to_be_bytes());
            }
            Self::SetSysPara { param, value } => c.extend_from_slice(&[*param, *value]),
            Self::SetPwd(p) | Self::VfyPwd(p) => c.extend_from_slice(&p.to_be_bytes()),
            Self::Other { params, .. } => c.extend_from_slice(params),
            _ => {}
        }
        c
    }

    /// The instruction code.
    pub fn code(&self) -> u8 {
        match self {
            Self::GenImg => code::GEN_IMG,
            Self::Img2Tz { .. } => code::IMG2TZ,
            Self::Match => code::MATCH,
            Self::RegModel => code::REG_MODEL,
            Self::Store { .. } => code::STORE,
            Self::UpImage => code::UP_IMAGE,
            Self::Empty => code::EMPTY,
            Self::SetSysPara { .. } => code::SET_SYS_PARA,
            Self::ReadSysPara => code::READ_SYS_PARA,
            Self::SetPwd(_) => code::SET_PWD,
            Self::VfyPwd(_) => code::VFY_PWD,
            Self::GetRandomCode => code::GET_RANDOM_CODE,
            Self::TempleteNum => code::TEMPLETE_NUM,
            Self::Other { code, .. } => *code,
        }
    }

    /// Parses command content; unknown codes or unexpected parameter lengths become
    /// [`Command::Other`], so `parse(c).content() == c` always holds.
    pub fn parse(content: &[u8]) -> Option<Self> {
        let (&op, p) = content.split_first()?;
        let parsed = match (op, p) {
            (code::GEN_IMG, []) => Self::GenImg,
            (code::IMG2TZ, [buffer]) => Self::Img2Tz { buffer: *buffer },
            (code::MATCH, []) => Self::Match,
            (code::REG_MODEL, []) => Self::RegModel,
            (code::STORE, [buffer, hi, lo]) => Self::Store {
                buffer: *buffer,
                page: u16::from_be_bytes([*hi, *lo]),
            },
            (code::UP_IMAGE, []) => Self::UpImage,
            (code::EMPTY, []) => Self::Empty,
            (code::SET_SYS_PARA, [param, value]) => Self::SetSysPara {
                param: *param,
                value: *value,
            },
            (code::READ_SYS_PARA, []) => Self::ReadSysPara,
            (code::SET_PWD, [a, b, c, d]) => Self::SetPwd(u32::from_be_bytes([*a, *b, *c, *d])),
            (code::VFY_PWD, [a, b, c, d]) => Self::VfyPwd(u32::from_be_bytes([*a, *b, *c, *d])),
            (code::GET_RANDOM_CODE, []) => Self::GetRandomCode,
            (code::TEMPLETE_NUM, []) => Self::TempleteNum,
            _ => Self::Other {
                code: op,
                params: p.to_vec(),
            },
        };
        Some(parsed)
    }
}

/// An acknowledge packet's content: confirmation code plus results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// Confirmation code (00 = ok).
    pub code: u8,
    /// Result bytes after the code.
    pub payload: Vec<u8>,
}

impl Ack {
    /// Builds an ack with results.
    pub fn new(code: u8, payload: Vec<u8>) -> Self {
        Self { code, payload }
    }

    /// Parses ack content (at least the confirmation byte).
    pub fn parse(content: &[u8]) -> Option<Self> {
        let (&code, payload) = content.split_first()?;
        Some(Self {
            code,
            payload: payload.to_vec(),
        })
    }

    /// Packet content.
    pub fn content(&self) -> Vec<u8> {
        let mut c = vec![self.code];
        c.extend_from_slice(&self.payload);
        c
    }
}

/// The 16 bytes returned by ReadSysPara.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SysParams {
    /// Status register (bit0 busy, bit1 pass, bit2 password ok, bit3 image valid).
    pub status: u16,
    /// System identifier.
    pub system_id: u16,
    /// Library capacity.
    pub capacity: u16,
    /// Security level 1..5.
    pub security_level: u16,
    /// Module address.
    pub address: u32,
    /// Packet size code 0..3 (32/64/128/256 bytes).
    pub packet_size_code: u16,
    /// Baud multiplier N (baud = 9600·N).
    pub baud_multiplier: u16,
}

impl SysParams {
    /// Factory defaults of a ZFM-20 at 57600 baud with 128-byte packets.
    pub fn factory() -> Self {
        Self {
            status: 0,
            system_id: 0,
            capacity: 162,
            security_level: 3,
            address: super::packet::DEFAULT_ADDRESS,
            packet_size_code: 2,
            baud_multiplier: 6,
        }
    }

    /// Packet content size in bytes (32 << code, clamped to 256).
    pub fn packet_size(&self) -> usize {
        32usize << self.packet_size_code.min(3)
    }

    /// Encodes the 16-byte block.
    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(16);
        for w in [
            self.status,
            self.system_id,
            self.capacity,
            self.security_level,
        ] {
            v.extend_from_slice(&w.to_be_bytes());
        }
        v.extend_from_slice(&self.address.to_be_bytes());
        v.extend_from_slice(&self.packet_size_code.to_be_bytes());
        v.extend_from_slice(&self.baud_multiplier.to_be_bytes());
        v
    }

    /// Decodes the 16-byte block; `None` if too short.
    pub fn decode(b: &[u8]) -> Option<Self> {
        let w =
            |i: usize| -> Option<u16> { Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?])) };
        Some(Self {
            status: w(0)?,
            system_id: w(2)?,
            capacity: w(4)?,
            security_level: w(6)?,
            address: u32::from(w(8)?) << 16 | u32::from(w(10)?),
            packet_size_code: w(12)?,
            baud_multiplier: w(14)?,
        })
    }
}

/// Maps a non-zero confirmation code to the error taxonomy (`None` for 00).
pub fn confirmation_error(code: u8) -> Option<DeviceError> {
    use crate::error::FramingError;
    Some(match code {
        0x00 => return None,
        0x01 => DeviceError::Framing(FramingError::Unexpected),
        0x02 => DeviceError::NoFinger,
        0x03 => DeviceError::PoorImage(QualityIssue::CaptureFailed),
        0x04 => DeviceError::PoorImage(QualityIssue::TooDry),
        0x05 => DeviceError::PoorImage(QualityIssue::TooWet),
        0x06 => DeviceError::PoorImage(QualityIssue::TooMessy),
        0x07 => DeviceError::PoorImage(QualityIssue::TooFewFeatures),
        0x0A => DeviceError::EnrollMismatch,
        0x13 | 0x21 => DeviceError::WrongPassword,
        0x18 | 0x29 | 0xFD => DeviceError::Hardware { code },
        0xFC => DeviceError::Unsupported { code },
        other => DeviceError::Rejected { code: other },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sys_params_golden_reply() {
        let payload = [
            0x00, 0x00, 0x00, 0x00, 0x00, 0xC8, 0x00, 0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x02,
            0x00, 0x06,
        ];
        let p = SysParams::decode(&payload);
        assert_eq!(
            p.map(|p| (p.capacity, p.packet_size(), p.baud_multiplier)),
            Some((200, 128, 6))
        );
        assert_eq!(p.map(|p| p.encode()), Some(payload.to_vec()));
    }

    #[test]
    fn codes_map_to_taxonomy() {
        assert!(confirmation_error(0).is_none());
        assert!(matches!(confirmation_error(2), Some(DeviceError::NoFinger)));
        assert!(matches!(
            confirmation_error(0x13),
            Some(DeviceError::WrongPassword)
        ));
    }

    proptest! {
        #[test]
        fn command_parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Some(c) = Command::parse(&bytes) {
                prop_assert_eq!(c.content(), bytes);
            }
        }

        #[test]
        fn ack_and_params_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = Ack::parse(&bytes);
            let _ = SysParams::decode(&bytes);
        }
    }
}
