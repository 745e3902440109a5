//! Starts the real server on a free 127.0.0.1 port with a fresh data folder,
//! seeded with the demo catalog.

use std::path::{Path, PathBuf};
use vitrine_server::config::Settings;
use vitrine_server::startup::Application;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    _site_dir: Option<tempfile::TempDir>,
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request failed")
    }
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub async fn spawn_app() -> TestApp {
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
                    "viewer_js":"viewer.test.js","viewer_wasm":"viewer.test_bg.wasm"}"#,
            )
            .unwrap();
            (dir.path().to_path_buf(), Some(dir))
        }
    };
    let vars = [
        ("VITRINE_ADDR", "127.0.0.1:0".to_string()),
        ("VITRINE_DATA_DIR", data_dir.path().display().to_string()),
        ("VITRINE_SITE_ROOT", site_root.display().to_string()),
        (
            "VITRINE_SEED_DIR",
            workspace_root().join("seed").display().to_string(),
        ),
    ];
    let settings = Settings::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap();
    let app = Application::build(settings)
        .await
        .expect("server failed to start");
    let address = format!("http://{}", app.address());
    assert!(
        address.starts_with("http://127.0.0.1:"),
        "tests bind to loopback only"
    );
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        data_dir,
        _site_dir: site_dir,
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
