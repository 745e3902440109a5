//! `/checkout`: shipping address and the test card, posted to `/checkout`.
//! Totals shown here are an estimate; the server prices the order again
//! from current prices when it is placed.

use crate::api::{CheckoutPageData, checkout_page};
use crate::components::{Canonical, Field, FormAlert};
use crate::model::address::SHIPPING_COUNTRIES;
use crate::model::payment::TEST_CARD_APPROVED;
use crate::model::pricing::Totals;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| checkout_page());
    view! {
        <Title text="Checkout" />
        <Canonical path="/checkout" />
        <Meta name="description" content="Check out your Vitrine cart." />
        <Meta name="robots" content="noindex" />
        <section class="checkout">
            <h1>"Checkout"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <CheckoutForm data /> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CheckoutForm(data: CheckoutPageData) -> impl IntoView {
    let CheckoutPageData {
        cart,
        customer,
        idempotency_key,
        feedback,
    } = data;
    let feedback = feedback.unwrap_or_default();
    let Some(totals) = cart.totals else {
        return view! {
            <FormAlert message=feedback.message.clone() />
            <p data-testid="cart-empty">"Your cart is empty. " <a href="/">"Browse the catalog"</a></p>
        }
            .into_any();
    };
    let value = |field: &str| feedback.value(field);
    let error = |field: &str| feedback.error(field);
    let email = value("email").or(customer.map(|c| c.email.to_string()));
    let country = value("country").unwrap_or_else(|| "US".into());
    let country_error = error("country");
    view! {
        <div class="checkout-layout">
            <form method="post" action="/checkout" class="checkout-form" data-testid="checkout-form">
                <FormAlert message=feedback.message.clone().or(error("cart")).or(error("idempotency_key")) />
                <input type="hidden" name="idempotency_key" value=idempotency_key />
                <fieldset>
                    <legend>"Contact"</legend>
                    <Field name="email" label="Email" kind="email" autocomplete="email" maxlength=254
                        value=email error=error("email") />
                </fieldset>
                <fieldset>
                    <legend>"Shipping address"</legend>
                    <Field name="name" label="Full name" autocomplete="name" maxlength=100
                        value=value("name") error=error("name") />
                    <Field name="line1" label="Address" autocomplete="address-line1"
                        value=value("line1") error=error("line1") />
                    <Field name="line2" label="Apartment, suite (optional)" autocomplete="address-line2"
                        required=false value=value("line2") error=error("line2") />
                    <Field name="city" label="City" autocomplete="address-level2" maxlength=100
                        value=value("city") error=error("city") />
                    <Field name="region" label="State or region (optional)" autocomplete="address-level1"
                        required=false maxlength=100 value=value("region") error=error("region") />
                    <Field name="postal_code" label="Postal code" autocomplete="postal-code" maxlength=12
                        value=value("postal_code") error=error("postal_code") />
                    <CountrySelect selected=country error=country_error />
                </fieldset>
                <fieldset>
                    <legend>"Payment"</legend>
                    <p class="field-hint test-card">
                        "This store takes test cards only: " <code>{TEST_CARD_APPROVED}</code>
                        " pays, 4000 0000 0000 0002 is declined. Any future expiry and any CVC."
                    </p>
                    <Field name="card_number" label="Card number" autocomplete="cc-number" maxlength=23
                        error=error("card_number") />
                    <Field name="card_expiry" label="Expiry (MM/YY)" autocomplete="cc-exp" maxlength=7
                        value=value("card_expiry") error=error("card_expiry") />
                    <Field name="card_cvc" label="Security code" autocomplete="cc-csc" maxlength=4
                        error=error("card_cvc") />
                </fieldset>
                <button type="submit" class="primary" data-testid="place-order">
                    {format!("Place order · {}", totals.total)}
                </button>
            </form>
            <aside class="order-summary">
                <h2>"Order summary"</h2>
                <ul class="summary-lines">
                    {cart
                        .items
                        .into_iter()
                        .map(|item| {
                            view! {
                                <li>
                                    {format!("{} × {} ({})", item.quantity, item.product_title, item.variant_name)}
                                    <span>{item.line_total.to_string()}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <TotalsTable totals estimate=true />
            </aside>
        </div>
    }
        .into_any()
}

#[component]
fn CountrySelect(selected: String, error: Option<String>) -> impl IntoView {
    let invalid = error.is_some();
    view! {
        <div class=if invalid { "field invalid" } else { "field" }>
            <label for="field-country">"Country"</label>
            <select id="field-country" name="country" autocomplete="country" data-testid="field-country"
                aria-invalid=invalid.then_some("true")>
                {SHIPPING_COUNTRIES
                    .iter()
                    .map(|(code, name)| {
                        view! { <option value=*code selected=selected == *code>{*name}</option> }
                    })
                    .collect_view()}
            </select>
            {error.map(|e| view! { <p class="field-error" data-testid="error-country">{e}</p> })}
        </div>
    }
}

/// Subtotal, shipping, tax and total.
#[component]
pub fn TotalsTable(totals: Totals, #[prop(default = false)] estimate: bool) -> impl IntoView {
    view! {
        <dl class="totals" data-testid="totals">
            <dt>"Subtotal"</dt>
            <dd data-testid="subtotal">{totals.subtotal.to_string()}</dd>
            <dt>"Shipping"</dt>
            <dd data-testid="shipping">
                {if totals.shipping.amount_minor == 0 { "Free".to_string() } else { totals.shipping.to_string() }}
            </dd>
            <dt>{if estimate { "Estimated tax" } else { "Tax" }}</dt>
            <dd data-testid="tax">{totals.tax.to_string()}</dd>
            <dt class="total">"Total"</dt>
            <dd class="total" data-testid="total">{totals.total.to_string()}</dd>
        </dl>
    }
}
