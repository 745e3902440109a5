//! The 3D viewer's clickstream: batches from product pages are checked,
//! taken, and stored a moment later in batches: in the database locally (on
//! SQLite and PostgreSQL), in a Kinesis stream on moto_server. Bad batches
//! are refused with a reason and store nothing. `/metrics` shows what the
//! events say: time to first frame and levels of detail shown.

mod common;

use common::aws::endpoint;
use common::{Database, TestApp, eventually, spawn_app_with, workspace_root};
use serde_json::{Value, json};
use std::time::Duration;

on_both_databases!(a_page_views_events_are_stored_in_the_database);

fn page_view_batch(page_view: &str) -> Value {
    json!({
        "page_view": page_view,
        "product": "toy-car",
        "events": [
            {"kind": "view", "at_ms": 180},
            {"kind": "lod_shown", "at_ms": 910, "level": 3, "bytes": 48_204, "triangles": 1_180},
            {"kind": "first_frame", "at_ms": 912},
            {"kind": "rotate", "at_ms": 2_400},
            {"kind": "lod_shown", "at_ms": 2_950, "level": 1, "bytes": 612_000, "triangles": 18_900},
        ]
    })
}

async fn post(app: &TestApp, body: impl Into<reqwest::Body>) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/viewer-events", app.address))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn stored(app: &TestApp) -> i64 {
    app.number("SELECT CAST(COUNT(*) AS BIGINT) FROM viewer_events")
        .await
        .unwrap_or(0)
}

async fn a_page_views_events_are_stored_in_the_database(db: Database) {
    let app = spawn_app_with(
        db,
        &workspace_root().join("seed"),
        &[("VITRINE_CLICKSTREAM_FLUSH_MS", "200".into())],
    )
    .await;
    let response = post(&app, page_view_batch("pv-0000aaaa").to_string()).await;
    assert_eq!(response.status(), 202);
    eventually(10, "the events stored", || async {
        stored(&app).await == 5
    })
    .await;

    // As sent, in order, stamped with the time they arrived.
    let levels = app
        .number(
            "SELECT CAST(SUM(bytes) AS BIGINT) FROM viewer_events
             WHERE kind = 'lod_shown' AND page_view = 'pv-0000aaaa' AND product_slug = 'toy-car'",
        )
        .await;
    assert_eq!(levels, Some(660_204));
    let first_frame = app
        .number("SELECT at_ms FROM viewer_events WHERE kind = 'first_frame'")
        .await;
    assert_eq!(first_frame, Some(912));
    let kinds_in_order = app
        .number(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM viewer_events a JOIN viewer_events b
             ON b.id = a.id + 1 WHERE a.at_ms > b.at_ms",
        )
        .await;
    assert_eq!(kinds_in_order, Some(0), "kept in the order sent");
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let received = app
        .number("SELECT MIN(received_at_ms) FROM viewer_events")
        .await
        .unwrap();
    assert!((now_ms - received).abs() < 60_000);

    // What they say shows in /metrics.
    assert_eq!(
        app.metric("vitrine_viewer_first_frame_seconds_count").await,
        1.0
    );
    assert_eq!(
        app.metric("vitrine_viewer_first_frame_seconds_bucket{le=\"1\"}")
            .await,
        1.0
    );
    assert_eq!(
        app.metric("vitrine_viewer_levels_shown_total{level=\"3\"}")
            .await,
        1.0
    );
    assert_eq!(
        app.metric("vitrine_viewer_level_bytes_total{level=\"1\"}")
            .await,
        612_000.0
    );
    assert_eq!(
        app.metric("vitrine_clickstream_events_total{outcome=\"stored\"}")
            .await,
        5.0
    );
}

