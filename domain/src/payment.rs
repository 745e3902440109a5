//! The payment step, behind [`PaymentProvider`]. Vitrine ships only the
//! built-in [`TestPaymentProvider`] (no real gateway): card numbers starting
//! 4242 are approved, 4000 are declined, like a gateway's test mode.
//! Card numbers are never stored: orders keep the last four digits.

use crate::Money;
use crate::form::FieldErrors;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// Card details as checked at checkout; lives only for the request.
#[derive(Clone, PartialEq, Eq)]
pub struct Card {
    digits: String,
    pub expiry_month: u32,
    pub expiry_year: i32,
}

// Never print a card number, even in debug logs.
impl std::fmt::Debug for Card {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Card(…{})", self.last4())
    }
}

impl Card {
    /// Parses the checkout form's card fields; `today` is (year, month) to
    /// refuse expired cards. Errors are keyed `card_number`, `card_expiry`, `card_cvc`.
    pub fn parse(
        number: &str,
        expiry: &str,
        cvc: &str,
        today: (i32, u32),
    ) -> Result<Card, FieldErrors> {
        let mut errors = FieldErrors::default();
        let digits: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.is_empty() {
            errors.add("card_number", "enter the card number");
        } else if !digits.chars().all(|c| c.is_ascii_digit()) || !(12..=19).contains(&digits.len())
        {
            errors.add("card_number", "a card number has 12 to 19 digits");
        } else if !luhn_ok(&digits) {
            errors.add(
                "card_number",
                "this card number is not valid: check for typos",
            );
        }
        let expiry = errors.check("card_expiry", parse_expiry(expiry, today));
        let cvc = cvc.trim();
        if !(3..=4).contains(&cvc.len()) || !cvc.chars().all(|c| c.is_ascii_digit()) {
            errors.add(
                "card_cvc",
                "the security code is the 3 or 4 digits on the card",
            );
        }
        match expiry {
            Some((expiry_month, expiry_year)) if errors.is_empty() => Ok(Card {
                digits,
                expiry_month,
                expiry_year,
            }),
            _ => Err(errors),
        }
    }

    pub fn last4(&self) -> &str {
        &self.digits[self.digits.len().saturating_sub(4)..]
    }

    fn starts_with(&self, prefix: &str) -> bool {
        self.digits.starts_with(prefix)
    }
}

/// `MM/YY` or `MM/YYYY`, not in the past.
fn parse_expiry(raw: &str, (year, month): (i32, u32)) -> Result<(u32, i32), String> {
    let invalid = || "enter the expiry date as MM/YY".to_string();
    let (m, y) = raw.trim().split_once('/').ok_or_else(invalid)?;
    let m: u32 = m.trim().parse().map_err(|_| invalid())?;
    let y: i32 = y.trim().parse().map_err(|_| invalid())?;
    let y = if y < 100 { 2000 + y } else { y };
    if !(1..=12).contains(&m) {
        return Err(invalid());
    }
    if (y, m) < (year, month) {
        return Err("this card has expired".into());
    }
    Ok((m, y))
}

/// The Luhn checksum every card number carries.
fn luhn_ok(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// What a charge asks for: the order's own reference makes it idempotent at
/// the provider, so a retried charge never takes the money twice.
#[derive(Debug, Clone)]
pub struct ChargeRequest {
    pub order_reference: String,
    pub amount: Money,
    pub card: Card,
}

/// A successful charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// The provider's reference for the charge.
    pub reference: String,
    pub card_last4: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error("{0}")]
    Declined(String),
    #[error("the payment service is unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait PaymentProvider: Send + Sync {
    async fn charge(&self, request: &ChargeRequest) -> Result<Payment, PaymentError>;
    /// Gives back a charge in full (refunds and cancellations of paid orders).
    async fn refund(&self, payment_reference: &str, amount: Money) -> Result<(), PaymentError>;
}

