//! Catalog server functions: product listings, product pages, categories, search.

use crate::model::{Category, ProductDetail, ProductSummary, viewer::ViewerConfig};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the product page needs to start the 3D viewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewerBoot {
    /// The Bevy viewer's module.
    pub module_js: String,
    pub module_wasm: String,
    /// The quick look's module (`vitrine-quick-look`), which the page's
    /// HTML starts at once.
    pub quick_look_js: String,
    pub quick_look_wasm: String,
    /// The model's coarsest level, which the quick look fetches first: the
    /// page's head preloads it (when the manifest could be read).
    pub coarsest_level_url: Option<String>,
    pub config: ViewerConfig,
    /// Shown in the canvas's place until the first 3D frame.
    pub poster_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductPageData {
    pub product: ProductDetail,
    pub viewer: Option<ViewerBoot>,
    /// A failed add-to-cart post, shown by the form.
    pub feedback: Option<crate::forms::FormFeedback>,
}

/// The origin shoppers reach the store at, for canonical links.
#[server]
pub async fn public_url() -> Result<String, ServerFnError> {
    Ok(crate::services::services()?.public_url)
}

#[server]
pub async fn list_products() -> Result<Vec<ProductSummary>, ServerFnError> {
    crate::services::services()?
        .shop
        .catalog
        .list_products()
        .await
        .map_err(unavailable)
}

/// `Ok(None)` when no published product has this slug (the page shows a 404).
#[server]
pub async fn get_product(slug: String) -> Result<Option<ProductPageData>, ServerFnError> {
    use crate::model::Slug;
    let services = crate::services::services()?;
    let Ok(slug) = Slug::parse(&slug) else {
        return Ok(None);
    };
    let product = services
        .shop
        .catalog
        .product_by_slug(&slug)
        .await
        .map_err(unavailable)?;
    let Some(mut product) = product else {
        return Ok(None);
    };
    // Photos get absolute URLs: structured data and link previews need them.
    for image in &mut product.images {
        if image.url.starts_with('/') {
            image.url = format!("{}{}", services.public_url, image.url);
        }
    }
    let coarsest_level_url = match &product.model_manifest_url {
        Some(url) => coarsest_level_url(&services, url).await,
        None => None,
    };
    let viewer = product.model_url.clone().map(|model_url| {
        let config = ViewerConfig {
            model_url,
            manifest_url: product.model_manifest_url.clone(),
            pinned_level: None,
            label: format!("3D view of {}", product.title),
        };
        services.viewer_boot(config, coarsest_level_url, product.model_poster_url.clone())
    });
    Ok(Some(ProductPageData {
        product,
        viewer,
        feedback: crate::services::form_feedback("add-to-cart"),
    }))
}

/// The URL of the coarsest level in the manifest at `manifest_url`, or
/// `None` (logged) when the manifest cannot be read: the page then works
/// as before, only without the preload.
#[cfg(feature = "ssr")]
async fn coarsest_level_url(
    services: &crate::services::Services,
    manifest_url: &str,
) -> Option<String> {
    let key = services.asset_key(manifest_url)?;
    match services.manifests.manifest(key).await {
        Ok(manifest) => manifest?
            .coarsest_level()
            .map(|level| services.asset_url(&level.file)),
        Err(e) => {
            tracing::warn!(error = %e, manifest = key, "cannot read a model's manifest");
            None
        }
    }
}

/// What a search found, or why the query was refused (shown next to the field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SearchResults {
    Found(Vec<ProductSummary>),
    Invalid(String),
}

/// Logs a storage failure; the shopper gets a message, not the details.
#[cfg(feature = "ssr")]
fn unavailable(e: impl std::fmt::Display) -> ServerFnError {
    tracing::error!(error = %e, "catalog query failed");
    ServerFnError::new("The catalog is unavailable right now.")
}

#[server]
pub async fn list_categories() -> Result<Vec<Category>, ServerFnError> {
    crate::services::services()?
        .shop
        .catalog
        .categories()
        .await
        .map_err(unavailable)
}

/// `Ok(None)` when there is no such category (the page shows a 404).
#[server]
pub async fn get_category(
    slug: String,
) -> Result<Option<(Category, Vec<ProductSummary>)>, ServerFnError> {
    use crate::model::Slug;
    let Ok(slug) = Slug::parse(&slug) else {
        return Ok(None);
    };
    crate::services::services()?
        .shop
        .catalog
        .category(&slug)
        .await
        .map_err(unavailable)
}

#[server]
pub async fn search_products(query: String) -> Result<SearchResults, ServerFnError> {
    use crate::model::SearchQuery;
    match SearchQuery::parse(&query) {
        Err(e) => Ok(SearchResults::Invalid(e.to_string())),
        Ok(query) => crate::services::services()?
            .shop
            .catalog
            .search(&query)
            .await
            .map(SearchResults::Found)
            .map_err(unavailable),
    }
}
