//! One station's share of a server's requests: how many it has in flight at once and how many
//! it made in the current minute, for the hub (`hub::limits`) and the LAN peer (`peer::rate`).
//!
//! This module owns that accounting; it must not decide the numbers (each server's limits do)
//! nor look at who the station is.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct StationUse {
    in_flight: usize,
    window: Instant,
    count: u32,
}

/// Requests by station: in flight and in the current one-minute window.
#[derive(Debug)]
pub(crate) struct StationShares {
    in_flight_max: usize,
    per_minute: u32,
    stations: Mutex<HashMap<[u8; 32], StationUse>>,
}

impl StationShares {
    /// Shares of at most `in_flight_max` requests at once and `per_minute` a minute.
    pub(crate) fn new(in_flight_max: usize, per_minute: u32) -> Self {
        StationShares {
            in_flight_max,
            per_minute,
            stations: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one more request of `station`, or says `false` when it holds its share (never
    /// waits). Each `true` must be paired with one [`StationShares::release`].
    pub(crate) fn take(&self, station: [u8; 32]) -> bool {
        let mut map = self.stations.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let u = map.entry(station).or_insert(StationUse {
            in_flight: 0,
            window: now,
            count: 0,
        });
        if now.duration_since(u.window) >= Duration::from_secs(60) {
            u.window = now;
            u.count = 0;
        }
        if u.in_flight >= self.in_flight_max || u.count >= self.per_minute {
            return false;
        }
        u.in_flight += 1;
        u.count += 1;
        true
    }

    /// Ends one request of `station` taken by [`StationShares::take`].
    pub(crate) fn release(&self, station: &[u8; 32]) {
        let mut map = self.stations.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(u) = map.get_mut(station) {
            u.in_flight = u.in_flight.saturating_sub(1);
        }
    }
}
