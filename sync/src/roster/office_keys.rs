//! Office key rotation in the signed roster: each generation's public recipient and its
//! grants (the generation's secret sealed to one trusted station each).
//!
//! Revoking a station creates a new generation granted to every station still trusted, never
//! to the revoked one; an invite grants every generation to the new station. Stations open
//! their own grants into an [`OfficeKeyring`]. The roster stays signed by an administrator,
//! so a grant cannot be added or swapped by anyone else. This module must not store rosters
//! nor decide who is revoked.

use huella_keys::{OfficeKey, OfficeKeyring, StationSecrets};
use serde::{Deserialize, Serialize};

use super::{Roster, RosterError};

/// One office key generation (≥ 1) as listed in the roster.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OfficeKeyGeneration {
    /// Generation number (generation 0 is [`Roster::office_recipient`]).
    pub generation: u32,
    /// The generation's age recipient (`age1…`).
    pub recipient: String,
    /// Who holds the generation's secret.
    pub grants: Vec<OfficeKeyGrant>,
}

/// A generation's secret sealed to one station's recipient.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OfficeKeyGrant {
    /// Station name.
    pub station: String,
    /// The age file sealed to the station's recipient (hex).
    pub wrapped: String,
}

impl Roster {
    /// The newest office key generation (0 before any rotation).
    pub fn current_generation(&self) -> u32 {
        self.office_keys
            .iter()
            .map(|g| g.generation)
            .max()
            .unwrap_or(0)
    }

    /// Opens the grants made to `station` (matched by name and recipient); grants that do not
    /// open are skipped with a log line (no key material is logged).
    pub fn keyring_for(&self, station: &StationSecrets) -> OfficeKeyring {
        let mut ring = OfficeKeyring::new();
        let me = station.public().recipient;
        let listed = self
            .stations
            .iter()
            .any(|s| s.name == station.station() && s.recipient == me);
        if !listed || self.office != station.office() {
            return ring;
        }
        for g in &self.office_keys {
            let Some(grant) = g.grants.iter().find(|x| x.station == station.station()) else {
                continue;
            };
            let opened = hex::decode(&grant.wrapped)
                .ok()
                .and_then(|b| OfficeKey::from_grant(g.generation, &g.recipient, &b, station).ok());
            match opened {
                Some(k) => ring.push(k),
                None => tracing::warn!(
                    target: "huella::sync",
                    "office key generation {} of office {} does not open at this station",
                    g.generation,
                    self.office
                ),
            }
        }
        ring
    }

    /// Creates the next office key generation and grants it to every unrevoked station;
    /// returns it (the caller's station is granted it too when listed and unrevoked).
    pub fn rotate_office_key(&mut self) -> Result<OfficeKey, RosterError> {
        let key = OfficeKey::generate(self.current_generation() + 1);
        let mut grants = Vec::new();
        for s in self.stations.iter().filter(|s| !s.revoked) {
            grants.push(OfficeKeyGrant {
                station: s.name.clone(),
                wrapped: hex::encode(key.grant_to(&s.recipient).map_err(|_| {
                    RosterError::Grant {
                        station: s.name.clone(),
                    }
                })?),
            });
        }
        self.office_keys.push(OfficeKeyGeneration {
            generation: key.generation(),
            recipient: key.recipient().to_owned(),
            grants,
        });
        Ok(key)
    }

    /// Grants every generation held in `ring` to `station` at `recipient` (an invited
    /// station reads everything of the office). Fails when a generation of the roster is
    /// missing from `ring` (the granting station could not give it).
    pub fn grant_all(
        &mut self,
        ring: &OfficeKeyring,
        station: &str,
        recipient: &str,
    ) -> Result<(), RosterError> {
        for g in &mut self.office_keys {
            let key = ring
                .get(g.generation)
                .filter(|k| k.recipient() == g.recipient)
                .ok_or(RosterError::MissingGeneration(g.generation))?;
            g.grants.retain(|x| x.station != station);
            g.grants.push(OfficeKeyGrant {
                station: station.to_owned(),
                wrapped: hex::encode(key.grant_to(recipient).map_err(|_| RosterError::Grant {
                    station: station.to_owned(),
                })?),
            });
        }
        Ok(())
    }
}
