//! What operators see of each request: an id (taken from `x-request-id` or
//! the ALB's trace id when they come with the request, made up otherwise)
//! that every log line of the request carries and the response returns; one
//! JSON access-log line per request; and Prometheus metrics at `/metrics`:
//! requests and latency per route, database pool use, asset fetches by kind
//! (levels of detail are `glb`). Route labels are the router's patterns
//! (`/p/{slug}`), never raw paths, so the number of series stays bounded.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tracing::Instrument;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// A database pool's use, for the gauges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// `write` or `read` (the replica; the same pool when there is none).
    pub pool: &'static str,
    pub open: u32,
    pub idle: u32,
}

/// Reads the pools' use when `/metrics` is scraped.
pub type PoolGauge = Arc<dyn Fn() -> Vec<PoolUse> + Send + Sync>;

/// Another part of the server that reports its own figures at `/metrics`
/// (the catalog cache, the clickstream), in the exposition format.
pub trait MetricSource: Send + Sync {
    fn render(&self, out: &mut String);
}

/// A Prometheus histogram over fixed bucket bounds.
pub struct Histogram {
    bounds: &'static [f64],
    /// Counts per bucket (not cumulative; summed when rendered).
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    pub fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            buckets: vec![0; bounds.len()],
            sum: 0.0,
            count: 0,
        }
    }

    pub fn observe(&mut self, value: f64) {
        // Above the last bound it still counts in `+Inf` (via `count`).
        if let Some(bucket) = self.bounds.iter().position(|upper| value <= *upper) {
            self.buckets[bucket] += 1;
        }
        self.sum += value;
        self.count += 1;
    }

    /// Writes the series `name_bucket`, `name_sum` and `name_count`;
    /// `labels` (e.g. `route="/p/{slug}"`) go on each, before `le`.
    pub fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0;
        for (upper, n) in self.bounds.iter().zip(&self.buckets) {
            cumulative += n;
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{upper}\"}} {cumulative}"
            );
        }
        let braced = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {count}\n\
             {name}_sum{braced} {sum}\n\
             {name}_count{braced} {count}",
            count = self.count,
            sum = self.sum,
        );
    }
}

#[derive(Default)]
struct Counts {
    /// (method, route, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    /// Asset responses by file kind (glb, json, jpg, png…).
    assets: BTreeMap<String, u64>,
}

/// The process's metrics.
pub struct Metrics {
    counts: Mutex<Counts>,
    started: Instant,
    pools: PoolGauge,
    sources: Vec<Arc<dyn MetricSource>>,
}

impl Metrics {
    pub fn new(pools: PoolGauge, sources: Vec<Arc<dyn MetricSource>>) -> Arc<Self> {
        Arc::new(Self {
            counts: Mutex::new(Counts::default()),
            started: Instant::now(),
            pools,
            sources,
        })
    }

    /// Records one answered request.
    pub fn observe(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        let mut counts = self.counts.lock().expect("metrics lock");
        *counts
            .requests
            .entry((method.as_str().to_string(), route.to_string(), status))
            .or_default() += 1;
        counts
            .latency
            .entry(route.to_string())
            .or_insert_with(|| Histogram::new(&BUCKETS))
            .observe(seconds);
    }

    fn observe_asset(&self, kind: &str) {
        let mut counts = self.counts.lock().expect("metrics lock");
        *counts.assets.entry(kind.to_string()).or_default() += 1;
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let counts = self.counts.lock().expect("metrics lock");
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP vitrine_http_requests_total Requests answered, by method, route and status.\n\
             # TYPE vitrine_http_requests_total counter"
        );
        for ((method, route, status), n) in &counts.requests {
            let _ = writeln!(
                out,
                "vitrine_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        let _ = writeln!(
            out,
            "# HELP vitrine_http_request_duration_seconds Time to answer, by route.\n\
             # TYPE vitrine_http_request_duration_seconds histogram"
        );
        for (route, latency) in &counts.latency {
            latency.render(
                &mut out,
                "vitrine_http_request_duration_seconds",
                &format!("route=\"{}\"", escape(route)),
            );
        }
        let _ = writeln!(
            out,
            "# HELP vitrine_asset_responses_total Files the server served from its local asset store, by kind (glb: levels of detail and models).\n\
             # TYPE vitrine_asset_responses_total counter"
        );
        for (kind, n) in &counts.assets {
            let _ = writeln!(
                out,
                "vitrine_asset_responses_total{{kind=\"{}\"}} {n}",
                escape(kind)
            );
        }
        drop(counts);
        let _ = writeln!(
            out,
            "# HELP vitrine_db_pool_connections Database connections, by pool and state.\n\
             # TYPE vitrine_db_pool_connections gauge"
        );
        for pool in (self.pools)() {
            let in_use = pool.open.saturating_sub(pool.idle);
            let _ = writeln!(
                out,
                "vitrine_db_pool_connections{{pool=\"{}\",state=\"idle\"}} {}\n\
                 vitrine_db_pool_connections{{pool=\"{}\",state=\"in_use\"}} {in_use}",
                pool.pool, pool.idle, pool.pool
            );
        }
        let _ = writeln!(
            out,
            "# HELP vitrine_uptime_seconds Seconds since the process started serving.\n\
             # TYPE vitrine_uptime_seconds gauge\n\
             vitrine_uptime_seconds {:.3}",
            self.started.elapsed().as_secs_f64()
        );
        for source in &self.sources {
            source.render(&mut out);
        }
        out
    }
}

