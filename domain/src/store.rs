//! The storage ports: one small trait per aggregate. The server implements
//! them over SQLite and PostgreSQL (sqlx); pages reach them through server
//! functions, never directly.

use crate::{Category, Money, ProductDetail, ProductSummary, SearchQuery, Sku, Slug};
use async_trait::async_trait;

/// A storage failure the caller cannot fix by changing its input.
#[derive(Debug, thiserror::Error)]
#[error("storage unavailable: {0}")]
pub struct StoreError(pub String);

/// A product to add to the catalog, with its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProduct {
    pub slug: Slug,
    pub title: String,
    pub description: String,
    pub category: Option<Category>,
    pub variants: Vec<NewVariant>,
    /// Key of the product's GLB in the asset store.
    pub model_key: Option<String>,
    pub model_credit: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewVariant {
    pub sku: Sku,
    pub name: String,
    pub options: Vec<(String, String)>,
    pub price: Money,
    pub stock_on_hand: i64,
    pub material_variant: Option<String>,
}

#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Published products, newest first.
    async fn list_products(&self) -> Result<Vec<ProductSummary>, StoreError>;
    /// Categories with at least one published product, by name.
    async fn categories(&self) -> Result<Vec<Category>, StoreError>;
    /// A category and its published products, newest first; `None` if there is no such category.
    async fn category(
        &self,
        slug: &Slug,
    ) -> Result<Option<(Category, Vec<ProductSummary>)>, StoreError>;
    /// Published products matching every word (title, description, variant names), best first.
    async fn search(&self, query: &SearchQuery) -> Result<Vec<ProductSummary>, StoreError>;
    /// A published product, or `None` when no published product has this slug.
    async fn product_by_slug(&self, slug: &Slug) -> Result<Option<ProductDetail>, StoreError>;
    /// Adds `products` in one transaction, but only into an empty catalog
    /// (first-start seeding); returns how many were added.
    async fn seed_if_empty(&self, products: &[NewProduct]) -> Result<usize, StoreError>;
    /// Round-trips to the database; backs `/readyz`.
    async fn ping(&self) -> Result<(), StoreError>;
}
