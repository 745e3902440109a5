//! SQLite: the embedded default, one file under `data/`. Opening it, and
//! what its SQL does differently ([`Dialect`]).

use super::ConnectError;
use super::catalog::Dialect;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Sqlite, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use vitrine_domain::SearchQuery;

pub async fn open(url: &str) -> Result<SqlitePool, ConnectError> {
    let open_error = |source| ConnectError::Open {
        url: url.to_string(),
        source,
    };
    let options = SqliteConnectOptions::from_str(url)
        .map_err(open_error)?
        .create_if_missing(true)
        // WAL lets readers proceed while a checkout writes.
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    if let Some(dir) = options.get_filename().parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(open_error)?;
    sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
    Ok(pool)
}

impl Dialect for Sqlite {
    // BEGIN IMMEDIATE takes the write lock up front.
    const BEGIN_SEED: &'static [&'static str] = &["BEGIN IMMEDIATE"];
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    const LOCK_ROW: &'static str = "";
    const SEARCH: &'static str = concat!(
        "WITH hits AS (
            SELECT rowid AS id, rank FROM product_search WHERE product_search MATCH $1)
        SELECT ",
        super::card_columns!(),
        " FROM products p JOIN variants v ON v.product_id = p.id JOIN hits ON hits.id = p.id
        WHERE p.published = TRUE
        GROUP BY p.id ORDER BY MIN(hits.rank), p.id"
    );

    fn search_terms(query: &SearchQuery) -> String {
        query.fts5_match()
    }
}
