//! The admin side: who may see it, what it shows, and the protections every
//! account has (cross-site form posts refused, sign-in locked after repeated
//! failures). Each test starts the real server on SQLite and on PostgreSQL.

mod common;

use common::{Database, Shopper, TestApp, signed_in_admin, spawn_app};

on_both_databases!(
    admin_pages_send_anonymous_visitors_to_sign_in_and_back,
    shoppers_get_a_friendly_403_from_every_admin_page_and_server_function,
    staff_see_the_dashboard_the_product_list_and_the_audit_log,
    sign_in_waits_after_repeated_failures,
    state_changing_requests_from_another_site_are_refused,
    admins_give_roles_and_invite_merchandisers,
);

const ADMIN_PAGES: [&str; 6] = [
    "/admin",
    "/admin/products",
    "/admin/products/toy-car/model",
    "/admin/orders",
    "/admin/staff",
    "/admin/audit",
];
/// The admin server functions, as the browser calls them (form-encoded POST).
const ADMIN_FUNCTIONS: [(&str, &[(&str, &str)]); 6] = [
    ("/api/admin/dashboard", &[]),
    ("/api/admin/model", &[("slug", "toy-car"), ("lod", "")]),
    (
        "/api/admin/products",
        &[
            ("q", ""),
            ("status", ""),
            ("category", ""),
            ("stock", ""),
            ("page", ""),
        ],
    ),
    (
        "/api/admin/audit",
        &[("entity", ""), ("actor", ""), ("page", "")],
    ),
    (
        "/api/admin/orders",
        &[
            ("status", ""),
            ("from", ""),
            ("to", ""),
            ("customer", ""),
            ("page", ""),
        ],
    ),
    ("/api/admin/staff", &[]),
];

