//! ZFM-20 / R30x / AS608 driver over a serial port: handshake, system parameters, finger
//! polling and image upload with deadlines, cancellation and one automatic retry on
//! framing errors or timeouts. Must not spawn threads or talk to the UI.

use std::time::{Duration, Instant};

use crate::api::{
    Cancel, CaptureStep, Deadline, DeviceInfo, FingerImage, FingerprintScanner, Progress,
};
use crate::error::{DeviceError, FramingError};
use crate::proto::zfm::image::{HEIGHT, PACKED_LEN, WIDTH, unpack};
use crate::proto::zfm::packet::DEFAULT_ADDRESS;
use crate::proto::zfm::{Ack, Command, Decoder, Packet, Pid, SysParams, confirmation_error};
use crate::transport::SerialLink;

/// Connection settings for a ZFM-class scanner.
#[derive(Debug, Clone, Copy)]
pub struct ZfmConfig {
    /// Line speed (the module's factory default is 57600).
    pub baud: u32,
    /// Handshake password (factory default 0).
    pub password: u32,
    /// Module address (factory default 0xFFFFFFFF).
    pub address: u32,
    /// Longest wait for one reply or one data packet (GenImg may take up to 1 s on a ZFM-20).
    pub reply_timeout: Duration,
    /// Pause between GenImg polls while waiting for a finger.
    pub poll_interval: Duration,
}

impl Default for ZfmConfig {
    fn default() -> Self {
        Self {
            baud: 57_600,
            password: 0,
            address: DEFAULT_ADDRESS,
            reply_timeout: Duration::from_millis(2000),
            poll_interval: Duration::from_millis(50),
        }
    }
}

/// A connected ZFM-class scanner.
#[derive(Debug)]
pub struct ZfmScanner {
    link: SerialLink,
    decoder: Decoder,
    params: SysParams,
    config: ZfmConfig,
}

impl ZfmScanner {
    /// Opens the port, verifies the password and reads the system parameters.
    pub fn open(path: &str, config: ZfmConfig) -> Result<Self, DeviceError> {
        let link = SerialLink::open(path, config.baud)?;
        let mut scanner = Self {
            link,
            decoder: Decoder::new(),
            params: SysParams::factory(),
            config,
        };
        scanner.handshake()?;
        Ok(scanner)
    }

    /// VfyPwd then ReadSysPara; used on open and by `devices list`.
    pub fn handshake(&mut self) -> Result<SysParams, DeviceError> {
        self.command(&Command::VfyPwd(self.config.password))?;
        let ack = self.command(&Command::ReadSysPara)?;
        let params = SysParams::decode(&ack.payload).ok_or(FramingError::Truncated)?;
        self.params = params;
        Ok(params)
    }

    /// System parameters read at the last handshake.
    pub fn params(&self) -> SysParams {
        self.params
    }

    /// Number of templates stored on the module.
    pub fn template_count(&mut self) -> Result<u16, DeviceError> {
        let ack = self.command(&Command::TempleteNum)?;
        match ack.payload.as_slice() {
            [hi, lo, ..] => Ok(u16::from_be_bytes([*hi, *lo])),
            _ => Err(FramingError::Truncated.into()),
        }
    }

    /// Sends a command and returns its successful ack, retrying once on framing or timeout.
    pub fn command(&mut self, cmd: &Command) -> Result<Ack, DeviceError> {
        match self.transact(cmd) {
            Err(DeviceError::Framing(_) | DeviceError::Timeout { .. }) => {
                self.resync()?;
                self.transact(cmd)
            }
            other => other,
        }
    }

