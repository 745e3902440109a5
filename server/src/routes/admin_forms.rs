//! The admin pages' form posts: products, variants and stock. Each handler
//! checks the caller's role first (403 otherwise), checks the form in the
//! domain, saves the change with its audit entry in one transaction, then
//! redirects (303) back to the editor. A refused form renders the editor
//! again with the message at the field (422) and nothing saved.

use super::forms::{redirect, render_again};
use crate::startup::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use std::collections::HashMap;
use vitrine_app::forms::FormFeedback;
use vitrine_app::session::token_from;
use vitrine_domain::back_office::NewAuditEntry;
use vitrine_domain::form::FieldErrors;
use vitrine_domain::merchandising::{
    ProductDraft, SaveError, StockAdjustment, VariantDraft, options_text,
};
use vitrine_domain::{Customer, Sku, Slug};

type Fields = HashMap<String, String>;

pub fn add_routes(router: axum::Router<AppState>) -> axum::Router<AppState> {
    router
        .route("/admin/products/new", post(create_product))
        .route("/admin/products/{slug}", post(update_product))
        .route("/admin/products/{slug}/variants", post(add_variant))
        .route("/admin/variants/{sku}", post(update_variant))
        .route("/admin/variants/{sku}/stock", post(adjust_stock))
        .route("/admin/orders/{id}/status", post(move_order))
        .route("/admin/staff", post(give_role))
}

/// The signed-in merchandiser or admin, or the response that refuses.
pub(super) async fn staff(state: &AppState, headers: &HeaderMap) -> Result<Customer, Response> {
    let shop = &state.services.shop;
    let refuse = |status: StatusCode, message: &str| (status, message.to_string()).into_response();
    let session = shop
        .session(token_from(headers).as_deref())
        .await
        .map_err(|_| {
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "The store is unavailable right now.",
            )
        })?;
    match shop.customer(session.as_ref()).await {
        Ok(Some(customer)) if customer.role.runs_the_store() => Ok(customer),
        Ok(Some(_)) => Err(refuse(
            StatusCode::FORBIDDEN,
            "Only the store's merchandisers and admins may change products.",
        )),
        Ok(None) => Err(refuse(
            StatusCode::UNAUTHORIZED,
            "Sign in as a merchandiser or admin first.",
        )),
        Err(_) => Err(refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "The store is unavailable right now.",
        )),
    }
}

pub(super) fn now(state: &AppState) -> i64 {
    (state.services.shop.clock)()
}

/// Renders `path` again with the form's errors, or answers why not.
pub(super) async fn refused(
    state: &AppState,
    path: &str,
    headers: &HeaderMap,
    form: &str,
    error: SaveError,
    fields: &Fields,
) -> Response {
    let (errors, message, status) = match error {
        SaveError::Refused(errors) => (errors, None, StatusCode::UNPROCESSABLE_ENTITY),
        SaveError::NotFound(message) => return (StatusCode::NOT_FOUND, message).into_response(),
        SaveError::Store(e) => {
            tracing::error!(error = %e, form, "admin form failed");
            (
                FieldErrors::default(),
                Some(
                    "The store is unavailable right now: nothing was saved. Try again in a moment."
                        .into(),
                ),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    };
    let feedback = FormFeedback {
        form: form.to_string(),
        errors,
        message,
        values: fields
            .iter()
            .map(|(k, v)| (k.clone(), v.chars().take(5_000).collect()))
            .collect(),
    };
    render_again(state, path, headers, feedback, status, None).await
}

/// Whole-number stock for a new variant.
fn initial_stock(fields: &Fields) -> Result<i64, FieldErrors> {
    let raw = fields.get("stock").map_or("0", |s| s.trim());
    match raw.parse::<i64>() {
        Ok(n) if n < 0 => Err(FieldErrors::one("stock", "stock cannot be negative")),
        Ok(n) if n > vitrine_domain::merchandising::MAX_STOCK_CHANGE => Err(FieldErrors::one(
            "stock",
            "that is more stock than one variant may start with",
        )),
        Ok(n) => Ok(n),
        Err(_) if raw.is_empty() => Ok(0),
        Err(_) => Err(FieldErrors::one("stock", "enter a whole number, e.g. 10")),
    }
}

/// Both checks' errors together, so the form shows every problem at once.
fn both<A, B>(a: Result<A, FieldErrors>, b: Result<B, FieldErrors>) -> Result<(A, B), FieldErrors> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => {
            let mut errors = FieldErrors::default();
            for e in [a.err(), b.err()].into_iter().flatten() {
                errors.0.extend(e.0);
            }
            Err(errors)
        }
    }
}

