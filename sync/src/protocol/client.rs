//! The client half as a state machine: feed it answers, it tells you what to send next.
//! It keeps no socket; a transport calls [`Client::start`] then [`Client::receive`] until
//! [`Step::Done`]. An interrupted run can simply be started again: everything applied so
//! far is durable and digests make the next run skip it.

use std::collections::{HashMap, HashSet, VecDeque};

use super::envelope::now_ms;
use super::server::LocalSide;
use super::{
    DATA_BUDGET, Envelope, OFFER_BATCH, Request, Response, Signer, SyncError, decode, encode,
};
use crate::events::SyncEvent;
use crate::record::RecordId;
use crate::roster::SignedRoster;

/// Most digest cycles in one run (each makes progress or the run stops).
pub const MAX_CYCLES: u32 = 32;

/// What a finished run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Records the peer accepted from us.
    pub sent: u64,
    /// Records changed here by the peer's data.
    pub received: u64,
    /// Records changed here, by id.
    pub changed: Vec<RecordId>,
    /// Records refused by either side, with reasons.
    pub refused: Vec<(RecordId, String)>,
    /// Request/response round trips.
    pub round_trips: u32,
    /// Bytes sent.
    pub bytes_sent: u64,
    /// Bytes received.
    pub bytes_received: u64,
    /// The peer's signing key.
    pub peer_key: Option<[u8; 32]>,
    /// Both ends ended with the same digest.
    pub converged: bool,
}

/// What to do next.
#[derive(Debug)]
pub enum Step {
    /// Send these bytes and feed the answer to [`Client::receive`].
    Send(Vec<u8>),
    /// The run is over.
    Done(Outcome),
}

/// A reconciliation run with one peer.
pub struct Client {
    peer: String,
    pinned: Option<[u8; 32]>,
    roster: Option<SignedRoster>,
    awaiting: Option<[u8; 16]>,
    queue: VecDeque<Request>,
    cycles: u32,
    progressed: bool,
    more: bool,
    total: usize,
    done: usize,
    blob_in: u64,
    blob_out: u64,
    out: Outcome,
}

impl Client {
    /// A run with `peer` (a name for events). `pinned`: the peer key expected, if known.
    pub fn new(peer: &str, pinned: Option<[u8; 32]>, roster: Option<SignedRoster>) -> Self {
        Client {
            peer: peer.to_owned(),
            pinned,
            roster,
            awaiting: None,
            queue: VecDeque::new(),
            cycles: 0,
            progressed: false,
            more: false,
            total: 0,
            done: 0,
            blob_in: 0,
            blob_out: 0,
            out: Outcome::default(),
        }
    }

    fn send(&mut self, signer: &dyn Signer, req: &Request) -> Vec<u8> {
        let env = Envelope::seal_to(signer, encode(req), None, self.pinned);
        self.awaiting = Some(env.nonce);
        let b = env.to_bytes();
        self.out.bytes_sent += b.len() as u64;
        b
    }

    fn summary(&mut self, local: &dyn LocalSide) -> Result<Request, SyncError> {
        Ok(Request::Summary {
            summary: local.replica().summary()?,
            roster: self.roster.clone(),
            known_rosters: local.trust().versions()?,
        })
    }

    /// The first message of the run.
    pub fn start(
        &mut self,
        local: &dyn LocalSide,
        signer: &dyn Signer,
    ) -> Result<Vec<u8>, SyncError> {
        let req = self.summary(local)?;
        Ok(self.send(signer, &req))
    }

