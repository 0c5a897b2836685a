//! The national duplicate search on many machines (cargo feature `postgres`): the central
//! node's gallery, sealed, in PostgreSQL, partitioned by person into [`SHARDS`] logical
//! shards; worker processes lease shard ranges, hold their templates in memory and answer
//! identify requests shard by shard; the coordinator submits an identify and merges the 256
//! answers. The requests are shaped after MOSIP's ABIS interface (INSERT, IDENTIFY, DELETE,
//! each with a request id and a reference id), and an identify is answered for a shard only
//! once that shard is loaded up to the gallery sequence the identify saw when submitted, so
//! it sees every insert acknowledged before it (docs/central.md "Sharded search").
//!
//! Files: [`tables`] (connection, migrations), [`seal`] (the gallery key, sealed rows),
//! [`requests`] (INSERT and DELETE), [`lease`] (shard leases), [`worker`] (one worker
//! process's loop), [`coordinator`] (identify and merge), [`national`] (the central pass's
//! use of it). This module owns the search's tables and protocol. It must print nothing
//! (the faces word its events and errors), never log a template or a key, and never write a
//! person's record (the central pass does).

pub mod coordinator;
pub mod lease;
pub mod national;
pub mod requests;
pub mod seal;
pub mod tables;
pub mod worker;

use sha2::{Digest, Sha256};

/// Number of logical shards (a shard is a set of people, not a machine).
pub const SHARDS: u16 = 256;

/// The shard of a reference id: the first byte of the SHA-256 of its record part (what
/// precedes the first `.`; the whole id for a plain record id). Uniform, stable, the same on
/// every machine, and the same for every capture set of one person, so a person's
/// references are always in one shard.
pub fn shard_of(reference: &str) -> i16 {
    let record = reference.split('.').next().unwrap_or_default();
    i16::from(Sha256::digest(record.as_bytes())[0])
}

/// Why a step of the sharded search failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    /// The database refused or the connection dropped.
    #[error("base de datos de la búsqueda nacional: {0}")]
    Database(#[from] postgres::Error),
    /// The database was migrated by a newer huella.
    #[error(
        "la base de la búsqueda nacional tiene la versión {found} del esquema y este programa conoce hasta la {known}: actualice huella"
    )]
    SchemaNewer {
        /// Version in the database.
        found: i32,
        /// Newest version this build knows.
        known: i32,
    },
    /// The search database has no gallery key yet (the central node creates it).
    #[error(
        "la base de la búsqueda nacional no tiene llave de galería: ejecute primero `huella central run --search …` en el nodo central"
    )]
    NoGalleryKey,
    /// The gallery key is not wrapped to this node's central identity.
    #[error(
        "la llave de galería no se abre con la identidad de esta estación: use la casa del nodo central"
    )]
    GalleryKeyNotOurs,
    /// A gallery key already exists (it is created once).
    #[error("la base de la búsqueda nacional ya tiene una llave de galería")]
    GalleryKeyExists,
    /// The central recipient is not an `age1…` key.
    #[error(transparent)]
    Wrap(#[from] huella_keys::WrapError),
    /// The reference id was inserted (or deleted) before; a reference is inserted once.
    #[error("la referencia {0} ya se insertó en la galería nacional")]
    ReferenceExists(String),
    /// No finger of this reference is in the gallery.
    #[error("la referencia {0} no está en la galería nacional")]
    ReferenceNotFound(String),
    /// `--shards` is not `A-B` with 0 ≤ A ≤ B ≤ 255.
    #[error("--shards {0}: se espera un rango A-B entre 0 y 255 (por ejemplo 0-127)")]
    BadRange(String),
    /// Some shards did not answer an identify in time (no live worker holds them).
    #[error(
        "la búsqueda nacional no respondió a tiempo: faltan {missing} de 256 fragmentos (el primero, {first}); revise que haya trabajadores para todos los fragmentos"
    )]
    Unanswered {
        /// Shards without an answer.
        missing: usize,
        /// The lowest of them.
        first: i16,
    },
    /// A row could not be read (damaged, or written by something else).
    #[error("fila dañada en la tabla {table} de la búsqueda nacional")]
    BadRow {
        /// The table.
        table: &'static str,
    },
}

/// A range of shards (`--shards 0-127`), inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    /// First shard.
    pub first: i16,
    /// Last shard.
    pub last: i16,
}

impl ShardRange {
    /// Every shard.
    pub const ALL: ShardRange = ShardRange {
        first: 0,
        last: 255,
    };

    /// Parses `A-B` (or a single `A`).
    pub fn parse(text: &str) -> Result<Self, ShardError> {
        let bad = || ShardError::BadRange(text.chars().take(40).collect());
        let (a, b) = text
            .trim()
            .split_once('-')
            .unwrap_or((text.trim(), text.trim()));
        let first: i16 = a.trim().parse().map_err(|_| bad())?;
        let last: i16 = b.trim().parse().map_err(|_| bad())?;
        if first < 0 || last > 255 || first > last {
            return Err(bad());
        }
        Ok(ShardRange { first, last })
    }

    /// The shards, in order.
    pub fn shards(self) -> Vec<i16> {
        (self.first..=self.last).collect()
    }
}

/// A fresh request id (128 random bits, hex).
pub fn new_request_id() -> String {
    let mut b = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
    hex::encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_refuse_nonsense() {
        assert_eq!(
            ShardRange::parse("0-127").ok(),
            Some(ShardRange {
                first: 0,
                last: 127
            })
        );
        assert_eq!(
            ShardRange::parse("7").map(|r| r.shards()).ok(),
            Some(vec![7])
        );
        for bad in ["", "128-0", "0-256", "-1-3", "a-b", "0-"] {
            assert!(ShardRange::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_capture_set_of_a_person_is_in_the_record_ids_shard() {
        for i in 0..200u64 {
            let record = format!("{:016x}{i:016x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let plain = i16::from(Sha256::digest(record.as_bytes())[0]);
            assert_eq!(
                shard_of(&record),
                plain,
                "a plain record id keeps its shard"
            );
            assert_eq!(shard_of(&format!("{record}.0badf00d")), plain);
            assert_eq!(shard_of(&format!("{record}.12345678.9abcdef0")), plain);
        }
    }

    #[test]
    fn shards_spread_over_the_whole_range() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..5000 {
            let s = shard_of(&format!("{i:032x}"));
            assert!((0..256).contains(&s));
            seen.insert(s);
        }
        assert_eq!(seen.len(), 256);
    }
}
