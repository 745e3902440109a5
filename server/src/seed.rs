//! The demo catalog, seeded into an empty database on first start from
//! `seed/catalog.json` and the GLBs beside it.

use crate::assets::LocalAssetStore;
use serde::Deserialize;
use sqlx::SqlitePool;
use std::path::Path;
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
    Database(#[from] sqlx::Error),
}

/// Seeds the catalog when it has no products; returns how many were added.
/// Models go into the asset store first; the rows then go in one transaction,
/// so a failure leaves the database as it was.
pub async fn seed_if_empty(
    pool: &SqlitePool,
    assets: &LocalAssetStore,
    seed_dir: &Path,
) -> Result<usize, SeedError> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM products")
        .fetch_one(pool)
        .await?;
    if count > 0 {
        return Ok(0);
    }
    let catalog_path = seed_dir.join("catalog.json");
    let text = std::fs::read_to_string(&catalog_path).map_err(|source| SeedError::Read {
        path: catalog_path.display().to_string(),
        source,
    })?;
    let catalog: SeedCatalog =
        serde_json::from_str(&text).map_err(|e| SeedError::Invalid(e.to_string()))?;

    let mut rows = Vec::with_capacity(catalog.products.len());
    for product in catalog.products {
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
        rows.push((slug, currency, model_key, product));
    }

    let mut tx = pool.begin().await?;
    // Inserted last-first: the listing shows newest first, i.e. in file order.
    for (slug, currency, model_key, product) in rows.iter().rev() {
        sqlx::query(
            "INSERT INTO products (slug, title, description, price_minor, currency, model_key, model_credit)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING",
        )
        .bind(slug.as_str())
        .bind(&product.title)
        .bind(&product.description)
        .bind(product.price_minor)
        .bind(currency.code())
        .bind(model_key)
        .bind(&product.model_credit)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}
