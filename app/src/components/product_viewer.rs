//! The product page's 3D view: a canvas the viewer module draws into.
//!
//! The canvas is rendered on the server with the viewer's config; once the
//! page has hydrated, an effect (browser only) loads the viewer module and
//! starts it. Catalog pages never render this, so they never download it.

use crate::api::ViewerBoot;
use crate::model::viewer::dom;
use leptos::prelude::*;

#[component]
pub fn ProductViewer(
    boot: ViewerBoot,
    /// The selected variant's glTF material variant: the viewer shows it.
    #[prop(into)]
    material_variant: Signal<Option<String>>,
) -> impl IntoView {
    let config = serde_json::to_string(&boot.config).unwrap_or_default();
    let label = boot.config.label.clone();
    let poster = boot.poster_url.clone();

    #[cfg(feature = "hydrate")]
    Effect::new(move |_| loader::load(&boot.module_js, &boot.module_wasm, dom::CANVAS_ID));
    #[cfg(not(feature = "hydrate"))]
    let _ = boot;

    // The viewer watches this counter: each press puts the view back.
    let resets = RwSignal::new(0u32);
    let frame = NodeRef::<leptos::html::Div>::new();
    let toggle_fullscreen = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(frame) = frame.get() {
            let document = web_sys::window().and_then(|w| w.document());
            match document {
                Some(document) if document.fullscreen_element().is_some() => {
                    document.exit_fullscreen()
                }
                _ => {
                    let _ = frame.request_fullscreen();
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = frame;
    };

    view! {
        <div class="viewer" node_ref=frame>
            <canvas
                id=dom::CANVAS_ID
                data-viewer=config
                data-material-variant=move || material_variant.get().unwrap_or_default()
                data-view-resets=move || resets.get().to_string()
                tabindex="0"
                role="img"
                aria-label=label
                aria-describedby="viewer-help"
                // Right-drag pans the view: no context menu over it.
                on:contextmenu=|event| event.prevent_default()
            ></canvas>
            {poster.map(|src| view! { <img class="viewer-poster" src=src alt="" /> })}
            // Shown (by CSS) when the viewer cannot run: the poster stays.
            <p class="viewer-unavailable viewer-no-webgl" role="status">
                "The 3D view is not available in this browser; this is a still of the model."
            </p>
            // Shown (by CSS) when the browser took the 3D view's graphics away.
            <p class="viewer-unavailable viewer-stopped" role="status">{dom::LOST_MESSAGE}</p>
            // Shown (by CSS) while the viewer starts and while finer levels stream in.
            <div class="viewer-progress" aria-hidden="true"></div>
            // Shown (by CSS) once the viewer draws: they need it.
            <div class="viewer-controls">
                <button type="button" data-testid="reset-view" on:click=move |_| resets.update(|n| *n += 1)>
                    "Reset view"
                </button>
                <button type="button" data-testid="fullscreen" on:click=toggle_fullscreen>
                    "Full screen"
                </button>
            </div>
            <p id="viewer-help" class="viewer-help">
                "Drag to turn, right-drag or two fingers to move, scroll or pinch to zoom. "
                "With the view focused: arrow keys turn, + and − zoom, 0 resets."
            </p>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod loader {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(inline_js = r#"
        // While the viewer's wasm downloads and compiles, fetch the model's
        // manifest and its coarsest level: the viewer then reads both from
        // the browser's cache (they are immutable) and draws sooner.
        function prefetch_levels(canvas) {
            let config;
            try { config = JSON.parse(canvas.getAttribute("data-viewer")); } catch (_) { return; }
            if (!config || !config.manifest_url) return;
            const manifestUrl = new URL(config.manifest_url, document.baseURI);
            fetch(manifestUrl)
                .then((r) => (r.ok ? r.json() : null))
                .then((manifest) => {
                    const coarsest = manifest && manifest.levels[manifest.levels.length - 1];
                    if (coarsest) return fetch(new URL(coarsest.file, manifestUrl));
                })
                .catch(() => {});
        }
        export function boot_viewer(js, wasm, canvasId) {
            const canvas = document.getElementById(canvasId);
            if (canvas) prefetch_levels(canvas);
            import(js)
                .then((viewer) => viewer.default({ module_or_path: wasm }).then(() => viewer.start(canvasId)))
                .catch((error) => {
                    const canvas = document.getElementById(canvasId);
                    if (!canvas) return;
                    canvas.setAttribute("data-viewer-state", "error");
                    canvas.setAttribute("data-viewer-error", "The 3D viewer could not start: " + error);
                });
        }
    "#)]
    extern "C" {
        fn boot_viewer(js: &str, wasm: &str, canvas_id: &str);
    }

    pub fn load(js: &str, wasm: &str, canvas_id: &str) {
        boot_viewer(js, wasm, canvas_id);
    }
}
