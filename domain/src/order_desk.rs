//! The order desk: how merchandisers find orders and move them on (fulfil,
//! ship with a tracking number, deliver, cancel or refund). The status
//! machine itself is `crate::order`; this adds the filters, the list rows
//! and the checks on what staff type.

use crate::back_office::{contains_pattern, page_offset, query_page, query_value};
use crate::form::FieldErrors;
use crate::money::Money;
use crate::order::{OrderAction, OrderStatus};
use serde::{Deserialize, Serialize};

/// Which orders the list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    /// Placed on or after this day (midnight UTC, unix seconds).
    pub from: Option<i64>,
    /// Placed before the end of this day (unix seconds of the next midnight).
    pub until: Option<i64>,
    /// Part of the customer's email (any case).
    pub customer: String,
    /// From 1.
    pub page: u32,
}

impl OrderFilter {
    /// Reads `status`, `from` and `to` (`YYYY-MM-DD`), `customer`, `page`;
    /// values that do not parse are ignored, as a hand-edited URL should
    /// still show a list.
    pub fn from_query(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| query_value(pairs, name);
        OrderFilter {
            status: get("status").and_then(|s| OrderStatus::parse(&s)),
            from: get("from").and_then(|d| day_start(&d)),
            until: get("to").and_then(|d| day_start(&d)).map(|d| d + 86_400),
            customer: get("customer")
                .unwrap_or_default()
                .to_lowercase()
                .chars()
                .take(254)
                .collect(),
            page: query_page(pairs),
        }
    }

    pub fn offset(&self) -> i64 {
        page_offset(self.page)
    }

    /// The `LIKE` pattern for the customer filter (wildcards taken literally).
    pub fn customer_pattern(&self) -> String {
        contains_pattern(&self.customer)
    }
}

/// Midnight UTC of a `YYYY-MM-DD` day, in unix seconds.
pub fn day_start(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    // Refuse days that roll over (31 April) rather than guess.
    let seconds = days * 86_400;
    let (y2, m2, d2, ..) = crate::time::utc_parts(seconds);
    (i64::from(y2) == year && i64::from(m2) == month && i64::from(d2) == day).then_some(seconds)
}

/// One row of the admin order list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    pub id: i64,
    pub reference: String,
    pub placed_at: i64,
    pub email: String,
    pub ship_to: String,
    pub status: OrderStatus,
    pub total: Money,
    pub item_count: u32,
}

/// One step of an order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    pub status: OrderStatus,
    /// The tracking number of a shipment, why a payment failed, who cancelled.
    pub note: Option<String>,
    pub at: i64,
}

/// What staff may do to an order now, in the order the page offers them.
pub fn actions_for(status: OrderStatus) -> Vec<OrderAction> {
    [
        OrderAction::Fulfil,
        OrderAction::Ship,
        OrderAction::Deliver,
        OrderAction::Cancel,
        OrderAction::Refund,
    ]
    .into_iter()
    .filter(|a| status.transition(*a).is_ok())
    .collect()
}

/// A button's words for an action.
pub fn action_label(action: OrderAction) -> &'static str {
    match action {
        OrderAction::Pay => "Mark paid",
        OrderAction::Fulfil => "Mark fulfilled (packed)",
        OrderAction::Ship => "Mark shipped",
        OrderAction::Deliver => "Mark delivered",
        OrderAction::Cancel => "Cancel order (restocks, refunds if paid)",
        OrderAction::Refund => "Refund order (restocks)",
    }
}

pub fn parse_action(raw: &str) -> Option<OrderAction> {
    match raw.trim() {
        "fulfil" => Some(OrderAction::Fulfil),
        "ship" => Some(OrderAction::Ship),
        "deliver" => Some(OrderAction::Deliver),
        "cancel" => Some(OrderAction::Cancel),
        "refund" => Some(OrderAction::Refund),
        _ => None,
    }
}

