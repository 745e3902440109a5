//! `/orders/:id`: one order (the confirmation after checkout, and the
//! detail from the order history). Only its customer, or the guest session
//! that placed it, can see it; anyone else gets the 404 page.

use crate::api::order_page;
use crate::components::Canonical;
use crate::model::time::format_utc;
use crate::model::{OrderDetail, OrderStatus};
use crate::pages::NotFound;
use crate::pages::checkout::TotalsTable;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let order = Resource::new(id, |id| async move {
        match id {
            Some(id) => order_page(id).await,
            None => Ok(None),
        }
    });
    view! {
        <Meta name="robots" content="noindex" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(Some(order)) => view! { <OrderView order /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrderView(order: OrderDetail) -> impl IntoView {
    let heading = match order.status {
        OrderStatus::Paid => format!("Thank you! Order {} is confirmed", order.reference),
        _ => format!("Order {}", order.reference),
    };
    let address = order.shipping.clone();
    view! {
        <Title text=format!("Order {}", order.reference) />
        <Canonical path=format!("/orders/{}", order.id) />
        <Meta name="description" content=format!("Vitrine order {}.", order.reference) />
        <section class="order" data-testid="order">
            <h1 data-testid="order-heading">{heading}</h1>
            <p class="order-meta">
                "Placed " {format_utc(order.placed_at)} " · Status: "
                <strong data-testid="order-status">{order.status.to_string()}</strong>
                {order.card_last4.clone().map(|l4| format!(" · Paid with the card ending {l4}"))}
            </p>
            {order.payment_declined.clone().map(|reason| view! {
                <p class="form-alert" role="alert">{format!("The payment failed: {reason}.")}</p>
            })}
            <p>{format!("Contact email: {}", order.email)}</p>
            <table class="order-lines">
                <thead>
                    <tr>
                        <th scope="col">"Item"</th>
                        <th scope="col">"Price"</th>
                        <th scope="col">"Quantity"</th>
                        <th scope="col">"Total"</th>
                    </tr>
                </thead>
                <tbody>
                    {order
                        .lines
                        .iter()
                        .map(|line| {
                            view! {
                                <tr data-testid="order-line" data-sku=line.sku.to_string()>
                                    <td>{format!("{} ({})", line.product_title, line.variant_name)}</td>
                                    <td>{line.unit_price.to_string()}</td>
                                    <td>{line.quantity.get()}</td>
                                    <td>{line.line_total.to_string()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <TotalsTable totals=order.totals />
            <h2>"Shipping to"</h2>
            <address>
                {address.name.clone()} <br />
                {address.line1.clone()} <br />
                {(!address.line2.is_empty()).then(|| view! { {address.line2.clone()} <br /> })}
                {format!("{} {} {}", address.city, address.region, address.postal_code)} <br />
                {address.country_name().to_string()}
            </address>
            <p><a href="/account">"Your orders"</a></p>
        </section>
    }
}
