//! `/p/:slug`: one product, with its 3D view.

use crate::api::{ProductPageData, get_product};
use crate::components::{ProductViewer, QuantityPicker};
use crate::pages::NotFound;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let product = Resource::new(slug, get_product);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(Some(data)) => view! { <ProductView data /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductView(data: ProductPageData) -> impl IntoView {
    let ProductPageData { product, viewer } = data;
    let description = product.description.clone();
    view! {
        <Title text=product.title.clone() />
        <Meta name="description" content=description />
        <article class="product">
            <div class="product-media">
                {match viewer {
                    Some(boot) => view! { <ProductViewer boot /> }.into_any(),
                    None => view! { <p class="no-model">"No 3D model for this product yet."</p> }.into_any(),
                }}
                {product.model_credit.map(|credit| view! { <p class="credit">{credit}</p> })}
            </div>
            <div class="product-info">
                <h1 data-testid="product-title">{product.title.clone()}</h1>
                <p class="price" data-testid="price">{product.price.to_string()}</p>
                <p class="description">{product.description.clone()}</p>
                <QuantityPicker unit_price=product.price />
            </div>
        </article>
    }
}
