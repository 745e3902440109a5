//! `/c/:slug`: one category's products.

use crate::api::get_category;
use crate::components::{Canonical, ProductGrid};
use crate::pages::NotFound;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let category = Resource::new(slug, get_category);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match category.await {
                    Ok(Some((category, products))) => {
                        let description = format!("{} you can turn around in 3D before you buy.", category.name);
                        view! {
                            <Title text=category.name.clone() />
                            <Canonical path=format!("/c/{}", category.slug) />
                            <Meta name="description" content=description />
                            <section class="catalog">
                                <h1>{category.name}</h1>
                                <ProductGrid products empty="Nothing in this category yet." />
                            </section>
                        }
                            .into_any()
                    }
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
