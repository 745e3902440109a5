//! What server functions may use on the server: the shop (stores, payment)
//! and settings, provided as Leptos context by the server for every request.

use crate::api::ViewerBoot;
use crate::forms::FormFeedback;
use crate::model::viewer::ViewerConfig;
use leptos::prelude::{ServerFnError, use_context};
use vitrine_domain::customer::Customer;
use vitrine_domain::shop::Shop;
use vitrine_domain::store::{
    AuditLog, BackOfficeStore, ManifestSource, MerchandisingStore, OrderDeskStore, Session,
};

#[derive(Clone)]
pub struct Services {
    pub shop: Shop,
    /// What the admin pages read, and where admin actions are logged.
    pub back_office: std::sync::Arc<dyn BackOfficeStore>,
    pub audit: std::sync::Arc<dyn AuditLog>,
    pub merchandising: std::sync::Arc<dyn MerchandisingStore>,
    pub order_desk: std::sync::Arc<dyn OrderDeskStore>,
    /// Model manifests, read from the asset store (the admin's 3D page).
    pub manifests: std::sync::Arc<dyn ManifestSource>,
    /// Where asset-store keys are served from (`/assets` or the CDN).
    pub asset_base_url: String,
    /// The largest 3D model upload accepted, in bytes.
    pub max_upload_bytes: u64,
    /// The origin shoppers reach, e.g. `https://shop.example.com`, for canonical links.
    pub public_url: String,
    /// URLs of the viewer module, so product pages can load it.
    pub viewer_js_url: String,
    pub viewer_wasm_url: String,
    /// URLs of the quick look's module (the coarsest level, drawn at once).
    pub quick_look_js_url: String,
    pub quick_look_wasm_url: String,
}

impl Services {
    /// Where the asset-store key `key` is served.
    pub fn asset_url(&self, key: &str) -> String {
        format!("{}/{key}", self.asset_base_url)
    }

    /// The asset-store key behind a URL made by [`Self::asset_url`].
    pub fn asset_key<'a>(&self, url: &'a str) -> Option<&'a str> {
        url.strip_prefix(self.asset_base_url.as_str())?
            .strip_prefix('/')
    }

    /// What a page needs to start the quick look and the viewer on
    /// `config`'s model (the product page, the admin's 3D preview).
    pub fn viewer_boot(
        &self,
        config: ViewerConfig,
        coarsest_level_url: Option<String>,
        poster_url: Option<String>,
    ) -> ViewerBoot {
        ViewerBoot {
            module_js: self.viewer_js_url.clone(),
            module_wasm: self.viewer_wasm_url.clone(),
            quick_look_js: self.quick_look_js_url.clone(),
            quick_look_wasm: self.quick_look_wasm_url.clone(),
            coarsest_level_url,
            config,
            poster_url,
        }
    }
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

/// Why a visitor may not use the admin side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAccess {
    /// Not signed in: sign in first.
    SignIn,
    /// Signed in as a shopper.
    Forbidden,
}

/// The signed-in merchandiser or admin making this request; every admin
/// server function calls this first (pages are also guarded by the server's
/// `/admin` middleware, but each request is checked on its own).
pub async fn current_staff() -> Result<Result<Customer, StaffAccess>, ServerFnError> {
    let session = current_session().await?;
    let customer = services()?
        .shop
        .customer(session.as_ref())
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    Ok(match customer {
        None => Err(StaffAccess::SignIn),
        Some(c) if c.role.runs_the_store() => Ok(c),
        Some(_) => Err(StaffAccess::Forbidden),
    })
}
