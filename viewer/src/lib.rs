//! Vitrine's 3D product viewer: a Bevy app compiled to its own wasm module.
//!
//! The product page loads this module after it has hydrated and calls
//! [`start`] with its canvas id. The app is a few plugins, one per concern:
//! - [`page_bridge`]: reads the page's [`ViewerConfig`] and reports state back to the DOM;
//! - [`model`]: streams the model's levels of detail coarsest first (the
//!   schedule is `vitrine_viewer_core::lod`), frames the camera, notices the first frame;
//! - [`studio_light`]: the lamps and environment light (shared with the poster);
//! - [`orbit_camera`]: turns drags and wheel into camera moves (maths in `vitrine-viewer-core`);
//! - [`variants`]: shows the variant the page selected (glTF `KHR_materials_variants`).

pub mod model;
pub mod orbit_camera;
pub mod page_bridge;
pub mod studio_light;
pub mod variants;

use bevy::asset::AssetMetaCheck;
use bevy::prelude::*;
use vitrine_domain::viewer::{ModelManifest, ViewerConfig};

/// Builds the viewer app for a canvas (`#id`), a config read from the page
/// and the model's manifest, when it has one and it could be fetched.
pub fn build_app(canvas_id: &str, config: ViewerConfig, manifest: Option<ModelManifest>) -> App {
    // Bevy's web asset reader fetches `<file_path>/<path>`: split the model URL
    // there. Content-addressed keys put the levels in the same folder.
    let (asset_root, model_file) = match config.model_url.rsplit_once('/') {
        Some((root, file)) => (root.to_string(), file.to_string()),
        None => (String::new(), config.model_url.clone()),
    };
    let source = match manifest {
        Some(manifest) if !manifest.levels.is_empty() => model::ModelSource::Levels(manifest),
        _ => model::ModelSource::Whole(model_file),
    };
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(AssetPlugin {
                file_path: asset_root,
                // Assets have no .meta files: do not fetch them.
                meta_check: AssetMetaCheck::Never,
                ..default()
            })
            .set(WindowPlugin {
                primary_window: Some(Window {
                    canvas: Some(format!("#{canvas_id}")),
                    fit_canvas_to_parent: true,
                    // Wheel and drags over the canvas move the camera, not the page.
                    prevent_default_event_handling: true,
                    ..default()
                }),
                ..default()
            }),
    )
    .add_plugins((
        page_bridge::PageBridgePlugin {
            canvas_id: canvas_id.to_string(),
        },
        model::ModelPlugin {
            source,
            pinned_level: config.pinned_level,
        },
        orbit_camera::OrbitCameraPlugin,
        studio_light::StudioLightPlugin,
        variants::MaterialVariantsPlugin,
    ));
    app
}

#[cfg(target_arch = "wasm32")]
mod web {
    use super::*;
    use tracing::warn;
    use wasm_bindgen::prelude::*;

    /// Starts the viewer in the canvas with this id. Reads the canvas's
    /// `data-viewer` config; any failure is reported on the canvas, never thrown.
    #[wasm_bindgen]
    pub fn start(canvas_id: &str) {
        console_error_panic_hook::set_once();
        let config = match page_bridge::read_config(canvas_id) {
            Ok(config) => config,
            Err(message) => return page_bridge::report_error(canvas_id, &message),
        };
        if !page_bridge::webgl2_available() {
            return page_bridge::report_error(
                canvas_id,
                "This browser cannot show 3D (WebGL2 is unavailable).",
            );
        }
        page_bridge::set_state(canvas_id, "loading");
        page_bridge::watch_context_loss(canvas_id);
        let canvas_id = canvas_id.to_string();
        wasm_bindgen_futures::spawn_local(async move {
            // The page started fetching the manifest with the wasm: this
            // read comes from the browser's cache.
            let manifest = match &config.manifest_url {
                Some(url) => match page_bridge::fetch_text(url).await {
                    Ok(text) => serde_json::from_str(&text)
                        .map_err(|e| warn!("bad manifest {url}: {e}"))
                        .ok(),
                    Err(e) => {
                        warn!("no manifest {url} ({e}): loading the whole model");
                        None
                    }
                },
                None => None,
            };
            // On the web `run` hands the app to the browser's event loop and returns.
            build_app(&canvas_id, config, manifest).run();
        });
    }
}
