//! Building and running the application. [`Application::build`] binds the
//! listener first and reports the real port, so tests start the real server
//! on port 0.

use crate::assets::{self, AssetError, AssetStore};
use crate::clickstream::Clickstream;
use crate::config::{LadderBuild, Settings};
use crate::page_cache::{self, PageCache};
use crate::passwords::Argon2Passwords;
use crate::routes::{api, forms, health, static_files};
use crate::store::{self, Stores};
use crate::{models, observability, seed, site};
use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use vitrine_app::services::Services;
use vitrine_app::{App, SiteAssets, shell};
use vitrine_domain::payment::TestPaymentProvider;
use vitrine_domain::pricing::PricingRules;
use vitrine_domain::shop::Shop;

/// The axum router's state: what handlers and server functions reach.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub stores: Stores,
    /// What pages' server functions get as context; form handlers use it too.
    pub services: Services,
    pub site_assets: SiteAssets,
    pub assets: Arc<dyn AssetStore>,
    /// Where pages and API answers point for assets (`ASSET_BASE_URL`).
    pub asset_base_url: String,
    pub uploads: Uploads,
    /// True once the process has been told to stop (`/readyz` answers 503).
    pub draining: Arc<AtomicBool>,
    /// Viewer events on their way to their sink.
    pub clickstream: Arc<Clickstream>,
}

