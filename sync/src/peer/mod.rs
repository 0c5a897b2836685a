//! LAN peers over TCP: a station serves its office peers and reaches theirs with the same
//! sans-IO protocol as the hub, carried in length-prefixed frames instead of HTTP bodies.
//!
//! Owns the frame format, the blocking client transport ([`TcpTransport`]) and the tokio
//! listener ([`serve`]). A frame is a 4-byte big-endian length and that many bytes, at most
//! [`MAX_FRAME`]. A request frame holds one signed envelope; an answer frame holds a status
//! byte ([`ANSWER_OK`] or [`ANSWER_REFUSED`]) and the signed answer or a Spanish reason.
//! Authentication is the protocol's: envelopes signed by station keys, checked against the
//! signed office roster. This module must not decrypt anything or open the store.
//!
//! Wire version 2 authenticates before the body: each request is first a small head frame
//! ([`HEAD_TAG`] and the request's signed [`RequestHead`], the envelope without its body),
//! answered by an empty `ANSWER_OK` (go ahead) or a refusal that ends the connection; only
//! then the request frame. A stranger can make the server hold at most a head per
//! connection, and only for [`HEAD_TIMEOUT`].

mod listener;
mod rate;

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

pub use listener::{Answer, serve, serve_with};
pub use rate::{PeerLimits, PeerRates};

use crate::hub::RequestHead;
use crate::protocol::{MAX_MESSAGE, SyncError};

/// Largest frame accepted (a protocol message plus the status byte).
pub const MAX_FRAME: usize = MAX_MESSAGE + 1;
/// Status byte of an answer that carries a signed protocol answer.
pub const ANSWER_OK: u8 = 0;
/// Status byte of a refusal (the rest is a Spanish reason).
pub const ANSWER_REFUSED: u8 = 1;
/// How long a peer may take to connect.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one frame may take to arrive once the other side owes it.
pub const IO_TIMEOUT: Duration = Duration::from_secs(120);
/// Tag that opens a head frame: the peer wire version (2: head before body).
pub const HEAD_TAG: [u8; 4] = *b"hpc2";
/// Largest head frame (an envelope without body is about 200 bytes).
pub const MAX_HEAD_FRAME: usize = 4096;
/// How long a connection that has not yet been admitted may take to send its head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// Most request bytes held at once across all connections (admitted requests only).
pub const MAX_BUFFERED: usize = 64 * 1024 * 1024;

/// Why a frame could not be read.
fn frame_error(reason: impl Into<String>) -> SyncError {
    SyncError::Decode(reason.into())
}

/// The length prefix of a frame of `len` bytes, refusing oversized ones.
pub fn frame_header(len: usize) -> Result<[u8; 4], SyncError> {
    if len > MAX_FRAME {
        return Err(SyncError::TooLarge(len));
    }
    Ok((len as u32).to_be_bytes())
}

/// The length announced by a frame header, refusing oversized frames before reading them.
pub fn frame_len(header: [u8; 4]) -> Result<usize, SyncError> {
    let len = u32::from_be_bytes(header) as usize;
    if len > MAX_FRAME {
        return Err(SyncError::TooLarge(len));
    }
    if len == 0 {
        return Err(frame_error("trama vacía"));
    }
    Ok(len)
}

/// A LAN peer (a station running `huella sync serve`) reached over TCP. Blocking; one
/// connection reused for the whole run and reopened after a failure.
pub struct TcpTransport {
    addr: String,
    stream: Option<TcpStream>,
    /// Bytes sent and received in frames so far.
    pub bytes: u64,
}

impl TcpTransport {
    /// A transport to the peer at `addr` (`host:port`).
    pub fn new(addr: &str) -> Self {
        TcpTransport {
            addr: addr.trim().to_owned(),
            stream: None,
            bytes: 0,
        }
    }

    fn err(&self, reason: impl std::fmt::Display) -> SyncError {
        SyncError::Transport {
            peer: self.addr.clone(),
            reason: reason.to_string(),
        }
    }

    fn connect(&self) -> Result<TcpStream, SyncError> {
        let addrs = self.addr.to_socket_addrs().map_err(|e| self.err(e))?;
        let mut last = self.err("dirección sin resolver");
        for a in addrs {
            match TcpStream::connect_timeout(&a, CONNECT_TIMEOUT) {
                Ok(s) => {
                    s.set_read_timeout(Some(IO_TIMEOUT))
                        .map_err(|e| self.err(e))?;
                    s.set_write_timeout(Some(IO_TIMEOUT))
                        .map_err(|e| self.err(e))?;
                    let _ = s.set_nodelay(true);
                    return Ok(s);
                }
                Err(e) => last = self.err(e),
            }
        }
        Err(last)
    }

    /// One protocol round trip: sends the request envelope, returns the signed answer.
    pub fn call(&mut self, body: Vec<u8>) -> Result<Vec<u8>, SyncError> {
        let r = self.exchange(&body);
        if r.is_err() {
            self.stream = None;
        }
        r
    }

    fn exchange(&mut self, body: &[u8]) -> Result<Vec<u8>, SyncError> {
        frame_header(body.len())?;
        let mut head = HEAD_TAG.to_vec();
        head.extend(crate::protocol::encode(&RequestHead::of_request(body)?));
        let mut stream = match self.stream.take() {
            Some(s) => s,
            None => self.connect()?,
        };
        let go = self.round(&mut stream, &head)?;
        if !go.is_empty() {
            return Err(frame_error("respuesta inesperada a la cabecera"));
        }
        let answer = self.round(&mut stream, body)?;
        self.stream = Some(stream);
        Ok(answer)
    }

    /// Sends one frame and reads the answer frame: the signed answer or the refusal.
    fn round(&mut self, stream: &mut TcpStream, frame: &[u8]) -> Result<Vec<u8>, SyncError> {
        let header = frame_header(frame.len())?;
        stream.write_all(&header).map_err(|e| self.err(e))?;
        stream.write_all(frame).map_err(|e| self.err(e))?;
        stream.flush().map_err(|e| self.err(e))?;
        let mut h = [0u8; 4];
        stream.read_exact(&mut h).map_err(|e| self.err(e))?;
        let len = frame_len(h)?;
        let mut answer = vec![0u8; len];
        stream.read_exact(&mut answer).map_err(|e| self.err(e))?;
        self.bytes += (frame.len() + len + 8) as u64;
        match answer.first() {
            Some(&ANSWER_OK) => Ok(answer.split_off(1)),
            Some(&ANSWER_REFUSED) => Err(SyncError::Refused(
                String::from_utf8_lossy(&answer[1..])
                    .chars()
                    .take(300)
                    .collect(),
            )),
            _ => Err(frame_error("respuesta con estado desconocido")),
        }
    }
}

#[cfg(test)]
mod tests;
