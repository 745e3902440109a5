//! Cross-site request forgery protection for every state-changing request.
//!
//! Browsers say where a request comes from: `Sec-Fetch-Site` (every current
//! browser) and `Origin` (on every cross-origin request and every POST). A
//! POST, PUT, PATCH or DELETE that a browser sent from another site is
//! refused before any handler runs, so a page elsewhere cannot make a
//! signed-in shopper or merchandiser act. Requests that carry neither header
//! do not come from a browser page (curl, API clients with a bearer token)
//! and cannot ride on a browser's cookies, so they pass. Session cookies are
//! also `SameSite=Lax`. This is the check OWASP lists first ("verifying origin
//! with standard headers", Fetch Metadata) and what Go's
//! `http.CrossOriginProtection` does.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The origins a page of ours may be served from, besides the request's own
/// `Host` (the public URL, e.g. behind a CDN that rewrites `Host`).
#[derive(Clone, Debug, Default)]
pub struct TrustedOrigins(pub Vec<String>);

impl TrustedOrigins {
    /// From the public URL (`https://shop.example.com/...` → its origin).
    pub fn from_public_url(public_url: Option<&str>) -> Self {
        Self(public_url.and_then(origin_of).into_iter().collect())
    }
}

fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?;
    (!host.is_empty()).then(|| format!("{}://{}", scheme.to_lowercase(), host.to_lowercase()))
}

/// Why a request was refused, or `None` when it may go on.
pub fn refusal(
    method: &axum::http::Method,
    headers: &HeaderMap,
    trusted: &TrustedOrigins,
) -> Option<&'static str> {
    if method.is_safe() {
        return None;
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match header("sec-fetch-site") {
        Some("same-origin") | Some("none") => return None,
        Some(_) => return Some(CROSS_SITE),
        None => {}
    }
    // Neither header: not sent from a browser page, so nothing to refuse.
    let origin = header(header::ORIGIN.as_str())?.to_lowercase();
    let host = header(header::HOST.as_str()).map(str::to_lowercase);
    let same_host = host.is_some_and(|host| {
        origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            == Some(host.as_str())
    });
    if same_host || trusted.0.contains(&origin) {
        None
    } else {
        Some(CROSS_SITE)
    }
}

const CROSS_SITE: &str = "This request came from another site, so it was refused to protect your account. Go back to the store's page and try again.";

/// The middleware: 403 with a readable message (JSON under `/api`).
pub async fn refuse_cross_origin(
    State(trusted): State<TrustedOrigins>,
    request: Request,
    next: Next,
) -> Response {
    let Some(message) = refusal(request.method(), request.headers(), &trusted) else {
        return next.run(request).await;
    };
    tracing::warn!(
        method = %request.method(),
        path = request.uri().path(),
        origin = ?request.headers().get(header::ORIGIN),
        "refused a cross-site request"
    );
    if request.uri().path().starts_with("/api/") {
        let body = serde_json::json!({ "error": message });
        (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
    } else {
        (StatusCode::FORBIDDEN, message).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Method;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn reads_pass_whatever_their_origin() {
        let h = headers(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ]);
        assert_eq!(refusal(&Method::GET, &h, &TrustedOrigins::default()), None);
        assert_eq!(refusal(&Method::HEAD, &h, &TrustedOrigins::default()), None);
    }

    #[test]
    fn a_post_from_another_site_is_refused() {
        let none = TrustedOrigins::default();
        for h in [
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[("sec-fetch-site", "same-site")]),
            headers(&[("origin", "https://evil.example"), ("host", "shop.example")]),
            headers(&[("origin", "null"), ("host", "shop.example")]),
        ] {
            assert!(refusal(&Method::POST, &h, &none).is_some(), "{h:?}");
            assert!(refusal(&Method::DELETE, &h, &none).is_some(), "{h:?}");
        }
    }

    #[test]
    fn a_post_from_our_own_pages_or_a_non_browser_passes() {
        let none = TrustedOrigins::default();
        for h in [
            headers(&[("sec-fetch-site", "same-origin")]),
            headers(&[("sec-fetch-site", "none")]),
            headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000"),
            ]),
            headers(&[]),
        ] {
            assert_eq!(refusal(&Method::POST, &h, &none), None, "{h:?}");
        }
    }

    #[test]
    fn the_public_url_is_trusted_behind_a_proxy_that_rewrites_host() {
        let trusted = TrustedOrigins::from_public_url(Some("https://Shop.Example.com/"));
        let h = headers(&[
            ("origin", "https://shop.example.com"),
            ("host", "10.0.1.7:3000"),
        ]);
        assert_eq!(refusal(&Method::PUT, &h, &trusted), None);
        assert!(refusal(&Method::PUT, &h, &TrustedOrigins::default()).is_some());
    }
}
