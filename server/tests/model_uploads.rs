//! `PUT /api/v1/admin/products/{slug}/model`: merchandisers and admins
//! upload a GLB; the real server checks it, builds its levels of detail and
//! poster, stores them and only then switches the product over.

mod common;

use common::{
    Database, Shopper, TestApp, signed_in_admin, spawn_app, spawn_app_with, workspace_root,
};
use serde_json::Value;
use std::path::PathBuf;

on_both_databases!(
    only_merchandisers_and_admins_may_upload_models,
    an_admin_uploads_a_model_and_shoppers_get_its_levels_and_poster,
    refused_uploads_store_nothing_and_keep_the_old_model,
);

const UPLOAD: &str = "/api/v1/admin/products/toy-car/model";

fn fixture(path: &str) -> PathBuf {
    workspace_root().join("pipeline/tests/fixtures").join(path)
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(fixture(path)).unwrap()
}

async fn product(app: &TestApp, slug: &str) -> Value {
    app.get(&format!("/api/v1/products/{slug}"))
        .await
        .json()
        .await
        .unwrap()
}

fn asset_count(app: &TestApp) -> usize {
    std::fs::read_dir(app.data_dir.path().join("assets"))
        .unwrap()
        .count()
}

async fn error_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["error"].as_str().unwrap_or_default().to_string(),
    )
}

async fn only_merchandisers_and_admins_may_upload_models(db: Database) {
    let app = spawn_app(db).await;
    let model = read("models/BoxVertexColors.glb");
    let mut anonymous = app.shopper();
    let (status, message) =
        error_of(anonymous.put_file(UPLOAD, "model", model.clone()).await).await;
    assert_eq!(status, 401);
    assert!(message.contains("sign in"), "{message}");

    let mut shopper: Shopper = app.shopper();
    let registered = shopper
        .post_json(
            "/api/v1/customers",
            serde_json::json!({"email": "sam@example.com", "name": "Sam", "password": "long enough pw"}),
        )
        .await;
    assert_eq!(registered.status(), 201);
    let (status, message) = error_of(shopper.put_file(UPLOAD, "model", model).await).await;
    assert_eq!(status, 403);
    assert!(message.contains("merchandisers and admins"), "{message}");
    assert!(product(&app, "toy-car").await["model_manifest_url"].is_null());
}

async fn an_admin_uploads_a_model_and_shoppers_get_its_levels_and_poster(db: Database) {
    let app = spawn_app(db).await;
    let mut admin = signed_in_admin(&app, "admin@example.com").await;
    let model = read("models/ClearCoatCarPaint.glb");
    let response = admin.put_file(UPLOAD, "model", model.clone()).await;
    assert_eq!(response.status(), 201);
    let imported: Value = response.json().await.unwrap();
    assert_eq!(imported["report"]["triangles"], 3072);
    let levels = imported["manifest"]["levels"].as_array().unwrap();
    let triangles: Vec<u64> = levels
        .iter()
        .map(|l| l["triangles"].as_u64().unwrap())
        .collect();
    assert_eq!(triangles, [3072, 3072, 2000, 1000]);

    // Shoppers see the new model, its manifest and its poster.
    let detail = product(&app, "toy-car").await;
    assert_eq!(detail["model_url"], imported["model_url"]);
    assert_eq!(detail["model_manifest_url"], imported["manifest_url"]);
    assert_eq!(detail["model_poster_url"], imported["poster_url"]);
    let served = app.get(imported["model_url"].as_str().unwrap()).await;
    assert_eq!(served.bytes().await.unwrap(), model);
    let manifest: Value = app
        .get(imported["manifest_url"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(manifest, imported["manifest"]);
    let poster = app.get(imported["poster_url"].as_str().unwrap()).await;
    assert_eq!(poster.status(), 200);
    assert_eq!(poster.headers()["content-type"], "image/jpeg");
    assert!(
        poster.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let jpeg = poster.bytes().await.unwrap();
    assert_eq!(&jpeg[..3], b"\xff\xd8\xff", "a JPEG");
    let page = app.get("/p/toy-car").await.text().await.unwrap();
    assert!(
        page.contains(imported["poster_url"].as_str().unwrap()),
        "the page shows the poster"
    );

    // Uploaded files are not kept once processed.
    let uploads = app.data_dir.path().join("uploads");
    assert_eq!(std::fs::read_dir(uploads).unwrap().count(), 0);
}

async fn refused_uploads_store_nothing_and_keep_the_old_model(db: Database) {
    let app = spawn_app_with(
        db,
        &workspace_root().join("seed"),
        &[("VITRINE_MAX_UPLOAD_MB", "1".to_string())],
    )
    .await;
    let mut admin = signed_in_admin(&app, "admin@example.com").await;
    let before = product(&app, "toy-car").await;
    let assets = asset_count(&app);
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (read("bad/not-a-glb.glb"), 422, "not a GLB file"),
        (read("bad/truncated-half.glb"), 422, "cut short"),
        (read("bad/buffer-length-lie.glb"), 422, "buffer"),
        (b"PK\x03\x04 a zip file".to_vec(), 422, "not a GLB file"),
        (vec![b'x'; 1024 * 1024 + 1], 413, "1 MB upload limit"),
    ];
    for (file, status, says) in cases {
        let (got, message) = error_of(admin.put_file(UPLOAD, "model", file).await).await;
        assert_eq!((got, message.contains(says)), (status, true), "{message}");
    }
    let (status, message) = error_of(
        admin
            .put_file(UPLOAD, "file", read("models/BoxVertexColors.glb"))
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(message.contains("field named \"model\""), "{message}");
    let (status, _) = error_of(
        admin
            .put_file(
                "/api/v1/admin/products/no-such-thing/model",
                "model",
                read("models/BoxVertexColors.glb"),
            )
            .await,
    )
    .await;
    assert_eq!(status, 404);

    assert_eq!(asset_count(&app), assets, "no asset written");
    assert_eq!(
        product(&app, "toy-car").await,
        before,
        "the product is unchanged"
    );
    let uploads = app.data_dir.path().join("uploads");
    let left = std::fs::read_dir(uploads).map_or(0, |d| d.count());
    assert_eq!(left, 0, "no upload left on disk");
}
