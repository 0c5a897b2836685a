//! The tokio side of a LAN peer: accepts connections, reads bounded frames with timeouts and
//! hands each request to one handler that owns the station's store (sled allows one process
//! and the station side is not shareable across threads), then writes the answer back.
//!
//! A request is authenticated before its body is read: the peer first sends a small signed
//! head (at most [`MAX_HEAD_FRAME`] bytes, within [`HEAD_TIMEOUT`]); only once the handler
//! has found its sender trusted and unrevoked does the listener reserve room for the body
//! out of one budget shared by all connections ([`MAX_BUFFERED`]) and read it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use super::rate::{PeerLimits, PeerRates};
use super::{
    ANSWER_OK, ANSWER_REFUSED, HEAD_TAG, HEAD_TIMEOUT, IO_TIMEOUT, MAX_BUFFERED, MAX_HEAD_FRAME,
    frame_header, frame_len,
};
use crate::hub::RequestHead;
use crate::protocol::SyncError;

/// Most peers served at once; more wait for a free slot.
const MAX_CONNECTIONS: usize = 16;

/// What the handler answers to one request frame.
pub type Answer = Result<Vec<u8>, SyncError>;

/// The listener's requests to the handler thread.
enum Job {
    /// Is the sender of this head a trusted, unrevoked station, and is it addressed to us?
    Head(Box<RequestHead>, oneshot::Sender<Result<(), SyncError>>),
    /// Answer this request body (its head was admitted).
    Request(Vec<u8>, oneshot::Sender<Answer>),
}

/// Serves LAN peers on `listen` until the process is killed. `ready` gets the bound address;
/// `admit` (run on the calling thread) checks each request's signed head before its body is
/// read, and `handle` (same thread, one request at a time) answers each admitted request.
pub fn serve(
    listen: &str,
    ready: impl FnOnce(SocketAddr),
    admit: &mut dyn FnMut(&RequestHead) -> Result<(), SyncError>,
    handle: &mut dyn FnMut(&[u8]) -> Answer,
) -> Result<(), SyncError> {
    serve_with(listen, PeerLimits::default(), ready, admit, handle)
}

/// Like [`serve`] with per-caller `limits` (connections per address, requests per station).
pub fn serve_with(
    listen: &str,
    limits: PeerLimits,
    ready: impl FnOnce(SocketAddr),
    admit: &mut dyn FnMut(&RequestHead) -> Result<(), SyncError>,
    handle: &mut dyn FnMut(&[u8]) -> Answer,
) -> Result<(), SyncError> {
    let err = |e: &dyn std::fmt::Display| SyncError::Transport {
        peer: listen.to_owned(),
        reason: e.to_string(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| err(&e))?;
    let listener = rt
        .block_on(TcpListener::bind(listen))
        .map_err(|e| err(&e))?;
    let addr = listener.local_addr().map_err(|e| err(&e))?;
    let (jobs, mut queue) = mpsc::channel::<Job>(MAX_CONNECTIONS);
    rt.spawn(accept_loop(listener, jobs, PeerRates::new(limits)));
    ready(addr);
    tracing::info!(target: "huella::peer", %addr, "serving LAN peers");
    while let Some(job) = queue.blocking_recv() {
        match job {
            Job::Head(head, reply) => {
                let _ = reply.send(admit(&head));
            }
            Job::Request(request, reply) => {
                let _ = reply.send(handle(&request));
            }
        }
    }
    Ok(())
}

async fn accept_loop(listener: TcpListener, jobs: mpsc::Sender<Job>, rates: Arc<PeerRates>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let budget = Arc::new(Semaphore::new(MAX_BUFFERED / 1024));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        match listener.accept().await {
            Ok((stream, from)) => {
                // One address holds at most its share of the slots: closed on arrival.
                let Some(address) = rates.connect(from.ip()) else {
                    tracing::info!(target: "huella::peer", %from, "too many connections from this address");
                    drop((stream, permit));
                    continue;
                };
                let jobs = jobs.clone();
                let budget = budget.clone();
                let rates = rates.clone();
                tokio::spawn(async move {
                    if let Err(e) = connection(stream, jobs, budget, rates).await {
                        tracing::info!(target: "huella::peer", %from, "connection closed: {e}");
                    }
                    drop((address, permit));
                });
            }
            Err(e) => tracing::warn!(target: "huella::peer", "accept failed: {e}"),
        }
    }
}

fn io(e: &dyn std::fmt::Display) -> SyncError {
    SyncError::Transport {
        peer: "par".into(),
        reason: e.to_string(),
    }
}

/// Reads one frame within `wait` whose length is at most `max`. `Ok(None)` when the peer
/// hung up cleanly before a new frame; a frame over `max` is refused unread.
async fn read_frame(
    stream: &TcpStream,
    wait: Duration,
    max: usize,
) -> Result<Option<Vec<u8>>, SyncError> {
    let mut h = [0u8; 4];
    match tokio::time::timeout(wait, read_full(stream, &mut h)).await {
        Err(_) => return Err(io(&"idle timeout")),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Ok(Err(e)) => return Err(io(&e)),
        Ok(Ok(())) => {}
    }
    let len = frame_len(h)?;
    if len > max {
        return Err(SyncError::TooLarge(len));
    }
    let mut body = vec![0u8; len];
    match tokio::time::timeout(wait, read_full(stream, &mut body)).await {
        Err(_) => Err(io(&"frame timeout")),
        Ok(Err(e)) => Err(io(&e)),
        Ok(Ok(())) => Ok(Some(body)),
    }
}

