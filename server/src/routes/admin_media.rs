//! The admin pages' posts with files, and the 3D page's other forms: upload
//! or remove a product's 3D model, choose its poster, add and arrange its
//! photos. Like the other admin forms, each checks the caller's role, saves
//! with its audit entry in one transaction, and redirects (303) back; a
//! refusal renders the page again with the message at the form and nothing
//! changed. (The 3D page's hydrated upload uses the admin API instead, for
//! its progress.)

use super::admin_forms::{now, refused, staff};
use super::api_admin::import_upload;
use super::forms::{redirect, render_again};
use super::uploads::{self, UploadError};
use crate::startup::AppState;
use axum::Form;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use std::collections::HashMap;
use vitrine_app::forms::FormFeedback;
use vitrine_domain::Slug;
use vitrine_domain::back_office::NewAuditEntry;
use vitrine_domain::form::FieldErrors;
use vitrine_domain::merchandising::{ImageEdit, SaveError, alt_text};
use vitrine_domain::store::NewImage;
use vitrine_pipeline::photo::MAX_PHOTO_BYTES;

type Fields = HashMap<String, String>;

pub fn add_routes(router: axum::Router<AppState>) -> axum::Router<AppState> {
    let photo_limit = DefaultBodyLimit::max(MAX_PHOTO_BYTES + uploads::FRAMING_BYTES as usize);
    router
        .route(
            "/admin/products/{slug}/model",
            // The upload enforces its own (much larger) limit as it streams.
            post(upload_model).layer(DefaultBodyLimit::disable()),
        )
        .route("/admin/products/{slug}/model/remove", post(remove_model))
        .route(
            "/admin/products/{slug}/poster",
            post(upload_poster).layer(photo_limit),
        )
        .route(
            "/admin/products/{slug}/poster/rendered",
            post(rendered_poster),
        )
        .route(
            "/admin/products/{slug}/images",
            post(add_photo).layer(photo_limit),
        )
        .route("/admin/products/{slug}/images/{id}", post(edit_photo))
}

/// Renders `path` again with `message` at the form `form`.
async fn refused_with(
    state: &AppState,
    path: &str,
    headers: &HeaderMap,
    form: &str,
    status: StatusCode,
    message: String,
) -> Response {
    let feedback = FormFeedback {
        form: form.to_string(),
        message: Some(capitalised(&message)),
        ..FormFeedback::default()
    };
    render_again(state, path, headers, feedback, status, None).await
}

fn capitalised(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The product's slug, if there is such a product (published or not).
async fn product(state: &AppState, slug: &str) -> Result<Slug, Response> {
    let missing = || {
        (
            StatusCode::NOT_FOUND,
            format!("There is no product {slug:?}."),
        )
            .into_response()
    };
    let slug = Slug::parse(slug).map_err(|_| missing())?;
    match state.services.merchandising.editable_product(&slug).await {
        Ok(Some(_)) => Ok(slug),
        Ok(None) => Err(missing()),
        Err(e) => {
            tracing::error!(error = %e, "admin form failed");
            Err((
                StatusCode::SERVICE_UNAVAILABLE,
                "The store is unavailable right now: nothing was saved.",
            )
                .into_response())
        }
    }
}

/// The staff member and product, or the response that refuses.
macro_rules! staff_and_product {
    ($state:expr, $headers:expr, $slug:expr) => {{
        let who = match staff(&$state, &$headers).await {
            Ok(who) => who,
            Err(response) => return response,
        };
        match product(&$state, &$slug).await {
            Ok(slug) => (who, slug),
            Err(response) => return response,
        }
    }};
}

async fn upload_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let (who, slug) = staff_and_product!(state, headers, slug);
    let page = format!("/admin/products/{slug}/model");
    let limit = state.uploads.max_bytes;
    let received = async {
        uploads::check_declared_length(&headers, limit)?;
        let received = uploads::receive(&state.uploads.dir, multipart, "model", limit).await?;
        received.file.bytes().await
    };
    let bytes = match received.await {
        Ok(bytes) => bytes,
        Err(e) => {
            return refused_with(&state, &page, &headers, "model", e.status(), e.message()).await;
        }
    };
    match import_upload(&state, &slug, &who, bytes, &|_| {}).await {
        Ok(_) => redirect(&format!("{page}?saved=model"), None),
        Err((status, message)) => {
            refused_with(&state, &page, &headers, "model", status, message).await
        }
    }
}

