//! Microcaching of catalog pages for anonymous visitors.
//!
//! Most traffic is people without a session looking at the same product and
//! category pages, which render identically for all of them. Keeping each
//! rendered page for a moment (one second by default) turns a burst of
//! identical renders into one, while stock and prices are never staler than
//! that (and checkout checks stock itself). Visitors with a session (their
//! header shows their cart) always get a fresh render.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vitrine_app::session::token_from;

/// Pages larger than this are not kept.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// At most this many pages are kept; beyond it the cache starts over.
const MAX_ENTRIES: usize = 2_000;

pub struct PageCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    stored: Instant,
    headers: HeaderMap,
    body: Bytes,
}

impl PageCache {
    /// A cache keeping pages for `ttl` (zero turns it off).
    pub fn new(ttl: Duration) -> Arc<Self> {
        Arc::new(Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        })
    }

    fn fresh(&self, key: &str) -> Option<(HeaderMap, Bytes)> {
        let entries = self
            .entries
            .lock()
            .expect("the cache lock is never poisoned");
        entries
            .get(key)
            .filter(|e| e.stored.elapsed() < self.ttl)
            .map(|e| (e.headers.clone(), e.body.clone()))
    }

    fn keep(&self, key: String, headers: HeaderMap, body: Bytes) {
        let mut entries = self
            .entries
            .lock()
            .expect("the cache lock is never poisoned");
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                stored: Instant::now(),
                headers,
                body,
            },
        );
    }
}

/// Catalog pages only: never the cart, checkout, account or API.
fn cacheable_path(path: &str) -> bool {
    path == "/" || path.starts_with("/p/") || path.starts_with("/c/") || path == "/search"
}

/// No session cookie and no bearer token: the page is the same for everyone.
fn anonymous(headers: &HeaderMap) -> bool {
    token_from(headers).is_none()
}

pub async fn serve(State(cache): State<Arc<PageCache>>, request: Request, next: Next) -> Response {
    let applies = !cache.ttl.is_zero()
        && request.method() == Method::GET
        && cacheable_path(request.uri().path())
        && anonymous(request.headers());
    if !applies {
        return next.run(request).await;
    }
    let key = request.uri().to_string();
    if let Some((headers, body)) = cache.fresh(&key) {
        return rebuilt(headers, body, "hit");
    }
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if response.status() != StatusCode::OK
        || !is_html
        || response.headers().contains_key(SET_COOKIE)
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    match to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(body) => {
            cache.keep(key, parts.headers.clone(), body.clone());
            rebuilt(parts.headers, body, "miss")
        }
        // Too large to keep, and already consumed: say so rather than send half a page.
        Err(e) => {
            tracing::error!(error = %e, "page too large to cache");
            Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::from("This page is too large to send."))
                .expect("a static response is valid")
        }
    }
}

fn rebuilt(headers: HeaderMap, body: Bytes, outcome: &'static str) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = headers;
    response
        .headers_mut()
        .insert("x-vitrine-cache", HeaderValue::from_static(outcome));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header::COOKIE;

    #[test]
    fn only_catalog_pages_of_anonymous_visitors_are_kept() {
        for path in ["/", "/p/sheen-chair", "/c/furniture", "/search"] {
            assert!(cacheable_path(path), "{path}");
        }
        for path in [
            "/cart",
            "/checkout",
            "/account",
            "/orders/1",
            "/api/v1/products",
            "/pkg/x.css",
        ] {
            assert!(!cacheable_path(path), "{path}");
        }
        let mut headers = HeaderMap::new();
        assert!(anonymous(&headers));
        headers.insert(COOKIE, "theme=dark; vitrine_session=abc".parse().unwrap());
        assert!(!anonymous(&headers));
    }

    #[test]
    fn entries_expire() {
        let cache = PageCache::new(Duration::from_millis(30));
        cache.keep("/".into(), HeaderMap::new(), Bytes::from_static(b"page"));
        assert!(cache.fresh("/").is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(cache.fresh("/").is_none());
    }
}
