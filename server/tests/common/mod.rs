//! Starts the real server on a free 127.0.0.1 port with a fresh database
//! (an SQLite file, or a new PostgreSQL database) and a fresh data folder,
//! seeded with the demo catalog.

// Every test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

pub mod aws;
pub mod processes;

use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use vitrine_server::config::Settings;
use vitrine_server::startup::Application;

/// Runs each named test once per database:
/// `on_both_databases!(my_test);` needs `async fn my_test(db: Database)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::common::Database::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(db) = $crate::common::Database::postgres().await {
                    super::$name(db).await
                }
            }
        }
    )*};
}

pub enum Database {
    Sqlite,
    /// A server URL (the admin database); each test creates its own database there.
    Postgres(String),
}

/// Where the PostgreSQL tests run. `./x test` makes sure it is up.
pub fn postgres_admin_url() -> String {
    std::env::var("VITRINE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres:vitrine@127.0.0.1:5432/postgres".into())
}

impl Database {
    /// PostgreSQL, if it answers. If not, the test is skipped with a loud
    /// message, unless `VITRINE_REQUIRE_POSTGRES=1` (as `./x test` sets), where it fails.
    pub async fn postgres() -> Option<Database> {
        let url = postgres_admin_url();
        match sqlx::PgConnection::connect(&url).await {
            Ok(conn) => {
                let _ = conn.close().await;
                Some(Database::Postgres(url))
            }
            Err(e) if std::env::var("VITRINE_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
                panic!("PostgreSQL at {url} is required but unreachable: {e}")
            }
            Err(e) => {
                eprintln!(
                    "\n*** SKIPPING a PostgreSQL test: {url} is unreachable ({e}). \
                     Run ./x test, which starts PostgreSQL. ***\n"
                );
                None
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    /// The server's database, for tests that look under the HTTP layer.
    pub database_url: String,
    pub client: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    _site_dir: Option<tempfile::TempDir>,
    _database: Option<TestPostgresDatabase>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for TestApp {
    /// Stops the server with its test (it runs on the shared runtime).
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    /// PostgreSQL only: takes the server's database away under it.
    pub fn lose_database(&self) {
        self._database
            .as_ref()
            .expect("only PostgreSQL test apps can lose their database")
            .drop_now();
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request failed")
    }

    /// One number (or NULL) from the server's own database.
    pub async fn number(&self, sql: &str) -> Option<i64> {
        if self.database_url.starts_with("postgres") {
            let mut db = sqlx::PgConnection::connect(&self.database_url)
                .await
                .unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut db).await.unwrap()
        } else {
            let mut db = sqlx::SqliteConnection::connect(&self.database_url)
                .await
                .unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut db).await.unwrap()
        }
    }

    /// Runs a statement on the server's database behind its back, as an
    /// operator with a SQL console would.
    pub async fn execute(&self, sql: &str) {
        if self.database_url.starts_with("postgres") {
            let mut db = sqlx::PgConnection::connect(&self.database_url)
                .await
                .unwrap();
            sqlx::query(sql).execute(&mut db).await.unwrap();
        } else {
            let mut db = sqlx::SqliteConnection::connect(&self.database_url)
                .await
                .unwrap();
            sqlx::query(sql).execute(&mut db).await.unwrap();
        }
    }

    /// One series' value from `/metrics` (0 when it is not there yet).
    pub async fn metric(&self, series: &str) -> f64 {
        let text = self.get("/metrics").await.text().await.unwrap();
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
            .map_or(0.0, |value| value.parse().unwrap())
    }
}

/// Waits (up to `seconds`) until `check` holds.
pub async fn eventually<F, Fut>(seconds: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} did not happen within {seconds} s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A PostgreSQL database made for one test and dropped after it.
pub struct TestPostgresDatabase {
    admin_url: String,
    name: String,
}

impl TestPostgresDatabase {
    pub async fn create(admin_url: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "vitrine_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        Self {
            admin_url: admin_url.to_string(),
            name,
        }
    }

    pub fn url(&self) -> String {
        let base = self.admin_url.rsplit_once('/').unwrap().0;
        format!("{base}/{}", self.name)
    }
}

impl TestPostgresDatabase {
    /// Drops the database now, cutting the server off from it.
    fn drop_now(&self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs outside async: use a short-lived runtime on its own thread.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}

impl Drop for TestPostgresDatabase {
    fn drop(&mut self) {
        self.drop_now();
    }
}

/// Where every test server runs: one process-wide multi-threaded runtime,
/// like the binary's, rather than each test's single-threaded one.
fn server_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the test servers")
    })
}