    /// Polls GenImg once: `Ok(true)` when an image of a finger was captured.
    pub fn gen_img(&mut self) -> Result<bool, DeviceError> {
        match self.command(&Command::GenImg) {
            Ok(_) => Ok(true),
            Err(DeviceError::NoFinger) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Uploads the image buffer and expands it to 8-bit pixels (one retry on framing/timeout).
    pub fn up_image(
        &mut self,
        cancel: &Cancel,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<Vec<u8>, DeviceError> {
        match self.up_image_once(cancel, on_progress) {
            Err(DeviceError::Framing(_) | DeviceError::Timeout { .. }) => {
                self.resync()?;
                self.up_image_once(cancel, on_progress)
            }
            other => other,
        }
    }

    fn up_image_once(
        &mut self,
        cancel: &Cancel,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<Vec<u8>, DeviceError> {
        self.transact(&Command::UpImage)?;
        let mut packed = Vec::with_capacity(PACKED_LEN);
        loop {
            let deadline = Deadline::after(self.config.reply_timeout);
            let packet = self.read_packet(deadline, cancel, "recepción de imagen")?;
            packed.extend_from_slice(&packet.content);
            if packed.len() > PACKED_LEN {
                return Err(FramingError::BadImage.into());
            }
            on_progress(Progress {
                done: packed.len(),
                total: PACKED_LEN,
            });
            match packet.pid {
                Pid::Data => {}
                Pid::End => break,
                Pid::Ack | Pid::Command => return Err(FramingError::Unexpected.into()),
            }
        }
        Ok(unpack(&packed, WIDTH * HEIGHT)?)
    }

    /// Discards the rest of a broken transfer and any stale input.
    fn resync(&mut self) -> Result<(), DeviceError> {
        self.decoder.clear();
        // Wait long enough for a late ack of a slow module to arrive and be discarded.
        let quiet = (self.config.reply_timeout / 2).max(Duration::from_millis(150));
        self.link
            .drain(quiet, Deadline::after(Duration::from_secs(60)))
    }

    /// One command/ack exchange; a non-zero confirmation code becomes its error.
    fn transact(&mut self, cmd: &Command) -> Result<Ack, DeviceError> {
        self.decoder.clear();
        self.link.clear_input();
        let packet = Packet {
            address: self.config.address,
            pid: Pid::Command,
            content: cmd.content(),
        };
        let deadline = Deadline::after(self.config.reply_timeout);
        self.link
            .write_all(&packet.encode(), deadline, "envío de orden")?;
        let reply = self.read_packet(deadline, &Cancel::new(), "respuesta del lector")?;
        if reply.pid != Pid::Ack {
            return Err(FramingError::Unexpected.into());
        }
        let ack = Ack::parse(&reply.content).ok_or(FramingError::Truncated)?;
        match confirmation_error(ack.code) {
            Some(e) => Err(e),
            None => Ok(ack),
        }
    }

    fn read_packet(
        &mut self,
        deadline: Deadline,
        cancel: &Cancel,
        op: &'static str,
    ) -> Result<Packet, DeviceError> {
        let started = Instant::now();
        let mut buf = [0u8; 512];
        loop {
            if let Some(r) = self.decoder.next_packet() {
                let p = r?;
                if p.address != self.config.address {
                    return Err(FramingError::AddressMismatch { got: p.address }.into());
                }
                return Ok(p);
            }
            let n = self
                .link
                .read_some(&mut buf, deadline, cancel, op, started)?;
            self.decoder.feed(buf.get(..n).unwrap_or_default());
        }
    }
}

impl FingerprintScanner for ZfmScanner {
    fn info(&self) -> DeviceInfo {
        DeviceInfo {
            port: self.link.name().to_string(),
            model: "ZFM-20".to_string(),
            capacity: self.params.capacity,
            packet_size: self.params.packet_size(),
        }
    }

    fn finger_present(&mut self) -> Result<bool, DeviceError> {
        self.gen_img()
    }

    fn capture(
        &mut self,
        deadline: Deadline,
        cancel: &Cancel,
        on_step: &mut dyn FnMut(CaptureStep),
    ) -> Result<FingerImage, DeviceError> {
        loop {
            cancel.check()?;
            if self.gen_img()? {
                break;
            }
            if deadline.passed() {
                return Err(DeviceError::NoFinger);
            }
            std::thread::sleep(self.config.poll_interval.min(deadline.remaining()));
        }
        on_step(CaptureStep::FingerDetected);
        let pixels = self.up_image(cancel, &mut |p| on_step(CaptureStep::Progress(p)))?;
        Ok(FingerImage {
            width: WIDTH as u16,
            height: HEIGHT as u16,
            dpi: 500,
            pixels,
        })
    }

    fn wait_removed(&mut self, deadline: Deadline, cancel: &Cancel) -> Result<(), DeviceError> {
        let started = Instant::now();
        loop {
            cancel.check()?;
            if !self.gen_img()? {
                return Ok(());
            }
            if deadline.passed() {
                return Err(DeviceError::Timeout {
                    op: "retiro del dedo",
                    waited: started.elapsed(),
                });
            }
            std::thread::sleep(self.config.poll_interval.min(deadline.remaining()));
        }
    }
}
