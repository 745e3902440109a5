//! Scale-out on one machine: two `vitrine` processes on their own loopback
//! ports share one PostgreSQL database, and DynamoDB tables for carts and
//! sessions (moto), behind Debian's nginx (round-robin), as tasks share
//! Aurora and DynamoDB behind the ALB. A cart filled through one is seen
//! through the other; shoppers check out through either; and killing one
//! process while shoppers are checking out loses no cart and no order, and
//! charges nobody twice (they retry with their idempotency keys).

mod common;

use common::aws::{dynamodb, new_table};
use common::processes::{Nginx, ServerProcess, site, vitrine};
use common::{Database, PAYING_CARD, TestPostgresDatabase, checkout_body};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Duration;

const SKU: &str = "WATER-BOTTLE-750";
const SHOPPERS: usize = 16;

/// A shopper's browser: one client, the session cookie kept by hand.
struct Browser {
    client: reqwest::Client,
    cookie: Option<String>,
}

impl Browser {
    fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            cookie: None,
        }
    }

    async fn send(
        &mut self,
        request: reqwest::RequestBuilder,
    ) -> reqwest::Result<reqwest::Response> {
        let request = match &self.cookie {
            Some(cookie) => request.header("cookie", cookie.clone()),
            None => request,
        };
        let response = request.send().await?;
        if let Some(cookie) = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .filter(|c| c.starts_with("vitrine_session="))
        {
            self.cookie = Some(cookie.to_string());
        }
        Ok(response)
    }

    async fn add_to_cart(&mut self, base: &str) -> reqwest::Result<u16> {
        let request = self
            .client
            .post(format!("{base}/api/v1/cart/items"))
            .json(&json!({"sku": SKU, "quantity": 1}));
        Ok(self.send(request).await?.status().as_u16())
    }

    async fn cart(&mut self, base: &str) -> reqwest::Result<Value> {
        let request = self.client.get(format!("{base}/api/v1/cart"));
        self.send(request).await?.json().await
    }

    async fn check_out(&mut self, base: &str, key: &str) -> reqwest::Result<(u16, Value)> {
        let request = self
            .client
            .post(format!("{base}/api/v1/checkout"))
            .header("idempotency-key", key)
            .json(&checkout_body(PAYING_CARD));
        let response = self.send(request).await?;
        let status = response.status().as_u16();
        Ok((status, response.json().await.unwrap_or(Value::Null)))
    }
}

fn quantity_of(cart: &Value) -> i64 {
    cart["item_count"].as_i64().expect("a cart")
}

async fn stock(base: &str) -> i64 {
    let product: Value = reqwest::get(format!("{base}/api/v1/products/insulated-water-bottle"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    product["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["sku"] == SKU)
        .and_then(|v| v["stock_on_hand"].as_i64())
        .unwrap()
}

#[tokio::test]
async fn two_servers_behind_nginx_share_carts_and_survive_losing_one() {
    let Some(Database::Postgres(admin_url)) = Database::postgres().await else {
        return;
    };
    let database = TestPostgresDatabase::create(&admin_url).await;
    let scratch = tempfile::tempdir().unwrap();
    let site = site(scratch.path());
    // Carts and sessions in DynamoDB as in production (moto, when it runs).
    let mut shared: Vec<(&str, String)> = Vec::new();
    if let Some(endpoint) = common::aws::endpoint() {
        let client = dynamodb(&endpoint).await;
        shared.push(("DYNAMODB_CARTS_TABLE", new_table(&client, "owner").await));
        shared.push((
            "DYNAMODB_SESSIONS_TABLE",
            new_table(&client, "token_hash").await,
        ));
        shared.push(("AWS_ENDPOINT_URL", endpoint));
        shared.push(("AWS_ACCESS_KEY_ID", "test".into()));
        shared.push(("AWS_SECRET_ACCESS_KEY", "test".into()));
        shared.push(("AWS_REGION", "us-east-1".into()));
    }
    let server = |name: &str| {
        let mut command = vitrine(&scratch.path().join(name), &database.url(), &site);
        command.envs(shared.iter().map(|(k, v)| (*k, v.as_str())));
        command
    };
    // One after the other: the first migrates and seeds the shared database.
    let a = ServerProcess::start(server("a")).await;
    let b = ServerProcess::start(server("b")).await;
    let nginx = Nginx::start(&[a.port, b.port]).await;

    // nginx really spreads requests over both.
    let mut upstreams = HashSet::new();
    for _ in 0..6 {
        let response = reqwest::get(format!("{}/healthz", nginx.base))
            .await
            .unwrap();
        upstreams.insert(
            response.headers()["x-upstream"]
                .to_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(upstreams.len(), 2, "both servers answer: {upstreams:?}");

    // A cart filled through the proxy is the same cart on either server.
    let before = stock(&nginx.base).await;
    let mut shopper = Browser::new();
    assert_eq!(shopper.add_to_cart(&nginx.base).await.unwrap(), 200);
    assert_eq!(shopper.add_to_cart(&nginx.base).await.unwrap(), 200);
    assert_eq!(quantity_of(&shopper.cart(&a.base).await.unwrap()), 2);
    assert_eq!(quantity_of(&shopper.cart(&b.base).await.unwrap()), 2);
    let (status, order) = shopper.check_out(&b.base, "scale-out-first").await.unwrap();
    assert_eq!(
        (status, order["status"].as_str()),
        (201, Some("paid")),
        "{order}"
    );
    assert_eq!(
        quantity_of(&shopper.cart(&a.base).await.unwrap()),
        0,
        "checked out everywhere"
    );
    assert_eq!(stock(&a.base).await, before - 2);

    // Shoppers check out through the proxy while server b is killed.
    let failures = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let shoppers: Vec<_> = (0..SHOPPERS)
        .map(|i| {
            let base = nginx.base.clone();
            let failures = failures.clone();
            tokio::spawn(async move {
                let mut browser = Browser::new();
                let key = format!("scale-out-{i}");
                // Each step is retried until it succeeds, as a shopper whose
                // page failed presses the button again. An add whose answer
                // was lost may still have landed: look before adding again.
                // A checkout is retried with the same key: if the first went
                // through, the retry returns that order, never a second one.
                let mut added = false;
                for _ in 0..30 {
                    if !added {
                        added = match browser.add_to_cart(&base).await {
                            Ok(200) => true,
                            _ => browser
                                .cart(&base)
                                .await
                                .is_ok_and(|cart| quantity_of(&cart) >= 1),
                        };
                    }
                    if added && let Ok((201, order)) = browser.check_out(&base, &key).await {
                        return order;
                    }
                    failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                panic!("shopper {i} never got an order");
            })
        })
        .collect();
    // While they are at it (their first requests are in flight).
    tokio::time::sleep(Duration::from_millis(40)).await;
    b.signal("KILL");

    let mut orders = HashSet::new();
    for shopper in shoppers {
        let order = shopper.await.unwrap();
        assert_eq!(order["status"], "paid", "{order}");
        orders.insert(order["id"].as_i64().unwrap());
    }
    assert_eq!(
        orders.len(),
        SHOPPERS,
        "one order per shopper, none lost, none twice"
    );
    eprintln!(
        "{SHOPPERS} shoppers, {} attempts failed and were retried after server b was killed",
        failures.load(std::sync::atomic::Ordering::Relaxed)
    );
    // Every order took exactly its one bottle: none twice, none lost.
    assert_eq!(stock(&a.base).await, before - 2 - SHOPPERS as i64);
    // The surviving server still serves, alone, through the proxy.
    let response = reqwest::get(format!("{}/readyz", nginx.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