/// The built-in test gateway: 4242… approves, 4000… declines, anything else
/// is declined with a hint. Deterministic references make charges idempotent.
#[derive(Debug, Default, Clone, Copy)]
pub struct TestPaymentProvider;

pub const TEST_CARD_APPROVED: &str = "4242 4242 4242 4242";
pub const TEST_CARD_DECLINED: &str = "4000 0000 0000 0002";

#[async_trait]
impl PaymentProvider for TestPaymentProvider {
    async fn charge(&self, request: &ChargeRequest) -> Result<Payment, PaymentError> {
        let card = &request.card;
        if card.starts_with("4242") {
            Ok(Payment {
                reference: format!("test_ch_{}", request.order_reference),
                card_last4: card.last4().to_string(),
            })
        } else if card.starts_with("4000") {
            Err(PaymentError::Declined("your card was declined".into()))
        } else {
            Err(PaymentError::Declined(format!(
                "this store takes test cards only: use {TEST_CARD_APPROVED}"
            )))
        }
    }

    async fn refund(&self, payment_reference: &str, _amount: Money) -> Result<(), PaymentError> {
        if payment_reference.starts_with("test_ch_") {
            Ok(())
        } else {
            Err(PaymentError::Declined(format!(
                "no test charge {payment_reference:?} to refund"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    const TODAY: (i32, u32) = (2026, 11);

    fn card(number: &str) -> Card {
        Card::parse(number, "12/30", "123", TODAY).unwrap()
    }

    #[test]
    fn test_cards_parse_and_keep_only_the_last_four_in_debug() {
        let c = card(TEST_CARD_APPROVED);
        assert_eq!(c.last4(), "4242");
        assert_eq!(format!("{c:?}"), "Card(…4242)");
        assert_eq!(card(TEST_CARD_DECLINED).last4(), "0002");
    }

    #[test]
    fn bad_card_fields_are_reported_by_name() {
        let e = Card::parse("4242 4242 4242 4241", "13/30", "12", TODAY).unwrap_err();
        assert!(e.get("card_number").unwrap().contains("not valid"));
        assert_eq!(e.get("card_expiry"), Some("enter the expiry date as MM/YY"));
        assert!(e.get("card_cvc").is_some());
        let e = Card::parse("", "10/26", "123", TODAY).unwrap_err();
        assert_eq!(e.get("card_number"), Some("enter the card number"));
        assert_eq!(e.get("card_expiry"), Some("this card has expired"));
        assert!(Card::parse(TEST_CARD_APPROVED, "11/2026", "1234", TODAY).is_ok());
    }

    fn charge(number: &str) -> Result<Payment, PaymentError> {
        let request = ChargeRequest {
            order_reference: "VT-1".into(),
            amount: Money::new(1_000, Currency::Usd),
            card: card(number),
        };
        futures_lite_block_on(TestPaymentProvider.charge(&request))
    }

    #[test]
    fn the_test_provider_approves_4242_and_declines_4000() {
        let payment = charge(TEST_CARD_APPROVED).unwrap();
        assert_eq!(payment.reference, "test_ch_VT-1");
        assert_eq!(payment.card_last4, "4242");
        assert_eq!(
            charge(TEST_CARD_DECLINED),
            Err(PaymentError::Declined("your card was declined".into()))
        );
        // A valid (Luhn) card that is not a test card.
        assert!(
            matches!(charge("5555 5555 5555 4444"), Err(PaymentError::Declined(m)) if m.contains("test cards only"))
        );
    }

    /// The test provider never awaits anything, so one poll finishes it.
    fn futures_lite_block_on<T>(future: impl std::future::Future<Output = T>) -> T {
        use std::task::{Context, Poll, Waker};
        let mut future = std::pin::pin!(future);
        match future
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
        {
            Poll::Ready(value) => value,
            Poll::Pending => panic!("the test provider should not wait"),
        }
    }
}
