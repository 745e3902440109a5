//! Settings, all from the environment (twelve-factor), with defaults that run
//! the embedded storefront: SQLite under `data/`, assets served from `data/assets`.

use crate::assets::AssetStoreSetting;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `VITRINE_ADDR`: where to listen (default 127.0.0.1:3000; port 0 picks a free one).
    pub addr: SocketAddr,
    /// `DATABASE_URL`: `sqlite://…` (default `sqlite://<data>/vitrine.db`) or `postgres://…`.
    pub database_url: String,
    /// `DATABASE_READ_URL`: a read replica for catalog reads (default: none, the primary serves them).
    pub database_read_url: Option<String>,
    /// `VITRINE_DATA_DIR`: SQLite file and local asset store (default `data`).
    pub data_dir: PathBuf,
    /// `VITRINE_SITE_ROOT`: the built front end (`pkg/`, favicon…), default `site`.
    pub site_root: PathBuf,
    /// `ASSET_BASE_URL`: where pages point for 3D assets (default `/assets`, the CDN in production).
    pub asset_base_url: String,
    /// `ASSET_STORE`: `local` (default: files under the data folder, served
    /// under `/assets`) or `s3://bucket[/prefix]`.
    pub asset_store: AssetStoreSetting,
    /// `AWS_ENDPOINT_URL`: a local stand-in for AWS (moto_server); unset in production.
    pub aws_endpoint_url: Option<String>,
    /// `VITRINE_PUBLIC_URL`: the origin shoppers reach, for canonical links
    /// (e.g. `https://shop.example.com`; default `http://<bound address>`).
    pub public_url: Option<String>,
    /// `VITRINE_SEED_DIR`: demo catalog seeded into an empty database (default `seed`; `none` disables).
    pub seed_dir: Option<PathBuf>,
    /// `VITRINE_MAX_UPLOAD_MB`: the largest 3D model an admin may upload (default 200).
    pub max_upload_bytes: usize,
    /// `VITRINE_BUILD_LADDERS`: when products whose model has no levels of
    /// detail (the seeded demo catalog) get them: `background` (default,
    /// after start-up), `startup` (before serving) or `off`.
    pub build_ladders: LadderBuild,
    /// `VITRINE_LOG_FORMAT`: `json` (default) or `pretty`.
    pub log_format: String,
    /// `VITRINE_PAGE_CACHE_MS`: how long anonymous visitors' catalog pages are
    /// reused (default 1000; 0 turns the cache off).
    pub page_cache: std::time::Duration,
    /// `VITRINE_CATALOG_CACHE_MS`: catalog reads are kept in memory and
    /// checked against the catalog's revision this often, so edits reach
    /// every task within it (default 1000; 0 turns the cache off).
    pub catalog_cache: std::time::Duration,
    /// `CLICKSTREAM_KINESIS_STREAM`: send the viewer's clickstream to this
    /// Kinesis data stream (unset: to the database's `viewer_events`).
    pub clickstream_stream: Option<String>,
    /// `VITRINE_CLICKSTREAM_FLUSH_MS`: how long viewer events wait to be
    /// sent in one batch (default 1000).
    pub clickstream_flush: std::time::Duration,
    /// `VITRINE_DRAIN_SECONDS`: after SIGTERM, how long `/readyz` answers 503
    /// while requests are still served (so a load balancer stops sending
    /// new ones) before the listener closes. Default 5.
    pub drain: std::time::Duration,
    /// `DYNAMODB_CARTS_TABLE`: keep carts in this DynamoDB table instead of
    /// the database (production).
    pub dynamodb_carts_table: Option<String>,
    /// `DYNAMODB_SESSIONS_TABLE`: keep sessions in this DynamoDB table.
    pub dynamodb_sessions_table: Option<String>,
    /// `ORDER_EVENTS_QUEUE_URL`: relay order events to this SQS queue and
    /// run the fulfilment consumer on it (unset: fulfilment in-process).
    pub order_events_queue_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LadderBuild {
    Background,
    Startup,
    Off,
}

