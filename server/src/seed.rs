//! The demo catalog, seeded into an empty database on first start from
//! `seed/catalog.json` and the GLBs beside it.

use crate::assets::{AssetError, AssetStore};
use serde::Deserialize;
use std::path::Path;
use vitrine_domain::store::{CatalogStore, NewImage, NewProduct, NewVariant, StoreError};
use vitrine_domain::{Category, Currency, Money, Sku, Slug};

#[derive(Debug, Deserialize)]
struct SeedCatalog {
    categories: Vec<SeedCategory>,
    products: Vec<SeedProduct>,
}

#[derive(Debug, Deserialize)]
struct SeedCategory {
    slug: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct SeedProduct {
    slug: String,
    title: String,
    description: String,
    /// Slug of one of the catalog's categories.
    category: Option<String>,
    /// GLB path relative to the seed folder.
    model: Option<String>,
    model_credit: Option<String>,
    /// Photos, paths relative to the seed folder.
    #[serde(default)]
    images: Vec<SeedImage>,
    variants: Vec<SeedVariant>,
}

#[derive(Debug, Deserialize)]
struct SeedImage {
    file: String,
    alt: String,
}

/// Photo formats every browser shows.
const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "avif"];

#[derive(Debug, Deserialize)]
struct SeedVariant {
    sku: String,
    name: String,
    #[serde(default)]
    options: Vec<(String, String)>,
    price_minor: i64,
    currency: String,
    stock_on_hand: i64,
    material_variant: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read the seed catalog {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the seed catalog is invalid: {0}")]
    Invalid(String),
    #[error("seeding the database failed: {0}")]
    Database(#[from] StoreError),
    #[error("seeding the asset store failed: {0}")]
    Assets(#[from] AssetError),
}

async fn store_file(
    assets: &dyn AssetStore,
    path: &Path,
    extension: &str,
) -> Result<String, SeedError> {
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|source| SeedError::Read {
            path: path.display().to_string(),
            source,
        })?;
    Ok(assets.put(&bytes, extension).await?)
}

/// Seeds the catalog when it has no products; returns how many were added.
/// Models go into the asset store first (content-addressed, so a retry is
/// harmless); the rows then go in one transaction.
pub async fn seed_if_empty(
    catalog: &dyn CatalogStore,
    assets: &dyn AssetStore,
    seed_dir: &Path,
) -> Result<usize, SeedError> {
    // Cheap early exit on every later start: without it each start would hash
    // and copy the models before the store's own (locked) emptiness check.
    if !catalog.list_products().await?.is_empty() {
        return Ok(0);
    }
    let catalog_path = seed_dir.join("catalog.json");
    let text = std::fs::read_to_string(&catalog_path).map_err(|source| SeedError::Read {
        path: catalog_path.display().to_string(),
        source,
    })?;
    let seed: SeedCatalog =
        serde_json::from_str(&text).map_err(|e| SeedError::Invalid(e.to_string()))?;

    let invalid =
        |what: &str, e: &dyn std::fmt::Display| SeedError::Invalid(format!("{what}: {e}"));
    let mut categories = Vec::new();
    for c in seed.categories {
        let slug = Slug::parse(&c.slug).map_err(|e| invalid(&c.slug, &e))?;
        categories.push(Category { slug, name: c.name });
    }
    let mut products = Vec::with_capacity(seed.products.len());
    for product in seed.products {
        let slug = Slug::parse(&product.slug).map_err(|e| invalid(&product.slug, &e))?;
        let category = match &product.category {
            Some(wanted) => Some(
                categories
                    .iter()
                    .find(|c| c.slug.as_str() == wanted)
                    .cloned()
                    .ok_or_else(|| invalid(&product.slug, &format!("no category {wanted:?}")))?,
            ),
            None => None,
        };
        if product.variants.is_empty() {
            return Err(invalid(
                &product.slug,
                &"a product needs at least one variant",
            ));
        }
        let mut variants = Vec::with_capacity(product.variants.len());
        for v in product.variants {
            let currency = Currency::parse(&v.currency).map_err(|e| invalid(&v.sku, &e))?;
            variants.push(NewVariant {
                sku: Sku::parse(&v.sku).map_err(|e| invalid(&v.sku, &e))?,
                name: v.name,
                options: v.options,
                price: Money::new(v.price_minor, currency),
                stock_on_hand: v.stock_on_hand,
                material_variant: v.material_variant,
            });
        }
        let model_key = match &product.model {
            Some(model) => Some(store_file(assets, &seed_dir.join(model), "glb").await?),
            None => None,
        };
        let mut images = Vec::with_capacity(product.images.len());
        for image in &product.images {
            let path = seed_dir.join(&image.file);
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .filter(|e| IMAGE_EXTENSIONS.contains(&e.as_str()))
                .ok_or_else(|| invalid(&image.file, &"a photo must be JPEG, PNG, WebP or AVIF"))?;
            if image.alt.trim().is_empty() {
                return Err(invalid(&image.file, &"a photo needs alt text"));
            }
            let key = store_file(assets, &path, &extension).await?;
            images.push(NewImage {
                key,
                alt: image.alt.clone(),
            });
        }
        products.push(NewProduct {
            images,
            slug,
            title: product.title,
            description: product.description,
            category,
            variants,
            model_key,
            model_credit: product.model_credit,
        });
    }
    // Listings show the newest first: insert last-first to keep the file's order.
    products.reverse();
    Ok(catalog.seed_if_empty(&products).await?)
}
