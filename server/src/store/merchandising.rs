//! Merchandisers' changes over SQL, written once for SQLite and PostgreSQL.
//! Each change runs in one write transaction together with its audit-log
//! entry, so the log never misses a change and never lists one that failed.

use super::accounts::is_unique_violation;
use super::back_office::{INSERT_AUDIT, INSERT_STOCK_MOVEMENT};
use super::catalog::Dialect;
use super::rows::{VariantRow, category, options_json, slug, store_error};
use async_trait::async_trait;
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};
use vitrine_domain::back_office::NewAuditEntry;
use vitrine_domain::form::FieldErrors;
use vitrine_domain::merchandising::{
    EditableImage, EditableProduct, ImageEdit, ProductDraft, SaveError, StockAdjustment,
    StockMovement, VariantDraft, move_image,
};
use vitrine_domain::store::{MerchandisingStore, NewImage, ProductModel, StoreError};
use vitrine_domain::{Category, Sku, Slug};

pub struct SqlMerchandising<DB: sqlx::Database> {
    pool: Pool<DB>,
    asset_base_url: String,
}

impl<DB: sqlx::Database> SqlMerchandising<DB> {
    pub fn new(pool: Pool<DB>, asset_base_url: &str) -> Self {
        Self {
            pool,
            asset_base_url: asset_base_url.to_string(),
        }
    }
}

#[derive(FromRow)]
pub struct EditableRow {
    id: i64,
    slug: String,
    title: String,
    description: String,
    category_slug: Option<String>,
    published: bool,
    model_key: Option<String>,
    model_manifest_key: Option<String>,
    model_poster_key: Option<String>,
}

#[derive(FromRow)]
pub struct MovementRow {
    sku: String,
    quantity_change: i64,
    stock_after: i64,
    reason: String,
    note: String,
    actor_email: String,
    at: i64,
}

/// What a unique-constraint failure means for the form.
fn taken(e: sqlx::Error, field: &str, message: String) -> SaveError {
    if is_unique_violation(&e) {
        SaveError::Refused(FieldErrors::one(field, message))
    } else {
        SaveError::Store(store_error(e))
    }
}

const INSERT_VARIANT: &str = "INSERT INTO variants
    (product_id, position, sku, name, options, price_minor, currency, stock_on_hand, material_variant)
    VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM variants WHERE product_id = $1),
            $2, $3, $4, $5, $6, $7, $8)
    RETURNING id";