#[derive(Debug, thiserror::Error)]
#[error("{name}: {problem}")]
pub struct ConfigError {
    name: &'static str,
    problem: String,
}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str, default: &str| lookup(name).unwrap_or_else(|| default.to_string());
        let addr = get("VITRINE_ADDR", "127.0.0.1:3000");
        let addr = addr.parse().map_err(|e| ConfigError {
            name: "VITRINE_ADDR",
            problem: format!("{addr:?} is not an address like 127.0.0.1:3000 ({e})"),
        })?;
        let data_dir = PathBuf::from(get("VITRINE_DATA_DIR", "data"));
        let database_url = lookup("DATABASE_URL").unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("vitrine.db").display()
            )
        });
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            return Err(ConfigError {
                name: "DATABASE_URL",
                problem: "must start with sqlite: or postgres://".into(),
            });
        }
        let database_read_url = lookup("DATABASE_READ_URL").filter(|url| !url.is_empty());
        if let Some(url) = &database_read_url {
            let same_kind = url.starts_with("postgres") == database_url.starts_with("postgres");
            if !same_kind {
                return Err(ConfigError {
                    name: "DATABASE_READ_URL",
                    problem: "must be the same kind of database as DATABASE_URL".into(),
                });
            }
        }
        let seed_dir = match get("VITRINE_SEED_DIR", "seed").as_str() {
            "none" | "" => None,
            dir => Some(PathBuf::from(dir)),
        };
        let public_url = match lookup("VITRINE_PUBLIC_URL") {
            None => None,
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                Some(url.trim_end_matches('/').to_string())
            }
            Some(url) => {
                return Err(ConfigError {
                    name: "VITRINE_PUBLIC_URL",
                    problem: format!("{url:?} must start with https:// or http://"),
                });
            }
        };
        let log_format = get("VITRINE_LOG_FORMAT", "json");
        if !matches!(log_format.as_str(), "json" | "pretty") {
            return Err(ConfigError {
                name: "VITRINE_LOG_FORMAT",
                problem: format!("{log_format:?} is neither json nor pretty"),
            });
        }
        let millis = |name: &'static str, default: &str| {
            let value = get(name, default);
            value
                .parse::<u64>()
                .map(std::time::Duration::from_millis)
                .map_err(|_| ConfigError {
                    name,
                    problem: format!("{value:?} is not a whole number of milliseconds"),
                })
        };
        let page_cache = millis("VITRINE_PAGE_CACHE_MS", "1000")?;
        let catalog_cache = millis("VITRINE_CATALOG_CACHE_MS", "1000")?;
        let clickstream_flush = millis("VITRINE_CLICKSTREAM_FLUSH_MS", "1000")?;
        let clickstream_stream =
            match lookup("CLICKSTREAM_KINESIS_STREAM").filter(|s| !s.is_empty()) {
                None => None,
                // Kinesis's rule for stream names.
                Some(name)
                    if name.len() <= 128
                        && name.bytes().all(|b| {
                            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
                        }) =>
                {
                    Some(name)
                }
                Some(name) => {
                    return Err(ConfigError {
                        name: "CLICKSTREAM_KINESIS_STREAM",
                        problem: format!("{name:?} is not a Kinesis stream name"),
                    });
                }
            };
        let drain_seconds = get("VITRINE_DRAIN_SECONDS", "5");
        let drain = match drain_seconds.parse::<u64>() {
            Ok(seconds) if seconds <= 300 => std::time::Duration::from_secs(seconds),
            _ => {
                return Err(ConfigError {
                    name: "VITRINE_DRAIN_SECONDS",
                    problem: format!(
                        "{drain_seconds:?} is not a whole number of seconds from 0 to 300"
                    ),
                });
            }
        };
        let asset_store =
            AssetStoreSetting::parse(&get("ASSET_STORE", "local")).map_err(|problem| {
                ConfigError {
                    name: "ASSET_STORE",
                    problem,
                }
            })?;
        let build_ladders = match get("VITRINE_BUILD_LADDERS", "background").as_str() {
            "background" => LadderBuild::Background,
            "startup" => LadderBuild::Startup,
            "off" => LadderBuild::Off,
            other => {
                return Err(ConfigError {
                    name: "VITRINE_BUILD_LADDERS",
                    problem: format!("{other:?} is none of background, startup, off"),
                });
            }
        };
        let max_upload_mb = get("VITRINE_MAX_UPLOAD_MB", "200");
        let max_upload_bytes = match max_upload_mb.parse::<usize>() {
            Ok(mb) if (1..=4096).contains(&mb) => mb * 1024 * 1024,
            _ => {
                return Err(ConfigError {
                    name: "VITRINE_MAX_UPLOAD_MB",
                    problem: format!(
                        "{max_upload_mb:?} is not a whole number of megabytes from 1 to 4096"
                    ),
                });
            }
        };
        let aws_endpoint_url = lookup("AWS_ENDPOINT_URL").filter(|url| !url.is_empty());
        let table = |name: &'static str| -> Result<Option<String>, ConfigError> {
            match lookup(name).filter(|t| !t.is_empty()) {
                None => Ok(None),
                // DynamoDB's rule for table names.
                Some(t)
                    if (3..=255).contains(&t.len())
                        && t.bytes().all(|b| {
                            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
                        }) =>
                {
                    Ok(Some(t))
                }
                Some(t) => Err(ConfigError {
                    name,
                    problem: format!("{t:?} is not a DynamoDB table name"),
                }),
            }
        };
        let dynamodb_carts_table = table("DYNAMODB_CARTS_TABLE")?;
        let dynamodb_sessions_table = table("DYNAMODB_SESSIONS_TABLE")?;
        let order_events_queue_url =
            match lookup("ORDER_EVENTS_QUEUE_URL").filter(|u| !u.is_empty()) {
                None => None,
                Some(url) if url.starts_with("https://") || url.starts_with("http://") => Some(url),
                Some(url) => {
                    return Err(ConfigError {
                        name: "ORDER_EVENTS_QUEUE_URL",
                        problem: format!("{url:?} is not a queue URL (https://sqs…)"),
                    });
                }
            };
        Ok(Self {
            max_upload_bytes,
            build_ladders,
            asset_store,
            aws_endpoint_url,
            page_cache,
            catalog_cache,
            clickstream_stream,
            clickstream_flush,
            drain,
            dynamodb_carts_table,
            dynamodb_sessions_table,
            order_events_queue_url,
            addr,
            database_url,
            database_read_url,
            site_root: PathBuf::from(get("VITRINE_SITE_ROOT", "site")),
            asset_base_url: get("ASSET_BASE_URL", "/assets")
                .trim_end_matches('/')
                .to_string(),
            public_url,
            data_dir,
            seed_dir,
            log_format,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_run_the_embedded_store_locally() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.database_url, "sqlite://data/vitrine.db?mode=rwc");
        assert_eq!(s.asset_base_url, "/assets");
        assert_eq!(s.seed_dir, Some(PathBuf::from("seed")));
        assert_eq!(s.asset_store, AssetStoreSetting::Local);
    }

    #[test]
    fn assets_may_live_in_s3() {
        let s = settings(&[("ASSET_STORE", "s3://vitrine-assets/prod")]).unwrap();
        assert!(matches!(s.asset_store, AssetStoreSetting::S3(l) if l.bucket == "vitrine-assets"));
        let e = settings(&[("ASSET_STORE", "gs://elsewhere")]).unwrap_err();
        assert!(e.to_string().starts_with("ASSET_STORE:"));
    }

    #[test]
    fn rejects_bad_values_with_the_variable_named() {
        let e = settings(&[("VITRINE_ADDR", "nope")]).unwrap_err();
        assert!(e.to_string().starts_with("VITRINE_ADDR:"));
        let e = settings(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert!(e.to_string().starts_with("DATABASE_URL:"));
        let e = settings(&[("VITRINE_CATALOG_CACHE_MS", "1s")]).unwrap_err();
        assert!(e.to_string().starts_with("VITRINE_CATALOG_CACHE_MS:"));
        let e = settings(&[("CLICKSTREAM_KINESIS_STREAM", "no spaces")]).unwrap_err();
        assert!(e.to_string().starts_with("CLICKSTREAM_KINESIS_STREAM:"));
    }

    #[test]
    fn caches_and_the_clickstream_have_defaults() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.catalog_cache, std::time::Duration::from_secs(1));
        assert_eq!(s.clickstream_flush, std::time::Duration::from_secs(1));
        assert_eq!(s.clickstream_stream, None);
        let s = settings(&[
            ("VITRINE_CATALOG_CACHE_MS", "0"),
            ("CLICKSTREAM_KINESIS_STREAM", "vitrine-clickstream"),
        ])
        .unwrap();
        assert!(s.catalog_cache.is_zero());
        assert_eq!(s.clickstream_stream.as_deref(), Some("vitrine-clickstream"));
    }

    #[test]
    fn public_url_must_be_http_and_loses_its_trailing_slash() {
        let s = settings(&[("VITRINE_PUBLIC_URL", "https://shop.example.com/")]).unwrap();
        assert_eq!(s.public_url.as_deref(), Some("https://shop.example.com"));
        assert!(settings(&[("VITRINE_PUBLIC_URL", "shop.example.com")]).is_err());
        assert_eq!(settings(&[]).unwrap().public_url, None);
    }

    #[test]
    fn trims_the_asset_base_url() {
        let s = settings(&[("ASSET_BASE_URL", "https://cdn.example.com/")]).unwrap();
        assert_eq!(s.asset_base_url, "https://cdn.example.com");
    }
}
