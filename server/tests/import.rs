//! `vitrine import-model`, the real binary, against the real server's
//! database and asset folder, on SQLite and PostgreSQL.

mod common;

use common::{Database, TestApp, eventually, spawn_app, workspace_root};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

on_both_databases!(
    importing_a_model_makes_it_the_products_3d_model,
    a_broken_model_is_refused_and_nothing_is_stored,
    build_ladders_gives_every_seeded_model_its_levels,
);

fn fixture(path: &str) -> PathBuf {
    workspace_root().join("pipeline/tests/fixtures").join(path)
}

fn import(app: &TestApp, args: &[&str]) -> Output {
    vitrine(app, "import-model", args)
}

fn vitrine(app: &TestApp, command: &str, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .arg(command)
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("VITRINE_DATA_DIR", app.data_dir.path())
        .output()
        .expect("the vitrine binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn model_url(app: &TestApp, slug: &str) -> String {
    let product: Value = app
        .get(&format!("/api/v1/products/{slug}"))
        .await
        .json()
        .await
        .unwrap();
    product["model_url"].as_str().unwrap().to_string()
}

fn asset_count(app: &TestApp) -> usize {
    std::fs::read_dir(app.data_dir.path().join("assets"))
        .unwrap()
        .count()
}

async fn importing_a_model_makes_it_the_products_3d_model(db: Database) {
    let app = spawn_app(db).await;
    let before = model_url(&app, "toy-car").await;
    let file = fixture("models/ClearCoatCarPaint.glb");
    let output = import(&app, &[file.to_str().unwrap(), "--product", "toy-car"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let said = text(&output.stdout);
    assert!(
        said.contains("for toy-car: 3072 triangles, 1 primitives"),
        "{said}"
    );
    assert!(
        said.contains("levels of detail: 3072 → 3072 → 2000 → 1000 triangles"),
        "{said}"
    );
    // The CLI is another process: the server, which has the product in its
    // in-memory catalog, sees the change at its next revision check (1 s).
    eventually(5, "the import reaching the server", || async {
        model_url(&app, "toy-car").await != before
    })
    .await;

    let product: Value = app
        .get("/api/v1/products/toy-car")
        .await
        .json()
        .await
        .unwrap();
    let manifest_url = product["model_manifest_url"].as_str().unwrap().to_string();
    let manifest: Value = app.get(&manifest_url).await.json().await.unwrap();
    let levels = manifest["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 4);
    let base = manifest_url.rsplit_once('/').unwrap().0;
    for level in levels {
        let glb = app
            .get(&format!("{base}/{}", level["file"].as_str().unwrap()))
            .await;
        assert_eq!(glb.status(), 200);
        assert_eq!(
            glb.bytes().await.unwrap().len() as u64,
            level["bytes"].as_u64().unwrap()
        );
    }
    assert!(
        manifest["bounds_min"][0].as_f64().unwrap() < manifest["bounds_max"][0].as_f64().unwrap()
    );

    let after = model_url(&app, "toy-car").await;
    assert_ne!(after, before);
    let served = app.get(&after).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap(), std::fs::read(&file).unwrap());
}

async fn a_broken_model_is_refused_and_nothing_is_stored(db: Database) {
    let app = spawn_app(db).await;
    let before = model_url(&app, "toy-car").await;
    let assets = asset_count(&app);
    let bad = fixture("bad/truncated-half.glb");
    let output = import(&app, &[bad.to_str().unwrap(), "--product", "toy-car"]);
    assert_eq!(output.status.code(), Some(1));
    let said = text(&output.stderr);
    assert!(
        said.contains("was not imported: the file is cut short"),
        "{said}"
    );
    assert_eq!(asset_count(&app), assets, "no asset written");
    assert_eq!(model_url(&app, "toy-car").await, before, "no row changed");

    let good = fixture("models/BoxVertexColors.glb");
    let output = import(
        &app,
        &[good.to_str().unwrap(), "--product", "no-such-product"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("there is no published product"));
    assert_eq!(asset_count(&app), assets);

    let output = import(&app, &[good.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--product SLUG"));
    let missing = Path::new("/nonexistent/model.glb");
    let output = import(&app, &[missing.to_str().unwrap(), "--product", "toy-car"]);
    assert!(text(&output.stderr).contains("cannot open it"));
}

async fn build_ladders_gives_every_seeded_model_its_levels(db: Database) {
    let app = spawn_app(db).await;
    let output = vitrine(&app, "build-ladders", &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let said = text(&output.stdout);
    assert!(
        said.contains("built levels of detail for 8 products"),
        "{said}"
    );
    assert!(
        said.contains("toy-car: 108936 → 27232 → 6251 → 1622 triangles"),
        "{said}"
    );
    for product in common::seed_catalog().products {
        let detail: Value = app
            .get(&format!("/api/v1/products/{}", product.slug))
            .await
            .json()
            .await
            .unwrap();
        let manifest_url = detail["model_manifest_url"]
            .as_str()
            .unwrap_or_else(|| panic!("{detail}"));
        let manifest: Value = app.get(manifest_url).await.json().await.unwrap();
        assert_eq!(
            manifest["levels"].as_array().unwrap().len(),
            4,
            "{}",
            product.slug
        );
    }
    let again = vitrine(&app, "build-ladders", &[]);
    assert!(text(&again.stdout).contains("every product with a 3D model has its levels of detail"));
}
