//! Carts and sessions in DynamoDB, against moto_server on 127.0.0.1 (`./x
//! test` starts it and sets `VITRINE_TEST_AWS_ENDPOINT`). Two real servers
//! share the tables as production's tasks do: a guest's session and cart
//! work through either, concurrent adds through both are all kept, and
//! the items carry what the table design says (token hashes, TTLs).

mod common;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use common::aws::{dynamodb as client, endpoint, new_table};
use common::{Database, PAYING_CARD, checkout_body, spawn_app_with, workspace_root};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use vitrine_domain::cart::Cart;
use vitrine_domain::store::{CartOwner, CartSaveError, CartStore};
use vitrine_server::store::dynamo::DynamoCarts;

async fn items(
    client: &Client,
    table: &str,
) -> Vec<std::collections::HashMap<String, AttributeValue>> {
    client
        .scan()
        .table_name(table)
        .send()
        .await
        .unwrap()
        .items
        .unwrap_or_default()
}

#[tokio::test]
async fn two_servers_share_sessions_and_carts_in_dynamodb() {
    let Some(endpoint) = endpoint() else { return };
    let dynamo = client(&endpoint).await;
    let carts = new_table(&dynamo, "owner").await;
    let sessions = new_table(&dynamo, "token_hash").await;
    let settings = vec![
        ("DYNAMODB_CARTS_TABLE", carts.clone()),
        ("DYNAMODB_SESSIONS_TABLE", sessions.clone()),
        ("AWS_ENDPOINT_URL", endpoint.clone()),
    ];
    // Two servers, each with its own (identically seeded) database, sharing
    // the DynamoDB tables.
    let seed = workspace_root().join("seed");
    let a = spawn_app_with(Database::Sqlite, &seed, &settings).await;
    let b = spawn_app_with(Database::Sqlite, &seed, &settings).await;
    assert_eq!(a.get("/readyz").await.status(), 200);

    // A guest's session and cart, started on one server, work on the other.
    let mut guest = a.shopper();
    let added = guest
        .post_json(
            "/api/v1/cart/items",
            json!({"sku": "TOY-CAR", "quantity": 2}),
        )
        .await;
    assert_eq!(added.status(), 200);
    let token = guest.cookie.clone().unwrap();
    let cookie = format!("vitrine_session={token}");
    let cart_on_b: Value = b
        .client
        .get(format!("{}/api/v1/cart", b.address))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cart_on_b["item_count"], 2);

    // The session item is keyed by the token's hash, never the token, and expires.
    let stored = items(&dynamo, &sessions).await;
    assert_eq!(stored.len(), 1);
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    assert_eq!(stored[0]["token_hash"].as_s().unwrap(), &hash);
    assert!(stored[0].contains_key("expires_at"));
    assert!(
        !format!("{stored:?}").contains(&token),
        "no raw token stored"
    );
    let cart_items = items(&dynamo, &carts).await;
    assert_eq!(cart_items.len(), 1);
    assert!(
        cart_items[0].contains_key("expires_at"),
        "a guest cart expires"
    );

    // Adds through both servers at once: every one is kept.
    let skus = [
        "SHEEN-CHAIR-MANGO",
        "GLAM-SOFA-NAVY",
        "SNEAKER-MIDNIGHT",
        "SNEAKER-BEACH",
        "WICKER-CHAIR",
        "STAND-MIXER",
        "VASE-FLOWERS",
        "WATER-BOTTLE-750",
    ];
    let adds: Vec<_> = skus
        .iter()
        .enumerate()
        .map(|(i, sku)| {
            let server = if i % 2 == 0 { &a } else { &b };
            let request = server
                .client
                .post(format!("{}/api/v1/cart/items", server.address))
                .header("cookie", cookie.clone())
                .json(&json!({"sku": sku, "quantity": 1}));
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    for add in adds {
        assert_eq!(add.await.unwrap(), 200);
    }
    let cart: Value = guest.get("/api/v1/cart").await.json().await.unwrap();
    assert_eq!(
        cart["item_count"],
        2 + skus.len(),
        "no add was lost: {cart}"
    );

    // Checking out through the other server empties the shared cart.
    let order = b
        .client
        .post(format!("{}/api/v1/checkout", b.address))
        .header("cookie", &cookie)
        .header("idempotency-key", "dynamo-1")
        .json(&checkout_body(PAYING_CARD))
        .send()
        .await
        .unwrap();
    assert_eq!(order.status(), 201);
    assert!(
        items(&dynamo, &carts).await.is_empty(),
        "the cart item is gone"
    );

    // Signing out ends the session everywhere.
    let signed_out = guest.client_delete("/api/v1/session").await;
    assert!(signed_out.status().is_success(), "{}", signed_out.status());
    assert!(items(&dynamo, &sessions).await.is_empty());
}

#[tokio::test]
async fn a_save_over_a_newer_version_is_a_conflict() {
    let Some(endpoint) = endpoint() else { return };
    let dynamo = client(&endpoint).await;
    let table = new_table(&dynamo, "owner").await;
    let store = DynamoCarts::new(dynamo.clone(), &table);
    let owner = CartOwner::Customer(7);
    let mut cart = Cart::default();
    cart.set(1, 1, 10).unwrap();

    let empty = store.load_cart(&owner).await.unwrap();
    assert_eq!(empty.version, 0);
    store.save_cart(&owner, &cart, 0, 100).await.unwrap();
    // A second writer that also read "no cart" loses.
    assert!(matches!(
        store.save_cart(&owner, &cart, 0, 100).await,
        Err(CartSaveError::Conflict)
    ));
    let stored = store.load_cart(&owner).await.unwrap();
    assert_eq!((stored.version, stored.cart.item_count()), (1, 1));
    // A writer holding version 1 wins once; the next one holding 1 loses.
    cart.set(2, 1, 10).unwrap();
    store.save_cart(&owner, &cart, 1, 101).await.unwrap();
    assert!(matches!(
        store.save_cart(&owner, &Cart::default(), 1, 102).await,
        Err(CartSaveError::Conflict)
    ));
    assert_eq!(store.load_cart(&owner).await.unwrap().cart.item_count(), 2);
    // A customer's cart does not expire.
    assert!(!items(&dynamo, &table).await[0].contains_key("expires_at"));
    // Emptying at the current version deletes it.
    store
        .save_cart(&owner, &Cart::default(), 2, 103)
        .await
        .unwrap();
    assert!(items(&dynamo, &table).await.is_empty());
}
