//! `/api/v1/admin`: what merchandisers and admins do through the API. Every
//! handler starts by checking the caller's role on the server: anonymous
//! callers get 401, shoppers 403.

use super::api::{ApiError, ErrorBody};
use crate::models::{self, ImportError, ImportStage};
use crate::startup::AppState;
use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::put;
use serde::Serialize;
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;
use utoipa::ToSchema;
use vitrine_app::session::token_from;
use vitrine_domain::back_office::NewAuditEntry;
use vitrine_domain::viewer::ModelManifest;
use vitrine_domain::{Customer, Slug};
use vitrine_pipeline::{Limits, ModelReport};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/admin/products/{slug}/model",
        // The upload handler enforces its own (much larger) limit as it streams.
        put(upload_model).layer(DefaultBodyLimit::disable()),
    )
}

/// The signed-in merchandiser or admin, or the 401/403 that says why not.
pub async fn staff(state: &AppState, headers: &HeaderMap) -> Result<Customer, ApiError> {
    let shop = &state.services.shop;
    let session = shop.session(token_from(headers).as_deref()).await?;
    match shop.customer(session.as_ref()).await? {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "sign in as a merchandiser or admin first",
        )),
        Some(customer) if customer.role.runs_the_store() => Ok(customer),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "only merchandisers and admins may do this",
        )),
    }
}

/// What an upload made.
#[derive(Serialize, ToSchema)]
pub struct ImportedModelBody {
    #[schema(value_type = Object)]
    report: ModelReport,
    manifest: ModelManifest,
    model_url: String,
    manifest_url: String,
    poster_url: Option<String>,
}

/// Gives a product a new 3D model: the GLB goes in a `multipart/form-data`
/// field named `model`. It is checked, turned into levels of detail and a
/// poster, stored, and only then made the product's model: a refused file
/// leaves the previous model in place and stores nothing.
#[utoipa::path(put, path = "/api/v1/admin/products/{slug}/model", tag = "admin",
    responses((status = 201, body = ImportedModelBody), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn upload_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<(StatusCode, Json<ImportedModelBody>), ApiError> {
    let who = staff(&state, &headers).await?;
    let slug = Slug::parse(&slug).map_err(|e| ApiError::not_found(format!("{slug:?}: {e}")))?;
    let limit = state.uploads.max_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // A little room for the multipart framing around the file.
    if declared.is_some_and(|length| length > limit as u64 + 64 * 1024) {
        return Err(too_large(limit));
    }
    let upload = receive_model(&state, multipart, limit).await?;
    let bytes = tokio::fs::read(&upload.path)
        .await
        .map_err(|e| internal(format!("cannot read the upload back: {e}")))?;
    drop(upload);
    let limits = Limits {
        max_bytes: limit,
        ..Limits::default()
    };
    let started = std::time::Instant::now();
    let imported = models::import_model(
        state.stores.catalog.as_ref(),
        state.assets.as_ref(),
        &slug,
        bytes,
        &limits,
        &|stage: ImportStage| tracing::info!(product = %slug, stage = stage.label(), "import"),
    )
    .await
    .map_err(|e| match e {
        ImportError::Refused(message) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the model was not accepted: {message}"),
        ),
        ImportError::NoProduct(_) => ApiError::not_found(e.to_string()),
        ImportError::Failed(message) => internal(message),
    })?;
    tracing::info!(
        product = %slug, by = %who.email, ms = started.elapsed().as_millis() as u64,
        "imported a 3D model"
    );
    let total_bytes: u64 = imported.manifest.levels.iter().map(|l| l.bytes).sum();
    let entry = NewAuditEntry::by(
        &who,
        (state.services.shop.clock)(),
        "model.upload",
        "product",
        slug.as_str(),
        format!(
            "{} levels of detail, {:.1} MB in all",
            imported.manifest.levels.len(),
            total_bytes as f64 / 1_000_000.0
        ),
    );
    // The model is in place: a failure to log it is reported, not undone.
    if let Err(e) = state.services.audit.record(&entry).await {
        tracing::error!(error = %e, product = %slug, "could not record a model upload in the audit log");
    }
    let base = &state.asset_base_url;
    let url = |key: &str| format!("{base}/{key}");
    let model = &imported.model;
    Ok((
        StatusCode::CREATED,
        Json(ImportedModelBody {
            model_url: url(&model.model_key),
            manifest_url: model.manifest_key.as_deref().map(url).unwrap_or_default(),
            poster_url: model.poster_key.as_deref().map(url),
            report: imported.report,
            manifest: imported.manifest,
        }),
    ))
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the file is larger than the {} MB upload limit",
            limit / (1024 * 1024)
        ),
    )
}

fn internal(message: String) -> ApiError {
    tracing::error!(error = %message, "model upload failed");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the model could not be stored; the product keeps its previous model",
    )
}

/// An uploaded file on disk, removed when dropped (whatever happens next).
struct Upload {
    path: PathBuf,
}

impl Drop for Upload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Streams the `model` field to a file under the upload folder, refusing
/// it as soon as it passes `limit` bytes.
async fn receive_model(
    state: &AppState,
    mut multipart: Multipart,
    limit: usize,
) -> Result<Upload, ApiError> {
    let bad = |message: String| ApiError::new(StatusCode::BAD_REQUEST, message);
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(format!("the upload is not valid multipart/form-data: {e}")))?
    {
        if field.name() != Some("model") {
            continue;
        }
        tokio::fs::create_dir_all(&state.uploads.dir)
            .await
            .map_err(|e| internal(format!("cannot make the upload folder: {e}")))?;
        let upload = Upload {
            path: state.uploads.dir.join(format!(
                "upload-{}-{}.glb",
                std::process::id(),
                UPLOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            )),
        };
        let mut file = tokio::fs::File::create(&upload.path)
            .await
            .map_err(|e| internal(format!("cannot create the upload file: {e}")))?;
        let mut received = 0usize;
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| bad(format!("the upload was interrupted: {e}")))?
        {
            received += chunk.len();
            if received > limit {
                return Err(too_large(limit));
            }
            file.write_all(&chunk)
                .await
                .map_err(|e| internal(format!("cannot write the upload: {e}")))?;
        }
        file.flush()
            .await
            .map_err(|e| internal(format!("cannot write the upload: {e}")))?;
        if received == 0 {
            return Err(bad("the model file is empty".into()));
        }
        return Ok(upload);
    }
    Err(bad(
        "send the GLB as a multipart/form-data field named \"model\"".into(),
    ))
}

static UPLOADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