#[async_trait]
impl<DB> MerchandisingStore for SqlMerchandising<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'r> EditableRow: FromRow<'r, DB::Row>,
    for<'r> VariantRow: FromRow<'r, DB::Row>,
    for<'r> MovementRow: FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
    for<'r> (i64, i64): FromRow<'r, DB::Row>,
    for<'r> (String, String): FromRow<'r, DB::Row>,
    for<'r> (i64, String, String): FromRow<'r, DB::Row>,
    for<'r> (i64, Option<String>): FromRow<'r, DB::Row>,
{
    async fn editable_product(&self, slug_: &Slug) -> Result<Option<EditableProduct>, StoreError> {
        let row: Option<EditableRow> = sqlx::query_as(
            "SELECT p.id, p.slug, p.title, p.description, c.slug AS category_slug, p.published,
                    p.model_key, p.model_manifest_key, p.model_poster_key
             FROM products p LEFT JOIN categories c ON c.id = p.category_id WHERE p.slug = $1",
        )
        .bind(slug_.as_str().to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let variants: Vec<VariantRow> = sqlx::query_as(
            "SELECT id, sku, name, options, price_minor, currency, stock_on_hand, material_variant
             FROM variants WHERE product_id = $1 ORDER BY position, id",
        )
        .bind(row.id)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        let movements: Vec<MovementRow> = sqlx::query_as(
            "SELECT v.sku, m.quantity_change, m.stock_after, m.reason, m.note, m.actor_email, m.at
             FROM stock_movements m JOIN variants v ON v.id = m.variant_id
             WHERE v.product_id = $1 ORDER BY m.id DESC LIMIT 30",
        )
        .bind(row.id)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        let images: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, asset_key, alt FROM product_images WHERE product_id = $1
             ORDER BY position, id",
        )
        .bind(row.id)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        let url = |key: &str| format!("{}/{key}", self.asset_base_url);
        Ok(Some(EditableProduct {
            slug: slug(row.slug)?,
            title: row.title,
            description: row.description,
            category: row.category_slug.map(slug).transpose()?,
            published: row.published,
            variants: variants
                .into_iter()
                .map(VariantRow::into_domain)
                .collect::<Result<_, _>>()?,
            model_poster_url: row.model_poster_key.as_deref().map(url),
            model: row.model_key.map(|model_key| ProductModel {
                model_key,
                manifest_key: row.model_manifest_key,
                poster_key: row.model_poster_key,
            }),
            images: images
                .into_iter()
                .map(|(id, key, alt)| EditableImage {
                    id,
                    url: url(&key),
                    alt,
                })
                .collect(),
            stock_log: movements
                .into_iter()
                .map(|m| StockMovement {
                    sku: m.sku,
                    change: m.quantity_change,
                    after: m.stock_after,
                    reason: m.reason,
                    note: m.note,
                    actor_email: m.actor_email,
                    at: m.at,
                })
                .collect(),
        }))
    }

    async fn all_categories(&self) -> Result<Vec<Category>, StoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT slug, name FROM categories ORDER BY name")
                .fetch_all(&self.pool)
                .await
                .map_err(store_error)?;
        rows.into_iter().map(category).collect()
    }

    async fn create_product(
        &self,
        product: &ProductDraft,
        first_variant: &VariantDraft,
        stock: i64,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let mut conn = begin_write(&self.pool).await?;
        let result: Result<(), SaveError> = async {
            let category_id = category_id(&mut conn, product.category.as_ref()).await?;
            let (product_id,): (i64,) = sqlx::query_as(
                "INSERT INTO products (slug, title, description, category_id, published)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(product.slug.as_str().to_string())
            .bind(product.title.clone())
            .bind(product.description.clone())
            .bind(category_id)
            .bind(product.published)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| {
                taken(
                    e,
                    "slug",
                    format!(
                        "another product already has the address /p/{}",
                        product.slug
                    ),
                )
            })?;
            insert_variant(&mut conn, product_id, first_variant, stock).await?;
            audit_in(&mut conn, audit).await
        }
        .await;
        finish(&mut conn, result).await
    }

    async fn update_product(
        &self,
        slug_: &Slug,
        product: &ProductDraft,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let mut conn = begin_write(&self.pool).await?;
        let result: Result<(), SaveError> = async {
            let category_id = category_id(&mut conn, product.category.as_ref()).await?;
            if product.published {
                let (variants,): (i64,) = sqlx::query_as(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM variants v JOIN products p
                     ON p.id = v.product_id WHERE p.slug = $1",
                )
                .bind(slug_.as_str().to_string())
                .fetch_one(&mut *conn)
                .await
                .map_err(store_error)?;
                if variants == 0 {
                    return Err(SaveError::Refused(FieldErrors::one(
                        "published",
                        "add a variant before publishing: shoppers need something to buy",
                    )));
                }
            }
            let updated: Option<(i64,)> = sqlx::query_as(
                "UPDATE products SET slug = $1, title = $2, description = $3, category_id = $4,
                     published = $5
                 WHERE slug = $6 RETURNING id",
            )
            .bind(product.slug.as_str().to_string())
            .bind(product.title.clone())
            .bind(product.description.clone())
            .bind(category_id)
            .bind(product.published)
            .bind(slug_.as_str().to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| {
                taken(
                    e,
                    "slug",
                    format!(
                        "another product already has the address /p/{}",
                        product.slug
                    ),
                )
            })?;
            if updated.is_none() {
                return Err(SaveError::NotFound(format!("no product {slug_}")));
            }
            audit_in(&mut conn, audit).await
        }
        .await;
        finish(&mut conn, result).await
    }

    async fn add_variant(
        &self,
        product: &Slug,
        variant: &VariantDraft,
        stock: i64,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let mut conn = begin_write(&self.pool).await?;
        let result: Result<(), SaveError> = async {
            let product_id: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM products WHERE slug = $1")
                    .bind(product.as_str().to_string())
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(store_error)?;
            let Some((product_id,)) = product_id else {
                return Err(SaveError::NotFound(format!("no product {product}")));
            };
            insert_variant(&mut conn, product_id, variant, stock).await?;
            audit_in(&mut conn, audit).await
        }
        .await;
        finish(&mut conn, result).await
    }

    async fn update_variant(
        &self,
        sku: &Sku,
        variant: &VariantDraft,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let mut conn = begin_write(&self.pool).await?;
        let result: Result<(), SaveError> = async {
            let updated: Option<(i64,)> = sqlx::query_as(
                "UPDATE variants SET name = $1, options = $2, price_minor = $3, currency = $4,
                     material_variant = $5
                 WHERE sku = $6 RETURNING id",
            )
            .bind(variant.name.clone())
            .bind(options_json(&variant.options))
            .bind(variant.price.amount_minor)
            .bind(variant.price.currency.code().to_string())
            .bind(variant.material_variant.clone())
            .bind(sku.as_str().to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(store_error)?;
            if updated.is_none() {
                return Err(SaveError::NotFound(format!("no variant {sku}")));
            }
            audit_in(&mut conn, audit).await
        }
        .await;
        finish(&mut conn, result).await
    }

    async fn adjust_stock(
        &self,
        sku: &Sku,
        adjustment: &StockAdjustment,
        audit: &NewAuditEntry,
    ) -> Result<i64, SaveError> {
        let mut conn = begin_write(&self.pool).await?;
        let result: Result<i64, SaveError> = async {
            // Locked until the transaction ends: a checkout taking the same
            // stock waits, and the check below stays true when written.
            let current: Option<(i64, i64)> = sqlx::query_as(&format!(
                "SELECT id, stock_on_hand FROM variants WHERE sku = $1{}",
                DB::LOCK_ROW
            ))
            .bind(sku.as_str().to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(store_error)?;
            let Some((variant_id, on_hand)) = current else {
                return Err(SaveError::NotFound(format!("no variant {sku}")));
            };
            let after = adjustment
                .apply(on_hand)
                .map_err(|message| SaveError::Refused(FieldErrors::one("change", message)))?;
            sqlx::query("UPDATE variants SET stock_on_hand = $1 WHERE id = $2")
                .bind(after)
                .bind(variant_id)
                .execute(&mut *conn)
                .await
                .map_err(store_error)?;
            sqlx::query(INSERT_STOCK_MOVEMENT)
                .bind(variant_id)
                .bind(adjustment.change)
                .bind(after)
                .bind(adjustment.reason.as_str().to_string())
                .bind(adjustment.note.clone())
                .bind(audit.actor_email.clone())
                .bind(audit.at)
                .execute(&mut *conn)
                .await
                .map_err(store_error)?;
            audit_in(&mut conn, audit).await?;
            Ok(after)
        }
        .await;
        finish(&mut conn, result).await
    }

    async fn set_model(
        &self,
        product: &Slug,
        model: Option<&ProductModel>,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let mut conn = begin_write(&self.pool).await?;
        let result: Result<(), SaveError> = async {
            let updated: Option<(i64,)> = sqlx::query_as(
                "UPDATE products SET model_key = $1, model_manifest_key = $2, model_poster_key = $3
                 WHERE slug = $4 RETURNING id",
            )
            .bind(model.map(|m| m.model_key.clone()))
            .bind(model.and_then(|m| m.manifest_key.clone()))
            .bind(model.and_then(|m| m.poster_key.clone()))
            .bind(product.as_str().to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(store_error)?;
            if updated.is_none() {
                return Err(SaveError::NotFound(format!("no product {product}")));
            }
            audit_in(&mut conn, audit).await
        }
        .await;
        finish(&mut conn, result).await
    }

    async fn set_poster(
        &self,
        product: &Slug,
        poster_key: &str,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let mut conn = begin_write(&self.pool).await?;
        let result: Result<(), SaveError> = async {
            let found: Option<(i64, Option<String>)> =
                sqlx::query_as("SELECT id, model_key FROM products WHERE slug = $1")
                    .bind(product.as_str().to_string())
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(store_error)?;
            match found {
                None => return Err(SaveError::NotFound(format!("no product {product}"))),
                Some((_, None)) => {
                    return Err(SaveError::Refused(FieldErrors::one(
                        "poster",
                        "upload a 3D model first: the poster stands in for it",
                    )));
                }
                Some((id, Some(_))) => {
                    sqlx::query("UPDATE products SET model_poster_key = $1 WHERE id = $2")
                        .bind(poster_key.to_string())
                        .bind(id)
                        .execute(&mut *conn)
                        .await
                        .map_err(store_error)?;
                }
            }
            audit_in(&mut conn, audit).await
        }
        .await;
        finish(&mut conn, result).await
    }

    async fn add_image(
        &self,
        product: &Slug,
        image: &NewImage,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let mut conn = begin_write(&self.pool).await?;
        let result: Result<(), SaveError> = async {
            let product_id = product_id(&mut conn, product).await?;
            sqlx::query(
                "INSERT INTO product_images (product_id, position, asset_key, alt)
                 VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM product_images
                              WHERE product_id = $1), $2, $3)",
            )
            .bind(product_id)
            .bind(image.key.clone())
            .bind(image.alt.clone())
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
            audit_in(&mut conn, audit).await
        }
        .await;
        finish(&mut conn, result).await
    }

    async fn edit_image(
        &self,
        product: &Slug,
        image_id: i64,
        edit: &ImageEdit,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let mut conn = begin_write(&self.pool).await?;
        let result: Result<(), SaveError> = async {
            let product_id = product_id(&mut conn, product).await?;
            let order: Vec<(i64,)> = sqlx::query_as(
                "SELECT id FROM product_images WHERE product_id = $1 ORDER BY position, id",
            )
            .bind(product_id)
            .fetch_all(&mut *conn)
            .await
            .map_err(store_error)?;
            let order: Vec<i64> = order.into_iter().map(|(id,)| id).collect();
            if !order.contains(&image_id) {
                return Err(SaveError::NotFound(format!(
                    "{product} has no photo {image_id}"
                )));
            }
            match edit {
                ImageEdit::Describe(alt) => {
                    sqlx::query("UPDATE product_images SET alt = $1 WHERE id = $2")
                        .bind(alt.clone())
                        .bind(image_id)
                        .execute(&mut *conn)
                        .await
                        .map_err(store_error)?;
                }
                ImageEdit::Remove => {
                    sqlx::query("DELETE FROM product_images WHERE id = $1")
                        .bind(image_id)
                        .execute(&mut *conn)
                        .await
                        .map_err(store_error)?;
                }
                ImageEdit::MoveEarlier | ImageEdit::MoveLater => {
                    let earlier = *edit == ImageEdit::MoveEarlier;
                    let Some(moved) = move_image(&order, image_id, earlier) else {
                        return Err(SaveError::Refused(FieldErrors::one(
                            "action",
                            if earlier {
                                "this photo is already the first"
                            } else {
                                "this photo is already the last"
                            },
                        )));
                    };
                    for (position, id) in moved.into_iter().enumerate() {
                        sqlx::query("UPDATE product_images SET position = $1 WHERE id = $2")
                            .bind(position as i64)
                            .bind(id)
                            .execute(&mut *conn)
                            .await
                            .map_err(store_error)?;
                    }
                }
            }
            audit_in(&mut conn, audit).await
        }
        .await;
        finish(&mut conn, result).await
    }
}

