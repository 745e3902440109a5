//! PostgreSQL adapters: production (Aurora), and the same tests as SQLite.

use super::ConnectError;
use super::rows::{ProductDetailRow, VariantRow, category, options_json, store_error, summaries};
use async_trait::async_trait;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgConnection, PgPool};
use std::time::Duration;
use vitrine_domain::store::{CatalogStore, NewProduct, StoreError};
use vitrine_domain::{Category, ProductDetail, ProductSummary, SearchQuery, Slug};

pub async fn open(url: &str) -> Result<PgPool, ConnectError> {
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url)
        .await
        .map_err(|source| ConnectError::Open {
            url: redact(url),
            source,
        })?;
    sqlx::migrate!("../migrations/postgres").run(&pool).await?;
    Ok(pool)
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

pub struct PgCatalog {
    pool: PgPool,
    asset_base_url: String,
}

impl PgCatalog {
    pub fn new(pool: PgPool, asset_base_url: &str) -> Self {
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
async fn insert_product(conn: &mut PgConnection, p: &NewProduct) -> Result<i64, sqlx::Error> {
    let category_id: Option<i64> = match &p.category {
        Some(category) => Some(
            sqlx::query_scalar(
                "INSERT INTO categories (slug, name) VALUES ($1, $2)
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
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(product_id)
        .bind(position as i32)
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
impl CatalogStore for PgCatalog {
    async fn list_products(&self) -> Result<Vec<ProductSummary>, StoreError> {
        summaries(
            sqlx::query_as(&format!(
                "{SUMMARY_SELECT} WHERE p.published {NEWEST_FIRST}"
            ))
            .fetch_all(&self.pool)
            .await,
        )
    }

    async fn categories(&self) -> Result<Vec<Category>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT DISTINCT c.slug, c.name FROM categories c
             JOIN products p ON p.category_id = c.id
             WHERE p.published ORDER BY c.name",
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
            sqlx::query_as("SELECT slug, name FROM categories WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let products = summaries(
            sqlx::query_as(&format!(
                "{SUMMARY_SELECT} JOIN categories c ON c.id = p.category_id
                 WHERE c.slug = $1 AND p.published {NEWEST_FIRST}"
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
                "{SUMMARY_SELECT}
             WHERE p.published AND p.search_document @@ to_tsquery('simple', $1)
             GROUP BY p.id
             ORDER BY ts_rank(p.search_document, to_tsquery('simple', $1)) DESC, p.id"
            ))
            .bind(query.tsquery())
            .fetch_all(&self.pool)
            .await,
        )
    }

    async fn product_by_slug(&self, slug: &Slug) -> Result<Option<ProductDetail>, StoreError> {
        let row = sqlx::query_as::<_, ProductDetailRow>(
            "SELECT p.id, p.slug, p.title, p.description, c.slug AS category_slug,
                    c.name AS category_name, p.model_key, p.model_credit
             FROM products p LEFT JOIN categories c ON c.id = p.category_id
             WHERE p.slug = $1 AND p.published",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let variants = sqlx::query_as::<_, VariantRow>(
            "SELECT id, sku, name, options, price_minor, currency, stock_on_hand, material_variant
             FROM variants WHERE product_id = $1 ORDER BY position, id",
        )
        .bind(row.id)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        row.into_domain(variants, &self.asset_base_url).map(Some)
    }

    async fn seed_if_empty(&self, products: &[NewProduct]) -> Result<usize, StoreError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        // Serialises concurrent first starts: only one sees an empty catalog.
        sqlx::query("LOCK TABLE products IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM products")
            .fetch_one(&mut *tx)
            .await
            .map_err(store_error)?;
        if count > 0 {
            return Ok(0);
        }
        for p in products {
            insert_product(&mut tx, p).await.map_err(store_error)?;
        }
        tx.commit().await.map_err(store_error)?;
        Ok(products.len())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(store_error)
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
