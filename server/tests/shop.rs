//! The shopper's path on the real server, on both databases: cart,
//! checkout, orders, accounts; the no-oversell and idempotency guarantees;
//! and the same through plain HTML form posts (no JavaScript).

mod common;

use common::{DECLINED_CARD, Database, PAYING_CARD, Shopper, TestApp, checkout_body, spawn_app};
use serde_json::{Value, json};

on_both_databases!(
    a_shopper_registers_fills_a_cart_checks_out_and_sees_the_order,
    two_hundred_checkouts_of_ten_in_stock_make_exactly_ten_orders,
    retrying_a_checkout_with_its_key_places_one_order,
    a_declined_card_places_no_order_and_keeps_the_stock,
    signing_in_merges_the_visitor_cart_into_the_customer_cart,
    orders_are_private_to_their_shopper,
    bad_api_input_is_a_4xx_with_a_reason,
    forms_work_without_javascript,
    bad_form_input_is_shown_next_to_its_field_and_inert,
    cancelling_an_order_restocks_and_refunds,
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
        .unwrap()["stock_on_hand"]
        .as_i64()
        .unwrap()
}

async fn add(shopper: &mut Shopper, sku: &str, quantity: u32) -> Value {
    let response = shopper
        .post_json(
            "/api/v1/cart/items",
            json!({"sku": sku, "quantity": quantity}),
        )
        .await;
    assert_eq!(response.status(), 200, "adding {sku}");
    response.json().await.unwrap()
}

async fn a_shopper_registers_fills_a_cart_checks_out_and_sees_the_order(db: Database) {
    let app = spawn_app(db).await;
    let before = stock(&app, "sheen-chair", "SHEEN-CHAIR-MANGO").await;
    let mut shopper = app.shopper();
    let response = shopper
        .post_json(
            "/api/v1/customers",
            json!({"email": "ada@example.com", "name": "Ada", "password": "correct horse"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    add(&mut shopper, "SHEEN-CHAIR-MANGO", 2).await;
    let cart = add(&mut shopper, "TOY-CAR", 1).await;
    assert_eq!(cart["item_count"], 3);
    // 2 × 349.00 + 39.00 = 737.00, free shipping, 8.25 % tax = 60.80
    assert_eq!(cart["totals"]["subtotal"]["amount_minor"], 73_700);
    assert_eq!(cart["totals"]["tax"]["amount_minor"], 6_080);

    let response = shopper
        .checkout_json("first-try", checkout_body(PAYING_CARD))
        .await;
    assert_eq!(response.status(), 201);
    let order: Value = response.json().await.unwrap();
    assert_eq!(order["status"], "paid");
    assert_eq!(order["card_last4"], "4242");
    assert_eq!(order["totals"]["total"]["amount_minor"], 73_700 + 6_080);
    assert_eq!(order["lines"].as_array().unwrap().len(), 2);
    assert!(
        order.get("payment_reference").is_none(),
        "provider references stay inside"
    );
    assert_eq!(
        stock(&app, "sheen-chair", "SHEEN-CHAIR-MANGO").await,
        before - 2
    );

    let cart: Value = shopper.get("/api/v1/cart").await.json().await.unwrap();
    assert_eq!(cart["item_count"], 0, "checking out empties the cart");
    let history: Value = shopper.get("/api/v1/orders").await.json().await.unwrap();
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["id"], order["id"]);
    assert_eq!(history[0]["item_count"], 3);

    let page = shopper.get(&format!("/orders/{}", order["id"])).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(order["reference"].as_str().unwrap()),
        "{html}"
    );
    assert!(html.contains("Thank you!"));
    let account = shopper.get("/account").await.text().await.unwrap();
    assert!(account.contains(order["reference"].as_str().unwrap()));
}

async fn two_hundred_checkouts_of_ten_in_stock_make_exactly_ten_orders(db: Database) {
    let app = spawn_app(db).await;
    assert_eq!(stock(&app, "glam-velvet-sofa", "GLAM-SOFA-NAVY").await, 10);
    let mut shoppers = Vec::new();
    for _ in 0..200 {
        let mut shopper = app.shopper();
        add(&mut shopper, "GLAM-SOFA-NAVY", 1).await;
        shoppers.push(shopper);
    }
    let checkouts = shoppers.into_iter().enumerate().map(|(i, mut shopper)| {
        tokio::spawn(async move {
            let response = shopper
                .checkout_json(&format!("race-{i}"), checkout_body(PAYING_CARD))
                .await;
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            (status, body)
        })
    });
    let results: Vec<(u16, Value)> = futures_join_all(checkouts).await;
    let placed = results.iter().filter(|(s, _)| *s == 201).count();
    let refused: Vec<_> = results.iter().filter(|(s, _)| *s == 409).collect();
    assert_eq!(
        placed,
        10,
        "exactly the stock is sold: {:?}",
        status_counts(&results)
    );
    assert_eq!(refused.len(), 190, "{:?}", status_counts(&results));
    for (_, body) in refused {
        assert!(
            body["error"].as_str().unwrap().contains("out of stock"),
            "{body}"
        );
    }
    assert_eq!(stock(&app, "glam-velvet-sofa", "GLAM-SOFA-NAVY").await, 0);
}

fn status_counts(results: &[(u16, Value)]) -> Vec<(u16, usize)> {
    let mut counts: Vec<(u16, usize)> = Vec::new();
    for (status, _) in results {
        match counts.iter_mut().find(|(s, _)| s == status) {
            Some((_, n)) => *n += 1,
            None => counts.push((*status, 1)),
        }
    }
    counts
}

async fn futures_join_all<T: 'static>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(handle.await.unwrap());
    }
    out
}

