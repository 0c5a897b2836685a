//! How much one caller gets from a LAN peer (`sync serve`): connections per network address
//! (so one machine cannot hold every slot with silent connections), and, once a station is
//! authenticated, its requests in flight and per minute (the hub's rule, see `hub::limits`).
//!
//! This module owns those numbers and the accounting; it must not read frames nor look at
//! rosters.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use crate::station_share::StationShares;

/// A LAN peer's per-caller limits (defaults documented in docs/sync.md, "LAN peer limits").
#[derive(Debug, Clone)]
pub struct PeerLimits {
    /// Connections one network address may hold at once (more are closed on arrival).
    pub per_address_connections: usize,
    /// Requests of one station being read or answered at once.
    pub per_station_in_flight: usize,
    /// Requests one station may make per minute.
    pub per_station_per_minute: u32,
}

impl Default for PeerLimits {
    fn default() -> Self {
        PeerLimits {
            per_address_connections: 4,
            per_station_in_flight: 2,
            per_station_per_minute: 600,
        }
    }
}

/// The shared accounting of connections by address and requests by station.
#[derive(Debug)]
pub struct PeerRates {
    limits: PeerLimits,
    addresses: Mutex<HashMap<IpAddr, usize>>,
    stations: StationShares,
}

/// A connection counted against its address until dropped.
#[derive(Debug)]
pub struct AddressSlot {
    address: IpAddr,
    rates: Arc<PeerRates>,
}

/// A request counted against its station's in-flight share until dropped.
#[derive(Debug)]
pub struct StationSlot {
    station: [u8; 32],
    rates: Arc<PeerRates>,
}

impl PeerRates {
    /// The accounting for `limits`.
    pub fn new(limits: PeerLimits) -> Arc<Self> {
        Arc::new(PeerRates {
            stations: StationShares::new(
                limits.per_station_in_flight,
                limits.per_station_per_minute,
            ),
            addresses: Mutex::new(HashMap::new()),
            limits,
        })
    }

    /// A slot for a new connection from `address`, or `None` when it holds its share.
    pub fn connect(self: &Arc<Self>, address: IpAddr) -> Option<AddressSlot> {
        let mut map = self
            .addresses
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let n = map.entry(address).or_insert(0);
        if *n >= self.limits.per_address_connections {
            return None;
        }
        *n += 1;
        Some(AddressSlot {
            address,
            rates: self.clone(),
        })
    }

    /// A slot for one request of authenticated `station`, or `None` when it has too many in
    /// flight or made too many this minute (never waits).
    pub fn request(self: &Arc<Self>, station: [u8; 32]) -> Option<StationSlot> {
        if !self.stations.take(station) {
            return None;
        }
        Some(StationSlot {
            station,
            rates: self.clone(),
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut map = self
            .rates
            .addresses
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.address) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.address);
            }
        }
    }
}

impl Drop for StationSlot {
    fn drop(&mut self) {
        self.rates.stations.release(&self.station);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_or_a_station_beyond_its_share_is_refused() {
        let r = PeerRates::new(PeerLimits {
            per_address_connections: 2,
            per_station_in_flight: 1,
            per_station_per_minute: 2,
        });
        let (a, b): (IpAddr, IpAddr) = ([127, 0, 0, 1].into(), [127, 0, 0, 2].into());
        let c1 = r.connect(a).expect("first");
        let _c2 = r.connect(a).expect("second");
        assert!(r.connect(a).is_none(), "third from the same address");
        assert!(r.connect(b).is_some(), "another address");
        drop(c1);
        assert!(r.connect(a).is_some(), "after one closed");

        let s = [9u8; 32];
        let q1 = r.request(s).expect("first request");
        assert!(r.request(s).is_none(), "in flight");
        drop(q1);
        let _q2 = r.request(s).expect("second request");
        assert!(r.request([8u8; 32]).is_some(), "another station");
        assert!(r.request(s).is_none(), "per minute (and in flight)");
    }
}
