//! PostgreSQL adapters: production (Aurora), and the same tests as SQLite.

use super::ConnectError;
use super::rows::{ProductDetailRow, ProductSummaryRow, store_error};
use async_trait::async_trait;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;
use vitrine_domain::store::{CatalogStore, NewProduct, StoreError};
use vitrine_domain::{ProductDetail, ProductSummary, Slug};

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

#[async_trait]
impl CatalogStore for PgCatalog {
    async fn list_products(&self) -> Result<Vec<ProductSummary>, StoreError> {
        sqlx::query_as::<_, ProductSummaryRow>(
            "SELECT slug, title, price_minor, currency, model_key IS NOT NULL AS has_model
             FROM products WHERE published ORDER BY created_at DESC, id DESC",
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
             FROM products WHERE slug = $1 AND published",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        .map(|row| row.into_domain(&self.asset_base_url))
        .transpose()
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
            sqlx::query(
                "INSERT INTO products
                   (slug, title, description, price_minor, currency, model_key, model_credit)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(p.slug.as_str())
            .bind(&p.title)
            .bind(&p.description)
            .bind(p.price_minor)
            .bind(p.currency.code())
            .bind(&p.model_key)
            .bind(&p.model_credit)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
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
