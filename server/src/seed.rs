//! The demo catalog, seeded into an empty database on first start from
//! `seed/catalog.json` and the GLBs beside it.

use crate::assets::LocalAssetStore;
use serde::Deserialize;
use std::path::Path;
use vitrine_domain::store::{CatalogStore, NewProduct, StoreError};
use vitrine_domain::{Currency, Slug};

#[derive(Debug, Deserialize)]
struct SeedCatalog {
    products: Vec<SeedProduct>,
}

#[derive(Debug, Deserialize)]
struct SeedProduct {
    slug: String,
    title: String,
    description: String,
    price_minor: i64,
    currency: String,
    /// GLB path relative to the seed folder.
    model: Option<String>,
    model_credit: Option<String>,
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
}

/// Seeds the catalog when it has no products; returns how many were added.
/// Models go into the asset store first (content-addressed, so a retry is
/// harmless); the rows then go in one transaction.
pub async fn seed_if_empty(
    catalog: &dyn CatalogStore,
    assets: &LocalAssetStore,
    seed_dir: &Path,
) -> Result<usize, SeedError> {
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

    let mut products = Vec::with_capacity(seed.products.len());
    for product in seed.products {
        let slug = Slug::parse(&product.slug)
            .map_err(|e| SeedError::Invalid(format!("{:?}: {e}", product.slug)))?;
        let currency =
            Currency::parse(&product.currency).map_err(|e| SeedError::Invalid(e.to_string()))?;
        let model_key = match &product.model {
            Some(model) => {
                let path = seed_dir.join(model);
                Some(
                    assets
                        .put_file(&path, "glb")
                        .map_err(|source| SeedError::Read {
                            path: path.display().to_string(),
                            source,
                        })?,
                )
            }
            None => None,
        };
        products.push(NewProduct {
            slug,
            title: product.title,
            description: product.description,
            price_minor: product.price_minor,
            currency,
            model_key,
            model_credit: product.model_credit,
        });
    }
    // Listings show the newest first: insert last-first to keep the file's order.
    products.reverse();
    Ok(catalog.seed_if_empty(&products).await?)
}
