//! Seeded convergence: five stations and a relay hub under random partitions, dropped
//! requests and answers, duplicates, replays of old messages, station crashes, concurrent
//! edits and erasures. After healing, all replicas are identical, every acknowledged edit of a
//! record that was not erased is in every station's copy, and erased people stay erased.
//! `HUELLA_SYNC_SEEDS=N` runs more seeds (default 12).
#![allow(missing_docs, clippy::unwrap_used, clippy::type_complexity)]

mod common;

use std::collections::{HashMap, HashSet};

use automerge::ChangeHash;
use common::*;
use huella_keys::{OfficerKey, Recipient, Role};
use huella_sync::node::StationSide;
use huella_sync::protocol::{self, Client, LocalSide, NonceCache, Server, SyncError};
use huella_sync::{BiometricStatus, RecordId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

struct Faults<'a> {
    rng: &'a mut StdRng,
    old: &'a mut Vec<Vec<u8>>,
}

impl Faults<'_> {
    /// Delivers `m` through `deliver` with random drops, duplicates and replays.
    fn send(
        &mut self,
        m: Vec<u8>,
        deliver: &mut dyn FnMut(&[u8]) -> Result<Vec<u8>, SyncError>,
    ) -> Result<Vec<u8>, SyncError> {
        let drop = || SyncError::Transport {
            peer: "sim".into(),
            reason: "perdido".into(),
        };
        if !self.old.is_empty() && self.rng.gen_bool(0.1) {
            let i = self.rng.gen_range(0..self.old.len());
            let replay = self.old[i].clone();
            assert!(deliver(&replay).is_err(), "a replayed request was accepted");
        }
        if self.rng.gen_bool(0.07) {
            return Err(drop());
        }
        // Only delivered requests count as "seen"; a lost one may legitimately arrive late.
        self.old.push(m.clone());
        let r = deliver(&m);
        if self.rng.gen_bool(0.05) {
            assert!(deliver(&m).is_err(), "a duplicated request was accepted");
        }
        if self.rng.gen_bool(0.07) {
            return Err(drop());
        }
        r
    }
}

fn sync_faulty(a: &Node, hub: &Hub, f: &mut Faults<'_>) -> Result<(), SyncError> {
    let idx = TestIndexer(&a.secrets);
    let side = StationSide::new(a.store(), a.keys(), &a.officer, &idx);
    side.prepare()?;
    let mut c = Client::new("hub", None, None);
    protocol::run(
        &mut c,
        &side,
        &a.secrets,
        &mut |m| f.send(m, &mut |b| hub.handle(b)),
        &mut |_| {},
    )
    .map(|_| ())
}

fn peers_faulty(a: &Node, b: &Node, f: &mut Faults<'_>) -> Result<(), SyncError> {
    let (ia, ib) = (TestIndexer(&a.secrets), TestIndexer(&b.secrets));
    let sa = StationSide::new(a.store(), a.keys(), &a.officer, &ia);
    let sb = StationSide::new(b.store(), b.keys(), &b.officer, &ib);
    sa.prepare()?;
    sb.prepare()?;
    let nonces = NonceCache::new(b.store().replica());
    let server = Server {
        local: &sb,
        key: &b.secrets,
        nonces: &nonces,
    };
    let mut c = Client::new("par", None, None);
    protocol::run(
        &mut c,
        &sa,
        &a.secrets,
        &mut |m| f.send(m, &mut |x| server.handle_bytes(x)),
        &mut |_| {},
    )
    .map(|_| ())
}

