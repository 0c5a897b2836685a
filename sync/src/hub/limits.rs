//! How much a hub gives to callers: connections, time, memory and requests per station.
//!
//! The hub must hold under abuse from its network: slow or idle connections are dropped, the
//! bodies it buffers at once are bounded (and a body is read only after its signed head was
//! checked, see `head`), and one station cannot take every slot. This module owns those
//! numbers and the accounting; it must not parse requests nor look at rosters.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::station_share::StationShares;

/// The hub's limits (defaults documented in docs/sync.md, "Hub limits").
#[derive(Debug, Clone)]
pub struct HubLimits {
    /// Connections served at once; more are closed as they arrive.
    pub max_connections: usize,
    /// Time a client has to send a request's headers (also the idle time between requests).
    pub header_timeout: Duration,
    /// Time a client has to send a request's body once admitted.
    pub body_timeout: Duration,
    /// Longest life of one connection.
    pub connection_lifetime: Duration,
    /// Request bodies buffered at once, all callers together (bytes).
    pub body_memory: usize,
    /// Requests of one station being read or answered at once.
    pub per_station_in_flight: usize,
    /// Requests one station may make per minute.
    pub per_station_per_minute: u32,
}

impl Default for HubLimits {
    fn default() -> Self {
        HubLimits {
            max_connections: 64,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            connection_lifetime: Duration::from_secs(600),
            body_memory: 64 * 1024 * 1024,
            per_station_in_flight: 2,
            per_station_per_minute: 600,
        }
    }
}

/// Why a request was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The hub is buffering as much as it may: try again shortly.
    Busy,
    /// This station has too many requests in flight or made too many this minute.
    TooMany,
}

/// Memory unit of the body budget (semaphore permits count KiB).
const UNIT: usize = 1024;

/// The shared accounting of admitted request bodies.
#[derive(Debug)]
pub struct Budget {
    limits: HubLimits,
    memory: Arc<Semaphore>,
    stations: StationShares,
}

/// A request admitted: holds its memory and station slot until dropped.
#[derive(Debug)]
pub struct Admission {
    _memory: OwnedSemaphorePermit,
    station: [u8; 32],
    budget: Arc<Budget>,
}

impl Budget {
    /// A budget for `limits`.
    pub fn new(limits: HubLimits) -> Arc<Self> {
        let units = limits.body_memory.div_ceil(UNIT).max(1);
        Arc::new(Budget {
            memory: Arc::new(Semaphore::new(units)),
            stations: StationShares::new(
                limits.per_station_in_flight,
                limits.per_station_per_minute,
            ),
            limits,
        })
    }

    /// The limits.
    pub fn limits(&self) -> &HubLimits {
        &self.limits
    }

    /// Admits a body of `length` bytes from `station`, or says why not (never waits).
    pub fn admit(self: &Arc<Self>, station: [u8; 32], length: u64) -> Result<Admission, Refusal> {
        let units = u32::try_from(usize::try_from(length).unwrap_or(usize::MAX).div_ceil(UNIT))
            .unwrap_or(u32::MAX)
            .max(1);
        if !self.stations.take(station) {
            return Err(Refusal::TooMany);
        }
        match self.memory.clone().try_acquire_many_owned(units) {
            Ok(permit) => Ok(Admission {
                _memory: permit,
                station,
                budget: self.clone(),
            }),
            Err(_) => {
                self.release(&station);
                Err(Refusal::Busy)
            }
        }
    }

    fn release(&self, station: &[u8; 32]) {
        self.stations.release(station);
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.budget.release(&self.station);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_beyond_the_memory_budget_or_a_stations_share_are_refused() {
        let b = Budget::new(HubLimits {
            body_memory: 10 * UNIT,
            per_station_in_flight: 2,
            per_station_per_minute: 3,
            ..HubLimits::default()
        });
        let (s1, s2) = ([1u8; 32], [2u8; 32]);
        let a = b.admit(s1, 6 * UNIT as u64).expect("first");
        assert_eq!(b.admit(s2, 6 * UNIT as u64).err(), Some(Refusal::Busy));
        let c = b.admit(s1, 10).expect("small");
        assert_eq!(b.admit(s1, 10).err(), Some(Refusal::TooMany), "in flight");
        drop((a, c));
        let _d = b.admit(s1, 10).expect("after release");
        assert_eq!(b.admit(s1, 10).err(), Some(Refusal::TooMany), "per minute");
        let _e = b.admit(s2, 4 * UNIT as u64).expect("another station");
    }
}