/// The id of the product with this slug (published or not).
async fn product_id<DB>(
    conn: &mut sqlx::pool::PoolConnection<DB>,
    product: &Slug,
) -> Result<i64, SaveError>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
{
    let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM products WHERE slug = $1")
        .bind(product.as_str().to_string())
        .fetch_optional(&mut **conn)
        .await
        .map_err(store_error)?;
    id.map(|(id,)| id)
        .ok_or_else(|| SaveError::NotFound(format!("no product {product}")))
}

/// The id of the category with this slug; refused when there is none.
async fn category_id<DB>(
    conn: &mut sqlx::pool::PoolConnection<DB>,
    category: Option<&Slug>,
) -> Result<Option<i64>, SaveError>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
{
    let Some(category) = category else {
        return Ok(None);
    };
    let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM categories WHERE slug = $1")
        .bind(category.as_str().to_string())
        .fetch_optional(&mut **conn)
        .await
        .map_err(store_error)?;
    match id {
        Some((id,)) => Ok(Some(id)),
        None => Err(SaveError::Refused(FieldErrors::one(
            "category",
            format!("there is no category {category}"),
        ))),
    }
}

async fn insert_variant<DB>(
    conn: &mut sqlx::pool::PoolConnection<DB>,
    product_id: i64,
    variant: &VariantDraft,
    stock: i64,
) -> Result<(), SaveError>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
{
    if stock < 0 {
        return Err(SaveError::Refused(FieldErrors::one(
            "stock",
            "stock cannot be negative",
        )));
    }
    sqlx::query_as::<DB, (i64,)>(INSERT_VARIANT)
        .bind(product_id)
        .bind(variant.sku.as_str().to_string())
        .bind(variant.name.clone())
        .bind(options_json(&variant.options))
        .bind(variant.price.amount_minor)
        .bind(variant.price.currency.code().to_string())
        .bind(stock)
        .bind(variant.material_variant.clone())
        .fetch_one(&mut **conn)
        .await
        .map_err(|e| taken(e, "sku", format!("the SKU {} is already used", variant.sku)))?;
    Ok(())
}

