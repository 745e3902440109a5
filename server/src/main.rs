//! `vitrine`: the storefront server.
//!
//! `vitrine` serves; `vitrine healthcheck` asks a running server's `/healthz`
//! (the container's HEALTHCHECK, so the image needs no curl);
//! `vitrine import-model FILE --product SLUG` gives a product its 3D model;
//! `vitrine build-ladders` builds levels of detail for models that lack them;
//! `vitrine create-admin EMAIL` makes (or promotes) an admin account.

use std::process::ExitCode;
use vitrine_server::{
    config::Settings, create_admin, healthcheck, import, startup::Application, telemetry,
};

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("vitrine: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("serve") => serve(settings).await,
        Some("healthcheck") => healthcheck::run(settings.addr).await,
        Some("import-model") => import::run(settings, &args[1..]).await,
        Some("build-ladders") => import::build_missing_ladders(settings).await,
        Some("create-admin") => create_admin::run(settings, &args[1..]).await,
        Some(other) => {
            eprintln!(
                "vitrine: unknown command {other:?}; use `vitrine [serve|healthcheck|import-model|build-ladders|create-admin]`"
            );
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
