//! Turning a GLB into a product's 3D model: check it, build its levels of
//! detail and a poster, store them all in the asset store, and only then
//! point the product at them, so a refused or failed import leaves the
//! product (and the store's keys) as they were. Used by the CLI
//! (`vitrine import-model`), the admin upload API and the demo catalog.

use crate::assets::AssetStore;
use vitrine_domain::Slug;
use vitrine_domain::store::{CatalogStore, ProductModel};
use vitrine_domain::viewer::ModelManifest;
use vitrine_pipeline::{DEFAULT_LADDER, Limits, ModelReport, PosterSpec, build_ladder, inspect};

/// Posters match the product page's 4:3 viewer and its background, so the
/// first 3D frame replaces the poster without a jump.
pub const POSTER: PosterSpec = PosterSpec {
    width: 960,
    height: 720,
    background: [243, 244, 246],
};

// The steps of an import, reported as they start (the CLI prints them, the
// admin page shows them).
pub use vitrine_domain::model_desk::ImportStage;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file itself is the problem: the message says what to fix.
    #[error("{0}")]
    Refused(String),
    #[error("there is no published product {0:?}")]
    NoProduct(String),
    /// Storage failed: nothing the uploader can fix.
    #[error("{0}")]
    Failed(String),
}

/// What an import made.
#[derive(Debug, Clone)]
pub struct ImportedModel {
    pub report: ModelReport,
    pub manifest: ModelManifest,
    pub model: ProductModel,
}

/// Imports `bytes` as the 3D model of the published product `slug` (see
/// the module docs; the admin side also reaches drafts, through
/// [`prepare_model`] and its own store).
pub async fn import_model(
    catalog: &dyn CatalogStore,
    assets: &dyn AssetStore,
    slug: &Slug,
    bytes: Vec<u8>,
    limits: &Limits,
    progress: &(dyn Fn(ImportStage) + Send + Sync),
) -> Result<ImportedModel, ImportError> {
    let exists = catalog
        .product_by_slug(slug)
        .await
        .map_err(|e| ImportError::Failed(e.to_string()))?
        .is_some();
    if !exists {
        return Err(ImportError::NoProduct(slug.to_string()));
    }
    let prepared = prepare_model(assets, bytes, limits, progress).await?;
    // The row changes last: until then the product shows its old model.
    let updated = catalog
        .set_product_model(slug, &prepared.model)
        .await
        .map_err(|e| ImportError::Failed(e.to_string()))?;
    if !updated {
        return Err(ImportError::NoProduct(slug.to_string()));
    }
    Ok(prepared)
}

/// Checks `bytes`, builds its levels of detail and poster, and stores them
/// all; the caller then points a product at [`ImportedModel::model`].
pub async fn prepare_model(
    assets: &dyn AssetStore,
    bytes: Vec<u8>,
    limits: &Limits,
    progress: &(dyn Fn(ImportStage) + Send + Sync),
) -> Result<ImportedModel, ImportError> {
    let built = build(bytes, *limits, progress).await?;
    progress(ImportStage::Storing);
    store(assets, built).await
}

/// The files an import stores, before they are stored.
struct Built {
    original: Vec<u8>,
    report: ModelReport,
    levels: Vec<vitrine_pipeline::Level>,
    poster: Vec<u8>,
}

/// The CPU-heavy part, off the async threads.
async fn build(
    bytes: Vec<u8>,
    limits: Limits,
    progress: &(dyn Fn(ImportStage) + Send + Sync),
) -> Result<Built, ImportError> {
    let refused = |e: &dyn std::fmt::Display| ImportError::Refused(e.to_string());
    progress(ImportStage::Checking);
    let (bytes, report) = blocking(move || {
        let report = inspect(&bytes, &limits);
        (bytes, report)
    })
    .await?;
    let report = report.map_err(|e| refused(&e))?;
    progress(ImportStage::BuildingLevels);
    let (bytes, levels) = blocking(move || {
        let levels = build_ladder(&bytes, &DEFAULT_LADDER);
        (bytes, levels)
    })
    .await?;
    let levels = levels.map_err(|e| refused(&e))?;
    progress(ImportStage::RenderingPoster);
    let (levels, poster) = blocking(move || {
        // The second level looks the same at poster size and renders faster.
        let poster = match levels.get(1).or(levels.first()) {
            Some(source) => {
                vitrine_pipeline::render_poster(&source.glb, &POSTER).map_err(|e| e.to_string())
            }
            None => Err("the ladder has no levels".to_string()),
        };
        (levels, poster)
    })
    .await?;
    let poster = poster.map_err(|e| refused(&e))?;
    Ok(Built {
        original: bytes,
        report,
        levels,
        poster,
    })
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ImportError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ImportError::Failed(format!("the model could not be processed: {e}")))
}

async fn store(assets: &dyn AssetStore, built: Built) -> Result<ImportedModel, ImportError> {
    let failed = |e: crate::assets::AssetError| ImportError::Failed(e.to_string());
    let model_key = assets.put(&built.original, "glb").await.map_err(failed)?;
    let mut files = Vec::with_capacity(built.levels.len());
    for level in &built.levels {
        files.push(assets.put(&level.glb, "glb").await.map_err(failed)?);
    }
    let poster_key = assets.put(&built.poster, "jpg").await.map_err(failed)?;
    let mut manifest = vitrine_pipeline::manifest(&built.levels, &files)
        .map_err(|e| ImportError::Refused(e.to_string()))?;
    manifest.poster = Some(poster_key.clone());
    let manifest_json = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
    let manifest_key = assets.put(&manifest_json, "json").await.map_err(failed)?;
    Ok(ImportedModel {
        report: built.report,
        manifest,
        model: ProductModel {
            model_key,
            manifest_key: Some(manifest_key),
            poster_key: Some(poster_key),
        },
    })
}

/// Builds levels of detail (and a poster) for every published product
/// whose model has none yet, e.g. the seeded demo catalog; calls `built`
/// after each. Returns how many were built.
pub async fn build_missing_ladders(
    catalog: &dyn CatalogStore,
    assets: &dyn AssetStore,
    built: &(dyn Fn(&Slug, &ImportedModel) + Send + Sync),
) -> Result<usize, ImportError> {
    let failed = |e: &dyn std::fmt::Display| ImportError::Failed(e.to_string());
    let mut count = 0;
    for summary in catalog.list_products().await.map_err(|e| failed(&e))? {
        let Some(product) = catalog
            .product_by_slug(&summary.slug)
            .await
            .map_err(|e| failed(&e))?
        else {
            continue;
        };
        let (Some(model_url), None) = (&product.model_url, &product.model_manifest_url) else {
            continue;
        };
        let key = model_url.rsplit('/').next().unwrap_or_default();
        let bytes = assets
            .get(key)
            .await
            .map_err(|e| failed(&e))?
            .ok_or_else(|| failed(&format!("the model of {} is missing ({key})", product.slug)))?;
        let imported = import_model(
            catalog,
            assets,
            &product.slug,
            bytes,
            &Limits::default(),
            &|_| {},
        )
        .await
        .map_err(|e| ImportError::Failed(format!("{}: {e}", product.slug)))?;
        built(&product.slug, &imported);
        count += 1;
    }
    Ok(count)
}
