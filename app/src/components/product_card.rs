use crate::model::ProductSummary;
use leptos::prelude::*;

#[component]
pub fn ProductCard(product: ProductSummary) -> impl IntoView {
    let href = format!("/p/{}", product.slug);
    view! {
        <li class="product-card" data-testid="product-card">
            // A full page load: the 3D viewer cannot yet be unmounted and
            // remounted within one page, so each product page starts fresh.
            <a href=href rel="external">
                {product
                    .image
                    .map(|image| {
                        view! {
                            <img class="card-photo" src=image.url alt=image.alt loading="lazy" decoding="async" />
                        }
                    })}
                <h2>{product.title}</h2>
                <p class="price">"From " {product.price_from.to_string()}</p>
                {product.has_model.then(|| view! { <span class="badge">"3D"</span> })}
            </a>
        </li>
    }
}
