//! Per-caller limits of a LAN peer (`sync serve`): one network address holds at most its
//! share of the connection slots (more are closed on arrival, unread), and one authenticated
//! station at most its requests per minute, while another station still syncs. Real TCP on
//! loopback (the attacker's connections come from 127.0.0.2), real stores and keys.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{Node, TestIndexer, roster_for};
use huella_keys::{OfficerKey, Role};
use huella_sync::hub::RequestHead;
use huella_sync::node::StationSide;
use huella_sync::peer::{HEAD_TAG, PeerLimits, TcpTransport};
use huella_sync::protocol::{self, Client, Envelope, HubKey, NonceCache, Server, SyncError};

/// Serves `b` as a LAN peer with `limits` on 0.0.0.0 (so 127.0.0.2 reaches it too).
fn serve(b: Node, limits: PeerLimits) -> SocketAddr {
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
        let _ = huella_sync::peer::serve_with(
            "0.0.0.0:0",
            limits,
            |addr| tx.send(addr).unwrap(),
            &mut |h| server.check_head(h),
            &mut |req| server.handle_bytes(req),
        );
    });
    let port = rx.recv().unwrap().port();
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// One sync round of `a` with the peer at `addr`.
fn sync_over_tcp(a: &Node, addr: SocketAddr) -> Result<protocol::Outcome, SyncError> {
    let idx = TestIndexer(&a.secrets);
    let side = StationSide::new(a.store(), a.keys(), &a.officer, &idx);
    side.prepare()?;
    let mut tcp = TcpTransport::new(&addr.to_string());
    let mut client = Client::new("par", None, None);
    protocol::run(
        &mut client,
        &side,
        &a.secrets,
        &mut |m| tcp.call(m),
        &mut |_| {},
    )
}

/// Connections from 127.0.0.2 to `port` that send nothing (yet).
fn silent_from_other_address(port: u16, n: usize) -> Vec<std::net::TcpStream> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut out = Vec::new();
        for _ in 0..n {
            let s = tokio::net::TcpSocket::new_v4().unwrap();
            s.bind("127.0.0.2:0".parse().unwrap()).unwrap();
            let c = s
                .connect(SocketAddr::from(([127, 0, 0, 2], port)))
                .await
                .unwrap();
            out.push(c.into_std().unwrap());
        }
        out
    })
}

/// Sends a stranger's head frame on `s`; true when the server answered it with a frame (the
/// connection was being served), false when the connection was already closed.
fn answered(s: &mut std::net::TcpStream, head: &[u8]) -> bool {
    s.set_nonblocking(false).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let _ = s.write_all(&(head.len() as u32).to_be_bytes());
    let _ = s.write_all(head);
    let mut frame = [0u8; 5];
    s.read_exact(&mut frame).is_ok()
}

#[test]
fn one_address_holds_only_its_share_of_the_peer_slots() {
    let a = Node::new("A", "0101", &[]);
    let b = Node::new("B", "0101", &[]);
    let admin = OfficerKey::generate("root", Role::Admin);
    let roster = roster_for("0101", &[&a, &b], &admin);
    for t in [a.trust(), b.trust()] {
        t.anchor(&roster).unwrap();
    }
    let b_key = huella_sync::protocol::Signer::public_key(&b.secrets);
    let limits = PeerLimits::default();
    let share = limits.per_address_connections;
    let addr = serve(b, limits);

    // A stranger's head frame (refused at the head, with an answer frame).
    let stranger = HubKey::generate();
    let fake = Envelope::seal_to(&stranger, vec![1; 64], None, Some(b_key)).to_bytes();
    let mut head = HEAD_TAG.to_vec();
    head.extend(protocol::encode(&RequestHead::of_request(&fake).unwrap()));

    // 16 connections (every slot) from one address, all silent.
    let mut conns = silent_from_other_address(addr.port(), 16);
    // While the first ones stay silent, the rest are checked (last first): closed on arrival.
    let mut served = 0;
    for s in conns.iter_mut().rev() {
        if answered(s, &head) {
            served += 1;
        }
    }
    eprintln!("connections from 127.0.0.2 served: {served} of 16 (share {share})");
    assert_eq!(
        served, share,
        "one address held more than its share of the slots"
    );

    // Another station, from another address, syncs while the attacker holds its share.
    let silent = silent_from_other_address(addr.port(), share);
    let id = a.create("CURP-PAR");
    let t = Instant::now();
    let outcome = sync_over_tcp(&a, addr).unwrap();
    eprintln!(
        "sync with {share} silent connections held by 127.0.0.2: {:?}",
        t.elapsed()
    );
    assert!(outcome.sent >= 1, "record {id:?} pushed: {outcome:?}");
    drop(silent);
}

#[test]
fn a_station_beyond_its_requests_per_minute_is_refused_and_another_still_syncs() {
    let a = Node::new("A", "0101", &[]);
    let b = Node::new("B", "0101", &[]);
    let c = Node::new("C", "0101", &[]);
    let admin = OfficerKey::generate("root", Role::Admin);
    let roster = roster_for("0101", &[&a, &b, &c], &admin);
    for t in [a.trust(), b.trust(), c.trust()] {
        t.anchor(&roster).unwrap();
    }
    let addr = serve(
        b,
        PeerLimits {
            per_station_per_minute: 4,
            ..PeerLimits::default()
        },
    );
    a.create("CURP-A");
    // Summary, offer, push: one round fits in the minute's share, the next ones do not.
    sync_over_tcp(&a, addr).unwrap();
    let mut refused = None;
    for _ in 0..3 {
        a.create("CURP-A2");
        if let Err(e) = sync_over_tcp(&a, addr) {
            refused = Some(e.to_string());
            break;
        }
    }
    let refused = refused.expect("the station was never refused");
    assert!(refused.contains("demasiadas solicitudes"), "{refused}");
    // Another station has its own share.
    c.create("CURP-C");
    let outcome = sync_over_tcp(&c, addr).unwrap();
    assert!(outcome.sent >= 1, "{outcome:?}");
}
