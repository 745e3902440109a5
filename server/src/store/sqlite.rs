//! SQLite adapters: the embedded default, one file under `data/`.

use super::ConnectError;
use super::rows::{ProductDetailRow, ProductSummaryRow, store_error};
use async_trait::async_trait;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use std::str::FromStr;
use std::time::Duration;
use vitrine_domain::store::{CatalogStore, NewProduct, StoreError};
use vitrine_domain::{ProductDetail, ProductSummary, Slug};

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

#[async_trait]
impl CatalogStore for SqliteCatalog {
    async fn list_products(&self) -> Result<Vec<ProductSummary>, StoreError> {
        sqlx::query_as::<_, ProductSummaryRow>(
            "SELECT slug, title, price_minor, currency, model_key IS NOT NULL AS has_model
             FROM products WHERE published = 1 ORDER BY created_at DESC, id DESC",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(ProductSummaryRow::into_domain)
        .collect()
    }

    async fn product_by_slug(&self, slug: &Slug) -> Result<Option<ProductDetail>, StoreError> {
        sqlx::query_as::<_, ProductDetailRow>(
            "SELECT slug, title, description, price_minor, currency, model_key, model_credit
             FROM products WHERE slug = ? AND published = 1",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        .map(|row| row.into_domain(&self.asset_base_url))
        .transpose()
    }

    async fn seed_if_empty(&self, products: &[NewProduct]) -> Result<usize, StoreError> {
        // BEGIN IMMEDIATE takes the write lock up front, so two servers
        // starting at once cannot both see an empty catalog.
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
        let result: Result<usize, sqlx::Error> = async {
            let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM products")
                .fetch_one(&mut *conn)
                .await?;
            if count > 0 {
                return Ok(0);
            }
            for p in products {
                sqlx::query(
                    "INSERT INTO products
                       (slug, title, description, price_minor, currency, model_key, model_credit)
                     VALUES (?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(p.slug.as_str())
                .bind(&p.title)
                .bind(&p.description)
                .bind(p.price_minor)
                .bind(p.currency.code())
                .bind(&p.model_key)
                .bind(&p.model_credit)
                .execute(&mut *conn)
                .await?;
            }
            Ok(products.len())
        }
        .await;
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        sqlx::query(end)
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
        result.map_err(store_error)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(store_error)
    }
}
