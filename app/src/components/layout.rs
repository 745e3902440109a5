use leptos::prelude::*;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Vitrine"</a>
            <nav aria-label="Main">
                <a href="/">"Shop"</a>
            </nav>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Vitrine — 3D models are third-party samples; each product page credits its model's authors and licence."</p>
        </footer>
    }
}
