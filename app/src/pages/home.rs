//! `/`: the catalog.

use crate::api::list_products;
use crate::components::ProductCard;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn HomePage() -> impl IntoView {
    let products = Resource::new(|| (), |_| list_products());
    view! {
        <Title text="Shop in 3D" />
        <Meta
            name="description"
            content="Furniture, footwear and homeware you can turn around in 3D before you buy."
        />
        <section class="catalog">
            <h1>"Shop in 3D"</h1>
            <Suspense fallback=|| view! { <p>"Loading products…"</p> }>
                {move || Suspend::new(async move {
                    match products.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p>"No products yet."</p> }.into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="product-grid">
                                    {list
                                        .into_iter()
                                        .map(|product| view! { <ProductCard product /> })
                                        .collect_view()}
                                </ul>
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