pub(super) async fn audit_in<DB>(
    conn: &mut sqlx::pool::PoolConnection<DB>,
    entry: &NewAuditEntry,
) -> Result<(), SaveError>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
{
    sqlx::query(INSERT_AUDIT)
        .bind(entry.at)
        .bind(entry.actor_id)
        .bind(entry.actor_email.clone())
        .bind(entry.action.clone())
        .bind(entry.entity.clone())
        .bind(entry.entity_id.clone())
        .bind(entry.detail.clone())
        .execute(&mut **conn)
        .await
        .map(|_| ())
        .map_err(|e| SaveError::Store(store_error(e)))
}

/// Commits after success, rolls back after a refusal or failure.
/// A pooled connection inside a write transaction (`finish` ends it).
pub(super) async fn begin_write<DB>(
    pool: &Pool<DB>,
) -> Result<sqlx::pool::PoolConnection<DB>, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
{
    let mut conn = pool.acquire().await.map_err(store_error)?;
    sqlx::query(DB::BEGIN_WRITE)
        .execute(&mut *conn)
        .await
        .map_err(store_error)?;
    Ok(conn)
}

pub(super) async fn finish<DB, T>(
    conn: &mut sqlx::pool::PoolConnection<DB>,
    result: Result<T, SaveError>,
) -> Result<T, SaveError>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
{
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    sqlx::query(end)
        .execute(&mut **conn)
        .await
        .map_err(|e| SaveError::Store(store_error(e)))?;
    result
}
