//! Order events from the transactional outbox to fulfilment. In-process (no
//! queue configured) on SQLite and PostgreSQL, and through SQS on
//! moto_server: a paid order is handed to fulfilment exactly once, a
//! declined one never; while the queue is unreachable checkouts still
//! succeed and their events wait in the outbox, to be sent once it is back.

mod common;

use common::aws::endpoint;
use common::{
    DECLINED_CARD, Database, PAYING_CARD, TestApp, eventually, spawn_app, spawn_app_with,
    workspace_root,
};
use serde_json::{Value, json};
use std::time::Duration;

on_both_databases!(a_paid_order_is_handed_to_fulfilment_once_and_a_declined_one_never);

async fn fulfilment_requested_at(app: &TestApp, order: i64) -> Option<i64> {
    app.number(&format!(
        "SELECT fulfilment_requested_at FROM orders WHERE id = {order}"
    ))
    .await
}

async fn unpublished(app: &TestApp) -> i64 {
    app.number("SELECT CAST(COUNT(*) AS BIGINT) FROM order_events WHERE published_at IS NULL")
        .await
        .unwrap_or(0)
}

/// A guest buys one toy car with `card`; returns the order's id and status.
async fn buy(app: &TestApp, card: &str, key: &str) -> (i64, String) {
    let mut shopper = app.shopper();
    let added = shopper
        .post_json(
            "/api/v1/cart/items",
            json!({"sku": "TOY-CAR", "quantity": 1}),
        )
        .await;
    assert_eq!(added.status(), 200);
    let response = shopper
        .checkout_json(key, common::checkout_body(card))
        .await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    match status {
        201 => (
            body["id"].as_i64().unwrap(),
            body["status"].as_str().unwrap().into(),
        ),
        // A declined card: the order exists, cancelled.
        402 => {
            let order = app.number("SELECT MAX(id) FROM orders").await.unwrap();
            (order, "cancelled".into())
        }
        other => panic!("checkout answered {other}: {body}"),
    }
}

async fn a_paid_order_is_handed_to_fulfilment_once_and_a_declined_one_never(db: Database) {
    let app = spawn_app(db).await;
    let (paid, status) = buy(&app, PAYING_CARD, "outbox-paid").await;
    assert_eq!(status, "paid");
    let (declined, _) = buy(&app, DECLINED_CARD, "outbox-declined").await;
    eventually(10, "fulfilment of the paid order", || async {
        fulfilment_requested_at(&app, paid).await.is_some()
    })
    .await;
    eventually(10, "every event relayed", || async {
        unpublished(&app).await == 0
    })
    .await;
    assert_eq!(fulfilment_requested_at(&app, declined).await, None);
    // Placed and paid, placed and cancelled: four events, each relayed once.
    let events = app
        .number("SELECT CAST(COUNT(*) AS BIGINT) FROM order_events")
        .await;
    assert_eq!(events, Some(4));
}

#[tokio::test]
async fn order_events_wait_while_the_queue_is_down_then_reach_fulfilment_through_sqs() {
    let Some(endpoint) = endpoint() else { return };
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "test", "test", None, None, "static",
        ))
        .endpoint_url(&endpoint)
        .load()
        .await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let name = format!("vitrine-order-events-{}", std::process::id());
    // moto's account and URL shape: the queue does not exist yet.
    let queue_url = format!("{endpoint}/123456789012/{name}");
    let app = spawn_app_with(
        Database::Sqlite,
        &workspace_root().join("seed"),
        &[
            ("ORDER_EVENTS_QUEUE_URL", queue_url.clone()),
            ("AWS_ENDPOINT_URL", endpoint.clone()),
        ],
    )
    .await;

    // The queue is unreachable: the checkout still succeeds, its events wait.
    let (order, status) = buy(&app, PAYING_CARD, "sqs-paid").await;
    assert_eq!(status, "paid");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        unpublished(&app).await,
        2,
        "placed and paid wait in the outbox"
    );
    assert_eq!(fulfilment_requested_at(&app, order).await, None);

    // The queue comes back: the relay sends, the consumer hands the order on.
    let created = sqs.create_queue().queue_name(&name).send().await.unwrap();
    assert_eq!(created.queue_url(), Some(queue_url.as_str()));
    eventually(30, "fulfilment through SQS", || async {
        fulfilment_requested_at(&app, order).await.is_some()
    })
    .await;
    assert_eq!(unpublished(&app).await, 0);
    let marked = fulfilment_requested_at(&app, order).await;

    // A repeated event (relays deliver at least once) changes nothing.
    let repeat = json!({
        "event_id": 999_999, "order_id": order, "reference": "VT-repeat",
        "status": "paid", "at": 0,
    });
    sqs.send_message()
        .queue_url(&queue_url)
        .message_body(repeat.to_string())
        .send()
        .await
        .unwrap();
    eventually(30, "the repeat consumed", || async {
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
            .send()
            .await
            .unwrap();
        let count = |name: aws_sdk_sqs::types::QueueAttributeName| {
            attributes
                .attributes()
                .and_then(|a| a.get(&name))
                .map_or(0, |v| v.parse::<i64>().unwrap_or(0))
        };
        count(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            + count(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            == 0
    })
    .await;
    assert_eq!(
        fulfilment_requested_at(&app, order).await,
        marked,
        "marked once"
    );
}
