//! PostgreSQL: production (Aurora), and the same tests as SQLite. Opening
//! it, and what its SQL does differently ([`Dialect`]).

use super::ConnectError;
use super::catalog::Dialect;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres};
use std::time::Duration;
use vitrine_domain::SearchQuery;

pub async fn open(url: &str) -> Result<PgPool, ConnectError> {
    let pool = open_replica(url).await?;
    sqlx::migrate!("../migrations/postgres").run(&pool).await?;
    Ok(pool)
}

/// A pool without migrating: for a read replica (the primary migrates it).
pub async fn open_replica(url: &str) -> Result<PgPool, ConnectError> {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url)
        .await
        .map_err(|source| ConnectError::Open {
            url: redact(url),
            source,
        })
}

/// The URL without its password, for error messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Dialect for Postgres {
    // Serialises concurrent first starts: only one sees an empty catalog.
    const BEGIN_SEED: &'static [&'static str] = &["BEGIN", "LOCK TABLE products IN EXCLUSIVE MODE"];
    // Row locks from the conditional stock UPDATEs serialise what must be.
    const BEGIN_WRITE: &'static str = "BEGIN";
    const LOCK_ROW: &'static str = " FOR UPDATE";
    const SEARCH: &'static str = concat!(
        "SELECT ",
        super::card_columns!(),
        " FROM products p JOIN variants v ON v.product_id = p.id
        WHERE p.published AND p.search_document @@ to_tsquery('simple', $1)
        GROUP BY p.id
        ORDER BY ts_rank(p.search_document, to_tsquery('simple', $1)) DESC, p.id"
    );

    fn search_terms(query: &SearchQuery) -> String {
        query.tsquery()
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact("postgres://app:s3cret@db.internal:5432/vitrine"),
            "postgres://app:***@db.internal:5432/vitrine"
        );
        assert_eq!(
            redact("postgres://app@db/vitrine"),
            "postgres://app@db/vitrine"
        );
        assert_eq!(redact("postgres://db/vitrine"), "postgres://db/vitrine");
    }
}
