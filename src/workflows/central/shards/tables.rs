//! The search tables in PostgreSQL: connecting, and the numbered migrations
//! (`migrations/*.sql`) applied in order under an advisory lock and recorded in
//! `central_schema_version` (its own table, so a hub and the search may share one database).
//!
//! It also owns the two notification channels that wake a worker when an identify is
//! submitted and a coordinator when a shard answers (the tables stay the truth: a lost
//! notification only costs a poll interval).
//!
//! This module owns the schema. It must not interpret rows (the other files of `shards` do).

use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, GenericClient, NoTls};

use super::ShardError;

/// The numbered migrations, applied in order.
const MIGRATIONS: &[huella_sync::hub::postgres::Migration] = &[
    (
        1,
        "0001_central_shards",
        include_str!("migrations/0001_central_shards.sql"),
    ),
    (
        2,
        "0002_fingers_load_order",
        include_str!("migrations/0002_fingers_load_order.sql"),
    ),
    (
        3,
        "0003_lease_handback",
        include_str!("migrations/0003_lease_handback.sql"),
    ),
];

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

/// Notified (in the submitting transaction) when an identify is submitted.
pub const IDENTIFY_SUBMITTED: &str = "huella_identify_submitted";
/// Notified (in the answering transaction) when a worker answers shards of an identify.
pub const IDENTIFY_ANSWERED: &str = "huella_identify_answered";

/// Subscribes this connection to `channel` (one of the two constants above).
pub fn listen(client: &mut Client, channel: &str) -> Result<(), ShardError> {
    client.batch_execute(&format!("LISTEN {channel}"))?;
    Ok(())
}

/// Waits up to `timeout` for a notification on the channels this connection listens to, and
/// drains any others already received; returns whether one came.
pub fn wait_notified(client: &mut Client, timeout: Duration) -> Result<bool, ShardError> {
    let mut notifications = client.notifications();
    let came = notifications.timeout_iter(timeout).next()?.is_some();
    let mut pending = notifications.iter();
    while pending.next()?.is_some() {}
    Ok(came)
}