async fn registered_shopper(app: &TestApp, email: &str) -> Shopper {
    let mut shopper = app.shopper();
    let response = shopper
        .post_json(
            "/api/v1/customers",
            serde_json::json!({"email": email, "name": "Sam", "password": "correct horse"}),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    shopper
}

async fn admin_pages_send_anonymous_visitors_to_sign_in_and_back(db: Database) {
    let app = spawn_app(db).await;
    let mut visitor = app.shopper();
    for page in ADMIN_PAGES {
        let response = visitor.get(page).await;
        assert_eq!(response.status(), 303, "{page}");
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(location, format!("/account/login?next={page}"));
    }
    let response = visitor.get("/admin/products?q=chair").await;
    assert_eq!(
        response.headers()["location"],
        "/account/login?next=/admin/products%3Fq%3Dchair"
    );
    // The login page carries the way back, and signing in follows it.
    let login = visitor
        .get("/account/login?next=/admin")
        .await
        .text()
        .await
        .unwrap();
    assert!(login.contains(r#"name="next" value="/admin""#), "{login}");
    for (function, args) in ADMIN_FUNCTIONS {
        let response = visitor.post_form(function, args).await;
        assert_eq!(response.status(), 401, "{function}");
    }

    let admin = signed_in_admin(&app, "boss@example.com").await;
    drop(admin);
    let mut returning = app.shopper();
    let response = returning
        .post_form(
            "/account/login",
            &[
                ("email", "boss@example.com"),
                ("password", common::ADMIN_PASSWORD),
                ("next", "/admin/products"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/admin/products");
    // Never to another site.
    let mut again = app.shopper();
    let response = again
        .post_form(
            "/account/login",
            &[
                ("email", "boss@example.com"),
                ("password", common::ADMIN_PASSWORD),
                ("next", "//evil.example/steal"),
            ],
        )
        .await;
    assert_eq!(response.headers()["location"], "/account");
}

async fn shoppers_get_a_friendly_403_from_every_admin_page_and_server_function(db: Database) {
    let app = spawn_app(db).await;
    let mut shopper = registered_shopper(&app, "sam@example.com").await;
    for page in ADMIN_PAGES {
        let response = shopper.get(page).await;
        assert_eq!(response.status(), 403, "{page}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("This page is for the store"),
            "{page}: {html}"
        );
        assert!(!html.contains("admin-nav"), "{page} leaks the admin frame");
    }
    for (function, args) in ADMIN_FUNCTIONS {
        let response = shopper.post_form(function, args).await;
        assert_eq!(response.status(), 403, "{function}");
    }
    // The header offers shoppers no admin link.
    let home = shopper.get("/").await.text().await.unwrap();
    assert!(!home.contains(r#"data-testid="admin-link""#));
}

async fn staff_see_the_dashboard_the_product_list_and_the_audit_log(db: Database) {
    let app = spawn_app(db).await;
    let mut admin = signed_in_admin(&app, "boss@example.com").await;

    let response = admin.get("/admin").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let dashboard = response.text().await.unwrap();
    assert!(
        dashboard.contains("Dashboard") && dashboard.contains("Test Admin (admin)"),
        "{dashboard}"
    );
    assert!(dashboard.contains(r#"data-testid="orders-today""#));
    let home = admin.get("/").await.text().await.unwrap();
    assert!(home.contains(r#"data-testid="admin-link""#));

    // Every seeded product is listed; search, filters and paging narrow it.
    let all = admin.get("/admin/products").await.text().await.unwrap();
    let seeded = common::seed_catalog().products.len();
    assert!(all.contains(&format!("{seeded} products")), "{all}");
    assert_eq!(
        all.matches(r#"data-testid="admin-product-row""#).count(),
        seeded
    );
    let chairs = admin
        .get("/admin/products?q=chair")
        .await
        .text()
        .await
        .unwrap();
    let rows = chairs.matches(r#"data-testid="admin-product-row""#).count();
    assert!(rows >= 1 && rows < seeded, "{rows} rows for 'chair'");
    assert!(chairs.contains("Sheen Chair"));
    let sku = admin
        .get("/admin/products?q=toy-car")
        .await
        .text()
        .await
        .unwrap();
    assert!(sku.contains("Toy Car"));
    let drafts = admin
        .get("/admin/products?status=draft")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        drafts.contains(r#"data-testid="no-products""#),
        "seeded products are published"
    );
    let wildcard = admin
        .get("/admin/products?q=%25")
        .await
        .text()
        .await
        .unwrap();
    assert!(wildcard.contains("0 products"), "a % is taken literally");
    let page_two = admin
        .get("/admin/products?page=2")
        .await
        .text()
        .await
        .unwrap();
    assert!(page_two.contains("Page 2 of 1") || page_two.contains(r#"data-testid="no-products""#));

    // An upload is an admin action: it is in the audit log.
    let empty = admin.get("/admin/audit").await.text().await.unwrap();
    assert!(empty.contains(r#"data-testid="audit-empty""#), "{empty}");
    let model = std::fs::read(
        common::workspace_root().join("pipeline/tests/fixtures/models/BoxVertexColors.glb"),
    )
    .unwrap();
    let response = admin
        .put_file("/api/v1/admin/products/toy-car/model", "model", model)
        .await;
    assert_eq!(response.status(), 201);
    let log = admin.get("/admin/audit").await.text().await.unwrap();
    assert_eq!(
        log.matches(r#"data-testid="audit-row""#).count(),
        1,
        "{log}"
    );
    assert!(log.contains("model.upload") && log.contains("product toy-car"));
    assert!(log.contains("boss@example.com"));
    let filtered = admin
        .get("/admin/audit?entity=order")
        .await
        .text()
        .await
        .unwrap();
    assert!(filtered.contains(r#"data-testid="audit-empty""#));
}

async fn sign_in_waits_after_repeated_failures(db: Database) {
    let app = spawn_app(db).await;
    registered_shopper(&app, "ann@example.com").await;
    let mut guesser = app.shopper();
    for attempt in 1..=5 {
        let response = guesser
            .post_json(
                "/api/v1/session",
                serde_json::json!({"email": "Ann@Example.com", "password": format!("guess {attempt}")}),
            )
            .await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    // Now even the right password waits: the count is per account, in the database.
    let response = guesser
        .post_json(
            "/api/v1/session",
            serde_json::json!({"email": "ann@example.com", "password": "correct horse"}),
        )
        .await;
    assert_eq!(response.status(), 429);
    let body: serde_json::Value = response.json().await.unwrap();
    let message = body["error"].as_str().unwrap();
    assert!(message.contains("try again in 15 minutes"), "{message}");
    // The form says so too, with Retry-After.
    let response = guesser
        .post_form(
            "/account/login",
            &[("email", "ann@example.com"), ("password", "correct horse")],
        )
        .await;
    assert_eq!(response.status(), 429);
    let retry: i64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Too many failed sign-ins")
    );
    // Other accounts are not affected.
    registered_shopper(&app, "bob@example.com").await;
    let response = app
        .shopper()
        .post_json(
            "/api/v1/session",
            serde_json::json!({"email": "bob@example.com", "password": "correct horse"}),
        )
        .await;
    assert_eq!(response.status(), 200);
}

async fn state_changing_requests_from_another_site_are_refused(db: Database) {
    let app = spawn_app(db).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |path: &str| client.post(format!("{}{path}", app.address));
    // A form on another site posting to the cart, as a browser sends it.
    let response = post("/p/toy-car")
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[("sku", "TOY-CAR"), ("quantity", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("came from another site")
    );
    // An API call from another site's script gets the message as JSON.
    let response = post("/api/v1/cart/items")
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({"sku": "TOY-CAR", "quantity": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("another site"));
    // The same form from our own page goes through.
    let host = app.address.trim_start_matches("http://").to_string();
    let response = post("/p/toy-car")
        .header("origin", format!("http://{host}"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("sku", "TOY-CAR"), ("quantity", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    // Reading from anywhere is fine.
    let response = client
        .get(format!("{}/p/toy-car", app.address))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn admins_give_roles_and_invite_merchandisers(db: Database) {
    let app = spawn_app(db).await;
    let mut admin = signed_in_admin(&app, "boss@example.com").await;
    registered_shopper(&app, "mia@example.com").await;

    // An existing account becomes a merchandiser and can open the admin side,
    // but not the staff page.
    let response = admin
        .post_form(
            "/admin/staff",
            &[("email", "Mia@Example.com"), ("role", "merchandiser")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/admin/staff?saved=role");
    let mut mia = app.shopper();
    let response = mia
        .post_json(
            "/api/v1/session",
            serde_json::json!({"email": "mia@example.com", "password": "correct horse"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(mia.get("/admin/products").await.status(), 200);
    assert_eq!(mia.get("/admin/staff").await.status(), 403);
    let response = mia
        .post_form(
            "/admin/staff",
            &[("email", "mia@example.com"), ("role", "admin")],
        )
        .await;
    assert_eq!(
        response.status(),
        403,
        "merchandisers cannot promote themselves"
    );

    // An email with no account is invited; registering with it gives the role.
    let response = admin
        .post_form(
            "/admin/staff",
            &[("email", "new@example.com"), ("role", "merchandiser")],
        )
        .await;
    assert_eq!(response.headers()["location"], "/admin/staff?saved=invited");
    let staff = admin.get("/admin/staff").await.text().await.unwrap();
    assert_eq!(staff.matches(r#"data-testid="invitation-row""#).count(), 1);
    let mut newcomer = registered_shopper(&app, "new@example.com").await;
    assert_eq!(newcomer.get("/admin").await.status(), 200);
    let staff = admin.get("/admin/staff").await.text().await.unwrap();
    assert_eq!(staff.matches(r#"data-testid="invitation-row""#).count(), 0);
    assert_eq!(staff.matches(r#"data-testid="staff-row""#).count(), 3);

    // Bad input: nobody changes their own role; a customer role needs an account.
    let response = admin
        .post_form(
            "/admin/staff",
            &[("email", "boss@example.com"), ("role", "customer")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("you cannot change your own role")
    );
    let response = admin
        .post_form(
            "/admin/staff",
            &[("email", "ghost@example.com"), ("role", "customer")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let response = admin
        .post_form(
            "/admin/staff",
            &[("email", "not an email"), ("role", "owner")],
        )
        .await;
    assert_eq!(response.status(), 422);

    // Taking the role away closes the admin side again.
    let response = admin
        .post_form(
            "/admin/staff",
            &[("email", "mia@example.com"), ("role", "customer")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(mia.get("/admin/products").await.status(), 403);
    let log = admin
        .get("/admin/audit?entity=account")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        log.matches(r#"data-testid="audit-row""#).count(),
        3,
        "{log}"
    );
    assert!(log.contains("role.invite") && log.contains("role.assign"));
}
