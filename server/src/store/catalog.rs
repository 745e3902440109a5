//! The catalog over SQL, written once for SQLite and PostgreSQL.
//!
//! The queries use `$1`-style placeholders and `TRUE`, which both databases
//! understand; what really differs (full-text search, locking out a
//! concurrent first start) comes from each database's [`Dialect`].

use super::rows::{
    CatalogVariantRow, ProductDetailRow, ProductSummaryRow, VariantRow, category, options_json,
    store_error, summaries,
};
use async_trait::async_trait;
use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Pool, Type};
use vitrine_domain::cart::VariantId;
use vitrine_domain::product::CatalogVariant;
use vitrine_domain::store::{CatalogStore, NewProduct, ProductModel, StoreError};
use vitrine_domain::{Category, ProductDetail, ProductSummary, SearchQuery, Sku, Slug};

/// What differs between the databases.
pub trait Dialect: Database {
    /// Statements that open the seeding transaction so that, of several
    /// servers starting at once, only one sees an empty catalog.
    const BEGIN_SEED: &'static [&'static str];
    /// Product cards matching a full-text search, best first; `$1` is
    /// [`Dialect::search_terms`]. Starts after [`SUMMARY_SELECT`]'s columns.
    const SEARCH: &'static str;
    /// The search expression for `$1` (FTS5 `MATCH` or `to_tsquery`).
    fn search_terms(query: &SearchQuery) -> String;
    /// Opens a transaction that will write: SQLite takes its write lock up
    /// front (`BEGIN IMMEDIATE`) so concurrent checkouts queue instead of
    /// failing when they upgrade from reading.
    const BEGIN_WRITE: &'static str;
    /// Appended to a `SELECT` of one row to lock it for the transaction
    /// (`FOR UPDATE`; nothing on SQLite, whose write lock is already held).
    const LOCK_ROW: &'static str;
}

/// Product cards: one row per published product, priced from its cheapest variant.
pub const SUMMARY_SELECT: &str = concat!(
    "SELECT ",
    super::card_columns!(),
    " FROM products p JOIN variants v ON v.product_id = p.id"
);
const CATALOG_VARIANT_SELECT: &str = "SELECT p.slug AS product_slug, p.title AS product_title,
        v.id, v.sku, v.name, v.options, v.price_minor, v.currency, v.stock_on_hand, v.material_variant
    FROM variants v JOIN products p ON p.id = v.product_id";
const NEWEST_FIRST: &str = "GROUP BY p.id ORDER BY p.created_at DESC, p.id DESC";

pub struct SqlCatalog<DB: Database> {
    /// The primary: seeding writes here.
    pool: Pool<DB>,
    /// Reads (a replica when `DATABASE_READ_URL` is set; else the primary).
    read_pool: Pool<DB>,
    asset_base_url: String,
}

impl<DB: Database> SqlCatalog<DB> {
    pub fn new(pool: Pool<DB>, read_pool: Pool<DB>, asset_base_url: &str) -> Self {
        Self {
            pool,
            read_pool,
            asset_base_url: asset_base_url.to_string(),
        }
    }
}

