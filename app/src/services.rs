//! What server functions may use on the server: the stores and settings,
//! provided as Leptos context by the server for every request.

use std::sync::Arc;
use vitrine_domain::store::CatalogStore;

#[derive(Clone)]
pub struct Services {
    pub catalog: Arc<dyn CatalogStore>,
    /// The origin shoppers reach, e.g. `https://shop.example.com`, for canonical links.
    pub public_url: String,
    /// URLs of the viewer module, so product pages can load it.
    pub viewer_js_url: String,
    pub viewer_wasm_url: String,
}

/// The request's services; server functions call this first.
pub fn services() -> Result<Services, leptos::prelude::ServerFnError> {
    leptos::prelude::use_context::<Services>()
        .ok_or_else(|| leptos::prelude::ServerFnError::new("services missing from context"))
}
