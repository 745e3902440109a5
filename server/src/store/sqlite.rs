//! SQLite adapters: the embedded default, one file under `data/`.

use super::ConnectError;
use super::rows::{ProductDetailRow, VariantRow, category, options_json, store_error, summaries};
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{SqliteConnection, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use vitrine_domain::store::{CatalogStore, NewProduct, StoreError};
use vitrine_domain::{Category, ProductDetail, ProductSummary, SearchQuery, Slug};

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

/// Product cards: one row per published product, priced from its cheapest variant.
const SUMMARY_SELECT: &str = "SELECT p.slug, p.title, MIN(v.price_minor) AS price_minor,
        MIN(v.currency) AS currency, p.model_key IS NOT NULL AS has_model
    FROM products p JOIN variants v ON v.product_id = p.id";
const NEWEST_FIRST: &str = "GROUP BY p.id ORDER BY p.created_at DESC, p.id DESC";

/// Inserts a product with its category and variants; the caller owns the transaction.
async fn insert_product(conn: &mut SqliteConnection, p: &NewProduct) -> Result<i64, sqlx::Error> {
    let category_id: Option<i64> = match &p.category {
        Some(category) => Some(
            sqlx::query_scalar(
                "INSERT INTO categories (slug, name) VALUES (?, ?)
                 ON CONFLICT (slug) DO UPDATE SET name = excluded.name RETURNING id",
            )
            .bind(category.slug.as_str())
            .bind(&category.name)
            .fetch_one(&mut *conn)
            .await?,
        ),
        None => None,
    };
    let product_id: i64 = sqlx::query_scalar(
        "INSERT INTO products (slug, title, description, category_id, model_key, model_credit)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(p.slug.as_str())
    .bind(&p.title)
    .bind(&p.description)
    .bind(category_id)
    .bind(&p.model_key)
    .bind(&p.model_credit)
    .fetch_one(&mut *conn)
    .await?;
    for (position, v) in p.variants.iter().enumerate() {
        sqlx::query(
            "INSERT INTO variants (product_id, position, sku, name, options, price_minor,
                                   currency, stock_on_hand, material_variant)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(product_id)
        .bind(position as i64)
        .bind(v.sku.as_str())
        .bind(&v.name)
        .bind(options_json(&v.options))
        .bind(v.price.amount_minor)
        .bind(v.price.currency.code())
        .bind(v.stock_on_hand)
        .bind(&v.material_variant)
        .execute(&mut *conn)
        .await?;
    }
    Ok(product_id)
}

#[async_trait]
impl CatalogStore for SqliteCatalog {
    async fn list_products(&self) -> Result<Vec<ProductSummary>, StoreError> {
        summaries(
            sqlx::query_as(&format!(
                "{SUMMARY_SELECT} WHERE p.published = 1 {NEWEST_FIRST}"
            ))
            .fetch_all(&self.pool)
            .await,
        )
    }

    async fn categories(&self) -> Result<Vec<Category>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT DISTINCT c.slug, c.name FROM categories c
             JOIN products p ON p.category_id = c.id
             WHERE p.published = 1 ORDER BY c.name",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(category).collect()
    }

    async fn category(
        &self,
        slug: &Slug,
    ) -> Result<Option<(Category, Vec<ProductSummary>)>, StoreError> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT slug, name FROM categories WHERE slug = ?")
                .bind(slug.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let products = summaries(
            sqlx::query_as(&format!(
                "{SUMMARY_SELECT} JOIN categories c ON c.id = p.category_id
                 WHERE c.slug = ? AND p.published = 1 {NEWEST_FIRST}"
            ))
            .bind(slug.as_str())
            .fetch_all(&self.pool)
            .await,
        )?;
        Ok(Some((category(row)?, products)))
    }

    async fn search(&self, query: &SearchQuery) -> Result<Vec<ProductSummary>, StoreError> {
        summaries(
            sqlx::query_as(&format!(
                "WITH hits AS (SELECT rowid AS id, rank FROM product_search WHERE product_search MATCH ?)
             {SUMMARY_SELECT} JOIN hits ON hits.id = p.id
             WHERE p.published = 1
             GROUP BY p.id ORDER BY MIN(hits.rank), p.id"
            ))
            .bind(query.fts5_match())
            .fetch_all(&self.pool)
            .await,
        )
    }

    async fn product_by_slug(&self, slug: &Slug) -> Result<Option<ProductDetail>, StoreError> {
        let row = sqlx::query_as::<_, ProductDetailRow>(
            "SELECT p.id, p.slug, p.title, p.description, c.slug AS category_slug,
                    c.name AS category_name, p.model_key, p.model_credit
             FROM products p LEFT JOIN categories c ON c.id = p.category_id
             WHERE p.slug = ? AND p.published = 1",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let variants = sqlx::query_as::<_, VariantRow>(
            "SELECT id, sku, name, options, price_minor, currency, stock_on_hand, material_variant
             FROM variants WHERE product_id = ? ORDER BY position, id",
        )
        .bind(row.id)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        row.into_domain(variants, &self.asset_base_url).map(Some)
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
                insert_product(&mut conn, p).await?;
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
