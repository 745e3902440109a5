use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for unknown URLs and unknown products, with HTTP status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <section class="not-found">
            <h1>"We couldn't find that page"</h1>
            <p>"The product may have been removed or the link mistyped."</p>
            <p><a href="/">"Back to the shop"</a></p>
        </section>
    }
}