/// A label value with `\`, `"` and newlines escaped.
pub fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The request's id: the caller's `x-request-id` when it is a sensible
/// token, else the ALB's trace root, else a fresh random one.
pub fn request_id(headers: &HeaderMap) -> String {
    let sensible = |id: &str| {
        (1..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    if let Some(id) = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|id| sensible(id))
    {
        return id.to_string();
    }
    let alb_root = headers
        .get("x-amzn-trace-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').find_map(|part| part.strip_prefix("Root=")))
        .filter(|id| sensible(id));
    if let Some(id) = alb_root {
        return id.to_string();
    }
    use rand_core::RngCore;
    let mut bytes = [0u8; 12];
    rand_core::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The route a request matched, as the router spells it.
fn route_of(request: &Request) -> String {
    match request.extensions().get::<MatchedPath>() {
        Some(path) if path.as_str().starts_with("/assets") => "/assets".to_string(),
        Some(path) if path.as_str().starts_with("/pkg") => "/pkg".to_string(),
        Some(path) => path.as_str().to_string(),
        None => "unmatched".to_string(),
    }
}

/// The middleware: id, span, access log, metrics.
pub async fn observe(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let id = request_id(request.headers());
    let route = route_of(&request);
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let asset_kind = (route == "/assets")
        .then(|| {
            path.rsplit('.')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
        })
        .filter(|kind| kind.len() <= 8);
    let span = tracing::info_span!("request", id = %id, method = %method, route = %route);
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    metrics.observe(&method, &route, status, seconds);
    if let (Some(kind), true) = (asset_kind, response.status().is_success()) {
        metrics.observe_asset(&kind);
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    span.in_scope(|| {
        tracing::info!(
            path = %path,
            status,
            ms = (seconds * 1e4).round() / 10.0,
            "request"
        );
    });
    response
}

/// `GET /metrics`. The ALB does not forward this path (deploy/vitrine.yaml):
/// only what runs beside the tasks scrapes it.
pub async fn metrics(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics.render(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Arc<Metrics> {
        Metrics::new(
            Arc::new(|| {
                vec![PoolUse {
                    pool: "write",
                    open: 5,
                    idle: 3,
                }]
            }),
            Vec::new(),
        )
    }

    #[test]
    fn requests_and_latency_render_as_prometheus_text() {
        let m = metrics();
        m.observe(&Method::GET, "/p/{slug}", 200, 0.03);
        m.observe(&Method::GET, "/p/{slug}", 200, 0.2);
        m.observe(&Method::GET, "/p/{slug}", 404, 60.0);
        m.observe_asset("glb");
        let text = m.render();
        assert!(text.contains(
            r#"vitrine_http_requests_total{method="GET",route="/p/{slug}",status="200"} 2"#
        ));
        assert!(text.contains(
            r#"vitrine_http_requests_total{method="GET",route="/p/{slug}",status="404"} 1"#
        ));
        // Cumulative buckets: 0.03 s falls in le=0.05, 0.2 s in le=0.25.
        assert!(text.contains(r#"_bucket{route="/p/{slug}",le="0.025"} 0"#));
        assert!(text.contains(r#"_bucket{route="/p/{slug}",le="0.05"} 1"#));
        assert!(text.contains(r#"_bucket{route="/p/{slug}",le="0.25"} 2"#));
        assert!(text.contains(r#"_bucket{route="/p/{slug}",le="30"} 2"#));
        assert!(text.contains(r#"_bucket{route="/p/{slug}",le="+Inf"} 3"#));
        assert!(
            text.contains(r#"vitrine_http_request_duration_seconds_count{route="/p/{slug}"} 3"#)
        );
        assert!(text.contains(r#"vitrine_asset_responses_total{kind="glb"} 1"#));
        assert!(text.contains(r#"vitrine_db_pool_connections{pool="write",state="in_use"} 2"#));
        assert!(text.contains("vitrine_uptime_seconds "));
    }

    #[test]
    fn request_ids_come_from_the_caller_the_alb_or_chance() {
        let mut headers = HeaderMap::new();
        let fresh = request_id(&headers);
        assert_eq!(fresh.len(), 24);
        assert_ne!(fresh, request_id(&headers));
        headers.insert(
            "x-amzn-trace-id",
            HeaderValue::from_static("Self=1-abc;Root=1-67891233-abcdef012345678912345678"),
        );
        assert_eq!(request_id(&headers), "1-67891233-abcdef012345678912345678");
        headers.insert("x-request-id", HeaderValue::from_static("checkout-42"));
        assert_eq!(request_id(&headers), "checkout-42");
        // Nonsense is not echoed back (log injection, header smuggling).
        headers.insert("x-request-id", HeaderValue::from_static("a b\"c"));
        assert_eq!(request_id(&headers), "1-67891233-abcdef012345678912345678");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
