//! A hub request's signed head cannot be replayed: the same head sent a second time, on
//! `/v1/sync` or `/v1/bundle`, is refused (409) at the head, before any body is read. Real
//! hub (axum on loopback, sled on disk), raw HTTP over TCP.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};

use common::{Node, roster_for};
use huella_keys::{OfficerKey, Role};
use huella_sync::hub::{HEAD_HEADER, HubHome, RequestHead};
use huella_sync::protocol::{self, Envelope, Request};

/// Starts a hub trusting `node`'s office on a loopback port; it serves until the test
/// process ends.
fn hub_for(node: &Node, dir: &std::path::Path) -> (SocketAddr, [u8; 32]) {
    let admin = OfficerKey::generate("root", Role::Admin);
    let roster = roster_for(node.secrets.office(), &[node], &admin);
    let hub = HubHome::open(dir).unwrap();
    hub.trust_roster(&roster).unwrap();
    let key: [u8; 32] = hex::decode(hub.public_key_hex())
        .unwrap()
        .try_into()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        huella_sync::hub::serve(hub, "127.0.0.1:0", |a| tx.send(a).unwrap()).unwrap();
    });
    (rx.recv().unwrap(), key)
}

/// POSTs `head` and, when `body` is given, the body; returns the status line's code and the
/// answer. Without a body the connection only announces one (Content-Length) and then waits:
/// a hub that read bodies before refusing would answer 408 after its body timeout.
fn post(addr: SocketAddr, path: &str, head: &RequestHead, body: Option<&[u8]>) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nhost: huella\r\ncontent-type: application/octet-stream\r\n\
         {HEAD_HEADER}: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        head.to_header(),
        head.length
    )
    .unwrap();
    if let Some(b) = body {
        s.write_all(b).unwrap();
    }
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, text)
}

#[test]
fn a_sync_head_sent_twice_is_refused_the_second_time_before_its_body() {
    let a = Node::new("A", "0101", &[]);
    let dir = tempfile::tempdir().unwrap();
    let (addr, hub_key) = hub_for(&a, dir.path());
    let summary = a.store().replica().summary().unwrap();
    let body = protocol::encode(&Request::Summary {
        summary,
        roster: None,
        known_rosters: vec![],
    });
    let request = Envelope::seal_to(&a.secrets, body, None, Some(hub_key)).to_bytes();
    let head = RequestHead::of_request(&request).unwrap();

    let (first, text) = post(addr, "/v1/sync", &head, Some(&request));
    assert_eq!(first, 200, "{text}");
    let (again, text) = post(addr, "/v1/sync", &head, None);
    assert_eq!(
        again, 409,
        "a replayed head was not refused at the head: {text}"
    );
    // A fresh head from the same station still passes.
    let request = Envelope::seal_to(&a.secrets, request_body(&a), None, Some(hub_key)).to_bytes();
    let head = RequestHead::of_request(&request).unwrap();
    assert_eq!(post(addr, "/v1/sync", &head, Some(&request)).0, 200);
}

fn request_body(a: &Node) -> Vec<u8> {
    protocol::encode(&Request::Summary {
        summary: a.store().replica().summary().unwrap(),
        roster: None,
        known_rosters: vec![],
    })
}

#[test]
fn a_bundle_head_sent_twice_is_refused_the_second_time_before_its_body() {
    let a = Node::new("A", "0101", &[]);
    let dir = tempfile::tempdir().unwrap();
    let (addr, hub_key) = hub_for(&a, dir.path());
    // Not a bundle: the hub reads it (the head is genuine) and refuses its content.
    let bundle = vec![7u8; 300];
    let head = RequestHead::for_bundle(&bundle, &a.secrets, hub_key);
    let (first, text) = post(addr, "/v1/bundle", &head, Some(&bundle));
    assert_ne!(first, 409, "{text}");
    assert!(first >= 400, "garbage imported? {text}");
    let (again, text) = post(addr, "/v1/bundle", &head, None);
    assert_eq!(again, 409, "a replayed bundle head was not refused: {text}");
}
