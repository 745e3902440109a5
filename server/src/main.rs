//! `vitrine`: the storefront server.
//!
//! `vitrine` serves; `vitrine healthcheck` asks a running server's `/healthz`
//! (the container's HEALTHCHECK, so the image needs no curl).

use std::process::ExitCode;
use vitrine_server::{config::Settings, healthcheck, startup::Application, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("vitrine: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    match std::env::args().nth(1).as_deref() {
        None | Some("serve") => serve(settings).await,
        Some("healthcheck") => healthcheck::run(settings.addr).await,
        Some(other) => {
            eprintln!("vitrine: unknown command {other:?}; use `vitrine [serve|healthcheck]`");
            ExitCode::from(2)
        }
    }
}

async fn serve(settings: Settings) -> ExitCode {
    telemetry::init(&settings.log_format);
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "vitrine could not start");
            eprintln!("vitrine: could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Vitrine is running on http://{}", app.address());
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server stopped with an error");
            ExitCode::FAILURE
        }
    }
}
