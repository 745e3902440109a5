//! Orders over SQL, written once for SQLite and PostgreSQL.
//!
//! Placing an order is one transaction: each line's stock is taken by a
//! conditional `UPDATE … WHERE stock_on_hand >= quantity` (so nothing
//! oversells, however many checkouts race), prices are snapshotted from the
//! same rows, and the order is recorded under its unique idempotency key.

use super::accounts::is_unique_violation;
use super::catalog::Dialect;
use super::rows::{corrupt, money, slug, store_error};
use async_trait::async_trait;
use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Pool, Type};
use vitrine_domain::cart::CartLine;
use vitrine_domain::order::OrderId;
use vitrine_domain::order::{OrderLine, order_reference};
use vitrine_domain::pricing::{PricedLine, price};
use vitrine_domain::store::{
    NewOrder, OrderEventMessage, OrderOutbox, OrderStore, PlaceOrderError, Placement, StatusChange,
    StoreError, TransitionError,
};
use vitrine_domain::{
    Email, Money, OrderDetail, OrderStatus, OrderSummary, Quantity, ShippingAddress, Sku,
};

#[derive(FromRow)]
pub struct OrderRow {
    id: i64,
    cart_fingerprint: String,
    customer_id: Option<i64>,
    session_id: Option<String>,
    email: String,
    ship_name: String,
    ship_line1: String,
    ship_line2: String,
    ship_city: String,
    ship_region: String,
    ship_postal_code: String,
    ship_country: String,
    currency: String,
    subtotal_minor: i64,
    shipping_minor: i64,
    tax_minor: i64,
    total_minor: i64,
    status: String,
    card_last4: Option<String>,
    payment_reference: Option<String>,
    payment_declined: Option<String>,
    placed_at: i64,
}

#[derive(FromRow)]
pub struct OrderLineRow {
    variant_id: i64,
    sku: String,
    product_slug: String,
    product_title: String,
    variant_name: String,
    unit_price_minor: i64,
    quantity: i64,
}

/// What taking a line's stock returns: the variant as it is now.
#[derive(FromRow)]
pub struct TakenRow {
    price_minor: i64,
    currency: String,
    sku: String,
    name: String,
    product_id: i64,
}

#[derive(FromRow)]
pub struct OrderSummaryRow {
    id: i64,
    status: String,
    total_minor: i64,
    currency: String,
    item_count: i64,
    placed_at: i64,
}

/// Selects [`OrderSummaryRow`]s from `orders o`.
pub const ORDER_SUMMARY_SELECT: &str =
    "SELECT o.id, o.status, o.total_minor, o.currency, o.placed_at,
    CAST((SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l WHERE l.order_id = o.id)
        AS BIGINT) AS item_count
    FROM orders o";

impl OrderSummaryRow {
    pub fn into_domain(self) -> Result<OrderSummary, StoreError> {
        Ok(OrderSummary {
            id: self.id,
            reference: order_reference(self.id),
            status: status(&self.status)?,
            total: money(self.total_minor, &self.currency)?,
            item_count: u32::try_from(self.item_count).unwrap_or(0),
            placed_at: self.placed_at,
        })
    }
}

fn status(raw: &str) -> Result<OrderStatus, StoreError> {
    OrderStatus::parse(raw).ok_or_else(|| corrupt("order status", raw))
}

