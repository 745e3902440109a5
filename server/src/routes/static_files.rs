//! Files served as they are: the hashed front-end bundle under `/pkg`, the
//! local asset store under `/assets`. Other public files (favicon…) are
//! served by Leptos's fallback handler from the site root.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::path::Path;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::assets::IMMUTABLE;

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
    immutable(Router::new().fallback_service(ServeDir::new(dir)))
        .layer(SetResponseHeaderLayer::overriding(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
        .layer(axum::middleware::from_fn(content_etag))
}

/// A content-addressed file's ETag is its key's hash: a revalidation that
/// names it is answered 304 without touching the disk.
async fn content_etag(request: Request, next: Next) -> Response {
    let hash = request
        .uri()
        .path()
        .rsplit('/')
        .next()
        .and_then(|name| name.split('.').next())
        .filter(|hash| hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|hash| format!("\"{hash}\""));
    let Some(etag) = hash else {
        return next.run(request).await;
    };
    let matches = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        next.run(request).await
    };
    let status = response.status();
    if (status.is_success() || status == StatusCode::NOT_MODIFIED)
        && let Ok(value) = HeaderValue::from_str(&etag)
    {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}
