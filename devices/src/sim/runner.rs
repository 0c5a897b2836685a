//! Binds a simulated device state machine to the master side of a pseudo-terminal: reads
//! host bytes, writes the device's output paced at the configured baud (10 bits per byte,
//! because a pty does not pace), and closes the master to model an unplug.
//! Must not know any protocol.

use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serialport::{ClearBuffer, SerialPort, TTYPort};

/// What a simulated device wants done on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Emit {
    /// Send these bytes.
    Bytes(Vec<u8>),
    /// Stay silent for this long (processing time).
    Pause(Duration),
    /// Close the master side: the host sees the device disappear.
    Unplug,
}

/// A simulated device: bytes from the host in, things to emit out.
pub trait SimDevice: Send {
    /// Consumes bytes written by the host and returns the device's reaction.
    fn on_bytes(&mut self, bytes: &[u8]) -> Vec<Emit>;
}

/// Bytes written per pacing step.
const STEP: usize = 32;

/// Writes bytes no faster than a UART at `baud` (10 bits per byte); `None` = unpaced.
struct Pacer {
    baud: Option<u32>,
    free_at: Instant,
}

impl Pacer {
    fn line_time(&self, bytes: usize) -> Duration {
        match self.baud {
            Some(b) if b > 0 => {
                Duration::from_nanos(bytes as u64 * 10 * 1_000_000_000 / u64::from(b))
            }
            _ => Duration::ZERO,
        }
    }

    /// Writes `bytes`; returns false if the host stopped reading or the sim was stopped.
    fn write(&mut self, port: &mut TTYPort, bytes: &[u8], stop: &AtomicBool) -> bool {
        let now = Instant::now();
        if self.free_at < now {
            self.free_at = now;
        }
        let step = if self.baud.is_some() { STEP } else { 4096 };
        for chunk in bytes.chunks(step) {
            sleep_until(self.free_at, stop);
            if stop.load(Ordering::SeqCst) || !write_all(port, chunk, stop) {
                return false;
            }
            self.free_at += self.line_time(chunk.len());
        }
        true
    }
}

fn write_all(port: &mut TTYPort, mut bytes: &[u8], stop: &AtomicBool) -> bool {
    let mut stalled_since: Option<Instant> = None;
    while !bytes.is_empty() {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        match port.write(bytes) {
            Ok(n) if n > 0 => {
                bytes = bytes.get(n..).unwrap_or_default();
                stalled_since = None;
            }
            Ok(_) | Err(_) => {
                // Nobody is reading (host closed the port): give up after a while.
                let since = *stalled_since.get_or_insert_with(Instant::now);
                if since.elapsed() > Duration::from_millis(500) {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
    true
}

fn sleep_until(t: Instant, stop: &AtomicBool) {
    loop {
        let now = Instant::now();
        if now >= t || stop.load(Ordering::SeqCst) {
            return;
        }
        std::thread::sleep((t - now).min(Duration::from_millis(50)));
    }
}

/// Serves `device` on the pty until `stop` is set or the device unplugs itself.
///
/// `slave` is kept open so the master never sees a hang-up between host connections.
pub fn serve(
    mut master: TTYPort,
    slave: TTYPort,
    mut device: impl SimDevice,
    baud: Option<u32>,
    stop: Arc<AtomicBool>,
) {
    let _ = master.set_timeout(Duration::from_millis(20));
    let mut pacer = Pacer {
        baud,
        free_at: Instant::now(),
    };
    let mut buf = [0u8; 1024];
    while !stop.load(Ordering::SeqCst) {
        let n = match master.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
            Err(_) => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        let bytes = buf.get(..n).unwrap_or_default();
        // Incoming bytes also occupy the (half-duplex) line.
        pacer.free_at = pacer.free_at.max(Instant::now()) + pacer.line_time(n);
        for emit in device.on_bytes(bytes) {
            match emit {
                Emit::Bytes(b) => {
                    if !pacer.write(&mut master, &b, &stop) {
                        // Host went away mid-reply: drop the rest and stale output.
                        let _ = slave.clear(ClearBuffer::Input);
                        break;
                    }
                }
                Emit::Pause(d) => sleep_until(Instant::now() + d, &stop),
                Emit::Unplug => {
                    drop(master);
                    drop(slave);
                    return;
                }
            }
        }
    }
}
