//! ZFM-20 / R30x / AS608 packet framing: `EF 01`, address, PID, length, content, checksum.
//! Pure byte-level codec shared by driver and simulator; must not do I/O or know commands.

use crate::error::FramingError;

/// The two header bytes that start every packet.
pub const HEADER: [u8; 2] = [0xEF, 0x01];
/// Factory default module address.
pub const DEFAULT_ADDRESS: u32 = 0xFFFF_FFFF;
/// Largest content a packet may carry (packet size 256).
pub const MAX_CONTENT: usize = 256;
/// Bytes of framing around the content (header, address, PID, length, checksum).
pub const OVERHEAD: usize = 11;

/// Packet identifier byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pid {
    /// Host command (0x01).
    Command,
    /// Data packet, more follows (0x02).
    Data,
    /// Acknowledge from the module (0x07).
    Ack,
    /// Last data packet (0x08).
    End,
}

impl Pid {
    /// The wire byte.
    pub fn byte(self) -> u8 {
        match self {
            Self::Command => 0x01,
            Self::Data => 0x02,
            Self::Ack => 0x07,
            Self::End => 0x08,
        }
    }

    /// Parses a wire byte.
    pub fn from_byte(b: u8) -> Result<Self, FramingError> {
        match b {
            0x01 => Ok(Self::Command),
            0x02 => Ok(Self::Data),
            0x07 => Ok(Self::Ack),
            0x08 => Ok(Self::End),
            other => Err(FramingError::BadPid(other)),
        }
    }
}

/// One packet: address, identifier and content (without framing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// Module address.
    pub address: u32,
    /// Packet identifier.
    pub pid: Pid,
    /// Instruction + parameters, confirmation + results, or raw data.
    pub content: Vec<u8>,
}

/// 16-bit sum of PID, both length bytes and the content, carries discarded.
pub fn checksum(pid: u8, length: u16, content: &[u8]) -> u16 {
    let [hi, lo] = length.to_be_bytes();
    content.iter().fold(
        u16::from(pid)
            .wrapping_add(u16::from(hi))
            .wrapping_add(u16::from(lo)),
        |acc, b| acc.wrapping_add(u16::from(*b)),
    )
}

impl Packet {
    /// A packet at the default address.
    pub fn new(pid: Pid, content: Vec<u8>) -> Self {
        Self {
            address: DEFAULT_ADDRESS,
            pid,
            content,
        }
    }

    /// Serialises the packet; content longer than [`MAX_CONTENT`] is a caller bug and is cut.
    pub fn encode(&self) -> Vec<u8> {
        let content = self.content.get(..MAX_CONTENT).unwrap_or(&self.content);
        // content ≤ 256, so the length always fits in u16.
        let length = (content.len() + 2) as u16;
        let mut out = Vec::with_capacity(content.len() + OVERHEAD);
        out.extend_from_slice(&HEADER);
        out.extend_from_slice(&self.address.to_be_bytes());
        out.push(self.pid.byte());
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(content);
        out.extend_from_slice(&checksum(self.pid.byte(), length, content).to_be_bytes());
        out
    }
}

/// Result of trying to parse one packet at the front of a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// More bytes are needed.
    Incomplete,
    /// A packet and how many bytes it used.
    Packet(Packet, usize),
    /// A framing error and how many bytes to skip to resynchronise.
    Error(FramingError, usize),
}

/// Parses one packet from the front of `buf` without panicking on any input.
pub fn parse(buf: &[u8]) -> Parsed {
    match buf {
        [] => return Parsed::Incomplete,
        [a] if *a == HEADER[0] => return Parsed::Incomplete,
        [a, b, ..] if *a == HEADER[0] && *b == HEADER[1] => {}
        _ => return Parsed::Error(FramingError::BadHeader, resync_skip(buf)),
    }
    let Some(head) = buf.get(..9) else {
        return Parsed::Incomplete;
    };
    let address = u32::from_be_bytes([head[2], head[3], head[4], head[5]]);
    let pid_byte = head[6];
    let length = u16::from_be_bytes([head[7], head[8]]);
    let pid = match Pid::from_byte(pid_byte) {
        Ok(p) => p,
        Err(e) => return Parsed::Error(e, resync_skip(buf)),
    };
    if !(2..=(MAX_CONTENT as u16 + 2)).contains(&length) {
        return Parsed::Error(FramingError::BadLength(length), resync_skip(buf));
    }
    let total = 9 + usize::from(length);
    let Some(frame) = buf.get(..total) else {
        return Parsed::Incomplete;
    };
    let content = &frame[9..total - 2];
    let got = u16::from_be_bytes([frame[total - 2], frame[total - 1]]);
    let want = checksum(pid_byte, length, content);
    if want != got {
        return Parsed::Error(FramingError::BadChecksum { want, got }, resync_skip(buf));
    }
    Parsed::Packet(
        Packet {
            address,
            pid,
            content: content.to_vec(),
        },
        total,
    )
}

