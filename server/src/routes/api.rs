//! The JSON API, `/api/v1`: the catalog as the pages see it, in the same
//! domain types, described by an OpenAPI document at `/api/v1/openapi.json`.
//! Errors are JSON too: `{"error": "…"}` with a 4xx or 503 status.

use crate::startup::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
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
        description = "The Vitrine storefront's catalog."
    ),
    paths(list_products, get_product, list_categories, get_category, search)
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products", get(list_products))
        .route("/products/{slug}", get(get_product))
        .route("/categories", get(list_categories))
        .route("/categories/{slug}", get(get_category))
        .route("/search", get(search))
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .fallback(|| async { ApiError::not_found("no such API route") })
}

/// An error as the API reports it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person to read.
    error: String,
}

pub struct ApiError(StatusCode, String);

impl ApiError {
    fn not_found(message: impl Into<String>) -> Self {
        Self(StatusCode::NOT_FOUND, message.into())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "catalog query failed");
        Self(
            StatusCode::SERVICE_UNAVAILABLE,
            "The catalog is unavailable right now.".into(),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorBody { error: self.1 })).into_response()
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
        ApiError(
            StatusCode::BAD_REQUEST,
            "add the words to search for as ?q=…".into(),
        )
    })?;
    let query = SearchQuery::parse(&params.q)
        .map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.to_string()))?;
    let products = state.stores.catalog.search(&query).await?;
    Ok(Json(ProductList { products }))
}