async fn remove_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let (who, slug) = staff_and_product!(state, headers, slug);
    let page = format!("/admin/products/{slug}/model");
    let result = async {
        if fields.get("confirm").map(String::as_str) != Some("yes") {
            return Err(SaveError::Refused(FieldErrors::one(
                "confirm",
                "tick the box to confirm: the 3D view leaves the product page",
            )));
        }
        let audit = NewAuditEntry::by(
            &who,
            now(&state),
            "model.remove",
            "product",
            slug.as_str(),
            "took the 3D model off the product page",
        );
        state
            .services
            .merchandising
            .set_model(&slug, None, &audit)
            .await
    };
    match result.await {
        Ok(()) => redirect(&format!("{page}?saved=removed"), None),
        Err(error) => refused(&state, &page, &headers, "remove", error, &fields).await,
    }
}

async fn upload_poster(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let (who, slug) = staff_and_product!(state, headers, slug);
    let page = format!("/admin/products/{slug}/model");
    let result = async {
        let bytes = received_photo(&state, &headers, multipart, "poster")
            .await?
            .0;
        let poster = tokio::task::spawn_blocking(move || {
            vitrine_pipeline::fit_poster(&bytes, &crate::models::POSTER)
        })
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
        let key = put(&state, &poster, "jpg").await?;
        let audit = NewAuditEntry::by(
            &who,
            now(&state),
            "model.poster",
            "product",
            slug.as_str(),
            "a photo is the poster",
        );
        state
            .services
            .merchandising
            .set_poster(&slug, &key, &audit)
            .await
            .map_err(save_refusal)
    };
    match result.await {
        Ok(()) => redirect(&format!("{page}?saved=poster"), None),
        Err((status, message)) => {
            refused_with(&state, &page, &headers, "poster", status, message).await
        }
    }
}

async fn rendered_poster(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (who, slug) = staff_and_product!(state, headers, slug);
    let page = format!("/admin/products/{slug}/model");
    let result = async {
        let services = &state.services;
        let product = services
            .merchandising
            .editable_product(&slug)
            .await
            .map_err(|e| save_refusal(SaveError::Store(e)))?;
        let manifest_key = product
            .and_then(|p| p.model)
            .and_then(|m| m.manifest_key)
            .ok_or((
                StatusCode::UNPROCESSABLE_ENTITY,
                "this product's model has no rendered poster".to_string(),
            ))?;
        let rendered = services
            .manifests
            .manifest(&manifest_key)
            .await
            .map_err(|e| save_refusal(SaveError::Store(e)))?
            .and_then(|m| m.poster)
            .ok_or((
                StatusCode::UNPROCESSABLE_ENTITY,
                "this product's model has no rendered poster".to_string(),
            ))?;
        let audit = NewAuditEntry::by(
            &who,
            now(&state),
            "model.poster",
            "product",
            slug.as_str(),
            "the rendered still is the poster",
        );
        services
            .merchandising
            .set_poster(&slug, &rendered, &audit)
            .await
            .map_err(save_refusal)
    };
    match result.await {
        Ok(()) => redirect(&format!("{page}?saved=poster-rendered"), None),
        Err((status, message)) => {
            refused_with(&state, &page, &headers, "poster", status, message).await
        }
    }
}

