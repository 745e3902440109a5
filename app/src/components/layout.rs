use leptos::prelude::*;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Vitrine"</a>
            // A plain GET form: search works before (and without) JavaScript.
            <form class="site-search" action="/search" method="get" role="search">
                <label for="site-search-q" class="visually-hidden">"Search products"</label>
                <input
                    id="site-search-q"
                    type="search"
                    name="q"
                    placeholder="Search products"
                    maxlength="100"
                    data-testid="search-input"
                />
                <button type="submit">"Search"</button>
            </form>
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
