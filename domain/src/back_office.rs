//! What merchandisers see when they run the store: the dashboard's figures,
//! the product list with its filters, and the audit log of who did what.
//! Plain types and rules; the server's SQL store fills them.

use crate::customer::Customer;
use crate::form::FieldErrors;
use crate::money::Money;
use crate::order::OrderSummary;
use serde::{Deserialize, Serialize};

/// A variant at or below this much stock is "low" on the dashboard and in
/// the product filter.
pub const LOW_STOCK_AT: i64 = 5;
/// Rows per page in admin lists.
pub const PAGE_SIZE: u32 = 25;

/// A query-string value, trimmed; `None` when absent or empty.
pub fn query_value(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The `page` parameter (from 1; anything else is page 1).
pub fn query_page(pairs: &[(String, String)]) -> u32 {
    query_value(pairs, "page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// Rows to skip for a page (from 1).
pub fn page_offset(page: u32) -> i64 {
    i64::from(page.max(1) - 1) * i64::from(PAGE_SIZE)
}

/// A `LIKE` pattern matching `text` anywhere, lower-cased, with the pattern
/// characters in it taken literally (escaped with `\`).
pub fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The admin home page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Orders placed since midnight UTC (declined payments left out).
    pub orders_today: u32,
    /// Their totals, one per currency.
    pub revenue_today: Vec<Money>,
    /// Orders waiting for the warehouse (paid, not yet fulfilled).
    pub to_fulfil: u32,
    pub low_stock: Vec<StockLevel>,
    pub recent_orders: Vec<OrderSummary>,
    /// The products whose pages were opened most over [`VIEWS_OVER_DAYS`]
    /// days (today included), most first.
    pub most_viewed: Vec<ProductViews>,
}

/// How many days the dashboard's most-viewed list covers.
pub const VIEWS_OVER_DAYS: i64 = 7;

/// Page views of one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductViews {
    pub product_slug: String,
    pub product_title: String,
    pub views: i64,
}

/// One variant's stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    pub product_slug: String,
    pub product_title: String,
    pub sku: String,
    pub variant_name: String,
    pub stock_on_hand: i64,
}

/// Which products the admin product list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFilter {
    /// Words in the title, slug or a SKU (empty: every product).
    pub query: String,
    /// `Some(true)`: published only; `Some(false)`: drafts only.
    pub published: Option<bool>,
    /// A category's slug.
    pub category: Option<String>,
    /// Only products with a variant at or below [`LOW_STOCK_AT`].
    pub low_stock: bool,
    /// From 1.
    pub page: u32,
}

impl ProductFilter {
    /// Reads the list page's query string (`q`, `status`, `category`,
    /// `stock`, `page`); unknown values are ignored rather than refused, as
    /// a hand-edited URL should still show a list.
    pub fn from_query(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| query_value(pairs, name);
        ProductFilter {
            query: get("q").unwrap_or_default().chars().take(100).collect(),
            published: match get("status").as_deref() {
                Some("published") => Some(true),
                Some("draft") => Some(false),
                _ => None,
            },
            category: get("category"),
            low_stock: get("stock").as_deref() == Some("low"),
            page: query_page(pairs),
        }
    }

    /// Rows to skip for this page.
    pub fn offset(&self) -> i64 {
        page_offset(self.page)
    }

    /// The `LIKE` pattern for the query.
    pub fn like_pattern(&self) -> String {
        contains_pattern(&self.query)
    }
}

/// One row of the admin product list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductRow {
    pub slug: String,
    pub title: String,
    pub category: Option<String>,
    pub published: bool,
    pub variants: u32,
    /// The cheapest variant's price (none without variants).
    pub from_price: Option<Money>,
    pub total_stock: i64,
    /// The least-stocked variant's stock.
    pub lowest_stock: i64,
    pub has_model: bool,
}

/// A page of a longer list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    /// From 1.
    pub page: u32,
    /// Rows in every page together.
    pub total: u64,
}

