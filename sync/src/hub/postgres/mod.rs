//! Hub storage on PostgreSQL (cargo feature `postgres`): several hub processes serve one
//! relay replica kept in one database, and any of them may die without losing what it
//! acknowledged.
//!
//! Each key prefix of the replica layout maps to one table (`migrations/`); a batch is one
//! transaction committed with `synchronous_commit = on` before the call returns, so an
//! acknowledged push is committed. The replay cache is the `nonces` table, whose primary key
//! makes a nonce acceptable once across every hub. Appliers of peer data take a session
//! advisory lock ([`ReplicaStorage::writer`]), released by PostgreSQL if the hub dies.
//!
//! This module owns the schema, its migrations and the SQL; it must not decrypt nor interpret
//! values (ciphertext and signed public data only). Connections are plain TCP without TLS:
//! keep the database on loopback or a private network (docs/central.md).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use postgres::{Client, NoTls, Statement};

use crate::replica::{Batch, ReplicaError, ReplicaStorage, WriterGuard};

/// The numbered migrations, applied in order and recorded in `schema_version`.
const MIGRATIONS: &[Migration] = &[(
    1,
    "0001_hub_replica",
    include_str!("migrations/0001_hub_replica.sql"),
)];

/// Advisory lock keys (arbitrary constants, unique to huella).
const MIGRATE_LOCK: i64 = 0x6875_656c_6c61_0001;
const APPLY_LOCK: i64 = 0x6875_656c_6c61_0002;

/// The table of each key prefix (see `replica/keys.rs`); other prefixes go to
/// `other_entries` under their whole key.
const TABLES: &[(u8, &str)] = &[
    (b'W', "wrapped_keys"),
    (b'C', "sealed_chunks"),
    (b'b', "sealed_blobs"),
    (b'Q', "partial_blobs"),
    (b'D', "record_digests"),
    (b'E', "erasures"),
    (b'O', "origins"),
    (b'J', "office_records"),
    (b'R', "rosters"),
    (b'F', "officer_lists"),
    (b'P', "peer_state"),
    (b'G', "bundles"),
    (b'L', "refusals"),
    (b'm', "hub_meta"),
    (b'N', "nonces"),
];
const OTHER: &str = "other_entries";

/// Where a key lives: its table, the table's prefix byte (if any) and the key within.
fn route(key: &[u8]) -> (&'static str, Option<u8>, &[u8]) {
    if let Some(first) = key.first()
        && let Some((b, t)) = TABLES.iter().find(|(b, _)| b == first)
    {
        return (t, Some(*b), &key[1..]);
    }
    (OTHER, None, key)
}

/// The least key greater than every key starting with `prefix` (`None`: no such key).
fn successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut p = prefix.to_vec();
    while let Some(last) = p.pop() {
        if last < 0xff {
            p.push(last + 1);
            return Some(p);
        }
    }
    None
}

/// One connection and its prepared statements.
struct Conn {
    client: Client,
    prepared: HashMap<String, Statement>,
}

impl Conn {
    fn open(url: &str) -> Result<Self, postgres::Error> {
        let mut client = Client::connect(url, NoTls)?;
        // Commit before ack, whatever the server's default: a commit returns once its WAL is
        // flushed on the primary.
        client.batch_execute("SET synchronous_commit = on; SET application_name = 'huella-hub'")?;
        Ok(Conn {
            client,
            prepared: HashMap::new(),
        })
    }

    fn statement(&mut self, sql: String) -> Result<Statement, postgres::Error> {
        if let Some(s) = self.prepared.get(&sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&sql)?;
        self.prepared.insert(sql, s.clone());
        Ok(s)
    }
}

/// A connection that reconnects when the previous one was closed (database restart,
/// network cut); the failed call itself returns its error.
struct Link {
    url: String,
    conn: Mutex<Option<Conn>>,
}

impl Link {
    fn new(url: &str, conn: Conn) -> Self {
        Link {
            url: url.to_owned(),
            conn: Mutex::new(Some(conn)),
        }
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<T, postgres::Error>,
    ) -> Result<T, ReplicaError> {
        let mut slot = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.as_ref().is_none_or(|c| c.client.is_closed()) {
            *slot = None;
            *slot = Some(Conn::open(&self.url)?);
        }
        let Some(conn) = slot.as_mut() else {
            return Err(ReplicaError::Damaged("conexión a PostgreSQL".into()));
        };
        Ok(f(conn)?)
    }
}

/// The relay replica in a PostgreSQL database.
pub struct PgStorage {
    data: Link,
    /// A second session only for the appliers' advisory lock, so holding it does not block
    /// this process's reads.
    lock: Arc<Link>,
}

