//! `/p/:slug`: one product, with its 3D view and variant picker.
//!
//! The selected variant lives in the URL (`?variant=SKU`): the picker is a
//! set of links, so it works without JavaScript, and with it the router
//! updates price, stock and picker in place without reloading the 3D view.

use crate::api::{ProductPageData, get_product};
use crate::components::{Canonical, ProductViewer, QuantityPicker};
use crate::forms::FormFeedback;
use crate::model::{Availability, ProductDetail, Variant};
use crate::pages::NotFound;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

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
    let ProductPageData {
        product,
        viewer,
        feedback,
    } = data;
    let feedback = feedback.unwrap_or_default();
    let query = use_query_map();
    let product = StoredValue::new(product);
    let selected = Memo::new(move |_| {
        let sku = query.read().get("variant");
        product.with_value(|p| p.variant_or_default(sku.as_deref()).cloned())
    });
    let price = Signal::derive(move || selected.get().map(|v| v.price));
    // One view for the admin dashboard's most-viewed list, sent by the
    // browser once the product is shown (cached pages and client-side
    // navigation count too; crawlers that run no script do not).
    #[cfg(feature = "hydrate")]
    {
        let url = format!(
            "/api/v1/products/{}/views",
            product.with_value(|p| p.slug.to_string())
        );
        Effect::new(move |_| {
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().send_beacon(&url);
            }
        });
    }
    let path_for_form = format!("/p/{}", product.with_value(|p| p.slug.to_string()));
    let (path, title, description, credit, json_ld, og_image) = product.with_value(|p| {
        (
            format!("/p/{}", p.slug),
            p.title.clone(),
            p.description.clone(),
            p.model_credit.clone(),
            structured_data(p),
            p.images.first().map(|i| i.url.clone()),
        )
    });

    view! {
        <Title text=title.clone() />
        // One canonical URL per product, whichever ?variant= was asked for.
        <Canonical path />
        <Meta name="description" content=description.clone() />
        {og_image.map(|url| view! { <Meta property="og:image" content=url /> })}
        <script type="application/ld+json" inner_html=json_ld></script>
        <article class="product">
            <div class="product-media">
                {match viewer {
                    Some(mut boot) => {
                        // `?lod=N` shows levels of detail down to N and no
                        // finer, whatever the canvas size (QA, the admin preview).
                        boot.config.pinned_level = query
                            .with_untracked(|q| q.get("lod"))
                            .and_then(|lod| lod.parse().ok());
                        let material_variant = Signal::derive(move || {
                            selected.get().and_then(|v| v.material_variant)
                        });
                        let clickstream_product = product.with_value(|p| p.slug.to_string());
                        view! { <ProductViewer boot material_variant clickstream_product /> }
                            .into_any()
                    }
                    None => {
                        view! { <p class="no-model">"No 3D model for this product yet."</p> }
                            .into_any()
                    }
                }}
                {credit.map(|credit| view! { <p class="credit">{credit}</p> })}
                <ProductPhotos product />
            </div>
            <div class="product-info">
                <h1 data-testid="product-title">{title}</h1>
                <p class="price" data-testid="price">
                    {move || price.get().map(|p| p.to_string()).unwrap_or_default()}
                </p>
                <p
                    class=move || match selected.get().map(|v| v.availability()) {
                        Some(Availability::InStock) => "availability",
                        Some(Availability::Low(_)) => "availability low",
                        _ => "availability out",
                    }
                    data-testid="availability"
                >
                    {move || selected.get().map(|v| v.availability().label()).unwrap_or_default()}
                </p>
                <p class="description">{description}</p>
                <VariantPicker product selected />
                <AddToCart path=path_for_form selected feedback />
            </div>
        </article>
    }
}

