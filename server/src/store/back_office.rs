//! The admin side's reads (dashboard, product list) and the audit log, over
//! SQL, written once for SQLite and PostgreSQL.

use super::orders::{ORDER_SUMMARY_SELECT, OrderSummaryRow};
use super::rows::{money, store_error};
use async_trait::async_trait;
use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Pool, Type};
use vitrine_domain::back_office::{
    AuditEntry, AuditFilter, Dashboard, LOW_STOCK_AT, ListPage, NewAuditEntry, PAGE_SIZE,
    ProductFilter, ProductRow, ProductViews, StockLevel, VIEWS_OVER_DAYS,
};
use vitrine_domain::store::{AuditLog, BackOfficeStore, StoreError};

/// One audit entry, `$1`..`$7` in [`NewAuditEntry`]'s field order; shared by
/// the stores that write an entry inside their own transaction.
pub const INSERT_AUDIT: &str =
    "INSERT INTO audit_log (at, actor_id, actor_email, action, entity, entity_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// One stock movement: variant, change, stock after, reason, note, who, when.
pub const INSERT_STOCK_MOVEMENT: &str = "INSERT INTO stock_movements
    (variant_id, quantity_change, stock_after, reason, note, actor_email, at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)";

pub struct SqlBackOffice<DB: Database> {
    pool: Pool<DB>,
}

impl<DB: Database> SqlBackOffice<DB> {
    pub fn new(pool: Pool<DB>) -> Self {
        Self { pool }
    }
}

#[derive(FromRow)]
pub struct StockRow {
    product_slug: String,
    product_title: String,
    sku: String,
    variant_name: String,
    stock_on_hand: i64,
}

#[derive(FromRow)]
pub struct AdminProductRow {
    slug: String,
    title: String,
    category: Option<String>,
    published: bool,
    variants: i64,
    price_minor: Option<i64>,
    currency: Option<String>,
    total_stock: i64,
    lowest_stock: i64,
    has_model: bool,
}

#[derive(FromRow)]
pub struct AuditRow {
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    actor_email: String,
    action: String,
    entity: String,
    entity_id: String,
    detail: String,
}

/// The product list's rows and filters; `$1` query flag, `$2` LIKE pattern,
/// `$3` published filter (-1 any, 0 drafts, 1 published), `$4` category slug
/// ('' any), `$5` low-stock flag, `$6` the low-stock level.
const PRODUCTS_FROM: &str = "FROM products p
    LEFT JOIN categories c ON c.id = p.category_id
    LEFT JOIN variants v ON v.product_id = p.id
    WHERE ($1 = 0 OR LOWER(p.title) LIKE $2 ESCAPE '\\' OR LOWER(p.slug) LIKE $2 ESCAPE '\\'
           OR EXISTS (SELECT 1 FROM variants s WHERE s.product_id = p.id
                      AND LOWER(s.sku) LIKE $2 ESCAPE '\\'))
      AND ($3 < 0 OR (p.published = TRUE) = ($3 = 1))
      AND ($4 = '' OR c.slug = $4)
    GROUP BY p.id, p.slug, p.title, c.name, p.published, p.model_key
    HAVING ($5 = 0 OR MIN(v.stock_on_hand) <= $6)";

