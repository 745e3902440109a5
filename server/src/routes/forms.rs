//! Form posts from the pages. They work without JavaScript: on success the
//! handler redirects (303, post/redirect/get); on bad input it renders the
//! same page again with a 4xx status, the errors next to their fields and
//! the values as typed (never passwords or card numbers).

use crate::startup::AppState;
use axum::Form;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use leptos::prelude::provide_context;
use std::collections::HashMap;
use vitrine_app::forms::{FormFeedback, SECRET_FIELDS};
use vitrine_app::session::{clear_session_cookie, is_https, session_cookie, token_from};
use vitrine_app::shell;
use vitrine_domain::shop::{CheckoutForm, ShopError};
use vitrine_domain::store::Session;
use vitrine_domain::{FieldErrors, ShippingAddress};

type Fields = HashMap<String, String>;

/// The POST side of page routes (their GET side is the Leptos page).
pub fn add_routes(router: axum::Router<AppState>) -> axum::Router<AppState> {
    router
        .route("/p/{slug}", post(add_to_cart))
        .route("/cart", post(update_cart))
        .route("/checkout", post(checkout))
        .route("/account/login", post(log_in))
        .route("/account/register", post(register))
        .route("/account/logout", post(log_out))
}

/// The HTTP status for a use case's refusal.
pub fn status_of(error: &ShopError) -> StatusCode {
    match error {
        ShopError::Invalid(_) | ShopError::KeyReused => StatusCode::UNPROCESSABLE_ENTITY,
        ShopError::NotFound(_) => StatusCode::NOT_FOUND,
        ShopError::OutOfStock(_) => StatusCode::CONFLICT,
        ShopError::PaymentDeclined(_) => StatusCode::PAYMENT_REQUIRED,
        ShopError::SignInRequired | ShopError::BadCredentials => StatusCode::UNAUTHORIZED,
        ShopError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
        ShopError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map_or("", String::as_str)
}

/// "your card was declined" → "Your card was declined."
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// What the page shows after `error`.
fn feedback(form: &str, error: &ShopError, fields: &Fields) -> FormFeedback {
    let (errors, message) = match error {
        ShopError::Invalid(errors) => (errors.clone(), None),
        ShopError::BadCredentials => (
            FieldErrors::one("password", "wrong email or password"),
            None,
        ),
        ShopError::Unavailable(e) => {
            tracing::error!(error = %e, form, "form post failed");
            (FieldErrors::default(), Some("The store is unavailable right now: nothing was changed. Try again in a moment.".into()))
        }
        other => (FieldErrors::default(), Some(sentence(&other.to_string()))),
    };
    FormFeedback {
        form: form.to_string(),
        errors,
        message,
        values: fields
            .iter()
            .filter(|(name, _)| !SECRET_FIELDS.contains(&name.as_str()))
            .map(|(name, value)| (name.clone(), value.chars().take(500).collect()))
            .collect(),
    }
}

pub(crate) fn redirect(to: &str, cookie: Option<String>) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(LOCATION, to.to_string())]).into_response();
    add_cookie(&mut response, cookie);
    response
}

