//! The JSON API, `/api/v1`: the catalog as the pages see it, in the same
//! domain types, described by an OpenAPI document at `/api/v1/openapi.json`.
//! Errors are JSON too: `{"error": "…"}` with a 4xx or 503 status.

use crate::startup::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use vitrine_domain::store::StoreError;
use vitrine_domain::{Category, ProductDetail, ProductSummary, SearchQuery, Slug};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vitrine API",
        version = "1",
        description = "The Vitrine storefront: catalog, cart, checkout, orders and accounts."
    ),
    paths(
        list_products, get_product, record_view, record_viewer_events, list_categories, get_category, search,
        super::api_shop::get_cart, super::api_shop::add_cart_item, super::api_shop::set_cart_item,
        super::api_shop::remove_cart_item, super::api_shop::checkout, super::api_shop::list_orders,
        super::api_shop::get_order, super::api_shop::register, super::api_shop::sign_in,
        super::api_shop::sign_out, super::api_admin::upload_model,
    ),
    tags(
        (name = "catalog", description = "Products, categories and search"),
        (name = "cart", description = "The session's cart (cookie `vitrine_session` or `Authorization: Bearer`)"),
        (name = "orders", description = "Checkout and order history"),
        (name = "account", description = "Registration and sign-in"),
        (name = "admin", description = "Running the store: merchandisers and admins only"),
    )
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products", get(list_products))
        .route("/products/{slug}", get(get_product))
        .route("/products/{slug}/views", post(record_view))
        .route(
            "/viewer-events",
            post(record_viewer_events).layer(axum::extract::DefaultBodyLimit::max(
                vitrine_domain::clickstream::MAX_BATCH_BYTES,
            )),
        )
        .route("/categories", get(list_categories))
        .route("/categories/{slug}", get(get_category))
        .route("/search", get(search))
        .merge(super::api_shop::router())
        .merge(super::api_admin::router())
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .fallback(|| async { ApiError::not_found("no such API route") })
}

/// An error as the API reports it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person to read.
    error: String,
    /// With 422: each invalid field and what is wrong with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<vitrine_domain::form::FieldError>,
}

pub struct ApiError(
    pub StatusCode,
    pub String,
    pub Vec<vitrine_domain::form::FieldError>,
);

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self(status, message.into(), Vec::new())
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl From<vitrine_domain::shop::ShopError> for ApiError {
    fn from(e: vitrine_domain::shop::ShopError) -> Self {
        use vitrine_domain::shop::ShopError;
        let status = super::forms::status_of(&e);
        match e {
            ShopError::Invalid(errors) => Self(status, errors.summary(), errors.0),
            ShopError::Unavailable(detail) => {
                tracing::error!(error = %detail, "API request failed");
                Self::new(
                    status,
                    "The store is unavailable right now: nothing was changed.",
                )
            }
            other => Self::new(status, other.to_string()),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "catalog query failed");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The catalog is unavailable right now.",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.1,
            fields: self.2,
        };
        (self.0, Json(body)).into_response()
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProductList {
    products: Vec<ProductSummary>,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryList {
    categories: Vec<Category>,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryProducts {
    category: Category,
    products: Vec<ProductSummary>,
}

#[derive(Deserialize, IntoParams)]
pub struct SearchParams {
    /// Words to look for in titles, variant names and descriptions (1-100 characters).
    q: String,
}

/// Published products, newest first.
#[utoipa::path(get, path = "/api/v1/products", tag = "catalog",
    responses((status = 200, body = ProductList), (status = 503, body = ErrorBody)))]
async fn list_products(State(state): State<AppState>) -> Result<Json<ProductList>, ApiError> {
    let products = state.stores.catalog.list_products().await?;
    Ok(Json(ProductList { products }))
}

/// One published product with its variants.
#[utoipa::path(get, path = "/api/v1/products/{slug}", tag = "catalog",
    params(("slug" = String, Path, description = "The product's slug, e.g. sheen-chair")),
    responses((status = 200, body = ProductDetail), (status = 404, body = ErrorBody)))]
