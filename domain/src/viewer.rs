//! The contract between the product page and the 3D viewer module.
//!
//! The page renders a `<canvas>` whose `data-viewer` attribute holds a
//! [`ViewerConfig`] as JSON; the viewer reads it, and reports back through
//! DOM events and `data-*` attributes on the same canvas (named in [`dom`]),
//! which the page, people and Playwright all observe.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewerConfig {
    /// URL of the whole GLB: shown when the model has no levels of detail.
    pub model_url: String,
    /// URL of the model's [`ModelManifest`]: the viewer streams its levels
    /// coarsest first. Level files are relative to it.
    #[serde(default)]
    pub manifest_url: Option<String>,
    /// Stream down to this level and no finer, whatever the canvas warrants
    /// (`?lod=N`: QA and the admin's level preview).
    #[serde(default)]
    pub pinned_level: Option<usize>,
    /// Accessible name of the 3D view, e.g. "3D view of Sheen Chair".
    pub label: String,
}

/// A model's levels of detail, written by the asset pipeline next to them
/// (`<sha256>.json` in the asset store) for the viewer to stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelManifest {
    /// Finest first: level 0 has every triangle.
    pub levels: Vec<ModelLevel>,
    /// Axis-aligned bounds of the whole scene, in model units.
    pub bounds_min: [f32; 3],
    pub bounds_max: [f32; 3],
    /// `KHR_materials_variants` names, present in every level.
    pub material_variants: Vec<String>,
    /// A still of the model, when one has been made.
    pub poster: Option<String>,
}

