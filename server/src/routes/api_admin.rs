//! `/api/v1/admin`: what merchandisers and admins do through the API. Every
//! handler starts by checking the caller's role on the server: anonymous
//! callers get 401, shoppers 403.

use super::api::{ApiError, ErrorBody};
use super::uploads::{self, UploadError};
use crate::models::{self, ImportError, ImportStage, ImportedModel};
use crate::startup::AppState;
use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use serde::Serialize;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::UnboundedReceiverStream;
use utoipa::ToSchema;
use vitrine_app::session::token_from;
use vitrine_domain::back_office::NewAuditEntry;
use vitrine_domain::merchandising::SaveError;
use vitrine_domain::model_desk::{UploadEvent, format_bytes};
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
/// poster, stored, and only then made the product's model (with its audit
/// entry, in one transaction): a refused file leaves the previous model in
/// place and stores nothing.
///
/// With `Accept: text/event-stream` the answer is a stream of server-sent
/// events once the file has arrived: `stage` as each step starts, then
/// `done` or `failed` (with the status the refusal would have had). The
/// admin page shows the stages as they pass.
#[utoipa::path(put, path = "/api/v1/admin/products/{slug}/model", tag = "admin",
    responses((status = 201, body = ImportedModelBody),
        (status = 200, description = "text/event-stream of the import's stages"),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn upload_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    let who = staff(&state, &headers).await?;
    let slug = Slug::parse(&slug).map_err(|e| ApiError::not_found(format!("{slug:?}: {e}")))?;
    if state
        .services
        .merchandising
        .editable_product(&slug)
        .await?
        .is_none()
    {
        return Err(ApiError::not_found(format!("there is no product {slug}")));
    }
    let limit = state.uploads.max_bytes;
    let refused = |e: UploadError| ApiError::new(e.status(), e.message());
    uploads::check_declared_length(&headers, limit).map_err(refused)?;
    let received = uploads::receive(&state.uploads.dir, multipart, "model", limit)
        .await
        .map_err(refused)?;
    let bytes = received.file.bytes().await.map_err(refused)?;
    drop(received);

    let streaming = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/event-stream"));
    if !streaming {
        let imported = import_upload(&state, &slug, &who, bytes, &|_| {})
            .await
            .map_err(|(status, message)| ApiError::new(status, message))?;
        return Ok((StatusCode::CREATED, Json(body_of(&state, imported))).into_response());
    }
    let (events, received) = tokio::sync::mpsc::unbounded_channel::<UploadEvent>();
    // The import finishes even if the browser goes away: it is all or nothing.
    tokio::spawn(async move {
        let _ = events.send(UploadEvent::Stage(ImportStage::Received));
        let progress = |stage| {
            let _ = events.send(UploadEvent::Stage(stage));
        };
        let last = match import_upload(&state, &slug, &who, bytes, &progress).await {
            Ok(imported) => UploadEvent::Done {
                levels: imported.manifest.levels.len(),
                bytes: imported.manifest.levels.iter().map(|l| l.bytes).sum(),
            },
            Err((status, message)) => UploadEvent::Failed {
                status: status.as_u16(),
                message,
            },
        };
        let _ = events.send(last);
    });
    let stream = UnboundedReceiverStream::new(received).map(|event| {
        Ok::<_, std::convert::Infallible>(Event::default().event(event.name()).data(event.data()))
    });
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    // Proxies (nginx) pass each event on as it comes.
    response
        .headers_mut()
        .insert("x-accel-buffering", header::HeaderValue::from_static("no"));
    Ok(response)
}

/// Builds and stores the model, then points the product at it with its
/// audit entry; on failure, the status and message the uploader gets.
pub(crate) async fn import_upload(
    state: &AppState,
    slug: &Slug,
    who: &Customer,
    bytes: Vec<u8>,
    progress: &(dyn Fn(ImportStage) + Send + Sync),
) -> Result<ImportedModel, (StatusCode, String)> {
    let limits = Limits {
        max_bytes: state.uploads.max_bytes,
        ..Limits::default()
    };
    let started = std::time::Instant::now();
    let logged = |stage: ImportStage| {
        tracing::info!(product = %slug, stage = stage.label(), "import");
        progress(stage);
    };
    let imported = models::prepare_model(state.assets.as_ref(), bytes, &limits, &logged)
        .await
        .map_err(|e| match e {
            ImportError::Refused(message) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the model was not accepted: {message}"),
            ),
            ImportError::NoProduct(_) => (StatusCode::NOT_FOUND, e.to_string()),
            ImportError::Failed(message) => internal(message),
        })?;
    let total_bytes: u64 = imported.manifest.levels.iter().map(|l| l.bytes).sum();
    let entry = NewAuditEntry::by(
        who,
        (state.services.shop.clock)(),
        "model.upload",
        "product",
        slug.as_str(),
        format!(
            "{} levels of detail, {} in all",
            imported.manifest.levels.len(),
            format_bytes(total_bytes)
        ),
    );
    state
        .services
        .merchandising
        .set_model(slug, Some(&imported.model), &entry)
        .await
        .map_err(|e| match e {
            SaveError::NotFound(message) => (StatusCode::NOT_FOUND, message),
            SaveError::Refused(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors.summary()),
            SaveError::Store(e) => internal(e.to_string()),
        })?;
    tracing::info!(
        product = %slug, by = %who.email, ms = started.elapsed().as_millis() as u64,
        "imported a 3D model"
    );
    Ok(imported)
}

fn body_of(state: &AppState, imported: ImportedModel) -> ImportedModelBody {
    let base = &state.asset_base_url;
    let url = |key: &str| format!("{base}/{key}");
    let model = &imported.model;
    ImportedModelBody {
        model_url: url(&model.model_key),
        manifest_url: model.manifest_key.as_deref().map(url).unwrap_or_default(),
        poster_url: model.poster_key.as_deref().map(url),
        report: imported.report,
        manifest: imported.manifest,
    }
}

fn internal(message: String) -> (StatusCode, String) {
    tracing::error!(error = %message, "model upload failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the model could not be stored; the product keeps its previous model".into(),
    )
}