/// Writes one answer frame within the I/O timeout.
async fn write_answer(stream: &TcpStream, answer: &Answer) -> Result<(), SyncError> {
    let (status, payload): (u8, Vec<u8>) = match answer {
        Ok(b) => (ANSWER_OK, b.clone()),
        Err(e) => (ANSWER_REFUSED, e.to_string().into_bytes()),
    };
    let header = frame_header(payload.len() + 1)?;
    let write = async {
        write_full(stream, &header).await?;
        write_full(stream, &[status]).await?;
        write_full(stream, &payload).await
    };
    match tokio::time::timeout(IO_TIMEOUT, write).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(io(&e)),
        Err(_) => Err(io(&"write timeout")),
    }
}

/// Asks the handler thread about a head.
async fn admit(jobs: &mpsc::Sender<Job>, head: RequestHead) -> Result<(), SyncError> {
    let (tx, rx) = oneshot::channel();
    if jobs.send(Job::Head(Box::new(head), tx)).await.is_err() {
        return Err(io(&"handler gone"));
    }
    rx.await.unwrap_or_else(|_| Err(io(&"handler gone")))
}

/// Reserves room for a body of `len` bytes out of the budget shared by all connections.
async fn reserve(budget: &Arc<Semaphore>, len: u64) -> Result<OwnedSemaphorePermit, SyncError> {
    let kib = u32::try_from(len.div_ceil(1024)).map_err(|_| SyncError::TooLarge(len as usize))?;
    match tokio::time::timeout(HEAD_TIMEOUT, budget.clone().acquire_many_owned(kib)).await {
        Ok(Ok(p)) => Ok(p),
        _ => Err(io(&"memoria de recepción ocupada")),
    }
}

/// Answers the requests of one connection until the peer hangs up, lingers, or misbehaves.
/// Any refusal before a body was read ends the connection (the stream is out of step).
async fn connection(
    stream: TcpStream,
    jobs: mpsc::Sender<Job>,
    budget: Arc<Semaphore>,
    rates: Arc<PeerRates>,
) -> Result<(), SyncError> {
    let _ = stream.set_nodelay(true);
    // A connection that never authenticated gets seconds, not minutes, to speak.
    let mut admitted_once = false;
    loop {
        let wait = if admitted_once {
            IO_TIMEOUT
        } else {
            HEAD_TIMEOUT
        };
        let head = match read_frame(&stream, wait, MAX_HEAD_FRAME).await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(()),
            Err(e @ (SyncError::TooLarge(_) | SyncError::Decode(_))) => {
                let _ = write_answer(&stream, &Err(e)).await;
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        let admitted = match parse_head(&head) {
            Ok(h) => {
                let (length, sender) = (h.length, h.envelope.sender);
                admit(&jobs, h).await.and_then(|()| {
                    // The station's share, counted once its head is known genuine.
                    rates
                        .request(sender)
                        .map(|slot| (length, slot))
                        .ok_or(SyncError::TooMany)
                })
            }
            Err(e) => Err(e),
        };
        let (length, permit) = match admitted {
            Ok((length, slot)) => match reserve(&budget, length).await {
                Ok(p) => (length, (p, slot)),
                Err(e) => {
                    let _ = write_answer(&stream, &Err(e)).await;
                    return Ok(());
                }
            },
            Err(e) => {
                let _ = write_answer(&stream, &Err(e)).await;
                return Ok(());
            }
        };
        // Go ahead: the body may follow.
        write_answer(&stream, &Ok(Vec::new())).await?;
        let body = match read_frame(&stream, IO_TIMEOUT, length as usize).await? {
            Some(b) if b.len() as u64 == length => b,
            Some(b) => {
                let e = SyncError::TooLarge(b.len());
                let _ = write_answer(&stream, &Err(e)).await;
                return Ok(());
            }
            None => return Ok(()),
        };
        let parsed = parse_head(&head)?;
        if !parsed.announces_request(&body) {
            let _ = write_answer(&stream, &Err(SyncError::Forged)).await;
            return Ok(());
        }
        let (tx, rx) = oneshot::channel();
        if jobs.send(Job::Request(body, tx)).await.is_err() {
            return Ok(());
        }
        let answer = rx.await.unwrap_or_else(|_| Err(io(&"handler gone")));
        drop(permit);
        let close = matches!(answer, Err(SyncError::TooLarge(_) | SyncError::Decode(_)));
        write_answer(&stream, &answer).await?;
        if close {
            return Ok(());
        }
        admitted_once = true;
    }
}

/// A head frame: the tag of this wire version, then the encoded head.
fn parse_head(frame: &[u8]) -> Result<RequestHead, SyncError> {
    match frame.strip_prefix(&HEAD_TAG[..]) {
        Some(rest) => crate::protocol::decode(rest),
        None => Err(SyncError::Decode(
            "cabecera de par de otra versión del protocolo".into(),
        )),
    }
}

/// Fills `buf` from `stream` (EOF before it is full is `UnexpectedEof`).
async fn read_full(stream: &TcpStream, buf: &mut [u8]) -> std::io::Result<()> {
    let mut at = 0;
    while at < buf.len() {
        stream.readable().await?;
        match stream.try_read(&mut buf[at..]) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => at += n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes all of `buf` to `stream`.
async fn write_full(stream: &TcpStream, buf: &[u8]) -> std::io::Result<()> {
    let mut at = 0;
    while at < buf.len() {
        stream.writable().await?;
        match stream.try_write(&buf[at..]) {
            Ok(n) => at += n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
