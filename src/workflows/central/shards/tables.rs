//! The search tables in PostgreSQL: connecting, and the numbered migrations
//! (`migrations/*.sql`) applied in order under an advisory lock and recorded in
//! `central_schema_version` (its own table, so a hub and the search may share one database).
//!
//! This module owns the schema. It must not interpret rows (the other files of `shards` do).

use postgres::{Client, GenericClient, NoTls};

use super::ShardError;

/// The numbered migrations, applied in order.
const MIGRATIONS: &[(i32, &str, &str)] = &[(
    1,
    "0001_central_shards",
    include_str!("migrations/0001_central_shards.sql"),
)];

/// Advisory lock held while migrating (an arbitrary constant, unique to huella).
const MIGRATE_LOCK: i64 = 0x6875_656c_6c61_0101;

/// Opens a connection to `url` with commits flushed before they return, and brings the
/// schema up to date.
pub fn connect(url: &str, name: &str) -> Result<Client, ShardError> {
    let mut client = Client::connect(url, NoTls)?;
    client.batch_execute(&format!(
        "SET synchronous_commit = on; SET application_name = '{}'",
        name.replace('\'', "")
    ))?;
    migrate(&mut client)?;
    Ok(client)
}

/// Applies the migrations this build knows and the database lacks.
fn migrate(client: &mut Client) -> Result<(), ShardError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS central_schema_version (\
           version integer PRIMARY KEY, \
           name text NOT NULL, \
           applied_at timestamptz NOT NULL DEFAULT now())",
    )?;
    let current: i32 = tx
        .query_one("SELECT max(version) FROM central_schema_version", &[])?
        .try_get::<_, Option<i32>>(0)?
        .unwrap_or_default();
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    if current > known {
        return Err(ShardError::SchemaNewer {
            found: current,
            known,
        });
    }
    for (version, name, sql) in MIGRATIONS {
        if *version > current {
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO central_schema_version (version, name) VALUES ($1, $2)",
                &[version, name],
            )?;
            tracing::info!(target: "huella::central", version, name, "search schema migrated");
        }
    }
    tx.commit()?;
    Ok(())
}

/// The gallery's last sequence number (every insert and delete numbered up to it is visible).
pub fn head(client: &mut impl GenericClient) -> Result<i64, ShardError> {
    Ok(client
        .query_one("SELECT seq FROM gallery_head WHERE id = 1", &[])?
        .try_get(0)?)
}
