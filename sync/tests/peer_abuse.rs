//! A LAN peer server under abuse from strangers on loopback: 20 connections each sending a
//! 15 MB frame without authenticating, and silent or slow connections. The server answers
//! only a small signed head from an unknown sender, so it never holds the big frames, drops
//! the silent connections within seconds, and a trusted station still syncs afterwards.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use common::{Node, TestIndexer, roster_for};
use huella_keys::{OfficerKey, Role};
use huella_sync::hub::RequestHead;
use huella_sync::node::StationSide;
use huella_sync::peer::{HEAD_TAG, TcpTransport};
use huella_sync::protocol::{self, Client, Envelope, HubKey, NonceCache, Server};

const ATTACKERS: usize = 20;
const FRAME: usize = 15_000_000;

/// Peak and current resident memory of this process, in kB.
fn memory_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Sends a 15 MB frame: raw (`head` None) or after a signed head from a stranger.
fn attack(addr: &str, payload: &[u8], head: Option<&[u8]>) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut frame = |b: &[u8]| {
        let _ = s.write_all(&(b.len() as u32).to_be_bytes());
        let _ = s.write_all(b);
    };
    if let Some(h) = head {
        frame(h);
    }
    frame(payload);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    answer
}

/// Waits on a connection that sent `sent`; true when the server closed it (not our timeout).
fn closed_by_server(addr: &str, sent: &[u8]) -> bool {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(sent).unwrap();
    let mut buf = [0u8; 64];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn strangers_cannot_make_the_peer_server_hold_big_frames_or_idle_slots() {
    let a = Node::new("A", "0101", &[]);
    let b = Node::new("B", "0101", &[]);
    let admin = OfficerKey::generate("root", Role::Admin);
    let roster = roster_for("0101", &[&a, &b], &admin);
    for t in [a.trust(), b.trust()] {
        t.anchor(&roster).unwrap();
    }
    let b_key = huella_sync::protocol::Signer::public_key(&b.secrets);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let idx = TestIndexer(&b.secrets);
        let side = StationSide::new(b.store(), b.keys(), &b.officer, &idx);
        side.prepare().unwrap();
        let nonces = NonceCache::new(b.store().replica());
        let server = Server {
            local: &side,
            key: &b.secrets,
            nonces: &nonces,
        };
        let _ = huella_sync::peer::serve(
            "127.0.0.1:0",
            |addr| tx.send(addr.to_string()).unwrap(),
            &mut |h| server.check_head(h),
            &mut |req| server.handle_bytes(req),
        );
    });
    let addr = rx.recv().unwrap();

    // One shared 15 MB payload; a stranger's signed head announcing it.
    let payload: Arc<Vec<u8>> = Arc::new(vec![7u8; FRAME]);
    let stranger = HubKey::generate();
    let fake = Envelope::seal_to(&stranger, payload.to_vec(), None, Some(b_key)).to_bytes();
    let mut head = HEAD_TAG.to_vec();
    head.extend(protocol::encode(&RequestHead::of_request(&fake).unwrap()));
    drop(fake);
    let head = Arc::new(head);

    let rss_before = memory_kb("VmRSS:");
    let attackers: Vec<_> = (0..ATTACKERS)
        .map(|i| {
            let (addr, payload, head) = (addr.clone(), payload.clone(), head.clone());
            std::thread::spawn(move || {
                attack(&addr, &payload, (i % 2 == 1).then_some(head.as_slice()))
            })
        })
        .collect();
    for t in attackers {
        let answer = t.join().unwrap();
        // A stranger gets a refusal (status byte 1) or a reset, never a go-ahead (0).
        assert_ne!(answer.get(4), Some(&0), "stranger admitted");
    }
    let peak = memory_kb("VmHWM:");
    // Without authentication first, 20 × 15 MB = 300 MB would be resident at the server.
    let grown = peak.saturating_sub(rss_before);
    eprintln!("resident before {rss_before} kB, peak during the attack {peak} kB");
    assert!(grown < 64 * 1024, "peak grew {grown} kB during the attack");

    // A silent connection and one that stops mid-header are closed by the server.
    assert!(closed_by_server(&addr, &[]), "silent connection dropped");
    assert!(closed_by_server(&addr, &[0, 0]), "slow header dropped");

    // A trusted station still syncs over TCP.
    let r = a.create("CURP-ABUSO");
    let idx = TestIndexer(&a.secrets);
    let side = StationSide::new(a.store(), a.keys(), &a.officer, &idx);
    side.prepare().unwrap();
    let mut tcp = TcpTransport::new(&addr);
    let mut client = Client::new("par", None, None);
    let outcome = protocol::run(
        &mut client,
        &side,
        &a.secrets,
        &mut |m| tcp.call(m),
        &mut |_| {},
    )
    .unwrap();
    assert!(outcome.sent >= 1, "record {r:?} pushed: {outcome:?}");
}