async fn get_product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<ProductDetail>, ApiError> {
    let missing = || ApiError::not_found(format!("no product with slug {slug:?}"));
    let parsed = Slug::parse(&slug).map_err(|_| missing())?;
    let product = state.stores.catalog.product_by_slug(&parsed).await?;
    product.map(Json).ok_or_else(missing)
}

/// Counts one view of a published product's page, for the admin
/// dashboard's most-viewed list. The product page sends it from the browser
/// once shown (client-side navigation included), so page caching does not
/// hide views and scripts-free crawlers are not counted.
#[utoipa::path(post, path = "/api/v1/products/{slug}/views", tag = "catalog",
    params(("slug" = String, Path, description = "The product's slug, e.g. sheen-chair")),
    responses((status = 204, description = "Counted"), (status = 404, body = ErrorBody)))]
async fn record_view(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    let missing = || ApiError::not_found(format!("no product with slug {slug:?}"));
    let parsed = Slug::parse(&slug).map_err(|_| missing())?;
    let now = (state.services.shop.clock)();
    if state.services.back_office.record_view(&parsed, now).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(missing())
    }
}

/// The 3D view's clickstream from a product page: one page view's events
/// (view, rotate, zoom, levels of detail shown, first frame, errors), sent
/// in batches. They are stored within a few seconds (Kinesis in
/// production, the database locally); nothing in them identifies a person.
#[utoipa::path(post, path = "/api/v1/viewer-events", tag = "catalog",
    request_body = vitrine_domain::clickstream::EventBatch,
    responses((status = 202, description = "Taken"), (status = 400, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, description = "Too many events waiting; try later", body = ErrorBody)))]
async fn record_viewer_events(
    State(state): State<AppState>,
    json: Result<
        Json<vitrine_domain::clickstream::EventBatch>,
        axum::extract::rejection::JsonRejection,
    >,
) -> Result<StatusCode, ApiError> {
    let Json(batch) = json.map_err(|e| {
        let status = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::BAD_REQUEST
        };
        ApiError::new(status, format!("invalid viewer events: {}", e.body_text()))
    })?;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let events = batch
        .accept(now_ms)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    state
        .clickstream
        .accept(events)
        .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()))?;
    Ok(StatusCode::ACCEPTED)
}

/// Categories that have published products.
#[utoipa::path(get, path = "/api/v1/categories", tag = "catalog",
    responses((status = 200, body = CategoryList), (status = 503, body = ErrorBody)))]
async fn list_categories(State(state): State<AppState>) -> Result<Json<CategoryList>, ApiError> {
    let categories = state.stores.catalog.categories().await?;
    Ok(Json(CategoryList { categories }))
}

/// A category and its published products.
#[utoipa::path(get, path = "/api/v1/categories/{slug}", tag = "catalog",
    params(("slug" = String, Path, description = "The category's slug, e.g. furniture")),
    responses((status = 200, body = CategoryProducts), (status = 404, body = ErrorBody)))]
async fn get_category(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<CategoryProducts>, ApiError> {
    let missing = || ApiError::not_found(format!("no category with slug {slug:?}"));
    let parsed = Slug::parse(&slug).map_err(|_| missing())?;
    let (category, products) = state
        .stores
        .catalog
        .category(&parsed)
        .await?
        .ok_or_else(missing)?;
    Ok(Json(CategoryProducts { category, products }))
}

/// Full-text search over published products, best match first.
#[utoipa::path(get, path = "/api/v1/search", tag = "catalog", params(SearchParams),
    responses((status = 200, body = ProductList), (status = 400, body = ErrorBody)))]
async fn search(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ProductList>, ApiError> {
    let Query(params) = params.map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "add the words to search for as ?q=…",
        )
    })?;
    let query = SearchQuery::parse(&params.q)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))?;
    let products = state.stores.catalog.search(&query).await?;
    Ok(Json(ProductList { products }))
}
