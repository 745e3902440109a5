//! The real server, over HTTP, on SQLite and on PostgreSQL: health,
//! readiness, server-rendered pages, 404s, assets.

mod common;

use common::{Database, seed_catalog, spawn_app, spawn_app_with_seed};

on_both_databases!(
    healthz_says_ok,
    readyz_is_ready_when_the_database_answers,
    home_page_is_server_rendered_with_every_product,
    product_page_renders_the_product_and_its_viewer_canvas,
    unknown_products_and_pages_are_404_pages,
    the_variant_in_the_url_sets_price_and_stock,
    product_pages_carry_structured_data_with_an_offer_per_variant,
    search_finds_titles_descriptions_variant_names_and_prefixes,
    bad_searches_are_400s_with_the_reason_and_inert_markup,
    category_pages_list_their_products,
    pages_name_one_canonical_url,
    model_assets_are_served_immutable_and_cross_origin,
    anonymous_catalog_pages_are_reused_for_a_moment,
    product_photos_show_on_cards_pages_and_structured_data,
);

async fn healthz_says_ok(db: Database) {
    let app = spawn_app(db).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

async fn readyz_is_ready_when_the_database_answers(db: Database) {
    let app = spawn_app(db).await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn readyz_turns_unavailable_when_the_database_goes_away() {
    let Some(db) = Database::postgres().await else {
        return;
    };
    let app = spawn_app(db).await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.lose_database();
    let started = std::time::Instant::now();
    assert_eq!(app.get("/readyz").await.status(), 503);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "readyz answers promptly"
    );
    // The process itself is still up.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

async fn home_page_is_server_rendered_with_every_product(db: Database) {
    let app = spawn_app(db).await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(
        html.contains("<title>Shop in 3D · Vitrine</title>"),
        "{html}"
    );
    for product in seed_catalog().products {
        assert!(html.contains(&product.title), "missing {}", product.title);
        assert!(html.contains(&format!("href=\"/p/{}\"", product.slug)));
    }
    // The page hydrates, but catalog pages never reference the viewer module.
    assert!(html.contains("/pkg/vitrine."));
    assert!(!html.contains("/pkg/viewer."));
}

async fn product_page_renders_the_product_and_its_viewer_canvas(db: Database) {
    let app = spawn_app(db).await;
    let html = app.get("/p/sheen-chair").await.text().await.unwrap();
    assert!(html.contains("<title>Sheen Chair · Vitrine</title>"));
    assert!(html.contains("$349.00"));
    assert!(html.contains("id=\"vitrine-viewer\""));
    assert!(
        html.contains("/assets/"),
        "the viewer config names the model URL"
    );
    assert!(html.contains("CC0 1.0"), "the model's credit is shown");
}

async fn unknown_products_and_pages_are_404_pages(db: Database) {
    let app = spawn_app(db).await;
    for path in ["/p/no-such-product", "/p/NOT_A_SLUG", "/nowhere"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("We couldn't find that page")
        );
    }
}

async fn model_assets_are_served_immutable_and_cross_origin(db: Database) {
    let app = spawn_app(db).await;
    let key = std::fs::read_dir(app.data_dir.path().join("assets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|name| name.ends_with(".glb"))
        .expect("seeding stored the models");
    let response = app.get(&format!("/assets/{key}")).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert_eq!(headers["content-type"], "model/gltf-binary");
    let etag = headers["etag"].to_str().unwrap().to_string();
    assert_eq!(etag, format!("\"{}\"", key.trim_end_matches(".glb")));
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..4], b"glTF");
    assert_eq!(app.get("/assets/missing.glb").await.status(), 404);

    // Streaming viewers read ranges; caches revalidate by ETag.
    let url = format!("{}/assets/{key}", app.address);
    let range = app
        .client
        .get(&url)
        .header("range", "bytes=0-11")
        .send()
        .await
        .unwrap();
    assert_eq!(range.status(), 206);
    assert_eq!(range.bytes().await.unwrap().len(), 12);
    let again = app
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
}

async fn the_variant_in_the_url_sets_price_and_stock(db: Database) {
    let app = spawn_app(db).await;
    // Without a variant, the first one in stock is shown.
    let html = app.get("/p/glam-velvet-sofa").await.text().await.unwrap();
    assert!(html.contains("$1,299.00") && html.contains("In stock"));
    let html = app
        .get("/p/glam-velvet-sofa?variant=GLAM-SOFA-GRAY")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("$1,249.00"), "the grey sofa's price");
    assert!(html.contains("Only 3 left"));
    let html = app
        .get("/p/glam-velvet-sofa?variant=glam-sofa-black")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Out of stock"),
        "SKUs match case-insensitively"
    );
    // An unknown variant falls back to the default rather than failing.
    let response = app.get("/p/glam-velvet-sofa?variant=NOPE").await;
    assert_eq!(response.status(), 200);
}