async fn create_product(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let who = match staff(&state, &headers).await {
        Ok(who) => who,
        Err(response) => return response,
    };
    let result = async {
        let ((product, variant), stock) = both(
            both(ProductDraft::parse(&fields), VariantDraft::parse(&fields)),
            initial_stock(&fields),
        )
        .map_err(SaveError::Refused)?;
        let audit = NewAuditEntry::by(
            &who,
            now(&state),
            "product.create",
            "product",
            product.slug.as_str(),
            format!(
                "{} with variant {} ({}, {} in stock)",
                product.title, variant.sku, variant.price, stock
            ),
        );
        state
            .services
            .merchandising
            .create_product(&product, &variant, stock, &audit)
            .await?;
        Ok::<_, SaveError>(product.slug)
    };
    match result.await {
        Ok(slug) => redirect(&format!("/admin/products/{slug}?saved=created"), None),
        Err(error) => {
            refused(
                &state,
                "/admin/products/new",
                &headers,
                "product",
                error,
                &fields,
            )
            .await
        }
    }
}

async fn update_product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let who = match staff(&state, &headers).await {
        Ok(who) => who,
        Err(response) => return response,
    };
    let Ok(slug) = Slug::parse(&slug) else {
        return (StatusCode::NOT_FOUND, format!("no product {slug:?}")).into_response();
    };
    let result = async {
        let product = ProductDraft::parse(&fields).map_err(SaveError::Refused)?;
        let detail = format!(
            "{}{}",
            if product.published {
                "published"
            } else {
                "draft"
            },
            if product.slug != slug {
                format!(", address now /p/{}", product.slug)
            } else {
                String::new()
            }
        );
        let audit = NewAuditEntry::by(
            &who,
            now(&state),
            "product.update",
            "product",
            slug.as_str(),
            detail,
        );
        state
            .services
            .merchandising
            .update_product(&slug, &product, &audit)
            .await?;
        Ok::<_, SaveError>(product.slug)
    };
    match result.await {
        Ok(new_slug) => redirect(&format!("/admin/products/{new_slug}?saved=product"), None),
        Err(error) => {
            let path = format!("/admin/products/{slug}");
            refused(&state, &path, &headers, "product", error, &fields).await
        }
    }
}

async fn add_variant(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let who = match staff(&state, &headers).await {
        Ok(who) => who,
        Err(response) => return response,
    };
    let Ok(slug) = Slug::parse(&slug) else {
        return (StatusCode::NOT_FOUND, format!("no product {slug:?}")).into_response();
    };
    let result = async {
        let (variant, stock) = both(VariantDraft::parse(&fields), initial_stock(&fields))
            .map_err(SaveError::Refused)?;
        let audit = NewAuditEntry::by(
            &who,
            now(&state),
            "variant.add",
            "variant",
            variant.sku.as_str(),
            format!(
                "{} on {slug}: {}, {} in stock",
                variant.name, variant.price, stock
            ),
        );
        state
            .services
            .merchandising
            .add_variant(&slug, &variant, stock, &audit)
            .await
    };
    match result.await {
        Ok(()) => redirect(&format!("/admin/products/{slug}?saved=variant-added"), None),
        Err(error) => {
            let path = format!("/admin/products/{slug}");
            refused(&state, &path, &headers, "variant-new", error, &fields).await
        }
    }
}

/// The editor page to go back to after a variant's form: the product the
/// form names (a hidden field), else the published product holding the SKU,
/// else the product list.
async fn editor_of(state: &AppState, fields: &Fields, sku: &Sku) -> String {
    let named = fields
        .get("product")
        .filter(|p| Slug::parse(p).is_ok())
        .cloned();
    let product = match named {
        Some(product) => Some(product),
        None => state
            .services
            .shop
            .catalog
            .variant_by_sku(sku)
            .await
            .ok()
            .flatten()
            .map(|v| v.product_slug.to_string()),
    };
    product.map_or("/admin/products".to_string(), |p| {
        format!("/admin/products/{p}")
    })
}

async fn update_variant(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    headers: HeaderMap,
    Form(mut fields): Form<Fields>,
) -> Response {
    let who = match staff(&state, &headers).await {
        Ok(who) => who,
        Err(response) => return response,
    };
    let Ok(sku) = Sku::parse(&sku) else {
        return (StatusCode::NOT_FOUND, format!("no variant {sku:?}")).into_response();
    };
    // The SKU is the variant's identity: the path's, whatever the form says.
    fields.insert("sku".into(), sku.to_string());
    let result = async {
        let variant = VariantDraft::parse(&fields).map_err(SaveError::Refused)?;
        let audit = NewAuditEntry::by(
            &who,
            now(&state),
            "variant.update",
            "variant",
            sku.as_str(),
            format!(
                "{}, {}{}",
                variant.name,
                variant.price,
                if variant.options.is_empty() {
                    String::new()
                } else {
                    format!(", {}", options_text(&variant.options))
                }
            ),
        );
        state
            .services
            .merchandising
            .update_variant(&sku, &variant, &audit)
            .await
    };
    let outcome = result.await;
    let back = editor_of(&state, &fields, &sku).await;
    match outcome {
        Ok(()) => redirect(&format!("{back}?saved=variant"), None),
        Err(error) => {
            let form = format!("variant:{sku}");
            refused(&state, &back, &headers, &form, error, &fields).await
        }
    }
}

