//! What server functions may use on the server: the shop (stores, payment)
//! and settings, provided as Leptos context by the server for every request.

use crate::forms::FormFeedback;
use leptos::prelude::{ServerFnError, use_context};
use vitrine_domain::shop::Shop;
use vitrine_domain::store::Session;

#[derive(Clone)]
pub struct Services {
    pub shop: Shop,
    /// The origin shoppers reach, e.g. `https://shop.example.com`, for canonical links.
    pub public_url: String,
    /// URLs of the viewer module, so product pages can load it.
    pub viewer_js_url: String,
    pub viewer_wasm_url: String,
}

/// The request's services; server functions call this first.
pub fn services() -> Result<Services, ServerFnError> {
    use_context::<Services>().ok_or_else(|| ServerFnError::new("services missing from context"))
}

/// The visitor's live session, from the request's cookie.
pub async fn current_session() -> Result<Option<Session>, ServerFnError> {
    let services = services()?;
    let token = use_context::<http::request::Parts>()
        .and_then(|parts| crate::session::token_from(&parts.headers));
    services
        .shop
        .session(token.as_deref())
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

/// What a form post that failed left for the page to show (set by the
/// server's form handlers when they render the page again).
pub fn form_feedback(form: &str) -> Option<FormFeedback> {
    use_context::<FormFeedback>().filter(|f| f.form == form)
}
