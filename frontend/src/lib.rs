//! The browser entry: wakes the server-rendered page up (hydration).

use wasm_bindgen::prelude::wasm_bindgen;

/// How long hydration may wait for a product page's quick look (below).
const QUICK_LOOK_CAP_MS: u32 = 1000;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // A product page's first 3D frame (the quick look) and hydration want
    // the same cores: hydration waits until that frame is on screen, at most
    // QUICK_LOOK_CAP_MS. The page works without JavaScript meanwhile (its
    // forms post), and other pages hydrate at once.
    vitrine_app::components::after_quick_look(QUICK_LOOK_CAP_MS, || {
        // When it ran shows in the browser's performance panel (and in
        // bench/first-frame-timeline.mjs), beside the quick look's steps.
        mark("vitrine:hydrate:start");
        leptos::mount::hydrate_body(vitrine_app::App);
        mark("vitrine:hydrate:done");
        // Lets people's scripts and the browser tests know the page is interactive.
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
