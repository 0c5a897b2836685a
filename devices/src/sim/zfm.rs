//! Simulated ZFM-20 scanner: a state machine that answers host packets byte-for-byte like
//! the module (password, system parameters, GenImg polling, UpImage in data packets, a small
//! template library) and injects faults. Must not touch the pty (the runner does).

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use super::fault::Fault;
use super::glass::{Glass, OnGlass};
use super::images::ImageSource;
use super::runner::{Emit, SimDevice};
use crate::proto::zfm::command::code;
use crate::proto::zfm::image::pack;
use crate::proto::zfm::packet::OVERHEAD;
use crate::proto::zfm::{Ack, Command, Decoder, Packet, Pid, SysParams};

/// Password the `wrong-password` fault sets on the simulated module.
pub const FAULT_PASSWORD: u32 = 0x1234_5678;
/// Index of the data packet that the checksum / drop / unplug faults hit (unplug: a third in).
const FAULTY_PACKET: usize = 10;

/// The simulated module's state.
pub struct ZfmSim {
    decoder: Decoder,
    params: SysParams,
    password: u32,
    verified: bool,
    image: Option<Vec<u8>>,
    image_owner: Option<OnGlass>,
    char_buffers: [Option<Option<OnGlass>>; 2],
    library: BTreeSet<u16>,
    impressions: HashMap<OnGlass, u32>,
    glass: Glass,
    source: ImageSource,
    fault: Option<Fault>,
    baud: u32,
    random: u64,
}

impl ZfmSim {
    /// A module with factory settings at `baud`, seeing what `glass` says.
    pub fn new(source: ImageSource, glass: Glass, fault: Option<Fault>, baud: u32) -> Self {
        let mut params = SysParams::factory();
        params.baud_multiplier = (baud / 9600).clamp(1, 12) as u16;
        Self {
            decoder: Decoder::new(),
            params,
            password: if fault == Some(Fault::WrongPassword) {
                FAULT_PASSWORD
            } else {
                0
            },
            verified: false,
            image: None,
            image_owner: None,
            char_buffers: [None, None],
            library: BTreeSet::new(),
            impressions: HashMap::new(),
            glass,
            source,
            fault,
            baud: baud.max(1),
            random: 0x9E37_79B9_7F4A_7C15,
        }
    }

    fn ack(&self, code: u8, payload: Vec<u8>) -> Emit {
        Emit::Bytes(
            Packet {
                address: self.params.address,
                pid: Pid::Ack,
                content: Ack::new(code, payload).content(),
            }
            .encode(),
        )
    }

    fn handle(&mut self, cmd: Command) -> Vec<Emit> {
        let is_handshake = matches!(
            cmd,
            Command::VfyPwd(_) | Command::ReadSysPara | Command::TempleteNum
        );
        if self.fault == Some(Fault::Timeout) && !is_handshake {
            return Vec::new();
        }
        if self.password != 0 && !self.verified && !matches!(cmd, Command::VfyPwd(_)) {
            return vec![self.ack(0x21, vec![])];
        }
        match cmd {
            Command::VfyPwd(p) => {
                self.verified = p == self.password;
                vec![self.ack(if self.verified { 0x00 } else { 0x13 }, vec![])]
            }
            Command::SetPwd(p) => {
                self.password = p;
                vec![self.ack(0, vec![])]
            }
            Command::ReadSysPara => {
                let mut p = self.params;
                p.status = (u16::from(self.verified) << 2) | (u16::from(self.image.is_some()) << 3);
                vec![self.ack(0, p.encode())]
            }
            Command::SetSysPara { param, value } => {
                let ok = match param {
                    4 if (1..=12).contains(&value) => {
                        self.params.baud_multiplier = u16::from(value);
                        true
                    }
                    5 if (1..=5).contains(&value) => {
                        self.params.security_level = u16::from(value);
                        true
                    }
                    6 if value <= 3 => {
                        self.params.packet_size_code = u16::from(value);
                        true
                    }
                    _ => false,
                };
                vec![self.ack(if ok { 0 } else { 0x1A }, vec![])]
            }
            Command::TempleteNum => {
                let n = self.library.len() as u16;
                vec![self.ack(0, n.to_be_bytes().to_vec())]
            }
            Command::GetRandomCode => {
                self.random ^= self.random << 13;
                self.random ^= self.random >> 7;
                self.random ^= self.random << 17;
                vec![self.ack(0, (self.random as u32).to_be_bytes().to_vec())]
            }
            Command::GenImg => self.gen_img(),
            Command::UpImage => self.up_image(),
            Command::Img2Tz { buffer } => match (buffer, &self.image) {
                (1 | 2, Some(_)) => {
                    if let Some(slot) = self.char_buffers.get_mut(usize::from(buffer - 1)) {
                        *slot = Some(self.image_owner);
                    }
                    vec![self.ack(0, vec![])]
                }
                (1 | 2, None) => vec![self.ack(0x15, vec![])],
                _ => vec![self.ack(0x0B, vec![])],
            },
            Command::Match => match self.char_buffers {
                [Some(a), Some(b)] if a == b && a.is_some() => vec![self.ack(0, vec![0, 100])],
                _ => vec![self.ack(0x08, vec![0, 0])],
            },
            Command::RegModel => match self.char_buffers {
                [Some(a), Some(b)] if a == b => vec![self.ack(0, vec![])],
                _ => vec![self.ack(0x0A, vec![])],
            },
            Command::Store { page, .. } => {
                if page < self.params.capacity {
                    self.library.insert(page);
                    vec![self.ack(0, vec![])]
                } else {
                    vec![self.ack(0x0B, vec![])]
                }
            }
            Command::Empty => {
                self.library.clear();
                vec![self.ack(0, vec![])]
            }
            Command::Other {
                code: 0x35 | 0x50 | 0x51,
                ..
            } => vec![self.ack(0, vec![])],
            Command::Other { .. } => vec![self.ack(0xFC, vec![])],
        }
    }

