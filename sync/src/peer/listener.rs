//! The tokio side of a LAN peer: accepts connections, reads bounded frames with timeouts and
//! hands each request to one handler that owns the station's store (sled allows one process
//! and the station side is not shareable across threads), then writes the answer back.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::{ANSWER_OK, ANSWER_REFUSED, IO_TIMEOUT, frame_header, frame_len};
use crate::protocol::SyncError;

/// Most peers served at once; more wait for a free slot.
const MAX_CONNECTIONS: usize = 16;

/// What the handler answers to one request frame.
pub type Answer = Result<Vec<u8>, SyncError>;

type Job = (Vec<u8>, oneshot::Sender<Answer>);

/// Serves LAN peers on `listen` until the process is killed. `ready` gets the bound address;
/// `handle` (run on the calling thread, one request at a time) answers each request frame.
pub fn serve(
    listen: &str,
    ready: impl FnOnce(SocketAddr),
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
    rt.spawn(accept_loop(listener, jobs));
    ready(addr);
    tracing::info!(target: "huella::peer", %addr, "serving LAN peers");
    while let Some((request, reply)) = queue.blocking_recv() {
        let _ = reply.send(handle(&request));
    }
    Ok(())
}

async fn accept_loop(listener: TcpListener, jobs: mpsc::Sender<Job>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        match listener.accept().await {
            Ok((stream, from)) => {
                let jobs = jobs.clone();
                tokio::spawn(async move {
                    if let Err(e) = connection(stream, jobs).await {
                        tracing::info!(target: "huella::peer", %from, "connection closed: {e}");
                    }
                    drop(permit);
                });
            }
            Err(e) => tracing::warn!(target: "huella::peer", "accept failed: {e}"),
        }
    }
}

/// Answers the frames of one connection until the peer hangs up, lingers, or misbehaves.
async fn connection(stream: TcpStream, jobs: mpsc::Sender<Job>) -> Result<(), SyncError> {
    let io = |e: &dyn std::fmt::Display| SyncError::Transport {
        peer: "par".into(),
        reason: e.to_string(),
    };
    let _ = stream.set_nodelay(true);
    loop {
        let mut h = [0u8; 4];
        match tokio::time::timeout(IO_TIMEOUT, read_full(&stream, &mut h)).await {
            Err(_) => return Err(io(&"idle timeout")),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Ok(Err(e)) => return Err(io(&e)),
            Ok(Ok(_)) => {}
        }
        let answer = match frame_len(h) {
            Ok(len) => {
                let mut body = vec![0u8; len];
                match tokio::time::timeout(IO_TIMEOUT, read_full(&stream, &mut body)).await {
                    Err(_) => return Err(io(&"frame timeout")),
                    Ok(Err(e)) => return Err(io(&e)),
                    Ok(Ok(_)) => {}
                }
                let (tx, rx) = oneshot::channel();
                if jobs.send((body, tx)).await.is_err() {
                    return Ok(());
                }
                rx.await.unwrap_or_else(|_| Err(io(&"handler gone")))
            }
            Err(e) => Err(e),
        };
        let (status, payload, close) = match answer {
            Ok(b) => (ANSWER_OK, b, false),
            Err(e) => {
                let close = matches!(e, SyncError::TooLarge(_) | SyncError::Decode(_));
                (ANSWER_REFUSED, e.to_string().into_bytes(), close)
            }
        };
        let header = frame_header(payload.len() + 1)?;
        let write = async {
            write_full(&stream, &header).await?;
            write_full(&stream, &[status]).await?;
            write_full(&stream, &payload).await
        };
        match tokio::time::timeout(IO_TIMEOUT, write).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(io(&e)),
            Err(_) => return Err(io(&"write timeout")),
        }
        if close {
            // After an oversized header the stream is out of step: hang up.
            return Ok(());
        }
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
