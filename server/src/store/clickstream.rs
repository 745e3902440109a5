//! The viewer's clickstream kept in the database (`viewer_events`): the
//! embedded default, where there is no Kinesis stream.

use super::rows::store_error;
use async_trait::async_trait;
use sqlx::{Database, Encode, Executor, IntoArguments, Pool, Type};
use vitrine_domain::clickstream::ViewerEvent;
use vitrine_domain::store::{ClickstreamSink, StoreError};

pub struct SqlClickstream<DB: Database> {
    pool: Pool<DB>,
}

impl<DB: Database> SqlClickstream<DB> {
    pub fn new(pool: Pool<DB>) -> Self {
        Self { pool }
    }
}

/// A count that fits the database's signed 64-bit integers.
fn signed(n: Option<u64>) -> Option<i64> {
    n.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

#[async_trait]
impl<DB> ClickstreamSink for SqlClickstream<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
{
    async fn put(&self, events: &[ViewerEvent]) -> Result<(), StoreError> {
        // One transaction: the whole batch or none of it.
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        for event in events {
            sqlx::query(
                "INSERT INTO viewer_events (received_at_ms, page_view, product_slug, kind, at_ms,
                                            level, bytes, triangles, message)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(event.received_at_ms)
            .bind(event.page_view.clone())
            .bind(event.product.as_str())
            .bind(event.kind.as_str())
            .bind(signed(Some(event.at_ms)).unwrap_or_default())
            .bind(event.level.map(i64::from))
            .bind(signed(event.bytes))
            .bind(signed(event.triangles))
            .bind(event.message.clone())
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        }
        tx.commit().await.map_err(store_error)
    }
}
