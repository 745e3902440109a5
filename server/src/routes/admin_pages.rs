//! The server-side gate in front of the `/admin` pages: an anonymous visitor
//! is sent to sign in (303) before anything renders, and comes back after.
//! Roles are then checked by every admin server function the page calls, on
//! every request: a shopper gets the friendly 403 page.

use crate::startup::AppState;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use vitrine_app::session::token_from;

/// Whether `path` is an admin page.
pub fn is_admin_page(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

pub async fn sign_in_first(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !is_admin_page(request.uri().path()) {
        return next.run(request).await;
    }
    let shop = &state.services.shop;
    let session = match shop.session(token_from(request.headers()).as_deref()).await {
        Ok(session) => session,
        Err(e) => {
            tracing::error!(error = %e, "cannot check an admin visitor's session");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "The store is unavailable right now. Try again in a moment.",
            )
                .into_response();
        }
    };
    if session.is_some_and(|s| s.customer.is_some()) {
        let mut response = next.run(request).await;
        // Admin pages are private to the person who asked.
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        return response;
    }
    let back = request
        .uri()
        .path_and_query()
        .map_or("/admin".to_string(), |p| p.as_str().to_string());
    let to = format!("/account/login?next={}", encode(&back));
    (StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response()
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_pages_are_recognised() {
        assert!(is_admin_page("/admin"));
        assert!(is_admin_page("/admin/products"));
        assert!(!is_admin_page("/administrator"));
        assert!(!is_admin_page("/api/v1/admin/products/x/model"));
    }

    #[test]
    fn the_way_back_is_encoded() {
        assert_eq!(
            encode("/admin/products?q=a b&x=1"),
            "/admin/products%3Fq%3Da%20b%26x%3D1"
        );
    }
}
