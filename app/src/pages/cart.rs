//! `/cart`: the visitor's cart. Each line is its own small form (update,
//! remove) posted to `/cart`, so it works without JavaScript.

use crate::api::{CartPageData, cart_page};
use crate::components::{Canonical, FormAlert};
use crate::model::shop::CartView;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn CartPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| cart_page());
    view! {
        <Title text="Your cart" />
        <Canonical path="/cart" />
        <Meta name="description" content="The items in your Vitrine cart." />
        <Meta name="robots" content="noindex" />
        <section class="cart">
            <h1>"Your cart"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(CartPageData { cart, feedback }) => {
                            let message = feedback.as_ref().and_then(|f| f.message.clone())
                                .or_else(|| feedback.as_ref().and_then(|f| f.error("quantity")));
                            view! {
                                <FormAlert message />
                                <CartLines cart />
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
fn CartLines(cart: CartView) -> impl IntoView {
    if cart.items.is_empty() {
        return view! {
            <p data-testid="cart-empty">"Your cart is empty. " <a href="/">"Browse the catalog"</a></p>
        }
            .into_any();
    }
    let totals = cart.totals;
    view! {
        {cart.notices.into_iter().map(|n| view! { <p class="notice">{n}</p> }).collect_view()}
        <table class="cart-lines" data-testid="cart-lines">
            <thead>
                <tr>
                    <th scope="col">"Item"</th>
                    <th scope="col">"Price"</th>
                    <th scope="col">"Quantity"</th>
                    <th scope="col">"Total"</th>
                </tr>
            </thead>
            <tbody>
                {cart
                    .items
                    .into_iter()
                    .map(|item| {
                        let href = format!("/p/{}?variant={}", item.product_slug, item.sku);
                        let max = item.stock_on_hand.clamp(1, i64::from(crate::model::Quantity::MAX));
                        view! {
                            <tr data-testid="cart-line" data-sku=item.sku.to_string()>
                                <td>
                                    <a href=href rel="external">{item.product_title.clone()}</a>
                                    <span class="variant-name">{item.variant_name.clone()}</span>
                                </td>
                                <td>{item.unit_price.to_string()}</td>
                                <td>
                                    <form method="post" action="/cart" class="cart-update">
                                        <input type="hidden" name="variant_id" value=item.variant_id />
                                        <label class="visually-hidden" for=format!("qty-{}", item.variant_id)>
                                            "Quantity"
                                        </label>
                                        <input
                                            id=format!("qty-{}", item.variant_id)
                                            type="number"
                                            name="quantity"
                                            min="0"
                                            max=max.to_string()
                                            value=item.quantity.get()
                                            data-testid="cart-quantity"
                                        />
                                        <button type="submit">"Update"</button>
                                    </form>
                                    <form method="post" action="/cart" class="cart-remove">
                                        <input type="hidden" name="variant_id" value=item.variant_id />
                                        <input type="hidden" name="quantity" value="0" />
                                        <button type="submit" data-testid="cart-remove">"Remove"</button>
                                    </form>
                                </td>
                                <td data-testid="line-total">{item.line_total.to_string()}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        {totals.map(|t| view! { <crate::pages::checkout::TotalsTable totals=t estimate=true /> })}
        <p class="cart-actions">
            <a class="button primary" href="/checkout" data-testid="go-to-checkout">"Check out"</a>
        </p>
    }
        .into_any()
}
