//! Carts over SQL: one row per owner holding the lines as JSON, so a cart
//! is written whole (the same shape a DynamoDB item has), with a version
//! that every save names: a save over a newer version is refused as a
//! conflict, and the shop redoes its change on a fresh read.

use super::rows::{corrupt, store_error};
use async_trait::async_trait;
use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Pool, Type};
use vitrine_domain::cart::Cart;
use vitrine_domain::store::{CartOwner, CartSaveError, CartStore, StoreError, StoredCart};

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
    for<'r> (i64,): FromRow<'r, DB::Row>,
    for<'r> (String, i64): FromRow<'r, DB::Row>,
{
    async fn load_cart(&self, owner: &CartOwner) -> Result<StoredCart, StoreError> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT lines, version FROM carts WHERE owner = $1")
                .bind(owner.key())
                .fetch_optional(&self.pool)
                .await
                .map_err(store_error)?;
        match row {
            None => Ok(StoredCart::default()),
            Some((json, version)) => Ok(StoredCart {
                cart: serde_json::from_str(&json).map_err(|e| corrupt("cart", e))?,
                version,
            }),
        }
    }

    async fn save_cart(
        &self,
        owner: &CartOwner,
        cart: &Cart,
        version: i64,
        now: i64,
    ) -> Result<(), CartSaveError> {
        let failed = |e: sqlx::Error| CartSaveError::Store(store_error(e));
        let saved: Option<(i64,)> = match (cart.lines.is_empty(), version) {
            // Nothing stored and nothing to store: still nothing, unless
            // another request stored a cart meanwhile.
            (true, 0) => {
                let stored: Option<(i64,)> =
                    sqlx::query_as("SELECT version FROM carts WHERE owner = $1")
                        .bind(owner.key())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(failed)?;
                return match stored {
                    None => Ok(()),
                    Some(_) => Err(CartSaveError::Conflict),
                };
            }
            (true, _) => sqlx::query_as(
                "DELETE FROM carts WHERE owner = $1 AND version = $2 RETURNING version",
            )
            .bind(owner.key())
            .bind(version)
            .fetch_optional(&self.pool)
            .await
            .map_err(failed)?,
            (false, 0) => {
                let json = serde_json::to_string(cart).map_err(|e| corrupt("cart", e))?;
                sqlx::query_as(
                    "INSERT INTO carts (owner, lines, updated_at, version) VALUES ($1, $2, $3, 1)
                     ON CONFLICT (owner) DO NOTHING RETURNING version",
                )
                .bind(owner.key())
                .bind(json)
                .bind(now)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed)?
            }
            (false, _) => {
                let json = serde_json::to_string(cart).map_err(|e| corrupt("cart", e))?;
                sqlx::query_as(
                    "UPDATE carts SET lines = $2, updated_at = $3, version = version + 1
                     WHERE owner = $1 AND version = $4 RETURNING version",
                )
                .bind(owner.key())
                .bind(json)
                .bind(now)
                .bind(version)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed)?
            }
        };
        saved.map(|_| ()).ok_or(CartSaveError::Conflict)
    }
}
