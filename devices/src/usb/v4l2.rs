//! A [`Camera`] over a UVC webcam through V4L2 (feature `v4l2`, crate `v4l`): asks for
//! 640×480 MJPEG, else YUYV, streams a few frames through memory-mapped buffers so the
//! camera's automatic exposure settles, converts the last one (`usb::frames`) and hands the
//! photo step a JPEG. Kept small on purpose: no `/dev/video*` exists where this is built and
//! tested, so only the conversion is tested; docs/devices.md lists what a real camera must
//! confirm. Must not judge the photo (the photo step does).

use std::time::Duration;

use v4l::buffer::Type;
use v4l::io::mmap::Stream as MmapStream;
use v4l::io::traits::CaptureStream;
use v4l::video::Capture;
use v4l::{Device, FourCC};

use crate::api::{Camera, Cancel, Deadline, DeviceInfo, Photo, Progress};
use crate::error::{DeviceError, FramingError};
use crate::usb::frames::{FrameError, mjpeg_to_rgb, rgb_to_jpeg, yuyv_to_rgb};

/// Frames thrown away before the one kept: webcams start dark and adjust exposure.
const WARM_UP_FRAMES: usize = 8;
/// Buffers queued with the driver.
const BUFFERS: u32 = 4;
/// Longest wait for one frame.
const FRAME_TIMEOUT: Duration = Duration::from_secs(2);

/// The pixel format the camera agreed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pixels {
    Mjpeg,
    Yuyv,
}

/// An opened UVC webcam.
pub struct UvcCamera {
    device: Device,
    info: DeviceInfo,
    size: (u32, u32),
    pixels: Pixels,
}

impl std::fmt::Debug for UvcCamera {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UvcCamera")
            .field("info", &self.info)
            .field("size", &self.size)
            .field("pixels", &self.pixels)
            .finish_non_exhaustive()
    }
}

fn io_error(e: std::io::Error, path: &str) -> DeviceError {
    match e.kind() {
        std::io::ErrorKind::NotFound => DeviceError::NotFound { port: path.into() },
        std::io::ErrorKind::ResourceBusy => DeviceError::Busy { port: path.into() },
        _ => DeviceError::from_io(e, "v4l2", FRAME_TIMEOUT),
    }
}

fn frame_error(e: FrameError) -> DeviceError {
    match e {
        FrameError::Size { .. } => DeviceError::Framing(FramingError::Truncated),
        _ => DeviceError::Framing(FramingError::BadImage),
    }
}

impl UvcCamera {
    /// Opens `/dev/videoN` and negotiates 640×480 MJPEG or YUYV.
    pub fn open(path: &str) -> Result<Self, DeviceError> {
        let device = Device::with_path(path).map_err(|e| io_error(e, path))?;
        let caps = device.query_caps().map_err(|e| io_error(e, path))?;
        let mut chosen = None;
        for (fourcc, pixels) in [(b"MJPG", Pixels::Mjpeg), (b"YUYV", Pixels::Yuyv)] {
            let mut want = device.format().map_err(|e| io_error(e, path))?;
            want.width = 640;
            want.height = 480;
            want.fourcc = FourCC::new(fourcc);
            let got = device.set_format(&want).map_err(|e| io_error(e, path))?;
            if got.fourcc == want.fourcc {
                chosen = Some((got.width, got.height, pixels));
                break;
            }
        }
        let (w, h, pixels) = chosen.ok_or(DeviceError::Unsupported { code: 0 })?;
        Ok(Self {
            device,
            info: DeviceInfo {
                port: path.to_owned(),
                model: format!("{} ({})", caps.card, caps.driver),
                capacity: 0,
                packet_size: 0,
            },
            size: (w, h),
            pixels,
        })
    }
}

impl Camera for UvcCamera {
    fn info(&self) -> DeviceInfo {
        self.info.clone()
    }

    fn capture_still(
        &mut self,
        deadline: Deadline,
        cancel: &Cancel,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<Photo, DeviceError> {
        let port = self.info.port.clone();
        let mut stream = MmapStream::with_buffers(&self.device, Type::VideoCapture, BUFFERS)
            .map_err(|e| io_error(e, &port))?;
        stream.set_timeout(FRAME_TIMEOUT);
        let mut last = Vec::new();
        for i in 0..=WARM_UP_FRAMES {
            cancel.check()?;
            if deadline.passed() {
                return Err(DeviceError::Timeout {
                    op: "v4l2",
                    waited: FRAME_TIMEOUT,
                });
            }
            let (buf, meta) = stream.next().map_err(|e| io_error(e, &port))?;
            let used = (meta.bytesused as usize).min(buf.len());
            if i == WARM_UP_FRAMES {
                last = buf[..used].to_vec();
            }
            on_progress(Progress {
                done: i + 1,
                total: WARM_UP_FRAMES + 1,
            });
        }
        let (w, h) = self.size;
        let rgb = match self.pixels {
            Pixels::Mjpeg => mjpeg_to_rgb(&last),
            Pixels::Yuyv => yuyv_to_rgb(&last, w, h),
        }
        .map_err(frame_error)?;
        let bytes = rgb_to_jpeg(&rgb).map_err(frame_error)?;
        Ok(Photo {
            mime: "image/jpeg",
            width: u16::try_from(rgb.width).unwrap_or(u16::MAX),
            height: u16::try_from(rgb.height).unwrap_or(u16::MAX),
            bytes,
        })
    }
}
