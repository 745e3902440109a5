//! `/admin`: today's orders and revenue, orders to fulfil, low stock, the
//! most-viewed products and the latest orders.

use super::staffed;
use crate::api::admin_dashboard;
use crate::model::back_office::{Dashboard, LOW_STOCK_AT, VIEWS_OVER_DAYS};
use crate::model::time::format_utc;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| admin_dashboard());
    view! {
        <Title text="Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                staffed(data.await, "dashboard", |data| view! { <DashboardView data /> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn DashboardView(data: Dashboard) -> impl IntoView {
    let revenue = if data.revenue_today.is_empty() {
        "—".to_string()
    } else {
        data.revenue_today
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" + ")
    };
    view! {
        <h1>"Dashboard"</h1>
        <div class="admin-figures">
            <div class="figure" data-testid="orders-today">
                <span class="figure-value">{data.orders_today}</span>
                <span class="figure-label">"orders today (UTC)"</span>
            </div>
            <div class="figure" data-testid="revenue-today">
                <span class="figure-value">{revenue}</span>
                <span class="figure-label">"revenue today"</span>
            </div>
            <div class="figure" data-testid="to-fulfil">
                <span class="figure-value">{data.to_fulfil}</span>
                <span class="figure-label">"paid orders to fulfil"</span>
            </div>
        </div>
        <h2>{format!("Low stock ({LOW_STOCK_AT} or fewer)")}</h2>
        {if data.low_stock.is_empty() {
            view! { <p data-testid="no-low-stock">"Every variant has more than " {LOW_STOCK_AT} " in stock."</p> }.into_any()
        } else {
            view! {
                <table class="admin-table" data-testid="low-stock">
                    <thead><tr><th scope="col">"Product"</th><th scope="col">"Variant"</th><th scope="col">"SKU"</th><th scope="col">"In stock"</th></tr></thead>
                    <tbody>
                        {data.low_stock.into_iter().map(|s| view! {
                            <tr>
                                <td><a href=format!("/p/{}", s.product_slug)>{s.product_title}</a></td>
                                <td>{s.variant_name}</td>
                                <td><code>{s.sku}</code></td>
                                <td class="number">{s.stock_on_hand}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <h2>{format!("Most viewed (last {VIEWS_OVER_DAYS} days)")}</h2>
        {if data.most_viewed.is_empty() {
            view! { <p data-testid="no-views">"No product pages opened yet."</p> }.into_any()
        } else {
            view! {
                <table class="admin-table" data-testid="most-viewed">
                    <thead><tr><th scope="col">"Product"</th><th scope="col">"Page views"</th></tr></thead>
                    <tbody>
                        {data.most_viewed.into_iter().map(|p| view! {
                            <tr>
                                <td><a href=format!("/admin/products/{}", p.product_slug)>{p.product_title}</a></td>
                                <td class="number">{p.views}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <h2>"Latest orders"</h2>
        {if data.recent_orders.is_empty() {
            view! { <p>"No orders yet."</p> }.into_any()
        } else {
            view! {
                <table class="admin-table" data-testid="recent-orders">
                    <thead><tr><th scope="col">"Order"</th><th scope="col">"Placed"</th><th scope="col">"Items"</th><th scope="col">"Total"</th><th scope="col">"Status"</th></tr></thead>
                    <tbody>
                        {data.recent_orders.into_iter().map(|o| view! {
                            <tr>
                                <td>{o.reference}</td>
                                <td>{format_utc(o.placed_at)}</td>
                                <td class="number">{o.item_count}</td>
                                <td class="number">{o.total.to_string()}</td>
                                <td>{o.status.as_str()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}