pub fn action_str(action: OrderAction) -> &'static str {
    match action {
        OrderAction::Pay => "pay",
        OrderAction::Fulfil => "fulfil",
        OrderAction::Ship => "ship",
        OrderAction::Deliver => "deliver",
        OrderAction::Cancel => "cancel",
        OrderAction::Refund => "refund",
    }
}

/// A staff request to move an order on, checked: shipping needs a tracking
/// number (4–40 letters, digits, spaces or dashes); payment is the
/// checkout's, never a person's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffTransition {
    pub action: OrderAction,
    pub tracking_number: Option<String>,
}

impl StaffTransition {
    pub fn parse(action: &str, tracking_number: &str) -> Result<Self, FieldErrors> {
        let Some(action) = parse_action(action) else {
            return Err(FieldErrors::one(
                "action",
                "choose what to do with the order",
            ));
        };
        let tracking = tracking_number.trim();
        let tracking_number = match action {
            OrderAction::Ship => {
                let valid = (4..=40).contains(&tracking.chars().count())
                    && tracking
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ');
                if !valid {
                    return Err(FieldErrors::one(
                        "tracking_number",
                        "enter the carrier's tracking number (4 to 40 letters, digits or dashes)",
                    ));
                }
                Some(tracking.to_uppercase())
            }
            _ => None,
        };
        Ok(StaffTransition {
            action,
            tracking_number,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn days_are_midnights_utc() {
        assert_eq!(day_start("1970-01-01"), Some(0));
        assert_eq!(day_start("2026-11-21"), Some(1_795_219_200));
        assert_eq!(day_start("2024-02-29"), Some(1_709_164_800));
        for bad in ["2026-02-30", "2026-13-01", "2026-11", "x", "2026-11-21-1"] {
            assert_eq!(day_start(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_order_filter_reads_its_query_string() {
        let filter = OrderFilter::from_query(&pairs(&[
            ("status", "paid"),
            ("from", "2026-11-01"),
            ("to", "2026-11-21"),
            ("customer", " Ann@Example "),
            ("page", "2"),
        ]));
        assert_eq!(filter.status, Some(OrderStatus::Paid));
        assert_eq!(filter.from, day_start("2026-11-01"));
        assert_eq!(filter.until, Some(1_795_219_200 + 86_400));
        assert_eq!(filter.customer, "ann@example");
        assert_eq!(filter.customer_pattern(), "%ann@example%");
        assert_eq!(filter.offset(), 25);
        let odd = OrderFilter::from_query(&pairs(&[("status", "lost"), ("from", "yesterday")]));
        assert_eq!(
            odd,
            OrderFilter {
                page: 1,
                ..OrderFilter::default()
            }
        );
    }

    #[test]
    fn staff_see_only_the_actions_the_status_allows() {
        use OrderAction::*;
        assert_eq!(actions_for(OrderStatus::Placed), [Cancel]);
        assert_eq!(actions_for(OrderStatus::Paid), [Fulfil, Cancel, Refund]);
        assert_eq!(actions_for(OrderStatus::Fulfilled), [Ship, Cancel, Refund]);
        assert_eq!(actions_for(OrderStatus::Shipped), [Deliver, Refund]);
        assert!(actions_for(OrderStatus::Cancelled).is_empty());
    }

    #[test]
    fn shipping_needs_a_tracking_number() {
        let ship = StaffTransition::parse("ship", " 1z999-aa1 ").unwrap();
        assert_eq!(ship.tracking_number.as_deref(), Some("1Z999-AA1"));
        assert!(
            StaffTransition::parse("ship", "")
                .unwrap_err()
                .get("tracking_number")
                .is_some()
        );
        assert!(StaffTransition::parse("ship", "<script>").is_err());
        assert_eq!(
            StaffTransition::parse("cancel", "ignored")
                .unwrap()
                .tracking_number,
            None
        );
        assert!(
            StaffTransition::parse("pay", "")
                .unwrap_err()
                .get("action")
                .is_some()
        );
    }
}
