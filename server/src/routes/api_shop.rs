//! `/api/v1` for the shopper: cart, checkout, orders, sign-in. The session
//! travels as the `vitrine_session` cookie (set by these endpoints) or as
//! `Authorization: Bearer <token>`. Same use cases as the pages.

use super::api::{ApiError, ErrorBody};
use crate::startup::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::ToSchema;
use vitrine_app::session::{clear_session_cookie, is_https, session_cookie, token_from};
use vitrine_domain::shop::{CartView, CheckoutForm, ShopError};
use vitrine_domain::store::Session;
use vitrine_domain::{Customer, OrderDetail, OrderSummary};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cart", get(get_cart))
        .route("/cart/items", post(add_cart_item))
        .route(
            "/cart/items/{variant_id}",
            patch(set_cart_item).delete(remove_cart_item),
        )
        .route("/checkout", post(checkout))
        .route("/orders", get(list_orders))
        .route("/orders/{id}", get(get_order))
        .route("/customers", post(register))
        .route("/session", post(sign_in).delete(sign_out))
}

/// A JSON body, or a 400 that says what is wrong with it.
fn body<T>(json: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    json.map(|Json(t)| t).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("invalid JSON body: {}", e.body_text()),
        )
    })
}

async fn session(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, ApiError> {
    let token = token_from(headers);
    Ok(state.services.shop.session(token.as_deref()).await?)
}

fn with_cookie(mut response: Response, cookie: Option<String>) -> Response {
    if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

#[derive(Deserialize, ToSchema)]
pub struct NewCartItem {
    /// The variant's SKU, e.g. `SHEEN-CHAIR-MANGO`.
    sku: String,
    /// 1 to 10; added to what the cart already holds.
    #[serde(default = "one")]
    quantity: u32,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize, ToSchema)]
pub struct CartItemQuantity {
    /// 0 removes the line.
    quantity: u32,
}

/// The session's cart with estimated totals.
#[utoipa::path(get, path = "/api/v1/cart", tag = "cart",
    responses((status = 200, body = CartView)))]
pub async fn get_cart(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<CartView>, ApiError> {
    let session = session(&state, &headers).await?;
    Ok(Json(state.services.shop.cart(session.as_ref()).await?))
}

/// Adds a variant to the cart (starting a session if there is none).
#[utoipa::path(post, path = "/api/v1/cart/items", tag = "cart", request_body = NewCartItem,
    responses((status = 200, body = CartView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn add_cart_item(
    State(state): State<AppState>,
    headers: HeaderMap,
    json: Result<Json<NewCartItem>, JsonRejection>,
) -> Result<Response, ApiError> {
    let item = body(json)?;
    let shop = &state.services.shop;
    let current = session(&state, &headers).await?;
    let (token, session) = shop.ensure_session(current).await?;
    let cart = shop
        .add_to_cart(&session, &item.sku, &item.quantity.to_string())
        .await?;
    let secure = is_https(&headers, &state.services.public_url);
    Ok(with_cookie(
        Json(cart).into_response(),
        token.map(|t| session_cookie(&t, secure)),
    ))
}

/// Sets a cart line's quantity.
#[utoipa::path(patch, path = "/api/v1/cart/items/{variant_id}", tag = "cart",
    request_body = CartItemQuantity,
    responses((status = 200, body = CartView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn set_cart_item(
    State(state): State<AppState>,
    Path(variant_id): Path<i64>,
    headers: HeaderMap,
    json: Result<Json<CartItemQuantity>, JsonRejection>,
) -> Result<Json<CartView>, ApiError> {
    let quantity = body(json)?.quantity;
    update_line(&state, &headers, variant_id, quantity).await
}

/// Removes a line from the cart.
#[utoipa::path(delete, path = "/api/v1/cart/items/{variant_id}", tag = "cart",
    responses((status = 200, body = CartView), (status = 404, body = ErrorBody)))]
pub async fn remove_cart_item(
    State(state): State<AppState>,
    Path(variant_id): Path<i64>,
    headers: HeaderMap,
) -> Result<Json<CartView>, ApiError> {
    update_line(&state, &headers, variant_id, 0).await
}

async fn update_line(
    state: &AppState,
    headers: &HeaderMap,
    variant_id: i64,
    quantity: u32,
) -> Result<Json<CartView>, ApiError> {
    let session = session(state, headers)
        .await?
        .ok_or_else(|| ApiError::not_found("that item is not in your cart"))?;
    let cart = state
        .services
        .shop
        .set_cart_quantity(&session, variant_id, &quantity.to_string())
        .await?;
    Ok(Json(cart))
}

/// Places the cart as an order and pays with the test card. Send an
/// `Idempotency-Key` header (or `idempotency_key` field): a retry with the
/// same key returns the first order and never charges twice; the same key
/// with a different cart is a 422.
#[utoipa::path(post, path = "/api/v1/checkout", tag = "orders", request_body = CheckoutForm,
    params(("Idempotency-Key" = Option<String>, Header, description = "Unique per checkout attempt")),
    responses((status = 201, body = OrderDetail), (status = 402, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Out of stock"),
        (status = 422, body = ErrorBody)))]
pub async fn checkout(
    State(state): State<AppState>,
    headers: HeaderMap,
    json: Result<Json<CheckoutForm>, JsonRejection>,
) -> Result<Response, ApiError> {
    let mut form = body(json)?;
    if let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()) {
        form.idempotency_key = key.to_string();
    }
    let session = session(&state, &headers).await?.ok_or_else(|| {
        ApiError::from(ShopError::Invalid(vitrine_domain::FieldErrors::one(
            "cart",
            "your cart is empty",
        )))
    })?;
    let order = state.services.shop.checkout(&session, &form).await?;
    Ok((StatusCode::CREATED, Json(order)).into_response())
}

/// The signed-in customer's orders, newest first.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders",
    responses((status = 200, body = Vec<OrderSummary>), (status = 401, body = ErrorBody)))]
