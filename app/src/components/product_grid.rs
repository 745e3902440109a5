use crate::components::ProductCard;
use crate::model::ProductSummary;
use leptos::prelude::*;

/// Product cards in a responsive grid, or a note when there are none.
#[component]
pub fn ProductGrid(products: Vec<ProductSummary>, #[prop(into)] empty: String) -> impl IntoView {
    if products.is_empty() {
        return view! { <p class="empty" data-testid="no-products">{empty}</p> }.into_any();
    }
    view! {
        <ul class="product-grid">
            {products.into_iter().map(|product| view! { <ProductCard product /> }).collect_view()}
        </ul>
    }
    .into_any()
}
