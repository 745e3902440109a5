//! `/healthz`: the process is up. `/readyz`: it can serve traffic (database reachable).

use crate::startup::AppState;
use axum::{extract::State, http::StatusCode};
use std::time::Duration;

/// Load balancers time health checks out after a few seconds: answer first.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, String) {
    match state.stores.catalog.ping().await {
        Ok(()) => (StatusCode::OK, "ready".into()),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "database unreachable".into(),
            )
        }
    }
}
