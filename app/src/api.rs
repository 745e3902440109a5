//! Server functions: the pages' only way to the stores. Each runs on the
//! server; in the browser it is an HTTP call with the same signature.

use crate::model::{ProductDetail, ProductSummary, viewer::ViewerConfig};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the product page needs to start the 3D viewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewerBoot {
    pub module_js: String,
    pub module_wasm: String,
    pub config: ViewerConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductPageData {
    pub product: ProductDetail,
    pub viewer: Option<ViewerBoot>,
}

#[server]
pub async fn list_products() -> Result<Vec<ProductSummary>, ServerFnError> {
    let services = crate::services::services()?;
    services.catalog.list_products().await.map_err(|e| {
        tracing::error!(error = %e, "listing products failed");
        ServerFnError::new("The catalog is unavailable right now.")
    })
}

/// `Ok(None)` when no published product has this slug (the page shows a 404).
#[server]
pub async fn get_product(slug: String) -> Result<Option<ProductPageData>, ServerFnError> {
    use crate::model::Slug;
    let services = crate::services::services()?;
    let Ok(slug) = Slug::parse(&slug) else {
        return Ok(None);
    };
    let product = services.catalog.product_by_slug(&slug).await.map_err(|e| {
        tracing::error!(error = %e, %slug, "loading product failed");
        ServerFnError::new("The catalog is unavailable right now.")
    })?;
    Ok(product.map(|product| {
        let viewer = product.model_url.clone().map(|model_url| ViewerBoot {
            module_js: services.viewer_js_url.clone(),
            module_wasm: services.viewer_wasm_url.clone(),
            config: ViewerConfig {
                model_url,
                label: format!("3D view of {}", product.title),
            },
        });
        ProductPageData { product, viewer }
    }))
}