async fn product_pages_carry_structured_data_with_an_offer_per_variant(db: Database) {
    let app = spawn_app(db).await;
    let html = app.get("/p/glam-velvet-sofa").await.text().await.unwrap();
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("JSON-LD present");
    let json = &html[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    let data: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(data["@type"], "Product");
    assert_eq!(data["name"], "Glam Velvet Sofa");
    let offers = data["offers"].as_array().unwrap();
    assert_eq!(offers.len(), 5);
    assert_eq!(offers[0]["price"], "1299.00");
    assert_eq!(offers[0]["priceCurrency"], "USD");
    assert_eq!(offers[3]["availability"], "https://schema.org/OutOfStock");
}

/// The product titles on a listing page, in order.
fn card_titles(html: &str) -> Vec<String> {
    html.split(r#"data-testid="product-card""#)
        .skip(1)
        .filter_map(|card| {
            let start = card.find("<h2>")? + 4;
            Some(card[start..start + card[start..].find("</h2>")?].to_string())
        })
        .collect()
}

async fn search_finds_titles_descriptions_variant_names_and_prefixes(db: Database) {
    let app = spawn_app(db).await;
    let search = |q: &'static str| {
        let app = &app;
        async move {
            let response = app.get(&format!("/search?q={q}")).await;
            assert_eq!(response.status(), 200, "{q}");
            card_titles(&response.text().await.unwrap())
        }
    };
    // A title word, ranked first where it is in the title.
    let velvet = search("velvet").await;
    assert_eq!(velvet.first().map(String::as_str), Some("Glam Velvet Sofa"));
    assert!(
        velvet.contains(&"Sheen Chair".to_string()),
        "variant names count: {velvet:?}"
    );
    // A variant name only.
    assert_eq!(search("navy").await, ["Glam Velvet Sofa"]);
    // Case, several words (all must match), and a description word by its prefix.
    assert_eq!(search("SOFA").await, ["Glam Velvet Sofa"]);
    assert_eq!(search("velvet+chair").await, ["Sheen Chair"]);
    assert_eq!(search("mering").await, ["Stand Mixer"]);
    assert!(search("zeppelin").await.is_empty());
    let html = app.get("/search?q=zeppelin").await.text().await.unwrap();
    assert!(html.contains("Nothing matches"));
}

async fn bad_searches_are_400s_with_the_reason_and_inert_markup(db: Database) {
    let app = spawn_app(db).await;
    let response = app.get("/search?q=%3F%21").await;
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("type what you are looking for")
    );
    let long = "a".repeat(101);
    let response = app.get(&format!("/search?q={long}")).await;
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("at most 100 characters")
    );
    // Markup in the query is shown as text, never executed.
    let response = app
        .get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(!html.contains("<script>alert(1)"), "query echoed raw");
    assert!(html.contains("&lt;script&gt;alert(1)"));
    // No query: just the form.
    assert_eq!(app.get("/search").await.status(), 200);
}

