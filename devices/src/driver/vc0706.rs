//! VC0706 serial JPEG camera driver: reset, version, image size, freeze, chunked frame-buffer
//! reads and resume, with deadlines and one retry per chunk. Must not spawn threads.

use std::time::{Duration, Instant};

use crate::api::{Camera, Cancel, Deadline, DeviceInfo, Photo, Progress};
use crate::error::{DeviceError, FramingError};
use crate::proto::vc0706::{BANNER_END, REPLY_MARK, Reply, Request, cmd, size_of_code, status};
use crate::transport::SerialLink;

/// Largest frame we accept (a 2 MP JPEG is well below).
const MAX_FRAME: u32 = 4 * 1024 * 1024;

/// Connection settings for a VC0706 camera.
#[derive(Debug, Clone, Copy)]
pub struct Vc0706Config {
    /// Line speed (factory default 38400).
    pub baud: u32,
    /// Camera serial number (default 0).
    pub serial: u8,
    /// Longest wait for a reply header.
    pub reply_timeout: Duration,
    /// Frame-buffer read chunk in bytes (multiple of 8).
    pub chunk: u32,
}

impl Default for Vc0706Config {
    fn default() -> Self {
        Self {
            baud: 38_400,
            serial: 0,
            reply_timeout: Duration::from_millis(1000),
            chunk: 1024,
        }
    }
}

/// A connected VC0706 camera.
#[derive(Debug)]
pub struct Vc0706Camera {
    link: SerialLink,
    config: Vc0706Config,
    rx: Vec<u8>,
    version: String,
    size: (u16, u16),
}

impl Vc0706Camera {
    /// Opens the port and reads the version and configured image size.
    pub fn open(path: &str, config: Vc0706Config) -> Result<Self, DeviceError> {
        let link = SerialLink::open(path, config.baud)?;
        let mut cam = Self {
            link,
            config: Vc0706Config {
                chunk: (config.chunk.max(8) / 8) * 8,
                ..config
            },
            rx: Vec::new(),
            version: String::new(),
            size: (640, 480),
        };
        cam.version = cam.version()?;
        cam.size = cam.image_size()?;
        Ok(cam)
    }

    /// Reboots the camera and waits for its `Init end` banner.
    pub fn reset(&mut self) -> Result<(), DeviceError> {
        self.transact(&Request::reset())?;
        let started = Instant::now();
        let deadline = Deadline::after(Duration::from_secs(3));
        let cancel = Cancel::new();
        let mut buf = [0u8; 64];
        while !self.rx.windows(BANNER_END.len()).any(|w| w == BANNER_END) {
            let n =
                self.link
                    .read_some(&mut buf, deadline, &cancel, "reinicio de cámara", started)?;
            self.rx.extend_from_slice(buf.get(..n).unwrap_or_default());
        }
        self.rx.clear();
        Ok(())
    }

    /// The firmware version string, e.g. `VC0706 1.00`.
    pub fn version(&mut self) -> Result<String, DeviceError> {
        let r = self.transact(&Request::version())?;
        Ok(String::from_utf8_lossy(&r.data).trim().to_string())
    }

    /// The configured image size in pixels.
    pub fn image_size(&mut self) -> Result<(u16, u16), DeviceError> {
        let r = self.transact(&Request::read_image_size())?;
        let code = r.data.first().copied().ok_or(FramingError::Truncated)?;
        size_of_code(code).ok_or_else(|| FramingError::Unexpected.into())
    }

    /// Freezes the current frame ("take picture").
    pub fn freeze(&mut self) -> Result<(), DeviceError> {
        self.transact(&Request::fbuf_ctrl(0)).map(drop)
    }

    /// Resumes live frames after a capture.
    pub fn resume(&mut self) -> Result<(), DeviceError> {
        self.transact(&Request::fbuf_ctrl(3)).map(drop)
    }

    /// Length in bytes of the frozen JPEG.
    pub fn frame_len(&mut self) -> Result<u32, DeviceError> {
        let r = self.transact(&Request::frame_len())?;
        r.frame_len().ok_or_else(|| FramingError::Truncated.into())
    }

    /// Reads `len` bytes of the frozen frame at `offset` (one retry on framing/timeout).
    pub fn read_chunk(
        &mut self,
        offset: u32,
        len: u32,
        cancel: &Cancel,
    ) -> Result<Vec<u8>, DeviceError> {
        match self.read_chunk_once(offset, len, cancel) {
            Err(DeviceError::Framing(_) | DeviceError::Timeout { .. }) => {
                self.resync()?;
                self.read_chunk_once(offset, len, cancel)
            }
            other => other,
        }
    }

