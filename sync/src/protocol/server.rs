//! The server half: authenticates a request envelope and answers it from the local replica.
//! Pure apart from the replica store; the hub and LAN listeners wrap it in a transport.

use std::collections::HashMap;

use super::envelope::now_ms;
use super::{
    DATA_BUDGET, Envelope, NonceCache, Request, Response, Signer, SyncError, decode, encode,
};
use crate::replica::{Applied, RecordData, Replica, keys};
use crate::roster::{Standing, Trust};

/// The local end of a sync: its replica and how received data is applied.
pub trait LocalSide {
    /// The replica.
    fn replica(&self) -> &Replica;
    /// The trust store.
    fn trust(&self) -> &Trust;
    /// Applies data received from a peer (stores it; a station also merges readable records).
    fn apply(&self, data: Vec<RecordData>) -> Result<Applied, SyncError>;
}

/// A request handler over a local side.
pub struct Server<'a> {
    /// The local side.
    pub local: &'a dyn LocalSide,
    /// Key that signs answers.
    pub key: &'a dyn Signer,
    /// Replay protection.
    pub nonces: &'a NonceCache,
}

impl Server<'_> {
    /// Handles one encoded request envelope and returns the encoded, signed answer. Refused
    /// requests change nothing and are logged (no personal data) under `L`.
    pub fn handle_bytes(&self, bytes: &[u8]) -> Result<Vec<u8>, SyncError> {
        let env = Envelope::from_bytes(bytes)?;
        let (office, station) = match self.authenticate(&env) {
            Ok(who) => who,
            Err(e) => {
                self.log_refusal(&env.sender_hex(), &e);
                return Err(e);
            }
        };
        let req: Request = decode(&env.body)?;
        // Only the opening summary may name no receiver (the client may not know us yet);
        // anything that reads or writes records must be addressed to us.
        if env.receiver.is_none() && !matches!(req, Request::Summary { .. }) {
            let e = SyncError::Misdirected;
            self.log_refusal(&env.sender_hex(), &e);
            return Err(e);
        }
        tracing::debug!(target: "huella::sync", %office, %station, "request");
        let resp = self.answer(req, Some(&office))?;
        Ok(
            Envelope::seal_to(self.key, encode(&resp), Some(env.nonce), Some(env.sender))
                .to_bytes(),
        )
    }

    /// Checks a request's signed head before its body is read (LAN peers): signature over
    /// the announced body, clock window, receiver, size, and a trusted, unrevoked sender.
    /// The nonce is checked later with the whole request.
    pub fn check_head(&self, head: &crate::hub::RequestHead) -> Result<(), SyncError> {
        let r = head
            .check(&self.key.public_key(), false, now_ms())
            .and_then(
                |()| match self.local.trust().standing(&head.envelope.sender_hex())? {
                    Standing::Trusted { .. } => Ok(()),
                    Standing::Revoked { office, station } => {
                        Err(SyncError::Revoked { office, station })
                    }
                    Standing::Unknown => Err(SyncError::UnknownStation),
                },
            );
        if let Err(e) = &r {
            self.log_refusal(&head.envelope.sender_hex(), e);
        }
        r
    }

    fn authenticate(&self, env: &Envelope) -> Result<(String, String), SyncError> {
        env.verify(now_ms())?;
        env.check_receiver(&self.key.public_key())?;
        let who = match self.local.trust().standing(&env.sender_hex())? {
            Standing::Trusted { office, station } => (office, station),
            Standing::Revoked { office, station } => {
                return Err(SyncError::Revoked { office, station });
            }
            Standing::Unknown => return Err(SyncError::UnknownStation),
        };
        self.nonces.check(&env.nonce, now_ms())?;
        Ok(who)
    }

    fn log_refusal(&self, sender: &str, e: &SyncError) {
        tracing::warn!(target: "huella::sync", sender, "request refused: {e}");
        let entry = serde_json::json!({
            "en": crate::time::now_utc(),
            "remitente": sender,
            "motivo": e.to_string(),
        });
        let key = keys::refusal(now_ms() << 8 | u64::from(rand::random::<u8>()));
        let _ = self
            .local
            .replica()
            .tree()
            .insert(key, serde_json::to_vec(&entry).unwrap_or_default());
    }

    /// Answers a request that was already authenticated.
    pub fn handle(&self, req: Request) -> Result<Response, SyncError> {
        self.answer(req, None)
    }

    /// Answers a request from a station of `office` (noted as the origin of new records).
    fn answer(&self, req: Request, office: Option<&str>) -> Result<Response, SyncError> {
        let replica = self.local.replica();
        match req {
            Request::Summary {
                summary,
                roster,
                known_rosters,
            } => {
                if let Some(r) = roster
                    && let Err(e) = self.local.trust().accept(&r, false)
                {
                    tracing::warn!(target: "huella::sync", "roster from peer not accepted: {e}");
                }
                let known: HashMap<String, u64> = known_rosters.into_iter().collect();
                let rosters = self
                    .local
                    .trust()
                    .all()?
                    .into_iter()
                    .filter(|(r, _)| known.get(&r.office).is_none_or(|v| *v < r.version))
                    .map(|(_, s)| s)
                    .collect();
                let mine = replica.summary()?;
                if mine.root == summary.root {
                    return Ok(Response::Summary {
                        equal: true,
                        buckets: Vec::new(),
                        entries: Vec::new(),
                        rosters,
                    });
                }
                let buckets: Vec<u8> = (0..=255u8)
                    .filter(|b| {
                        summary.buckets.get(usize::from(*b)) != mine.buckets.get(usize::from(*b))
                    })
                    .collect();
                let entries = replica
                    .entries_in(&buckets)?
                    .into_iter()
                    .map(|(id, d)| (id.0, d))
                    .collect();
                Ok(Response::Summary {
                    equal: false,
                    buckets,
                    entries,
                    rosters,
                })
            }
            Request::Offer { haves } => {
                let mut mine = Vec::with_capacity(haves.len());
                for h in &haves {
                    let id = crate::record::RecordId(h.id);
                    replica.refresh_digest(&id)?;
                    mine.push(replica.have(&id)?);
                }
                let (data, more) = replica.data_for(&haves, DATA_BUDGET)?;
                Ok(Response::Offer {
                    data,
                    haves: mine,
                    more,
                })
            }
            Request::Push { data } => {
                if let Some(office) = office {
                    replica.note_new_origins(&data, office)?;
                }
                let applied = self.local.apply(data)?;
                if let Some(office) = office {
                    replica.note_origin(&applied.changed, office)?;
                }
                Ok(Response::Pushed {
                    changed: applied.changed.len() as u32,
                    refused: applied
                        .refused
                        .into_iter()
                        .map(|(id, r)| (id.0, r))
                        .collect(),
                })
            }
        }
    }
}