async fn category_pages_list_their_products(db: Database) {
    let app = spawn_app(db).await;
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains(r#"href="/c/furniture""#));
    let response = app.get("/c/furniture").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<title>Furniture · Vitrine</title>"));
    let mut titles = card_titles(&html);
    titles.sort();
    assert_eq!(titles, ["Glam Velvet Sofa", "Sheen Chair", "Wicker Chair"]);
    assert_eq!(app.get("/c/no-such-category").await.status(), 404);
    assert_eq!(app.get("/c/Bad_Slug").await.status(), 404);
}

async fn pages_name_one_canonical_url(db: Database) {
    let app = spawn_app(db).await;
    // The href of the <link> whose rel is canonical, whatever the attribute order.
    let canonical = |html: &str| {
        html.split("<link").skip(1).find_map(|tag| {
            let tag = &tag[..tag.find('>')?];
            if !tag.contains(r#"rel="canonical""#) {
                return None;
            }
            let start = tag.find(r#"href=""#)? + 6;
            Some(tag[start..start + tag[start..].find('"')?].to_string())
        })
    };
    let home = app.get("/").await.text().await.unwrap();
    assert_eq!(canonical(&home), Some(format!("{}/", app.address)));
    // Every variant of a product shares the product's canonical URL.
    let variant = app
        .get("/p/glam-velvet-sofa?variant=GLAM-SOFA-GRAY")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        canonical(&variant),
        Some(format!("{}/p/glam-velvet-sofa", app.address))
    );
    let category = app.get("/c/furniture").await.text().await.unwrap();
    assert_eq!(
        canonical(&category),
        Some(format!("{}/c/furniture", app.address))
    );
    let search = app.get("/search?q=chair").await.text().await.unwrap();
    assert!(search.contains(r#"<meta name="robots" content="noindex">"#));
}

async fn anonymous_catalog_pages_are_reused_for_a_moment(db: Database) {
    let app = spawn_app(db).await;
    let cache = |r: &reqwest::Response| {
        r.headers()
            .get("x-vitrine-cache")
            .map(|v| v.to_str().unwrap().to_string())
    };
    let first = app.get("/p/toy-car").await;
    assert_eq!(cache(&first).as_deref(), Some("miss"));
    let first = first.text().await.unwrap();
    let second = app.get("/p/toy-car").await;
    assert_eq!(cache(&second).as_deref(), Some("hit"));
    assert_eq!(second.text().await.unwrap(), first, "the same page");
    // Visitors with a session always get a fresh render (their header is theirs).
    let with_session = app
        .client
        .get(format!("{}/p/toy-car", app.address))
        .header("cookie", "vitrine_session=whatever")
        .send()
        .await
        .unwrap();
    assert_eq!(cache(&with_session), None);
    // Never the shopper's own pages.
    assert_eq!(cache(&app.get("/cart").await), None);
    // After the moment passes, the page is rendered again.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(cache(&app.get("/p/toy-car").await).as_deref(), Some("miss"));
}

async fn product_photos_show_on_cards_pages_and_structured_data(db: Database) {
    // The demo catalog has no photos: seed one product that has two.
    let seed = tempfile::tempdir().unwrap();
    // A valid 1×1 PNG.
    let png: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
        0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    std::fs::write(seed.path().join("front.png"), png).unwrap();
    std::fs::write(seed.path().join("side.png"), [png, b"side"].concat()).unwrap();
    std::fs::write(
        seed.path().join("catalog.json"),
        serde_json::json!({
            "categories": [{"slug": "lamps", "name": "Lamps"}],
            "products": [{
                "slug": "desk-lamp", "title": "Desk Lamp", "description": "A lamp.",
                "category": "lamps",
                "images": [
                    {"file": "front.png", "alt": "The lamp from the front"},
                    {"file": "side.png", "alt": "The lamp <from> the side"}
                ],
                "variants": [{"sku": "LAMP-1", "name": "Brass", "price_minor": 4900,
                              "currency": "USD", "stock_on_hand": 3}]
            }]
        })
        .to_string(),
    )
    .unwrap();
    let app = spawn_app_with_seed(db, seed.path()).await;

    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains(r#"class="card-photo""#), "{home}");
    assert!(home.contains(r#"alt="The lamp from the front""#));

    let product: serde_json::Value = app
        .get("/api/v1/products/desk-lamp")
        .await
        .json()
        .await
        .unwrap();
    let images = product["images"].as_array().unwrap();
    assert_eq!(images.len(), 2);
    let url = images[0]["url"].as_str().unwrap();
    assert!(
        url.starts_with("/assets/") && url.ends_with(".png"),
        "{url}"
    );
    let photo = app.get(url).await;
    assert_eq!(photo.status(), 200);
    assert_eq!(photo.headers()["content-type"], "image/png");

    let page = app.get("/p/desk-lamp").await.text().await.unwrap();
    assert!(page.contains(r#"data-testid="product-photos""#));
    assert!(
        page.contains("The lamp &lt;from&gt; the side"),
        "alt text is escaped"
    );
    let absolute = format!("{}{url}", app.address);
    assert!(
        page.contains(&format!(
            r#"<meta property="og:image" content="{absolute}""#
        )),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#""image":["{absolute}""#)),
        "JSON-LD names the photos"
    );
}