impl PgStorage {
    /// Connects to `url` (`postgres://user@host:port/db`) and brings its schema up to date.
    pub fn connect(url: &str) -> Result<Self, ReplicaError> {
        let mut data = Conn::open(url)?;
        migrate(&mut data.client)?;
        let lock = Conn::open(url)?;
        Ok(PgStorage {
            data: Link::new(url, data),
            lock: Arc::new(Link::new(url, lock)),
        })
    }

    /// The schema version of the database (the highest migration applied).
    pub fn schema_version(&self) -> Result<i32, ReplicaError> {
        self.data.with(|c| {
            c.client
                .query_one("SELECT max(version) FROM schema_version", &[])?
                .try_get::<_, Option<i32>>(0)
                .map(Option::unwrap_or_default)
        })
    }

    fn scan_table(
        &self,
        table: &str,
        rest: &[u8],
        columns: &str,
    ) -> Result<Vec<postgres::Row>, ReplicaError> {
        self.data.with(|c| {
            let from = rest.to_vec();
            if rest.is_empty() {
                let s = c.statement(format!("SELECT {columns} FROM {table} ORDER BY k"))?;
                return c.client.query(&s, &[]);
            }
            match successor(rest) {
                Some(to) => {
                    let s = c.statement(format!(
                        "SELECT {columns} FROM {table} WHERE k >= $1 AND k < $2 ORDER BY k"
                    ))?;
                    c.client.query(&s, &[&from, &to])
                }
                None => {
                    let s = c.statement(format!(
                        "SELECT {columns} FROM {table} WHERE k >= $1 ORDER BY k"
                    ))?;
                    c.client.query(&s, &[&from])
                }
            }
        })
    }

    /// Rows of every table whose full key starts with `prefix`, as (full key, row).
    fn scan(
        &self,
        prefix: &[u8],
        columns: &str,
    ) -> Result<Vec<(Vec<u8>, postgres::Row)>, ReplicaError> {
        let mut out = Vec::new();
        let whole = |byte: Option<u8>, k: Vec<u8>| match byte {
            Some(b) => [&[b][..], &k].concat(),
            None => k,
        };
        if prefix.is_empty() {
            let every = TABLES
                .iter()
                .map(|(b, t)| (*t, Some(*b)))
                .chain([(OTHER, None)]);
            for (table, byte) in every {
                for row in self.scan_table(table, &[], columns)? {
                    out.push((whole(byte, row.try_get(0)?), row));
                }
            }
            out.sort_by(|a, b| a.0.cmp(&b.0));
            return Ok(out);
        }
        let (table, byte, rest) = route(prefix);
        for row in self.scan_table(table, rest, columns)? {
            out.push((whole(byte, row.try_get(0)?), row));
        }
        Ok(out)
    }
}

impl ReplicaStorage for PgStorage {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ReplicaError> {
        let (table, _, k) = route(key);
        self.data.with(|c| {
            let s = c.statement(format!("SELECT v FROM {table} WHERE k = $1"))?;
            c.client
                .query_opt(&s, &[&k])?
                .map(|r| r.try_get::<_, Vec<u8>>(0))
                .transpose()
        })
    }

    fn contains_key(&self, key: &[u8]) -> Result<bool, ReplicaError> {
        let (table, _, k) = route(key);
        self.data.with(|c| {
            let s = c.statement(format!("SELECT 1 FROM {table} WHERE k = $1"))?;
            Ok(c.client.query_opt(&s, &[&k])?.is_some())
        })
    }

    fn scan_prefix(
        &self,
        prefix: &[u8],
    ) -> Result<crate::replica::storage::KeyValues, ReplicaError> {
        self.scan(prefix, "k, v")?
            .into_iter()
            .map(|(k, r)| Ok((k, r.try_get(1)?)))
            .collect()
    }

    fn scan_keys(&self, prefix: &[u8]) -> Result<Vec<Vec<u8>>, ReplicaError> {
        Ok(self
            .scan(prefix, "k")?
            .into_iter()
            .map(|(k, _)| k)
            .collect())
    }

    fn scan_sizes(&self, prefix: &[u8]) -> Result<Vec<(Vec<u8>, u64)>, ReplicaError> {
        self.scan(prefix, "k, octet_length(v)")?
            .into_iter()
            .map(|(k, r)| {
                let n: i32 = r.try_get(1)?;
                Ok((k, u64::try_from(n).unwrap_or(0)))
            })
            .collect()
    }

