//! Carts over SQL: one row per owner holding the lines as JSON, so a cart
//! is written whole (the same shape a DynamoDB item has).

use super::rows::{corrupt, store_error};
use async_trait::async_trait;
use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Pool, Type};
use vitrine_domain::cart::Cart;
use vitrine_domain::store::{CartOwner, CartStore, StoreError};

pub struct SqlCarts<DB: Database> {
    pool: Pool<DB>,
}

impl<DB: Database> SqlCarts<DB> {
    pub fn new(pool: Pool<DB>) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl<DB> CartStore for SqlCarts<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'r> (String,): FromRow<'r, DB::Row>,
{
    async fn load_cart(&self, owner: &CartOwner) -> Result<Cart, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT lines FROM carts WHERE owner = $1")
            .bind(owner.key())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        match row {
            None => Ok(Cart::default()),
            Some((json,)) => serde_json::from_str(&json).map_err(|e| corrupt("cart", e)),
        }
    }

    async fn save_cart(&self, owner: &CartOwner, cart: &Cart, now: i64) -> Result<(), StoreError> {
        let query = if cart.lines.is_empty() {
            sqlx::query("DELETE FROM carts WHERE owner = $1").bind(owner.key())
        } else {
            let json = serde_json::to_string(cart).map_err(|e| corrupt("cart", e))?;
            sqlx::query(
                "INSERT INTO carts (owner, lines, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (owner) DO UPDATE SET lines = excluded.lines, updated_at = excluded.updated_at",
            )
            .bind(owner.key())
            .bind(json)
            .bind(now)
        };
        query
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(store_error)
    }
}
