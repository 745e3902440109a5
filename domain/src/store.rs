//! The storage ports: one small trait per aggregate. The server implements
//! them over SQLite and PostgreSQL (sqlx); pages reach them through server
//! functions, never directly.

use crate::{Currency, ProductDetail, ProductSummary, Slug};
use async_trait::async_trait;

/// A storage failure the caller cannot fix by changing its input.
#[derive(Debug, thiserror::Error)]
#[error("storage unavailable: {0}")]
pub struct StoreError(pub String);

/// A product to add to the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProduct {
    pub slug: Slug,
    pub title: String,
    pub description: String,
    pub price_minor: i64,
    pub currency: Currency,
    /// Key of the product's GLB in the asset store.
    pub model_key: Option<String>,
    pub model_credit: Option<String>,
}

#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Published products, newest first.
    async fn list_products(&self) -> Result<Vec<ProductSummary>, StoreError>;
    /// A published product, or `None` when no published product has this slug.
    async fn product_by_slug(&self, slug: &Slug) -> Result<Option<ProductDetail>, StoreError>;
    /// Adds `products` in one transaction, but only into an empty catalog
    /// (first-start seeding); returns how many were added.
    async fn seed_if_empty(&self, products: &[NewProduct]) -> Result<usize, StoreError>;
    /// Round-trips to the database; backs `/readyz`.
    async fn ping(&self) -> Result<(), StoreError>;
}
