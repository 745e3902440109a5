use crate::model::{Money, Quantity};
use leptos::prelude::*;

/// The add-to-cart quantity: a plain number field named `quantity` (it posts
/// without JavaScript), with −/+ buttons and a live line total once hydrated.
#[component]
pub fn QuantityPicker(
    #[prop(into)] unit_price: Signal<Money>,
    #[prop(default = 1)] initial: u32,
    #[prop(default = None)] error: Option<String>,
) -> impl IntoView {
    let (quantity, set_quantity) = signal(initial.clamp(1, Quantity::MAX));
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
    let invalid = error.is_some();
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
            <label class="visually-hidden" for="quantity">"Quantity"</label>
            <input
                id="quantity"
                type="number"
                name="quantity"
                min="1"
                max=Quantity::MAX.to_string()
                value=initial.to_string()
                prop:value=move || quantity.get().to_string()
                on:input=move |ev| {
                    if let Ok(n) = event_target_value(&ev).trim().parse::<u32>() {
                        set_quantity.set(n.clamp(1, Quantity::MAX));
                    }
                }
                aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then_some("quantity-error")
                data-testid="quantity"
            />
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
            {error.map(|e| view! { <p class="field-error" id="quantity-error" data-testid="error-quantity">{e}</p> })}
        </div>
    }
}
