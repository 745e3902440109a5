//! `/`: the catalog, with links to each category.

use crate::api::{list_categories, list_products};
use crate::components::{Canonical, ProductGrid};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn HomePage() -> impl IntoView {
    let products = Resource::new(|| (), |_| list_products());
    let categories = Resource::new(|| (), |_| list_categories());
    view! {
        <Title text="Shop in 3D" />
        <Canonical path="/" />
        <Meta
            name="description"
            content="Furniture, footwear and homeware you can turn around in 3D before you buy."
        />
        <section class="catalog">
            <h1>"Shop in 3D"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    categories
                        .await
                        .ok()
                        .map(|list| {
                            view! {
                                <nav class="category-links" aria-label="Categories">
                                    {list
                                        .into_iter()
                                        .map(|c| {
                                            view! { <a href=format!("/c/{}", c.slug)>{c.name}</a> }
                                        })
                                        .collect_view()}
                                </nav>
                            }
                        })
                })}
            </Suspense>
            <Suspense fallback=|| view! { <p>"Loading products…"</p> }>
                {move || Suspend::new(async move {
                    match products.await {
                        Ok(list) => view! { <ProductGrid products=list empty="No products yet." /> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
