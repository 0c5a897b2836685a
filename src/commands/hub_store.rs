//! `huella hub --store URL`: opens the hub's replica in PostgreSQL when the binary has the
//! `postgres` feature, and says plainly that it has not otherwise. It must not hold SQL: the
//! sync crate's `hub::postgres` owns the schema.

use anyhow::Result;
use huella_sync::hub::HubHome;

use crate::commands::text::CliError;

/// Whether `store` names a PostgreSQL database.
fn is_postgres(store: &str) -> bool {
    store.starts_with("postgres://") || store.starts_with("postgresql://")
}

/// `store` for messages, with any password in its user part left out.
fn shown(store: &str) -> String {
    match (store.find("://"), store.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let user = &store[s + 3..at];
            let user = user.split(':').next().unwrap_or_default();
            format!("{}{user}@{}", &store[..s + 3], &store[at + 1..])
        }
        _ => store.to_owned(),
    }
}

/// Opens the hub storage named by `store`.
pub fn open(store: &str) -> Result<HubHome> {
    if !is_postgres(store) {
        return Err(CliError::UnknownStore {
            store: shown(store),
        }
        .into());
    }
    #[cfg(feature = "postgres")]
    {
        Ok(HubHome::open_postgres(store)?)
    }
    #[cfg(not(feature = "postgres"))]
    {
        Err(CliError::NoPostgres.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_url_is_never_shown() {
        assert_eq!(
            shown("postgres://hub:secreto@10.0.0.5:5432/huella"),
            "postgres://hub@10.0.0.5:5432/huella"
        );
        assert_eq!(shown("mysql://x"), "mysql://x");
        assert!(is_postgres("postgresql://h/db") && !is_postgres("/srv/hub"));
    }
}