    fn insert_new(&self, key: &[u8], value: &[u8]) -> Result<bool, ReplicaError> {
        let (table, _, k) = route(key);
        self.data.with(|c| {
            let s = c.statement(format!(
                "INSERT INTO {table} (k, v) VALUES ($1, $2) ON CONFLICT (k) DO NOTHING"
            ))?;
            Ok(c.client.execute(&s, &[&k, &value])? == 1)
        })
    }

    fn apply(&self, batch: Batch) -> Result<(), ReplicaError> {
        let ops = batch.into_ops();
        self.data.with(|c| {
            let mut planned = Vec::with_capacity(ops.len());
            for (key, value) in &ops {
                let (table, _, k) = route(key);
                let sql = match value {
                    Some(_) => format!(
                        "INSERT INTO {table} (k, v) VALUES ($1, $2) \
                         ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v"
                    ),
                    None => format!("DELETE FROM {table} WHERE k = $1"),
                };
                planned.push((c.statement(sql)?, k, value.as_deref()));
            }
            let mut tx = c.client.transaction()?;
            for (s, k, v) in &planned {
                match v {
                    Some(v) => tx.execute(s, &[k, v])?,
                    None => tx.execute(s, &[k])?,
                };
            }
            tx.commit()
        })
    }

    fn flush(&self) -> Result<(), ReplicaError> {
        // Every write above committed (synchronously) before returning.
        Ok(())
    }

    fn writer(&self) -> Result<WriterGuard, ReplicaError> {
        self.lock.with(|c| {
            c.client
                .execute("SELECT pg_advisory_lock($1)", &[&APPLY_LOCK])
        })?;
        let lock = self.lock.clone();
        Ok(WriterGuard::releasing(move || {
            // A failed unlock means the session is gone, and the lock with it.
            let _ = lock.with(|c| {
                c.client
                    .execute("SELECT pg_advisory_unlock($1)", &[&APPLY_LOCK])
            });
        }))
    }
}

/// Applies the hub's migrations the database lacks; refuses a database migrated by a newer
/// huella.
fn migrate(client: &mut Client) -> Result<(), ReplicaError> {
    migrate_schema(client, MIGRATE_LOCK, "schema_version", MIGRATIONS).map_err(|e| match e {
        SchemaError::Db(e) => e.into(),
        SchemaError::Newer { found, known } => ReplicaError::SchemaNewer { found, known },
    })
}

/// A numbered schema migration: version, name, SQL.
pub type Migration = (i32, &'static str, &'static str);

/// Why a schema could not be brought up to date (closed: callers in other crates map each
/// case to their own error).
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] postgres::Error),
    /// The database was migrated by a newer huella.
    #[error("schema {found} is newer than {known}")]
    Newer {
        /// Version found in the database.
        found: i32,
        /// Newest version this program knows.
        known: i32,
    },
}

/// Applies the `migrations` the database lacks, recorded in `version_table`, in one
/// transaction under the advisory lock `lock` so processes starting together migrate once.
/// Shared by the hub's storage and the central node's search database (each with its own
/// table and lock).
pub fn migrate_schema(
    client: &mut Client,
    lock: i64,
    version_table: &str,
    migrations: &[Migration],
) -> Result<(), SchemaError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock])?;
    tx.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS {version_table} (\
           version integer PRIMARY KEY, \
           name text NOT NULL, \
           applied_at timestamptz NOT NULL DEFAULT now())"
    ))?;
    let current: i32 = tx
        .query_one(&format!("SELECT max(version) FROM {version_table}"), &[])?
        .try_get::<_, Option<i32>>(0)?
        .unwrap_or_default();
    let known = migrations.last().map_or(0, |m| m.0);
    if current > known {
        return Err(SchemaError::Newer {
            found: current,
            known,
        });
    }
    let insert = format!("INSERT INTO {version_table} (version, name) VALUES ($1, $2)");
    for (version, name, sql) in migrations {
        if *version > current {
            tx.batch_execute(sql)?;
            tx.execute(&insert, &[version, name])?;
            tracing::info!(target: "huella::postgres", version, name, version_table, "schema migration applied");
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_route_to_their_prefix_table_and_prefix_ranges_are_tight() {
        assert_eq!(route(b"Cabc"), ("sealed_chunks", Some(b'C'), &b"abc"[..]));
        assert_eq!(route(b"N0123"), ("nonces", Some(b'N'), &b"0123"[..]));
        assert_eq!(route(b"zq"), (OTHER, None, &b"zq"[..]));
        assert_eq!(successor(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(successor(&[1, 0xff]), Some(vec![2]));
        assert_eq!(successor(&[0xff, 0xff]), None);
    }
}
