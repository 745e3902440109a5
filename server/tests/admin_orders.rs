//! The order desk: merchandisers find orders by status, date and customer,
//! and move them on; impossible moves are refused with a reason, shipping
//! needs a tracking number, and cancelling puts the stock back (logged).
//! On SQLite and PostgreSQL.

mod common;

use common::{Database, PAYING_CARD, Shopper, TestApp, checkout_body, signed_in_admin, spawn_app};
use serde_json::Value;

on_both_databases!(
    staff_find_orders_and_move_them_through_to_delivery,
    impossible_moves_are_refused_and_cancelling_restocks,
);

async fn stock(app: &TestApp, slug: &str, sku: &str) -> i64 {
    let product: Value = app
        .get(&format!("/api/v1/products/{slug}"))
        .await
        .json()
        .await
        .unwrap();
    product["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["sku"] == sku)
        .map(|v| v["stock_on_hand"].as_i64().unwrap())
        .unwrap()
}

/// A guest buys `quantity` of `sku` with the paying test card; the order's id.
async fn paid_order(app: &TestApp, sku: &str, quantity: u32, email: &str) -> i64 {
    let mut shopper = app.shopper();
    let response = shopper
        .post_json(
            "/api/v1/cart/items",
            serde_json::json!({"sku": sku, "quantity": quantity}),
        )
        .await;
    assert!(response.status().is_success());
    let mut body = checkout_body(PAYING_CARD);
    body["email"] = email.into();
    let order: Value = shopper
        .checkout_json("first-try", body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(order["status"], "paid", "{order}");
    order["id"].as_i64().unwrap()
}

async fn act(admin: &mut Shopper, id: i64, fields: &[(&str, &str)]) -> reqwest::Response {
    admin
        .post_form(&format!("/admin/orders/{id}/status"), fields)
        .await
}

async fn staff_find_orders_and_move_them_through_to_delivery(db: Database) {
    let app = spawn_app(db).await;
    let first = paid_order(&app, "TOY-CAR", 1, "ann@example.com").await;
    let second = paid_order(&app, "STAND-MIXER", 2, "bob@example.com").await;
    let mut admin = signed_in_admin(&app, "boss@example.com").await;

    let all = admin.get("/admin/orders").await.text().await.unwrap();
    assert!(all.contains("2 orders"), "{all}");
    assert_eq!(all.matches(r#"data-testid="admin-order-row""#).count(), 2);
    let ann = admin
        .get("/admin/orders?customer=ANN@")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        ann.contains("1 order<")
            && ann.contains("ann@example.com")
            && !ann.contains("bob@example.com")
    );
    let paid = admin
        .get("/admin/orders?status=paid")
        .await
        .text()
        .await
        .unwrap();
    assert!(paid.contains("2 orders"));
    let shipped = admin
        .get("/admin/orders?status=shipped")
        .await
        .text()
        .await
        .unwrap();
    assert!(shipped.contains(r#"data-testid="no-orders""#));
    let long_ago = admin
        .get("/admin/orders?from=2000-01-01&to=2000-12-31")
        .await
        .text()
        .await
        .unwrap();
    assert!(long_ago.contains("0 orders"));
    let dashboard = admin.get("/admin").await.text().await.unwrap();
    assert!(dashboard.contains(r#"data-testid="to-fulfil""#));

    // Paid → fulfilled → shipped (with tracking) → delivered.
    let page = admin
        .get(&format!("/admin/orders/{first}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"data-testid="action-fulfil""#)
            && !page.contains(r#"data-testid="action-ship""#)
    );
    let response = act(&mut admin, first, &[("action", "fulfil")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/admin/orders/{first}?saved=fulfil")
    );
    let response = act(
        &mut admin,
        first,
        &[("action", "ship"), ("tracking_number", "")],
    )
    .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("tracking number"));
    let response = act(
        &mut admin,
        first,
        &[
            ("action", "ship"),
            ("tracking_number", "1z999aa10123456784"),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let response = act(&mut admin, first, &[("action", "deliver")]).await;
    assert_eq!(response.status(), 303);
    let page = admin
        .get(&format!("/admin/orders/{first}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("status status-delivered"), "{page}");
    assert!(
        page.contains("(1Z999AA10123456784)"),
        "the tracking number is in the history"
    );
    assert_eq!(
        page.matches(r#"data-testid="order-event""#).count(),
        5,
        "placed, paid, fulfilled, shipped, delivered"
    );

    let log = admin
        .get("/admin/audit?entity=order")
        .await
        .text()
        .await
        .unwrap();
    for action in ["order.fulfil", "order.ship", "order.deliver"] {
        assert!(log.contains(action), "{action} in {log}");
    }
    assert!(log.contains("fulfilled → shipped (1Z999AA10123456784)"));
    let _ = second;
}

async fn impossible_moves_are_refused_and_cancelling_restocks(db: Database) {
    let app = spawn_app(db).await;
    let before = stock(&app, "stand-mixer", "STAND-MIXER").await;
    let id = paid_order(&app, "STAND-MIXER", 2, "cy@example.com").await;
    assert_eq!(stock(&app, "stand-mixer", "STAND-MIXER").await, before - 2);
    let mut admin = signed_in_admin(&app, "boss@example.com").await;

    // Delivering a paid order skips steps: refused, with the reason, nothing changed.
    let response = act(&mut admin, id, &[("action", "deliver")]).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("an order that is paid cannot be delivered"),
        "{page}"
    );
    let response = act(&mut admin, id, &[("action", "pay")]).await;
    assert_eq!(
        response.status(),
        422,
        "payment is the checkout's, not a person's"
    );
    let response = act(&mut admin, 999_999, &[("action", "cancel")]).await;
    assert_eq!(response.status(), 404);

    let response = act(&mut admin, id, &[("action", "cancel")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(stock(&app, "stand-mixer", "STAND-MIXER").await, before);
    let page = admin
        .get(&format!("/admin/orders/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"data-testid="no-actions""#));
    // The restock is in the product's stock log, as the admin's.
    let editor = admin
        .get("/admin/products/stand-mixer")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        editor.contains(&format!("VT-{id:06}")) && editor.contains("boss@example.com"),
        "{editor}"
    );
    // A cancelled order cannot be cancelled again.
    let response = act(&mut admin, id, &[("action", "cancel")]).await;
    assert_eq!(response.status(), 422);
    assert_eq!(stock(&app, "stand-mixer", "STAND-MIXER").await, before);

    // A shopper cannot move orders.
    let mut shopper = app.shopper();
    shopper
        .post_json(
            "/api/v1/customers",
            serde_json::json!({"email": "sam@example.com", "name": "Sam", "password": "correct horse"}),
        )
        .await;
    let other = paid_order(&app, "TOY-CAR", 1, "dee@example.com").await;
    let response = shopper
        .post_form(
            &format!("/admin/orders/{other}/status"),
            &[("action", "cancel")],
        )
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        shopper
            .get(&format!("/admin/orders/{other}"))
            .await
            .status(),
        403
    );
}
