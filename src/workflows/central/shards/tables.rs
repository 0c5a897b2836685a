//! The search tables in PostgreSQL: connecting, and the numbered migrations
//! (`migrations/*.sql`) applied in order under an advisory lock and recorded in
//! `central_schema_version` (its own table, so a hub and the search may share one database).
//!
//! This module owns the schema. It must not interpret rows (the other files of `shards` do).

use postgres::{Client, GenericClient, NoTls};

use super::ShardError;

/// The numbered migrations, applied in order.
const MIGRATIONS: &[huella_sync::hub::postgres::Migration] = &[(
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

/// Applies the search migrations this build knows and the database lacks (in their own
/// version table, so the search may share a database with the hubs).
fn migrate(client: &mut Client) -> Result<(), ShardError> {
    use huella_sync::hub::postgres::{SchemaError, migrate_schema};
    migrate_schema(client, MIGRATE_LOCK, "central_schema_version", MIGRATIONS).map_err(
        |e| match e {
            SchemaError::Newer { found, known } => ShardError::SchemaNewer { found, known },
            SchemaError::Db(e) => e.into(),
        },
    )
}

/// The gallery's last sequence number (every insert and delete numbered up to it is visible).
pub fn head(client: &mut impl GenericClient) -> Result<i64, ShardError> {
    Ok(client
        .query_one("SELECT seq FROM gallery_head WHERE id = 1", &[])?
        .try_get(0)?)
}