#[async_trait]
impl<DB> BackOfficeStore for SqlBackOffice<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'r> OrderSummaryRow: FromRow<'r, DB::Row>,
    for<'r> StockRow: FromRow<'r, DB::Row>,
    for<'r> AdminProductRow: FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
    for<'r> (String, i64, i64): FromRow<'r, DB::Row>,
    for<'r> (String, String, i64): FromRow<'r, DB::Row>,
{
    async fn dashboard(&self, since: i64) -> Result<Dashboard, StoreError> {
        let sales: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT currency, CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(total_minor), 0) AS BIGINT)
             FROM orders WHERE placed_at >= $1 AND payment_declined IS NULL
               AND status NOT IN ('cancelled', 'refunded')
             GROUP BY currency ORDER BY currency",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        let (to_fulfil,): (i64,) =
            sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM orders WHERE status = 'paid'")
                .fetch_one(&self.pool)
                .await
                .map_err(store_error)?;
        let low_stock: Vec<StockRow> = sqlx::query_as(
            "SELECT p.slug AS product_slug, p.title AS product_title, v.sku, v.name AS variant_name,
                v.stock_on_hand
             FROM variants v JOIN products p ON p.id = v.product_id
             WHERE v.stock_on_hand <= $1
             ORDER BY v.stock_on_hand, p.title, v.sku LIMIT 20",
        )
        .bind(LOW_STOCK_AT)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        let recent: Vec<OrderSummaryRow> = sqlx::query_as(&format!(
            "{ORDER_SUMMARY_SELECT} WHERE o.payment_declined IS NULL ORDER BY o.id DESC LIMIT 10"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        let most_viewed: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT p.slug, p.title, CAST(SUM(pv.views) AS BIGINT) AS total
             FROM product_views pv JOIN products p ON p.id = pv.product_id
             WHERE pv.day >= $1
             GROUP BY p.id, p.slug, p.title ORDER BY total DESC, p.title LIMIT 10",
        )
        .bind(since - (VIEWS_OVER_DAYS - 1) * 86_400)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(Dashboard {
            orders_today: sales
                .iter()
                .map(|(_, count, _)| u32::try_from(*count).unwrap_or(0))
                .sum(),
            revenue_today: sales
                .iter()
                .map(|(currency, _, total)| money(*total, currency))
                .collect::<Result<_, _>>()?,
            to_fulfil: u32::try_from(to_fulfil).unwrap_or(0),
            low_stock: low_stock
                .into_iter()
                .map(|r| StockLevel {
                    product_slug: r.product_slug,
                    product_title: r.product_title,
                    sku: r.sku,
                    variant_name: r.variant_name,
                    stock_on_hand: r.stock_on_hand,
                })
                .collect(),
            recent_orders: recent
                .into_iter()
                .map(OrderSummaryRow::into_domain)
                .collect::<Result<_, _>>()?,
            most_viewed: most_viewed
                .into_iter()
                .map(|(product_slug, product_title, views)| ProductViews {
                    product_slug,
                    product_title,
                    views,
                })
                .collect(),
        })
    }

    async fn record_view(
        &self,
        product: &vitrine_domain::Slug,
        at: i64,
    ) -> Result<bool, StoreError> {
        let counted: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO product_views (product_id, day, views)
             SELECT id, $2, 1 FROM products WHERE slug = $1 AND published = TRUE
             ON CONFLICT (product_id, day) DO UPDATE SET views = product_views.views + 1
             RETURNING views",
        )
        .bind(product.as_str().to_string())
        .bind(at - at.rem_euclid(86_400))
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(counted.is_some())
    }

    async fn products(&self, filter: &ProductFilter) -> Result<ListPage<ProductRow>, StoreError> {
        let published = match filter.published {
            None => -1,
            Some(false) => 0,
            Some(true) => 1,
        };
        let list_sql = format!(
            "SELECT p.slug, p.title, c.name AS category, p.published,
                CAST(COUNT(v.id) AS BIGINT) AS variants,
                MIN(v.price_minor) AS price_minor, MIN(v.currency) AS currency,
                CAST(COALESCE(SUM(v.stock_on_hand), 0) AS BIGINT) AS total_stock,
                CAST(COALESCE(MIN(v.stock_on_hand), 0) AS BIGINT) AS lowest_stock,
                p.model_key IS NOT NULL AS has_model
             {PRODUCTS_FROM}
             ORDER BY LOWER(p.title), p.id LIMIT $7 OFFSET $8"
        );
        let count_sql =
            format!("SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT p.id {PRODUCTS_FROM}) matching");
        let query_flag = i64::from(!filter.query.is_empty());
        let category = filter.category.clone().unwrap_or_default();
        let rows: Vec<AdminProductRow> = sqlx::query_as(&list_sql)
            .bind(query_flag)
            .bind(filter.like_pattern())
            .bind(published)
            .bind(category.clone())
            .bind(i64::from(filter.low_stock))
            .bind(LOW_STOCK_AT)
            .bind(i64::from(PAGE_SIZE))
            .bind(filter.offset())
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        let (total,): (i64,) = sqlx::query_as(&count_sql)
            .bind(query_flag)
            .bind(filter.like_pattern())
            .bind(published)
            .bind(category)
            .bind(i64::from(filter.low_stock))
            .bind(LOW_STOCK_AT)
            .fetch_one(&self.pool)
            .await
            .map_err(store_error)?;
        let items = rows
            .into_iter()
            .map(|r| {
                let from_price = match (r.price_minor, r.currency) {
                    (Some(amount), Some(currency)) => Some(money(amount, &currency)?),
                    _ => None,
                };
                Ok(ProductRow {
                    slug: r.slug,
                    title: r.title,
                    category: r.category,
                    published: r.published,
                    variants: u32::try_from(r.variants).unwrap_or(0),
                    from_price,
                    total_stock: r.total_stock,
                    lowest_stock: r.lowest_stock,
                    has_model: r.has_model,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(ListPage {
            items,
            page: filter.page.max(1),
            total: u64::try_from(total).unwrap_or(0),
        })
    }
}

#[async_trait]
impl<DB> AuditLog for SqlBackOffice<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'r> AuditRow: FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
{
    async fn record(&self, entry: &NewAuditEntry) -> Result<(), StoreError> {
        sqlx::query(INSERT_AUDIT)
            .bind(entry.at)
            .bind(entry.actor_id)
            .bind(entry.actor_email.clone())
            .bind(entry.action.clone())
            .bind(entry.entity.clone())
            .bind(entry.entity_id.clone())
            .bind(entry.detail.clone())
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(store_error)
    }

    async fn entries(&self, filter: &AuditFilter) -> Result<ListPage<AuditEntry>, StoreError> {
        const WHERE: &str =
            "WHERE ($1 = '' OR entity = $1) AND ($2 = '' OR LOWER(actor_email) = $2)";
        let entity = filter.entity.clone().unwrap_or_default();
        let actor = filter.actor.clone().unwrap_or_default();
        let rows: Vec<AuditRow> = sqlx::query_as(&format!(
            "SELECT id, at, actor_id, actor_email, action, entity, entity_id, detail
             FROM audit_log {WHERE} ORDER BY id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(entity.clone())
        .bind(actor.clone())
        .bind(i64::from(PAGE_SIZE))
        .bind(filter.offset())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        let (total,): (i64,) = sqlx::query_as(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log {WHERE}"
        ))
        .bind(entity)
        .bind(actor)
        .fetch_one(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(ListPage {
            items: rows
                .into_iter()
                .map(|r| AuditEntry {
                    id: r.id,
                    at: r.at,
                    actor_id: r.actor_id,
                    actor_email: r.actor_email,
                    action: r.action,
                    entity: r.entity,
                    entity_id: r.entity_id,
                    detail: r.detail,
                })
                .collect(),
            page: filter.page.max(1),
            total: u64::try_from(total).unwrap_or(0),
        })
    }
}
