//! Catalog types as pages and the API show them.

use crate::{Money, Sku, Slug};
use serde::{Deserialize, Serialize};

/// One card in a product listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductSummary {
    pub slug: Slug,
    pub title: String,
    /// The lowest variant price: listings say "from $X".
    pub price_from: Money,
    pub has_model: bool,
    /// The product's first photo, for its card.
    pub image: Option<ProductImage>,
}

/// A product photo: where it is and what it shows (for people who cannot see it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductImage {
    /// Absolute or root-relative URL, resolved against the asset base URL.
    pub url: String,
    pub alt: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub slug: Slug,
    pub name: String,
}

/// One purchasable version of a product: a colour, a size, a fabric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variant {
    pub id: i64,
    pub sku: Sku,
    /// What shoppers see, e.g. "Navy".
    pub name: String,
    /// Option values, e.g. `[("Fabric", "Navy velvet")]`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>, example = json!([["Fabric", "Navy velvet"]])))]
    pub options: Vec<(String, String)>,
    pub price: Money,
    pub stock_on_hand: i64,
    /// Name of the glTF `KHR_materials_variants` variant that shows it in 3D.
    pub material_variant: Option<String>,
}

/// A variant with the product it belongs to: what a cart line shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogVariant {
    pub product_slug: Slug,
    pub product_title: String,
    pub variant: Variant,
}

/// How a variant's stock reads to a shopper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Availability {
    InStock,
    /// Few left: worth saying how many.
    Low(i64),
    OutOfStock,
}

/// At or below this many units, pages say "only N left".
pub const LOW_STOCK: i64 = 5;

impl Variant {
    pub fn availability(&self) -> Availability {
        match self.stock_on_hand {
            n if n <= 0 => Availability::OutOfStock,
            n if n <= LOW_STOCK => Availability::Low(n),
            _ => Availability::InStock,
        }
    }
}

impl Availability {
    pub fn label(self) -> String {
        match self {
            Availability::InStock => "In stock".into(),
            Availability::Low(n) => format!("Only {n} left"),
            Availability::OutOfStock => "Out of stock".into(),
        }
    }

    /// The schema.org `availability` URL for structured data.
    pub fn schema_org(self) -> &'static str {
        match self {
            Availability::InStock | Availability::Low(_) => "https://schema.org/InStock",
            Availability::OutOfStock => "https://schema.org/OutOfStock",
        }
    }
}

/// Everything the product page needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductDetail {
    pub slug: Slug,
    pub title: String,
    pub description: String,
    pub category: Option<Category>,
    /// In the merchant's order; never empty for a published product.
    pub variants: Vec<Variant>,
    /// Absolute or root-relative URL of the product's GLB, resolved against
    /// the asset base URL (the CDN in production, `/assets` locally).
    pub model_url: Option<String>,
    /// Who made the 3D model and under which licence (CC BY requires it on the page).
    pub model_credit: Option<String>,
    /// The model's levels of detail ([`crate::viewer::ModelManifest`]), once built.
    pub model_manifest_url: Option<String>,
    /// A still of the 3D model, shown until the viewer draws (and instead of
    /// it without WebGL).
    pub model_poster_url: Option<String>,
    /// Photos, in the merchant's order.
    pub images: Vec<ProductImage>,
}

impl ProductDetail {
    /// The variant a SKU names, else the first in stock, else the first.
    pub fn variant_or_default(&self, sku: Option<&str>) -> Option<&Variant> {
        sku.and_then(|sku| {
            self.variants
                .iter()
                .find(|v| v.sku.as_str().eq_ignore_ascii_case(sku))
        })
        .or_else(|| self.variants.iter().find(|v| v.stock_on_hand > 0))
        .or_else(|| self.variants.first())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn variant(sku: &str, stock: i64) -> Variant {
        Variant {
            id: 1,
            sku: Sku::parse(sku).unwrap(),
            name: sku.into(),
            options: vec![],
            price: Money::new(100, Currency::Usd),
            stock_on_hand: stock,
            material_variant: None,
        }
    }

    fn product(variants: Vec<Variant>) -> ProductDetail {
        ProductDetail {
            slug: Slug::parse("p").unwrap(),
            title: "P".into(),
            description: String::new(),
            category: None,
            variants,
            model_url: None,
            model_credit: None,
            model_manifest_url: None,
            model_poster_url: None,
            images: Vec::new(),
        }
    }

    #[test]
    fn availability_reads_like_a_shop() {
        assert_eq!(variant("A", 0).availability().label(), "Out of stock");
        assert_eq!(variant("A", 3).availability().label(), "Only 3 left");
        assert_eq!(variant("A", 50).availability().label(), "In stock");
        assert_eq!(
            variant("A", 3).availability().schema_org(),
            "https://schema.org/InStock"
        );
    }

    #[test]
    fn picks_the_named_variant_else_the_first_in_stock() {
        let p = product(vec![
            variant("SOLD-OUT", 0),
            variant("BLUE", 4),
            variant("RED", 9),
        ]);
        assert_eq!(
            p.variant_or_default(Some("red")).unwrap().sku.as_str(),
            "RED"
        );
        assert_eq!(
            p.variant_or_default(Some("nope")).unwrap().sku.as_str(),
            "BLUE"
        );
        assert_eq!(p.variant_or_default(None).unwrap().sku.as_str(), "BLUE");
        let sold_out = product(vec![variant("X", 0)]);
        assert_eq!(sold_out.variant_or_default(None).unwrap().sku.as_str(), "X");
        assert!(product(vec![]).variant_or_default(None).is_none());
    }
}
