//! `/search?q=…`: full-text search. A bad query is answered with HTTP 400
//! and its reason next to the search field.

use crate::api::{SearchResults, search_products};
use crate::components::ProductGrid;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q");
    let results = Resource::new(q, |q| async move {
        match q {
            Some(q) => search_products(q).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Title text="Search" />
        <Meta name="description" content="Search the Vitrine catalog." />
        // Result pages are endless variations: keep them out of search engines.
        <Meta name="robots" content="noindex" />
        <section class="catalog search">
            <h1>"Search"</h1>
            <Suspense fallback=|| view! { <p>"Searching…"</p> }>
                {move || Suspend::new(async move {
                    let asked = q().unwrap_or_default();
                    match results.await {
                        Ok(None) => view! { <SearchForm value=asked error=None /> }.into_any(),
                        Ok(Some(SearchResults::Invalid(message))) => {
                            #[cfg(feature = "ssr")]
                            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                                response.set_status(http::StatusCode::BAD_REQUEST);
                            }
                            view! { <SearchForm value=asked error=Some(message) /> }.into_any()
                        }
                        Ok(Some(SearchResults::Found(products))) => {
                            let summary = match products.len() {
                                1 => format!("1 product matches “{asked}”"),
                                n => format!("{n} products match “{asked}”"),
                            };
                            let empty = format!("Nothing matches “{asked}”. Try fewer or other words.");
                            view! {
                                <SearchForm value=asked error=None />
                                <p class="result-count" data-testid="result-count">{summary}</p>
                                <ProductGrid products empty />
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SearchForm(value: String, error: Option<String>) -> impl IntoView {
    let invalid = error.is_some();
    view! {
        <form class="search-form" action="/search" method="get" role="search">
            <label for="search-q">"Search for"</label>
            <input
                id="search-q"
                type="search"
                name="q"
                value=value
                maxlength="100"
                aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then_some("search-q-error")
            />
            <button type="submit">"Search"</button>
            {error.map(|message| {
                view! {
                    <p id="search-q-error" class="field-error" data-testid="search-error">
                        {message}
                    </p>
                }
            })}
        </form>
    }
}