async fn add_photo(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let (who, slug) = staff_and_product!(state, headers, slug);
    let page = format!("/admin/products/{slug}");
    let mut typed = Fields::new();
    let result = async {
        let (bytes, fields) = received_photo(&state, &headers, multipart, "photo").await?;
        typed = fields;
        let alt = alt_text(typed.get("alt").map_or("", String::as_str))
            .map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, e.summary()))?;
        let (bytes, photo) = tokio::task::spawn_blocking(move || {
            let photo = vitrine_pipeline::check_photo(&bytes);
            (bytes, photo)
        })
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        let photo = photo.map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
        let key = put(&state, &bytes, photo.format.extension()).await?;
        let audit = NewAuditEntry::by(
            &who,
            now(&state),
            "image.add",
            "product",
            slug.as_str(),
            format!("a {}×{} photo", photo.width, photo.height),
        );
        state
            .services
            .merchandising
            .add_image(&slug, &NewImage { key, alt }, &audit)
            .await
            .map_err(save_refusal)
    };
    let outcome = result.await;
    match outcome {
        Ok(()) => redirect(&format!("{page}?saved=photo-added"), None),
        Err((status, message)) => {
            let feedback = FormFeedback {
                form: "photo-new".into(),
                message: Some(capitalised(&message)),
                values: typed.into_iter().collect(),
                ..FormFeedback::default()
            };
            render_again(&state, &page, &headers, feedback, status, None).await
        }
    }
}

async fn edit_photo(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let (who, slug) = staff_and_product!(state, headers, slug);
    let Ok(id) = id.parse::<i64>() else {
        return (StatusCode::NOT_FOUND, format!("{slug} has no photo {id:?}")).into_response();
    };
    let page = format!("/admin/products/{slug}");
    let result = async {
        let edit = ImageEdit::parse(&fields).map_err(SaveError::Refused)?;
        let audit = NewAuditEntry::by(
            &who,
            now(&state),
            "image.edit",
            "product",
            slug.as_str(),
            edit.describe(),
        );
        state
            .services
            .merchandising
            .edit_image(&slug, id, &edit, &audit)
            .await?;
        Ok::<_, SaveError>(edit)
    };
    match result.await {
        Ok(ImageEdit::Remove) => redirect(&format!("{page}?saved=photo-removed"), None),
        Ok(_) => redirect(&format!("{page}?saved=photo"), None),
        Err(error) => {
            let form = format!("photo:{id}");
            refused(&state, &page, &headers, &form, error, &fields).await
        }
    }
}

/// A photo field's bytes and the form's other fields.
async fn received_photo(
    state: &AppState,
    headers: &HeaderMap,
    multipart: Multipart,
    field: &str,
) -> Result<(Vec<u8>, Fields), (StatusCode, String)> {
    let refusal = |e: UploadError| (e.status(), e.message());
    uploads::check_declared_length(headers, MAX_PHOTO_BYTES).map_err(refusal)?;
    let received = uploads::receive(&state.uploads.dir, multipart, field, MAX_PHOTO_BYTES)
        .await
        .map_err(refusal)?;
    let bytes = received.file.bytes().await.map_err(refusal)?;
    Ok((bytes, received.fields))
}

async fn put(
    state: &AppState,
    bytes: &[u8],
    extension: &str,
) -> Result<String, (StatusCode, String)> {
    state.assets.put(bytes, extension).await.map_err(|e| {
        tracing::error!(error = %e, "could not store an uploaded photo");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "the photo could not be stored right now; nothing was changed".to_string(),
        )
    })
}

fn save_refusal(error: SaveError) -> (StatusCode, String) {
    match error {
        SaveError::Refused(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors.summary()),
        SaveError::NotFound(message) => (StatusCode::NOT_FOUND, message),
        SaveError::Store(e) => {
            tracing::error!(error = %e, "admin form failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the store is unavailable right now: nothing was saved".to_string(),
            )
        }
    }
}
