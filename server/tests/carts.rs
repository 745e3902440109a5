//! One cart changed by many requests at once (two browser tabs, a double
//! click, two servers): every change is kept, because each save names the
//! version it read and a lost race is redone on a fresh read. On SQLite and
//! PostgreSQL (DynamoDB: tests/dynamodb.rs).

mod common;

use common::{Database, spawn_app};
use serde_json::{Value, json};

on_both_databases!(concurrent_adds_to_one_cart_are_all_kept);

/// Every seeded variant with stock.
const IN_STOCK: [&str; 14] = [
    "SHEEN-CHAIR-MANGO",
    "SHEEN-CHAIR-PEACOCK",
    "GLAM-SOFA-CHAMPAGNE",
    "GLAM-SOFA-NAVY",
    "GLAM-SOFA-GRAY",
    "GLAM-SOFA-PALE-PINK",
    "SNEAKER-MIDNIGHT",
    "SNEAKER-BEACH",
    "SNEAKER-STREET",
    "WICKER-CHAIR",
    "STAND-MIXER",
    "VASE-FLOWERS",
    "WATER-BOTTLE-750",
    "TOY-CAR",
];

async fn concurrent_adds_to_one_cart_are_all_kept(db: Database) {
    let app = spawn_app(db).await;
    let mut shopper = app.shopper();
    let first = shopper
        .post_json(
            "/api/v1/cart/items",
            json!({"sku": IN_STOCK[0], "quantity": 1}),
        )
        .await;
    assert_eq!(first.status(), 200);
    let cookie = format!("vitrine_session={}", shopper.cookie.clone().unwrap());
    let adds = IN_STOCK[1..].iter().map(|sku| {
        let request = app
            .client
            .post(format!("{}/api/v1/cart/items", app.address))
            .header("cookie", cookie.clone())
            .json(&json!({"sku": sku, "quantity": 1}));
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let statuses = futures_join(adds).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let cart: Value = shopper.get("/api/v1/cart").await.json().await.unwrap();
    assert_eq!(
        cart["item_count"],
        IN_STOCK.len(),
        "no add was lost: {cart}"
    );
}

/// Runs every future at once (tokio tasks, so they really overlap).
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}