pub async fn list_orders(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<OrderSummary>>, ApiError> {
    let session = session(&state, &headers).await?;
    Ok(Json(
        state.services.shop.order_history(session.as_ref()).await?,
    ))
}

/// One of the session's orders (a customer's, or a guest's own).
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders",
    responses((status = 200, body = OrderDetail), (status = 404, body = ErrorBody)))]
pub async fn get_order(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Json<OrderDetail>, ApiError> {
    let session = session(&state, &headers).await?;
    Ok(Json(state.services.shop.order(session.as_ref(), id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewCustomer {
    email: String,
    name: String,
    /// 8 to 128 characters.
    password: String,
}

#[derive(Deserialize, ToSchema)]
pub struct Credentials {
    email: String,
    password: String,
}

/// Creates an account and signs in (the visitor's cart comes along).
#[utoipa::path(post, path = "/api/v1/customers", tag = "account", request_body = NewCustomer,
    responses((status = 201, body = Customer), (status = 422, body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    json: Result<Json<NewCustomer>, JsonRejection>,
) -> Result<Response, ApiError> {
    let form = body(json)?;
    let current = session(&state, &headers).await?;
    let signed_in = state
        .services
        .shop
        .register(current.as_ref(), &form.email, &form.name, &form.password)
        .await?;
    Ok(signed_in_response(
        &state,
        &headers,
        StatusCode::CREATED,
        signed_in,
    ))
}

/// The customer, with the cookie of the session that signing in started.
fn signed_in_response(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    signed_in: vitrine_domain::shop::SignedIn,
) -> Response {
    let secure = is_https(headers, &state.services.public_url);
    with_cookie(
        (status, Json(signed_in.customer)).into_response(),
        Some(session_cookie(&signed_in.token, secure)),
    )
}

/// Signs in: a new session (cookie), with the visitor's cart merged into the customer's.
#[utoipa::path(post, path = "/api/v1/session", tag = "account", request_body = Credentials,
    responses((status = 200, body = Customer), (status = 401, body = ErrorBody)))]
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    json: Result<Json<Credentials>, JsonRejection>,
) -> Result<Response, ApiError> {
    let form = body(json)?;
    let current = session(&state, &headers).await?;
    let signed_in = state
        .services
        .shop
        .log_in(current.as_ref(), &form.email, &form.password)
        .await?;
    Ok(signed_in_response(
        &state,
        &headers,
        StatusCode::OK,
        signed_in,
    ))
}

/// Signs out: ends the session.
#[utoipa::path(delete, path = "/api/v1/session", tag = "account",
    responses((status = 204)))]
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(session) = session(&state, &headers).await? {
        state.services.shop.log_out(&session).await?;
    }
    let secure = is_https(&headers, &state.services.public_url);
    Ok(with_cookie(
        StatusCode::NO_CONTENT.into_response(),
        Some(clear_session_cookie(secure)),
    ))
}
