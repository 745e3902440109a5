//! The product page's 3D view: a canvas the viewer module draws into.
//!
//! The canvas is rendered on the server with the viewer's config. Right
//! after it, the HTML starts the quick look (its own small module, which
//! draws the model's coarsest level): it does not wait for the page's bundle.
//! Once the page has hydrated, an effect (browser only) loads the viewer
//! module and starts it. Catalog pages never render this, so they never
//! download either module.

use crate::api::ViewerBoot;
use crate::model::viewer::dom;
use leptos::prelude::*;
use leptos_meta::Link;

#[component]
pub fn ProductViewer(
    boot: ViewerBoot,
    /// The selected variant's glTF material variant: the viewer shows it.
    #[prop(into)]
    material_variant: Signal<Option<String>>,
    /// The product's slug, when what shoppers do with the view is to be
    /// reported (the shop's product page; not the admin's preview).
    #[prop(optional, into)]
    clickstream_product: Option<String>,
) -> impl IntoView {
    let config = serde_json::to_string(&boot.config).unwrap_or_default();
    let label = boot.config.label.clone();
    let poster = boot.poster_url.clone();
    // The model's manifest is the first thing the quick look and the viewer
    // fetch: the browser can have it while the page's bundle still loads.
    let manifest_preload = boot.config.manifest_url.clone().map(|href| {
        view! { <Link rel="preload" href=href as_="fetch" crossorigin="anonymous" /> }
    });
    // … and the coarsest level, which the quick look fetches next.
    let level_preload = boot.coarsest_level_url.clone().map(|href| {
        view! {
            <Link rel="preload" href=href as_="fetch" crossorigin="anonymous" fetchpriority="high" />
        }
    });
    let quick_look_boot = quick_look_boot(
        &boot.quick_look_js,
        &boot.quick_look_wasm,
        boot.config.manifest_url.is_some(),
    );
    let quick_look_js = boot.quick_look_js.clone();
    let quick_look_wasm = boot.quick_look_wasm.clone();

    #[cfg(feature = "hydrate")]
    let quick_look_again = quick_look_boot.clone();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        // A page rendered here (client-side navigation) may not have run
        // the inline start below; starting twice is a no-op.
        // The script reports its own failures on the canvas.
        let _ =
            js_sys::Function::new_no_args(&quick_look_again).call0(&wasm_bindgen::JsValue::NULL);
        loader::load(
            &boot.module_js,
            &boot.module_wasm,
            dom::CANVAS_ID,
            clickstream_product.as_deref().unwrap_or_default(),
        )
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (boot, clickstream_product);

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
        {manifest_preload}
        {level_preload}
        // The quick look's module, fetched while the HTML is still parsed.
        <Link rel="modulepreload" href=quick_look_js />
        <Link rel="preload" href=quick_look_wasm as_="fetch" crossorigin="anonymous" />
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
            // The quick look draws here until the viewer's first frame (CSS
            // shows it while the canvas says `data-quick-look="drawing"`).
            <canvas class=dom::QUICK_LOOK_CANVAS_CLASS aria-hidden="true"></canvas>
            // Runs as soon as the parser gets here (both canvases exist): an
            // async module, unlike a plain script, does not wait for the
            // stylesheet.
            <script type="module" async inner_html=quick_look_boot></script>
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

/// The script that starts the quick look on the viewer canvas: it imports
/// the quick look's module once per page (`self.vitrineQuickLook`) and asks
/// it to start, which it does once per canvas. If the module cannot load,
/// the canvas says so and the page waits for the viewer.
const QUICK_LOOK_BOOT: &str = r#"performance.mark("vitrine:quick-look:boot");
(self.vitrineQuickLook ??= import($JS).then((m) => {
  performance.mark("vitrine:quick-look:module");
  const ready = m.default({ module_or_path: $WASM });
  // Making a WebGL context takes longest of anything on a software renderer:
  // make it while the module compiles (the module then gets this one).
  if ($EARLY) document.querySelector($CANVAS)?.getContext("webgl2", $CONTEXT);
  performance.mark("vitrine:quick-look:early-context");
  return ready.then(() => m);
})).then((m) => m.start($ID), (e) => {
  const c = document.getElementById($ID);
  if (c && !c.hasAttribute($STATE)) {
    c.setAttribute($STATE, "unavailable");
    c.setAttribute($ERROR, "the quick look could not load: " + e);
  }
});"#;

/// [`QUICK_LOOK_BOOT`] for the module at `js` + `wasm`. `early_context`:
/// make the WebGL context before the module is in (only for a model with
/// levels, which the quick look will draw: it frees the context when done).
fn quick_look_boot(js: &str, wasm: &str, early_context: bool) -> String {
    // Inlined in a <script>: no `<` may close it early; and no `$` may
    // look like a placeholder.
    let literal = |s: &str| {
        serde_json::to_string(s)
            .unwrap_or_default()
            .replace('<', "\\u003c")
            .replace('$', "\\u0024")
    };
    QUICK_LOOK_BOOT
        .replace("$JS", &literal(js))
        .replace("$WASM", &literal(wasm))
        .replace("$EARLY", if early_context { "true" } else { "false" })
        .replace(
            "$CANVAS",
            &literal(&format!("canvas.{}", dom::QUICK_LOOK_CANVAS_CLASS)),
        )
        .replace("$CONTEXT", dom::QUICK_LOOK_CONTEXT)
        .replace("$ID", &literal(dom::CANVAS_ID))
        .replace("$STATE", &literal(dom::QUICK_LOOK_ATTR))
        .replace("$ERROR", &literal(dom::QUICK_LOOK_ERROR_ATTR))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_look_boot_names_its_module_and_escapes_what_could_close_the_script() {
        let script = quick_look_boot("/pkg/quick-look.1.js", "/pkg/</script>$ID.wasm", true);
        assert!(script.contains(r#"import("/pkg/quick-look.1.js")"#));
        assert!(script.contains(r#"module_or_path: "/pkg/\u003c/script>\u0024ID.wasm""#));
        assert!(!script.contains("</script>"));
        assert!(!script.contains('$'), "a placeholder is left: {script}");
        assert!(script.contains(r#"if (true) document.querySelector("canvas.viewer-quick-look")"#));
        assert!(script.contains(dom::QUICK_LOOK_CONTEXT));
        let late = quick_look_boot("/a.js", "/a.wasm", false);
        assert!(late.contains("if (false)"));
    }
}

#[cfg(feature = "hydrate")]
pub use loader::after_quick_look;

#[cfg(feature = "hydrate")]
mod loader {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(inline_js = r#"
        // The view's clickstream (vitrine_domain::clickstream): what the
        // shopper does with it and what the viewer reports, sent in small
        // batches every few seconds and when the page is hidden.
        function collect_events(canvas, product, endpoint) {
            const pageView = crypto.randomUUID ? crypto.randomUUID()
                : Math.random().toString(36).slice(2) + Date.now().toString(36);
            let queue = [];
            const send = (leaving) => {
                while (queue.length) {
                    const body = JSON.stringify({ page_view: pageView, product, events: queue.splice(0, 50) });
                    const json = "application/json";
                    if (leaving && navigator.sendBeacon) navigator.sendBeacon(endpoint, new Blob([body], { type: json }));
                    else fetch(endpoint, { method: "POST", body, keepalive: true, headers: { "content-type": json } })
                        .catch(() => {});
                }
            };
            const push = (event) => {
                queue.push(Object.assign({ at_ms: Math.round(performance.now()) }, event));
                if (queue.length >= 40) send(false);
            };
            // A drag, a key run or a wheel run counts once.
            const once = (kind) => {
                let last = 0;
                return () => {
                    const now = performance.now();
                    if (now - last > 1000) push({ kind });
                    last = now;
                };
            };
            const rotated = once("rotate");
            const zoomed = once("zoom");
            push({ kind: "view" });
            // The quick look starts before the page hydrates: its first
            // frame may be on screen already.
            const shown = canvas.getAttribute("data-first-frame-ms");
            if (shown) push({ kind: "first_frame", at_ms: Math.round(Number(shown)) });
            else canvas.addEventListener("vitrine:first-frame", (e) =>
                push({ kind: "first_frame", at_ms: Math.round(e.detail.ms) }), { once: true });
            canvas.addEventListener("vitrine:lod-shown", (e) => push({
                kind: "lod_shown", at_ms: Math.round(e.detail.ms), level: e.detail.level,
                bytes: Math.round(e.detail.bytes), triangles: Math.round(e.detail.triangles),
            }));
            canvas.addEventListener("vitrine:viewer-error", (e) =>
                push({ kind: "error", message: String(e.detail && e.detail.message).slice(0, 200) }));
            let down = null;
            canvas.addEventListener("pointerdown", (e) => { down = [e.clientX, e.clientY]; });
            canvas.addEventListener("pointerup", () => { down = null; });
            canvas.addEventListener("pointermove", (e) => {
                if (down && Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 4) rotated();
            });
            canvas.addEventListener("wheel", zoomed, { passive: true });
            canvas.addEventListener("keydown", (e) => {
                if (e.key.startsWith("Arrow")) rotated();
                else if (e.key === "+" || e.key === "-" || e.key === "=") zoomed();
            });
            const timer = setInterval(() => {
                send(false);
                // Client-side navigation took the view away: nothing more will come.
                if (!canvas.isConnected && !queue.length) clearInterval(timer);
            }, 2000);
            addEventListener("pagehide", () => send(true));
            document.addEventListener("visibilitychange", () => {
                if (document.visibilityState === "hidden") send(true);
            });
        }
        // The viewer's module downloads at once, but compiling its 17 MB
        // takes the same cores the quick look needs to draw: it waits until
        // the quick look has shown its first frame (or cannot), at most
        // START_CAP_MS after the bytes are in. `data-viewer-module` says
        // where it is: downloading, waiting, starting.
        const START_CAP_MS = 5000;
        function quick_look_settled(canvas) {
            return canvas.hasAttribute("data-quick-look-ms")
                || ["unavailable", "done"].includes(canvas.getAttribute("data-quick-look"));
        }
        function after_quick_look(canvas, capMs) {
            return new Promise((resolve) => {
                if (quick_look_settled(canvas)) return resolve();
                const observer = new MutationObserver(() => {
                    if (quick_look_settled(canvas)) done();
                });
                const timer = setTimeout(() => done(), capMs);
                const done = () => { observer.disconnect(); clearTimeout(timer); resolve(); };
                observer.observe(canvas, { attributes: true, attributeFilter: ["data-quick-look", "data-quick-look-ms"] });
            });
        }
        export function when_quick_look_settled(canvasId, capMs, callback) {
            const canvas = document.getElementById(canvasId);
            if (canvas) after_quick_look(canvas, capMs).then(callback);
            else callback();
        }
        export function boot_viewer(js, wasm, canvasId, product, endpoint) {
            const canvas = document.getElementById(canvasId);
            if (!canvas) return;
            if (product) collect_events(canvas, product, endpoint);
            const stage = (name) => canvas.setAttribute("data-viewer-module", name);
            stage("downloading");
            // One request: this clone is read to the end now, so the bytes
            // arrive while the quick look works; the original goes to the
            // streaming compiler later, as it did before.
            const response = fetch(wasm).then((r) => {
                if (!r.ok) throw new Error(`${wasm} answered HTTP ${r.status}`);
                return r.clone().arrayBuffer().then(() => r);
            });
            Promise.all([import(js), response])
                .then(([viewer, response]) => {
                    stage("waiting");
                    return after_quick_look(canvas, START_CAP_MS).then(() => {
                        // The shopper has left for another page (whose canvas
                        // may have the same id): this viewer is not wanted.
                        if (!canvas.isConnected) return;
                        stage("starting");
                        return viewer.default({ module_or_path: response }).then(() => viewer.start(canvasId));
                    });
                })
                .catch((error) => {
                    canvas.setAttribute("data-viewer-state", "error");
                    canvas.setAttribute("data-viewer-error", "The 3D viewer could not start: " + error);
                });
        }
    "#)]
    extern "C" {
        fn boot_viewer(js: &str, wasm: &str, canvas_id: &str, product: &str, endpoint: &str);
        fn when_quick_look_settled(canvas_id: &str, cap_ms: u32, callback: JsValue);
    }

    /// Runs `then` once the page's quick look has drawn its first frame (or
    /// cannot), at most `cap_ms` from now; at once on a page without a 3D view.
    pub fn after_quick_look(cap_ms: u32, then: impl FnOnce() + 'static) {
        let canvas_id = crate::model::viewer::dom::CANVAS_ID;
        when_quick_look_settled(canvas_id, cap_ms, Closure::once_into_js(then));
    }

    /// Starts the viewer; with a `product` slug, reports its clickstream.
    pub fn load(js: &str, wasm: &str, canvas_id: &str, product: &str) {
        let endpoint = crate::model::clickstream::ENDPOINT;
        boot_viewer(js, wasm, canvas_id, product, endpoint);
    }
}