impl OrderRow {
    fn into_domain(self, lines: Vec<OrderLineRow>) -> Result<OrderDetail, StoreError> {
        let m = |amount| money(amount, &self.currency);
        let totals = vitrine_domain::pricing::Totals {
            subtotal: m(self.subtotal_minor)?,
            shipping: m(self.shipping_minor)?,
            tax: m(self.tax_minor)?,
            total: m(self.total_minor)?,
        };
        let lines = lines
            .into_iter()
            .map(|l| {
                let unit_price = m(l.unit_price_minor)?;
                let quantity = u32::try_from(l.quantity)
                    .ok()
                    .and_then(|n| Quantity::new(n).ok())
                    .ok_or_else(|| corrupt("quantity", l.quantity))?;
                Ok(OrderLine {
                    variant_id: l.variant_id,
                    sku: Sku::parse(&l.sku).map_err(|e| corrupt("SKU", e))?,
                    product_slug: slug(l.product_slug)?,
                    product_title: l.product_title,
                    variant_name: l.variant_name,
                    line_total: Money::new(
                        unit_price.amount_minor * l.quantity,
                        unit_price.currency,
                    ),
                    unit_price,
                    quantity,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(OrderDetail {
            id: self.id,
            reference: order_reference(self.id),
            status: status(&self.status)?,
            email: Email::parse(&self.email).map_err(|e| corrupt("email", e))?,
            shipping: ShippingAddress {
                name: self.ship_name,
                line1: self.ship_line1,
                line2: self.ship_line2,
                city: self.ship_city,
                region: self.ship_region,
                postal_code: self.ship_postal_code,
                country: self.ship_country,
            },
            lines,
            totals,
            card_last4: self.card_last4,
            payment_declined: self.payment_declined,
            placed_at: self.placed_at,
            customer_id: self.customer_id,
            session_id: self.session_id,
            payment_reference: self.payment_reference,
        })
    }
}

const ORDER_SELECT: &str = "SELECT id, cart_fingerprint, customer_id, session_id, email,
        ship_name, ship_line1, ship_line2, ship_city, ship_region, ship_postal_code, ship_country,
        currency, subtotal_minor, shipping_minor, tax_minor, total_minor, status,
        card_last4, payment_reference, payment_declined, placed_at
    FROM orders";

pub struct SqlOrders<DB: Database> {
    pool: Pool<DB>,
}

impl<DB: Database> SqlOrders<DB> {
    pub fn new(pool: Pool<DB>) -> Self {
        Self { pool }
    }
}

/// How a placing transaction ended, before it is committed or rolled back.
enum Attempt {
    Placed(i64),
    KeyTaken,
}

/// A line whose stock was taken, with its snapshotted price.
struct TakenLine {
    line: CartLine,
    taken: TakenRow,
    product_slug: String,
    product_title: String,
}

#[async_trait]
impl<DB> OrderStore for SqlOrders<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'r> OrderRow: FromRow<'r, DB::Row>,
    for<'r> OrderLineRow: FromRow<'r, DB::Row>,
    for<'r> TakenRow: FromRow<'r, DB::Row>,
    for<'r> OrderSummaryRow: FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
    for<'r> (String,): FromRow<'r, DB::Row>,
    for<'r> (String, String): FromRow<'r, DB::Row>,
    for<'r> (i64, i64): FromRow<'r, DB::Row>,
    for<'r> (String, String, i64): FromRow<'r, DB::Row>,
{
    async fn place_order(&self, order: &NewOrder) -> Result<Placement, PlaceOrderError> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        sqlx::query(DB::BEGIN_WRITE)
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
        let attempt: Result<Attempt, PlaceOrderError> = async {
            // Take stock in variant-id order: concurrent orders lock rows in
            // the same order, so they queue instead of deadlocking.
            let mut lines = order.lines.clone();
            lines.sort_by_key(|l| l.variant_id);
            let mut taken_lines = Vec::with_capacity(lines.len());
            for line in lines {
                let quantity = i64::from(line.quantity.get());
                let taken: Option<TakenRow> = sqlx::query_as(
                    "UPDATE variants SET stock_on_hand = stock_on_hand - $1
                     WHERE id = $2 AND stock_on_hand >= $1
                     RETURNING price_minor, currency, sku, name, product_id",
                )
                .bind(quantity)
                .bind(line.variant_id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(store_error)?;
                let Some(taken) = taken else {
                    let left: Option<(String, String, i64)> = sqlx::query_as(
                        "SELECT v.sku, p.title, v.stock_on_hand FROM variants v
                         JOIN products p ON p.id = v.product_id WHERE v.id = $1",
                    )
                    .bind(line.variant_id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(store_error)?;
                    return Err(match left {
                        Some((sku, title, available)) => PlaceOrderError::OutOfStock {
                            sku: Sku::parse(&sku).map_err(|e| corrupt("SKU", e))?,
                            title,
                            available,
                        },
                        None => PlaceOrderError::UnknownVariant(line.variant_id),
                    });
                };
                let (product_slug, product_title): (String, String) =
                    sqlx::query_as("SELECT slug, title FROM products WHERE id = $1")
                        .bind(taken.product_id)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(store_error)?;
                taken_lines.push(TakenLine {
                    line,
                    taken,
                    product_slug,
                    product_title,
                });
            }
            let priced = taken_lines
                .iter()
                .map(|t| {
                    Ok(PricedLine {
                        unit_price: money(t.taken.price_minor, &t.taken.currency)?,
                        quantity: t.line.quantity,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let totals = price(&priced, order.pricing)?;
            let address = &order.shipping;
            let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
                "INSERT INTO orders (idempotency_key, cart_fingerprint, customer_id, session_id,
                    email, ship_name, ship_line1, ship_line2, ship_city, ship_region,
                    ship_postal_code, ship_country, currency, subtotal_minor, shipping_minor,
                    tax_minor, total_minor, status, placed_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                    $17, $18, $19, $19)
                 RETURNING id",
            )
            .bind(order.idempotency_key.clone())
            .bind(order.cart_fingerprint.clone())
            .bind(order.customer)
            .bind(order.session_id.clone())
            .bind(order.email.as_str().to_string())
            .bind(address.name.clone())
            .bind(address.line1.clone())
            .bind(address.line2.clone())
            .bind(address.city.clone())
            .bind(address.region.clone())
            .bind(address.postal_code.clone())
            .bind(address.country.clone())
            .bind(totals.total.currency.code().to_string())
            .bind(totals.subtotal.amount_minor)
            .bind(totals.shipping.amount_minor)
            .bind(totals.tax.amount_minor)
            .bind(totals.total.amount_minor)
            .bind(OrderStatus::Placed.as_str().to_string())
            .bind(order.placed_at)
            .fetch_one(&mut *conn)
            .await;
            let order_id = match inserted {
                Ok((id,)) => id,
                Err(e) if is_unique_violation(&e) => return Ok(Attempt::KeyTaken),
                Err(e) => return Err(store_error(e).into()),
            };
            for t in &taken_lines {
                sqlx::query(
                    "INSERT INTO order_lines (order_id, variant_id, sku, product_slug,
                        product_title, variant_name, unit_price_minor, quantity)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(order_id)
                .bind(t.line.variant_id)
                .bind(t.taken.sku.clone())
                .bind(t.product_slug.clone())
                .bind(t.product_title.clone())
                .bind(t.taken.name.clone())
                .bind(t.taken.price_minor)
                .bind(i64::from(t.line.quantity.get()))
                .execute(&mut *conn)
                .await
                .map_err(store_error)?;
            }
            record_event(
                &mut conn,
                order_id,
                OrderStatus::Placed,
                None,
                order.placed_at,
            )
            .await?;
            Ok(Attempt::Placed(order_id))
        }
        .await;
        let end = match attempt {
            Ok(Attempt::Placed(_)) => "COMMIT",
            _ => "ROLLBACK",
        };
        sqlx::query(end)
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
        drop(conn);
        match attempt? {
            Attempt::Placed(id) => {
                let order = self
                    .order(id)
                    .await?
                    .ok_or_else(|| StoreError(format!("order {id} vanished after commit")))?;
                Ok(Placement::New(order))
            }
            Attempt::KeyTaken => {
                let (order, cart_fingerprint) = self
                    .order_by_idempotency_key(&order.idempotency_key)
                    .await?
                    .ok_or_else(|| StoreError("an idempotency key clashed with no order".into()))?;
                Ok(Placement::Existing {
                    order,
                    cart_fingerprint,
                })
            }
        }
    }

    async fn order_by_idempotency_key(
        &self,
        key: &str,
    ) -> Result<Option<(OrderDetail, String)>, StoreError> {
        let row: Option<OrderRow> =
            sqlx::query_as(&format!("{ORDER_SELECT} WHERE idempotency_key = $1"))
                .bind(key.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let fingerprint = row.cart_fingerprint.clone();
        let lines = self.lines(row.id).await?;
        Ok(Some((row.into_domain(lines)?, fingerprint)))
    }

    async fn change_status(
        &self,
        id: i64,
        change: &StatusChange,
    ) -> Result<OrderDetail, TransitionError> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        sqlx::query(DB::BEGIN_WRITE)
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
        let result: Result<(), TransitionError> = async {
            let current: Option<(String,)> = sqlx::query_as(&format!(
                "SELECT status FROM orders WHERE id = $1{}",
                DB::LOCK_ROW
            ))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(store_error)?;
            let (current,) = current.ok_or(TransitionError::NotFound)?;
            let next = status(&current)?.transition(change.action)?;
            let payment = change.payment.as_ref();
            sqlx::query(
                "UPDATE orders SET status = $1, updated_at = $2,
                    card_last4 = COALESCE($3, card_last4),
                    payment_reference = COALESCE($4, payment_reference),
                    payment_declined = COALESCE($5, payment_declined)
                 WHERE id = $6",
            )
            .bind(next.as_str().to_string())
            .bind(change.at)
            .bind(payment.map(|p| p.card_last4.clone()))
            .bind(payment.map(|p| p.reference.clone()))
            .bind(change.declined.clone())
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
            if next.restocks() {
                let lines: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT variant_id, quantity FROM order_lines WHERE order_id = $1 ORDER BY variant_id",
                )
                .bind(id)
                .fetch_all(&mut *conn)
                .await
                .map_err(store_error)?;
                let who = change
                    .by
                    .as_ref()
                    .map_or("system".to_string(), |entry| entry.actor_email.clone());
                for (variant_id, quantity) in lines {
                    // A variant deleted since has nothing to restock.
                    let after: Option<(i64,)> = sqlx::query_as(
                        "UPDATE variants SET stock_on_hand = stock_on_hand + $1 WHERE id = $2
                         RETURNING stock_on_hand",
                    )
                    .bind(quantity)
                    .bind(variant_id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(store_error)?;
                    if let Some((after,)) = after {
                        sqlx::query(super::back_office::INSERT_STOCK_MOVEMENT)
                        .bind(variant_id)
                        .bind(quantity)
                        .bind(after)
                        .bind(next.as_str().to_string())
                        .bind(order_reference(id))
                        .bind(who.clone())
                        .bind(change.at)
                        .execute(&mut *conn)
                        .await
                        .map_err(store_error)?;
                    }
                }
            }
            if let Some(entry) = &change.by {
                sqlx::query(super::back_office::INSERT_AUDIT)
                .bind(entry.at)
                .bind(entry.actor_id)
                .bind(entry.actor_email.clone())
                .bind(entry.action.clone())
                .bind(entry.entity.clone())
                .bind(entry.entity_id.clone())
                .bind(entry.detail.clone())
                .execute(&mut *conn)
                .await
                .map_err(store_error)?;
            }
            let note = change.declined.clone().or_else(|| change.note.clone());
            record_event(&mut conn, id, next, note, change.at).await?;
            Ok(())
        }
        .await;
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        sqlx::query(end)
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
        drop(conn);
        result?;
        self.order(id).await?.ok_or(TransitionError::NotFound)
    }

    async fn order(&self, id: i64) -> Result<Option<OrderDetail>, StoreError> {
        let row: Option<OrderRow> = sqlx::query_as(&format!("{ORDER_SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let lines = self.lines(id).await?;
        row.into_domain(lines).map(Some)
    }

    async fn orders_of(&self, customer: i64) -> Result<Vec<OrderSummary>, StoreError> {
        let rows: Vec<OrderSummaryRow> = sqlx::query_as(&format!(
            "{ORDER_SUMMARY_SELECT}
             WHERE o.customer_id = $1 AND o.payment_declined IS NULL
             ORDER BY o.id DESC"
        ))
        .bind(customer)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(OrderSummaryRow::into_domain).collect()
    }
}

impl<DB> SqlOrders<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'r> OrderLineRow: FromRow<'r, DB::Row>,
{
    async fn lines(&self, order_id: i64) -> Result<Vec<OrderLineRow>, StoreError> {
        sqlx::query_as(
            "SELECT variant_id, sku, product_slug, product_title, variant_name, unit_price_minor,
                quantity
             FROM order_lines WHERE order_id = $1 ORDER BY id",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)
    }
}

/// Appends to the order's status history.
async fn record_event<DB>(
    conn: &mut DB::Connection,
    order_id: i64,
    status: OrderStatus,
    note: Option<String>,
    at: i64,
) -> Result<(), StoreError>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB>,
{
    sqlx::query("INSERT INTO order_events (order_id, status, note, at) VALUES ($1, $2, $3, $4)")
        .bind(order_id)
        .bind(status.as_str().to_string())
        .bind(note)
        .bind(at)
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(store_error)
}

#[async_trait]
impl<DB> OrderOutbox for SqlOrders<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'r> (i64, i64, String, i64): FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
{
    async fn unpublished(&self, limit: u32) -> Result<Vec<OrderEventMessage>, StoreError> {
        let rows: Vec<(i64, i64, String, i64)> = sqlx::query_as(
            "SELECT id, order_id, status, at FROM order_events
             WHERE published_at IS NULL ORDER BY id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(rows
            .into_iter()
            .map(|(event_id, order_id, status, at)| OrderEventMessage {
                event_id,
                order_id,
                reference: order_reference(order_id),
                status,
                at,
            })
            .collect())
    }

    async fn mark_published(&self, event_ids: &[i64], at: i64) -> Result<(), StoreError> {
        for id in event_ids {
            sqlx::query(
                "UPDATE order_events SET published_at = $1 WHERE id = $2 AND published_at IS NULL",
            )
            .bind(at)
            .bind(*id)
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        }
        Ok(())
    }

    async fn request_fulfilment(&self, order: OrderId, at: i64) -> Result<bool, StoreError> {
        let marked: Option<(i64,)> = sqlx::query_as(
            "UPDATE orders SET fulfilment_requested_at = $1
             WHERE id = $2 AND status = 'paid' AND fulfilment_requested_at IS NULL
             RETURNING id",
        )
        .bind(at)
        .bind(order)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(marked.is_some())
    }
}