async fn retrying_a_checkout_with_its_key_places_one_order(db: Database) {
    let app = spawn_app(db).await;
    let before = stock(&app, "wicker-chair", "WICKER-CHAIR").await;
    let mut shopper = app.shopper();
    add(&mut shopper, "WICKER-CHAIR", 1).await;
    let token = shopper.cookie.clone();
    // Five at once, as a double-clicking shopper or a retrying client sends them.
    let attempts = (0..5).map(|_| {
        let mut shopper = app.shopper();
        shopper.cookie = token.clone();
        tokio::spawn(async move {
            let response = shopper
                .checkout_json("same-key", checkout_body(PAYING_CARD))
                .await;
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        })
    });
    let results = futures_join_all(attempts).await;
    for (status, body) in &results {
        assert_eq!(*status, 201, "{body}");
        assert_eq!(
            body["id"], results[0].1["id"],
            "every retry returns the first order"
        );
    }
    assert_eq!(
        stock(&app, "wicker-chair", "WICKER-CHAIR").await,
        before - 1
    );
    // And once more, after the cart was emptied by that order.
    let again = shopper
        .checkout_json("same-key", checkout_body(PAYING_CARD))
        .await;
    assert_eq!(again.status(), 201);
    // The same key with a different cart is refused.
    add(&mut shopper, "TOY-CAR", 1).await;
    let reused = shopper
        .checkout_json("same-key", checkout_body(PAYING_CARD))
        .await;
    assert_eq!(reused.status(), 422);
    let body: Value = reused.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("different cart"),
        "{body}"
    );
    assert_eq!(
        stock(&app, "wicker-chair", "WICKER-CHAIR").await,
        before - 1
    );
}

async fn a_declined_card_places_no_order_and_keeps_the_stock(db: Database) {
    let app = spawn_app(db).await;
    let before = stock(&app, "stand-mixer", "STAND-MIXER").await;
    let mut shopper = app.shopper();
    add(&mut shopper, "STAND-MIXER", 2).await;
    let response = shopper
        .checkout_json("declined", checkout_body(DECLINED_CARD))
        .await;
    assert_eq!(response.status(), 402);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("declined"),
        "{body}"
    );
    assert_eq!(stock(&app, "stand-mixer", "STAND-MIXER").await, before);
    let cart: Value = shopper.get("/api/v1/cart").await.json().await.unwrap();
    assert_eq!(cart["item_count"], 2, "the cart is kept for another try");
    // Retrying the same key repeats the answer; a new key with a good card pays.
    let retry = shopper
        .checkout_json("declined", checkout_body(PAYING_CARD))
        .await;
    assert_eq!(retry.status(), 402);
    let paid = shopper
        .checkout_json("second", checkout_body(PAYING_CARD))
        .await;
    assert_eq!(paid.status(), 201);
    assert_eq!(stock(&app, "stand-mixer", "STAND-MIXER").await, before - 2);
}

