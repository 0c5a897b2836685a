//! The central pass's national gallery on the sharded search (`central run --search
//! postgres://…`): inserting a judged person is an INSERT request whose reference id is the
//! record id; searching a new person is an identify through the coordinator, whose merged
//! candidates are judged exactly as the in-process gallery judges its own
//! ([`crate::workflows::central::gallery::judge_hits`]).
//!
//! This module owns that adaptation. It must not write records or verdicts (the pass does).

use std::time::Duration;

use huella_sync::RecordId;
use postgres::Client;

use super::coordinator::{self, IdentifyOptions};
use super::requests::{self, InsertRequest};
use super::seal::GalleryKey;
use super::{ShardError, new_request_id, tables};
use crate::matching::Template;
use crate::workflows::central::gallery::{NationalHit, judge_hits};
use crate::workflows::session::Session;

/// The sharded national gallery, opened by the central node.
pub struct ShardedGallery {
    client: Client,
    key: GalleryKey,
    people: usize,
    timeout: Duration,
}

impl ShardedGallery {
    /// Connects to the search database `url`, opening the gallery key with the session's
    /// central identity (and creating it, wrapped to this office's key, on a new database).
    pub fn open(url: &str, session: &Session, timeout: Duration) -> Result<Self, ShardError> {
        let mut client = tables::connect(url, "huella-central-run")?;
        let station = &session.credential.station;
        let recipient = station.public().office_recipient;
        let key = GalleryKey::open_or_create(&mut client, &recipient, station)?;
        Ok(ShardedGallery {
            client,
            key,
            people: 0,
            timeout,
        })
    }

    /// Whether `id` is in the gallery already (inserted by an earlier pass).
    pub fn contains(&mut self, id: RecordId) -> Result<bool, ShardError> {
        requests::is_known(&mut self.client, &id.to_hex())
    }

    /// Inserts `id`'s fingers (an INSERT request; nothing when it is there already).
    pub fn insert(&mut self, id: RecordId, fingers: &[(u8, Template)]) -> Result<(), ShardError> {
        let reference = id.to_hex();
        if requests::is_known(&mut self.client, &reference)? {
            return Ok(());
        }
        let request = new_request_id();
        requests::insert(
            &mut self.client,
            &self.key,
            &InsertRequest {
                request_id: &request,
                reference_id: &reference,
                fingers,
            },
        )?;
        Ok(())
    }

    /// Deletes from the gallery every person `keep` says no longer belongs there (erased at
    /// this node by an office's order, rejected as a national duplicate, restricted): one
    /// DELETE request each; returns how many.
    pub fn drop_unless(&mut self, keep: impl Fn(RecordId) -> bool) -> Result<usize, ShardError> {
        let rows = self
            .client
            .query("SELECT DISTINCT reference_id FROM gallery_fingers", &[])?;
        let mut removed = 0;
        for row in rows {
            let reference: String = row.try_get(0)?;
            if RecordId::parse(&reference).is_some_and(&keep) {
                continue;
            }
            match requests::delete(&mut self.client, &new_request_id(), &reference) {
                Ok(_) => removed += 1,
                // Another pass deleted it meanwhile.
                Err(ShardError::ReferenceNotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(removed)
    }

    /// People the last identify searched.
    pub fn people(&self) -> usize {
        self.people
    }

    /// Searches with `id`'s fingers (left out of the answer) and judges the candidates.
    pub fn search(
        &mut self,
        id: RecordId,
        fingers: &[(u8, Template)],
    ) -> Result<Vec<NationalHit>, ShardError> {
        if fingers.is_empty() {
            return Ok(Vec::new());
        }
        let answer = coordinator::identify(
            &mut self.client,
            &self.key,
            &id.to_hex(),
            fingers,
            &IdentifyOptions {
                timeout: self.timeout,
                ..IdentifyOptions::default()
            },
        )?;
        self.people = answer.people;
        Ok(judge_hits(
            id,
            fingers.len(),
            answer.people,
            answer.candidates,
        ))
    }
}
