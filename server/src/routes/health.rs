//! `/healthz`: the process is up. `/readyz`: it can serve traffic (database
//! and asset store reachable, and not shutting down).

use crate::startup::AppState;
use axum::{extract::State, http::StatusCode};
use std::time::Duration;

/// Load balancers time health checks out after a few seconds: answer first.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    // Told to stop: the load balancer should send its requests elsewhere
    // while this process finishes what it has.
    if state.draining.load(std::sync::atomic::Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining");
    }
    match tokio::time::timeout(READY_TIMEOUT, state.assets.ping()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready");
            return (StatusCode::SERVICE_UNAVAILABLE, "asset store unreachable");
        }
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "asset store not answering"),
    }
    match tokio::time::timeout(READY_TIMEOUT, state.stores.carts.ping()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready");
            return (StatusCode::SERVICE_UNAVAILABLE, "cart store unreachable");
        }
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "cart store not answering"),
    }
    match tokio::time::timeout(READY_TIMEOUT, state.stores.catalog.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            (StatusCode::SERVICE_UNAVAILABLE, "database not answering")
        }
    }
}
