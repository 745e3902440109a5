//! The admin's 3D page and photos, against the real server: an upload
//! streams its stages as server-sent events, the page shows the levels and
//! pins the preview to one, posters and photos come and go with their audit
//! entries, refusals change nothing; and product views feed the dashboard.
//! On SQLite and PostgreSQL.

mod common;

use common::{Database, Shopper, TestApp, signed_in_admin, spawn_app, workspace_root};
use serde_json::Value;
use std::io::Cursor;
use vitrine_domain::model_desk::{EventStreamReader, ImportStage, UploadEvent};

on_both_databases!(
    an_upload_streams_its_stages_and_the_page_shows_the_levels,
    a_refused_streamed_upload_says_why_and_changes_nothing,
    a_draft_product_gets_a_model_through_the_plain_form,
    merchandisers_choose_the_poster_and_remove_the_model,
    merchandisers_add_describe_order_and_remove_photos,
    the_dashboard_lists_the_most_viewed_products,
);

const MODEL_PAGE: &str = "/admin/products/toy-car/model";
const UPLOAD: &str = "/api/v1/admin/products/toy-car/model";

fn model(name: &str) -> Vec<u8> {
    std::fs::read(workspace_root().join("pipeline/tests/fixtures").join(name)).unwrap()
}

/// A `width`×`height` PNG, red on the left half and transparent on the right.
fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbaImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            image::Rgba([200, 30, 30, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

async fn product(app: &TestApp, slug: &str) -> Value {
    app.get(&format!("/api/v1/products/{slug}"))
        .await
        .json()
        .await
        .unwrap()
}

async fn page(admin: &mut Shopper, path: &str) -> String {
    let response = admin.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

/// The upload's events, read as the page reads them.
async fn events(response: reqwest::Response) -> Vec<UploadEvent> {
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let body = response.text().await.unwrap();
    EventStreamReader::default()
        .read(&body)
        .into_iter()
        .map(|(name, data)| UploadEvent::parse(&name, &data).expect("an upload event"))
        .collect()
}

async fn audit_log(admin: &mut Shopper) -> String {
    page(admin, "/admin/audit").await
}

async fn an_upload_streams_its_stages_and_the_page_shows_the_levels(db: Database) {
    let app = spawn_app(db).await;
    let mut admin = signed_in_admin(&app, "admin@example.com").await;
    let before = page(&mut admin, MODEL_PAGE).await;
    assert!(!before.contains(r#"data-testid="level-table""#));

    let seen = events(
        admin
            .put_file_streaming(UPLOAD, "model", model("models/ClearCoatCarPaint.glb"))
            .await,
    )
    .await;
    let mut expected: Vec<UploadEvent> = ImportStage::ALL
        .into_iter()
        .map(UploadEvent::Stage)
        .collect();
    let Some(UploadEvent::Done { levels, bytes }) = seen.last().cloned() else {
        panic!("the stream ends with done: {seen:?}");
    };
    expected.push(UploadEvent::Done { levels, bytes });
    assert_eq!(seen, expected, "every stage, in order, then done");
    assert_eq!(levels, 4);

    // The product has the model now, and the page shows its four levels.
    let detail = product(&app, "toy-car").await;
    assert!(detail["model_manifest_url"].is_string());
    let html = page(&mut admin, MODEL_PAGE).await;
    assert_eq!(html.matches(r#"data-testid="level-row""#).count(), 4);
    for triangles in ["3072", "2000", "1000"] {
        assert!(
            html.contains(&format!(
                r#"data-testid="level-triangles" class="number">{triangles}<"#
            )),
            "{triangles} triangles in the table: {}",
            &html[html.find("level-triangles").unwrap_or(0)..][..80]
        );
    }
    assert!(html.contains("Level 3 (coarsest)"));
    let pinned_level = |html: &str| {
        let at = html.find("pinned_level").expect("the viewer's config");
        html[at..at + 40].to_string()
    };
    assert!(
        pinned_level(&html).contains(":null"),
        "automatic by default: {}",
        pinned_level(&html)
    );
    let pinned = page(&mut admin, &format!("{MODEL_PAGE}?lod=2")).await;
    assert!(
        pinned_level(&pinned).contains(":2,"),
        "?lod=2 pins the preview: {}",
        pinned_level(&pinned)
    );
    let nonsense = page(&mut admin, &format!("{MODEL_PAGE}?lod=9")).await;
    assert!(pinned_level(&nonsense).contains(":null"), "no level 9");

    // The upload is in the audit log.
    assert!(audit_log(&mut admin).await.contains("model.upload"));
}

async fn a_refused_streamed_upload_says_why_and_changes_nothing(db: Database) {
    let app = spawn_app(db).await;
    let mut admin = signed_in_admin(&app, "admin@example.com").await;
    let before = product(&app, "toy-car").await;
    let seen = events(
        admin
            .put_file_streaming(UPLOAD, "model", model("bad/truncated-half.glb"))
            .await,
    )
    .await;
    match seen.last() {
        Some(UploadEvent::Failed { status, message }) => {
            assert_eq!(*status, 422);
            assert!(message.contains("cut short"), "{message}");
        }
        other => panic!("the stream ends with failed: {other:?}"),
    }
    assert_eq!(
        seen.first(),
        Some(&UploadEvent::Stage(ImportStage::Received))
    );
    assert_eq!(product(&app, "toy-car").await, before, "nothing changed");
    assert!(!audit_log(&mut admin).await.contains("model.upload"));

    // A refusal before the file arrives is plain JSON, stream or not.
    let response = admin
        .put_file_streaming(
            "/api/v1/admin/products/no-such-thing/model",
            "model",
            model("models/BoxVertexColors.glb"),
        )
        .await;
    assert_eq!(response.status(), 404);
}

async fn a_draft_product_gets_a_model_through_the_plain_form(db: Database) {
    let app = spawn_app(db).await;
    let mut admin = signed_in_admin(&app, "admin@example.com").await;
    let created = admin
        .post_form(
            "/admin/products/new",
            &[
                ("title", "Paint Sample"),
                ("slug", ""),
                ("description", "A car paint sample."),
                ("category", ""),
                ("sku", "PAINT-1"),
                ("name", "Red"),
                ("options", ""),
                ("price", "5.00"),
                ("currency", "USD"),
                ("stock", "3"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);

    // No JavaScript: a multipart post, then a redirect to the page.
    let response = admin
        .post_file(
            "/admin/products/paint-sample/model",
            "model",
            "paint.glb",
            model("models/ClearCoatCarPaint.glb"),
            &[],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    assert_eq!(
        response.headers()["location"],
        "/admin/products/paint-sample/model?saved=model"
    );
    let html = page(&mut admin, "/admin/products/paint-sample/model?saved=model").await;
    assert!(html.contains("The new 3D model is in place."));
    assert_eq!(html.matches(r#"data-testid="level-row""#).count(), 4);

    // A bad file comes back at the form, with its reason.
    let refused = admin
        .post_file(
            "/admin/products/paint-sample/model",
            "model",
            "bad.glb",
            model("bad/not-a-glb.glb"),
            &[],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("not a GLB file"), "{html}");
    assert_eq!(
        html.matches(r#"data-testid="level-row""#).count(),
        4,
        "the old model stays"
    );
}

async fn merchandisers_choose_the_poster_and_remove_the_model(db: Database) {
    let app = spawn_app(db).await;
    let mut admin = signed_in_admin(&app, "admin@example.com").await;
    let response = admin
        .put_file(UPLOAD, "model", model("models/BoxVertexColors.glb"))
        .await;
    assert_eq!(response.status(), 201);
    let rendered = product(&app, "toy-car").await["model_poster_url"].clone();
    assert!(rendered.is_string());

    // A photo as the poster: cropped to the viewer's 4:3 frame, as JPEG.
    let response = admin
        .post_file(
            "/admin/products/toy-car/poster",
            "poster",
            "poster.png",
            png(800, 300),
            &[],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let chosen = product(&app, "toy-car").await["model_poster_url"].clone();
    assert_ne!(chosen, rendered);
    let jpeg = app
        .get(chosen.as_str().unwrap())
        .await
        .bytes()
        .await
        .unwrap();
    let poster = image::load_from_memory(&jpeg).unwrap();
    assert_eq!((poster.width(), poster.height()), (960, 720));
    let html = page(&mut admin, MODEL_PAGE).await;
    assert!(html.contains(r#"data-testid="rendered-poster-form""#));

    // A file that is no photo is refused at the form.
    let refused = admin
        .post_file(
            "/admin/products/toy-car/poster",
            "poster",
            "poster.png",
            b"not a picture".to_vec(),
            &[],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("not a JPEG or PNG"));
    assert_eq!(product(&app, "toy-car").await["model_poster_url"], chosen);

    // Back to the rendered still.
    let response = admin
        .post_form("/admin/products/toy-car/poster/rendered", &[])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(product(&app, "toy-car").await["model_poster_url"], rendered);

    // Removing needs the box ticked; then the product has no 3D view.
    let unconfirmed = admin
        .post_form("/admin/products/toy-car/model/remove", &[])
        .await;
    assert_eq!(unconfirmed.status(), 422);
    assert!(unconfirmed.text().await.unwrap().contains("tick the box"));
    assert!(product(&app, "toy-car").await["model_url"].is_string());
    let removed = admin
        .post_form(
            "/admin/products/toy-car/model/remove",
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(removed.status(), 303);
    let detail = product(&app, "toy-car").await;
    assert!(detail["model_url"].is_null());
    assert!(detail["model_poster_url"].is_null());
    let shop_page = app.get("/p/toy-car").await.text().await.unwrap();
    assert!(shop_page.contains("No 3D model for this product yet."));
    let log = audit_log(&mut admin).await;
    assert!(log.contains("model.poster") && log.contains("model.remove"));
}

async fn merchandisers_add_describe_order_and_remove_photos(db: Database) {
    let app = spawn_app(db).await;
    let mut admin = signed_in_admin(&app, "admin@example.com").await;
    let photos_before = product(&app, "toy-car").await["images"]
        .as_array()
        .unwrap()
        .len();
    for alt in ["Front", "Side"] {
        let response = admin
            .post_file(
                "/admin/products/toy-car/images",
                "photo",
                "photo.png",
                png(400, 300),
                &[("alt", alt)],
            )
            .await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    }
    let alts = |detail: &Value| -> Vec<String> {
        detail["images"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["alt"].as_str().unwrap().to_string())
            .collect()
    };
    let detail = product(&app, "toy-car").await;
    assert_eq!(alts(&detail)[photos_before..], ["Front", "Side"]);

    // The editor lists them with their ids in their forms.
    let editor = page(&mut admin, "/admin/products/toy-car").await;
    let ids: Vec<String> = editor
        .match_indices("/admin/products/toy-car/images/")
        .map(|(i, m)| {
            let rest = &editor[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect();
    assert_eq!(ids.len(), photos_before + 2);
    let side = ids.last().unwrap().clone();
    let path = format!("/admin/products/toy-car/images/{side}");

    let moved = admin
        .post_form(&path, &[("action", "earlier"), ("alt", "")])
        .await;
    assert_eq!(moved.status(), 303);
    let described = admin
        .post_form(&path, &[("action", "describe"), ("alt", "Side view")])
        .await;
    assert_eq!(described.status(), 303);
    let detail = product(&app, "toy-car").await;
    assert_eq!(alts(&detail)[photos_before..], ["Side view", "Front"]);

    // Bad input: too long a description, a file that is not a photo.
    let long = "x".repeat(301);
    let refused = admin
        .post_form(&path, &[("action", "describe"), ("alt", &long)])
        .await;
    assert_eq!(refused.status(), 422);
    let refused = admin
        .post_file(
            "/admin/products/toy-car/images",
            "photo",
            "photo.png",
            png(50, 50),
            &[("alt", "Tiny")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("between 200 and 8000")
    );

    let removed = admin.post_form(&path, &[("action", "remove")]).await;
    assert_eq!(removed.status(), 303);
    let detail = product(&app, "toy-car").await;
    assert_eq!(alts(&detail)[photos_before..], ["Front"]);
    let log = audit_log(&mut admin).await;
    assert!(log.contains("image.add") && log.contains("image.edit"));

    // Shoppers may not post photos.
    let mut shopper = app.shopper();
    let response = shopper
        .post_file(
            "/admin/products/toy-car/images",
            "photo",
            "photo.png",
            png(400, 300),
            &[],
        )
        .await;
    assert_eq!(response.status(), 303, "anonymous: sign in first");
}

async fn the_dashboard_lists_the_most_viewed_products(db: Database) {
    let app = spawn_app(db).await;
    let mut admin = signed_in_admin(&app, "admin@example.com").await;
    let empty = page(&mut admin, "/admin").await;
    assert!(empty.contains(r#"data-testid="no-views""#));
    // The product page sends one of these from the browser once shown.
    let mut visitor = app.shopper();
    for _ in 0..3 {
        let counted = visitor
            .post_json("/api/v1/products/toy-car/views", Value::Null)
            .await;
        assert_eq!(counted.status(), 204);
    }
    let counted = visitor
        .post_json("/api/v1/products/insulated-water-bottle/views", Value::Null)
        .await;
    assert_eq!(counted.status(), 204);
    let unknown = visitor
        .post_json("/api/v1/products/no-such-thing/views", Value::Null)
        .await;
    assert_eq!(unknown.status(), 404);
    let dashboard = page(&mut admin, "/admin").await;
    let table = &dashboard[dashboard
        .find(r#"data-testid="most-viewed""#)
        .expect("a most-viewed table")..];
    let toy_car = table.find("/admin/products/toy-car").unwrap();
    let bottle = table
        .find("/admin/products/insulated-water-bottle")
        .unwrap();
    assert!(toy_car < bottle, "most viewed first");
    assert!(table.contains(">3</td>"), "three views");
}