#[tokio::test]
async fn bad_batches_are_refused_with_a_reason_and_store_nothing() {
    let app = spawn_app_with(
        Database::Sqlite,
        &workspace_root().join("seed"),
        &[("VITRINE_CLICKSTREAM_FLUSH_MS", "100".into())],
    )
    .await;
    let refused = |status: u16, needle: &'static str| {
        move |response: reqwest::Response| async move {
            assert_eq!(response.status(), status);
            let body: Value = response.json().await.unwrap();
            let message = body["error"].as_str().unwrap().to_string();
            assert!(message.contains(needle), "{message:?} lacks {needle:?}");
        }
    };

    refused(400, "invalid viewer events")(post(&app, "{not json").await).await;
    let mut unknown = page_view_batch("pv-0000bbbb");
    unknown["events"][2]["kind"] = json!("purchase");
    refused(422, "event 2: unknown kind \"purchase\"")(post(&app, unknown.to_string()).await).await;
    let mut bare = page_view_batch("pv-0000bbbb");
    bare["events"][1] = json!({"kind": "lod_shown", "at_ms": 5});
    refused(422, "lod_shown needs level")(post(&app, bare.to_string()).await).await;
    let mut nameless = page_view_batch("x");
    nameless["product"] = json!("toy-car");
    refused(422, "page_view must be")(post(&app, nameless.to_string()).await).await;
    let empty = json!({"page_view": "pv-0000cccc", "product": "toy-car", "events": []});
    refused(422, "1 to 50 events")(post(&app, empty.to_string()).await).await;
    let huge = json!({
        "page_view": "pv-0000dddd", "product": "toy-car",
        "events": [{"kind": "error", "at_ms": 1, "message": "x".repeat(20_000)}],
    });
    refused(413, "invalid viewer events")(post(&app, huge.to_string()).await).await;

    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(stored(&app).await, 0, "a refused batch stores nothing");
    assert_eq!(
        app.metric("vitrine_clickstream_events_total{outcome=\"accepted\"}")
            .await,
        0.0
    );
}

#[tokio::test]
async fn with_a_kinesis_stream_events_go_there_as_json_lines() {
    let Some(endpoint) = endpoint() else { return };
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_kinesis::config::Credentials::new(
            "test", "test", None, None, "static",
        ))
        .endpoint_url(&endpoint)
        .load()
        .await;
    let kinesis = aws_sdk_kinesis::Client::new(&sdk);
    let stream = format!("vitrine-clickstream-{}", std::process::id());
    kinesis
        .create_stream()
        .stream_name(&stream)
        .shard_count(1)
        .send()
        .await
        .unwrap();
    let app = spawn_app_with(
        Database::Sqlite,
        &workspace_root().join("seed"),
        &[
            ("CLICKSTREAM_KINESIS_STREAM", stream.clone()),
            ("AWS_ENDPOINT_URL", endpoint.clone()),
            ("VITRINE_CLICKSTREAM_FLUSH_MS", "200".into()),
        ],
    )
    .await;
    assert_eq!(
        post(&app, page_view_batch("pv-kinesis1").to_string())
            .await
            .status(),
        202
    );
    assert_eq!(
        post(&app, page_view_batch("pv-kinesis2").to_string())
            .await
            .status(),
        202
    );

    let shard = kinesis
        .list_shards()
        .stream_name(&stream)
        .send()
        .await
        .unwrap()
        .shards()[0]
        .shard_id()
        .to_string();
    let mut iterator = kinesis
        .get_shard_iterator()
        .stream_name(&stream)
        .shard_id(&shard)
        .shard_iterator_type(aws_sdk_kinesis::types::ShardIteratorType::TrimHorizon)
        .send()
        .await
        .unwrap()
        .shard_iterator()
        .map(str::to_string);
    let mut records: Vec<(String, Value)> = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while records.len() < 10 {
        assert!(
            std::time::Instant::now() < deadline,
            "only {} of 10 records reached Kinesis",
            records.len()
        );
        let got = kinesis
            .get_records()
            .shard_iterator(iterator.clone().unwrap())
            .send()
            .await
            .unwrap();
        for record in got.records() {
            let line = std::str::from_utf8(record.data().as_ref()).unwrap();
            assert!(line.ends_with('\n'), "one JSON object per line");
            records.push((
                record.partition_key().unwrap_or_default().to_string(),
                serde_json::from_str(line).unwrap(),
            ));
        }
        iterator = got.next_shard_iterator().map(str::to_string);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Keyed by page view, so each page view's events stay in order.
    let first: Vec<&Value> = records
        .iter()
        .filter(|(key, _)| key == "pv-kinesis1")
        .map(|(_, event)| event)
        .collect();
    assert_eq!(first.len(), 5);
    let kinds: Vec<&str> = first.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["view", "lod_shown", "first_frame", "rotate", "lod_shown"]
    );
    assert_eq!(first[1]["level"], 3);
    assert_eq!(first[1]["bytes"], 48_204);
    assert_eq!(first[0]["product"], "toy-car");
    assert!(first[0]["received_at_ms"].as_i64().unwrap() > 0);
    assert_eq!(stored(&app).await, 0, "nothing went to the database");
}
