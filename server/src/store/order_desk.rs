//! The order desk's reads over SQL (the order list with its filters, an
//! order's history), written once for SQLite and PostgreSQL. Moving an order
//! on goes through the order store's status machine.

use super::rows::{money, store_error};
use async_trait::async_trait;
use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Pool, Type};
use vitrine_domain::back_office::{ListPage, PAGE_SIZE};
use vitrine_domain::order::{OrderStatus, order_reference};
use vitrine_domain::order_desk::{OrderEvent, OrderFilter, OrderRow};
use vitrine_domain::store::{OrderDeskStore, StoreError};

pub struct SqlOrderDesk<DB: Database> {
    pool: Pool<DB>,
}

impl<DB: Database> SqlOrderDesk<DB> {
    pub fn new(pool: Pool<DB>) -> Self {
        Self { pool }
    }
}

#[derive(FromRow)]
pub struct DeskRow {
    id: i64,
    status: String,
    total_minor: i64,
    currency: String,
    placed_at: i64,
    email: String,
    ship_name: String,
    ship_city: String,
    ship_country: String,
    item_count: i64,
}

#[derive(FromRow)]
pub struct EventRow {
    status: String,
    note: Option<String>,
    at: i64,
}

/// `$1` status ('' any), `$2`/`$3` placed-at bounds (-1 none), `$4` email pattern.
const MATCHING: &str = "FROM orders o
    WHERE ($1 = '' OR o.status = $1)
      AND ($2 < 0 OR o.placed_at >= $2)
      AND ($3 < 0 OR o.placed_at < $3)
      AND ($4 = '%%' OR LOWER(o.email) LIKE $4 ESCAPE '\\')";

fn status(raw: &str) -> Result<OrderStatus, StoreError> {
    OrderStatus::parse(raw).ok_or_else(|| super::rows::corrupt("order status", raw))
}

#[async_trait]
impl<DB> OrderDeskStore for SqlOrderDesk<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'r> DeskRow: FromRow<'r, DB::Row>,
    for<'r> EventRow: FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
{
    async fn orders(&self, filter: &OrderFilter) -> Result<ListPage<OrderRow>, StoreError> {
        let status_ = filter
            .status
            .map_or(String::new(), |s| s.as_str().to_string());
        let from = filter.from.unwrap_or(-1);
        let until = filter.until.unwrap_or(-1);
        let pattern = filter.customer_pattern();
        let rows: Vec<DeskRow> = sqlx::query_as(&format!(
            "SELECT o.id, o.status, o.total_minor, o.currency, o.placed_at, o.email,
                o.ship_name, o.ship_city, o.ship_country,
                CAST((SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l
                      WHERE l.order_id = o.id) AS BIGINT) AS item_count
             {MATCHING} ORDER BY o.id DESC LIMIT $5 OFFSET $6"
        ))
        .bind(status_.clone())
        .bind(from)
        .bind(until)
        .bind(pattern.clone())
        .bind(i64::from(PAGE_SIZE))
        .bind(filter.offset())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        let (total,): (i64,) =
            sqlx::query_as(&format!("SELECT CAST(COUNT(*) AS BIGINT) {MATCHING}"))
                .bind(status_)
                .bind(from)
                .bind(until)
                .bind(pattern)
                .fetch_one(&self.pool)
                .await
                .map_err(store_error)?;
        let items = rows
            .into_iter()
            .map(|r| {
                Ok(OrderRow {
                    id: r.id,
                    reference: order_reference(r.id),
                    placed_at: r.placed_at,
                    email: r.email,
                    ship_to: format!("{}, {} ({})", r.ship_name, r.ship_city, r.ship_country),
                    status: status(&r.status)?,
                    total: money(r.total_minor, &r.currency)?,
                    item_count: u32::try_from(r.item_count).unwrap_or(0),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(ListPage {
            items,
            page: filter.page.max(1),
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn order_events(&self, order_id: i64) -> Result<Vec<OrderEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT status, note, at FROM order_events WHERE order_id = $1 ORDER BY id",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter()
            .map(|r| {
                Ok(OrderEvent {
                    status: status(&r.status)?,
                    note: r.note,
                    at: r.at,
                })
            })
            .collect()
    }
}
