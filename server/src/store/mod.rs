//! Storage adapters behind the domain's store traits. SQLite is the embedded
//! default; PostgreSQL arrives with the commerce core.

pub mod sqlite;

use std::sync::Arc;
use vitrine_domain::store::CatalogStore;

/// The stores the server runs with, chosen from `DATABASE_URL`.
#[derive(Clone)]
pub struct Stores {
    pub catalog: Arc<dyn CatalogStore>,
    pub sqlite: Option<sqlx::SqlitePool>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot open the database {url}: {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("DATABASE_URL {0:?}: PostgreSQL support is not built yet; use sqlite://")]
    Unsupported(String),
}

/// Opens (creating if needed) and migrates the database named by `url`.
pub async fn connect(url: &str, asset_base_url: &str) -> Result<Stores, ConnectError> {
    if !url.starts_with("sqlite:") {
        return Err(ConnectError::Unsupported(url.to_string()));
    }
    let pool = sqlite::open(url).await?;
    Ok(Stores {
        catalog: Arc::new(sqlite::SqliteCatalog::new(pool.clone(), asset_base_url)),
        sqlite: Some(pool),
    })
}