impl<T> ListPage<T> {
    pub fn pages(&self) -> u32 {
        (self.total.div_ceil(u64::from(PAGE_SIZE)).max(1)) as u32
    }
}

/// Something a merchandiser or admin did, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_email: String,
    /// What was done, e.g. `model.upload`, `role.assign`.
    pub action: String,
    /// What it was done to: `product`, `variant`, `order`, `account`.
    pub entity: String,
    /// Which one (a slug, SKU, order reference or email).
    pub entity_id: String,
    /// A short human summary, e.g. `4 levels, 2.1 MB`.
    pub detail: String,
}

/// An entry to record; the store gives it its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_email: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
}

impl NewAuditEntry {
    /// An entry for something `actor` did now.
    pub fn by(
        actor: &Customer,
        at: i64,
        action: &str,
        entity: &str,
        entity_id: &str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            at,
            actor_id: Some(actor.id),
            actor_email: actor.email.as_str().to_string(),
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id: entity_id.to_string(),
            detail: detail.into(),
        }
    }
}

/// Which audit entries to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Only this entity kind (e.g. `product`).
    pub entity: Option<String>,
    /// Only entries by this actor's email (any case).
    pub actor: Option<String>,
    /// From 1.
    pub page: u32,
}

impl AuditFilter {
    pub fn from_query(pairs: &[(String, String)]) -> Self {
        AuditFilter {
            entity: query_value(pairs, "entity"),
            actor: query_value(pairs, "actor").map(|a| a.to_lowercase()),
            page: query_page(pairs),
        }
    }

    pub fn offset(&self) -> i64 {
        page_offset(self.page)
    }
}

/// A role waiting for someone to register with this email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub email: String,
    pub role: crate::customer::Role,
    pub invited_at: i64,
}

/// Checks an admin's wish to give `target_email` a role: nobody changes their
/// own role (an admin cannot lock themselves out by mistake).
pub fn check_role_change(actor: &Customer, target_email: &str) -> Result<(), FieldErrors> {
    if actor
        .email
        .as_str()
        .eq_ignore_ascii_case(target_email.trim())
    {
        return Err(FieldErrors::one("email", "you cannot change your own role"));
    }
    Ok(())
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
    fn the_product_filter_reads_its_query_string() {
        let filter = ProductFilter::from_query(&pairs(&[
            ("q", " Chair "),
            ("status", "draft"),
            ("category", "furniture"),
            ("stock", "low"),
            ("page", "3"),
        ]));
        assert_eq!(filter.query, "Chair");
        assert_eq!(filter.published, Some(false));
        assert_eq!(filter.category.as_deref(), Some("furniture"));
        assert!(filter.low_stock);
        assert_eq!(filter.offset(), 50);
    }

    #[test]
    fn odd_filter_values_fall_back_to_everything() {
        let filter = ProductFilter::from_query(&pairs(&[
            ("status", "bogus"),
            ("page", "-2"),
            ("category", ""),
        ]));
        assert_eq!(
            filter,
            ProductFilter {
                page: 1,
                ..ProductFilter::default()
            }
        );
    }

    #[test]
    fn like_patterns_take_wildcards_literally() {
        let filter = ProductFilter {
            query: "50%_Off".into(),
            ..ProductFilter::default()
        };
        assert_eq!(filter.like_pattern(), "%50\\%\\_off%");
    }

    #[test]
    fn pages_are_counted_up() {
        let page = |total| ListPage::<()> {
            items: vec![],
            page: 1,
            total,
        };
        assert_eq!(page(0).pages(), 1);
        assert_eq!(page(25).pages(), 1);
        assert_eq!(page(26).pages(), 2);
    }

    #[test]
    fn nobody_changes_their_own_role() {
        let admin = Customer {
            id: 1,
            email: crate::Email::parse("boss@example.com").unwrap(),
            name: "Boss".into(),
            role: crate::customer::Role::Admin,
        };
        assert!(check_role_change(&admin, "Boss@Example.com").is_err());
        assert!(check_role_change(&admin, "ann@example.com").is_ok());
    }
}
