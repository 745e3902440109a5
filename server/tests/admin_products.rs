//! Merchandisers create and edit products, variants and stock through the
//! admin forms; bad input comes back at its field with nothing saved, and
//! every change is in the audit log. On SQLite and PostgreSQL.

mod common;

use common::{Database, Shopper, TestApp, signed_in_admin, spawn_app};

on_both_databases!(
    a_merchandiser_creates_a_product_with_two_variants_and_publishes_it,
    bad_product_forms_say_what_is_wrong_and_save_nothing,
    stock_moves_with_a_reason_and_never_below_zero,
    only_staff_may_post_admin_forms,
);

async fn stock(app: &TestApp, slug: &str, sku: &str) -> i64 {
    let product: serde_json::Value = app
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

async fn audit_actions(admin: &mut Shopper) -> Vec<String> {
    let log = admin.get("/admin/audit").await.text().await.unwrap();
    log.match_indices("<code>")
        .map(|(i, _)| {
            let rest = &log[i + 6..];
            rest[..rest.find('<').unwrap()].to_string()
        })
        .collect()
}

const LAMP: [(&str, &str); 9] = [
    ("title", "Arc Floor Lamp"),
    ("slug", ""),
    ("description", "A brass arc over the sofa."),
    ("category", ""),
    ("sku", "ARC-LAMP-BRASS"),
    ("name", "Brass"),
    ("options", "Finish: Brass"),
    ("price", "249.00"),
    ("currency", "USD"),
];

async fn a_merchandiser_creates_a_product_with_two_variants_and_publishes_it(db: Database) {
    let app = spawn_app(db).await;
    let mut admin = signed_in_admin(&app, "boss@example.com").await;
    let mut form = LAMP.to_vec();
    form.push(("stock", "5"));
    let response = admin.post_form("/admin/products/new", &form).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    assert_eq!(
        response.headers()["location"],
        "/admin/products/arc-floor-lamp?saved=created"
    );
    // A draft: the editor shows it, shoppers do not see it.
    let editor = admin
        .get("/admin/products/arc-floor-lamp?saved=created")
        .await;
    assert_eq!(editor.status(), 200);
    let editor = editor.text().await.unwrap();
    assert!(editor.contains("Product created.") && editor.contains("ARC-LAMP-BRASS"));
    assert_eq!(
        app.get("/api/v1/products/arc-floor-lamp").await.status(),
        404
    );

    let response = admin
        .post_form(
            "/admin/products/arc-floor-lamp/variants",
            &[
                ("sku", "arc-lamp-black"),
                ("name", "Black"),
                ("options", "Finish: Black"),
                ("price", "229"),
                ("currency", "USD"),
                ("material_variant", ""),
                ("stock", "3"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = admin
        .post_form(
            "/admin/products/arc-floor-lamp",
            &[
                ("title", "Arc Floor Lamp"),
                ("slug", "arc-floor-lamp"),
                ("description", "A brass arc over the sofa."),
                ("category", "furniture"),
                ("published", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());

    let product: serde_json::Value = app
        .get("/api/v1/products/arc-floor-lamp")
        .await
        .json()
        .await
        .unwrap();
    let variants = product["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[0]["sku"], "ARC-LAMP-BRASS");
    assert_eq!(variants[1]["sku"], "ARC-LAMP-BLACK");
    assert_eq!(variants[1]["price"]["amount_minor"], 22_900);
    assert_eq!(product["category"]["slug"], "furniture");
    let page = app.get("/p/arc-floor-lamp").await.text().await.unwrap();
    assert!(page.contains("Arc Floor Lamp") && page.contains("Black"));

    // A variant's price changes; its SKU does not.
    let response = admin
        .post_form(
            "/admin/variants/ARC-LAMP-BLACK",
            &[
                ("product", "arc-floor-lamp"),
                ("sku", "SOMETHING-ELSE"),
                ("name", "Matte black"),
                ("options", "Finish: Matte black"),
                ("price", "199.50"),
                ("currency", "USD"),
                ("material_variant", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/admin/products/arc-floor-lamp?saved=variant"
    );
    let product: serde_json::Value = app
        .get("/api/v1/products/arc-floor-lamp")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(product["variants"][1]["name"], "Matte black");
    assert_eq!(product["variants"][1]["sku"], "ARC-LAMP-BLACK");
    assert_eq!(product["variants"][1]["price"]["amount_minor"], 19_950);

    let actions = audit_actions(&mut admin).await;
    assert_eq!(
        actions,
        [
            "variant.update",
            "product.update",
            "variant.add",
            "product.create"
        ]
    );
}

async fn bad_product_forms_say_what_is_wrong_and_save_nothing(db: Database) {
    let app = spawn_app(db).await;
    let mut admin = signed_in_admin(&app, "boss@example.com").await;
    // A taken slug, a bad price and negative stock, all at once.
    let mut form = LAMP.to_vec();
    form.retain(|(k, _)| *k != "slug" && *k != "price");
    form.extend([("slug", "toy-car"), ("price", "12.345"), ("stock", "-2")]);
    let response = admin.post_form("/admin/products/new", &form).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("at most two decimals"), "{page}");
    assert!(page.contains("stock cannot be negative"), "{page}");
    assert!(
        page.contains(r#"value="Arc Floor Lamp""#),
        "the typed values come back"
    );
    // Fixed price and stock, the slug is still taken: the database says so.
    let mut form = LAMP.to_vec();
    form.retain(|(k, _)| *k != "slug");
    form.extend([("slug", "toy-car"), ("stock", "2")]);
    let response = admin.post_form("/admin/products/new", &form).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("another product already has the address /p/toy-car"),
        "{page}"
    );
    // A SKU another product uses.
    let mut form = LAMP.to_vec();
    form.retain(|(k, _)| *k != "sku");
    form.extend([("sku", "TOY-CAR"), ("stock", "2")]);
    let response = admin.post_form("/admin/products/new", &form).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("the SKU TOY-CAR is already used")
    );
    // Nothing of the three attempts was saved, not even the product row.
    assert_eq!(
        admin.get("/admin/products/arc-floor-lamp").await.status(),
        404
    );
    let list = admin
        .get("/admin/products?q=arc")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("0 products"));
    assert!(audit_actions(&mut admin).await.is_empty());

    // Editing: an unknown category is refused at its field.
    let response = admin
        .post_form(
            "/admin/products/toy-car",
            &[
                ("title", "Toy Car"),
                ("slug", "toy-car"),
                ("category", "no-such-thing"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("there is no category no-such-thing")
    );
    assert!(
        app.get("/api/v1/products/toy-car")
            .await
            .status()
            .is_success(),
        "still published"
    );
}

async fn stock_moves_with_a_reason_and_never_below_zero(db: Database) {
    let app = spawn_app(db).await;
    let mut admin = signed_in_admin(&app, "boss@example.com").await;
    let before = stock(&app, "toy-car", "TOY-CAR").await;
    let path = "/admin/variants/TOY-CAR/stock";
    let response = admin
        .post_form(
            path,
            &[
                ("product", "toy-car"),
                ("change", &format!("-{}", before + 1)),
                ("reason", "damaged"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains(&format!("only {before} in stock")), "{page}");
    let response = admin
        .post_form(path, &[("product", "toy-car"), ("change", "12")])
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("choose why the stock changes")
    );
    assert_eq!(stock(&app, "toy-car", "TOY-CAR").await, before);

    let response = admin
        .post_form(
            path,
            &[
                ("product", "toy-car"),
                ("change", "+12"),
                ("reason", "received"),
                ("note", "PO 1041"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/admin/products/toy-car?saved=stock"
    );
    assert_eq!(stock(&app, "toy-car", "TOY-CAR").await, before + 12);
    let editor = admin
        .get("/admin/products/toy-car")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(editor.matches(r#"data-testid="stock-log-row""#).count(), 1);
    assert!(editor.contains("Delivery received: PO 1041") && editor.contains("+12"));
    assert_eq!(audit_actions(&mut admin).await, ["stock.adjust"]);
}

async fn only_staff_may_post_admin_forms(db: Database) {
    let app = spawn_app(db).await;
    let mut shopper = app.shopper();
    let response = shopper
        .post_json(
            "/api/v1/customers",
            serde_json::json!({"email": "sam@example.com", "name": "Sam", "password": "correct horse"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let before = stock(&app, "toy-car", "TOY-CAR").await;
    for (path, form) in [
        ("/admin/products/new", LAMP.to_vec()),
        ("/admin/products/toy-car", vec![("title", "Hacked")]),
        ("/admin/products/toy-car/variants", LAMP.to_vec()),
        (
            "/admin/variants/TOY-CAR",
            vec![("name", "Hacked"), ("price", "0"), ("currency", "USD")],
        ),
        (
            "/admin/variants/TOY-CAR/stock",
            vec![("change", "-1"), ("reason", "damaged")],
        ),
        (
            "/admin/products/toy-car/model/remove",
            vec![("confirm", "yes")],
        ),
        ("/admin/products/toy-car/poster/rendered", vec![]),
        (
            "/admin/products/toy-car/images/1",
            vec![("action", "remove")],
        ),
    ] {
        let response = shopper.post_form(path, &form).await;
        assert_eq!(response.status(), 403, "{path}");
        let response = app.shopper().post_form(path, &form).await;
        assert_eq!(
            response.status(),
            303,
            "{path}: anonymous visitors are sent to sign in"
        );
        assert!(
            response.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/account/login")
        );
    }
    // The forms that carry files.
    for (path, field) in [
        ("/admin/products/toy-car/model", "model"),
        ("/admin/products/toy-car/poster", "poster"),
        ("/admin/products/toy-car/images", "photo"),
    ] {
        let file = b"anything".to_vec();
        let response = shopper
            .post_file(path, field, "x.bin", file.clone(), &[])
            .await;
        assert_eq!(response.status(), 403, "{path}");
        let response = app
            .shopper()
            .post_file(path, field, "x.bin", file, &[])
            .await;
        assert_eq!(
            response.status(),
            303,
            "{path}: anonymous visitors are sent to sign in"
        );
    }
    assert_eq!(stock(&app, "toy-car", "TOY-CAR").await, before);
    let product: serde_json::Value = app
        .get("/api/v1/products/toy-car")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(product["title"], "Toy Car");
}
