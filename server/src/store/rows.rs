//! Rows as both databases return them, and their conversion to domain types.
//! The SQL differs per database; the shape of what comes back does not.

use vitrine_domain::product::CatalogVariant;
use vitrine_domain::store::StoreError;
use vitrine_domain::{
    Category, Currency, Money, ProductDetail, ProductImage, ProductSummary, Sku, Slug, Variant,
};

#[derive(sqlx::FromRow)]
pub struct ProductSummaryRow {
    pub slug: String,
    pub title: String,
    pub price_minor: i64,
    pub currency: String,
    pub has_model: bool,
    pub image_key: Option<String>,
    pub image_alt: Option<String>,
}

#[derive(sqlx::FromRow)]
pub struct ProductDetailRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub category_slug: Option<String>,
    pub category_name: Option<String>,
    pub model_key: Option<String>,
    pub model_manifest_key: Option<String>,
    pub model_poster_key: Option<String>,
    pub model_credit: Option<String>,
}

#[derive(sqlx::FromRow)]
pub struct VariantRow {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub options: String,
    pub price_minor: i64,
    pub currency: String,
    pub stock_on_hand: i64,
    pub material_variant: Option<String>,
}

/// A variant with its product's slug and title (cart lines).
#[derive(sqlx::FromRow)]
pub struct CatalogVariantRow {
    pub product_slug: String,
    pub product_title: String,
    #[sqlx(flatten)]
    pub variant: VariantRow,
}

impl CatalogVariantRow {
    pub fn into_domain(self) -> Result<CatalogVariant, StoreError> {
        Ok(CatalogVariant {
            product_slug: slug(self.product_slug)?,
            product_title: self.product_title,
            variant: self.variant.into_domain()?,
        })
    }
}

pub fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError(format!("stored {what} is invalid: {e}"))
}

pub fn slug(raw: String) -> Result<Slug, StoreError> {
    Slug::parse(&raw).map_err(|e| corrupt(&format!("slug {raw:?}"), e))
}

pub fn money(amount_minor: i64, currency: &str) -> Result<Money, StoreError> {
    let currency = Currency::parse(currency).map_err(|e| corrupt("currency", e))?;
    Ok(Money::new(amount_minor, currency))
}

impl ProductSummaryRow {
    pub fn into_domain(self, asset_base_url: &str) -> Result<ProductSummary, StoreError> {
        let image = self.image_key.map(|key| ProductImage {
            url: format!("{asset_base_url}/{key}"),
            alt: self.image_alt.unwrap_or_default(),
        });
        Ok(ProductSummary {
            image,
            price_from: money(self.price_minor, &self.currency)?,
            slug: slug(self.slug)?,
            title: self.title,
            has_model: self.has_model,
        })
    }
}

impl VariantRow {
    pub fn into_domain(self) -> Result<Variant, StoreError> {
        Ok(Variant {
            id: self.id,
            sku: Sku::parse(&self.sku).map_err(|e| corrupt("SKU", e))?,
            name: self.name,
            options: serde_json::from_str(&self.options).map_err(|e| corrupt("options", e))?,
            price: money(self.price_minor, &self.currency)?,
            stock_on_hand: self.stock_on_hand,
            material_variant: self.material_variant,
        })
    }
}

impl ProductDetailRow {
    /// Joins the product with its variants and resolves the model's asset
    /// key against the asset base URL.
    pub fn into_domain(
        self,
        variants: Vec<VariantRow>,
        images: Vec<(String, String)>,
        asset_base_url: &str,
    ) -> Result<ProductDetail, StoreError> {
        let category = match (self.category_slug, self.category_name) {
            (Some(s), Some(name)) => Some(Category {
                slug: slug(s)?,
                name,
            }),
            _ => None,
        };
        Ok(ProductDetail {
            slug: slug(self.slug)?,
            title: self.title,
            description: self.description,
            category,
            variants: variants
                .into_iter()
                .map(VariantRow::into_domain)
                .collect::<Result<_, _>>()?,
            model_url: self.model_key.map(|key| format!("{asset_base_url}/{key}")),
            model_credit: self.model_credit,
            model_manifest_url: self
                .model_manifest_key
                .map(|key| format!("{asset_base_url}/{key}")),
            model_poster_url: self
                .model_poster_key
                .map(|key| format!("{asset_base_url}/{key}")),
            images: images
                .into_iter()
                .map(|(key, alt)| ProductImage {
                    url: format!("{asset_base_url}/{key}"),
                    alt,
                })
                .collect(),
        })
    }
}

/// Option values as stored: a JSON array of `[name, value]` pairs.
pub fn options_json(options: &[(String, String)]) -> String {
    serde_json::to_string(options).expect("pairs of strings always serialise")
}

/// Converts a listing query's rows into product cards.
pub fn summaries(
    rows: Result<Vec<ProductSummaryRow>, sqlx::Error>,
    asset_base_url: &str,
) -> Result<Vec<ProductSummary>, StoreError> {
    rows.map_err(store_error)?
        .into_iter()
        .map(|row| row.into_domain(asset_base_url))
        .collect()
}

/// A `(slug, name)` row as a category.
pub fn category((slug_, name): (String, String)) -> Result<Category, StoreError> {
    Ok(Category {
        slug: slug(slug_)?,
        name,
    })
}

pub fn store_error(e: sqlx::Error) -> StoreError {
    StoreError(e.to_string())
}
