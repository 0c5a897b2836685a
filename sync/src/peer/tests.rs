//! Frames over real loopback TCP: garbage, oversized and truncated frames are refused
//! without bringing the listener down.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;

use super::*;

/// A listener whose handler echoes the request, refusing bytes that start with 0xFF.
fn echo_listener() -> String {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = serve(
            "127.0.0.1:0",
            |a| {
                let _ = tx.send(a.to_string());
            },
            &mut |req| {
                if req.first() == Some(&0xFF) {
                    Err(SyncError::Forged)
                } else {
                    Ok(req.to_vec())
                }
            },
        );
    });
    rx.recv().expect("listener address")
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
    let addr = echo_listener();
    let mut t = TcpTransport::new(&addr);
    assert_eq!(t.call(b"hola".to_vec()).expect("echo"), b"hola");
    // A refusal from the handler arrives as a Spanish reason, and the connection goes on.
    assert!(matches!(t.call(vec![0xFF, 1]), Err(SyncError::Refused(m)) if m.contains("firma")));
    assert_eq!(t.call(b"otra".to_vec()).expect("echo"), b"otra");

    // An oversized header is refused before reading its body, then the peer is dropped.
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.write_all(&((MAX_FRAME as u32) + 1).to_be_bytes())
        .expect("write");
    let a = read_answer(&mut s).expect("refusal");
    assert_eq!(a[0], ANSWER_REFUSED);
    assert!(read_answer(&mut s).is_none(), "connection closed");

    // An empty frame is refused too.
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.write_all(&0u32.to_be_bytes()).expect("write");
    assert_eq!(read_answer(&mut s).expect("refusal")[0], ANSWER_REFUSED);

    // A truncated frame: the peer hangs up mid-body; nothing is answered or handled.
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.write_all(&100u32.to_be_bytes()).expect("write");
    s.write_all(&[7u8; 10]).expect("write");
    drop(s);

    // The listener still serves.
    let mut t = TcpTransport::new(&addr);
    assert_eq!(t.call(b"sigue".to_vec()).expect("echo"), b"sigue");
}

#[test]
fn oversized_requests_are_not_sent() {
    let mut t = TcpTransport::new("127.0.0.1:9");
    assert!(matches!(
        t.call(vec![0u8; MAX_FRAME + 1]),
        Err(SyncError::TooLarge(_))
    ));
}