    fn read_chunk_once(
        &mut self,
        offset: u32,
        len: u32,
        cancel: &Cancel,
    ) -> Result<Vec<u8>, DeviceError> {
        self.start(&Request::read_frame(offset, len, 10))?;
        let line_time =
            Duration::from_micros(u64::from(len) * 10_000_000 / u64::from(self.config.baud.max(1)));
        let deadline = Deadline::after(self.config.reply_timeout + line_time * 2);
        let ack = [REPLY_MARK, self.config.serial, cmd::READ_FBUF, 0, 0];
        if self.read_exact(5, deadline, cancel)? != ack {
            return Err(FramingError::BadHeader.into());
        }
        let data = self.read_exact(len as usize, deadline, cancel)?;
        let trailer = self
            .read_exact(5, deadline.min_after(Duration::from_millis(300)), cancel)
            .map_err(|e| match e {
                DeviceError::Timeout { .. } => FramingError::Truncated.into(),
                other => other,
            })?;
        if trailer != ack {
            return Err(FramingError::Truncated.into());
        }
        Ok(data)
    }

    fn resync(&mut self) -> Result<(), DeviceError> {
        self.rx.clear();
        self.link.drain(
            Duration::from_millis(150),
            Deadline::after(Duration::from_secs(30)),
        )
    }

    fn start(&mut self, req: &Request) -> Result<(), DeviceError> {
        self.rx.clear();
        self.link.clear_input();
        let req = Request {
            serial: self.config.serial,
            ..req.clone()
        };
        let deadline = Deadline::after(self.config.reply_timeout);
        self.link
            .write_all(&req.encode(), deadline, "envío de orden")
    }

    /// One request/reply exchange; a non-zero status becomes its error.
    fn transact(&mut self, req: &Request) -> Result<Reply, DeviceError> {
        self.start(req)?;
        let deadline = Deadline::after(self.config.reply_timeout);
        let cancel = Cancel::new();
        let head = self.read_exact(5, deadline, &cancel)?;
        let (mark, serial, command, st, n) = match head.as_slice() {
            [a, b, c, d, e] => (*a, *b, *c, *d, *e),
            _ => return Err(FramingError::Truncated.into()),
        };
        if mark != REPLY_MARK || serial != self.config.serial || command != req.command {
            return Err(FramingError::BadHeader.into());
        }
        let data = self.read_exact(usize::from(n), deadline, &cancel)?;
        match st {
            status::OK => Ok(Reply {
                serial,
                command,
                status: st,
                data,
            }),
            status::NOT_RECEIVED => Err(DeviceError::Unsupported { code: st }),
            code => Err(DeviceError::Rejected { code }),
        }
    }

    fn read_exact(
        &mut self,
        n: usize,
        deadline: Deadline,
        cancel: &Cancel,
    ) -> Result<Vec<u8>, DeviceError> {
        let started = Instant::now();
        let mut buf = [0u8; 2048];
        while self.rx.len() < n {
            let got = self.link.read_some(
                &mut buf,
                deadline,
                cancel,
                "respuesta de la cámara",
                started,
            )?;
            self.rx
                .extend_from_slice(buf.get(..got).unwrap_or_default());
        }
        Ok(self.rx.drain(..n).collect())
    }
}

impl Camera for Vc0706Camera {
    fn info(&self) -> DeviceInfo {
        DeviceInfo {
            port: self.link.name().to_string(),
            model: self.version.clone(),
            capacity: 0,
            packet_size: self.config.chunk as usize,
        }
    }

    fn capture_still(
        &mut self,
        deadline: Deadline,
        cancel: &Cancel,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<Photo, DeviceError> {
        self.freeze()?;
        let len = self.frame_len()?;
        if len == 0 || len > MAX_FRAME {
            return Err(FramingError::BadImage.into());
        }
        let mut bytes = Vec::with_capacity(len as usize);
        while (bytes.len() as u32) < len {
            cancel.check()?;
            if deadline.passed() {
                return Err(DeviceError::Timeout {
                    op: "descarga de foto",
                    waited: Duration::ZERO,
                });
            }
            let offset = bytes.len() as u32;
            // Lengths must be multiples of 4; the camera pads past the end of the frame.
            let want = (len - offset).min(self.config.chunk).div_ceil(4) * 4;
            let chunk = self.read_chunk(offset, want, cancel)?;
            let keep = chunk.len().min((len - offset) as usize);
            bytes.extend_from_slice(chunk.get(..keep).unwrap_or_default());
            on_progress(Progress {
                done: bytes.len(),
                total: len as usize,
            });
        }
        self.resume()?;
        let jpeg_ok = bytes.starts_with(&[0xFF, 0xD8])
            && bytes.windows(2).rev().take(64).any(|w| w == [0xFF, 0xD9]);
        if !jpeg_ok {
            return Err(FramingError::BadImage.into());
        }
        Ok(Photo {
            mime: "image/jpeg",
            width: self.size.0,
            height: self.size.1,
            bytes,
        })
    }
}
