//! `/admin/products`: every product, published or not, with search, filters
//! (status, category, low stock) and paging. The filters are a GET form, so
//! a filtered list is a link that can be shared.

use super::{Pager, query_string, staffed};
use crate::api::{admin_products, list_categories};
use crate::model::back_office::{LOW_STOCK_AT, ListPage, ProductRow};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, PartialEq)]
struct Asked {
    q: String,
    status: String,
    category: String,
    stock: String,
    page: String,
}

#[component]
pub fn AdminProductsPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        let map = query.read();
        let get = |name: &str| map.get(name).unwrap_or_default();
        Asked {
            q: get("q"),
            status: get("status"),
            category: get("category"),
            stock: get("stock"),
            page: get("page"),
        }
    };
    let data = Resource::new(asked, |a| {
        admin_products(a.q, a.status, a.category, a.stock, a.page)
    });
    let categories = Resource::new(|| (), |_| list_categories());
    view! {
        <Title text="Products · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let asked = asked();
                let categories = categories.await.unwrap_or_default();
                staffed(data.await, "products", move |list| {
                    view! { <ProductList list asked categories /> }.into_any()
                })
            })}
        </Suspense>
    }
}

#[component]
fn ProductList(
    list: ListPage<ProductRow>,
    asked: Asked,
    categories: Vec<crate::model::Category>,
) -> impl IntoView {
    let pages = list.pages();
    let base = query_string(&[
        ("q", asked.q.clone()),
        ("status", asked.status.clone()),
        ("category", asked.category.clone()),
        ("stock", asked.stock.clone()),
    ]);
    let status = asked.status.clone();
    let selected = move |value: &str| status == value;
    view! {
        <h1>"Products"</h1>
        <p><a class="button primary" href="/admin/products/new" data-testid="new-product">"New product"</a></p>
        <form class="admin-filters" method="get" action="/admin/products" role="search">
            <label>
                "Search "
                <input type="search" name="q" value=asked.q.clone() maxlength="100"
                    placeholder="Title, slug or SKU" data-testid="product-search" />
            </label>
            <label>
                "Status "
                <select name="status" data-testid="status-filter">
                    <option value="" selected=selected("")>"Any"</option>
                    <option value="published" selected=selected("published")>"Published"</option>
                    <option value="draft" selected=selected("draft")>"Draft"</option>
                </select>
            </label>
            <label>
                "Category "
                <select name="category" data-testid="category-filter">
                    <option value="">"Any"</option>
                    {categories.into_iter().map(|c| {
                        let chosen = c.slug.as_str() == asked.category;
                        view! { <option value=c.slug.as_str().to_string() selected=chosen>{c.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <input type="checkbox" name="stock" value="low" checked=asked.stock == "low"
                    data-testid="low-stock-filter" />
                {format!(" Low stock (≤ {LOW_STOCK_AT})")}
            </label>
            <button type="submit">"Filter"</button>
        </form>
        <p data-testid="product-count">{super::count(list.total, "product", "products")}</p>
        {if list.items.is_empty() {
            view! { <p data-testid="no-products">"No product matches these filters."</p> }.into_any()
        } else {
            view! {
                <table class="admin-table" data-testid="admin-products">
                    <thead>
                        <tr>
                            <th scope="col">"Product"</th>
                            <th scope="col">"Category"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Variants"</th>
                            <th scope="col">"From"</th>
                            <th scope="col">"Stock"</th>
                            <th scope="col">"3D"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {list.items.into_iter().map(|p| {
                            let low = p.variants > 0 && p.lowest_stock <= LOW_STOCK_AT;
                            view! {
                                <tr data-testid="admin-product-row">
                                    <td>
                                        <a href=format!("/admin/products/{}", p.slug)>{p.title}</a>
                                        <br /><code>{p.slug.clone()}</code>
                                    </td>
                                    <td>{p.category.unwrap_or_else(|| "—".into())}</td>
                                    <td>{if p.published { "Published" } else { "Draft" }}</td>
                                    <td class="number">{p.variants}</td>
                                    <td class="number">{p.from_price.map(|m| m.to_string()).unwrap_or_else(|| "—".into())}</td>
                                    <td class="number" class:low-stock=low>
                                        {p.total_stock}
                                        {low.then(|| view! { <span class="badge">{format!(" lowest {}", p.lowest_stock)}</span> })}
                                    </td>
                                    <td>{if p.has_model { "Yes" } else { "—" }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <Pager path="/admin/products" base page=list.page pages />
    }
}