/// Number of bytes to drop so that the buffer starts at the next possible header.
fn resync_skip(buf: &[u8]) -> usize {
    buf.iter()
        .enumerate()
        .skip(1)
        .find(|(_, b)| **b == HEADER[0])
        .map_or(buf.len(), |(i, _)| i)
}

/// Incremental decoder: feed bytes as they arrive, take packets or framing errors out.
#[derive(Debug, Default)]
pub struct Decoder {
    buf: Vec<u8>,
}

impl Decoder {
    /// An empty decoder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends received bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next packet or error, or `None` when more bytes are needed.
    pub fn next_packet(&mut self) -> Option<Result<Packet, FramingError>> {
        match parse(&self.buf) {
            Parsed::Incomplete => None,
            Parsed::Packet(p, used) => {
                self.buf.drain(..used.min(self.buf.len()));
                Some(Ok(p))
            }
            Parsed::Error(e, skip) => {
                self.buf.drain(..skip.min(self.buf.len()));
                Some(Err(e))
            }
        }
    }

    /// Bytes received but not yet parsed.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// Drops everything buffered.
    pub fn clear(&mut self) {
        self.buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap_or(0))
            .collect()
    }

    #[test]
    fn golden_vectors_from_datasheet_and_drivers() {
        let cases = [
            (
                Pid::Command,
                vec![0x01],
                "EF 01 FF FF FF FF 01 00 03 01 00 05",
            ),
            (
                Pid::Command,
                vec![0x13, 0, 0, 0, 0],
                "EF 01 FF FF FF FF 01 00 07 13 00 00 00 00 00 1B",
            ),
            (
                Pid::Command,
                vec![0x0F],
                "EF 01 FF FF FF FF 01 00 03 0F 00 13",
            ),
            (
                Pid::Command,
                vec![0x1D],
                "EF 01 FF FF FF FF 01 00 03 1D 00 21",
            ),
            (
                Pid::Command,
                vec![0x0A],
                "EF 01 FF FF FF FF 01 00 03 0A 00 0E",
            ),
            (Pid::Ack, vec![0x00], "EF 01 FF FF FF FF 07 00 03 00 00 0A"),
            (Pid::Ack, vec![0x02], "EF 01 FF FF FF FF 07 00 03 02 00 0C"),
        ];
        for (pid, content, wire) in cases {
            let p = Packet::new(pid, content);
            assert_eq!(p.encode(), hex(wire), "{wire}");
            assert_eq!(parse(&hex(wire)), Parsed::Packet(p, hex(wire).len()));
        }
        let sys = hex(
            "EF 01 FF FF FF FF 07 00 13 00 00 00 00 00 00 C8 00 03 FF FF FF FF 00 02 00 06 04 E9",
        );
        assert!(matches!(parse(&sys), Parsed::Packet(_, 28)));
    }

    #[test]
    fn bad_checksum_is_reported_and_skipped() {
        let mut wire = hex("EF 01 FF FF FF FF 07 00 03 00 00 0B");
        wire.extend(hex("EF 01 FF FF FF FF 07 00 03 00 00 0A"));
        let mut d = Decoder::new();
        d.feed(&wire);
        assert!(matches!(
            d.next_packet(),
            Some(Err(FramingError::BadChecksum { .. }))
        ));
        assert!(matches!(d.next_packet(), Some(Ok(_))));
        assert!(d.next_packet().is_none());
    }

    #[test]
    fn accepts_256_byte_data_packet() {
        let p = Packet::new(Pid::Data, vec![0xAB; 256]);
        let wire = p.encode();
        assert_eq!(wire.len(), 267);
        assert_eq!(parse(&wire), Parsed::Packet(p, 267));
    }

    proptest! {
        #[test]
        fn decoder_never_panics(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..8)) {
            let mut d = Decoder::new();
            for c in &chunks {
                d.feed(c);
                while d.next_packet().is_some() {}
            }
            prop_assert!(d.pending() <= chunks.iter().map(Vec::len).sum::<usize>());
        }

        #[test]
        fn round_trip(address in any::<u32>(), pid in 0usize..4, content in proptest::collection::vec(any::<u8>(), 0..=256)) {
            let pid = [Pid::Command, Pid::Data, Pid::Ack, Pid::End][pid];
            let p = Packet { address, pid, content };
            let wire = p.encode();
            prop_assert_eq!(parse(&wire), Parsed::Packet(p, wire.len()));
        }

        #[test]
        fn round_trip_after_garbage(garbage in proptest::collection::vec(any::<u8>(), 0..40), content in proptest::collection::vec(any::<u8>(), 0..64)) {
            let p = Packet::new(Pid::Data, content);
            let mut d = Decoder::new();
            d.feed(&garbage);
            d.feed(&p.encode());
            let mut found = false;
            while let Some(r) = d.next_packet() {
                if r.as_ref().ok() == Some(&p) { found = true; }
            }
            // Garbage may swallow the packet only if it ends in a partial frame that eats it.
            prop_assert!(found || garbage.contains(&HEADER[0]));
        }
    }
}
