//! The in-memory catalog: hot reads are answered from memory; stock is
//! always fresh; an admin's edit shows at once on the task that made it and
//! within the revision check's interval on every other task sharing the
//! database, as does an edit made in SQL behind the server's back.

mod common;

use common::{Database, TestApp, eventually, signed_in_admin, spawn_app_with, workspace_root};
use serde_json::Value;
use std::time::Instant;

on_both_databases!(hot_reads_come_from_memory_with_fresh_stock_and_own_edits_at_once);

async fn toy_car(app: &TestApp) -> Value {
    let response = app.get("/api/v1/products/toy-car").await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn price(product: &Value) -> i64 {
    product["variants"][0]["price"]["amount_minor"]
        .as_i64()
        .unwrap()
}

async fn revision(app: &TestApp) -> i64 {
    app.number("SELECT revision FROM catalog_revision")
        .await
        .unwrap()
}

/// The merchandiser's variant form, changing the toy car's price.
async fn set_price(admin: &mut common::Shopper, price: &str) {
    let response = admin
        .post_form(
            "/admin/variants/TOY-CAR",
            &[
                ("product", "toy-car"),
                ("name", "Red"),
                ("options", ""),
                ("price", price),
                ("currency", "USD"),
                ("material_variant", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
}

async fn hot_reads_come_from_memory_with_fresh_stock_and_own_edits_at_once(db: Database) {
    // The revision is checked once a minute here: whatever changes in the
    // meantime shows only through what the cache itself does.
    let app = spawn_app_with(
        db,
        &workspace_root().join("seed"),
        &[("VITRINE_CATALOG_CACHE_MS", "60000".into())],
    )
    .await;
    let mut admin = signed_in_admin(&app, "merch@example.com").await;
    assert_eq!(price(&toy_car(&app).await), 3_900);
    let misses = app
        .metric("vitrine_catalog_cache_reads_total{result=\"miss\"}")
        .await;
    for _ in 0..3 {
        toy_car(&app).await;
    }
    assert!(
        app.metric("vitrine_catalog_cache_reads_total{result=\"hit\"}")
            .await
            >= 3.0
    );
    assert_eq!(
        app.metric("vitrine_catalog_cache_reads_total{result=\"miss\"}")
            .await,
        misses,
        "no more database reads for the product"
    );

    // Stock moves with orders and is never cached, nor does it move the revision.
    let before = revision(&app).await;
    app.execute("UPDATE variants SET stock_on_hand = 2 WHERE sku = 'TOY-CAR'")
        .await;
    assert_eq!(revision(&app).await, before);
    assert_eq!(toy_car(&app).await["variants"][0]["stock_on_hand"], 2);

    // A price changed in SQL moves the revision (triggers), which this
    // server reads only at its next check: until then the cached price shows.
    app.execute("UPDATE variants SET price_minor = 4100 WHERE sku = 'TOY-CAR'")
        .await;
    assert!(revision(&app).await > before);
    assert_eq!(price(&toy_car(&app).await), 3_900);

    // The merchandiser's own edit, through this server, shows at once.
    set_price(&mut admin, "45.00").await;
    assert_eq!(price(&toy_car(&app).await), 4_500);
    let page = app.get("/p/toy-car").await.text().await.unwrap();
    assert!(
        page.contains("$45.00"),
        "the product page shows the new price"
    );
    assert!(
        app.metric("vitrine_catalog_cache_invalidations_total")
            .await
            >= 1.0
    );
}

#[tokio::test]
async fn an_edit_through_one_task_reaches_another_within_its_check_interval() {
    let Some(db) = Database::postgres().await else {
        return;
    };
    let seed = workspace_root().join("seed");
    let interval = [("VITRINE_CATALOG_CACHE_MS", "300".to_string())];
    let first = spawn_app_with(db, &seed, &interval).await;
    // A second task on the same database (as behind the ALB).
    let mut shared = interval.to_vec();
    shared.push(("DATABASE_URL", first.database_url.clone()));
    let second = spawn_app_with(Database::Sqlite, &seed, &shared).await;
    assert_eq!(price(&toy_car(&first).await), 3_900);
    assert_eq!(price(&toy_car(&second).await), 3_900);

    // Signed in once; the session lives in the shared database.
    let mut admin = signed_in_admin(&first, "merch@example.com").await;
    admin.address = second.address.clone();
    set_price(&mut admin, "52.00").await;
    let edited = Instant::now();
    assert_eq!(price(&toy_car(&second).await), 5_200, "at once where made");
    eventually(5, "the edit reaching the other task", || async {
        price(&toy_car(&first).await) == 5_200
    })
    .await;
    println!(
        "an edit reached the other task after {} ms (check interval 300 ms)",
        edited.elapsed().as_millis()
    );
}

#[tokio::test]
async fn without_the_cache_every_read_goes_to_the_database() {
    let app = spawn_app_with(
        Database::Sqlite,
        &workspace_root().join("seed"),
        &[("VITRINE_CATALOG_CACHE_MS", "0".into())],
    )
    .await;
    app.execute("UPDATE variants SET price_minor = 4100 WHERE sku = 'TOY-CAR'")
        .await;
    assert_eq!(price(&toy_car(&app).await), 4_100);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(!metrics.contains("vitrine_catalog_cache_reads_total"));
}
