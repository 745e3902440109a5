//! The JSON API over HTTP, on SQLite and on PostgreSQL.

mod common;

use common::{Database, seed_catalog, spawn_app};
use serde_json::Value;

on_both_databases!(
    lists_every_product_with_its_lowest_price,
    shows_a_product_with_its_variants,
    unknown_things_are_json_404s,
    lists_categories_and_their_products,
    searches_and_explains_bad_queries,
    describes_itself_with_openapi,
);

async fn json(app: &common::TestApp, path: &str, status: u16) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), status, "{path}");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{path}"
    );
    response.json().await.unwrap()
}

async fn lists_every_product_with_its_lowest_price(db: Database) {
    let app = spawn_app(db).await;
    let body = json(&app, "/api/v1/products", 200).await;
    let products = body["products"].as_array().unwrap();
    let expected: Vec<String> = seed_catalog()
        .products
        .into_iter()
        .map(|p| p.slug)
        .collect();
    let slugs: Vec<&str> = products
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, expected, "newest first = the seed file's order");
    let sofa = products
        .iter()
        .find(|p| p["slug"] == "glam-velvet-sofa")
        .unwrap();
    assert_eq!(sofa["price_from"]["amount_minor"], 124_900);
    assert_eq!(sofa["price_from"]["currency"], "USD");
    assert_eq!(sofa["has_model"], true);
}

async fn shows_a_product_with_its_variants(db: Database) {
    let app = spawn_app(db).await;
    let chair = json(&app, "/api/v1/products/sheen-chair", 200).await;
    assert_eq!(chair["title"], "Sheen Chair");
    assert_eq!(chair["category"]["slug"], "furniture");
    let variants = chair["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[1]["sku"], "SHEEN-CHAIR-PEACOCK");
    assert_eq!(variants[1]["material_variant"], "Peacock Velvet");
    assert_eq!(variants[1]["options"][0][1], "Peacock velvet");
    assert!(chair["model_url"].as_str().unwrap().starts_with("/assets/"));
}

async fn unknown_things_are_json_404s(db: Database) {
    let app = spawn_app(db).await;
    for path in [
        "/api/v1/products/no-such-product",
        "/api/v1/products/Not%20A%20Slug",
        "/api/v1/categories/nope",
        "/api/v1/nowhere",
    ] {
        let body = json(&app, path, 404).await;
        assert!(
            body["error"].as_str().unwrap().starts_with("no "),
            "{path}: {body}"
        );
    }
}

async fn lists_categories_and_their_products(db: Database) {
    let app = spawn_app(db).await;
    let body = json(&app, "/api/v1/categories", 200).await;
    let names: Vec<&str> = body["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Footwear",
            "Furniture",
            "Home decor",
            "Kitchen",
            "Outdoor",
            "Toys"
        ]
    );
    let body = json(&app, "/api/v1/categories/footwear", 200).await;
    assert_eq!(body["category"]["name"], "Footwear");
    assert_eq!(body["products"][0]["slug"], "everyday-sneaker");
}

async fn searches_and_explains_bad_queries(db: Database) {
    let app = spawn_app(db).await;
    let body = json(&app, "/api/v1/search?q=navy", 200).await;
    assert_eq!(body["products"][0]["slug"], "glam-velvet-sofa");
    assert_eq!(body["products"].as_array().unwrap().len(), 1);
    let body = json(&app, "/api/v1/search?q=%20", 400).await;
    assert_eq!(body["error"], "type what you are looking for");
    let body = json(&app, "/api/v1/search", 400).await;
    assert!(body["error"].as_str().unwrap().contains("?q="));
}

async fn describes_itself_with_openapi(db: Database) {
    let app = spawn_app(db).await;
    let doc = json(&app, "/api/v1/openapi.json", 200).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/products",
        "/api/v1/products/{slug}",
        "/api/v1/categories",
        "/api/v1/categories/{slug}",
        "/api/v1/search",
    ] {
        assert!(paths.contains_key(path), "{path} documented");
    }
    // The shared domain types are the documented schemas.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for schema in ["ProductDetail", "Variant", "Money", "Currency", "ErrorBody"] {
        assert!(schemas.contains_key(schema), "{schema} in components");
    }
}
