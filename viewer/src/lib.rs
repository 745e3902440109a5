//! Vitrine's 3D product viewer: a Bevy app compiled to its own wasm module.
//!
//! The product page loads this module after it has hydrated and calls
//! [`start`] with its canvas id. The app is a few plugins, one per concern:
//! - [`page_bridge`]: reads the page's [`ViewerConfig`] and reports state back to the DOM;
//! - [`model`]: loads the GLB, frames the camera on it, notices the first frame;
//! - [`orbit_camera`]: turns drags and wheel into camera moves (maths in `vitrine-viewer-core`);
//! - [`variants`]: shows the variant the page selected (glTF `KHR_materials_variants`).

pub mod model;
pub mod orbit_camera;
pub mod page_bridge;
pub mod variants;

use bevy::asset::AssetMetaCheck;
use bevy::prelude::*;
use vitrine_domain::viewer::ViewerConfig;

/// Builds the viewer app for a canvas (`#id`) and a config read from the page.
pub fn build_app(canvas_id: &str, config: ViewerConfig) -> App {
    // Bevy's web asset reader fetches `<file_path>/<path>`: split the model URL there.
    let (asset_root, model_file) = match config.model_url.rsplit_once('/') {
        Some((root, file)) => (root.to_string(), file.to_string()),
        None => (String::new(), config.model_url.clone()),
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
        model::ModelPlugin { file: model_file },
        orbit_camera::OrbitCameraPlugin,
        variants::MaterialVariantsPlugin,
    ));
    app
}

#[cfg(target_arch = "wasm32")]
mod web {
    use super::*;
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
        // On the web `run` hands the app to the browser's event loop and returns.
        build_app(canvas_id, config).run();
    }
}
