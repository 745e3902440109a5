//! The built front end: `./x build` writes `pkg/site.json` with the hashed
//! file names it produced; the server reads it once at start.

use std::path::Path;
use vitrine_app::SiteAssets;

pub const SITE_MANIFEST: &str = "pkg/site.json";

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("{path} is missing: build the front end first (./x build) or set VITRINE_SITE_ROOT")]
    Missing { path: String },
    #[error("{path} is not a valid site manifest: {reason}")]
    Invalid { path: String, reason: String },
}

pub fn load(site_root: &Path) -> Result<SiteAssets, SiteError> {
    let path = site_root.join(SITE_MANIFEST);
    let display = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|_| SiteError::Missing {
        path: display.clone(),
    })?;
    serde_json::from_str(&text).map_err(|e| SiteError::Invalid {
        path: display,
        reason: e.to_string(),
    })
}
