//! Vitrine's pages: Leptos components rendered on the server (feature `ssr`)
//! and hydrated in the browser (feature `hydrate`).
//!
//! - [`pages`]: one file per route;
//! - [`components`]: pieces pages share;
//! - [`api`]: server functions, each the only door from a page to the stores;
//! - [`model`]: the shared types (re-exported from `vitrine-domain`, which the viewer uses too).

pub mod api;
pub mod components;
pub mod forms;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod session;

/// The types server, pages and viewer share.
pub use vitrine_domain as model;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

/// Hashed file names of the built front end (stylesheet, hydrate bundle,
/// viewer module), written by the build next to them and read by the server.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SiteAssets {
    /// Leptos output name, e.g. `vitrine.3f2a…`: the hydrate bundle is `<name>.js` + `<name>_bg.wasm`.
    pub app_output_name: String,
    pub stylesheet: String,
    pub viewer_js: String,
    pub viewer_wasm: String,
    pub quick_look_js: String,
    pub quick_look_wasm: String,
}

/// The HTML document around every page; rendered on the server only.
pub fn shell(options: LeptosOptions, assets: SiteAssets) -> impl IntoView {
    let pkg = format!("/{}", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href=format!("{pkg}/{}", assets.stylesheet) />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let public_url: components::PublicUrl = Resource::new(|| (), |_| api::public_url());
    provide_context(public_url);
    view! {
        <Title formatter=|title: String| {
            if title.is_empty() { "Vitrine".to_string() } else { format!("{title} · Vitrine") }
        } />
        <Router>
            <components::SiteHeader />
            <main>
                <Routes fallback=|| view! { <pages::NotFound /> }>
                    // Async: the whole page, <head> included, is rendered
                    // before it is sent, so it works without JavaScript.
                    <Route path=path!("/") view=pages::HomePage ssr=SsrMode::Async />
                    <Route path=path!("/p/:slug") view=pages::ProductPage ssr=SsrMode::Async />
                    <Route path=path!("/c/:slug") view=pages::CategoryPage ssr=SsrMode::Async />
                    <Route path=path!("/search") view=pages::SearchPage ssr=SsrMode::Async />
                    <Route path=path!("/cart") view=pages::CartPage ssr=SsrMode::Async />
                    <Route path=path!("/checkout") view=pages::CheckoutPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:id") view=pages::OrderPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=pages::AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/account/login") view=pages::LoginPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/account/register")
                        view=pages::RegisterPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/admin") view=pages::AdminDashboardPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/admin/products")
                        view=pages::AdminProductsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/products/new")
                        view=pages::AdminNewProductPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/products/:slug")
                        view=pages::AdminProductPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/products/:slug/model")
                        view=pages::AdminModelPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/admin/orders") view=pages::AdminOrdersPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/admin/orders/:id")
                        view=pages::AdminOrderPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/admin/staff") view=pages::AdminStaffPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/audit") view=pages::AdminAuditPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <components::SiteFooter />
        </Router>
    }
}
