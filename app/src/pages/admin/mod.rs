//! `/admin/…`: the pages merchandisers and admins run the store from. Each
//! page's data comes from a server function that checks the caller's role on
//! every call; shoppers get a friendly 403 page, and the server redirects
//! anonymous visitors to sign in before a page renders.

mod audit;
mod dashboard;
mod model;
mod orders;
mod product_editor;
mod products;
mod staff;

pub use audit::AdminAuditPage;
pub use dashboard::AdminDashboardPage;
pub use model::AdminModelPage;
pub use orders::{AdminOrderPage, AdminOrdersPage};
pub use product_editor::{AdminNewProductPage, AdminProductPage};
pub use products::AdminProductsPage;
pub use staff::AdminStaffPage;

use crate::api::Staffed;
use crate::model::Customer;
use leptos::prelude::*;
use leptos_meta::Meta;

/// The admin side's sections, for the navigation.
const SECTIONS: [(&str, &str, &str); 5] = [
    ("dashboard", "/admin", "Dashboard"),
    ("products", "/admin/products", "Products"),
    ("orders", "/admin/orders", "Orders"),
    ("staff", "/admin/staff", "Staff"),
    ("audit", "/admin/audit", "Audit log"),
];

/// Renders an admin page's data inside the admin frame, or the page that
/// says why this visitor may not see it.
pub(crate) fn staffed<T>(
    result: Result<Staffed<T>, ServerFnError>,
    section: &'static str,
    render: impl FnOnce(T) -> AnyView,
) -> AnyView {
    match result {
        Ok(Staffed::Allowed { staff, data }) => {
            let body = render(data);
            view! { <AdminFrame staff section>{body}</AdminFrame> }.into_any()
        }
        Ok(Staffed::Forbidden) => view! { <Forbidden /> }.into_any(),
        Ok(Staffed::SignIn) => view! { <SignInFirst /> }.into_any(),
        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
    }
}

#[component]
fn AdminFrame(staff: Customer, section: &'static str, children: Children) -> impl IntoView {
    view! {
        <Meta name="robots" content="noindex" />
        <div class="admin">
            <nav class="admin-nav" aria-label="Admin">
                <p class="admin-who" data-testid="admin-who">
                    {format!("{} ({})", staff.name, staff.role.as_str())}
                </p>
                <ul>
                    {SECTIONS
                        .iter()
                        .map(|(id, href, label)| {
                            let current = (*id == section).then_some("page");
                            view! { <li><a href=*href aria-current=current>{*label}</a></li> }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <div class="admin-body">{children()}</div>
        </div>
    }
}

/// Shown (with HTTP 403) to signed-in shoppers who open an admin page, and
/// to merchandisers on the admins' pages.
#[component]
fn Forbidden() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <Meta name="robots" content="noindex" />
        <section class="not-found" data-testid="forbidden">
            <h1>"This page is for the store's staff"</h1>
            <p>
                "Your account does not have the role this page needs. If you run this store, "
                "ask an admin to give your account that role."
            </p>
            <p><a href="/">"Back to the shop"</a></p>
        </section>
    }
}

/// Shown (with HTTP 401) if an anonymous visitor reaches an admin page's data.
#[component]
fn SignInFirst() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::UNAUTHORIZED);
    }
    view! {
        <Meta name="robots" content="noindex" />
        <section class="not-found" data-testid="sign-in-first">
            <h1>"Sign in to run the store"</h1>
            <p><a href="/account/login?next=/admin">"Sign in"</a> " with a merchandiser or admin account."</p>
        </section>
    }
}

/// "Page 2 of 5" with previous and next links that keep the other query
/// parameters (`base` is the query string without `page`).
#[component]
pub(crate) fn Pager(path: &'static str, base: String, page: u32, pages: u32) -> impl IntoView {
    let link = move |to: u32| {
        let separator = if base.is_empty() { "" } else { "&" };
        format!("{path}?{base}{separator}page={to}")
    };
    view! {
        <nav class="pager" aria-label="Pages">
            {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev">"← Previous"</a> })}
            <span>{format!("Page {page} of {pages}")}</span>
            {(page < pages).then(|| view! { <a href=link(page + 1) rel="next">"Next →"</a> })}
        </nav>
    }
}

/// "1 order", "3 orders".
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `a=1&b=two` from pairs, leaving out empty values.
pub(crate) fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_drop_empty_values_and_encode_the_rest() {
        let q = query_string(&[("q", "red chair&co".into()), ("status", String::new())]);
        assert_eq!(q, "q=red+chair%26co");
    }
}