#[async_trait]
impl<DB> CatalogStore for SqlCatalog<DB>
where
    // What sqlx must know of a database to run these queries on it.
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'r> ProductSummaryRow: FromRow<'r, DB::Row>,
    for<'r> ProductDetailRow: FromRow<'r, DB::Row>,
    for<'r> VariantRow: FromRow<'r, DB::Row>,
    for<'r> CatalogVariantRow: FromRow<'r, DB::Row>,
    for<'r> (String, String): FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
    for<'r> (i64, i64): FromRow<'r, DB::Row>,
{
    async fn variants(&self, ids: &[VariantId]) -> Result<Vec<CatalogVariant>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "{CATALOG_VARIANT_SELECT} WHERE v.id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<DB, CatalogVariantRow>(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        let rows = query
            .fetch_all(&self.read_pool)
            .await
            .map_err(store_error)?;
        rows.into_iter()
            .map(CatalogVariantRow::into_domain)
            .collect()
    }

    async fn variant_by_sku(&self, sku: &Sku) -> Result<Option<CatalogVariant>, StoreError> {
        let sql = format!("{CATALOG_VARIANT_SELECT} WHERE v.sku = $1 AND p.published = TRUE");
        let row: Option<CatalogVariantRow> = sqlx::query_as(&sql)
            .bind(sku.as_str())
            .fetch_optional(&self.read_pool)
            .await
            .map_err(store_error)?;
        row.map(CatalogVariantRow::into_domain).transpose()
    }

    async fn list_products(&self) -> Result<Vec<ProductSummary>, StoreError> {
        let sql = format!("{SUMMARY_SELECT} WHERE p.published = TRUE {NEWEST_FIRST}");
        summaries(
            sqlx::query_as(&sql).fetch_all(&self.read_pool).await,
            &self.asset_base_url,
        )
    }

    async fn categories(&self) -> Result<Vec<Category>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT DISTINCT c.slug, c.name FROM categories c
             JOIN products p ON p.category_id = c.id
             WHERE p.published = TRUE ORDER BY c.name",
        )
        .fetch_all(&self.read_pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(category).collect()
    }

    async fn category(
        &self,
        slug: &Slug,
    ) -> Result<Option<(Category, Vec<ProductSummary>)>, StoreError> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT slug, name FROM categories WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_optional(&self.read_pool)
                .await
                .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let sql = format!(
            "{SUMMARY_SELECT} JOIN categories c ON c.id = p.category_id
             WHERE c.slug = $1 AND p.published = TRUE {NEWEST_FIRST}"
        );
        let products = summaries(
            sqlx::query_as(&sql)
                .bind(slug.as_str())
                .fetch_all(&self.read_pool)
                .await,
            &self.asset_base_url,
        )?;
        Ok(Some((category(row)?, products)))
    }

    async fn search(&self, query: &SearchQuery) -> Result<Vec<ProductSummary>, StoreError> {
        summaries(
            sqlx::query_as(DB::SEARCH)
                .bind(DB::search_terms(query))
                .fetch_all(&self.read_pool)
                .await,
            &self.asset_base_url,
        )
    }

    async fn product_by_slug(&self, slug: &Slug) -> Result<Option<ProductDetail>, StoreError> {
        let row: Option<ProductDetailRow> = sqlx::query_as(
            "SELECT p.id, p.slug, p.title, p.description, c.slug AS category_slug,
                    c.name AS category_name, p.model_key, p.model_credit, p.model_manifest_key,
                    p.model_poster_key
             FROM products p LEFT JOIN categories c ON c.id = p.category_id
             WHERE p.slug = $1 AND p.published = TRUE",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.read_pool)
        .await
        .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let variants: Vec<VariantRow> = sqlx::query_as(
            "SELECT id, sku, name, options, price_minor, currency, stock_on_hand, material_variant
             FROM variants WHERE product_id = $1 ORDER BY position, id",
        )
        .bind(row.id)
        .fetch_all(&self.read_pool)
        .await
        .map_err(store_error)?;
        let images: Vec<(String, String)> = sqlx::query_as(
            "SELECT asset_key, alt FROM product_images WHERE product_id = $1 ORDER BY position, id",
        )
        .bind(row.id)
        .fetch_all(&self.read_pool)
        .await
        .map_err(store_error)?;
        row.into_domain(variants, images, &self.asset_base_url)
            .map(Some)
    }

    async fn set_product_model(
        &self,
        slug: &Slug,
        model: &ProductModel,
    ) -> Result<bool, StoreError> {
        let updated: Option<(i64,)> = sqlx::query_as(
            "UPDATE products SET model_key = $1, model_manifest_key = $2, model_poster_key = $3
             WHERE slug = $4 RETURNING id",
        )
        .bind(model.model_key.clone())
        .bind(model.manifest_key.clone())
        .bind(model.poster_key.clone())
        .bind(slug.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(updated.is_some())
    }

    async fn seed_if_empty(&self, products: &[NewProduct]) -> Result<usize, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        for statement in DB::BEGIN_SEED {
            sqlx::query(statement)
                .execute(&mut *conn)
                .await
                .map_err(store_error)?;
        }
        let result: Result<usize, sqlx::Error> = async {
            let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM products")
                .fetch_one(&mut *conn)
                .await?;
            if count > 0 {
                return Ok(0);
            }
            for p in products {
                // The product, its category (created on first use) and its variants.
                let category_id: Option<i64> = match &p.category {
                    Some(category) => Some(
                        sqlx::query_scalar(
                            "INSERT INTO categories (slug, name) VALUES ($1, $2)
                             ON CONFLICT (slug) DO UPDATE SET name = excluded.name RETURNING id",
                        )
                        .bind(category.slug.as_str())
                        .bind(category.name.clone())
                        .fetch_one(&mut *conn)
                        .await?,
                    ),
                    None => None,
                };
                let product_id: i64 = sqlx::query_scalar(
                    "INSERT INTO products
                       (slug, title, description, category_id, model_key, model_credit)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(p.slug.as_str())
                .bind(p.title.clone())
                .bind(p.description.clone())
                .bind(category_id)
                .bind(p.model_key.clone())
                .bind(p.model_credit.clone())
                .fetch_one(&mut *conn)
                .await?;
                for (position, image) in p.images.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO product_images (product_id, position, asset_key, alt)
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(product_id)
                    .bind(position as i64)
                    .bind(image.key.clone())
                    .bind(image.alt.clone())
                    .execute(&mut *conn)
                    .await?;
                }
                for (position, v) in p.variants.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO variants (product_id, position, sku, name, options, price_minor,
                                               currency, stock_on_hand, material_variant)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(product_id)
                    .bind(position as i64)
                    .bind(v.sku.as_str())
                    .bind(v.name.clone())
                    .bind(options_json(&v.options))
                    .bind(v.price.amount_minor)
                    .bind(v.price.currency.code())
                    .bind(v.stock_on_hand)
                    .bind(v.material_variant.clone())
                    .execute(&mut *conn)
                    .await?;
                }
            }
            Ok(products.len())
        }
        .await;
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        sqlx::query(end)
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
        result.map_err(store_error)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(store_error)
    }

    // From the pool the catalog is read from, so a lagging replica's
    // revision matches the data it serves.
    async fn catalog_revision(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT revision FROM catalog_revision WHERE id = 1")
            .fetch_one(&self.read_pool)
            .await
            .map_err(store_error)
    }

    async fn stock_levels(&self, ids: &[VariantId]) -> Result<Vec<(VariantId, i64)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id, stock_on_hand FROM variants WHERE id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<DB, (i64, i64)>(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(&self.read_pool).await.map_err(store_error)
    }
}
