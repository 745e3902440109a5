//! Storage adapters behind the domain's store traits: SQLite (the embedded
//! default) and PostgreSQL, chosen by `DATABASE_URL`. Row shapes and their
//! conversion to domain types are shared (`rows`); only the SQL differs.

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
        let pool = postgres::open(url).await?;
        Arc::new(postgres::PgCatalog::new(pool, asset_base_url))
    } else {
        let pool = sqlite::open(url).await?;
        Arc::new(sqlite::SqliteCatalog::new(pool, asset_base_url))
    };
    Ok(Stores { catalog })
}
