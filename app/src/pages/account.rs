//! `/account` (profile and order history), `/account/login` and
//! `/account/register`. The forms post to the same paths; signing out is a
//! post to `/account/logout`.

use crate::api::{AccountPageData, account_form_feedback, account_page};
use crate::components::{Canonical, Field, FormAlert};
use crate::model::time::format_utc;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn AccountPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| account_page());
    view! {
        <Title text="Your account" />
        <Canonical path="/account" />
        <Meta name="description" content="Your Vitrine account and orders." />
        <Meta name="robots" content="noindex" />
        <section class="account">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(Some(data)) => view! { <AccountView data /> }.into_any(),
                        Ok(None) => {
                            #[cfg(feature = "ssr")]
                            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                                response.set_status(http::StatusCode::UNAUTHORIZED);
                            }
                            view! {
                                <h1>"Your account"</h1>
                                <p data-testid="signed-out">
                                    <a href="/account/login">"Sign in"</a> " or "
                                    <a href="/account/register">"create an account"</a>
                                    " to see your orders."
                                </p>
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
fn AccountView(data: AccountPageData) -> impl IntoView {
    let AccountPageData { customer, orders } = data;
    view! {
        <h1 data-testid="account-heading">{format!("Hello, {}", customer.name)}</h1>
        <p>{format!("Signed in as {}.", customer.email)}</p>
        <form method="post" action="/account/logout">
            <button type="submit" data-testid="sign-out">"Sign out"</button>
        </form>
        <h2>"Your orders"</h2>
        {if orders.is_empty() {
            view! { <p data-testid="no-orders">"No orders yet."</p> }.into_any()
        } else {
            view! {
                <table class="order-history" data-testid="order-history">
                    <thead>
                        <tr>
                            <th scope="col">"Order"</th>
                            <th scope="col">"Placed"</th>
                            <th scope="col">"Items"</th>
                            <th scope="col">"Total"</th>
                            <th scope="col">"Status"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {orders
                            .into_iter()
                            .map(|o| {
                                view! {
                                    <tr data-testid="order-row">
                                        <td><a href=format!("/orders/{}", o.id)>{o.reference}</a></td>
                                        <td>{format_utc(o.placed_at)}</td>
                                        <td>{o.item_count}</td>
                                        <td>{o.total.to_string()}</td>
                                        <td data-testid="order-row-status">{o.status.to_string()}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
                .into_any()
        }}
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let feedback = Resource::new(|| (), |_| account_form_feedback("login".into()));
    // Where to go once signed in (e.g. the admin page that sent the visitor here).
    let next = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("next")
        .unwrap_or_default();
    view! {
        <Title text="Sign in" />
        <Canonical path="/account/login" />
        <Meta name="description" content="Sign in to your Vitrine account." />
        <section class="account-form">
            <h1>"Sign in"</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let next = next.clone();
                    Suspend::new(async move {
                    let f = feedback.await.ok().flatten().unwrap_or_default();
                    let next = f.value("next").filter(|n| !n.is_empty()).unwrap_or(next.clone());
                    view! {
                        <form method="post" action="/account/login" data-testid="login-form">
                            <FormAlert message=f.message.clone() />
                            <input type="hidden" name="next" value=next />
                            <Field name="email" label="Email" kind="email" autocomplete="email"
                                maxlength=254 value=f.value("email") error=f.error("email") />
                            <Field name="password" label="Password" kind="password"
                                autocomplete="current-password" maxlength=128 error=f.error("password") />
                            <button type="submit" class="primary" data-testid="sign-in">"Sign in"</button>
                        </form>
                    }
                })}}
            </Suspense>
            <p>"New here? " <a href="/account/register">"Create an account"</a></p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let feedback = Resource::new(|| (), |_| account_form_feedback("register".into()));
    view! {
        <Title text="Create an account" />
        <Canonical path="/account/register" />
        <Meta name="description" content="Create a Vitrine account to see your orders." />
        <section class="account-form">
            <h1>"Create an account"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let f = feedback.await.ok().flatten().unwrap_or_default();
                    view! {
                        <form method="post" action="/account/register" data-testid="register-form">
                            <FormAlert message=f.message.clone() />
                            <Field name="name" label="Your name" autocomplete="name" maxlength=100
                                value=f.value("name") error=f.error("name") />
                            <Field name="email" label="Email" kind="email" autocomplete="email"
                                maxlength=254 value=f.value("email") error=f.error("email") />
                            <Field name="password" label="Password" kind="password"
                                autocomplete="new-password" maxlength=128
                                hint="At least 8 characters." error=f.error("password") />
                            <button type="submit" class="primary" data-testid="register">"Create account"</button>
                        </form>
                    }
                })}
            </Suspense>
            <p>"Already have an account? " <a href="/account/login">"Sign in"</a></p>
        </section>
    }
}
