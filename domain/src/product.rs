//! Catalog types as pages and the API show them.

use crate::{Money, Slug};
use serde::{Deserialize, Serialize};

/// One card in a product listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub slug: Slug,
    pub title: String,
    /// The lowest variant price: listings say "from $X".
    pub price_from: Money,
    pub has_model: bool,
}

/// Everything the product page needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub slug: Slug,
    pub title: String,
    pub description: String,
    pub price: Money,
    /// Absolute or root-relative URL of the product's GLB, resolved against
    /// the asset base URL (the CDN in production, `/assets` locally).
    pub model_url: Option<String>,
    /// Who made the 3D model and under which licence (CC BY requires it on the page).
    pub model_credit: Option<String>,
}
