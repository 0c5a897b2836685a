//! Serial port transport with deadlines: opens a port by path and does bounded reads and
//! writes, mapping OS errors to the taxonomy. Must not know any protocol.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serialport::{ClearBuffer, SerialPort};

use crate::api::{Cancel, Deadline};
use crate::error::DeviceError;

/// Longest single blocking read, so cancellation is noticed quickly.
const READ_SLICE: Duration = Duration::from_millis(20);

/// An open serial port (real UART or pseudo-terminal).
pub struct SerialLink {
    port: Box<dyn SerialPort>,
    name: String,
}

impl std::fmt::Debug for SerialLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialLink")
            .field("name", &self.name)
            .finish()
    }
}

impl SerialLink {
    /// Opens `path` at `baud` 8N1 and discards anything already buffered.
    pub fn open(path: &str, baud: u32) -> Result<Self, DeviceError> {
        let port = serialport::new(path, baud)
            .timeout(READ_SLICE)
            .open()
            .map_err(|e| DeviceError::from_open(e, path))?;
        let mut link = Self {
            port,
            name: path.to_string(),
        };
        link.clear_input();
        Ok(link)
    }

    /// The port path.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Discards received but unread bytes (best effort).
    pub fn clear_input(&mut self) {
        let _ = self.port.clear(ClearBuffer::Input);
    }

    /// Writes all bytes before the deadline.
    pub fn write_all(
        &mut self,
        mut bytes: &[u8],
        deadline: Deadline,
        op: &'static str,
    ) -> Result<(), DeviceError> {
        let started = Instant::now();
        while !bytes.is_empty() {
            if deadline.passed() {
                return Err(DeviceError::Timeout {
                    op,
                    waited: started.elapsed(),
                });
            }
            let _ = self.port.set_timeout(deadline.remaining().min(READ_SLICE));
            match self.port.write(bytes) {
                Ok(0) => return Err(DeviceError::Disconnected),
                Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(DeviceError::from_io(e, op, started.elapsed())),
            }
        }
        Ok(())
    }

    /// Reads whatever arrives within a short slice; `Ok(0)` means nothing yet.
    ///
    /// Returns `Timeout` once the deadline has passed and `Cancelled` on request.
    pub fn read_some(
        &mut self,
        buf: &mut [u8],
        deadline: Deadline,
        cancel: &Cancel,
        op: &'static str,
        started: Instant,
    ) -> Result<usize, DeviceError> {
        cancel.check()?;
        if deadline.passed() {
            return Err(DeviceError::Timeout {
                op,
                waited: started.elapsed(),
            });
        }
        let slice = deadline
            .remaining()
            .min(READ_SLICE)
            .max(Duration::from_millis(1));
        let _ = self.port.set_timeout(slice);
        match self.port.read(buf) {
            Ok(0) => Err(DeviceError::Disconnected),
            Ok(n) => Ok(n),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                Ok(0)
            }
            Err(e) => Err(DeviceError::from_io(e, op, started.elapsed())),
        }
    }

    /// Reads and discards input until the line has been quiet for `quiet` (or the deadline).
    pub fn drain(&mut self, quiet: Duration, deadline: Deadline) -> Result<(), DeviceError> {
        let mut last = Instant::now();
        let mut buf = [0u8; 512];
        let cancel = Cancel::new();
        while last.elapsed() < quiet && !deadline.passed() {
            match self.read_some(&mut buf, deadline, &cancel, "drain", last) {
                Ok(0) => {}
                Ok(_) => last = Instant::now(),
                Err(DeviceError::Timeout { .. }) => break,
                Err(e) => return Err(e),
            }
        }
        self.clear_input();
        Ok(())
    }
}
