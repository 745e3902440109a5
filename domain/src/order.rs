//! The order status machine. Every transition a person or the system asks for
//! goes through [`OrderStatus::transition`], which refuses impossible ones.
//!
//! ```text
//! placed ─pay─▶ paid ─fulfil─▶ fulfilled ─ship─▶ shipped ─deliver─▶ delivered
//!   │            │                │
//!   └─cancel─────┴─cancel─────────┘            (cancelled: stock goes back)
//! paid / fulfilled / shipped / delivered ─refund─▶ refunded (stock goes back)
//! ```

use crate::address::ShippingAddress;
use crate::cart::VariantId;
use crate::customer::CustomerId;
use crate::pricing::Totals;
use crate::{Email, Money, Quantity, Sku, Slug};
use serde::{Deserialize, Serialize};
use std::fmt;

pub type OrderId = i64;

/// The reference shoppers quote, e.g. `VT-000042`.
pub fn order_reference(id: OrderId) -> String {
    format!("VT-{id:06}")
}

/// One line of a placed order: what was bought, at the price it had then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLine {
    pub variant_id: VariantId,
    pub sku: Sku,
    pub product_slug: Slug,
    pub product_title: String,
    pub variant_name: String,
    pub unit_price: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = u32))]
    pub quantity: Quantity,
    pub line_total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderDetail {
    pub id: OrderId,
    /// What shoppers quote, e.g. `VT-000042`.
    pub reference: String,
    pub status: OrderStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub email: Email,
    pub shipping: ShippingAddress,
    pub lines: Vec<OrderLine>,
    pub totals: Totals,
    pub card_last4: Option<String>,
    /// Why the payment failed, when it did (the order is then cancelled).
    pub payment_declined: Option<String>,
    /// Unix seconds, UTC.
    pub placed_at: i64,
    pub customer_id: Option<CustomerId>,
    /// The session that placed it (guest checkouts see their order by it); never sent out.
    #[serde(skip)]
    pub session_id: Option<String>,
    /// The payment provider's reference; never sent to shoppers.
    #[serde(skip)]
    pub payment_reference: Option<String>,
}

/// An order as a history list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderSummary {
    pub id: OrderId,
    pub reference: String,
    pub status: OrderStatus,
    pub total: Money,
    pub item_count: u32,
    pub placed_at: i64,
}

impl OrderDetail {
    pub fn summary(&self) -> OrderSummary {
        OrderSummary {
            id: self.id,
            reference: self.reference.clone(),
            status: self.status,
            total: self.totals.total,
            item_count: self.lines.iter().map(|l| l.quantity.get()).sum(),
            placed_at: self.placed_at,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderStatus {
    Placed,
    Paid,
    Fulfilled,
    Shipped,
    Delivered,
    Cancelled,
    Refunded,
}

/// What someone asks to happen to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderAction {
    Pay,
    Fulfil,
    Ship,
    Deliver,
    Cancel,
    Refund,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an order that is {from} cannot be {}", action.past_tense())]
pub struct InvalidTransition {
    pub from: OrderStatus,
    pub action: OrderAction,
}

impl OrderAction {
    fn past_tense(self) -> &'static str {
        match self {
            OrderAction::Pay => "paid",
            OrderAction::Fulfil => "fulfilled",
            OrderAction::Ship => "shipped",
            OrderAction::Deliver => "delivered",
            OrderAction::Cancel => "cancelled",
            OrderAction::Refund => "refunded",
        }
    }
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::Placed,
        OrderStatus::Paid,
        OrderStatus::Fulfilled,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
            OrderStatus::Paid => "paid",
            OrderStatus::Fulfilled => "fulfilled",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Refunded => "refunded",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The status after `action`, or why it cannot happen.
    pub fn transition(self, action: OrderAction) -> Result<OrderStatus, InvalidTransition> {
        use OrderAction::*;
        use OrderStatus::*;
        let next = match (self, action) {
            (Placed, Pay) => Paid,
            (Paid, Fulfil) => Fulfilled,
            (Fulfilled, Ship) => Shipped,
            (Shipped, Deliver) => Delivered,
            (Placed | Paid | Fulfilled, Cancel) => Cancelled,
            (Paid | Fulfilled | Shipped | Delivered, Refund) => Refunded,
            (from, action) => return Err(InvalidTransition { from, action }),
        };
        Ok(next)
    }

    /// Whether reaching this status puts the order's items back in stock.
    pub fn restocks(self) -> bool {
        matches!(self, OrderStatus::Cancelled | OrderStatus::Refunded)
    }

    /// No further transitions are possible.
    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::Cancelled | OrderStatus::Refunded)
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::OrderAction::*;
    use super::OrderStatus::*;
    use super::*;

    #[test]
    fn the_happy_path_runs_from_placed_to_delivered() {
        let mut status = Placed;
        for action in [Pay, Fulfil, Ship, Deliver] {
            status = status.transition(action).unwrap();
        }
        assert_eq!(status, Delivered);
    }

    #[test]
    fn steps_cannot_be_skipped_or_repeated() {
        assert!(Placed.transition(Ship).is_err());
        assert!(Placed.transition(Fulfil).is_err());
        assert!(Paid.transition(Pay).is_err());
        assert!(Delivered.transition(Ship).is_err());
    }

    #[test]
    fn cancel_only_before_shipping_and_refund_only_after_payment() {
        assert_eq!(Placed.transition(Cancel), Ok(Cancelled));
        assert_eq!(Fulfilled.transition(Cancel), Ok(Cancelled));
        assert!(Shipped.transition(Cancel).is_err());
        assert!(Placed.transition(Refund).is_err());
        assert_eq!(Delivered.transition(Refund), Ok(Refunded));
    }

    #[test]
    fn final_statuses_accept_nothing_and_restock() {
        for status in [Cancelled, Refunded] {
            assert!(status.is_final() && status.restocks());
            for action in [Pay, Fulfil, Ship, Deliver, Cancel, Refund] {
                assert!(status.transition(action).is_err());
            }
        }
        assert!(!Paid.restocks());
    }

    #[test]
    fn errors_read_like_sentences() {
        let error = Shipped.transition(Cancel).unwrap_err();
        assert_eq!(
            error.to_string(),
            "an order that is shipped cannot be cancelled"
        );
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(OrderStatus::parse("lost"), None);
    }
}