/// Posts the selected variant and quantity to the product's own URL: the
/// server adds it to the cart and redirects there, or renders this page
/// again with the problem next to the quantity.
#[component]
fn AddToCart(
    path: String,
    selected: Memo<Option<Variant>>,
    feedback: FormFeedback,
) -> impl IntoView {
    let sku = move || {
        selected
            .get()
            .map(|v| v.sku.to_string())
            .unwrap_or_default()
    };
    let sold_out = move || selected.get().is_none_or(|v| v.stock_on_hand <= 0);
    let initial = feedback
        .value("quantity")
        .and_then(|q| q.trim().parse().ok())
        .unwrap_or(1);
    let error = feedback.error("quantity").or(feedback.message.clone());
    view! {
        // Type-erased (like the picker below): the page's view type would
        // otherwise nest past the compiler's limit.
        <form method="post" action=path class="add-to-cart" data-testid="add-to-cart-form">
            <input type="hidden" name="sku" value=sku />
            {move || {
                selected
                    .get()
                    .map(|v| {
                        let error = error.clone();
                        view! { <QuantityPicker unit_price=v.price initial error /> }
                    })
            }}
            <button type="submit" class="primary" disabled=sold_out data-testid="add-to-cart">
                "Add to cart"
            </button>
        </form>
    }
    .into_any()
}

/// The product's photos, if it has any.
#[component]
fn ProductPhotos(product: StoredValue<ProductDetail>) -> impl IntoView {
    let images = product.with_value(|p| p.images.clone());
    (!images.is_empty()).then(|| {
        view! {
            <ul class="product-photos" data-testid="product-photos">
                {images
                    .into_iter()
                    .map(|image| {
                        view! {
                            <li>
                                <img src=image.url alt=image.alt loading="lazy" decoding="async" />
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    })
}

/// Links to each variant of a product with more than one.
#[component]
fn VariantPicker(
    product: StoredValue<ProductDetail>,
    selected: Memo<Option<Variant>>,
) -> impl IntoView {
    let (slug, variants) = product.with_value(|p| (p.slug.clone(), p.variants.clone()));
    if variants.len() < 2 {
        return None;
    }
    let legend = variants[0]
        .options
        .first()
        .map(|(name, _)| name.clone())
        .unwrap_or_else(|| "Options".into());
    let label = legend.clone();
    Some(view! {
        <nav class="variant-picker" aria-label=label>
            <p class="variant-legend">{legend}</p>
            <ul>
                {variants
                    .into_iter()
                    .map(|v| {
                        let sku = v.sku.to_string();
                        let href = format!("/p/{slug}?variant={sku}");
                        let is_selected = {
                            let sku = sku.clone();
                            Memo::new(move |_| selected.get().is_some_and(|s| s.sku.as_str() == sku))
                        };
                        let sold_out = v.stock_on_hand <= 0;
                        view! {
                            <li>
                                <A
                                    href=href
                                    scroll=false
                                    attr:data-testid="variant"
                                    attr:data-sku=sku.clone()
                                    attr:class=move || {
                                        if is_selected.get() { "variant selected" } else { "variant" }
                                    }
                                    attr:aria-current=move || is_selected.get().then_some("true")
                                >
                                    {v.name.clone()}
                                    {sold_out.then(|| view! { <span class="sold-out">" (sold out)"</span> })}
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
    .into_any())
}

/// schema.org `Product` JSON-LD with one offer per variant, safe to inline
/// in a `<script>`: `<` is escaped so no text can close the element.
fn structured_data(product: &ProductDetail) -> String {
    let offers: Vec<serde_json::Value> = product
        .variants
        .iter()
        .map(|v| {
            serde_json::json!({
                "@type": "Offer",
                "sku": v.sku.as_str(),
                "name": v.name,
                "price": v.price.decimal_string(),
                "priceCurrency": v.price.currency.code(),
                "availability": v.availability().schema_org(),
            })
        })
        .collect();
    let mut data = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "description": product.description,
        "offers": offers,
    });
    if let Some(category) = &product.category {
        data["category"] = category.name.clone().into();
    }
    if !product.images.is_empty() {
        let urls: Vec<&str> = product.images.iter().map(|i| i.url.as_str()).collect();
        data["image"] = urls.into();
    }
    data.to_string().replace('<', "\\u003c")
}