    fn gen_img(&mut self) -> Vec<Emit> {
        let mut out = Vec::new();
        if self.fault == Some(Fault::Slow) {
            out.push(Emit::Pause(Duration::from_millis(600)));
        }
        let on_glass = self.glass.current();
        let code = match (self.fault, on_glass) {
            (Some(Fault::NoFinger), _) | (_, None) => 0x02,
            (Some(Fault::PoorImage), Some(_)) => 0x03,
            (_, Some(who)) => {
                let n = self.impressions.entry(who).or_insert(0);
                *n += 1;
                let n = *n;
                match self.source.image(who, n) {
                    Some(px) => {
                        self.image = Some(px);
                        self.image_owner = Some(who);
                        0x00
                    }
                    None => 0x03,
                }
            }
        };
        out.push(self.ack(code, vec![]));
        out
    }

    fn up_image(&mut self) -> Vec<Emit> {
        let Some(image) = &self.image else {
            return vec![self.ack(0x0F, vec![])];
        };
        let packed = pack(image);
        let size = self.params.packet_size();
        let count = packed.len().div_ceil(size);
        let mut out = vec![self.ack(0, vec![])];
        for (i, chunk) in packed.chunks(size).enumerate() {
            let pid = if i + 1 == count { Pid::End } else { Pid::Data };
            let mut wire = Packet {
                address: self.params.address,
                pid,
                content: chunk.to_vec(),
            }
            .encode();
            match self.fault {
                Some(Fault::Checksum) if i == FAULTY_PACKET => {
                    if let Some(last) = wire.last_mut() {
                        *last ^= 0x5A;
                    }
                }
                Some(Fault::DropBytes) if i == FAULTY_PACKET => {
                    wire.drain(20..23);
                }
                Some(Fault::Unplug) if i == count / 3 => {
                    wire.truncate(wire.len() / 2);
                    out.push(Emit::Bytes(wire));
                    out.push(Emit::Unplug);
                    return out;
                }
                Some(Fault::Slow) => {
                    let line = Duration::from_nanos(
                        (size + OVERHEAD) as u64 * 10 * 1_000_000_000 / u64::from(self.baud),
                    );
                    out.push(Emit::Pause(line * 2));
                }
                _ => {}
            }
            out.push(Emit::Bytes(wire));
        }
        out
    }
}

impl SimDevice for ZfmSim {
    fn on_bytes(&mut self, bytes: &[u8]) -> Vec<Emit> {
        self.decoder.feed(bytes);
        let mut out = Vec::new();
        let mut bad_frame = false;
        while let Some(r) = self.decoder.next_packet() {
            match r {
                // Packets for another address are ignored, like the module does.
                Ok(p) if p.address != self.params.address => {}
                Ok(p) if p.pid == Pid::Command => {
                    if let Some(cmd) = Command::parse(&p.content) {
                        out.extend(self.handle(cmd));
                    }
                }
                Ok(_) => {}
                Err(_) => bad_frame = true,
            }
        }
        if bad_frame {
            out.push(self.ack(0x01, vec![]));
        }
        out
    }
}

/// Instruction codes the simulator implements (for docs and tests).
pub const IMPLEMENTED: &[u8] = &[
    code::GEN_IMG,
    code::IMG2TZ,
    code::MATCH,
    code::REG_MODEL,
    code::STORE,
    code::UP_IMAGE,
    code::EMPTY,
    code::SET_SYS_PARA,
    code::READ_SYS_PARA,
    code::SET_PWD,
    code::VFY_PWD,
    code::GET_RANDOM_CODE,
    code::TEMPLETE_NUM,
];