fn run_seed(seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut nodes: Vec<Node> = (0..5)
        .map(|i| Node::new(&format!("E{i}"), "0101", &[]))
        .collect();
    let recips: Vec<String> = nodes.iter().map(|n| n.secrets.public().recipient).collect();
    for n in &mut nodes {
        for (i, r) in recips.iter().enumerate() {
            n.recipients
                .push(Recipient::parse(&format!("e{i}"), r).unwrap());
        }
    }
    let admin = OfficerKey::generate("admin", Role::Admin);
    let refs: Vec<&Node> = nodes.iter().collect();
    let roster = roster_for("0101", &refs, &admin);
    let hub = Hub::new();
    hub.trust().anchor(&roster).unwrap();
    for n in &nodes {
        n.trust().anchor(&roster).unwrap();
    }
    // Old requests per target (hub = 5), replayed later at the same target.
    let mut old: Vec<Vec<Vec<u8>>> = vec![Vec::new(); 6];
    let mut known: Vec<HashSet<RecordId>> = vec![HashSet::new(); 5];
    let mut edits: Vec<(RecordId, ChangeHash)> = Vec::new();
    let mut erased: HashSet<RecordId> = HashSet::new();
    let mut offline = [false; 5];
    for step in 0..70 {
        let i = rng.gen_range(0..5);
        match rng.gen_range(0..100) {
            0..=19 => {
                let id = nodes[i].create(&format!("S{seed}P{step}"));
                known[i].insert(id);
                edits.extend(nodes[i].heads(id).unwrap().into_iter().map(|h| (id, h)));
            }
            20..=39 => {
                let ids: Vec<RecordId> = known[i]
                    .iter()
                    .copied()
                    .filter(|id| nodes[i].store().contains(id).unwrap())
                    .collect();
                if let Some(&id) = ids.get(
                    rng.gen_range(0..ids.len().max(1))
                        .min(ids.len().saturating_sub(1)),
                ) {
                    if rng.gen_bool(0.5) {
                        nodes[i].edit_name(id, &format!("n{step}"));
                    } else {
                        nodes[i].set_status(id, BiometricStatus::Capturado);
                    }
                    edits.extend(nodes[i].heads(id).unwrap().into_iter().map(|h| (id, h)));
                }
            }
            40..=41 => {
                let ids: Vec<RecordId> = known[i]
                    .iter()
                    .copied()
                    .filter(|id| nodes[i].store().contains(id).unwrap())
                    .collect();
                if let Some(&id) = ids.first() {
                    let keys = nodes[i].keys();
                    nodes[i]
                        .store()
                        .erase_replicated(&keys, &nodes[i].officer, id)
                        .unwrap();
                    erased.insert(id);
                }
            }
            42..=49 => offline[i] = !offline[i],
            50..=55 => nodes[i].restart(),
            56..=79 => {
                if !offline[i] {
                    let mut f = Faults {
                        rng: &mut rng,
                        old: &mut old[5],
                    };
                    let _ = sync_faulty(&nodes[i], &hub, &mut f);
                }
            }
            _ => {
                let j = (i + 1 + rng.gen_range(0..4)) % 5;
                if !offline[i] && !offline[j] {
                    let mut f = Faults {
                        rng: &mut rng,
                        old: &mut old[j],
                    };
                    let _ = peers_faulty(&nodes[i], &nodes[j], &mut f);
                }
            }
        }
        for (k, n) in nodes.iter().enumerate() {
            for (id, _) in n.store().replica().entries().unwrap() {
                known[k].insert(id);
            }
        }
    }
    // Heal: every station syncs with the hub, twice round.
    for _ in 0..2 {
        for n in &nodes {
            sync_with(n, &hub).unwrap();
        }
    }
    let root = hub.side.replica().summary().unwrap().root;
    for n in &nodes {
        assert_eq!(
            n.store().replica().summary().unwrap().root,
            root,
            "seed {seed}"
        );
    }
    let mut by_id: HashMap<RecordId, Vec<ChangeHash>> = HashMap::new();
    for (id, h) in edits {
        by_id.entry(id).or_default().push(h);
    }
    for (id, hashes) in by_id {
        if erased.contains(&id) {
            for n in &nodes {
                assert!(
                    !n.store().contains(&id).unwrap(),
                    "seed {seed}: erased {id} came back"
                );
                assert!(n.store().replica().erasure(&id).unwrap().is_some());
            }
            continue;
        }
        let first = nodes[0].heads(id);
        for n in &nodes {
            assert_eq!(n.heads(id), first, "seed {seed}: {id} differs");
            let keys = n.keys();
            let mut open = n.store().open_record(&keys, id).unwrap();
            for h in &hashes {
                assert!(
                    open.record.doc_mut().get_change_by_hash(h).is_some(),
                    "seed {seed}: an acknowledged edit of {id} was lost"
                );
            }
        }
    }
}

#[test]
fn five_stations_and_a_hub_converge_under_faults() {
    let seeds: u64 = std::env::var("HUELLA_SYNC_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    for seed in 0..seeds {
        run_seed(seed);
    }
}
