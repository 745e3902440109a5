//! `/admin/orders` (filter by status, dates and customer) and
//! `/admin/orders/:id` (lines, address, history and the actions the order's
//! status allows: fulfil, ship with a tracking number, deliver, cancel or
//! refund, which put the stock back).

use super::{Pager, query_string, staffed};
use crate::api::{OrderDesk, admin_order, admin_orders};
use crate::components::FormAlert;
use crate::model::OrderStatus;
use crate::model::back_office::ListPage;
use crate::model::order::OrderAction;
use crate::model::order_desk::{OrderRow, action_label, action_str};
use crate::model::time::format_utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[derive(Clone, PartialEq)]
struct Asked {
    status: String,
    from: String,
    to: String,
    customer: String,
    page: String,
}

#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        let map = query.read();
        let get = |name: &str| map.get(name).unwrap_or_default();
        Asked {
            status: get("status"),
            from: get("from"),
            to: get("to"),
            customer: get("customer"),
            page: get("page"),
        }
    };
    let data = Resource::new(asked, |a| {
        admin_orders(a.status, a.from, a.to, a.customer, a.page)
    });
    view! {
        <Title text="Orders · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let asked = asked();
                staffed(data.await, "orders", move |list| view! { <OrderList list asked /> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn OrderList(list: ListPage<OrderRow>, asked: Asked) -> impl IntoView {
    let pages = list.pages();
    let base = query_string(&[
        ("status", asked.status.clone()),
        ("from", asked.from.clone()),
        ("to", asked.to.clone()),
        ("customer", asked.customer.clone()),
    ]);
    view! {
        <h1>"Orders"</h1>
        <form class="admin-filters" method="get" action="/admin/orders">
            <label>
                "Status "
                <select name="status" data-testid="order-status-filter">
                    <option value="">"Any"</option>
                    {OrderStatus::ALL.into_iter().map(|s| {
                        let chosen = s.as_str() == asked.status;
                        view! { <option value=s.as_str() selected=chosen>{s.as_str()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>"From " <input type="date" name="from" value=asked.from.clone() data-testid="order-from" /></label>
            <label>"To " <input type="date" name="to" value=asked.to.clone() data-testid="order-to" /></label>
            <label>
                "Customer "
                <input type="search" name="customer" value=asked.customer.clone() maxlength="254"
                    placeholder="Email" data-testid="order-customer" />
            </label>
            <button type="submit">"Filter"</button>
        </form>
        <p data-testid="order-count">{super::count(list.total, "order", "orders")}</p>
        {if list.items.is_empty() {
            view! { <p data-testid="no-orders">"No order matches these filters."</p> }.into_any()
        } else {
            view! {
                <table class="admin-table" data-testid="admin-orders">
                    <thead><tr>
                        <th scope="col">"Order"</th><th scope="col">"Placed"</th><th scope="col">"Customer"</th>
                        <th scope="col">"Ship to"</th><th scope="col">"Items"</th><th scope="col">"Total"</th>
                        <th scope="col">"Status"</th>
                    </tr></thead>
                    <tbody>
                        {list.items.into_iter().map(|o| view! {
                            <tr data-testid="admin-order-row">
                                <td><a href=format!("/admin/orders/{}", o.id)>{o.reference}</a></td>
                                <td>{format_utc(o.placed_at)}</td>
                                <td>{o.email}</td>
                                <td>{o.ship_to}</td>
                                <td class="number">{o.item_count}</td>
                                <td class="number">{o.total.to_string()}</td>
                                <td><span class=format!("status status-{}", o.status.as_str())>{o.status.as_str()}</span></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <Pager path="/admin/orders" base page=list.page pages />
    }
}

#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = Resource::new(id, admin_order);
    view! {
        <Title text="Order · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let saved = query.read_untracked().get("saved");
                staffed(data.await, "orders", move |desk| match desk {
                    None => view! { <crate::pages::NotFound /> }.into_any(),
                    Some(desk) => view! { <OrderView desk saved /> }.into_any(),
                })
            })}
        </Suspense>
    }
}

#[component]
fn OrderView(desk: OrderDesk, saved: Option<String>) -> impl IntoView {
    let OrderDesk {
        order,
        events,
        actions,
        feedback,
    } = desk;
    let f = feedback
        .filter(|f| f.form == "order-status")
        .unwrap_or_default();
    let a = order.shipping.clone();
    let address = [
        a.name,
        a.line1,
        a.line2,
        a.city,
        a.region,
        a.postal_code,
        a.country,
    ]
    .into_iter()
    .filter(|line| !line.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let id = order.id;
    view! {
        <h1>{format!("Order {}", order.reference)}</h1>
        {saved.map(|action| view! {
            <p class="form-saved" role="status" data-testid="saved">{format!("Done: {action}.")}</p>
        })}
        <p>
            <span class=format!("status status-{}", order.status.as_str()) data-testid="order-status">
                {order.status.as_str()}
            </span>
            {format!(" · placed {} by {}", format_utc(order.placed_at), order.email)}
        </p>
        {order.payment_declined.clone().map(|why| view! { <p class="error">{format!("Payment declined: {why}")}</p> })}
        <p>{format!("Ship to: {address}")}</p>
        <table class="admin-table" data-testid="order-lines">
            <thead><tr><th scope="col">"Item"</th><th scope="col">"SKU"</th><th scope="col">"Price"</th><th scope="col">"Qty"</th><th scope="col">"Total"</th></tr></thead>
            <tbody>
                {order.lines.iter().map(|l| view! {
                    <tr>
                        <td>{format!("{} ({})", l.product_title, l.variant_name)}</td>
                        <td><code>{l.sku.to_string()}</code></td>
                        <td class="number">{l.unit_price.to_string()}</td>
                        <td class="number">{l.quantity.get()}</td>
                        <td class="number">{l.line_total.to_string()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p class="order-totals">
            {format!(
                "Subtotal {} · shipping {} · tax {} · total {}",
                order.totals.subtotal, order.totals.shipping, order.totals.tax, order.totals.total
            )}
        </p>

        <section class="admin-section">
            <h2>"Move the order on"</h2>
            <FormAlert message=f.message.clone() />
            {f.error("action").map(|m| view! { <p class="field-error" data-testid="action-error">{m}</p> })}
            {if actions.is_empty() {
                view! { <p data-testid="no-actions">"This order is closed: nothing more can happen to it."</p> }.into_any()
            } else {
                view! {
                    <div class="order-actions">
                        {actions.into_iter().map(|action| {
                            let tracking_error = f.error("tracking_number");
                            view! {
                                <form method="post" action=format!("/admin/orders/{id}/status") class="admin-form"
                                    data-testid=format!("action-{}", action_str(action))>
                                    <input type="hidden" name="action" value=action_str(action) />
                                    {(action == OrderAction::Ship).then(|| view! {
                                        <div class=if tracking_error.is_some() { "field invalid" } else { "field" }>
                                            <label for="tracking-number">"Tracking number"</label>
                                            <input id="tracking-number" name="tracking_number" required=true maxlength="40"
                                                value=f.value("tracking_number").unwrap_or_default()
                                                data-testid="tracking-number" />
                                            {tracking_error.clone().map(|m| view! {
                                                <p class="field-error" data-testid="tracking-number-error">{m}</p>
                                            })}
                                        </div>
                                    })}
                                    <button type="submit" class=if matches!(action, OrderAction::Cancel | OrderAction::Refund) { "danger" } else { "primary" }>
                                        {action_label(action)}
                                    </button>
                                </form>
                            }
                        }).collect_view()}
                    </div>
                }.into_any()
            }}
        </section>

        <section class="admin-section">
            <h2>"History"</h2>
            <ol class="order-history-events" data-testid="order-events">
                {events.into_iter().map(|e| view! {
                    <li data-testid="order-event">
                        {format!("{} — {}", format_utc(e.at), e.status.as_str())}
                        {e.note.map(|n| format!(" ({n})"))}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <p><a href="/admin/orders">"← All orders"</a></p>
    }
}
