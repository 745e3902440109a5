//! Storage adapters behind the domain's store traits: SQLite (the embedded
//! default) and PostgreSQL, chosen by `DATABASE_URL`. Each store is written
//! once over sqlx (`catalog`), with row shapes in `rows`; `sqlite` and
//! `postgres` open their database and say what their SQL does differently.

pub mod catalog;
pub mod postgres;
mod rows;
pub mod sqlite;

use std::sync::Arc;
use vitrine_domain::store::CatalogStore;

/// The stores the server runs with.
#[derive(Clone)]
pub struct Stores {
    pub catalog: Arc<dyn CatalogStore>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot open the database {url}: {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Opens (creating an SQLite file if needed) and migrates the database at `url`.
pub async fn connect(url: &str, asset_base_url: &str) -> Result<Stores, ConnectError> {
    let catalog: Arc<dyn CatalogStore> = if url.starts_with("postgres") {
        Arc::new(catalog::SqlCatalog::new(
            postgres::open(url).await?,
            asset_base_url,
        ))
    } else {
        Arc::new(catalog::SqlCatalog::new(
            sqlite::open(url).await?,
            asset_base_url,
        ))
    };
    Ok(Stores { catalog })
}
