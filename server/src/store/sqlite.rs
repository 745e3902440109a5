//! SQLite adapters: the embedded default, one file under `data/`.

use super::ConnectError;
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use vitrine_domain::store::{CatalogStore, StoreError};
use vitrine_domain::{Currency, Money, ProductDetail, ProductSummary, Slug};

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
        .connect_with(options)
        .await
        .map_err(open_error)?;
    sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
    Ok(pool)
}

pub struct SqliteCatalog {
    pool: SqlitePool,
    asset_base_url: String,
}

impl SqliteCatalog {
    pub fn new(pool: SqlitePool, asset_base_url: &str) -> Self {
        Self {
            pool,
            asset_base_url: asset_base_url.to_string(),
        }
    }
}

fn store_error(e: sqlx::Error) -> StoreError {
    StoreError(e.to_string())
}

fn money(row: &sqlx::sqlite::SqliteRow) -> Result<Money, StoreError> {
    let currency: String = row.get("currency");
    let currency = Currency::parse(&currency).map_err(|e| StoreError(e.to_string()))?;
    Ok(Money::new(row.get("price_minor"), currency))
}

fn slug(row: &sqlx::sqlite::SqliteRow) -> Result<Slug, StoreError> {
    let raw: String = row.get("slug");
    Slug::parse(&raw).map_err(|e| StoreError(format!("stored slug {raw:?}: {e}")))
}

#[async_trait]
impl CatalogStore for SqliteCatalog {
    async fn list_products(&self) -> Result<Vec<ProductSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT slug, title, price_minor, currency, model_key IS NOT NULL AS has_model
             FROM products WHERE published = 1 ORDER BY created_at DESC, id DESC",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.iter()
            .map(|row| {
                Ok(ProductSummary {
                    slug: slug(row)?,
                    title: row.get("title"),
                    price_from: money(row)?,
                    has_model: row.get("has_model"),
                })
            })
            .collect()
    }

    async fn product_by_slug(&self, slug_: &Slug) -> Result<Option<ProductDetail>, StoreError> {
        let row = sqlx::query(
            "SELECT slug, title, description, price_minor, currency, model_key, model_credit
             FROM products WHERE slug = ? AND published = 1",
        )
        .bind(slug_.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let model_key: Option<String> = row.get("model_key");
        Ok(Some(ProductDetail {
            slug: slug(&row)?,
            title: row.get("title"),
            description: row.get("description"),
            price: money(&row)?,
            model_url: model_key.map(|key| format!("{}/{key}", self.asset_base_url)),
            model_credit: row.get("model_credit"),
        }))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(store_error)
    }
}
