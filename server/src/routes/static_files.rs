//! Files served as they are: the hashed front-end bundle under `/pkg`, the
//! local asset store under `/assets`. Other public files (favicon…) are
//! served by Leptos's fallback handler from the site root.

use axum::Router;
use axum::http::{HeaderValue, header};
use std::path::Path;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// For content-addressed or content-hashed files: cache for a year, never revalidate.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn immutable<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static(IMMUTABLE),
    ))
}

/// `/pkg/*`: JS, wasm and CSS whose names carry their content hash. Brotli
/// versions written by the build are served to browsers that accept them.
pub fn pkg<S: Clone + Send + Sync + 'static>(site_root: &Path) -> Router<S> {
    immutable(
        Router::new().fallback_service(ServeDir::new(site_root.join("pkg")).precompressed_br()),
    )
}

/// `/assets/*`: the local asset store. Keys are content hashes; any origin may
/// read them (the viewer may run on another host than the CDN).
pub fn assets<S: Clone + Send + Sync + 'static>(dir: &Path) -> Router<S> {
    immutable(Router::new().fallback_service(ServeDir::new(dir))).layer(
        SetResponseHeaderLayer::overriding(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ),
    )
}