/// Where admin uploads are streamed before processing, and how large they may be.
#[derive(Clone, Debug)]
pub struct Uploads {
    pub dir: std::path::PathBuf,
    pub max_bytes: usize,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Site(#[from] site::SiteError),
    #[error(transparent)]
    Database(#[from] store::ConnectError),
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
    #[error(transparent)]
    Assets(#[from] AssetError),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    /// Set on SIGTERM: `/readyz` then answers 503.
    draining: Arc<AtomicBool>,
    drain: std::time::Duration,
    /// Work that runs beside the server, for as long as it serves (the
    /// order-event relay and fulfilment consumer, the clickstream's sender).
    background: Vec<Background>,
    /// Sent once more when the server stops, so no event is left behind.
    clickstream: Arc<Clickstream>,
}

type Background = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// Background tasks that stop when the server does (or its task is dropped).
struct Running(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Running {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        let site_assets = site::load(&settings.site_root)?;
        let assets = assets::open(
            &settings.asset_store,
            &settings.data_dir,
            settings.aws_endpoint_url.as_deref(),
        )
        .await?;
        let mut stores = store::connect(
            &settings.database_url,
            settings.database_read_url.as_deref(),
            &settings.asset_base_url,
            settings.catalog_cache,
        )
        .await?;
        if let Some(stream) = &settings.clickstream_stream {
            stores.clickstream = Arc::new(
                store::kinesis::KinesisClickstream::connect(
                    stream,
                    settings.aws_endpoint_url.as_deref(),
                )
                .await,
            );
        }
        let clickstream = Clickstream::new(stores.clickstream.clone(), settings.clickstream_flush);
        store::use_dynamodb(
            &mut stores,
            settings.dynamodb_carts_table.as_deref(),
            settings.dynamodb_sessions_table.as_deref(),
            settings.aws_endpoint_url.as_deref(),
        )
        .await;
        if let Some(seed_dir) = &settings.seed_dir {
            let added =
                seed::seed_if_empty(stores.catalog.as_ref(), assets.as_ref(), seed_dir).await?;
            if added > 0 {
                tracing::info!(products = added, "seeded the demo catalog");
            }
        }
        match settings.build_ladders {
            LadderBuild::Off => {}
            LadderBuild::Startup => build_missing_ladders(stores.clone(), assets.clone()).await,
            LadderBuild::Background => {
                tokio::spawn(build_missing_ladders(stores.clone(), assets.clone()));
            }
        }

        let listener = TcpListener::bind(settings.addr)
            .await
            .map_err(|e| StartError::Bind(settings.addr, e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartError::Bind(settings.addr, e))?;

        let leptos_options = LeptosOptions::builder()
            .output_name(site_assets.app_output_name.clone())
            .site_root(settings.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .env(leptos::config::Env::PROD)
            .build();
        let shop = Shop {
            catalog: stores.catalog.clone(),
            customers: stores.customers.clone(),
            sessions: stores.sessions.clone(),
            throttle: stores.throttle.clone(),
            carts: stores.carts.clone(),
            orders: stores.orders.clone(),
            // No real gateway here: the built-in test provider (4242 pays, 4000 declines).
            payments: Arc::new(TestPaymentProvider),
            passwords: Arc::new(Argon2Passwords),
            pricing: PricingRules::STANDARD,
            clock: unix_now,
        };
        let services = Services {
            shop,
            back_office: stores.back_office.clone(),
            audit: stores.audit.clone(),
            merchandising: stores.merchandising.clone(),
            order_desk: stores.order_desk.clone(),
            manifests: Arc::new(crate::assets::AssetManifests::new(assets.clone())),
            asset_base_url: settings.asset_base_url.clone(),
            max_upload_bytes: settings.max_upload_bytes as u64,
            public_url: settings
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{addr}")),
            viewer_js_url: format!("/pkg/{}", site_assets.viewer_js),
            viewer_wasm_url: format!("/pkg/{}", site_assets.viewer_wasm),
            quick_look_js_url: format!("/pkg/{}", site_assets.quick_look_js),
            quick_look_wasm_url: format!("/pkg/{}", site_assets.quick_look_wasm),
        };
        let state = AppState {
            leptos_options: leptos_options.clone(),
            stores,
            services,
            site_assets,
            assets,
            asset_base_url: settings.asset_base_url.clone(),
            uploads: Uploads {
                dir: settings.data_dir.join("uploads"),
                max_bytes: settings.max_upload_bytes,
            },
            draining: Arc::new(AtomicBool::new(false)),
            clickstream: clickstream.clone(),
        };
        let draining = state.draining.clone();
        let mut background = order_events(&state.stores, &settings).await;
        background.push(Box::pin(clickstream.clone().run()));
        let router = router(state, &settings);
        Ok(Self {
            listener,
            router,
            draining,
            drain: settings.drain,
            background,
            clickstream,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn port(&self) -> u16 {
        self.address().port()
    }

    /// Serves until SIGINT or SIGTERM. On SIGTERM (an orchestrator stopping
    /// the task) `/readyz` turns 503 first and requests are still served for
    /// the drain time, so the load balancer moves traffic away; then the
    /// listener closes, in-flight requests finish, and it returns. Ctrl-C
    /// (SIGINT) skips the drain.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let background = Running(self.background.into_iter().map(tokio::spawn).collect());
        let (draining, drain) = (self.draining, self.drain);
        let served = axum::serve(self.listener, self.router)
            .with_graceful_shutdown(async move {
                let signal = shutdown_signal().await;
                draining.store(true, Ordering::SeqCst);
                if signal == Signal::Terminate && !drain.is_zero() {
                    tracing::info!(
                        seconds = drain.as_secs(),
                        "draining: /readyz answers 503 while requests are still served"
                    );
                    tokio::time::sleep(drain).await;
                }
                tracing::info!("shutting down: no new connections; finishing in-flight requests");
            })
            .await;
        drop(background);
        let left = self.clickstream.waiting();
        if left > 0 {
            match tokio::time::timeout(std::time::Duration::from_secs(5), self.clickstream.flush())
                .await
            {
                Ok(true) => tracing::info!(events = left, "stored the last viewer events"),
                _ => tracing::warn!(
                    events = self.clickstream.waiting(),
                    "could not store the last viewer events"
                ),
            }
        }
        served
    }
}

fn router(state: AppState, settings: &Settings) -> Router {
    let mut sources: Vec<Arc<dyn observability::MetricSource>> = vec![state.clickstream.clone()];
    if let Some(cache) = &state.stores.catalog_cache {
        sources.push(cache.clone());
    }
    let metrics = observability::Metrics::new(state.stores.pools.clone(), sources);
    let routes = page_routes();
    let services = state.services.clone();
    let provide_services = move || provide_context(services.clone());
    let page_shell = {
        let options = state.leptos_options.clone();
        let site_assets = state.site_assets.clone();
        move || shell(options.clone(), site_assets.clone())
    };
    let fallback_shell = {
        let page_shell = page_shell.clone();
        move |_: LeptosOptions| page_shell()
    };
    let mut router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(
            "/metrics",
            get(observability::metrics).with_state(metrics.clone()),
        )
        .nest("/api/v1", api::router())
        .nest("/pkg", static_files::pkg(&settings.site_root));
    // A local store is served here; S3 is served by the CDN.
    if let Some(dir) = state.assets.local_dir() {
        router = router.nest("/assets", static_files::assets(dir));
    }
    // Form posts share their page's path: GET renders, POST acts.
    crate::routes::admin_media::add_routes(crate::routes::admin_forms::add_routes(
        forms::add_routes(router),
    ))
    .leptos_routes_with_context(&state, routes, provide_services.clone(), page_shell)
    .fallback(file_and_error_handler_with_context::<AppState, _>(
        provide_services,
        fallback_shell,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        crate::routes::admin_pages::sign_in_first,
    ))
    .layer(axum::middleware::from_fn_with_state(
        PageCache::new(settings.page_cache),
        page_cache::serve,
    ))
    .layer(axum::middleware::from_fn_with_state(
        crate::cross_origin::TrustedOrigins::from_public_url(settings.public_url.as_deref()),
        crate::cross_origin::refuse_cross_origin,
    ))
    .layer(CompressionLayer::new())
    .layer(axum::middleware::from_fn_with_state(
        metrics,
        observability::observe,
    ))
    .with_state(state)
}

/// The order-event relay (to SQS, or straight to fulfilment) and, with a
/// queue, the fulfilment consumer (`crate::outbox`).
async fn order_events(stores: &Stores, settings: &Settings) -> Vec<Background> {
    use crate::outbox::{DirectSink, EventSink, SqsQueue, relay};
    let outbox = stores.outbox.clone();
    match &settings.order_events_queue_url {
        None => {
            let sink: Arc<dyn EventSink> = Arc::new(DirectSink {
                outbox: outbox.clone(),
            });
            vec![Box::pin(relay(outbox, sink))]
        }
        Some(url) => {
            let queue =
                Arc::new(SqsQueue::connect(url, settings.aws_endpoint_url.as_deref()).await);
            let consumer = {
                let (queue, outbox) = (queue.clone(), outbox.clone());
                async move { queue.consume(outbox).await }
            };
            vec![Box::pin(relay(outbox, queue)), Box::pin(consumer)]
        }
    }
}

/// The Leptos page routes, listed once per process. Listing them renders the
/// app with a process-wide switch that parks every resource (leptos_server's
/// `SuppressResourceLoad`): done while another server in the same process
/// renders pages (the integration tests run many), those pages would wait
/// forever.
fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Levels of detail and posters for models that lack them (the seeded demo
/// catalog): pages work without them, the viewer then loads the whole model.
async fn build_missing_ladders(stores: Stores, assets: Arc<dyn AssetStore>) {
    let built = models::build_missing_ladders(
        stores.catalog.as_ref(),
        assets.as_ref(),
        &|slug, imported| {
            tracing::info!(product = %slug, levels = imported.manifest.levels.len(), "built levels of detail");
        },
    )
    .await;
    match built {
        Ok(0) => {}
        Ok(count) => tracing::info!(products = count, "every 3D model has its levels of detail"),
        Err(e) => tracing::error!(error = %e, "could not build levels of detail"),
    }
}

/// Unix seconds now: the shop's clock.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    Interrupt,
    Terminate,
}

async fn shutdown_signal() -> Signal {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => Signal::Interrupt,
        _ = terminate => Signal::Terminate,
    }
}
