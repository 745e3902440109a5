//! Order totals, computed on the server only, from prices snapshotted when
//! the order is placed. Integer minor units throughout; tax rounds half up.

use crate::{Currency, Money, Quantity};
use serde::{Deserialize, Serialize};

/// One line to price: a unit price (as snapshotted) times a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricedLine {
    pub unit_price: Money,
    pub quantity: Quantity,
}

/// The store's shipping and tax rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricingRules {
    /// Flat shipping per order, in minor units…
    pub flat_shipping_minor: i64,
    /// …waived when the subtotal reaches this (minor units).
    pub free_shipping_from_minor: i64,
    /// Sales tax on subtotal plus shipping, in basis points (825 = 8.25 %).
    pub tax_basis_points: i64,
}

impl PricingRules {
    /// Vitrine's demo rule: $9.95 shipping, free from $100, 8.25 % tax.
    pub const STANDARD: PricingRules = PricingRules {
        flat_shipping_minor: 995,
        free_shipping_from_minor: 10_000,
        tax_basis_points: 825,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    pub subtotal: Money,
    pub shipping: Money,
    pub tax: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    #[error("the cart is empty")]
    Empty,
    #[error("items in one order must share a currency")]
    MixedCurrencies,
    #[error("the order total is too large")]
    Overflow,
}

pub fn price(lines: &[PricedLine], rules: PricingRules) -> Result<Totals, PricingError> {
    let currency: Currency = lines
        .first()
        .ok_or(PricingError::Empty)?
        .unit_price
        .currency;
    let mut subtotal: i64 = 0;
    for line in lines {
        if line.unit_price.currency != currency {
            return Err(PricingError::MixedCurrencies);
        }
        let amount = line
            .unit_price
            .amount_minor
            .checked_mul(i64::from(line.quantity.get()))
            .ok_or(PricingError::Overflow)?;
        subtotal = subtotal.checked_add(amount).ok_or(PricingError::Overflow)?;
    }
    let shipping = if subtotal >= rules.free_shipping_from_minor {
        0
    } else {
        rules.flat_shipping_minor
    };
    let taxable = subtotal
        .checked_add(shipping)
        .ok_or(PricingError::Overflow)?;
    let tax = taxable
        .checked_mul(rules.tax_basis_points)
        .and_then(|t| t.checked_add(5_000))
        .ok_or(PricingError::Overflow)?
        / 10_000;
    let total = taxable.checked_add(tax).ok_or(PricingError::Overflow)?;
    let money = |amount| Money::new(amount, currency);
    Ok(Totals {
        subtotal: money(subtotal),
        shipping: money(shipping),
        tax: money(tax),
        total: money(total),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(amount: i64, quantity: u32) -> PricedLine {
        PricedLine {
            unit_price: Money::new(amount, Currency::Usd),
            quantity: Quantity::new(quantity).unwrap(),
        }
    }

    #[test]
    fn small_orders_pay_shipping_and_tax_on_both() {
        let totals = price(&[line(2_900, 1), line(1_000, 2)], PricingRules::STANDARD).unwrap();
        assert_eq!(totals.subtotal.amount_minor, 4_900);
        assert_eq!(totals.shipping.amount_minor, 995);
        // 8.25 % of 58.95 = 4.863375 → 4.86
        assert_eq!(totals.tax.amount_minor, 486);
        assert_eq!(totals.total.amount_minor, 4_900 + 995 + 486);
    }

    #[test]
    fn shipping_is_free_from_the_threshold() {
        let totals = price(&[line(10_000, 1)], PricingRules::STANDARD).unwrap();
        assert_eq!(totals.shipping.amount_minor, 0);
        assert_eq!(totals.tax.amount_minor, 825);
        let just_below = price(&[line(9_999, 1)], PricingRules::STANDARD).unwrap();
        assert_eq!(just_below.shipping.amount_minor, 995);
    }

    #[test]
    fn tax_rounds_half_up() {
        let rules = PricingRules {
            flat_shipping_minor: 0,
            free_shipping_from_minor: 0,
            tax_basis_points: 5_000,
        };
        // 50 % of 1 cent = 0.5 → 1; of 3 cents = 1.5 → 2
        assert_eq!(price(&[line(1, 1)], rules).unwrap().tax.amount_minor, 1);
        assert_eq!(price(&[line(3, 1)], rules).unwrap().tax.amount_minor, 2);
    }

    #[test]
    fn refuses_empty_mixed_and_overflowing_carts() {
        assert_eq!(price(&[], PricingRules::STANDARD), Err(PricingError::Empty));
        let euro = PricedLine {
            unit_price: Money::new(100, Currency::Eur),
            quantity: Quantity::ONE,
        };
        assert_eq!(
            price(&[line(100, 1), euro], PricingRules::STANDARD),
            Err(PricingError::MixedCurrencies)
        );
        assert_eq!(
            price(&[line(i64::MAX / 2, 3)], PricingRules::STANDARD),
            Err(PricingError::Overflow)
        );
    }
}
