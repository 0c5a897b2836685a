//! Simulated VC0706 camera: answers version, reset (with boot banner), image size, freeze /
//! resume, frame length and chunked frame-buffer reads of a synthetic face JPEG, and injects
//! faults. Must not touch the pty (the runner does).

use std::time::Duration;

use super::fault::Fault;
use super::runner::{Emit, SimDevice};
use crate::proto::vc0706::{Parsed, Reply, Request, cmd, size_of_code, status};
use crate::synthetic::face_jpeg;

/// Version string the simulated camera reports (11 bytes, like the Vimicro module).
pub const VERSION: &[u8; 11] = b"VC0706 1.00";
/// Boot banner printed after SYSTEM_RESET.
const BANNER: &[u8] =
    b"VC0703 1.00\r\nCtrl infr exist\r\nUser-defined sensor\r\n625\r\nInit end\r\n";
/// Frame-buffer read (0-based) that the checksum / drop / unplug faults hit.
const FAULTY_READ: u32 = 2;

/// The simulated camera's state.
pub struct Vc0706Sim {
    rx: Vec<u8>,
    serial: u8,
    size_code: u8,
    frozen: bool,
    jpeg: Vec<u8>,
    seed: u64,
    fault: Option<Fault>,
    reads: u32,
    baud: u32,
}

impl Vc0706Sim {
    /// A camera at 640×480 showing the synthetic face for `seed`.
    pub fn new(seed: u64, fault: Option<Fault>, baud: u32) -> Self {
        Self {
            rx: Vec::new(),
            serial: 0,
            size_code: 0x00,
            frozen: false,
            jpeg: Vec::new(),
            seed,
            fault,
            reads: 0,
            baud: baud.max(1),
        }
    }

    fn reply(&self, command: u8, st: u8, data: Vec<u8>) -> Emit {
        Emit::Bytes(
            Reply {
                serial: self.serial,
                command,
                status: st,
                data,
            }
            .encode(),
        )
    }

    fn frame(&mut self) -> &[u8] {
        if self.jpeg.is_empty() {
            let (w, h) = size_of_code(self.size_code).unwrap_or((640, 480));
            self.jpeg = face_jpeg(w, h, self.seed).unwrap_or_default();
        }
        &self.jpeg
    }

    fn handle(&mut self, req: Request) -> Vec<Emit> {
        if req.serial != self.serial {
            return Vec::new();
        }
        let silent = matches!(
            req.command,
            cmd::FBUF_CTRL | cmd::GET_FBUF_LEN | cmd::READ_FBUF
        );
        if self.fault == Some(Fault::Timeout) && silent {
            return Vec::new();
        }
        match (req.command, req.data.as_slice()) {
            (cmd::GEN_VERSION, _) => {
                vec![self.reply(cmd::GEN_VERSION, status::OK, VERSION.to_vec())]
            }
            (cmd::SYSTEM_RESET, _) => {
                self.frozen = false;
                vec![
                    self.reply(cmd::SYSTEM_RESET, status::OK, vec![]),
                    Emit::Pause(Duration::from_millis(10)),
                    Emit::Bytes(BANNER.to_vec()),
                ]
            }
            (cmd::READ_DATA, [_, _, 0x00, 0x19]) => {
                vec![self.reply(cmd::READ_DATA, status::OK, vec![self.size_code])]
            }
            (cmd::WRITE_DATA, [_, _, 0x00, 0x19, code]) if size_of_code(*code).is_some() => {
                self.size_code = *code;
                self.jpeg.clear();
                vec![self.reply(cmd::WRITE_DATA, status::OK, vec![])]
            }
            (cmd::FBUF_CTRL, [flag]) => {
                self.frozen = *flag <= 1;
                self.reads = 0;
                vec![self.reply(cmd::FBUF_CTRL, status::OK, vec![])]
            }
            (cmd::GET_FBUF_LEN, _) => {
                let len = self.frame().len() as u32;
                vec![self.reply(cmd::GET_FBUF_LEN, status::OK, len.to_be_bytes().to_vec())]
            }
            (cmd::READ_FBUF, _) => self.read_fbuf(&req),
            (command, _) => vec![self.reply(command, status::NOT_RECEIVED, vec![])],
        }
    }

    fn read_fbuf(&mut self, req: &Request) -> Vec<Emit> {
        let Some((offset, len)) = req.frame_window() else {
            return vec![self.reply(cmd::READ_FBUF, status::BAD_LENGTH, vec![])];
        };
        if !self.frozen || len % 4 != 0 || len > 65_536 {
            return vec![self.reply(cmd::READ_FBUF, status::BUSY, vec![])];
        }
        let index = self.reads;
        self.reads += 1;
        let fault = self.fault;
        let baud = self.baud;
        let frame = self.frame();
        let mut data: Vec<u8> = (offset..offset.saturating_add(len))
            .map(|i| frame.get(i as usize).copied().unwrap_or(0))
            .collect();
        let ack = self.reply(cmd::READ_FBUF, status::OK, vec![]);
        let mut trailer = ack.clone();
        let mut out = vec![ack];
        match fault {
            Some(Fault::Checksum) if index >= FAULTY_READ => {
                if let Emit::Bytes(b) = &mut trailer
                    && let Some(first) = b.first_mut()
                {
                    *first ^= 0x20;
                }
            }
            Some(Fault::DropBytes) if index >= FAULTY_READ => {
                let mid = data.len() / 2;
                data.drain(mid..(mid + 3).min(data.len()));
            }
            Some(Fault::Unplug) if index == FAULTY_READ => {
                data.truncate(data.len() / 2);
                out.push(Emit::Bytes(data));
                out.push(Emit::Unplug);
                return out;
            }
            Some(Fault::Slow) => {
                let line =
                    Duration::from_nanos(u64::from(len) * 10 * 1_000_000_000 / u64::from(baud));
                out.push(Emit::Pause(line));
            }
            _ => {}
        }
        out.push(Emit::Bytes(data));
        out.push(trailer);
        out
    }
}

impl SimDevice for Vc0706Sim {
    fn on_bytes(&mut self, bytes: &[u8]) -> Vec<Emit> {
        self.rx.extend_from_slice(bytes);
        let mut out = Vec::new();
        loop {
            match Request::parse(&self.rx) {
                Parsed::Incomplete => break,
                Parsed::Frame(req, used) => {
                    self.rx.drain(..used.min(self.rx.len()));
                    out.extend(self.handle(req));
                }
                Parsed::Error(_, skip) => {
                    self.rx.drain(..skip.min(self.rx.len()));
                }
            }
        }
        out
    }
}