    /// Feeds the peer's answer; returns what to send next or the outcome.
    pub fn receive(
        &mut self,
        local: &dyn LocalSide,
        signer: &dyn Signer,
        bytes: &[u8],
        events: &mut dyn FnMut(SyncEvent),
    ) -> Result<Step, SyncError> {
        self.out.bytes_received += bytes.len() as u64;
        let env = Envelope::from_bytes(bytes)?;
        env.verify(now_ms())?;
        if env.reply_to.is_none() || env.reply_to != self.awaiting {
            return Err(SyncError::WrongPeer);
        }
        if env.receiver != Some(signer.public_key()) {
            return Err(SyncError::WrongPeer);
        }
        if let Some(p) = self.pinned
            && p != env.sender
        {
            return Err(SyncError::WrongPeer);
        }
        self.pinned = Some(env.sender);
        self.out.peer_key = Some(env.sender);
        self.awaiting = None;
        self.out.round_trips += 1;
        match decode::<Response>(&env.body)? {
            Response::Summary {
                equal,
                buckets,
                entries,
                rosters,
            } => {
                for r in rosters {
                    if let Err(e) = local.trust().accept(&r, true) {
                        tracing::warn!(target: "huella::sync", "roster from hub refused: {e}");
                    }
                }
                if equal {
                    self.out.converged = true;
                    return Ok(self.finish(events));
                }
                let theirs: HashMap<[u8; 16], [u8; 32]> = entries.into_iter().collect();
                let mine = local.replica().entries_in(&buckets)?;
                let mut ids: Vec<[u8; 16]> = Vec::new();
                let mut seen = HashSet::new();
                for (id, d) in &mine {
                    seen.insert(id.0);
                    if theirs.get(&id.0) != Some(d) {
                        ids.push(id.0);
                    }
                }
                ids.extend(theirs.keys().filter(|k| !seen.contains(*k)).copied());
                self.total = ids.len();
                self.done = 0;
                events(SyncEvent::Compared {
                    peer: self.peer.clone(),
                    differing: ids.len(),
                });
                for batch in ids.chunks(OFFER_BATCH) {
                    let mut haves = Vec::with_capacity(batch.len());
                    for id in batch {
                        haves.push(local.replica().have(&RecordId(*id))?);
                    }
                    self.queue.push_back(Request::Offer { haves });
                }
                self.progressed = false;
                self.more = false;
            }
            Response::Offer { data, haves, more } => {
                let applied = local.apply(data)?;
                self.blob_in += applied.blob_bytes;
                self.out.received += applied.changed.len() as u64;
                self.out.changed.extend(applied.changed.iter().copied());
                self.out.refused.extend(applied.refused);
                if !applied.changed.is_empty() || applied.blob_bytes > 0 {
                    self.progressed = true;
                }
                self.done += haves.len();
                events(SyncEvent::Records {
                    peer: self.peer.clone(),
                    done: self.done.min(self.total),
                    total: self.total,
                });
                let (push, m) = local.replica().data_for(&haves, DATA_BUDGET)?;
                self.more |= more || m;
                if !push.is_empty() {
                    self.blob_out += push
                        .iter()
                        .flat_map(|d| &d.blobs)
                        .map(|b| b.bytes.len() as u64)
                        .sum::<u64>();
                    self.queue.push_front(Request::Push { data: push });
                }
                if self.blob_in + self.blob_out > 0 {
                    events(SyncEvent::BlobBytes {
                        peer: self.peer.clone(),
                        received: self.blob_in,
                        sent: self.blob_out,
                    });
                }
            }
            Response::Pushed { changed, refused } => {
                self.out.sent += u64::from(changed);
                if changed > 0 {
                    self.progressed = true;
                }
                self.out
                    .refused
                    .extend(refused.into_iter().map(|(id, r)| (RecordId(id), r)));
            }
        }
        if let Some(req) = self.queue.pop_front() {
            return Ok(Step::Send(self.send(signer, &req)));
        }
        if (self.more || self.progressed) && self.cycles < MAX_CYCLES {
            self.cycles += 1;
            let req = self.summary(local)?;
            return Ok(Step::Send(self.send(signer, &req)));
        }
        Ok(self.finish(events))
    }

    fn finish(&mut self, events: &mut dyn FnMut(SyncEvent)) -> Step {
        let out = std::mem::take(&mut self.out);
        events(SyncEvent::Finished {
            peer: self.peer.clone(),
            sent: out.sent,
            received: out.received,
            converged: out.converged,
        });
        Step::Done(out)
    }
}
