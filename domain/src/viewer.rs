//! The contract between the product page and the 3D viewer module.
//!
//! The page renders a `<canvas>` whose `data-viewer` attribute holds a
//! [`ViewerConfig`] as JSON; the viewer reads it, and reports back through
//! DOM events and `data-*` attributes on the same canvas (named in [`dom`]),
//! which the page, people and Playwright all observe.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewerConfig {
    /// URL of the GLB to show.
    pub model_url: String,
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
    /// Attribute the viewer sets to its state: `loading`, `ready` or `error`.
    pub const STATE_ATTR: &str = "data-viewer-state";
    /// Attribute set on the first frame that shows the model: milliseconds since navigation start.
    pub const FIRST_FRAME_ATTR: &str = "data-first-frame-ms";
    /// Attribute counting frames rendered since the model appeared (tests wait on it after input).
    pub const FRAMES_ATTR: &str = "data-frames";
    /// Attribute with a person-readable error message when the viewer cannot show the model.
    pub const ERROR_ATTR: &str = "data-viewer-error";
    /// Attribute the page sets to the selected variant's glTF material variant name.
    pub const MATERIAL_VARIANT_ATTR: &str = "data-material-variant";
    /// Attribute the viewer sets to the material variant on screen (empty: the default).
    pub const MATERIAL_VARIANT_SHOWN_ATTR: &str = "data-material-variant-shown";
    /// Event dispatched on the canvas with the first model frame (`detail.ms`).
    pub const FIRST_FRAME_EVENT: &str = "vitrine:first-frame";
    /// Event dispatched on the canvas when the viewer fails (`detail.message`).
    pub const ERROR_EVENT: &str = "vitrine:viewer-error";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_round_trips_through_json() {
        let config = ViewerConfig {
            model_url: "/assets/abc.glb".into(),
            label: "3D view of Sheen Chair".into(),
        };
        let json = serde_json::to_string(&config).unwrap();
        assert_eq!(serde_json::from_str::<ViewerConfig>(&json).unwrap(), config);
    }
}
