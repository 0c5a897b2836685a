//! Frames over real loopback TCP: garbage, oversized, truncated and unadmitted frames are
//! refused without bringing the listener down.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;

use super::*;
use crate::protocol::{Envelope, HubKey, Signer};

/// A listener that admits every head except those of `refused_sender`, and answers each
/// request with its envelope's body (refusing bodies that start with 0xFF).
fn echo_listener(refused_sender: [u8; 32]) -> String {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = serve(
            "127.0.0.1:0",
            |a| {
                let _ = tx.send(a.to_string());
            },
            &mut |head| {
                if head.envelope.sender == refused_sender {
                    Err(SyncError::UnknownStation)
                } else {
                    Ok(())
                }
            },
            &mut |req| {
                let body = Envelope::from_bytes(req)?.body;
                if body.first() == Some(&0xFF) {
                    Err(SyncError::Forged)
                } else {
                    Ok(body)
                }
            },
        );
    });
    rx.recv().expect("listener address")
}

fn signed(key: &HubKey, body: &[u8]) -> Vec<u8> {
    Envelope::seal(key, body.to_vec(), None).to_bytes()
}

fn read_answer(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut h = [0u8; 4];
    s.read_exact(&mut h).ok()?;
    let mut b = vec![0u8; frame_len(h).ok()?];
    s.read_exact(&mut b).ok()?;
    Some(b)
}

#[test]
fn bad_frames_are_refused_and_the_listener_keeps_serving() {
    let key = HubKey::generate();
    let stranger = HubKey::generate();
    let addr = echo_listener(stranger.public_key());
    let mut t = TcpTransport::new(&addr);
    assert_eq!(t.call(signed(&key, b"hola")).expect("echo"), b"hola");
    // A refusal from the handler arrives as a Spanish reason, and the connection goes on.
    assert!(
        matches!(t.call(signed(&key, &[0xFF, 1])), Err(SyncError::Refused(m)) if m.contains("firma"))
    );
    assert_eq!(t.call(signed(&key, b"otra")).expect("echo"), b"otra");

    // A sender the handler does not admit is refused at the head; its body is never sent.
    let mut s = TcpTransport::new(&addr);
    assert!(
        matches!(s.call(signed(&stranger, b"x")), Err(SyncError::Refused(m)) if m.contains("desconocida"))
    );

    // A head frame larger than a head is refused before reading it, then the peer is dropped.
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.write_all(&((MAX_HEAD_FRAME as u32) + 1).to_be_bytes())
        .expect("write");
    let a = read_answer(&mut s).expect("refusal");
    assert_eq!(a[0], ANSWER_REFUSED);
    assert!(read_answer(&mut s).is_none(), "connection closed");

    // A request sent as first frame without a head (the old wire) is refused.
    let mut s = TcpStream::connect(&addr).expect("connect");
    let old = signed(&key, b"vieja");
    s.write_all(&(old.len() as u32).to_be_bytes())
        .expect("write");
    s.write_all(&old).expect("write");
    assert_eq!(read_answer(&mut s).expect("refusal")[0], ANSWER_REFUSED);

    // An empty frame is refused too.
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.write_all(&0u32.to_be_bytes()).expect("write");
    assert_eq!(read_answer(&mut s).expect("refusal")[0], ANSWER_REFUSED);

    // A truncated frame: the peer hangs up mid-head; nothing is answered or handled.
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.write_all(&100u32.to_be_bytes()).expect("write");
    s.write_all(&[7u8; 10]).expect("write");
    drop(s);

    // The listener still serves.
    let mut t = TcpTransport::new(&addr);
    assert_eq!(t.call(signed(&key, b"sigue")).expect("echo"), b"sigue");
}

#[test]
fn oversized_requests_are_not_sent() {
    let mut t = TcpTransport::new("127.0.0.1:9");
    assert!(matches!(
        t.call(vec![0u8; MAX_FRAME + 1]),
        Err(SyncError::TooLarge(_))
    ));
}