pub async fn spawn_app(database: Database) -> TestApp {
    spawn_app_with_seed(database, &workspace_root().join("seed")).await
}

/// The server seeded from another catalog folder (`catalog.json` and its files).
pub async fn spawn_app_with_seed(database: Database, seed_dir: &Path) -> TestApp {
    spawn_app_with(database, seed_dir, &[]).await
}

/// The server with settings (environment variables) of the test's own.
pub async fn spawn_app_with(
    database: Database,
    seed_dir: &Path,
    settings: &[(&'static str, String)],
) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    // `./x test` points at the real built site; plain `cargo test` gets a site
    // manifest only: the HTML is the same, the bundles it names are not fetched here.
    let (site_root, site_dir) = match std::env::var("VITRINE_SITE_ROOT") {
        Ok(root) => (PathBuf::from(root), None),
        Err(_) => {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
            std::fs::write(
                dir.path().join("pkg/site.json"),
                r#"{"app_output_name":"vitrine.test","stylesheet":"vitrine.test.css",
                    "viewer_js":"viewer.test.js","viewer_wasm":"viewer.test_bg.wasm",
                    "quick_look_js":"quick-look.test.js","quick_look_wasm":"quick-look.test_bg.wasm"}"#,
            )
            .unwrap();
            (dir.path().to_path_buf(), Some(dir))
        }
    };
    let postgres = match &database {
        Database::Sqlite => None,
        Database::Postgres(admin_url) => Some(TestPostgresDatabase::create(admin_url).await),
    };
    let mut vars = vec![
        ("VITRINE_ADDR", "127.0.0.1:0".to_string()),
        ("VITRINE_DATA_DIR", data_dir.path().display().to_string()),
        ("VITRINE_SITE_ROOT", site_root.display().to_string()),
        ("VITRINE_SEED_DIR", seed_dir.display().to_string()),
        // Tests that want levels of detail build them themselves.
        ("VITRINE_BUILD_LADDERS", "off".to_string()),
    ];
    let database_url = match &postgres {
        Some(db) => db.url(),
        None => format!("sqlite://{}/vitrine.db?mode=rwc", data_dir.path().display()),
    };
    vars.push(("DATABASE_URL", database_url.clone()));
    // The last entry for a name wins: the test's own settings override these.
    vars.extend(settings.iter().cloned());
    let settings = Settings::from_lookup(|name| {
        vars.iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap();
    // The server runs on one shared multi-threaded runtime, as in
    // production, not on each test's own single-threaded one.
    let app = server_runtime()
        .spawn(Application::build(settings))
        .await
        .expect("the start-up task ran")
        .expect("server failed to start");
    let address = format!("http://{}", app.address());
    assert!(
        address.starts_with("http://127.0.0.1:"),
        "tests bind to loopback only"
    );
    let server = server_runtime().spawn(app.run_until_stopped());
    TestApp {
        address,
        database_url,
        client: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap(),
        data_dir,
        _site_dir: site_dir,
        _database: postgres,
        server,
    }
}

#[derive(serde::Deserialize)]
pub struct SeedCatalog {
    pub products: Vec<SeedProduct>,
}

#[derive(serde::Deserialize)]
pub struct SeedProduct {
    pub slug: String,
    pub title: String,
}

pub fn seed_catalog() -> SeedCatalog {
    let text = std::fs::read_to_string(workspace_root().join("seed/catalog.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A shopper's browser: keeps the session cookie, never follows redirects
/// (so tests see the 303s of form posts).
pub struct Shopper {
    pub address: String,
    client: reqwest::Client,
    pub cookie: Option<String>,
}

impl TestApp {
    pub fn shopper(&self) -> Shopper {
        Shopper {
            address: self.address.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // A stuck request fails the test instead of hanging the run.
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .unwrap(),
            cookie: None,
        }
    }
}

impl Shopper {
    async fn send(&mut self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let request = match &self.cookie {
            Some(token) => request.header("cookie", format!("vitrine_session={token}")),
            None => request,
        };
        let response = request.send().await.expect("request failed");
        for value in response.headers().get_all("set-cookie") {
            let value = value.to_str().unwrap();
            if let Some(rest) = value.strip_prefix("vitrine_session=") {
                let token = rest.split(';').next().unwrap();
                self.cookie = (!token.is_empty()).then(|| token.to_string());
            }
        }
        response
    }

    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let request = self.client.get(format!("{}{path}", self.address));
        self.send(request).await
    }

    pub async fn post_json(&mut self, path: &str, body: serde_json::Value) -> reqwest::Response {
        let request = self
            .client
            .post(format!("{}{path}", self.address))
            .json(&body);
        self.send(request).await
    }

    pub async fn checkout_json(&mut self, key: &str, body: serde_json::Value) -> reqwest::Response {
        let request = self
            .client
            .post(format!("{}/api/v1/checkout", self.address))
            .header("idempotency-key", key)
            .json(&body);
        self.send(request).await
    }

    /// Uploads `file` as the multipart field `field`, with PUT.
    pub async fn put_file(
        &mut self,
        path: &str,
        field: &'static str,
        file: Vec<u8>,
    ) -> reqwest::Response {
        self.put_model(path, field, file, "application/json").await
    }

    /// Uploads `file` as the multipart field `field` with PUT, asking for
    /// the import's progress as server-sent events.
    pub async fn put_file_streaming(
        &mut self,
        path: &str,
        field: &'static str,
        file: Vec<u8>,
    ) -> reqwest::Response {
        self.put_model(path, field, file, "text/event-stream").await
    }

    async fn put_model(
        &mut self,
        path: &str,
        field: &'static str,
        file: Vec<u8>,
        accept: &str,
    ) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(file)
            .file_name("model.glb")
            .mime_str("model/gltf-binary")
            .unwrap();
        let request = self
            .client
            .put(format!("{}{path}", self.address))
            .header("accept", accept)
            .multipart(reqwest::multipart::Form::new().part(field, part));
        self.send(request).await
    }

    /// Posts a form with a file, as a browser posts `enctype="multipart/form-data"`.
    pub async fn post_file(
        &mut self,
        path: &str,
        field: &'static str,
        file_name: &str,
        file: Vec<u8>,
        fields: &[(&'static str, &str)],
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new().part(
            field,
            reqwest::multipart::Part::bytes(file).file_name(file_name.to_string()),
        );
        for (name, value) in fields {
            form = form.text(*name, value.to_string());
        }
        let request = self
            .client
            .post(format!("{}{path}", self.address))
            .multipart(form);
        self.send(request).await
    }

    pub async fn client_delete(&mut self, path: &str) -> reqwest::Response {
        let request = self.client.delete(format!("{}{path}", self.address));
        self.send(request).await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let request = self
            .client
            .post(format!("{}{path}", self.address))
            .form(fields);
        self.send(request).await
    }
}

/// Makes `email` an admin with `vitrine create-admin` (the real binary, on
/// the server's database) and signs in as them.
pub async fn signed_in_admin(app: &TestApp, email: &str) -> Shopper {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args(["create-admin", email, "--name", "Test Admin"])
        .env("DATABASE_URL", &app.database_url)
        .env("VITRINE_DATA_DIR", app.data_dir.path())
        .env("VITRINE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .output()
        .expect("the vitrine binary runs");
    assert!(
        output.status.success(),
        "create-admin failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut admin = app.shopper();
    let response = admin
        .post_json(
            "/api/v1/session",
            serde_json::json!({"email": email, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), 200);
    admin
}

pub const ADMIN_PASSWORD: &str = "correct horse battery";

/// A checkout body that passes every check (the test card pays).
pub fn checkout_body(card: &str) -> serde_json::Value {
    serde_json::json!({
        "idempotency_key": "",
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "country": "GB",
        "card_number": card,
        "card_expiry": "12/39",
        "card_cvc": "123",
    })
}

pub const PAYING_CARD: &str = "4242 4242 4242 4242";
pub const DECLINED_CARD: &str = "4000 0000 0000 0002";
