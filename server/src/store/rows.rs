//! Rows as both databases return them, and their conversion to domain types.
//! The SQL differs per database; the shape of what comes back does not.

use vitrine_domain::store::StoreError;
use vitrine_domain::{Currency, Money, ProductDetail, ProductSummary, Slug};

#[derive(sqlx::FromRow)]
pub struct ProductSummaryRow {
    pub slug: String,
    pub title: String,
    pub price_minor: i64,
    pub currency: String,
    pub has_model: bool,
}

#[derive(sqlx::FromRow)]
pub struct ProductDetailRow {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub price_minor: i64,
    pub currency: String,
    pub model_key: Option<String>,
    pub model_credit: Option<String>,
}

fn slug(raw: String) -> Result<Slug, StoreError> {
    Slug::parse(&raw).map_err(|e| StoreError(format!("stored slug {raw:?}: {e}")))
}

fn money(amount_minor: i64, currency: &str) -> Result<Money, StoreError> {
    let currency = Currency::parse(currency).map_err(|e| StoreError(e.to_string()))?;
    Ok(Money::new(amount_minor, currency))
}

impl ProductSummaryRow {
    pub fn into_domain(self) -> Result<ProductSummary, StoreError> {
        Ok(ProductSummary {
            price_from: money(self.price_minor, &self.currency)?,
            slug: slug(self.slug)?,
            title: self.title,
            has_model: self.has_model,
        })
    }
}

impl ProductDetailRow {
    /// Resolves the model's asset key against the asset base URL.
    pub fn into_domain(self, asset_base_url: &str) -> Result<ProductDetail, StoreError> {
        Ok(ProductDetail {
            price: money(self.price_minor, &self.currency)?,
            slug: slug(self.slug)?,
            title: self.title,
            description: self.description,
            model_url: self.model_key.map(|key| format!("{asset_base_url}/{key}")),
            model_credit: self.model_credit,
        })
    }
}

pub fn store_error(e: sqlx::Error) -> StoreError {
    StoreError(e.to_string())
}
