//! The real `vitrine` binary, as an orchestrator runs it: it answers with
//! request ids and serves `/metrics`; told to stop (SIGTERM) it first
//! answers `/readyz` with 503 while still serving, then closes its
//! listener, lets an upload in flight finish, stores the viewer events
//! still waiting, and exits 0.

mod common;

use common::processes::{ServerProcess, site, vitrine};
use common::{ADMIN_PASSWORD, workspace_root};
use std::time::{Duration, Instant};

#[tokio::test]
async fn sigterm_drains_then_finishes_in_flight_requests_and_exits() {
    let scratch = tempfile::tempdir().unwrap();
    let data = scratch.path().join("data");
    let database = format!("sqlite://{}/vitrine.db?mode=rwc", data.display());
    let site = site(scratch.path());
    // The first admin, made with the CLI before the server starts.
    let made = vitrine(&data, &database, &site)
        .args(["create-admin", "ops@example.com"])
        .env("VITRINE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let mut serve = vitrine(&data, &database, &site);
    serve.env("VITRINE_DRAIN_SECONDS", "2");
    // Viewer events would wait ten minutes: only stopping sends them.
    serve.env("VITRINE_CLICKSTREAM_FLUSH_MS", "600000");
    let mut server = ServerProcess::start(serve).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let url = |path: &str| format!("{}{path}", server.base);

    // Request ids: the caller's is echoed back, or one is made up.
    let answered = client
        .get(url("/healthz"))
        .header("x-request-id", "lifecycle-1")
        .send()
        .await
        .unwrap();
    assert_eq!(answered.headers()["x-request-id"], "lifecycle-1");
    let made_up = client.get(url("/healthz")).send().await.unwrap();
    assert_eq!(made_up.headers()["x-request-id"].len(), 24);

    // A long request in flight: an admin's upload of the largest sample.
    let signed_in = client
        .post(url("/api/v1/session"))
        .json(&serde_json::json!({"email": "ops@example.com", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let model = std::fs::read(workspace_root().join("seed/models/WaterBottle.glb")).unwrap();
    let upload = tokio::spawn(
        client
            .put(url("/api/v1/admin/products/toy-car/model"))
            .header("cookie", cookie)
            .multipart(reqwest::multipart::Form::new().part(
                "model",
                reqwest::multipart::Part::bytes(model).file_name("bottle.glb"),
            ))
            .send(),
    );
    tokio::time::sleep(Duration::from_millis(150)).await;

    let told = Instant::now();
    server.signal("TERM");

    // Draining: not ready, but still serving.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let ready = client.get(url("/readyz")).send().await.unwrap();
        if ready.status() == 503 {
            assert_eq!(ready.text().await.unwrap(), "draining");
            break;
        }
        assert!(Instant::now() < deadline, "/readyz never turned 503");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        client.get(url("/healthz")).send().await.unwrap().status(),
        200
    );
    let metrics = client.get(url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    let metrics = metrics.text().await.unwrap();
    assert!(
        metrics
            .contains(r#"vitrine_http_requests_total{method="GET",route="/healthz",status="200"}"#),
        "{metrics}"
    );
    assert!(
        metrics
            .contains(r#"vitrine_http_requests_total{method="GET",route="/readyz",status="503"}"#)
    );
    assert!(metrics.contains("vitrine_db_pool_connections{pool=\"write\",state=\"idle\"}"));

    // A product page's last viewer events arrive while draining.
    let events = client
        .post(url("/api/v1/viewer-events"))
        .json(&serde_json::json!({
            "page_view": "pv-draining", "product": "toy-car",
            "events": [{"kind": "view", "at_ms": 10}, {"kind": "rotate", "at_ms": 900}],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 202);

    // After the drain the listener is closed: new connections are refused.
    tokio::time::sleep(Duration::from_secs(2) + Duration::from_millis(500)).await;
    let refused = tokio::net::TcpStream::connect(("127.0.0.1", server.port)).await;
    assert!(refused.is_err(), "the listener is closed after the drain");

    // The upload that was in flight finishes, and the process exits cleanly.
    let uploaded = upload.await.unwrap().unwrap();
    let finished_after = told.elapsed();
    assert_eq!(uploaded.status(), 201, "{}", uploaded.text().await.unwrap());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status {status}");
    let mut db = <sqlx::SqliteConnection as sqlx::Connection>::connect(&database)
        .await
        .unwrap();
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM viewer_events WHERE page_view = 'pv-draining'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(
        stored, 2,
        "the waiting viewer events were stored before exit"
    );
    eprintln!(
        "the upload finished {:.1} s after SIGTERM (drain 2 s); the process exited 0",
        finished_after.as_secs_f64()
    );
}
