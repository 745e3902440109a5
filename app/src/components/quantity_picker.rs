use crate::model::{Money, Quantity};
use leptos::prelude::*;

/// Quantity stepper with a live line total: the page's first interactive
/// element, and the proof that hydration worked.
#[component]
pub fn QuantityPicker(#[prop(into)] unit_price: Signal<Money>) -> impl IntoView {
    let (quantity, set_quantity) = signal(1u32);
    let can_decrease = move || quantity.get() > 1;
    let can_increase = move || quantity.get() < Quantity::MAX;
    let total = move || {
        let unit_price = unit_price.get();
        Money::new(
            unit_price.amount_minor * i64::from(quantity.get()),
            unit_price.currency,
        )
        .to_string()
    };
    view! {
        <div class="quantity-picker" role="group" aria-label="Quantity">
            <button
                type="button"
                aria-label="One fewer"
                data-testid="quantity-decrease"
                disabled=move || !can_decrease()
                on:click=move |_| set_quantity.update(|q| *q = q.saturating_sub(1).max(1))
            >
                "−"
            </button>
            <output data-testid="quantity" aria-live="polite">
                {quantity}
            </output>
            <button
                type="button"
                aria-label="One more"
                data-testid="quantity-increase"
                disabled=move || !can_increase()
                on:click=move |_| set_quantity.update(|q| *q = (*q + 1).min(Quantity::MAX))
            >
                "+"
            </button>
            <p class="line-total">
                "Total " <strong data-testid="line-total">{total}</strong>
            </p>
        </div>
    }
}