impl ModelManifest {
    /// The level shown first: the coarsest, last in [`Self::levels`].
    pub fn coarsest_level(&self) -> Option<&ModelLevel> {
        self.levels.last()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelLevel {
    /// The level's GLB, relative to the manifest's own URL.
    pub file: String,
    pub bytes: u64,
    pub triangles: u64,
    /// Longest texture edge in pixels (0 without textures).
    pub max_texture_edge: u32,
    /// How far this level's surface may stray from level 0's, in model units.
    pub geometric_error: f32,
}

/// Names shared by the viewer (which sets them) and the page and tests (which read them).
pub mod dom {
    /// `id` of the product page's viewer canvas.
    pub const CANVAS_ID: &str = "vitrine-viewer";
    /// Attribute holding the [`super::ViewerConfig`] JSON.
    pub const CONFIG_ATTR: &str = "data-viewer";
    /// Attribute the viewer sets to its state: `loading`, `ready`, `error`
    /// (it could not start) or [`STATE_LOST`].
    pub const STATE_ATTR: &str = "data-viewer-state";
    /// State after the browser took the WebGL context away (GPU reset, too
    /// many contexts): the viewer has stopped and the poster is back.
    pub const STATE_LOST: &str = "lost";
    /// What the page says in the [`STATE_LOST`] state.
    pub const LOST_MESSAGE: &str = "The 3D view stopped: the browser reset its graphics. Reload the page to turn the model again.";
    /// Attribute set on the first frame that shows the model in 3D, the
    /// quick look's or the viewer's, whichever came first: milliseconds since
    /// navigation start.
    pub const FIRST_FRAME_ATTR: &str = "data-first-frame-ms";
    /// Attribute set on the full viewer's own first frame (milliseconds since
    /// navigation start); [`STATE_ATTR`] becomes `ready` with it.
    pub const VIEWER_FIRST_FRAME_ATTR: &str = "data-viewer-first-frame-ms";
    /// Attribute with the quick look's state (the page's small renderer of
    /// the coarsest level while the viewer loads): `loading`, `drawing`,
    /// `done` (the viewer took over) or `unavailable`.
    pub const QUICK_LOOK_ATTR: &str = "data-quick-look";
    /// Attribute with why the quick look is `unavailable`.
    pub const QUICK_LOOK_ERROR_ATTR: &str = "data-quick-look-error";
    /// Attribute set on the quick look's first frame: milliseconds since navigation start.
    pub const QUICK_LOOK_MS_ATTR: &str = "data-quick-look-ms";
    /// Attribute with the quick look's view (`Orbit::to_handoff`), which the
    /// viewer follows until it takes over.
    pub const QUICK_LOOK_ORBIT_ATTR: &str = "data-quick-look-orbit";
    /// The `class` of the canvas the quick look draws on, over the viewer's.
    pub const QUICK_LOOK_CANVAS_CLASS: &str = "viewer-quick-look";
    /// The quick look's WebGL2 context attributes (JSON). The page's script
    /// makes the context with them while the quick look's module compiles
    /// (making one takes longest of anything on a software renderer); the
    /// module then gets that same context, or makes it with them.
    pub const QUICK_LOOK_CONTEXT: &str = r#"{"antialias":true,"alpha":false,"depth":true}"#;
    /// Attribute with where the viewer's module is (set by the page's
    /// loader): `downloading`, `waiting` (its bytes are in; it compiles once
    /// the quick look has drawn or cannot) or `starting`.
    pub const VIEWER_MODULE_ATTR: &str = "data-viewer-module";
    /// Attribute counting frames rendered since the model appeared (tests wait on it after input).
    pub const FRAMES_ATTR: &str = "data-frames";
    /// Attribute with a person-readable error message when the viewer cannot show the model.
    pub const ERROR_ATTR: &str = "data-viewer-error";
    /// Attribute the page sets to the selected variant's glTF material variant name.
    pub const MATERIAL_VARIANT_ATTR: &str = "data-material-variant";
    /// Attribute the viewer sets to the material variant on screen (empty: the default).
    pub const MATERIAL_VARIANT_SHOWN_ATTR: &str = "data-material-variant-shown";
    /// Event dispatched on the canvas with the first model frame (`detail.ms`,
    /// and `detail.by`: `quick-look` or `viewer`).
    pub const FIRST_FRAME_EVENT: &str = "vitrine:first-frame";
    /// Event dispatched on the canvas just before the full viewer's first
    /// frame is shown (before [`STATE_ATTR`] becomes `ready`): the quick look
    /// steps aside in its handler, so nothing covers the viewer once it is ready.
    pub const VIEWER_READY_EVENT: &str = "vitrine:viewer-ready";
    /// Event dispatched on the canvas when the viewer fails (`detail.message`).
    pub const ERROR_EVENT: &str = "vitrine:viewer-error";
    /// Attribute with the finest level of detail the canvas warrants (its index in the manifest).
    pub const LOD_TARGET_ATTR: &str = "data-lod-target";
    /// Attribute with the index of the level of detail on screen (0 is the finest).
    pub const LOD_SHOWN_ATTR: &str = "data-lod-shown";
    /// Attribute listing every level shown so far, in order, e.g. `3,2,1`.
    pub const LOD_HISTORY_ATTR: &str = "data-lod-history";
    /// Attribute that is `true` while a finer level is being fetched.
    pub const LOD_LOADING_ATTR: &str = "data-lod-loading";
    /// Attribute with a person-readable message when a level could not be
    /// fetched (the view stays on the last good level).
    pub const LOD_ERROR_ATTR: &str = "data-lod-error";
    /// Attribute that is `true` while the view turns by itself (until the
    /// shopper first moves it).
    pub const AUTO_ROTATE_ATTR: &str = "data-auto-rotate";
    /// Attribute the page bumps each time the reset-view button is pressed.
    pub const VIEW_RESETS_ATTR: &str = "data-view-resets";
    /// Event dispatched on the canvas when a level is shown
    /// (`detail.level`, `detail.bytes`, `detail.triangles`, `detail.ms`).
    pub const LOD_SHOWN_EVENT: &str = "vitrine:lod-shown";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_round_trips_through_json() {
        let config = ViewerConfig {
            model_url: "/assets/abc.glb".into(),
            manifest_url: Some("/assets/def.json".into()),
            pinned_level: None,
            label: "3D view of Sheen Chair".into(),
        };
        let json = serde_json::to_string(&config).unwrap();
        assert_eq!(serde_json::from_str::<ViewerConfig>(&json).unwrap(), config);
    }
}
