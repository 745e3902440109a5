//! Files arriving in `multipart/form-data` requests (3D models, photos),
//! for the admin API and the admin pages' forms alike. The file streams to a
//! temporary file under the upload folder and is refused as soon as it
//! passes its limit; the text fields beside it are kept. The temporary file
//! goes when the [`Upload`] is dropped, whatever happens next.

use axum::extract::Multipart;
use axum::http::StatusCode;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::AsyncWriteExt;

/// Room for the multipart framing and the form's text fields around a file.
pub const FRAMING_BYTES: u64 = 64 * 1024;
/// The longest text field kept.
const MAX_TEXT_FIELD: usize = 10_000;

/// An uploaded file on disk.
pub struct Upload {
    path: PathBuf,
}

impl Upload {
    pub async fn bytes(&self) -> Result<Vec<u8>, UploadError> {
        tokio::fs::read(&self.path)
            .await
            .map_err(|e| UploadError::Storage(format!("cannot read the upload back: {e}")))
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// What a multipart request carried.
pub struct Received {
    pub file: Upload,
    pub fields: HashMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The request is not what the form sends.
    #[error("{0}")]
    Malformed(String),
    #[error("the file is larger than the {} MB upload limit", .0 / (1024 * 1024))]
    TooLarge(usize),
    #[error("choose a file to upload: send it as a multipart/form-data field named \"{0}\"")]
    NoFile(String),
    #[error("the file is empty")]
    Empty,
    /// Our side failed (disk); logged, and nothing the uploader can fix.
    #[error("{0}")]
    Storage(String),
}

impl UploadError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(_) | Self::NoFile(_) | Self::Empty => StatusCode::BAD_REQUEST,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the uploader reads.
    pub fn message(&self) -> String {
        match self {
            Self::Storage(detail) => {
                tracing::error!(error = %detail, "upload failed");
                "the file could not be stored; nothing was changed".to_string()
            }
            other => other.to_string(),
        }
    }
}

/// Refuses a request whose declared length is already over `limit`
/// (before reading a byte of it).
pub fn check_declared_length(
    headers: &axum::http::HeaderMap,
    limit: usize,
) -> Result<(), UploadError> {
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(length) if length > limit as u64 + FRAMING_BYTES => Err(UploadError::TooLarge(limit)),
        _ => Ok(()),
    }
}

/// Reads every field of `multipart`: the file field `file_field` goes to
/// disk under `dir` (at most `limit` bytes), the others are kept as text.
pub async fn receive(
    dir: &Path,
    mut multipart: Multipart,
    file_field: &str,
    limit: usize,
) -> Result<Received, UploadError> {
    let malformed = |e: &dyn std::fmt::Display| {
        UploadError::Malformed(format!("the upload was interrupted or is not a form: {e}"))
    };
    let mut file = None;
    let mut fields = HashMap::new();
    while let Some(mut field) = multipart.next_field().await.map_err(|e| malformed(&e))? {
        let name = field.name().unwrap_or_default().to_string();
        if name != file_field && field.file_name().is_some() {
            // Some other file: read past it (within the limit), keep nothing.
            let mut skipped = 0usize;
            while let Some(chunk) = field.chunk().await.map_err(|e| malformed(&e))? {
                skipped += chunk.len();
                if skipped > limit {
                    return Err(UploadError::TooLarge(limit));
                }
            }
            continue;
        }
        if name != file_field {
            let text = field.text().await.map_err(|e| malformed(&e))?;
            fields.insert(name, text.chars().take(MAX_TEXT_FIELD).collect());
            continue;
        }
        if file.is_some() {
            return Err(UploadError::Malformed(format!(
                "send one file in the field \"{file_field}\""
            )));
        }
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| UploadError::Storage(format!("cannot make the upload folder: {e}")))?;
        let upload = Upload {
            path: dir.join(format!(
                "upload-{}-{}",
                std::process::id(),
                UPLOADS.fetch_add(1, Ordering::Relaxed)
            )),
        };
        let mut out = tokio::fs::File::create(&upload.path)
            .await
            .map_err(|e| UploadError::Storage(format!("cannot create the upload file: {e}")))?;
        let mut received = 0usize;
        while let Some(chunk) = field.chunk().await.map_err(|e| malformed(&e))? {
            received += chunk.len();
            if received > limit {
                return Err(UploadError::TooLarge(limit));
            }
            out.write_all(&chunk)
                .await
                .map_err(|e| UploadError::Storage(format!("cannot write the upload: {e}")))?;
        }
        out.flush()
            .await
            .map_err(|e| UploadError::Storage(format!("cannot write the upload: {e}")))?;
        // A browser sends an empty, nameless part when no file was chosen.
        if received == 0 {
            return Err(UploadError::Empty);
        }
        file = Some(upload);
    }
    Ok(Received {
        file: file.ok_or_else(|| UploadError::NoFile(file_field.to_string()))?,
        fields,
    })
}

static UPLOADS: AtomicU64 = AtomicU64::new(0);