fn add_cookie(response: &mut Response, cookie: Option<String>) {
    if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

/// Renders the page at `path` with `feedback` for its form, answering `status`.
pub(crate) async fn render_again(
    state: &AppState,
    path: &str,
    headers: &HeaderMap,
    feedback: FormFeedback,
    status: StatusCode,
    cookie: Option<String>,
) -> Response {
    let services = state.services.clone();
    let context = move || {
        provide_context(services.clone());
        provide_context(feedback.clone());
    };
    let options = state.leptos_options.clone();
    let assets = state.site_assets.clone();
    let render = leptos_axum::render_app_async_with_context(context, move || {
        shell(options.clone(), assets.clone())
    });
    let mut request = Request::builder()
        .uri(path)
        .body(Body::empty())
        .expect("a path is a valid URI");
    *request.headers_mut() = headers.clone();
    let mut response = render(request).await.into_response();
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    add_cookie(&mut response, cookie);
    response
}

struct Visit {
    session: Option<Session>,
    secure: bool,
}

async fn visit(state: &AppState, headers: &HeaderMap) -> Result<Visit, ShopError> {
    let token = token_from(headers);
    Ok(Visit {
        session: state.services.shop.session(token.as_deref()).await?,
        secure: is_https(headers, &state.services.public_url),
    })
}

async fn add_to_cart(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let shop = &state.services.shop;
    let sku = field(&fields, "sku");
    let mut cookie = None;
    let result: Result<(), ShopError> = async {
        let visit = visit(&state, &headers).await?;
        let (new_token, session) = shop.ensure_session(visit.session).await?;
        cookie = new_token.map(|t| session_cookie(&t, visit.secure));
        shop.add_to_cart(&session, sku, field(&fields, "quantity"))
            .await
            .map(|_| ())
    }
    .await;
    match result {
        Ok(()) => redirect("/cart", cookie),
        Err(error) => {
            let path = format!("/p/{}?variant={}", urlencode(&slug), urlencode(sku));
            let feedback = feedback("add-to-cart", &error, &fields);
            render_again(&state, &path, &headers, feedback, status_of(&error), cookie).await
        }
    }
}

async fn update_cart(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let shop = &state.services.shop;
    let result: Result<Response, ShopError> = async {
        let session = visit(&state, &headers)
            .await?
            .session
            .ok_or_else(|| ShopError::NotFound("your cart is empty".into()))?;
        let variant_id: i64 = field(&fields, "variant_id")
            .trim()
            .parse()
            .map_err(|_| ShopError::NotFound("that item is not in your cart".into()))?;
        shop.set_cart_quantity(&session, variant_id, field(&fields, "quantity"))
            .await?;
        Ok(redirect("/cart", None))
    }
    .await;
    match result {
        Ok(response) => response,
        Err(error) => {
            let feedback = feedback("cart", &error, &fields);
            render_again(&state, "/cart", &headers, feedback, status_of(&error), None).await
        }
    }
}

async fn checkout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let shop = &state.services.shop;
    let form = CheckoutForm {
        idempotency_key: field(&fields, "idempotency_key").into(),
        email: field(&fields, "email").into(),
        shipping: ShippingAddress {
            name: field(&fields, "name").into(),
            line1: field(&fields, "line1").into(),
            line2: field(&fields, "line2").into(),
            city: field(&fields, "city").into(),
            region: field(&fields, "region").into(),
            postal_code: field(&fields, "postal_code").into(),
            country: field(&fields, "country").into(),
        },
        card_number: field(&fields, "card_number").into(),
        card_expiry: field(&fields, "card_expiry").into(),
        card_cvc: field(&fields, "card_cvc").into(),
    };
    let result: Result<Response, ShopError> = async {
        let session = visit(&state, &headers)
            .await?
            .session
            .ok_or_else(|| ShopError::Invalid(FieldErrors::one("cart", "your cart is empty")))?;
        let order = shop.checkout(&session, &form).await?;
        Ok(redirect(&format!("/orders/{}", order.id), None))
    }
    .await;
    match result {
        Ok(response) => response,
        Err(error) => {
            let feedback = feedback("checkout", &error, &fields);
            render_again(
                &state,
                "/checkout",
                &headers,
                feedback,
                status_of(&error),
                None,
            )
            .await
        }
    }
}

async fn log_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    sign_in(state, headers, fields, "login").await
}

async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    sign_in(state, headers, fields, "register").await
}

async fn sign_in(state: AppState, headers: HeaderMap, fields: Fields, form: &str) -> Response {
    let shop = &state.services.shop;
    let result = async {
        let visit = visit(&state, &headers).await?;
        let signed_in = if form == "login" {
            shop.log_in(
                visit.session.as_ref(),
                field(&fields, "email"),
                field(&fields, "password"),
            )
            .await?
        } else {
            shop.register(
                visit.session.as_ref(),
                field(&fields, "email"),
                field(&fields, "name"),
                field(&fields, "password"),
            )
            .await?
        };
        Ok::<_, ShopError>(redirect(
            local_path(field(&fields, "next")).unwrap_or("/account"),
            Some(session_cookie(&signed_in.token, visit.secure)),
        ))
    };
    match result.await {
        Ok(response) => response,
        Err(error) => {
            let path = format!("/account/{form}");
            let feedback = feedback(form, &error, &fields);
            let mut response =
                render_again(&state, &path, &headers, feedback, status_of(&error), None).await;
            if let ShopError::TooManyAttempts(seconds) = error {
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
    }
}

/// `next` if it is a path on this site (never another site: `//evil`,
/// `https://…` or `/\evil` are refused, so the form cannot be used to send
/// people elsewhere).
fn local_path(next: &str) -> Option<&str> {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    local.then_some(next)
}

async fn log_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let secure = is_https(&headers, &state.services.public_url);
    if let Ok(Visit {
        session: Some(session),
        ..
    }) = visit(&state, &headers).await
        && let Err(e) = state.services.shop.log_out(&session).await
    {
        tracing::error!(error = %e, "could not end a session");
    }
    redirect("/", Some(clear_session_cookie(secure)))
}

/// Percent-encodes a path or query component.
fn urlencode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert_eq!(local_path("/admin"), Some("/admin"));
        assert_eq!(
            local_path("/admin/products?q=chair"),
            Some("/admin/products?q=chair")
        );
        for bad in [
            "",
            "admin",
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\nx",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }
}