async fn signing_in_merges_the_visitor_cart_into_the_customer_cart(db: Database) {
    let app = spawn_app(db).await;
    let mut first_visit = app.shopper();
    first_visit
        .post_json(
            "/api/v1/customers",
            json!({"email": "grace@example.com", "name": "Grace", "password": "hopper1906"}),
        )
        .await;
    add(&mut first_visit, "TOY-CAR", 2).await;
    let response = first_visit.post_json("/api/v1/session", json!({})).await;
    assert_eq!(response.status(), 400, "a body without fields is a 400");

    // Later, on another device, as a visitor: 1 toy car and 1 sneaker (only 2 in stock).
    let mut visitor = app.shopper();
    add(&mut visitor, "TOY-CAR", 1).await;
    add(&mut visitor, "SNEAKER-STREET", 2).await;
    let visitor_token = visitor.cookie.clone();
    let wrong = visitor
        .post_json(
            "/api/v1/session",
            json!({"email": "grace@example.com", "password": "nope nope"}),
        )
        .await;
    assert_eq!(wrong.status(), 401);
    let response = visitor
        .post_json(
            "/api/v1/session",
            json!({"email": "GRACE@example.com", "password": "hopper1906"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_ne!(
        visitor.cookie, visitor_token,
        "signing in starts a new session"
    );
    let cart: Value = visitor.get("/api/v1/cart").await.json().await.unwrap();
    let quantity = |sku: &str| {
        cart["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["sku"] == sku)
            .map(|i| i["quantity"].as_u64().unwrap())
    };
    assert_eq!(quantity("TOY-CAR"), Some(3));
    assert_eq!(quantity("SNEAKER-STREET"), Some(2));

    // The old visitor session is gone.
    let mut stale = app.shopper();
    stale.cookie = visitor_token;
    let cart: Value = stale.get("/api/v1/cart").await.json().await.unwrap();
    assert_eq!(cart["item_count"], 0);

    // Signing out ends the session; the cart stays with the customer.
    let response = visitor.client_delete("/api/v1/session").await;
    assert_eq!(response.status(), 204);
    assert!(visitor.cookie.is_none());
    let mut back = app.shopper();
    back.post_json(
        "/api/v1/session",
        json!({"email": "grace@example.com", "password": "hopper1906"}),
    )
    .await;
    let cart: Value = back.get("/api/v1/cart").await.json().await.unwrap();
    assert_eq!(cart["item_count"], 5);
}

async fn orders_are_private_to_their_shopper(db: Database) {
    let app = spawn_app(db).await;
    let mut guest = app.shopper();
    add(&mut guest, "TOY-CAR", 1).await;
    let order: Value = guest
        .checkout_json("guest", checkout_body(PAYING_CARD))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/orders/{}", order["id"]);
    assert_eq!(
        guest.get(&path).await.status(),
        200,
        "a guest sees their own order"
    );
    let mut stranger = app.shopper();
    assert_eq!(stranger.get(&path).await.status(), 404);
    add(&mut stranger, "TOY-CAR", 1).await;
    assert_eq!(stranger.get(&path).await.status(), 404);
    let page = stranger.get(&format!("/orders/{}", order["id"])).await;
    assert_eq!(page.status(), 404);
    assert_eq!(stranger.get("/api/v1/orders").await.status(), 401);
}

async fn bad_api_input_is_a_4xx_with_a_reason(db: Database) {
    let app = spawn_app(db).await;
    let mut shopper = app.shopper();
    let too_many = shopper
        .post_json(
            "/api/v1/cart/items",
            json!({"sku": "TOY-CAR", "quantity": 11}),
        )
        .await;
    assert_eq!(too_many.status(), 422);
    let body: Value = too_many.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "quantity");
    let unknown = shopper
        .post_json(
            "/api/v1/cart/items",
            json!({"sku": "NOPE-1", "quantity": 1}),
        )
        .await;
    assert_eq!(unknown.status(), 404);
    let more_than_stock = shopper
        .post_json(
            "/api/v1/cart/items",
            json!({"sku": "SNEAKER-STREET", "quantity": 3}),
        )
        .await;
    assert_eq!(more_than_stock.status(), 422);
    let body: Value = more_than_stock.json().await.unwrap();
    assert_eq!(body["fields"][0]["message"], "only 2 left in stock");
    let sold_out = shopper
        .post_json(
            "/api/v1/cart/items",
            json!({"sku": "GLAM-SOFA-BLACK", "quantity": 1}),
        )
        .await;
    assert_eq!(sold_out.status(), 422);
    let no_sku = shopper
        .post_json("/api/v1/cart/items", json!({"quantity": 1}))
        .await;
    assert_eq!(no_sku.status(), 400);
    let body: Value = no_sku.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("missing field `sku`"),
        "{body}"
    );

    add(&mut shopper, "TOY-CAR", 1).await;
    let mut bad = checkout_body("1234");
    bad["email"] = json!("not-an-email");
    bad["country"] = json!("ZZ");
    bad["name"] = json!("x".repeat(101));
    let response = shopper.checkout_json("bad", bad).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["email", "name", "country", "card_number"],
        "{body}"
    );
    let no_key = shopper.checkout_json("", checkout_body(PAYING_CARD)).await;
    assert_eq!(no_key.status(), 422);

    let duplicate = json!({"email": "a@example.com", "name": "A", "password": "long enough"});
    assert_eq!(
        shopper
            .post_json("/api/v1/customers", duplicate.clone())
            .await
            .status(),
        201
    );
    let response = app
        .shopper()
        .post_json("/api/v1/customers", duplicate)
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already exists")
    );
}