async fn adjust_stock(
    State(state): State<AppState>,
    Path(sku): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let who = match staff(&state, &headers).await {
        Ok(who) => who,
        Err(response) => return response,
    };
    let Ok(sku) = Sku::parse(&sku) else {
        return (StatusCode::NOT_FOUND, format!("no variant {sku:?}")).into_response();
    };
    let result = async {
        let adjustment = StockAdjustment::parse(&fields).map_err(SaveError::Refused)?;
        let audit = NewAuditEntry::by(
            &who,
            now(&state),
            "stock.adjust",
            "variant",
            sku.as_str(),
            format!(
                "{:+} ({}{})",
                adjustment.change,
                adjustment.reason.label(),
                if adjustment.note.is_empty() {
                    String::new()
                } else {
                    format!(": {}", adjustment.note)
                }
            ),
        );
        state
            .services
            .merchandising
            .adjust_stock(&sku, &adjustment, &audit)
            .await
    };
    let outcome = result.await;
    let back = editor_of(&state, &fields, &sku).await;
    match outcome {
        Ok(_) => redirect(&format!("{back}?saved=stock"), None),
        Err(error) => {
            let form = format!("stock:{sku}");
            refused(&state, &back, &headers, &form, error, &fields).await
        }
    }
}

async fn move_order(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    use vitrine_domain::order_desk::{StaffTransition, action_str};
    use vitrine_domain::shop::ShopError;
    let who = match staff(&state, &headers).await {
        Ok(who) => who,
        Err(response) => return response,
    };
    let Ok(id) = id.parse::<i64>() else {
        return (StatusCode::NOT_FOUND, format!("no order {id:?}")).into_response();
    };
    let field = |name: &str| fields.get(name).map_or("", String::as_str);
    let result = async {
        let transition = StaffTransition::parse(field("action"), field("tracking_number"))
            .map_err(ShopError::Invalid)?;
        state
            .services
            .shop
            .move_order(
                id,
                transition.action,
                transition.tracking_number,
                Some(&who),
            )
            .await?;
        Ok::<_, ShopError>(transition.action)
    };
    let path = format!("/admin/orders/{id}");
    match result.await {
        Ok(action) => redirect(&format!("{path}?saved={}", action_str(action)), None),
        Err(ShopError::NotFound(message)) => (StatusCode::NOT_FOUND, message).into_response(),
        Err(error) => {
            let (errors, message) = match error {
                ShopError::Invalid(errors) => (errors, None),
                ShopError::Unavailable(detail) => {
                    tracing::error!(error = %detail, order = id, "an order could not be moved on");
                    (
                        FieldErrors::default(),
                        Some(format!(
                            "Nothing was changed: {detail}. Try again in a moment."
                        )),
                    )
                }
                other => (FieldErrors::default(), Some(other.to_string())),
            };
            let status = if message.is_some() && errors.is_empty() {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let feedback = FormFeedback {
                form: "order-status".into(),
                errors,
                message,
                values: fields.clone().into_iter().collect(),
            };
            render_again(&state, &path, &headers, feedback, status, None).await
        }
    }
}

/// An admin gives an account a role, or invites an email that has none.
async fn give_role(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    use vitrine_domain::Email;
    use vitrine_domain::back_office::check_role_change;
    use vitrine_domain::customer::Role;
    let who = match staff(&state, &headers).await {
        Ok(who) if who.role == Role::Admin => who,
        Ok(_) => {
            return (StatusCode::FORBIDDEN, "Only admins may give roles.").into_response();
        }
        Err(response) => return response,
    };
    let field = |name: &str| fields.get(name).map_or("", String::as_str);
    let customers = &state.services.shop.customers;
    let result = async {
        let mut errors = FieldErrors::default();
        let email = errors.check("email", Email::parse(field("email")));
        let role = Role::parse(field("role"));
        if role.is_none() {
            errors.add("role", "choose a role");
        }
        let (Some(email), Some(role)) = (email, role) else {
            return Err(SaveError::Refused(errors));
        };
        check_role_change(&who, email.as_str()).map_err(SaveError::Refused)?;
        let at = now(&state);
        // Each change is written with its audit entry, in one transaction.
        let entry = |action: &str, detail: String| {
            NewAuditEntry::by(&who, at, action, "account", email.as_str(), detail)
        };
        let assigned = entry("role.assign", format!("now {}", role.as_str()));
        let saved = match customers.set_role(&email, role, Some(&assigned)).await? {
            Some(_) => "role",
            None if role == Role::Customer => {
                return Err(SaveError::Refused(FieldErrors::one(
                    "email",
                    "no account has this email (and a customer needs no invitation)",
                )));
            }
            None => {
                let invited = entry("role.invite", format!("invited as {}", role.as_str()));
                customers.invite(&email, role, at, &invited).await?;
                "invited"
            }
        };
        Ok::<_, SaveError>(saved)
    };
    match result.await {
        Ok(saved) => redirect(&format!("/admin/staff?saved={saved}"), None),
        Err(error) => refused(&state, "/admin/staff", &headers, "role", error, &fields).await,
    }
}
