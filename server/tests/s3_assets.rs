//! The S3 asset store, against moto_server on 127.0.0.1 (`./x test` starts
//! it and sets `VITRINE_TEST_AWS_ENDPOINT`): the real server seeds into a
//! bucket, imports uploads into it, and pages point at the bucket through
//! `ASSET_BASE_URL` as they would at CloudFront.

mod common;

use aws_sdk_s3::Client;
use common::aws::endpoint;
use common::{Database, signed_in_admin, spawn_app_with, workspace_root};
use serde_json::Value;
use vitrine_server::assets::{AssetStore, S3AssetStore, S3Location, content_key};

/// A bucket of the test's own, on moto.
async fn new_bucket(endpoint: &str) -> (Client, String) {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let bucket = format!(
        "vitrine-test-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "test", "test", None, None, "static",
        ))
        .endpoint_url(endpoint)
        .load()
        .await;
    let client = Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    client.create_bucket().bucket(&bucket).send().await.unwrap();
    // Stands in for CloudFront's read access: shoppers' browsers fetch
    // objects by URL without credentials.
    let public_read = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": format!("arn:aws:s3:::{bucket}/*"),
        }],
    });
    client
        .put_bucket_policy()
        .bucket(&bucket)
        .policy(public_read.to_string())
        .send()
        .await
        .unwrap();
    (client, bucket)
}

async fn object_keys(client: &Client, bucket: &str) -> Vec<String> {
    let listed = client
        .list_objects_v2()
        .bucket(bucket)
        .send()
        .await
        .unwrap();
    let mut keys: Vec<String> = listed
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn the_s3_store_is_content_addressed_and_sets_cache_headers() {
    let Some(endpoint) = endpoint() else { return };
    let (client, bucket) = new_bucket(&endpoint).await;
    let location = S3Location::parse(&format!("s3://{bucket}/models")).unwrap();
    let store = S3AssetStore::connect(location, Some(&endpoint)).await;
    store.ping().await.unwrap();

    let key = store.put(b"glTF bytes", "glb").await.unwrap();
    assert_eq!(key, content_key(b"glTF bytes", "glb"));
    assert_eq!(
        store.put(b"glTF bytes", "glb").await.unwrap(),
        key,
        "idempotent"
    );
    assert_eq!(store.get(&key).await.unwrap().unwrap(), b"glTF bytes");
    assert_eq!(
        store.get(&content_key(b"other", "glb")).await.unwrap(),
        None
    );
    assert_eq!(store.get("../escape").await.unwrap(), None);

    assert_eq!(
        object_keys(&client, &bucket).await,
        [format!("models/{key}")]
    );
    let head = client
        .head_object()
        .bucket(&bucket)
        .key(format!("models/{key}"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type(), Some("model/gltf-binary"));
    assert_eq!(
        head.cache_control(),
        Some("public, max-age=31536000, immutable")
    );

    let missing = S3AssetStore::connect(
        S3Location::parse("s3://no-such-bucket-here").unwrap(),
        Some(&endpoint),
    )
    .await;
    assert!(missing.ping().await.is_err());
}

#[tokio::test]
async fn the_server_seeds_and_imports_into_s3_and_pages_point_at_the_bucket() {
    let Some(endpoint) = endpoint() else { return };
    let (client, bucket) = new_bucket(&endpoint).await;
    let base = format!("{endpoint}/{bucket}");
    let app = spawn_app_with(
        Database::Sqlite,
        &workspace_root().join("seed"),
        &[
            ("ASSET_STORE", format!("s3://{bucket}")),
            ("AWS_ENDPOINT_URL", endpoint.clone()),
            ("ASSET_BASE_URL", base.clone()),
        ],
    )
    .await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    assert_eq!(
        app.get("/assets/x.glb").await.status(),
        404,
        "S3 is not served locally"
    );

    // The demo catalog's models went to the bucket, and pages point there.
    let seeded = object_keys(&client, &bucket).await;
    assert!(seeded.len() >= 8, "{seeded:?}");
    let product: Value = app
        .get("/api/v1/products/toy-car")
        .await
        .json()
        .await
        .unwrap();
    let model_url = product["model_url"].as_str().unwrap();
    assert!(model_url.starts_with(&base), "{model_url}");
    let model = app.client.get(model_url).send().await.unwrap();
    assert_eq!(model.status(), 200);
    assert_eq!(model.headers()["content-type"], "model/gltf-binary");

    // An upload lands in the bucket; a refused one adds nothing.
    let mut admin = signed_in_admin(&app, "admin@example.com").await;
    let glb =
        std::fs::read(workspace_root().join("pipeline/tests/fixtures/models/BoxVertexColors.glb"))
            .unwrap();
    let response = admin
        .put_file("/api/v1/admin/products/toy-car/model", "model", glb)
        .await;
    assert_eq!(response.status(), 201);
    let imported: Value = response.json().await.unwrap();
    let after_import = object_keys(&client, &bucket).await;
    // The original, 4 levels (some may coincide for a tiny model), manifest, poster.
    assert!(after_import.len() > seeded.len() + 2, "{after_import:?}");
    let manifest_url = imported["manifest_url"].as_str().unwrap();
    assert!(manifest_url.starts_with(&base));
    let manifest: Value = app
        .client
        .get(manifest_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(manifest, imported["manifest"]);
    let poster = app
        .client
        .get(imported["poster_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(poster.headers()["content-type"], "image/jpeg");
    assert_eq!(
        poster.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );

    let bad =
        std::fs::read(workspace_root().join("pipeline/tests/fixtures/bad/truncated-half.glb"))
            .unwrap();
    let refused = admin
        .put_file("/api/v1/admin/products/toy-car/model", "model", bad)
        .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(
        object_keys(&client, &bucket).await,
        after_import,
        "nothing stored"
    );
}