async fn forms_work_without_javascript(db: Database) {
    let app = spawn_app(db).await;
    let mut shopper = app.shopper();
    // Add to cart from the product page's form.
    let response = shopper
        .post_form(
            "/p/sheen-chair",
            &[("sku", "SHEEN-CHAIR-PEACOCK"), ("quantity", "2")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/cart");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP here: {cookie}");
    let cart = shopper.get("/cart").await.text().await.unwrap();
    assert!(cart.contains(r#"data-sku="SHEEN-CHAIR-PEACOCK""#), "{cart}");
    assert!(cart.contains("$698.00"));

    // Change the quantity, then check out.
    let variant_id = between(&cart, r#"name="variant_id" value=""#, "\"");
    let response = shopper
        .post_form("/cart", &[("variant_id", &variant_id), ("quantity", "1")])
        .await;
    assert_eq!(response.status(), 303);
    let checkout = shopper.get("/checkout").await.text().await.unwrap();
    let key = between(&checkout, r#"name="idempotency_key" value=""#, "\"");
    let response = shopper
        .post_form(
            "/checkout",
            &[
                ("idempotency_key", &key),
                ("email", "ada@example.com"),
                ("name", "Ada Lovelace"),
                ("line1", "12 St James's Square"),
                ("line2", ""),
                ("city", "London"),
                ("region", ""),
                ("postal_code", "SW1Y 4JH"),
                ("country", "GB"),
                ("card_number", PAYING_CARD),
                ("card_expiry", "12/39"),
                ("card_cvc", "123"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/orders/"), "{location}");
    let order = shopper.get(&location).await.text().await.unwrap();
    assert!(
        order.contains("Thank you!") && order.contains("Sheen Chair"),
        "{order}"
    );

    // Register from the form: the session is replaced and the account page lists nothing yet
    // (guest orders stay with the guest session).
    let response = shopper
        .post_form(
            "/account/register",
            &[
                ("name", "Ada"),
                ("email", "ada@example.com"),
                ("password", "correct horse"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/account");
    let account = shopper.get("/account").await.text().await.unwrap();
    assert!(account.contains("Hello, Ada"), "{account}");
    let response = shopper.post_form("/account/logout", &[]).await;
    assert_eq!(response.status(), 303);
    assert!(shopper.cookie.is_none());
    assert_eq!(shopper.get("/account").await.status(), 401);

    // Forwarded over TLS by the load balancer: the cookie is Secure.
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/p/toy-car", app.address))
        .header("x-forwarded-proto", "https")
        .form(&[("sku", "TOY-CAR"), ("quantity", "1")])
        .send()
        .await
        .unwrap();
    let secure = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().contains("; Secure"));
    assert!(secure);
}

fn between(html: &str, start: &str, end: &str) -> String {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in {html}"))
        + start.len();
    let to = from + html[from..].find(end).unwrap();
    html[from..to].to_string()
}

async fn bad_form_input_is_shown_next_to_its_field_and_inert(db: Database) {
    let app = spawn_app(db).await;
    let mut shopper = app.shopper();
    let response = shopper
        .post_form(
            "/p/everyday-sneaker",
            &[("sku", "SNEAKER-STREET"), ("quantity", "5")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"data-testid="error-quantity""#), "{html}");
    assert!(html.contains("only 2 left in stock"));

    shopper
        .post_form("/p/toy-car", &[("sku", "TOY-CAR"), ("quantity", "1")])
        .await;
    let xss = "<script>alert(1)</script>";
    let response = shopper
        .post_form(
            "/checkout",
            &[
                ("idempotency_key", "k1"),
                ("email", "ada@example"),
                ("name", xss),
                ("line1", ""),
                ("city", "London"),
                ("postal_code", "SW1Y 4JH"),
                ("country", "GB"),
                ("card_number", "4242 4242 4242 4242"),
                ("card_expiry", "01/20"),
                ("card_cvc", "123"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    for field in ["email", "line1", "card_expiry"] {
        assert!(
            html.contains(&format!(r#"data-testid="error-{field}""#)),
            "{field}: {html}"
        );
    }
    assert!(html.contains("this card has expired"));
    assert!(!html.contains(xss), "typed markup is escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        !html.contains("4242 4242 4242 4242\""),
        "card numbers are never echoed"
    );

    let response = shopper
        .post_form(
            "/account/login",
            &[("email", "who@example.com"), ("password", "whatever1")],
        )
        .await;
    assert_eq!(response.status(), 401);
    let html = response.text().await.unwrap();
    assert!(html.contains("wrong email or password"));
    assert!(
        html.contains(r#"value="who@example.com""#),
        "the email is kept"
    );
    let response = shopper
        .post_form(
            "/account/register",
            &[("name", ""), ("email", "x"), ("password", "short")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("use at least 8 characters") && html.contains("enter your name"));
}

async fn cancelling_an_order_restocks_and_refunds(db: Database) {
    use std::sync::Arc;
    use vitrine_domain::order::OrderAction;
    use vitrine_domain::shop::{Shop, ShopError};
    let app = spawn_app(db).await;
    let before = stock(&app, "stand-mixer", "STAND-MIXER").await;
    let mut shopper = app.shopper();
    add(&mut shopper, "STAND-MIXER", 3).await;
    let order: Value = shopper
        .checkout_json("to-cancel", checkout_body(PAYING_CARD))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stock(&app, "stand-mixer", "STAND-MIXER").await, before - 3);

    let stores = vitrine_server::store::connect(
        &app.database_url,
        None,
        "/assets",
        std::time::Duration::ZERO,
    )
    .await
    .unwrap();
    let shop = Shop {
        catalog: stores.catalog,
        customers: stores.customers,
        sessions: stores.sessions,
        throttle: stores.throttle,
        carts: stores.carts,
        orders: stores.orders,
        payments: Arc::new(vitrine_domain::payment::TestPaymentProvider),
        passwords: Arc::new(vitrine_server::passwords::Argon2Passwords),
        pricing: vitrine_domain::pricing::PricingRules::STANDARD,
        clock: || 1_795_253_400,
    };
    let id = order["id"].as_i64().unwrap();
    let fulfilled = shop
        .change_order_status(id, OrderAction::Fulfil)
        .await
        .unwrap();
    assert_eq!(fulfilled.status.as_str(), "fulfilled");
    let refused = shop.change_order_status(id, OrderAction::Deliver).await;
    assert!(matches!(refused, Err(ShopError::Invalid(_))), "{refused:?}");
    let cancelled = shop
        .change_order_status(id, OrderAction::Cancel)
        .await
        .unwrap();
    assert_eq!(cancelled.status.as_str(), "cancelled");
    assert_eq!(
        stock(&app, "stand-mixer", "STAND-MIXER").await,
        before,
        "restocked"
    );
    let again = shop.change_order_status(id, OrderAction::Cancel).await;
    assert!(
        again.is_err(),
        "a cancelled order cannot be cancelled twice (no double restock)"
    );
    assert_eq!(stock(&app, "stand-mixer", "STAND-MIXER").await, before);
}
